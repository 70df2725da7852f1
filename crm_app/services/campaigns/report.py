"""What a campaign did: counts for the report, the campaign list and the recipient list.

A recipient's status is its own until its mail is queued; from then on it is the mail's
(queued, sent or failed, with the mail service's reason). "Deals created afterwards" counts
deals of the mailed contacts created after the campaign started.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import (
    Campaign,
    CampaignRecipient,
    Contact,
    Deal,
    EmailTemplate,
    MailMessage,
    RecipientStatus,
    Segment,
)

from .sending import get_campaign

STATUS_FILTERS = ("all", "queued", "sent", "failed", "skipped", "opened", "clicked", "unsubscribed")


def _status() -> sa.ColumnElement:
    return sa.case(
        (
            sa.and_(
                CampaignRecipient.status == RecipientStatus.QUEUED.value,
                MailMessage.id.is_not(None),
            ),
            MailMessage.status,
        ),
        else_=CampaignRecipient.status,
    )


def _reason() -> sa.ColumnElement:
    return sa.func.coalesce(CampaignRecipient.reason, MailMessage.error)


@dataclass
class Report:
    audience: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason msgid → how many
    pending: int = 0
    queued: int = 0
    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    opened: int = 0
    clicked: int = 0
    unsubscribed: int = 0
    deals_created: int = 0


def campaign_report(session: Session, campaign_id: int) -> Report:
    campaign = get_campaign(session, campaign_id)
    base = (
        sa.select(CampaignRecipient.id)
        .outerjoin(MailMessage, MailMessage.id == CampaignRecipient.mail_id)
        .where(CampaignRecipient.campaign_id == campaign.id)
    )
    out = Report()
    status = _status()
    for st, why, n in session.execute(
        base.with_only_columns(status, CampaignRecipient.reason, sa.func.count()).group_by(
            status, CampaignRecipient.reason
        )
    ):
        out.audience += n
        if st == RecipientStatus.SKIPPED.value:
            out.skipped[why or ""] = out.skipped.get(why or "", 0) + n
        elif hasattr(out, st or ""):
            setattr(out, st, getattr(out, st) + n)
    opened, clicked, unsubscribed = session.execute(
        sa.select(
            sa.func.count(CampaignRecipient.opened_at),
            sa.func.count(CampaignRecipient.clicked_at),
            sa.func.count(CampaignRecipient.unsubscribed_at),
        ).where(CampaignRecipient.campaign_id == campaign.id)
    ).one()
    out.opened, out.clicked, out.unsubscribed = opened, clicked, unsubscribed
    if campaign.started_at is not None:
        mailed = sa.select(CampaignRecipient.contact_id).where(
            CampaignRecipient.campaign_id == campaign.id,
            CampaignRecipient.mail_id.is_not(None),
        )
        out.deals_created = session.execute(
            sa.select(sa.func.count())
            .select_from(Deal)
            .where(Deal.contact_id.in_(mailed), Deal.created_at >= campaign.started_at)
        ).scalar_one()
    return out


@dataclass(frozen=True)
class CampaignRow:
    id: int
    name: str
    status: str
    template: str
    segment: str
    scheduled_at: datetime | None
    audience: int
    queued: int
    created_at: datetime


def list_campaigns(session: Session, limit: int = 200) -> list[CampaignRow]:
    """Newest first (a CRM has tens of campaigns, not thousands)."""
    rows = session.execute(
        sa.select(Campaign, EmailTemplate.name, Segment.name)
        .outerjoin(EmailTemplate, EmailTemplate.id == Campaign.template_id)
        .outerjoin(Segment, Segment.id == Campaign.segment_id)
        .order_by(Campaign.created_at.desc(), Campaign.id.desc())
        .limit(limit)
    )
    return [
        CampaignRow(
            c.id or 0,
            c.name,
            c.status,
            template or "",
            segment or "",
            c.scheduled_at,
            c.audience_count,
            c.queued_count,
            c.created_at,
        )
        for c, template, segment in rows
    ]


@dataclass(frozen=True)
class RecipientRow:
    id: int
    contact_id: int | None
    name: str
    email: str
    status: str
    reason: str
    opened: bool
    clicked: bool
    unsubscribed: bool


def recipients(
    session: Session, campaign_id: int, *, status: str = "all", offset: int = 0, limit: int = 50
) -> tuple[list[RecipientRow], int]:
    """One page of the recipient list (by id) and the total for the filter."""
    st = _status()
    q = (
        sa.select(
            CampaignRecipient,
            Contact.first_name,
            Contact.last_name,
            st.label("st"),
            _reason().label("why"),
        )
        .outerjoin(MailMessage, MailMessage.id == CampaignRecipient.mail_id)
        .outerjoin(Contact, Contact.id == CampaignRecipient.contact_id)
        .where(CampaignRecipient.campaign_id == campaign_id)
    )
    if status in ("opened", "clicked", "unsubscribed"):
        q = q.where(getattr(CampaignRecipient, f"{status}_at").is_not(None))
    elif status in STATUS_FILTERS and status != "all":
        q = q.where(st == status)
    total = session.execute(
        sa.select(sa.func.count()).select_from(q.order_by(None).subquery())
    ).scalar_one()
    page = session.execute(
        q.order_by(CampaignRecipient.id).offset(max(offset, 0)).limit(max(1, min(limit, 200)))
    )
    rows = [
        RecipientRow(
            r.id or 0,
            r.contact_id,
            " ".join(p for p in (first, last) if p),
            r.email,
            s or "",
            why or "",
            r.opened_at is not None,
            r.clicked_at is not None,
            r.unsubscribed_at is not None,
        )
        for r, first, last, s, why in page
    ]
    return rows, total
