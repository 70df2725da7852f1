"""Tokens and links of a campaign mail; opens, clicks and unsubscribes recorded from them.

Rules:
- each recipient gets 24 random bytes (URL-safe) as its token; only the SHA-256 is stored,
  so a database leak gives no working links and a token cannot be guessed;
- the links are ``/t/o/<token>.gif`` (open pixel), ``/t/c/<token>.<link id>`` (click) and
  ``/u/<token>`` (unsubscribe), under the app's address (``app_settings.base_url``);
- a click redirects only to the address stored for that link of that recipient's campaign:
  there is no way to make the app redirect anywhere else;
- the first open and the first click of each link are recorded on the recipient and as a
  campaign event on the contact's timeline; repeats change nothing (a click also counts as
  an open: images are often blocked);
- unsubscribing puts the address on the unsubscribe list, turns the contact's e-mail consent
  off and is recorded once; every later campaign leaves the address out (audience.py);
- the public routes rate-limit per client (``rate_limit``), so tokens cannot be probed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import (
    CampaignEvent,
    CampaignLink,
    CampaignRecipient,
    Contact,
    Unsubscribe,
    utcnow,
)

from .. import app_settings, rate_limit, writes

TRACK_LIMIT = 120  # opens + clicks per client per minute
TRACK_WINDOW = timedelta(minutes=1)
UNSUBSCRIBE_LIMIT = 30  # unsubscribe page views and confirmations per client per hour
UNSUBSCRIBE_WINDOW = timedelta(hours=1)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(str(token or "").encode()).hexdigest()


def open_url(base: str, token: str) -> str:
    return f"{base}/t/o/{token}.gif"


def click_url(base: str, token: str, link_id: int) -> str:
    return f"{base}/t/c/{token}.{link_id}"


def unsubscribe_url(base: str, token: str) -> str:
    return f"{base}/u/{token}"


def base_url(session: Session) -> str:
    return app_settings.base_url(session)


def allow_tracking(session: Session, client: str) -> bool:
    return rate_limit.allow(session, f"track:{client}", limit=TRACK_LIMIT, window=TRACK_WINDOW)


def allow_unsubscribe(session: Session, client: str) -> bool:
    return rate_limit.allow(
        session, f"unsubscribe:{client}", limit=UNSUBSCRIBE_LIMIT, window=UNSUBSCRIBE_WINDOW
    )


def find_recipient(session: Session, token: str) -> CampaignRecipient | None:
    """The recipient a well-formed token belongs to, else None."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    return session.execute(
        sa.select(CampaignRecipient).where(CampaignRecipient.token_hash == hash_token(token))
    ).scalar_one_or_none()


def _event(
    session: Session, r: CampaignRecipient, kind: str, at: datetime, link_id: int | None = None
) -> None:
    writes.create(
        session,
        CampaignEvent(
            campaign_id=r.campaign_id,
            recipient_id=r.id or 0,
            contact_id=r.contact_id,
            kind=kind,
            link_id=link_id,
            at=at,
        ),
        actor_id=None,
    )


def record_open(session: Session, token: str, *, now: datetime | None = None) -> bool:
    """Record the first open of the mail behind ``token``; False for an unknown token."""
    r = find_recipient(session, token)
    if r is None:
        return False
    if r.opened_at is None:
        at = now or utcnow()
        writes.update(session, r, {"opened_at": at}, actor_id=None)
        _event(session, r, "opened", at)
    return True


def record_click(session: Session, click_token: str, *, now: datetime | None = None) -> str | None:
    """The address to redirect to for ``<token>.<link id>``, recording the click; None when
    the token or the link is not one of this recipient's campaign."""
    # A mail client may take the full stop after a link in the text as part of it.
    token, _, link_part = (click_token or "").rstrip(".,;:!?)").rpartition(".")
    if not link_part.isdigit() or len(link_part) > 12:
        return None
    r = find_recipient(session, token)
    link = session.get(CampaignLink, int(link_part)) if r is not None else None
    if r is None or link is None or link.campaign_id != r.campaign_id:
        return None
    at = now or utcnow()
    changes: dict[str, datetime] = {}
    if r.opened_at is None:
        changes["opened_at"] = at
    if r.clicked_at is None:
        changes["clicked_at"] = at
    if changes:
        writes.update(session, r, changes, actor_id=None)
    seen = session.execute(
        sa.select(CampaignEvent.id).where(
            CampaignEvent.recipient_id == r.id,
            CampaignEvent.kind == "clicked",
            CampaignEvent.link_id == link.id,
        )
    ).first()
    if seen is None:
        _event(session, r, "clicked", at, link.id)
    return link.url


@dataclass(frozen=True)
class UnsubscribeInfo:
    email: str
    done: bool  # already unsubscribed
    language: str = ""  # the contact's preferred language ("" : the installation's)


def unsubscribe_info(session: Session, token: str) -> UnsubscribeInfo | None:
    r = find_recipient(session, token)
    if r is None:
        return None
    done = r.unsubscribed_at is not None or is_unsubscribed(session, r.email)
    contact = session.get(Contact, r.contact_id) if r.contact_id else None
    language = str((contact.preferences or {}).get("language") or "") if contact else ""
    return UnsubscribeInfo(mask_email(r.email), done, language)


def mask_email(email: str) -> str:
    """ "m***@example.com": enough for the person to recognise, little for anyone else."""
    local, _, domain = (email or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def is_unsubscribed(session: Session, email: str) -> bool:
    found = session.execute(
        sa.select(Unsubscribe.id).where(Unsubscribe.email == (email or "").strip().lower())
    ).first()
    return found is not None


def unsubscribe(session: Session, token: str, *, now: datetime | None = None) -> bool:
    """Unsubscribe the recipient behind ``token`` (idempotent); False for an unknown token."""
    r = find_recipient(session, token)
    if r is None:
        return False
    at = now or utcnow()
    email = (r.email or "").strip().lower()
    if email and not is_unsubscribed(session, email):
        writes.create(
            session,
            Unsubscribe(email=email, contact_id=r.contact_id, campaign_id=r.campaign_id, at=at),
            actor_id=None,
        )
    contact = session.get(Contact, r.contact_id) if r.contact_id else None
    if contact is not None and contact.consent_email:
        writes.update(session, contact, {"consent_email": False, "updated_at": at}, actor_id=None)
    if r.unsubscribed_at is None:
        writes.update(session, r, {"unsubscribed_at": at}, actor_id=None)
        _event(session, r, "unsubscribed", at)
    return True
