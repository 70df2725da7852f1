"""E-mail address and web domain syntax: checked offline (no DNS), stored lower-cased."""

from __future__ import annotations

import re

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session

from crm_app.models import ContactEmail

from .i18n import N_

INVALID = N_("Enter a valid e-mail address, like name@example.com.")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalize_email(raw: str) -> str:
    """The form an address is stored and matched in: trimmed and lower-cased."""
    return str(raw or "").strip().lower()


def check_email(raw: str) -> tuple[str, str | None]:
    """(stored form, error message or None). Syntax only: ``check_deliverability`` is off."""
    address = normalize_email(raw)
    try:
        info = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return address, INVALID
    # email_validator may normalise Unicode (NFC) and IDNA domains; keep its form.
    return info.normalized.lower(), None


def check_email_rows(
    session: Session, rows: list[tuple[str, str]], contact_id: int | None, errors: dict[str, str]
) -> list[tuple[str, str, bool]]:
    """A contact's addresses as stored: [(address, label, is_primary)].

    Empty rows are skipped; the first address is primary. Problems go into ``errors`` as
    ``emails.<row>``: bad syntax, the same address twice, or an address another contact has
    (``contact_id`` is the contact being edited, whose own addresses are fine).
    """
    out: list[tuple[str, str, bool]] = []
    row_of: dict[str, int] = {}
    for i, (raw, label) in enumerate(rows):
        if not str(raw or "").strip():
            continue
        address, problem = check_email(raw)
        if problem is None and address in row_of:
            problem = N_("This address is already in the list above.")
        if problem:
            errors[f"emails.{i}"] = problem
            continue
        row_of[address] = i
        out.append((address, (str(label or "").strip().lower() or "work")[:20], not out))
    if row_of:
        q = sa.select(ContactEmail.email).where(ContactEmail.email.in_(list(row_of)))
        if contact_id is not None:
            q = q.where(ContactEmail.contact_id != contact_id)
        for taken in set(session.execute(q).scalars()):
            errors[f"emails.{row_of[taken]}"] = N_("Another contact already uses this address.")
    return out


def normalize_domain(raw: str) -> tuple[str | None, str | None]:
    """ "https://www.Acme.ee/about" → ("acme.ee", None); (None, None) when empty.

    Accepts a URL or an e-mail address and keeps the host, lower-case, without "www.".
    """
    text = str(raw or "").strip().lower()
    if not text:
        return None, None
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text).lstrip("/")
    text = re.split(r"[/?#]", text, maxsplit=1)[0].rsplit("@", 1)[-1]
    text = text.split(":", 1)[0].rstrip(".")
    text = text.removeprefix("www.")
    try:
        ascii_form = text.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_form = ""
    labels = ascii_form.split(".")
    tld = labels[-1]
    valid = (
        len(labels) >= 2
        and len(ascii_form) <= 200
        and all(_LABEL.match(label) for label in labels)
        and (tld.isalpha() or tld.startswith("xn--"))
        and len(tld) >= 2
    )
    return (text, None) if valid else (text, N_("Enter a domain like example.com."))
