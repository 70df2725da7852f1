"""The Estonian demo: customers all over Estonia and a few in Helsinki and Riga, in euros."""

from __future__ import annotations

from dataclasses import replace

from . import catalog
from .catalog import Naming
from .market import Market


def _same(*items: str) -> tuple[tuple[str, str], ...]:
    return tuple((item, item) for item in items)


# fmt: off
NAMING = Naming(
    words=_same(
        "Kalevi", "Tamme", "Kase", "Männi", "Vanalinna", "Merevaigu", "Majaka", "Kadaka",
        "Päikese", "Rukki", "Sadama", "Toome", "Raekoja", "Hõbeda", "Mere", "Pärna", "Vahtra",
        "Lepa", "Kuu", "Tähe", "Metsa", "Niidu", "Kivi", "Lossi", "Ranna", "Pihlaka",
        "Kanarbiku", "Saare", "Järve", "Koidu", "Vikerkaare", "Kalda",
    ),
    patterns={
        "Café": _same("{w} Kohvik", "{w} Kohvituba", "{w} Espressobaar", "{s} Kohvimaja",
                      "{w} Pagarikoda"),
        "Restaurant": _same("{w} Restoran", "{w} Bistroo", "{w} Köök", "{w} Kõrts",
                            "{s} ja Pojad"),
        "Hotel": _same("{w} Hotell", "{w} Butiikhotell", "{c} {w} Hotell", "{w} Spaahotell",
                       "{w} Külalistemaja"),
        "Office": _same("{w} Lahendused", "{w} Tehnoloogia", "{s} & Partnerid", "{w} Logistika",
                        "{w} Konsultatsioonid"),
        "Retail": _same("{w} Turg", "{w} Delikatess", "{w} Kodu ja Köök", "{s} Toidukaubad",
                        "{w} Gurmee"),
    },
)

ESTONIA = replace(
    catalog.COUNTRIES[0],
    weight=86,
    naming=NAMING,
    cities=(
        ("Tallinn", "Harju maakond", "10###", 46),
        ("Tartu", "Tartu maakond", "50###", 15),
        ("Pärnu", "Pärnu maakond", "80###", 8),
        ("Narva", "Ida-Viru maakond", "20###", 5),
        ("Viljandi", "Viljandi maakond", "71###", 4),
        ("Rakvere", "Lääne-Viru maakond", "44###", 4),
        ("Kuressaare", "Saare maakond", "93###", 3),
        ("Haapsalu", "Lääne maakond", "90###", 3),
        ("Jõhvi", "Ida-Viru maakond", "41###", 2),
        ("Võru", "Võru maakond", "65###", 2),
        ("Paide", "Järva maakond", "72###", 2),
        ("Viimsi", "Harju maakond", "74###", 3),
        ("Keila", "Harju maakond", "76###", 2),
        ("Otepää", "Valga maakond", "67###", 1),
    ),
    streets=(
        "Narva mnt", "Pärnu mnt", "Tartu mnt", "Telliskivi", "Rataskaevu", "Vabaduse pst",
        "Riia", "Rüütli", "Lossi", "Kooli", "Pikk", "Aia", "Jaama", "Posti", "Tallinna mnt",
    ),
)
# fmt: on

ET = Market(
    locale="et",
    currency="EUR",
    time_zone="Europe/Tallinn",
    countries=(
        ESTONIA,
        replace(catalog.COUNTRIES[1], weight=8),  # Finland
        replace(catalog.COUNTRIES[2], weight=6),  # Latvia
    ),
    users=(
        ("Mari Kask", "admin", "admin", "Europe/Tallinn", ()),
        ("Jaan Tamm", "jaan", "manager", "Europe/Tallinn", ()),
        # Tallinn and Harjumaa are everybody's; the rest of the country is split.
        (
            "Kristiina Lepik",
            "kristiina",
            "sales",
            "Europe/Tallinn",
            ("Lääne-Viru maakond", "Järva maakond", "Narva", "Jõhvi"),
        ),
        (
            "Marko Saar",
            "marko",
            "sales",
            "Europe/Tallinn",
            ("Tartu maakond", "Võru maakond", "Valga maakond"),
        ),
        (
            "Liis Ots",
            "liis",
            "sales",
            "Europe/Tallinn",
            ("Pärnu maakond", "Saare maakond", "Lääne maakond", "Viljandi maakond"),
        ),
        ("Andres Kuusk", "andres", "sales", "Europe/Tallinn", ("FI", "LV")),
        ("Kadri Mets", "kadri", "support", "Europe/Tallinn", ()),
        ("Tõnu Rebane", "tonu", "support", "Europe/Tallinn", ()),
        ("Piret Sepp", "piret", "support", "Europe/Tallinn", ()),
        ("Peeter Org", "peeter", "read_only", "Europe/Tallinn", ()),
    ),
    rates={"USD": 0.92, "GBP": 1.17, "SEK": 0.087},
    support_home={
        "EE": "kadri",
        "Tartu": "tonu",
        "Narva": "tonu",
        "Jõhvi": "tonu",
        "FI": "piret",
        "LV": "piret",
    },  # fmt: skip
)
