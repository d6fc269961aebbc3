"""Words of the matching benchmark: attribute values and how customers write them, the family
specification language of ``matching_families``, customer names, cities and things we do not sell.

A family line reads ``family CODE | names | template | UOM PACK PRICE | sku style``; the names are
``;``-separated, the first is the catalog's and the others are how buyers call it. Each following
indented line is a dimension ``name: kind values``; kinds: ``in`` inches, ``mm`` millimetres,
``ft`` feet, ``thr`` inch threads, ``mthr`` metric threads, ``u UNIT`` a number with a unit,
``lab LABEL`` a labelled number (``Grade 5``), ``dim`` a size like ``16x25``, ``pack UOM`` units
per selling unit, ``w`` words separated by ``|`` (``Black@BLK=blk,bk``: SKU code after ``@``,
extra spellings after ``=``). In a template, ``{dim}`` is a value and ``[words]`` may be dropped.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from fractions import Fraction

from ingest.domain.uom import known_uom


@dataclass(frozen=True)
class Value:
    text: str
    """As the catalog writes it."""
    forms: tuple[str, ...]
    """Other ways buyers write it."""
    code: str
    """Its part of a SKU."""
    factor: float = 1.0
    pack: int | None = None
    uom: str | None = None


@dataclass(frozen=True)
class Dim:
    name: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Family:
    code: str
    names: tuple[str, ...]
    template: str
    dims: tuple[Dim, ...]
    uom: str
    price: float
    sku: str
    """``fam:DIM`` (FAS-10001-ZP), ``num`` (0004512), ``model`` (AB1234-BLK-L), ``alnum`` (JN10234)
    or a format of value codes (``HVF-{size}-{depth}-M{merv}``)."""
    section: str
    ean: bool = False
    index: int = 0
    dim_index: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def capacity(self) -> int:
        n = 1
        for d in self.dims:
            n *= len(d.values)
        return n


# How buyers shorten words; the first form is also used as the SKU code of a word value.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "black": ("blk", "bk"),
    "white": ("wht", "wh"),
    "red": ("rd",),
    "blue": ("blu",),
    "green": ("grn",),
    "yellow": ("yel", "ylw"),
    "orange": ("orng", "org"),
    "gray": ("gry", "grey"),
    "brown": ("brn",),
    "ivory": ("ivy", "iv"),
    "light almond": ("lt almond", "alm"),
    "clear": ("clr",),
    "natural": ("nat",),
    "navy": ("nvy",),
    "khaki": ("khk",),
    "purple": ("purp", "prpl"),
    "charcoal": ("char", "chrcl"),
    "tan": ("tn",),
    "silver": ("slvr", "slv"),
    "lime": ("lme", "hi-vis lime"),
    "zinc plated": ("zp", "zinc", "zn pltd"),
    "yellow zinc": ("yz", "zinc yellow", "yel zinc"),
    "18-8 stainless steel": ("ss", "18-8 ss", "s/s", "stainless"),
    "316 stainless steel": ("316ss", "ss316", "316 ss"),
    "hot-dip galvanized": ("hdg", "galv", "hot dip galv"),
    "plain": ("pln", "plain steel", "unfinished"),
    "black oxide": ("bo", "blk oxide", "blk ox"),
    "a2 stainless": ("a2", "a2 ss", "a2-70"),
    "a4 stainless": ("a4", "a4 ss", "a4-80"),
    "brass": ("brs",),
    "small": ("s", "sm", "sml"),
    "medium": ("m", "med", "md"),
    "large": ("l", "lg", "lrg"),
    "x-large": ("xl", "xlg", "extra large"),
    "2x-large": ("2xl", "xxl", "2x"),
    "3x-large": ("3xl", "xxxl", "3x"),
    "4x-large": ("4xl", "4x"),
    "x-small": ("xs", "xsm", "extra small"),
    "powder-free": ("pf", "powder free"),
    "tamper-resistant": ("tr", "tamper res"),
    "weather-resistant": ("wr", "weather res"),
    "commercial": ("comm", "coml"),
    "residential": ("res", "resi"),
    "industrial": ("ind", "indus"),
    "hospital grade": ("hosp", "hg"),
    "stranded": ("str", "strd"),
    "solid": ("sol", "sld"),
}

# Words shortened anywhere in a description (buyers' shorthand), each with its short form.
SHORTHAND: tuple[tuple[str, str], ...] = (
    ("screw", "scr"),
    ("with", "w/"),
    ("heavy duty", "hd"),
    ("pack", "pk"),
    ("stainless steel", "ss"),
    ("galvanized", "galv"),
    ("zinc plated", "zp"),
    ("black", "blk"),
    ("white", "wht"),
    ("assorted", "asst"),
    ("aluminum", "alum"),
    ("phillips", "phil"),
    ("connector", "conn"),
    ("coupling", "cplg"),
    ("adapter", "adpt"),
    ("elbow", "ell"),
    ("receptacle", "recpt"),
    ("disposable", "disp"),
    ("threaded", "thrd"),
    ("washer", "wshr"),
    ("bearing", "brg"),
    ("filter", "fltr"),
    ("gloves", "glvs"),
    ("standard", "std"),
    ("extension", "ext"),
    ("reinforced", "reinf"),
    ("socket", "skt"),
    ("diameter", "dia"),
    ("hexagon", "hex"),
    ("corrugated", "corr"),
    ("replacement", "repl"),
)

_UNIT_FORMS: dict[str, tuple[str, ...]] = {
    "W": ("{n} W", "{n}w", "{n} watt"),
    "K": ("{n} K", "{n}k"),
    "A": ("{n} A", "{n} amp", "{n}amp"),
    "V": ("{n} V", "{n}v", "{n} volt"),
    "oz": ("{n} oz", "{n}oz.", "{n} ounce"),
    "gal": ("{n} gal", "{n}g", "{n} gallon"),
    "mil": ("{n} mil", "{n}mil", "{n}-mil"),
    "lb": ("{n} lb", "{n}#", "{n} lbs"),
    "T": ("{n} tooth", "{n}t", "{n} teeth"),
    "TPI": ("{n} tpi", "{n}tpi", "{n} t.p.i."),
    "yd": ("{n} yd", "{n} yds", "{n}yd"),
    "AWG": ("{n} ga", "#{n}", "{n}awg", "{n} gauge"),
    "ply": ("{n}ply", "{n}-ply", "{n}p"),
    "ct": ("{n} ct", "{n}ct", "{n} count"),
    "ml": ("{n} ml", "{n}ml", "{n} ML"),
    "in": ('{n}"', "{n} in", "{n}in"),
}

_LABEL_FORMS: dict[str, tuple[str, ...]] = {
    "Grade": ("grade {n}", "gr {n}", "gr{n}", "gr. {n}"),
    "Class": ("class {n}", "cl {n}", "cl. {n}", "{n}"),
    "Grip": ("grip {n}", "grip #{n}", "-{n} grip"),
    "Size": ("size {n}", "sz {n}", "sz{n}", "#{n}"),
    "Dash": ("dash {n}", "-{n}", "#{n}", "as568-{n}"),
    "Equivalent": ("{n} equivalent", "{n} eq", "eq {n}", "{n} equiv"),
    "Sch": ("sch {n}", "sch{n}", "schedule {n}", "sch. {n}"),
    "NRR": ("nrr {n}", "nrr{n}", "{n} nrr", "{n}db"),
    "Gauge": ("{n} ga", "{n}ga", "{n} gauge"),
    "Bright": ("{n} bright", "brt {n}", "{n} brightness"),
    "Grit": ("{n} grit", "p{n}", "{n}-grit"),
    "MERV": ("merv {n}", "merv{n}", "mv{n}"),
    "Length": ("{n} in", '{n}"', "length {n}"),
    "Waist": ("{n}w", "w{n}", "waist {n}"),
    "Inseam": ("{n}l", "l{n}", "inseam {n}"),
    "Chest": ("chest {n}", "{n} chest", "size {n}"),
}

_UOM_WORDS = {
    "BX": ("Box", ("bx", "box")),
    "CA": ("Case", ("cs", "case", "ctn")),
    "PK": ("Pack", ("pk", "pack", "pkg")),
    "BG": ("Bag", ("bg", "bag")),
    "RL": ("Roll", ("rl", "roll")),
    "DZ": ("Dozen", ("dz", "doz")),
    "PR": ("Pair", ("pr", "pair")),
    "EA": ("Each", ("ea", "each")),
    "BD": ("Bundle", ("bdl", "bundle")),
}


def uom_word(uom: str) -> str:
    return _UOM_WORDS[uom][0]


def uom_words(uom: str) -> tuple[str, ...]:
    """How an order may write the unit ``uom``: its code and the words the parsers know."""
    word, shorts = _UOM_WORDS[uom]
    return tuple(w for w in (uom, *shorts, word.lower()) if known_uom(w) or len(w) == 2)


def words(text: str) -> tuple[str, ...]:
    """A list written as one string, items separated by ``|``."""
    return tuple(text.split("|"))


def typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 5]
    if not candidates:
        return text
    i = rng.choice(candidates)
    w = words[i]
    k = rng.randrange(1, len(w) - 1)
    op = rng.randrange(3)
    words[i] = (
        w[:k] + w[k + 1] + w[k] + w[k + 2 :]
        if op == 0
        else w[:k] + w[k + 1 :]
        if op == 1
        else w[:k] + w[k] + w[k:]
    )
    return " ".join(words)


def _inch_text(spec: str) -> tuple[str, tuple[str, ...]]:
    whole, _, frac = spec.partition("-") if "/" in spec and "-" in spec else ("", "", spec)
    value = Fraction(int(whole or 0)) + Fraction(frac)
    spaced = f"{whole} {frac}" if whole else frac
    forms = [f"{spec} in", f"{spec}in", f'{spaced}"', f"{spaced} inch"]
    if value.denominator in (1, 2, 4, 8):
        dec = f"{float(value):g}"
        dec = dec[1:] if dec.startswith("0.") else dec
        forms += [f'{dec}"', f"{dec}in", f"{dec} in"]
    return f'{spec}"', tuple(dict.fromkeys(f for f in forms if f != f'{spec}"'))


def _code(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())[:6] or "X"


def _word_value(token: str) -> Value:
    token, _, extra = token.partition("=")
    token, _, code = token.partition("@")
    text = token.strip()
    short = ABBREVIATIONS.get(text.lower(), ())
    forms = tuple(dict.fromkeys([*short, *(e.strip() for e in extra.split(",") if e.strip()), text.lower()]))
    default = (
        short[0].upper() if short else _code(text) if any(c.isdigit() for c in text) else _code(text)[:3]
    )
    return Value(text, forms, code.strip() or default)


def _value(kind: str, arg: str, token: str) -> Value:
    if kind == "in":
        text, forms = _inch_text(token)
        return Value(text, forms, _code(token))
    if kind == "mm":
        return Value(f"{token}mm", (f"{token} mm", f"{token}MM", f"{token} MM"), token)
    if kind == "ft":
        return Value(f"{token} ft", (f"{token}'", f"{token}ft", f"{token} foot", f"{token}-ft"), f"{token}F")
    if kind == "thr":
        size, _, pitch = token.rpartition("-")
        mark = "" if size.startswith("#") else '"'
        plain = size.lstrip("#")
        forms = (
            f"{size}-{pitch}",
            f"{plain}-{pitch}",
            f"{plain}-{pitch}" if mark else f"no. {plain}-{pitch}",
        )
        return Value(f"{size}{mark}-{pitch}", forms, _code(token))
    if kind == "mthr":
        size, _, pitch = token.partition("-")
        return Value(
            f"{size} x {pitch}", (f"{size}-{pitch}", f"{size}x{pitch}", f"{size.lower()} x {pitch}"), size
        )
    if kind == "u":
        forms = tuple(f.format(n=token) for f in _UNIT_FORMS.get(arg, ("{n} " + arg,)))
        return Value(
            f"{token}{arg}" if arg in ("W", "K", "V", "A") else f"{token} {arg}", forms, _code(token)
        )
    if kind == "lab" and arg == "#":
        return Value(f"#{token}", (f"no. {token}", f"# {token}", f"no {token}", f"#{token} ga"), token)
    if kind == "lab":
        forms = tuple(f.format(n=token) for f in _LABEL_FORMS.get(arg, ("{n}",)))
        return Value(f"{arg} {token}", forms, _code(token))
    if kind == "dim":
        parts = token.split("x")
        forms = (
            " x ".join(parts),
            "X".join(parts),
            " X ".join(f'{p}"' for p in parts),
            "x".join(parts) + " in",
        )
        return Value(token.replace("x", " x ").replace("  ", " "), forms, _code(token))
    if kind == "pack":
        word, shorts = _UOM_WORDS[arg]
        s = shorts[0]
        w = word.lower()
        forms = (
            f"{s}/{token}",
            f"{w} of {token}",
            f"{token}/{s}",
            f"{token} per {w}",
            f"{token}pk",
            f"({token})",
        )
        return Value(f"{token}/{word}", forms, _code(token), pack=int(token), uom=arg)
    raise ValueError(f"unknown dimension kind {kind!r}")


def parse_dim(name: str, spec: str) -> Dim:
    kind, _, rest = spec.strip().partition(" ")
    arg = ""
    if kind in ("u", "lab", "pack"):
        arg, _, rest = rest.partition(" ")
    if kind == "w":
        values = [_word_value(t) for t in rest.split("|")]
        if len({v.code for v in values}) < len(values):  # codes must tell the values apart
            values = [Value(v.text, v.forms, f"{_code(v.text)}{i}") for i, v in enumerate(values)]
    else:
        values = [_value(kind, arg, t) for t in rest.split()]
    base = values[0].pack or 1
    priced = [
        Value(
            v.text, v.forms, v.code, round(v.pack / base * 0.93, 3) if v.pack else 1 + 0.13 * i, v.pack, v.uom
        )
        for i, v in enumerate(values)
    ]
    return Dim(name, tuple(priced))


def parse_families(spec: str, section: str, start: int) -> list[Family]:
    """Families written in the specification language of this module's docstring."""
    out: list[Family] = []
    head: list[str] = []
    dims: list[Dim] = []

    def flush() -> None:
        if head:
            code, names, template, sale, sku = head
            uom, pack, price = sale.split()
            all_dims = list(dims)
            if not any(d.name == "pack" for d in dims):
                all_dims.append(parse_dim("pack", f"pack {uom} {pack}"))
                if int(pack) > 1:
                    template += " [{pack}]"
            ean = sku.endswith("+ean")
            out.append(
                Family(
                    code=code,
                    names=tuple(n.strip() for n in names.split(";")),
                    template=template,
                    dims=tuple(all_dims),
                    uom=uom,
                    price=float(price),
                    sku=sku.removesuffix("+ean"),
                    section=section,
                    ean=ean,
                    index=start + len(out),
                    dim_index={d.name: i for i, d in enumerate(all_dims)},
                )
            )

    for raw in spec.strip().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("family "):
            flush()
            head = [p.strip() for p in line.removeprefix("family ").split("|")]
            dims = []
        else:
            name, _, dspec = line.partition(":")
            dims.append(parse_dim(name.strip(), dspec))
    flush()
    return out


# Things customers order that a distributor like us does not carry.
NOT_OURS = words(
    "Coffee pods dark roast 24ct|Bottled water 16.9 oz 24 pack|Forklift propane cylinder exchange 33 lb|"
    "Pallet jack rental 1 week|Installation labor per hour|Laptop docking station USB-C|"
    "Toner cartridge remanufactured high yield|Printer paper tray assembly|LED flood light 50W wall pack|"
    "Solar panel 400W monocrystalline|Hydraulic cylinder 3 x 8 tie rod|Air compressor 60 gallon vertical|"
    "Pressure washer 3100 psi gas|Ladder fiberglass 8 ft step|Office chair mesh ergonomic|"
    "First aid kit 50 person ANSI|Eyewash station refill 16 oz|Fire extinguisher 10 lb ABC|"
    "Welding wire ER70S-6 .035 33 lb spool|Argon cylinder rental|Concrete mix 80 lb bag|"
    "Lumber 2x4x8 kiln dried|Plywood 3/4 4x8 sanded|Asphalt cold patch 50 lb|Road salt 50 lb bag|"
    "Ice melt calcium chloride 50 lb|Paper cups 12 oz hot 1000/cs|Plastic forks heavy weight 1000/cs|"
    "Hand truck convertible 800 lb|Shop vacuum 16 gal 6.5 hp|Battery charger 12V 10A|"
    "Tire 11R22.5 drive|Windshield wiper blades 22 in|Motor oil 15W-40 1 gal|DEF fluid 2.5 gal|"
    "Freight prepaid and add|Calibration service torque wrench|Safety training seminar seat|"
    "Desk lamp LED adjustable|Whiteboard 4 x 6 magnetic|Vending machine snacks restock"
)
