"""Shared set-up for the campaign tests: a segment of Estonian contacts with and without
consent or an address, a template with merge fields and a link, SMTP on loopback."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from crm_app.models import Company, Contact, ContactEmail, User, utcnow
from crm_app.services import campaigns, jobs, mail, segments, writes

SENDER = "Kestrel News <news@kestrel.example>"
BODY = "Tere {{first_name}},\n\nnews for {{company}}: https://kestrel.example/spring?x=1.\n\nMari"


@dataclass
class World:
    owner: User
    segment_id: int
    template_id: int
    contacts: dict[str, Contact]


def configure_smtp(session: Session, port: int) -> None:
    values = {"host": "127.0.0.1", "port": port, "tls": "none", "user": "", "password": ""}
    mail.save_smtp_settings(session, **values, sender=SENDER, actor_id=None)
    session.commit()


def _contact(
    session: Session, first: str, email: str | None, *, consent: bool, company_id: int | None
) -> Contact:
    c = writes.create(
        session,
        Contact(
            first_name=first,
            last_name="Tamm",
            country="EE",
            consent_email=consent,
            company_id=company_id,
        ),
        actor_id=None,
    )
    if email:
        writes.create(
            session, ContactEmail(contact_id=c.id, email=email, is_primary=True), actor_id=None
        )
    return c


def build_world(session: Session, *, body: str = BODY, language: str = "en") -> World:
    owner = writes.create(
        session,
        User(email="mari@kestrel.example", name="Mari Tamm", password_hash="x"),
        actor_id=None,
    )
    company = writes.create(session, Company(name="Põhjala Puit OÜ"), actor_id=None)
    people = {
        "anu": _contact(session, "Anu", "anu@example.ee", consent=True, company_id=company.id),
        "jaan": _contact(session, "Jaan", "jaan@example.ee", consent=True, company_id=None),
        "kati": _contact(session, "Kati", "kati@example.ee", consent=False, company_id=None),
        "mati": _contact(session, "Mati", None, consent=True, company_id=None),
    }
    # Not in the segment (another country), consenting: must never get the mail.
    writes.create(
        session, Contact(first_name="Outside", country="FI", consent_email=True), actor_id=None
    )
    segment = segments.create_segment(
        session,
        name="Estonia",
        entity="contact",
        filters={"countries": ["EE"]},
        owner_id=owner.id,
        shared=True,
    )
    template = campaigns.create_template(
        session,
        name="Spring news",
        subject="Spring news for {{first_name}}",
        body=body,
        text_body=None,
        language=language,
        actor_id=owner.id,
    )
    session.commit()
    return World(owner, segment.id or 0, template.id or 0, people)


def run_all(db_url: str, *, at: datetime | None = None) -> jobs.RunReport:
    """Run every due campaign and mail job as of ``at`` (default: a second from now)."""
    return jobs.run_due(
        url=db_url,
        now=at or utcnow() + timedelta(seconds=1),
        worker_id="test",
        kinds=[mail.SEND_MAIL, campaigns.CAMPAIGN_SEND],
        limit=200,
    )


def start_campaign(session: Session, world: World, name: str = "Spring", throttle: int = 60) -> int:
    campaign = campaigns.create_campaign(
        session,
        name=name,
        template_id=world.template_id,
        segment_id=world.segment_id,
        throttle_per_minute=throttle,
        actor_id=world.owner.id,
    )
    campaigns.schedule(session, campaign.id or 0, at=None, actor_id=world.owner.id)
    session.commit()
    return campaign.id or 0


def link_in(text: str, prefix: str) -> str:
    """The first address in ``text`` that starts with ``prefix`` (e.g. "http://x/u/")."""
    found = re.search(re.escape(prefix) + r"[A-Za-z0-9_.\-]+", text)
    assert found, f"no {prefix} link in {text!r}"
    return found.group(0).rstrip(".")
