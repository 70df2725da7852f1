"""Translation catalogs (gettext .po files read with Babel) and the supported languages.

Message ids are the English text. UI code marks text with ``T("…")`` (components) and
services mark messages they raise with ``N_("…")``; states translate those with the
caller's locale via ``gettext``. Plurals go through ``ngettext`` with the catalog's
CLDR plural rule.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in its own language, as a person looks for it in a list
    rtl: bool


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "English", False),
    "et": Language("et", "Eesti", False),
    "he": Language("he", "עברית", True),
    "fa": Language("fa", "فارسی", True),
    "hy": Language("hy", "Հայերեն", False),
}
DEFAULT = "en"

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def N_(message: str) -> str:  # noqa: N802  (the gettext convention)
    """Mark a message for extraction without translating it here (translated at display)."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802
    """Mark a singular/plural pair for extraction; pass it to ``ngettext`` later."""
    return singular, plural


def normalize(code: str | None) -> str:
    code = (code or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT


def is_rtl(code: str | None) -> bool:
    return LANGUAGES[normalize(code)].rtl


def po_path(code: str) -> Path:
    return LOCALES_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalog(code: str) -> Catalog | None:
    path = po_path(code)
    if code == DEFAULT or not path.exists():
        return None
    with path.open("rb") as fh:
        return read_po(fh, locale=code)


@cache
def translations(code: str) -> dict[str, str]:
    """msgid → translated text for one language (singular messages with a translation)."""
    cat = catalog(normalize(code))
    if cat is None:
        return {}
    out: dict[str, str] = {}
    for msg in cat:
        if (
            msg.id
            and not msg.fuzzy
            and isinstance(msg.id, str)
            and isinstance(msg.string, str)
            and msg.string
        ):
            out[msg.id] = msg.string
    return out


def gettext(message: str, code: str | None) -> str:
    return translations(normalize(code)).get(message, message)


def ngettext(singular: str, plural: str, n: int, code: str | None) -> str:
    """The plural form for ``n`` in the language; ``{n}`` in the text is replaced by n."""
    lang = normalize(code)
    cat = catalog(lang)
    text = singular if n == 1 else plural
    if cat is not None:
        msg = cat.get((singular, plural))
        if msg is not None and isinstance(msg.string, tuple | list) and all(msg.string):
            index = _plural_rule(cat.plural_expr)(n)
            text = msg.string[min(index, len(msg.string) - 1)]
    return text.replace("{n}", localize_digits(str(n), lang))


@cache
def _plural_rule(expr: str):
    """The catalog's C plural expression (from its Plural-Forms header) as a function."""
    return stdlib_gettext.c2py(expr)


def localize_digits(text: str, code: str | None) -> str:
    """Persian uses its own digits (Babel formats with Latin ones)."""
    return text.translate(_PERSIAN_DIGITS) if normalize(code) == "fa" else text


def isolate(text: str) -> str:
    """Wrap text of unknown direction (a name, an e-mail) for use inside a translated sentence,
    so a Latin e-mail inside Persian text keeps its own order and the punctuation its place."""
    return f"\u2068{text}\u2069"


def format_message(message: str, code: str | None, **values: str) -> str:
    """Translate ``message`` and fill its ``{placeholders}`` with direction-isolated values."""
    return gettext(message, code).format(**{k: isolate(str(v)) for k, v in values.items()})
