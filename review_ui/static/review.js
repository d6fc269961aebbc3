/* PO review: keyboard shortcuts and the product search of the order screen. No build step. */
(function () {
  "use strict";

  function lines() { return Array.prototype.slice.call(document.querySelectorAll("tr.line")); }

  var current = 0;

  function highlight(position) { show("line-" + position); }

  function show(target) {
    document.querySelectorAll("[data-target]").forEach(function (el) {
      if (el.tagName === "TR") { return; }
      var targets = (el.getAttribute("data-target") || "").split(" ");
      el.classList.toggle("selected", targets.indexOf(target) >= 0);
    });
  }

  function select(index) {
    var all = lines();
    if (!all.length) { return; }
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, i) { row.classList.toggle("current", i === current); });
    var row = all[current];
    row.scrollIntoView({ block: "nearest" });
    highlight(row.getAttribute("data-line"));
  }

  function typing(event) {
    var el = event.target;
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }

  function submit(id) {
    var button = document.getElementById(id);
    if (button) { button.click(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "Escape" && typing(event)) { event.target.blur(); return; }
    if (typing(event)) { return; }
    switch (event.key) {
      case "j": select(current + 1); break;
      case "k": select(current - 1); break;
      case "e": {
        var row = lines()[current];
        var input = row && row.querySelector("input.sku");
        if (input) { input.focus(); input.select(); }
        break;
      }
      case "/": {
        var search = document.getElementById("product-search");
        if (search) { search.focus(); }
        break;
      }
      case "a": submit("approve"); break;
      case "h": submit("hold"); break;
      default: return;
    }
    event.preventDefault();
  });

  function useProduct(sku) {
    var row = lines()[current];
    var input = row && row.querySelector("input.sku");
    if (input) {
      input.value = sku;
      input.classList.add("changed");
      input.focus();
    }
  }

  function showResults(list, hits) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!hits.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = "no product found";
      list.appendChild(none);
      return;
    }
    hits.forEach(function (hit) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "use";
      button.textContent = "use";
      button.setAttribute("data-sku", hit.sku);
      button.addEventListener("click", function () { useProduct(hit.sku); });
      var text = document.createElement("span");
      text.textContent = hit.sku + " — " + hit.description + " (" + (hit.uom || "?") + ", " +
        (hit.unit_price || "no price") + "; " + hit.how + ")";
      item.appendChild(button);
      item.appendChild(text);
      list.appendChild(item);
    });
  }

  function setupSearch() {
    var box = document.getElementById("product-search");
    var list = document.getElementById("search-results");
    if (!box || !list) { return; }
    var timer = null;
    function run() {
      var q = box.value.trim();
      if (!q) { showResults(list, []); return; }
      fetch(box.getAttribute("data-url") + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (hits) { showResults(list, hits); });
    }
    box.addEventListener("input", function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(run, 200);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); run(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-field]").forEach(function (el) {
      function pick() {
        document.querySelectorAll("[data-field]").forEach(function (other) {
          other.classList.toggle("current", other === el);
        });
        show(el.getAttribute("data-field"));
      }
      el.addEventListener("click", pick);
      el.addEventListener("focus", pick);
    });
    document.querySelectorAll(".runners-up button.use").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.stopPropagation();
        var row = button.closest("tr");
        var index = lines().indexOf(row);
        if (index >= 0) { select(index); }
        useProduct(button.getAttribute("data-sku"));
      });
    });
    lines().forEach(function (row, i) {
      row.addEventListener("focusin", function () { select(i); });
      row.addEventListener("click", function () { select(i); });
    });
    var firstLow = lines().findIndex(function (row) { return row.classList.contains("low"); });
    if (lines().length) { select(firstLow >= 0 ? firstLow : 0); }
    setupSearch();
  });
})();
