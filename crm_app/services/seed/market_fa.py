"""The Persian demo: customers in Iran's big cities; prices in US dollars (rials run too long)."""

from __future__ import annotations

from .catalog import Country, Naming
from .market import Market

TZ = "Asia/Tehran"

# fmt: off
NAMING = Naming(
    words=(
        ("نارنج", "narenj"), ("پرستو", "parastoo"), ("سپیده", "sepideh"), ("نسیم", "nasim"),
        ("یاس", "yas"), ("لاله", "laleh"), ("سرو", "sarv"), ("البرز", "alborz"),
        ("دماوند", "damavand"), ("پارس", "pars"), ("آریا", "aria"), ("ستاره", "setareh"),
        ("مهتاب", "mahtab"), ("بهار", "bahar"), ("زعفران", "zafaran"), ("انار", "anar"),
        ("پسته", "pesteh"), ("کاج", "kaj"), ("چنار", "chenar"), ("آفتاب", "aftab"),
        ("فیروزه", "firouzeh"), ("نقش جهان", "naghshe jahan"), ("شمشاد", "shemshad"),
        ("آسمان", "aseman"), ("گلستان", "golestan"), ("سیمرغ", "simorgh"), ("مروارید", "morvarid"),
        ("نیلوفر", "niloufar"), ("ارغوان", "arghavan"), ("کوهستان", "kouhestan"),
    ),
    patterns={
        "Café": (("کافه {w}", "cafe {w}"), ("کافه {s}", "cafe {s}"), ("قهوه {w}", "{w} coffee"),
                 ("کافی شاپ {w}", "{w} coffeeshop"), ("شیرینی سرای {w}", "{w} bakery")),
        "Restaurant": (("رستوران {w}", "{w} restaurant"), ("رستوران {s}", "{s} restaurant"),
                       ("بیسترو {w}", "bistro {w}"), ("سفره خانه {w}", "sofrehkhaneh {w}"),
                       ("کبابی {w}", "{w} kabab")),
        "Hotel": (("هتل {w}", "hotel {w}"), ("هتل بوتیک {w}", "{w} boutique"),
                  ("هتل {w} {c}", "{w} {c} hotel"), ("اقامتگاه {w}", "{w} residence")),
        "Office": (("شرکت فناوری {w}", "{w} tech"), ("گروه صنعتی {w}", "{w} group"),
                   ("{s} و شرکا", "{s} partners"), ("بازرگانی {w}", "{w} trading"),
                   ("مشاوران {w}", "{w} consulting")),
        "Retail": (("فروشگاه {w}", "{w} shop"), ("هایپر {w}", "{w} hyper"),
                   ("سوپرمارکت {w}", "{w} market"), ("{s} و پسران", "{s} sons"),
                   ("لوازم آشپزخانه {w}", "{w} kitchen")),
    },
)

IRAN = Country(
    "IR", 100, "fa_IR", "fa", "ir", "",
    (
        ("تهران", "استان تهران", "1####-#####", 40),
        ("اصفهان", "استان اصفهان", "81###-#####", 10),
        ("مشهد", "استان خراسان رضوی", "91###-#####", 10),
        ("شیراز", "استان فارس", "71###-#####", 9),
        ("تبریز", "استان آذربایجان شرقی", "51###-#####", 7),
        ("کرج", "استان البرز", "31###-#####", 7),
        ("رشت", "استان گیلان", "41###-#####", 4),
        ("اهواز", "استان خوزستان", "61###-#####", 4),
        ("قم", "استان قم", "37###-#####", 3),
        ("یزد", "استان یزد", "89###-#####", 3),
        ("کرمان", "استان کرمان", "76###-#####", 3),
    ),
    ("خیابان ولیعصر", "خیابان انقلاب", "خیابان آزادی", "خیابان شریعتی", "خیابان فردوسی",
     "خیابان حافظ", "بلوار کشاورز", "خیابان چهارباغ", "خیابان امام", "بلوار میرداماد"),
    "+98", ("912", "919", "935", "936", "901", "990"), ("21", "31", "51", "71", "41"), 10,
    currency="USD",
    naming=NAMING,
    mail=("gmail.com", "yahoo.com", "chmail.ir"),
    area_codes={"تهران": "21", "اصفهان": "31", "مشهد": "51", "شیراز": "71", "تبریز": "41",
                "کرج": "26", "رشت": "13", "اهواز": "61", "قم": "25", "یزد": "35", "کرمان": "34"},
    street_format="{street}، پلاک {n}",
    name_format="{short}",
)
# fmt: on

FA = Market(
    locale="fa",
    currency="USD",
    time_zone=TZ,
    countries=(IRAN,),
    users=(
        ("مریم احمدی", "admin", "admin", TZ, ()),
        ("علی رضایی", "ali", "manager", TZ, ()),
        ("سارا محمدی", "sara", "sales", TZ, ("استان فارس", "استان خوزستان", "استان کرمان")),
        ("رضا کریمی", "reza", "sales", TZ, ("استان البرز", "استان قم", "استان گیلان")),
        (
            "نیلوفر حسینی",
            "niloufar",
            "sales",
            TZ,
            ("استان اصفهان", "استان یزد"),  # Tehran is everybody's
        ),
        ("امیر جعفری", "amir", "sales", TZ, ("استان خراسان رضوی", "استان آذربایجان شرقی")),
        ("زهرا موسوی", "zahra", "support", TZ, ()),
        ("مهدی صادقی", "mehdi", "support", TZ, ()),
        ("پریسا نوری", "parisa", "support", TZ, ()),
        ("حسین تهرانی", "hossein", "read_only", TZ, ()),
    ),
    rates={"EUR": 1.08, "AED": 0.2723},
    foreign=("EUR", "AED", "AED"),
    foreign_share=0.12,
    weekend=(3, 4),  # Thursday and Friday
    support_home={
        "IR": "zahra",
        "مشهد": "mehdi",
        "تبریز": "mehdi",
        "اصفهان": "parisa",
        "شیراز": "parisa",
    },  # fmt: skip
)
