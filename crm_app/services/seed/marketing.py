"""Demo marketing: one newsletter template, a shared "Customers" segment and one campaign
sent ten days ago, with opens, clicks and an unsubscribe, so the report and the timelines
have something to show. History only: no mail is queued (the rows say "sent")."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import (
    Campaign,
    CampaignEvent,
    CampaignLink,
    CampaignRecipient,
    CampaignStatus,
    Contact,
    EmailTemplate,
    RecipientStatus,
    Segment,
    Unsubscribe,
    User,
)

from .. import writes
from ..campaigns import audience
from ..i18n import N_, gettext

SUBJECT = N_("News from us this spring, {{first_name}}")
BODY = N_(
    "Hello {{first_name}},\n\nthank you for working with us. This spring we have new "
    "products and better delivery times for {{company}}.\n\nSee what is new: "
    "https://example.com/spring\n\nBest regards,\n{{owner}}"
)
LINK = "https://example.com/spring"


def seed_marketing(
    session: Session, counts: Counter[str], *, now: datetime, locale: str, seed: int = 42
) -> None:
    """Write the demo template, segment and sent campaign (skipped if a template exists)."""
    if session.execute(sa.select(EmailTemplate.id).limit(1)).first() is not None:
        return
    rng = random.Random(seed + 10)
    owner = session.execute(
        sa.select(User).where(User.role.in_(["manager", "admin"])).order_by(User.id).limit(1)
    ).scalar()
    owner_id = owner.id if owner else None
    sent_at = now - timedelta(days=10, hours=-9, minutes=-30)  # ten days ago, 09:30
    template = writes.create(
        session,
        EmailTemplate(
            name=gettext(N_("Spring newsletter"), locale),
            subject=gettext(SUBJECT, locale),
            body=gettext(BODY, locale),
            language=locale,
            created_by_id=owner_id,
            created_at=sent_at - timedelta(days=2),
            updated_at=sent_at - timedelta(days=2),
        ),
        actor_id=None,
    )
    segment = writes.create(
        session,
        Segment(
            name=gettext(N_("Customers"), locale),
            entity="contact",
            filters={"stages": ["customer"]},
            owner_id=owner_id,
            shared=True,
        ),
        actor_id=None,
    )
    campaign = writes.create(
        session,
        Campaign(
            name=gettext(N_("Spring newsletter"), locale),
            template_id=template.id,
            segment_id=segment.id,
            status=CampaignStatus.SENT.value,
            scheduled_at=sent_at,
            started_at=sent_at,
            finished_at=sent_at + timedelta(minutes=5),
            created_by_id=owner_id,
            created_at=sent_at - timedelta(days=1),
        ),
        actor_id=None,
    )
    link = writes.create(session, CampaignLink(campaign_id=campaign.id, url=LINK), actor_id=None)
    members = session.execute(audience.audience_query(session, segment)).all()
    events: list[CampaignEvent] = []
    sent = 0
    unsubscribed = False
    for contact_id, email, reason in members:
        r = writes.create(
            session,
            CampaignRecipient(
                campaign_id=campaign.id or 0,
                contact_id=contact_id,
                email=email or "",
                status=(RecipientStatus.SENT if reason is None else RecipientStatus.SKIPPED).value,
                reason=reason,
                queued_at=sent_at if reason is None else None,
            ),
            actor_id=None,
        )
        if reason is not None:
            continue
        sent += 1

        def event(kind: str, at: datetime, r=r, contact_id=contact_id) -> None:
            events.append(
                CampaignEvent(
                    campaign_id=campaign.id or 0,
                    recipient_id=r.id or 0,
                    contact_id=contact_id,
                    kind=kind,
                    link_id=link.id if kind == "clicked" else None,
                    at=at,
                )
            )

        event("mailed", sent_at)
        if rng.random() < 0.45:
            opened = sent_at + timedelta(minutes=rng.randint(5, 60 * 48))
            r.opened_at = opened
            event("opened", opened)
            if rng.random() < 0.3:
                r.clicked_at = opened + timedelta(minutes=rng.randint(0, 5))
                event("clicked", r.clicked_at)
            elif not unsubscribed and email:
                unsubscribed = True
                r.unsubscribed_at = opened + timedelta(minutes=1)
                event("unsubscribed", r.unsubscribed_at)
                writes.create(
                    session,
                    Unsubscribe(
                        email=email, contact_id=contact_id, campaign_id=campaign.id, at=opened
                    ),
                    actor_id=None,
                )
                counts["unsubscribes"] += 1
                contact = session.get(Contact, contact_id)
                if contact is not None:
                    contact.consent_email = False
    if events:
        writes.create_many(session, events, actor_id=None)
    campaign.audience_count = len(members)
    campaign.queued_count = sent
    session.flush()
    # The template is not counted: the automation seed adds its own (uncounted) "Welcome"
    # template later, and the seed test matches each counted table with its audit entries.
    counts["campaigns"] += 1
    counts["segments"] += 1
    counts["campaign_links"] += 1
    counts["campaign_recipients"] += len(members)
    counts["campaign_events"] += len(events)
