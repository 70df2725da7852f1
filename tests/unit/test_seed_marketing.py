"""The demo's marketing history: a template, a shared segment and a sent campaign whose report
adds up (sent + skipped = audience; opens, clicks and the unsubscribe match the events)."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from crm_app.models import Campaign, CampaignEvent, Contact, ContactEmail, Unsubscribe, utcnow
from crm_app.services import campaigns, writes
from crm_app.services.seed.marketing import seed_marketing


def test_the_demo_campaign_has_a_consistent_report(session) -> None:
    for i in range(40):
        c = writes.create(
            session,
            Contact(first_name=f"C{i}", lifecycle_stage="customer", consent_email=i % 4 != 0),
            actor_id=None,
        )
        if i % 5:
            writes.create(
                session, ContactEmail(contact_id=c.id, email=f"c{i}@example.ee"), actor_id=None
            )
    counts: Counter[str] = Counter()
    seed_marketing(session, counts, now=utcnow(), locale="en")
    seed_marketing(session, counts, now=utcnow(), locale="en")  # once only
    session.commit()

    assert counts["campaigns"] == 1 and counts["campaign_recipients"] == 40
    cid = session.execute(sa.select(Campaign.id)).scalar_one()
    report = campaigns.campaign_report(session, cid)
    assert report.audience == 40
    assert report.sent + sum(report.skipped.values()) == 40
    assert report.sent == sum(1 for i in range(40) if i % 4 and i % 5)
    kinds = Counter(session.execute(sa.select(CampaignEvent.kind)).scalars())
    assert kinds["mailed"] == report.sent
    assert (kinds["opened"], kinds["clicked"]) == (report.opened, report.clicked)
    assert kinds["unsubscribed"] == report.unsubscribed <= 1
    unsubscribed = session.execute(sa.select(Unsubscribe.contact_id)).scalars().all()
    assert all(session.get(Contact, c).consent_email is False for c in unsubscribed)
