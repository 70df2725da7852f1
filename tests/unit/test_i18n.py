"""Translation catalogs, plurals, locale formatting, and no untranslated text on any page."""

from __future__ import annotations

import importlib.util
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from reflex.components.base.bare import Bare
from reflex.vars.sequence import LiteralStringVar

import crm_app.crm_app as app_module
from crm_app.services import formatting, i18n

ROOT = Path(__file__).resolve().parents[2]
LANGS = ["et", "he", "fa", "hy"]
# Literal text allowed on pages: the brand, and language names written in their own language.
ALLOWED_LITERALS = {"Rapport", "404", "you@company.com", "example.com", "Ctrl K"} | {
    lang.name for lang in i18n.LANGUAGES.values()
}
TEXT_PROPS = ("placeholder", "aria_label", "title", "alt", "label")
ARIA_TEXT = {"aria-label", "aria-description", "aria-placeholder", "aria-roledescription"}


def _tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def extracted():
    return _tool().extract()


def test_the_committed_template_matches_the_code(extracted) -> None:
    """Every marked message in the code is in messages.pot (run scripts/i18n.py extract)."""
    from babel.messages.pofile import read_po

    with (ROOT / "crm_app/locales/messages.pot").open("rb") as fh:
        committed = {m.id for m in read_po(fh) if m.id}
    in_code = {m.id for m in extracted if m.id}
    assert in_code - committed == set(), "run: python scripts/i18n.py extract"


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_translated(lang: str, extracted) -> None:
    missing = _tool().untranslated(lang, extracted)
    assert missing == [], f"{lang}: {len(missing)} untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_their_placeholders(lang: str) -> None:
    cat = i18n.catalog(lang)
    assert cat is not None
    for msg in cat:
        if not msg.id:
            continue
        ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        wanted = set(re.findall(r"\{\w+\}", ids[-1]))
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        for text in strings:
            assert set(re.findall(r"\{\w+\}", text)) == wanted, (lang, msg.id, text)


def test_english_is_the_message_id() -> None:
    assert i18n.gettext("Dashboard", "en") == "Dashboard"
    assert i18n.translations("en") == {}


def test_unknown_language_falls_back_to_english() -> None:
    assert i18n.normalize("xx") == "en"
    assert i18n.normalize("et-EE") == "et"
    assert i18n.gettext("Dashboard", "xx") == "Dashboard"


def test_catalogs_translate() -> None:
    for lang in LANGS:
        assert i18n.gettext("Dashboard", lang) not in ("", "Dashboard")


@pytest.mark.parametrize(
    ("lang", "n", "same_as"),
    [("en", 1, "{n} open deal"), ("en", 2, "{n} open deals"), ("en", 0, "{n} open deals")],
)
def test_english_plurals(lang: str, n: int, same_as: str) -> None:
    assert i18n.ngettext("{n} open deal", "{n} open deals", n, lang) == same_as.replace(
        "{n}", str(n)
    )


def test_plural_forms_follow_each_language() -> None:
    et_one = i18n.ngettext("{n} open deal", "{n} open deals", 1, "et")
    et_many = i18n.ngettext("{n} open deal", "{n} open deals", 5, "et")
    assert et_one.startswith("1") and et_many.startswith("5") and et_one[1:] != et_many[1:]
    he_one = i18n.ngettext("{n} deal", "{n} deals", 1, "he")
    he_many = i18n.ngettext("{n} deal", "{n} deals", 7, "he")
    assert he_one != he_many.replace("7", "1")
    # Persian and Armenian keep the noun singular after a number: one form.
    fa_cat, hy_cat = i18n.catalog("fa"), i18n.catalog("hy")
    assert fa_cat.num_plurals == 1 and hy_cat.num_plurals == 1
    assert "۵" in i18n.ngettext("{n} deal", "{n} deals", 5, "fa")


def test_right_to_left_languages() -> None:
    assert [c for c, lang in i18n.LANGUAGES.items() if lang.rtl] == ["he", "fa"]
    assert i18n.is_rtl("he") and i18n.is_rtl("fa") and not i18n.is_rtl("et")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "€12,400"),
        ("et", "12\xa0400\xa0€"),
        ("he", "\u200f12,400\xa0\u200f€"),
        ("fa", "\u200e€\xa0۱۲٬۴۰۰"),
        ("hy", "12\xa0400\xa0€"),
    ],
)
def test_money_is_formatted_for_the_locale(lang: str, expected: str) -> None:
    assert formatting.money(12400, "EUR", lang) == expected


def test_small_amounts_keep_cents_and_the_deals_currency() -> None:
    assert formatting.money(99.5, "USD", "en") == "$99.50"
    assert formatting.money(99.5, "USD", "et") == "99,50\xa0$"


def test_numbers_and_relative_times_per_locale() -> None:
    assert formatting.number(1234567, "et") == "1\xa0234\xa0567"
    assert formatting.number(1234567, "fa") == "۱٬۲۳۴٬۵۶۷"
    now = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    two_days = now - timedelta(days=2)
    assert formatting.ago(two_days, "en", now=now) == "2 days ago"
    assert formatting.ago(two_days, "et", now=now) == "2 päeva eest"
    assert formatting.ago(two_days, "fa", now=now) == "۲ روز پیش"
    assert formatting.ago(now, "he", now=now) == i18n.gettext("just now", "he")


def test_dates_stay_gregorian_in_the_users_zone() -> None:
    moment = datetime(2026, 3, 3, 22, 30, tzinfo=UTC)
    assert formatting.when(moment, "Europe/Tallinn", "en").startswith("Mar 4, 2026")
    assert "2026" in formatting.when(moment, "Europe/Tallinn", "he")
    assert "۲۰۲۶" in formatting.when(moment, "Asia/Tehran", "fa")


def _literals(component, found: list[str]) -> None:
    if isinstance(component, Bare):
        value = component.contents
        if isinstance(value, LiteralStringVar) and re.search(r"[A-Za-z]{2,}", value._var_value):
            found.append(value._var_value)
    for name in TEXT_PROPS:
        value = getattr(component, name, None)
        if isinstance(value, LiteralStringVar) and re.search(r"[A-Za-z]{2,}", value._var_value):
            found.append(f"{name}={value._var_value}")
    for name, value in (getattr(component, "custom_attrs", None) or {}).items():
        text = value._var_value if isinstance(value, LiteralStringVar) else value
        if name in ARIA_TEXT and isinstance(text, str) and re.search(r"[A-Za-z]{2,}", text):
            found.append(f"{name}={text}")
    for child in getattr(component, "children", []):
        _literals(child, found)


PAGES = sorted(app_module.app._unevaluated_pages.items())


@pytest.mark.parametrize(("route", "page"), PAGES, ids=[r for r, _ in PAGES])
def test_no_page_renders_literal_english(route: str, page) -> None:
    """Text on a page goes through T() (or a translated state var), never a bare literal."""
    component = page.component() if callable(page.component) else page.component
    found: list[str] = []
    _literals(component, found)
    assert [f for f in found if f.split("=", 1)[-1] not in ALLOWED_LITERALS] == []


def test_names_and_emails_inside_translated_sentences_are_direction_isolated() -> None:
    text = i18n.format_message(
        "{name} can now log in as {role}.", "fa", name="Ann Lee", role="مدیر"
    )
    assert "\u2068Ann Lee\u2069" in text and "\u2068مدیر\u2069" in text
    assert text != "{name} can now log in as {role}."


def test_every_message_a_page_uses_is_in_the_catalog() -> None:
    """T() given a variable is invisible to extraction: check what the built pages asked for."""
    from babel.messages.pofile import read_po

    from crm_app.components.i18n import USED

    for _route, page in PAGES:
        page.component() if callable(page.component) else page.component
    with (ROOT / "crm_app/locales/messages.pot").open("rb") as fh:
        known = {m.id for m in read_po(fh) if m.id}
    assert USED and USED - known == set(), "mark these with N_() and run scripts/i18n.py extract"
