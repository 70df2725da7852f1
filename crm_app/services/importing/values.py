"""Reading one cell for one field kind: (clean value, None) or (None, reason msgid).

The clean forms are the ones the forms store: e-mail trimmed and lower-case, phones in
E.164, countries as ISO-3166 alpha-2, lifecycle stages as their code, numbers as numbers.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from babel import Locale

from crm_app.models import LifecycleStage

from .. import emails as email_rules
from .. import phones as phone_rules
from .. import tags as tag_rules
from ..companies import MAX_EMPLOYEES, MAX_REVENUE, TOO_LONG, parse_amount
from ..i18n import LANGUAGES, N_, gettext

YES_OR_NO = N_("Choose yes or no.")
UNKNOWN_STAGE = N_("Choose a lifecycle stage.")
UNKNOWN_COUNTRY = phone_rules.INVALID_COUNTRY
WHOLE_NUMBER = N_("Enter a whole number, 0 or more.")
AMOUNT = N_("Enter an amount, 0 or more.")
TOO_LARGE = N_("This number is too large.")

_TRUE = {"yes", "y", "true", "t", "1", "x", "on", "checked", "ja", "jah", "oui", "si", "✓"}
_FALSE = {"no", "n", "false", "f", "0", "off", "-", "unchecked", "nein", "ei", "non"}
_MULTI = re.compile(r"\s*:::\s*")  # Google Contacts puts several values in one cell so
_TAG_SPLIT = re.compile(r"\s*(?:[,;]|:::)\s*")
_EMAIL_SPLIT = _TAG_SPLIT
_NAMED_ADDRESS = re.compile(r"<\s*([^<>\s]+@[^<>\s]+)\s*>")
_SYSTEM_TAGS = {"mycontacts", "starred"}  # Google's own groups, on every exported contact

# Lifecycle stages as other CRMs name them (compared normalised, see ``_norm``).
_STAGES = {
    LifecycleStage.LEAD: ("lead", "subscriber", "mql", "sql", "marketing qualified lead",
                          "sales qualified lead", "new", "other", "contact", "cold", "warm"),
    LifecycleStage.PROSPECT: ("prospect", "opportunity", "qualified", "potential", "interested",
                              "hot"),
    LifecycleStage.CUSTOMER: ("customer", "client", "evangelist", "won", "active customer",
                              "klient", "kunde"),
    LifecycleStage.CHURNED: ("churned", "former customer", "lost customer", "ex customer",
                             "past customer", "inactive customer", "cancelled", "canceled",
                             "lost"),
}  # fmt: skip
_COUNTRY_LOCALES = ("en", "et", "de", "fr", "es", "it", "nl", "pt", "sv", "fi", "da", "nb",
                    "pl", "lv", "lt", "ru", "uk", "he", "fa", "hy")  # fmt: skip
_COUNTRY_ALIASES = {
    "usa": "US", "unitedstatesofamerica": "US", "america": "US", "uk": "GB", "gbr": "GB",
    "greatbritain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "holland": "NL",
    "deu": "DE", "est": "EE", "fin": "FI", "swe": "SE", "nor": "NO", "dnk": "DK", "lva": "LV",
    "ltu": "LT", "pol": "PL", "fra": "FR", "esp": "ES", "ita": "IT", "nld": "NL", "bel": "BE",
    "aut": "AT", "che": "CH", "irl": "IE", "prt": "PT", "can": "CA", "aus": "AU", "isr": "IL",
    "irn": "IR", "arm": "AM", "ukr": "UA", "rus": "RU", "jpn": "JP", "chn": "CN", "ind": "IN",
    "bra": "BR", "mex": "MX", "southkorea": "KR", "russia": "RU",
}  # fmt: skip


def _norm(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return "".join(ch for ch in decomposed if ch.isalnum())


def text(raw: str, limit: int | None) -> tuple[str | None, str | None]:
    value = " ".join(str(raw).split())
    if limit is not None and len(value) > limit:
        return None, TOO_LONG.get(limit, TOO_LONG[200])
    return value, None


def email_values(raw: str) -> list[str]:
    """A cell's addresses: several may be joined with ";", "," or Google's " ::: ", and an
    address may come as "Ann Lee <ann@example.com>"."""
    text = str(raw).strip()
    if "<" not in text:
        return [p for p in _EMAIL_SPLIT.split(text) if p]
    # display names ("Lee, Ann") are not addresses: keep what is inside <…> and bare addresses
    text = _NAMED_ADDRESS.sub(lambda m: f";{m.group(1)};", text)
    return [p for p in _EMAIL_SPLIT.split(text) if "@" in p]


def multi_values(raw: str) -> list[str]:
    """A cell's values joined with Google's " ::: " (phones)."""
    return [p for p in _MULTI.split(str(raw).strip()) if p]


def email(raw: str) -> tuple[str | None, str | None]:
    address, problem = email_rules.check_email(raw)
    return (None, problem) if problem else (address, None)


def phone(raw: str, region: str | None) -> tuple[str | None, str | None]:
    """E.164 from the number as written; a spreadsheet that stored "+372 5345 678" as the
    number 3725345678 lost its "+", so digits that fail are tried once more with it."""
    number, problem = phone_rules.parse_phone(raw, region)
    digits = str(raw).strip()
    if problem and digits.isdigit() and not digits.startswith("0"):
        retry, again = phone_rules.parse_phone("+" + digits, None)
        if again is None:
            return retry, None
    return (None, problem) if problem else (number, None)


def boolean(raw: str) -> tuple[bool | None, str | None]:
    word = str(raw).strip().casefold()
    if word in _TRUE:
        return True, None
    if word in _FALSE:
        return False, None
    return None, YES_OR_NO


def whole_number(raw: str) -> tuple[int | None, str | None]:
    value = parse_amount(raw, whole=True)
    if value is None or value < 0 or value != value.to_integral_value():
        return None, WHOLE_NUMBER
    if value > MAX_EMPLOYEES:
        return None, TOO_LARGE
    return int(value), None


def amount(raw: str) -> tuple[float | None, str | None]:
    cleaned = re.sub(r"[^\d.,\s'\-]", "", str(raw))  # "€ 1 200,50", "$1,200.50"
    value = parse_amount(cleaned)
    if value is None or value < 0:
        return None, AMOUNT
    if value > MAX_REVENUE:
        return None, TOO_LARGE
    return float(round(value, 2)), None


def domain(raw: str) -> tuple[str | None, str | None]:
    value, problem = email_rules.normalize_domain(raw)
    return (None, problem) if problem else (value, None)


@cache
def _stage_words() -> dict[str, str]:
    words: dict[str, str] = {}
    for stage, spellings in _STAGES.items():
        words[_norm(stage.value)] = stage.value
        for spelling in spellings:
            words.setdefault(_norm(spelling), stage.value)
        for code in LANGUAGES:  # the stage's name in each language the app speaks
            words.setdefault(_norm(gettext(stage.value.capitalize(), code)), stage.value)
    return words


def stage(raw: str) -> tuple[str | None, str | None]:
    found = _stage_words().get(_norm(raw))
    return (found, None) if found else (None, UNKNOWN_STAGE)


@cache
def _country_words() -> dict[str, str]:
    codes = phone_rules.country_codes()
    words = {code.lower(): code for code in codes}
    for locale in _COUNTRY_LOCALES:
        for code, name in Locale.parse(locale).territories.items():
            if code in codes:
                words.setdefault(_norm(name), code)
    for alias, code in _COUNTRY_ALIASES.items():
        words.setdefault(alias, code)
    return words


def country(raw: str) -> tuple[str | None, str | None]:
    """An ISO code, or a country's name in English or another common language → ISO code."""
    found = _country_words().get(_norm(raw))
    return (found, None) if found else (None, UNKNOWN_COUNTRY)


def tag_names(raw: str) -> tuple[list[str], str | None]:
    names = []
    for part in _TAG_SPLIT.split(str(raw)):
        name = tag_rules.clean_tag_name(part.removeprefix("* "))
        if name and _norm(name) not in _SYSTEM_TAGS:
            names.append(name)
    problem = tag_rules.tag_errors(names).get("tags")
    return (None, problem) if problem else (tag_rules.clean_tag_names(names), None)  # type: ignore[return-value]


def split_name(full: str) -> tuple[str, str]:
    """ "Ann Marie Lee" → ("Ann Marie", "Lee"); "Lee, Ann" → ("Ann", "Lee"); "Ann" → ("Ann", "")."""
    value = " ".join(str(full or "").split())
    if "," in value:
        last, _, first = value.partition(",")
        return first.strip(), last.strip()
    first, _, last = value.rpartition(" ")
    return (first, last) if first else (last, "")
