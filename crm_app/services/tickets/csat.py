"""Customer satisfaction: a rating link mailed when a ticket is solved; the public page
behind ``/csat/<token>`` rates 1–5 with a comment, without logging in.

Rules:
- when a ticket becomes solved and its customer has an address and mail is set up, one
  request is stored and mailed (in the customer's language, else the installation's); an
  earlier unused link of the same ticket stops working;
- the token is 32 random bytes (URL-safe); only its SHA-256 is stored, so a database leak
  gives no working links; it works for ``TOKEN_DAYS`` days and once;
- a rating is a whole number 1–5; the comment is optional, at most 1000 characters;
- the score lands on the ticket (``csat_score``, ``csat_comment``, ``csat_at``) and as a
  note on the customer's timeline (linked to the ticket);
- checks and submissions from one client are rate-limited (``RATE_LIMIT`` per hour), so
  nobody can probe tokens at speed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Contact, CsatRequest, Ticket, utcnow

from .. import activities, app_settings, mail, rate_limit, writes
from ..i18n import N_, gettext
from .calendar import aware
from .customers import customer_email
from .reference import mail_subject, ticket_reference

TOKEN_DAYS = 14
RATE_LIMIT = 30
RATE_WINDOW = timedelta(hours=1)
MAX_COMMENT = 1000
ROUTE = "/csat"

INVALID = N_("This link is not valid. Check that you copied all of it.")
USED = N_("This link was already used. Thank you, your rating was recorded.")
EXPIRED = N_("This link has expired.")
TOO_MANY = N_("Too many attempts. Please try again in an hour.")
SCORE = N_("Choose a rating from 1 to 5.")
COMMENT_TOO_LONG = N_("Keep the comment under 1000 characters.")
MAIL_TITLE = N_("How did we do?")
MAIL_BODY = N_(
    "Hello,\n\nyour request “{subject}” ({reference}) has been solved.\n\n"
    "How satisfied are you with our help? Please rate it from 1 to 5 here:\n{link}\n\n"
    "The link works once and for 14 days.\n"
)


def hash_token(token: str) -> str:
    return hashlib.sha256(str(token or "").encode()).hexdigest()


def link_for(session: Session, token: str) -> str:
    return f"{app_settings.base_url(session)}{ROUTE}/{token}"


@dataclass(frozen=True)
class RatingRequest:
    request: CsatRequest
    token: str  # shown once, in the mail; only its hash is stored
    link: str


def _language(session: Session, contact_id: int | None) -> str:
    contact = session.get(Contact, contact_id) if contact_id else None
    preferred = (contact.preferences or {}).get("language") if contact else None
    return str(preferred or app_settings.get(session, "default_locale") or "en")


def request_rating(
    session: Session, ticket: Ticket, *, actor_id: int | None, now: datetime | None = None
) -> RatingRequest | None:
    """Store and mail a rating link for a solved ticket; None when there is nobody to ask
    (no address) or no way to ask (mail not set up)."""
    address = customer_email(session, ticket.contact_id)
    if address is None or not mail.smtp_settings(session).configured:
        return None
    at = now or utcnow()
    session.execute(
        sa.update(CsatRequest)
        .where(
            CsatRequest.ticket_id == ticket.id,
            CsatRequest.used_at.is_(None),
            CsatRequest.expires_at > at,
        )
        .values(expires_at=at)
    )
    token = secrets.token_urlsafe(32)
    request = writes.create(
        session,
        CsatRequest(
            ticket_id=ticket.id or 0,
            token_hash=hash_token(token),
            created_at=at,
            expires_at=at + timedelta(days=TOKEN_DAYS),
        ),
        actor_id=actor_id,
    )
    link = link_for(session, token)
    lang = _language(session, ticket.contact_id)
    body = gettext(MAIL_BODY, lang).format(
        subject=ticket.subject, reference=ticket_reference(ticket), link=link
    )
    queued = mail.queue_mail(
        session,
        to=address,
        subject=f"{mail_subject(ticket)} · {gettext(MAIL_TITLE, lang)}",
        body=body,
        contact_id=ticket.contact_id,
        actor_id=actor_id,
    )
    writes.update(session, request, {"mail_id": queued.mail.id}, actor_id=actor_id)
    return RatingRequest(request, token, link)


@dataclass(frozen=True)
class TokenCheck:
    error: str | None  # a msgid (INVALID, USED, EXPIRED, TOO_MANY) or None when usable
    reference: str = ""
    subject: str = ""
    request_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _find(session: Session, token: str) -> CsatRequest | None:
    text = str(token or "").strip()
    if not 20 <= len(text) <= 100:
        return None
    return session.execute(
        sa.select(CsatRequest).where(CsatRequest.token_hash == hash_token(text))
    ).scalar_one_or_none()


def _limited(session: Session, client_key: str) -> bool:
    if not client_key:
        return False
    return not rate_limit.allow(session, f"csat:{client_key}", limit=RATE_LIMIT, window=RATE_WINDOW)


def check_token(
    session: Session, token: str, *, client_key: str = "", now: datetime | None = None
) -> TokenCheck:
    """Whether the link can still be used, and what it is about (for the public page)."""
    if _limited(session, client_key):
        return TokenCheck(TOO_MANY)
    request = _find(session, token)
    ticket = session.get(Ticket, request.ticket_id) if request else None
    if request is None or ticket is None:
        return TokenCheck(INVALID)
    about = {"reference": ticket_reference(ticket), "subject": ticket.subject}
    if request.used_at is not None:
        return TokenCheck(USED, **about)
    if aware(request.expires_at) <= (now or utcnow()):
        return TokenCheck(EXPIRED, **about)
    return TokenCheck(None, request_id=request.id, **about)


@dataclass(frozen=True)
class RatingResult:
    errors: dict[str, str] = field(default_factory=dict)  # "form", "score", "comment"
    reference: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def submit_rating(
    session: Session,
    token: str,
    *,
    score: int | str | None,
    comment: str = "",
    client_key: str = "",
    now: datetime | None = None,
) -> RatingResult:
    """Record the customer's rating (see the module rules); errors say what to fix."""
    at = now or utcnow()
    check = check_token(session, token, client_key=client_key, now=at)
    if not check.ok:
        return RatingResult({"form": check.error or INVALID}, check.reference)
    errors: dict[str, str] = {}
    try:
        value = int(str(score).strip())
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        errors["score"] = SCORE
    text = str(comment or "").strip()
    if len(text) > MAX_COMMENT:
        errors["comment"] = COMMENT_TOO_LONG
    if errors:
        return RatingResult(errors, check.reference)
    request = session.get(CsatRequest, check.request_id)
    ticket = session.get(Ticket, request.ticket_id) if request else None
    assert request is not None and ticket is not None
    writes.update(session, request, {"used_at": at}, actor_id=None)
    writes.update(
        session,
        ticket,
        {"csat_score": value, "csat_comment": text or None, "csat_at": at},
        actor_id=None,
    )
    activities.log_activity(
        session,
        kind="note",
        subject=f"{'★' * value}{'☆' * (5 - value)} {value}/5 · {ticket_reference(ticket)}",
        body=text,
        occurred_at=at,
        actor_id=None,
        contact_id=ticket.contact_id,
        company_id=None if ticket.contact_id else ticket.company_id,
        ticket_id=ticket.id,
        touch_contact=False,
        now=at,
    )
    return RatingResult({}, check.reference)
