"""The fixed facts of the demo business, Kestrel Coffee Co.: people, products, pipelines, places."""

from __future__ import annotations

from dataclasses import dataclass, field

DEMO_PASSWORD = "rapport-demo"  # noqa: S105  (public, shown on the login page of the demo)
DEMO_DOMAIN = "kestrel.example"
TIME_ZONE = "Europe/Tallinn"
BASE_CURRENCY = "EUR"

# (name, e-mail local part, role, time zone, sales territory)
USERS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("Mari Kask", "admin", "admin", "Europe/Tallinn", ()),
    ("Jonas Lindqvist", "jonas", "manager", "Europe/Tallinn", ()),
    ("Anna Virtanen", "anna", "sales", "Europe/Helsinki", ("FI",)),
    ("Marko Saar", "marko", "sales", "Europe/Tallinn", ("EE",)),
    ("Liis Ozola", "liis", "sales", "Europe/Riga", ("LV", "LT")),
    ("Erik Johansson", "erik", "sales", "Europe/Stockholm", ("SE", "DE")),
    ("Kadri Mets", "kadri", "support", "Europe/Tallinn", ()),
    ("Tomas Kazlauskas", "tomas", "support", "Europe/Vilnius", ()),
    ("Ieva Bērziņa", "ieva", "support", "Europe/Riga", ()),
    ("Peeter Org", "peeter", "read_only", "Europe/Tallinn", ()),
)

# (name, is_default, [(stage, probability %, is_won, is_lost)])
PIPELINES: tuple[tuple[str, bool, tuple[tuple[str, int, bool, bool], ...]], ...] = (
    (
        "New business",
        True,
        (
            ("New lead", 10, False, False),
            ("Qualified", 25, False, False),
            ("Proposal sent", 50, False, False),
            ("Negotiation", 75, False, False),
            ("Won", 100, True, False),
            ("Lost", 0, False, True),
        ),
    ),
    (
        "Renewals & upsell",
        False,
        (
            ("Due for renewal", 40, False, False),
            ("Offer sent", 60, False, False),
            ("Agreed verbally", 85, False, False),
            ("Renewed", 100, True, False),
            ("Churned", 0, False, True),
        ),
    ),
)


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    series: str
    price: float


PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec("KM-C1", "Kestrel Compact 1-group espresso machine", "Machines", 3450.0),
    ProductSpec("KM-C2", "Kestrel Classic 2-group espresso machine", "Machines", 7900.0),
    ProductSpec("KM-P3", "Kestrel Pro 3-group multiboiler", "Machines", 12900.0),
    ProductSpec("KM-A1", "Kestrel Auto bean-to-cup machine", "Machines", 5900.0),
    ProductSpec("GR-64", "Kestrel G64 on-demand grinder", "Grinders", 1290.0),
    ProductSpec("GR-80", "Kestrel G80 high-volume grinder", "Grinders", 2150.0),
    ProductSpec("SP-BAS", "Service plan Basic (12 months)", "Service plans", 690.0),
    ProductSpec("SP-PRE", "Service plan Premium (12 months)", "Service plans", 1490.0),
    ProductSpec(
        "BS-OFF", "Bean subscription Office, 4 kg/month (12 months)", "Subscriptions", 1180.0
    ),
    ProductSpec(
        "BS-CAF", "Bean subscription Cafe, 10 kg/month (12 months)", "Subscriptions", 2760.0
    ),
    ProductSpec("BN-HOUSE", "House espresso blend, 1 kg", "Beans", 23.5),
    ProductSpec("BN-ETH", "Single origin Ethiopia Yirgacheffe, 1 kg", "Beans", 31.0),
    ProductSpec("TR-DAY", "Barista training day", "Training", 450.0),
)
MACHINES = ("KM-C1", "KM-C2", "KM-P3", "KM-A1")
RENEWABLE = ("SP-BAS", "SP-PRE", "BS-OFF", "BS-CAF")

# Units of EUR for one unit of the currency.
EXCHANGE_RATES: dict[str, float] = {"USD": 0.92, "GBP": 1.17, "SEK": 0.087}

TAGS: tuple[tuple[str, str], ...] = (
    ("VIP", "purple"),
    ("Wholesale", "blue"),
    ("Newsletter", "green"),
    ("Event {year}", "orange"),
    ("Key account", "crimson"),
    ("Partner", "cyan"),
    ("At risk", "red"),
    ("Espresso bar", "brown"),
)

SOURCES = ("website", "referral", "trade show", "cold call", "inbound email", "partner")
SOURCE_WEIGHTS = (32, 20, 14, 12, 14, 8)

LOST_REASONS = (
    "Price",
    "Chose a competitor",
    "No budget",
    "Bad timing",
    "No decision",
    "Product fit",
)
# Weights of the reasons above by the stage a deal was lost in (early stages lose on fit).
LOST_WEIGHTS_BY_STAGE = (
    (5, 5, 30, 20, 20, 20),
    (15, 20, 20, 20, 15, 10),
    (35, 30, 10, 10, 12, 3),
    (45, 35, 8, 4, 8, 0),
)
LOST_NOTES = {
    "Price": ("Quote was 15% above their budget.", "Wanted leasing at 0%, we could not match."),
    "Chose a competitor": (
        "Went with a local La Marzocco dealer.",
        "Bought a second-hand machine through their roaster.",
        "Their roaster bundles the machine with the beans.",
    ),
    "No budget": ("Budget frozen until next year.", "Owner decided to postpone the renovation."),
    "Bad timing": ("Opening postponed to next season.", "Busy season, revisit in autumn."),
    "No decision": ("Stopped replying after the proposal.", "Owner could not decide, went silent."),
    "Product fit": ("Needs a lever machine we do not sell.", "Too small for a 2-group machine."),
}


@dataclass(frozen=True)
class Industry:
    key: str
    weight: int
    median_employees: float
    extra_contacts: float
    titles: tuple[str, ...]


INDUSTRIES: tuple[Industry, ...] = (
    Industry("Café", 40, 7, 1.3, ("Owner", "Co-owner", "Head barista", "Café manager")),
    Industry(
        "Restaurant", 22, 14, 1.8, ("Owner", "Head chef", "Restaurant manager", "F&B manager")
    ),
    Industry(
        "Hotel",
        13,
        45,
        4.0,
        ("General manager", "F&B director", "Purchasing manager", "Breakfast manager"),
    ),
    Industry("Office", 15, 60, 3.0, ("Office manager", "Facilities manager", "HR manager", "CFO")),
    Industry("Retail", 10, 18, 1.8, ("Store manager", "Buyer", "Category manager", "Owner")),
)


@dataclass(frozen=True)
class Naming:
    """Company names of a country's own language: (native, Latin for the web domain) pairs."""

    words: tuple[tuple[str, str], ...]
    patterns: dict[str, tuple[tuple[str, str], ...]]  # industry -> name patterns


@dataclass(frozen=True)
class Country:
    code: str
    weight: int
    faker_locale: str
    language: str
    tld: str
    legal: str
    # (city, region, postal code pattern with # for digits, weight)
    cities: tuple[tuple[str, str, str, int], ...]
    streets: tuple[str, ...]
    # E.164: country prefix, mobile prefixes, landline prefixes, national number length
    dial: str
    mobile: tuple[str, ...]
    landline: tuple[str, ...]
    digits: int
    currency: str = "EUR"
    # Local flavour; the defaults are the English-named Nordic/Baltic demo.
    naming: Naming | None = None  # None: the English NAME_WORDS / NAME_PATTERNS
    mail: tuple[str, ...] = ()  # free e-mail providers (default: PERSONAL_MAIL)
    landline_digits: int | None = None  # when landlines are shorter than mobiles
    area_codes: dict[str, str] = field(default_factory=dict)  # city -> landline prefix
    street_format: str = "{street} {n}"
    name_format: str = "{short} {legal}"


# fmt: off
COUNTRIES: tuple[Country, ...] = (
    Country(
        "EE", 30, "et_EE", "et", "ee", "OÜ",
        (
            ("Tallinn", "Harju maakond", "10###", 60),
            ("Tartu", "Tartu maakond", "50###", 20),
            ("Pärnu", "Pärnu maakond", "80###", 10),
            ("Viljandi", "Viljandi maakond", "71###", 5),
            ("Narva", "Ida-Viru maakond", "20###", 5),
        ),
        ("Narva mnt", "Pärnu mnt", "Tartu mnt", "Telliskivi", "Rataskaevu", "Vabaduse pst", "Riia"),
        "+372", ("5",), ("6", "7"), 8,
    ),
    Country(
        "FI", 22, "fi_FI", "fi", "fi", "Oy",
        (
            ("Helsinki", "Uusimaa", "00###", 50),
            ("Espoo", "Uusimaa", "02###", 15),
            ("Tampere", "Pirkanmaa", "33###", 15),
            ("Turku", "Varsinais-Suomi", "20###", 12),
            ("Oulu", "Pohjois-Pohjanmaa", "90###", 8),
        ),
        ("Mannerheimintie", "Aleksanterinkatu", "Hämeenkatu", "Kauppakatu", "Fredrikinkatu"),
        "+358", ("40", "44", "50"), ("9", "2", "3"), 9,
    ),
    Country(
        "LV", 14, "lv_LV", "lv", "lv", "SIA",
        (
            ("Rīga", "Rīga", "LV-10##", 70),
            ("Jūrmala", "Jūrmala", "LV-20##", 15),
            ("Liepāja", "Liepāja", "LV-34##", 15),
        ),
        ("Brīvības iela", "Elizabetes iela", "Tērbatas iela", "Kaļķu iela", "Vaļņu iela"),
        "+371", ("2",), ("6",), 8,
    ),
    Country(
        "LT", 12, "lt_LT", "lt", "lt", "UAB",
        (
            ("Vilnius", "Vilniaus apskritis", "LT-0####", 60),
            ("Kaunas", "Kauno apskritis", "LT-4####", 25),
            ("Klaipėda", "Klaipėdos apskritis", "LT-9####", 15),
        ),
        ("Gedimino pr.", "Pilies g.", "Laisvės al.", "Vilniaus g.", "Didžioji g."),
        "+370", ("6",), ("5", "37"), 8,
    ),
    Country(
        "SE", 12, "sv_SE", "sv", "se", "AB",
        (
            ("Stockholm", "Stockholms län", "11# ##", 55),
            ("Göteborg", "Västra Götalands län", "41# ##", 25),
            ("Malmö", "Skåne län", "21# ##", 12),
            ("Uppsala", "Uppsala län", "75# ##", 8),
        ),
        ("Drottninggatan", "Sveavägen", "Götgatan", "Kungsgatan", "Linnégatan"),
        "+46", ("70", "72", "73", "76"), ("8", "31", "40"), 9, "SEK",
    ),
    Country(
        "DE", 10, "de_DE", "de", "de", "GmbH",
        (
            ("Berlin", "Berlin", "10###", 45),
            ("Hamburg", "Hamburg", "20###", 25),
            ("München", "Bayern", "80###", 20),
            ("Köln", "Nordrhein-Westfalen", "50###", 10),
        ),
        ("Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Friedrichstraße", "Lindenallee"),
        "+49", ("151", "160", "170", "176"), ("30", "40", "89"), 11,
    ),
)
# fmt: on
COUNTRY_BY_CODE = {c.code: c for c in COUNTRIES}

# Words for company names; mixed with the owner's surname and the city.
# fmt: off
NAME_WORDS = (
    "Aurora", "Linden", "Harbour", "Old Town", "Birch", "Amber", "Northern", "Baltic",
    "Juniper", "Kalev", "Lighthouse", "Meadow", "Copper", "Pine", "Nordic", "Saffron",
    "Velvet", "Wild Rye", "Fjord", "Granite", "Heather", "Island", "Lagoon", "Maple",
    "Oak & Ash", "Rowan", "Salt", "Silver", "Sunrise", "Tower", "Willow", "Crow",
)
NAME_PATTERNS = {
    "Café": ("Café {w}", "{w} Coffee", "{w} Espresso Bar", "{s} Coffee House", "{w} Bakery & Café"),
    "Restaurant": ("Restaurant {w}", "{w} Bistro", "{w} Kitchen", "Trattoria {w}", "{s} & Sons Grill"),
    "Hotel": ("Hotel {w}", "{w} Boutique Hotel", "{c} {w} Hotel", "{w} Spa Hotel"),
    "Office": ("{w} Solutions", "{w} Tech", "{s} & Partners", "{w} Logistics", "{w} Consulting"),
    "Retail": ("{w} Market", "{w} Deli", "{w} Home & Kitchen", "{s} Foods", "{w} Gourmet"),
}
# fmt: on
PERSONAL_MAIL = {
    "EE": ("gmail.com", "mail.ee", "hot.ee"),
    "FI": ("gmail.com", "outlook.com", "luukku.com"),
    "LV": ("gmail.com", "inbox.lv"),
    "LT": ("gmail.com", "one.lt"),
    "SE": ("gmail.com", "telia.com", "outlook.com"),
    "DE": ("gmail.com", "gmx.de", "web.de"),
}
