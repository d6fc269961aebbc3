"""Rules saved as versions and learned cross-references, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from ingest.db import Database
from ingest.db.audit import history
from ingest.db.learned import find_learned
from ingest.domain.rules import RuleSet
from ingest.errors import ConflictError, NotFoundError, TransientError
from ingest.matching.descriptions import description_key
from ingest.services.learned import learned_items, revoke_learned
from ingest.services.rule_changes import set_rule
from ingest.services.rules import change_rules, rule_history, rules_at


def test_rules_start_as_defaults_and_every_save_is_a_version(database_url: str) -> None:
    db = Database(database_url)
    with db.unit_of_work() as uow:
        assert uow.rules.active() == (0, RuleSet()) and uow.rules.history() == []
        assert uow.rules.get(0) == RuleSet()
    stricter = set_rule(RuleSet(), "thresholds.line", "0.99")
    with db.unit_of_work("ann") as uow:
        assert uow.rules.save(stricter, "fewer wrong lines") == 1
        uow.commit()
    with db.unit_of_work("bob") as uow:
        assert uow.rules.save(set_rule(stricter, "automation", "never"), None) == 2
        uow.commit()
    with db.unit_of_work() as uow:
        version, rules = uow.rules.active()
        assert version == 2 and rules.automation == "never" and rules.thresholds.line == 0.99
        assert uow.rules.get(1) == stricter
        with pytest.raises(NotFoundError, match="no rules version 7"):
            uow.rules.get(7)
        assert [(v.version, v.created_by, v.comment) for v in uow.rules.history()] == [
            (2, "bob", None),
            (1, "ann", "fewer wrong lines"),
        ]
        trail = history(uow.session, "rules", "2")
    assert trail[0]["action"] == "rules.saved" and trail[0]["actor"] == "bob"
    assert trail[0]["before"]["rules"]["automation"] == "confident"
    assert trail[0]["after"]["rules"]["automation"] == "never"
    db.dispose()


def test_an_unchanged_edit_saves_nothing(database_url: str) -> None:
    db = Database(database_url)
    change = change_rules(db, "ann", lambda r: set_rule(r, "automation", "confident"))
    assert not change.changed and change.version == 0 and rule_history(db) == []
    change = change_rules(db, "ann", lambda r: set_rule(r, "automation", "never"), "pause automation")
    assert change.changed and change.version == 1
    number, info, rules = rules_at(db)
    assert (
        number == 1
        and info is not None
        and info.comment == "pause automation"
        and rules.automation == "never"
    )
    db.dispose()


def test_the_first_change_starts_from_the_pipelines_defaults(database_url: str) -> None:
    """Until a rule set is saved, the settings' threshold is in force: a first change keeps it."""
    db = Database(database_url)
    defaults = set_rule(RuleSet(), "thresholds", '{"customer": 0.9, "line": 0.9}')
    assert rules_at(db, defaults=defaults)[2] == defaults
    change = change_rules(db, "ann", lambda r: set_rule(r, "automation", "never"), defaults=defaults)
    assert change.version == 1 and change.rules.thresholds.line == 0.9 and change.rules.automation == "never"
    assert rules_at(db, defaults=defaults)[2] == change.rules and rules_at(db, 0, defaults)[2] == defaults
    db.dispose()


def test_concurrent_saves_never_share_a_version(database_url: str) -> None:
    db = Database(database_url)
    barrier = threading.Barrier(4)
    saved: list[int] = []
    refused: list[Exception] = []

    def save(n: int) -> None:
        with db.unit_of_work(f"admin{n}") as uow:
            base, rules = uow.rules.active()
            barrier.wait()
            try:
                new = set_rule(rules, "regex_timeout_ms", str(10 + n))
                saved.append(uow.rules.save(new, None, based_on=base))
                uow.commit()
            except (ConflictError, TransientError) as exc:
                refused.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    committed = [v.version for v in rule_history(db)]
    assert len(saved) + len(refused) == 4 and len(committed) == len(set(committed))
    assert sorted(committed) == list(range(1, len(committed) + 1))
    conflicts = [e for e in refused if isinstance(e, ConflictError)]
    assert all(e.kind == "rules_version_taken" and "make your change again" in e.message for e in conflicts)
    assert saved == [1] and len(committed) == 1  # all four changed version 0: one wins
    db.dispose()


def test_a_second_save_on_a_stale_read_is_refused(database_url: str) -> None:
    """Two admins read version 0; the one who saves second gets a clear error, not an overwrite."""
    db = Database(database_url)
    with db.unit_of_work("ann") as first, db.unit_of_work("bob") as second:
        first.rules.active()
        second.rules.active()
        first.rules.save(set_rule(RuleSet(), "automation", "never"), None)
        first.commit()
        with pytest.raises(ConflictError) as caught:
            second.rules.save(set_rule(RuleSet(), "automation", "always"), None, based_on=0)
        assert caught.value.kind == "rules_version_taken"
    assert rules_at(db)[2].automation == "never"
    db.dispose()


def test_learned_items_learn_relearn_list_revoke(database_url: str) -> None:
    db = Database(database_url)
    with db.unit_of_work("ann") as uow:
        part = uow.learned.learn("C1", "part", "77-9 ", "A-1", "order-1")
        desc = uow.learned.learn("C1", "description", 'Hex Bolt 1/4"', "B-2", None)
        other = uow.learned.learn("C2", "part", "77-9", "C-3", None)
        uow.commit()
    assert part.key == "779" and part.learned_by == "ann" and part.order_id == "order-1"
    assert desc.key == description_key("hex bolt 1/4") and other.customer_id == "C2"
    with db.unit_of_work() as uow:
        found = find_learned(uow.session, "C1", "part", "779")
        assert found is not None and found.sku == "A-1" and found.id == part.id
        assert find_learned(uow.session, "C3", "part", "779") is None
    assert [i.sku for i in learned_items(db, "C1")] == ["B-2", "A-1"]  # description < part
    assert len(learned_items(db)) == 3

    assert part.id is not None
    revoked = revoke_learned(db, part.id, "bob")
    assert revoked.revoked_by == "bob" and revoked.revoked_at is not None
    with db.unit_of_work() as uow:
        assert find_learned(uow.session, "C1", "part", "779") is None
        trail = history(uow.session, "learned_item", str(part.id))
    assert [t["action"] for t in trail] == ["learned.added", "learned.revoked"]
    assert trail[1]["actor"] == "bob" and trail[1]["after"]["revoked"] is True
    assert [i.sku for i in learned_items(db, "C1")] == ["B-2"]
    assert {i.sku for i in learned_items(db, "C1", include_revoked=True)} == {"A-1", "B-2"}

    with db.unit_of_work("carl") as uow:  # learning the key again takes the revocation back
        again = uow.learned.learn("C1", "part", "77 9", "C-3", "order-2")
        uow.commit()
    assert (
        again.id == part.id and again.sku == "C-3" and again.revoked_at is None and again.learned_by == "carl"
    )
    with db.unit_of_work() as uow:
        found = find_learned(uow.session, "C1", "part", "779")
        assert found is not None and found.sku == "C-3" and found.text == "77 9"
    with pytest.raises(NotFoundError, match="no learned cross-reference 999"):
        revoke_learned(db, 999, "bob")
    db.dispose()


def test_migration_0005_backfills_what_the_matcher_said_and_goes_back(database_url: str) -> None:
    from alembic import command
    from samples import CLEAN
    from sqlalchemy import select

    from ingest.db.migrate import _config
    from ingest.db.tables import OrderLineRow, OrderRow
    from ingest.domain.document import Receipt
    from ingest.domain.matching import CustomerMatch, Decision, LineMatch, OrderMatch
    from ingest.domain.order import Order, OrderLine
    from ingest.services.intake import receive

    db = Database(database_url)
    doc = receive(db, Receipt(content=CLEAN, channel="file", source="test", source_ref="a.csv"))
    match = OrderMatch(
        customer=CustomerMatch(customer_id="C1", confidence=1.0, reason="r"),
        lines=(LineMatch(sku="A-1", confidence=1.0, reason="sku"),),
    )
    with db.unit_of_work() as uow:
        uow.orders.add(
            doc.id,
            0,
            Order(po_number="P1", lines=[OrderLine()]),
            match,
            Decision(commit=True, line_decisions=("auto",)),
        )
        uow.commit()
    try:
        command.downgrade(_config(db.engine), "0004")
        command.upgrade(_config(db.engine), "head")
    finally:
        db.upgrade()
    with db.unit_of_work() as uow:
        order = uow.session.scalars(select(OrderRow)).one()
        line = uow.session.scalars(select(OrderLineRow)).one()
        assert (order.matched_customer_id, order.reviewed_by) == ("C1", None)
        assert (line.matched_sku, line.corrected) == ("A-1", False)
        assert uow.rules.active()[0] == 0 and uow.learned.list() == []
    db.dispose()
