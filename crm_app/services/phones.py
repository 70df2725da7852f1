"""Phone numbers: parsed with the contact's country (or the installation default), kept in E.164.

Also the list of valid ISO-3166 alpha-2 country codes, from Babel's data (no network).
"""

from __future__ import annotations

from functools import cache

import phonenumbers
from babel import Locale

from .i18n import N_

NEED_COUNTRY_CODE = N_("Add the country code, e.g. +372 5555 1234.")
INVALID = N_("This does not look like a phone number.")
INVALID_COUNTRY = N_("Choose a country from the list.")

# Babel territories that are groupings or placeholders rather than countries.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"}


@cache
def country_codes() -> frozenset[str]:
    """Every ISO-3166 alpha-2 code a person can pick (the same list the form offers)."""
    names = Locale("en").territories
    return frozenset(
        c for c in names if len(c) == 2 and c.isalpha() and c.upper() not in _NOT_COUNTRIES
    )


def normalize_country(raw: str | None) -> str:
    return str(raw or "").strip().upper()


def phone_region(country: str | None, default_region: str | None) -> str | None:
    """The region to read national numbers with: the country if phonenumbers knows it."""
    for code in (normalize_country(country), normalize_country(default_region)):
        if code in phonenumbers.SUPPORTED_REGIONS:
            return code
    return None


def parse_phone(raw: str, region: str | None) -> tuple[str, str | None]:
    """(E.164 number or the trimmed input, error message or None).

    With no region only international input ("+…" or "00…") can be read.
    """
    text = str(raw or "").strip()
    if text.startswith("00") and region is None:
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return text, NEED_COUNTRY_CODE if region is None else INVALID
        return text, INVALID
    if not phonenumbers.is_valid_number(number):
        return text, INVALID
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def format_phone(stored: str | None) -> str:
    """A stored number for display, in international format ("+372 5551 2345")."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, None)
    except phonenumbers.NumberParseException:
        return stored  # imported before validation existed: show it as it was kept
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def pick_country(raw: str | None, errors: dict[str, str], key: str = "country") -> str | None:
    """The ISO code as stored (upper-case, None when empty); an unknown one goes to ``errors``."""
    code = normalize_country(raw)
    if code and code not in country_codes():
        errors[key] = INVALID_COUNTRY
    return code or None


def check_phone_rows(
    rows: list[tuple[str, str]], region: str | None, errors: dict[str, str]
) -> list[tuple[str, str, bool]]:
    """A contact's numbers as stored: [(E.164, label, is_primary)]; first one is primary.

    Empty rows are skipped; problems go into ``errors`` as ``phones.<row>``.
    """
    out: list[tuple[str, str, bool]] = []
    seen: set[str] = set()
    for i, (raw, label) in enumerate(rows):
        if not str(raw or "").strip():
            continue
        number, problem = parse_phone(raw, region)
        if problem is None and number in seen:
            problem = N_("This number is already in the list above.")
        if problem:
            errors[f"phones.{i}"] = problem
            continue
        seen.add(number)
        out.append((number, (str(label or "").strip().lower() or "mobile")[:20], not out))
    return out
