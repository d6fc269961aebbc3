"""Customers of the benchmark and how their orders name them: company names with branches that
differ only in a suffix or a branch word (told apart by address), addresses written differently,
and senders by EDI, company email, free mail or our own sales rep forwarding.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from matching_vocab import typo, words

from ingest.domain.masterdata import Customer, VendorProfile
from ingest.domain.order import Identifier, Party, Sender


@dataclass(frozen=True)
class Place:
    city: str
    state: str
    postal_code: str


PLACES = tuple(
    Place(*p.split(","))
    for p in words(
        "Portland,OR,97210|Sacramento,CA,95815|Denver,CO,80216|Boise,ID,83709|Toledo,OH,43604|"
        "Milwaukee,WI,53204|Tacoma,WA,98421|Spokane,WA,99202|Reno,NV,89502|Fresno,CA,93721|"
        "Tucson,AZ,85705|Omaha,NE,68102|Wichita,KS,67202|Tulsa,OK,74103|Dayton,OH,45402|"
        "Fort Wayne,IN,46802|Des Moines,IA,50309|Madison,WI,53703|Lansing,MI,48933|Akron,OH,44308|"
        "Savannah,GA,31401|Mobile,AL,36602|Baton Rouge,LA,70802|Knoxville,TN,37902|Richmond,VA,23219|"
        "Allentown,PA,18101|Albany,NY,12207|Hartford,CT,06103|Worcester,MA,01608|Manchester,NH,03101|"
        "Salem,OR,97301|Eugene,OR,97401|Ogden,UT,84401|Billings,MT,59101|Fargo,ND,58102|"
        "Sioux Falls,SD,57104|Duluth,MN,55802|Peoria,IL,61602|Springfield,MO,65806|Lubbock,TX,79401"
    )
)
STREETS = words(
    "Industrial Pkwy|Commerce Blvd|Harbor Way|Summit Rd|Lakeview Dr|Wharf St|Schoolhouse Ln|Main St|"
    "Depot St|Mill Rd|Airport Rd|Riverside Dr|Foundry Ave|Canal St|Enterprise Way|Distribution Dr|"
    "Pine St|Oak Ave|Elm St|Cedar Ln|Maple Ave|Railroad Ave|Center St|Park Blvd|Market St"
)
STREET_WORDS = {
    "Pkwy": "Parkway",
    "Blvd": "Boulevard",
    "Rd": "Road",
    "Dr": "Drive",
    "St": "Street",
    "Ln": "Lane",
    "Ave": "Avenue",
    "Way": "Way",
}

# (name, place index, domain, EDI qualifier/id, sections bought); names that differ only in a
# suffix, a branch word or nothing at all are told apart by their addresses.
CUSTOMERS = (
    ("Acme Corp", 0, "acmecorp.example", "ZZ/ACMECORP", "fasteners tools safety packaging"),
    ("Acme Corporation West", 1, "acmecorp.example", "", "fasteners tools safety"),
    ("Summit Facilities Inc", 2, "summitfacilities.example", "", "janitorial electrical plumbing hvac"),
    ("Summit Facilities LLC", 3, "summit-fm.example", "", "janitorial electrical plumbing hvac"),
    ("Great Lakes Packaging Co", 4, "glpack.example", "01/061234567", "packaging safety office"),
    ("Great Lakes Packaging Inc", 5, "greatlakespkg.example", "", "packaging safety"),
    ("Riverside Medical Center", 6, "riversidemed.example", "", "janitorial office safety electrical"),
    ("Riverside Medical Center - East Campus", 7, "riversidemed.example", "", "janitorial office safety"),
    ("City of Fairview", 8, "fairview-city.example", "", "hvac electrical plumbing janitorial apparel"),
    ("City of Fairview Parks & Recreation", 9, "fairview-city.example", "", "janitorial tools apparel"),
    ("Blue Ridge Builders", 10, "blueridge-build.example", "01/987654321", "fasteners tools plumbing"),
    ("Cascade Facilities Management", 11, "cascadefm.example", "", "janitorial hvac electrical office"),
    ("Delta Marine Supply", 12, "deltamarine.example", "ZZ/DELTAMARINE", "fasteners mro safety"),
    ("Evergreen Property Services", 13, "evergreenps.example", "", "janitorial plumbing electrical"),
    ("Frontier Machining LLC", 14, "frontiermachining.example", "ZZ/FRONTIERMCH", "fasteners tools mro"),
    ("Granite State Fabrication", 29, "granitefab.example", "", "fasteners tools safety mro"),
    ("Harbor Point Logistics", 15, "harborpoint.example", "ZZ/HARBORPT", "packaging safety mro"),
    ("Ironwood Manufacturing Co", 16, "ironwoodmfg.example", "01/110022334", "fasteners tools mro safety"),
    ("Juniper Health System", 17, "juniperhealth.example", "", "janitorial office safety"),
    ("Keystone Packaging Inc", 25, "keystonepkg.example", "", "packaging office"),
    ("Lakeshore School District", 18, "lakeshore-schools.example", "", "janitorial office electrical hvac"),
    ("Midwest Conveyor Systems", 19, "midwestconveyor.example", "ZZ/MWCONVEYOR", "fasteners mro electrical"),
    ("Northern Tier Electric", 20, "ntelectric.example", "", "electrical tools safety"),
    ("Oakridge Apartments LLC", 21, "oakridgeapts.example", "", "plumbing electrical janitorial hvac"),
    ("Pioneer Food Processing", 22, "pioneerfoods.example", "ZZ/PIONEERFOOD", "janitorial safety packaging"),
    ("Quarry Hill Construction", 23, "quarryhill.example", "", "fasteners tools safety apparel"),
    ("Redwood Janitorial Services", 24, "redwoodjan.example", "", "janitorial safety"),
    ("Tri-County Plumbing & Heating", 26, "tricountyph.example", "", "plumbing hvac tools"),
    ("Union Rail Services", 27, "unionrail.example", "ZZ/UNIONRAIL", "fasteners mro safety apparel"),
    ("Valley Fresh Produce", 28, "valleyfresh.example", "", "packaging janitorial safety"),
    ("Westfield Auto Body", 30, "westfieldauto.example", "", "tools safety mro"),
    ("Zenith Aerospace Components", 31, "zenithaero.example", "01/200033445", "fasteners tools mro"),
    ("Bayview Hotel Group", 32, "bayviewhotels.example", "", "janitorial electrical office plumbing"),
    ("Copperline Electrical Contractors", 33, "copperline.example", "", "electrical tools fasteners"),
    ("Desert Sun Solar", 10, "desertsunsolar.example", "", "electrical fasteners safety"),
    ("Eastgate Mall Management", 34, "eastgatemall.example", "", "janitorial electrical hvac"),
    ("Foxhollow Brewing Co", 35, "foxhollowbrew.example", "", "plumbing janitorial safety"),
    ("Gulf Coast Marine Services", 22, "gulfcoastmarine.example", "ZZ/GCMARINE", "fasteners mro safety"),
    ("Highland Dairy Cooperative", 36, "highlanddairy.example", "", "janitorial plumbing packaging"),
    ("Ironbridge Steel Erectors", 37, "ironbridgesteel.example", "", "fasteners safety apparel tools"),
    ("Jetstream Aviation Services", 38, "jetstreamav.example", "", "tools mro safety"),
    ("Kingsway Property Management", 39, "kingswaypm.example", "", "plumbing electrical janitorial"),
    ("Liberty Printing & Mailing", 5, "libertyprint.example", "", "office packaging"),
    ("Meridian Data Centers", 1, "meridiandc.example", "", "electrical hvac"),
    ("Old Mill Woodworks", 0, "oldmillwood.example", "", "fasteners tools safety"),
    ("Prairie Wind Energy", 34, "prairiewind.example", "", "electrical safety apparel"),
    ("St. Anne's Hospital", 24, "stannes.example", "", "janitorial office safety"),
    ("Twin Rivers Water District", 37, "twinrivers-water.example", "", "plumbing safety apparel"),
)

# Branch accounts whose orders often carry the name of the parent account (index -> parent index):
# only the address tells them apart.
BRANCH_OF = {1: 0, 3: 2, 5: 4, 7: 6, 9: 8}
FREE_MAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "aol.com", "icloud.com")
BUYER_NAMES = words(
    "Pat Morgan|Chris Lee|Dana Ortiz|Jordan Blake|Sam Patel|Alex Kim|Taylor Reed|Morgan Diaz|Jamie Fox|"
    "Robin Hart|Casey Nguyen|Lee Carter|Drew Sullivan|Avery Brooks|Kerry Walsh|Riley Chen"
)


def build_customers(rng: random.Random) -> tuple[Customer, ...]:
    out = []
    for i, (name, place_no, domain, edi, _sections) in enumerate(CUSTOMERS, start=1):
        place = PLACES[place_no]
        qualifier, _, edi_id = edi.partition("/")
        domains = [domain]
        if i % 7 == 3:
            domains.append(domain.replace(".example", "-purchasing.example"))
        out.append(
            Customer(
                customer_id=f"C{i:04d}",
                name=name,
                email_domains=tuple(domains),
                edi_qualifier=qualifier or None,
                edi_id=edi_id or None,
                address1=f"{rng.randrange(10, 9900)} {rng.choice(STREETS)}",
                address2=rng.choice(["Suite 200", "Bldg 4", "Dock 3", "Unit B"])
                if rng.random() < 0.3
                else None,
                city=place.city,
                state=place.state,
                postal_code=place.postal_code,
                country="US",
            )
        )
    return tuple(out)


def name_variant(rng: random.Random, name: str) -> str:
    r = rng.random()
    if r < 0.45:
        return name
    if r < 0.55:
        return name.upper()
    if r < 0.65:
        return re.sub(r",?\s+(Inc|LLC|Co|Corp)\.?$", "", name)
    if r < 0.72:
        return f"{name} - Purchasing"
    if r < 0.82:
        for short, long in (
            ("Corp", "Corporation"),
            ("Co", "Company"),
            ("Inc", "Incorporated"),
            ("&", "and"),
        ):
            name = re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", long, name)
        return name
    if r < 0.9:
        return re.sub(r"\b(Inc|Co|Corp)$", r"\1.", name)
    return typo(rng, name)


def address_variant(rng: random.Random, c: Customer) -> dict[str, str | None]:
    a1 = c.address1 or ""
    last = a1.rsplit(" ", 1)[-1]
    r = rng.random()
    if r < 0.25 and last in STREET_WORDS:
        a1 = a1[: -len(last)] + STREET_WORDS[last]
    elif r < 0.35:
        a1 = a1 + "."
    elif r < 0.42:
        a1 = typo(rng, a1)
    a2 = c.address2
    if a2 and rng.random() < 0.3:
        a2 = a2.replace("Suite ", rng.choice(("Ste ", "#", "Ste. ")))
    postal = c.postal_code or ""
    if rng.random() < 0.2:
        postal = f"{postal}-{rng.randrange(1000, 9999)}"
    city = c.city or ""
    city = city.upper() if rng.random() < 0.15 else typo(rng, city) if rng.random() < 0.05 else city
    return {
        "address1": a1,
        "address2": a2,
        "city": city,
        "state": c.state,
        "postal_code": postal,
        "country": c.country,
    }


def sender_for(rng: random.Random, c: Customer, vendor: VendorProfile, person: str) -> Sender:
    first, last = person.lower().split()
    if c.edi_id and rng.random() < 0.7:
        return Sender(channel="edi", edi_qualifier=c.edi_qualifier, edi_id=c.edi_id)
    r = rng.random()
    if r < 0.06 and vendor.sales_reps:  # forwarded by our own sales rep
        rep = vendor.sales_reps[0]
        return Sender(channel="email", email=rep.email, name=rep.name)
    if r < 0.24:
        return Sender(channel="email", email=f"{first}.{last}{rng.randrange(1, 99)}@{rng.choice(FREE_MAIL)}")
    return Sender(
        channel="email", email=f"{first[0]}{last}@{rng.choice(c.email_domains)}", name=person.title()
    )


def parties_for(
    rng: random.Random, customers: tuple[Customer, ...], no: int, person: str
) -> tuple[Party, Party]:
    """Buyer and ship-to of an order from ``customers[no]``. A branch often writes the name of
    its parent account; its address is its own."""
    c = customers[no]
    related = no in BRANCH_OF or no in BRANCH_OF.values()
    name = customers[BRANCH_OF[no]].name if no in BRANCH_OF and rng.random() < 0.35 else c.name
    buyer: dict[str, object] = {"name": name_variant(rng, name), "contact": person}
    if rng.random() < 0.6 or related:
        buyer.update(address_variant(rng, c))
    if rng.random() < 0.08:
        buyer["identifiers"] = [Identifier(qualifier="91", value=c.customer_id)]
    ship_to: dict[str, object] = {"name": name_variant(rng, name), **address_variant(rng, c)}
    if rng.random() < 0.2 and not related:
        place = rng.choice(PLACES)
        ship_to = {
            "name": f"{c.name} - Jobsite",
            "address1": f"{rng.randrange(10, 9999)} {rng.choice(STREETS)}",
            "city": place.city,
            "state": place.state,
            "postal_code": place.postal_code,
            "country": "US",
        }
    return Party.model_validate(buyer), Party.model_validate(ship_to)
