"""The Hebrew demo: cafés, restaurants, hotels and offices across Israel, priced in shekels."""

from __future__ import annotations

from .catalog import Country, Naming
from .market import Market

TZ = "Asia/Jerusalem"

# fmt: off
NAMING = Naming(
    words=(
        ("שקד", "shaked"), ("זית", "zait"), ("רימון", "rimon"), ("תאנה", "teena"), ("ים", "yam"),
        ("חוף", "hof"), ("נחת", "nachat"), ("אלון", "alon"), ("ברוש", "brosh"), ("הדס", "hadas"),
        ("גפן", "gefen"), ("אורן", "oren"), ("תמר", "tamar"), ("כרמל", "carmel"),
        ("גליל", "galil"), ("נגב", "negev"), ("שחר", "shachar"), ("טל", "tal"),
        ("הנמל", "hanamal"), ("השוק", "hashuk"), ("קינמון", "kinamon"), ("הל", "hel"),
        ("לילך", "lilach"), ("סחלב", "sachlav"), ("שיבולת", "shibolet"), ("צוף", "tzuf"),
        ("ענבל", "inbal"), ("דקל", "dekel"), ("מרווה", "marva"), ("לבנה", "levana"),
    ),
    patterns={
        "Café": (("קפה {w}", "cafe {w}"), ("{w} קפה", "{w} cafe"), ("בית הקפה {w}", "{w} coffee"),
                 ("קפה {s}", "cafe {s}"), ("מאפיית {w}", "{w} bakery")),
        "Restaurant": (("מסעדת {w}", "{w} restaurant"), ("ביסטרו {w}", "bistro {w}"),
                       ("{w} בר", "{w} bar"), ("המטבח של {s}", "{s} kitchen"),
                       ("{s} ובניו", "{s} and sons")),
        "Hotel": (("מלון {w}", "hotel {w}"), ("מלון בוטיק {w}", "{w} boutique"),
                  ("מלון {w} {c}", "{w} {c} hotel"), ("{w} ספא", "{w} spa")),
        "Office": (("{w} טכנולוגיות", "{w} tech"), ("{w} מערכות", "{w} systems"),
                   ("{s} ושות׳", "{s} co"), ("{w} לוגיסטיקה", "{w} logistics"),
                   ("{w} ייעוץ", "{w} consulting")),
        "Retail": (("מרכול {w}", "{w} market"), ("מעדניית {w}", "{w} deli"),
                   ("{w} לבית ולמטבח", "{w} home"), ("{s} מזון", "{s} food"),
                   ("{w} גורמה", "{w} gourmet")),
    },
)

ISRAEL = Country(
    "IL", 100, "he_IL", "he", "co.il", "בע״מ",
    (
        ("תל אביב-יפו", "מחוז תל אביב", "6######", 34),
        ("ירושלים", "מחוז ירושלים", "9######", 14),
        ("חיפה", "מחוז חיפה", "3######", 10),
        ("רמת גן", "מחוז תל אביב", "52#####", 6),
        ("הרצליה", "מחוז תל אביב", "46#####", 5),
        ("ראשון לציון", "מחוז המרכז", "75#####", 6),
        ("פתח תקווה", "מחוז המרכז", "49#####", 5),
        ("נתניה", "מחוז המרכז", "42#####", 5),
        ("רעננה", "מחוז המרכז", "43#####", 3),
        ("באר שבע", "מחוז הדרום", "84#####", 5),
        ("אשדוד", "מחוז הדרום", "77#####", 3),
        ("אילת", "מחוז הדרום", "88#####", 2),
        ("נצרת", "מחוז הצפון", "16#####", 2),
    ),
    ("דיזנגוף", "שדרות רוטשילד", "אבן גבירול", "הרצל", "יפו", "בן יהודה", "ז׳בוטינסקי",
     "אלנבי", "ויצמן", "הנביאים", "שדרות ירושלים", "העצמאות"),
    "+972", ("50", "52", "53", "54", "55", "58"), ("2", "3", "4", "8", "9"), 9,
    currency="ILS",
    naming=NAMING,
    mail=("gmail.com", "walla.co.il", "hotmail.com", "yahoo.com"),
    landline_digits=8,
    area_codes={"תל אביב-יפו": "3", "ירושלים": "2", "חיפה": "4", "רמת גן": "3", "הרצליה": "9",
                "ראשון לציון": "3", "פתח תקווה": "3", "נתניה": "9", "רעננה": "9",
                "באר שבע": "8", "אשדוד": "8", "אילת": "8", "נצרת": "4"},
)
# fmt: on

HE = Market(
    locale="he",
    currency="ILS",
    time_zone=TZ,
    countries=(ISRAEL,),
    users=(
        ("מיכל כהן", "admin", "admin", TZ, ()),
        ("יונתן לוי", "yonatan", "manager", TZ, ()),
        ("נועה אברהם", "noa", "sales", TZ, ("מחוז המרכז",)),  # Tel Aviv is everybody's
        ("עומר פרץ", "omer", "sales", TZ, ("מחוז הדרום",)),
        ("דניאל מזרחי", "daniel", "sales", TZ, ("מחוז ירושלים",)),
        ("רונית חדד", "ronit", "sales", TZ, ("מחוז חיפה", "מחוז הצפון")),
        ("שירה ביטון", "shira", "support", TZ, ()),
        ("סמיר חורי", "samir", "support", TZ, ()),
        ("איתי שפירא", "itay", "support", TZ, ()),
        ("אבי גולן", "avi", "read_only", TZ, ()),
    ),
    rates={"USD": 3.7, "EUR": 4.0},
    scale=4.0,
    foreign=("USD", "USD", "EUR"),
    foreign_share=0.15,
    weekend=(4, 5),  # Friday and Saturday
    support_home={
        "IL": "shira",
        "חיפה": "samir",
        "נצרת": "samir",
        "ירושלים": "itay",
        "באר שבע": "itay",
    },  # fmt: skip
)
