"""Campaigns: draft → scheduled → sending → sent (or cancelled), sent by a job in batches.

Rules:
- a campaign needs a name, a template and a segment of contacts; only a draft is edited;
- scheduling (or "send now") needs outgoing mail set up; it enqueues the ``campaign_send``
  job at the chosen time; a scheduled or sending campaign can be cancelled (mails already
  handed to the mail service still go);
- the first run fixes the recipients: every member of the segment gets a row, the ones left
  out marked "skipped" with the reason (audience.py); the template's links are stored so a
  click can only lead to them;
- each run queues at most ``throttle_per_minute`` mails through the mail service (the one
  way to send mail; it retries and records sent/failed per mail) and, while recipients
  remain, enqueues the next run a minute later; each recipient is checked again just before
  its mail is queued;
- what one mail holds is composed in composing.py (also the test send).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import (
    Campaign,
    CampaignEvent,
    CampaignLink,
    CampaignRecipient,
    CampaignStatus,
    EmailTemplate,
    RecipientStatus,
    utcnow,
)

from .. import jobs, mail, writes
from ..errors import NotFound, ValidationError
from ..i18n import N_
from ..mail.config import smtp_settings
from . import audience, content, tracking
from .composing import compose

CAMPAIGN_SEND = "campaign_send"
BATCH_INTERVAL = timedelta(minutes=1)
MAX_THROTTLE = 1000
MAX_NAME = 120


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    found = session.get(Campaign, campaign_id)
    if found is None:
        raise NotFound(N_("This campaign no longer exists."))
    return found


def _clean(session: Session, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        errors["name"] = N_("Enter a name for the campaign.")
    elif len(name) > MAX_NAME:
        errors["name"] = N_("Use at most 120 characters.")
    template_id = _int(values.get("template_id"))
    if template_id is None or session.get(EmailTemplate, template_id) is None:
        errors["template_id"] = N_("Choose a template.")
    segment_id = _int(values.get("segment_id"))
    try:
        audience.contact_segment(session, segment_id)
    except NotFound:
        errors["segment_id"] = N_("Choose a segment.")
    except ValidationError as exc:
        errors |= exc.errors
    throttle = _int(values.get("throttle_per_minute"))
    if throttle is None or not 1 <= throttle <= MAX_THROTTLE:
        errors["throttle_per_minute"] = N_("Enter a number from 1 to 1000.")
    clean = {
        "name": name,
        "template_id": template_id,
        "segment_id": segment_id,
        "throttle_per_minute": throttle or 60,
    }
    return clean, errors


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def create_campaign(session: Session, *, actor_id: int | None, **values: Any) -> Campaign:
    """A draft (fields: name, template_id, segment_id, throttle_per_minute)."""
    clean, errors = _clean(session, values)
    if errors:
        raise ValidationError(errors)
    return writes.create(session, Campaign(**clean, created_by_id=actor_id), actor_id=actor_id)


def update_campaign(
    session: Session, campaign_id: int, *, actor_id: int | None, **values: Any
) -> Campaign:
    campaign = get_campaign(session, campaign_id)
    if campaign.status != CampaignStatus.DRAFT.value:
        raise ValidationError({"form": N_("Only a draft campaign can be changed.")})
    clean, errors = _clean(session, values)
    if errors:
        raise ValidationError(errors)
    return writes.update(session, campaign, clean | {"updated_at": utcnow()}, actor_id=actor_id)


def schedule(
    session: Session,
    campaign_id: int,
    *,
    at: datetime | None,
    actor_id: int | None,
    now: datetime | None = None,
) -> Campaign:
    """Send at ``at`` (None or a past time: now)."""
    campaign = get_campaign(session, campaign_id)
    if campaign.status != CampaignStatus.DRAFT.value:
        raise ValidationError({"form": N_("This campaign was already scheduled or sent.")})
    _clean_values, errors = _clean(session, campaign.model_dump())
    if not smtp_settings(session).configured:
        errors["form"] = mail.smtp.NOT_CONFIGURED
    if at is not None and at.utcoffset() is None:
        errors["scheduled_at"] = N_("Enter a valid date and time.")
    if errors:
        raise ValidationError(errors)
    clock = now or utcnow()
    run_at = max(at or clock, clock)
    job = jobs.enqueue(
        session,
        CAMPAIGN_SEND,
        {"campaign_id": campaign.id, "batch": 0},
        run_at=run_at,
        actor_id=actor_id,
    )
    return writes.update(
        session,
        campaign,
        {
            "status": CampaignStatus.SCHEDULED.value,
            "scheduled_at": run_at,
            "job_id": job.id,
            "updated_at": clock,
        },
        actor_id=actor_id,
    )


def cancel(session: Session, campaign_id: int, *, actor_id: int | None) -> Campaign:
    """Stop a scheduled or sending campaign; recipients not yet queued are cancelled."""
    campaign = get_campaign(session, campaign_id)
    if campaign.status not in (CampaignStatus.SCHEDULED.value, CampaignStatus.SENDING.value):
        raise ValidationError({"form": N_("Only a scheduled or sending campaign can be stopped.")})
    session.execute(
        sa.update(CampaignRecipient)
        .where(
            CampaignRecipient.campaign_id == campaign.id,
            CampaignRecipient.status == RecipientStatus.PENDING.value,
        )
        .values(status=RecipientStatus.CANCELLED.value)
    )
    return writes.update(
        session,
        campaign,
        {"status": CampaignStatus.CANCELLED.value, "finished_at": utcnow(), "updated_at": utcnow()},
        actor_id=actor_id,
    )


def _links(session: Session, campaign: Campaign, template: EmailTemplate) -> dict[str, int]:
    """url → link id, stored once per campaign for the addresses in the template."""
    known = {
        url: lid
        for lid, url in session.execute(
            sa.select(CampaignLink.id, CampaignLink.url).where(
                CampaignLink.campaign_id == campaign.id
            )
        )
    }
    for url in content.find_links(f"{template.body}\n{template.text_body or ''}"):
        if url not in known:
            link = writes.create(
                session, CampaignLink(campaign_id=campaign.id or 0, url=url), actor_id=None
            )
            known[url] = link.id or 0
    return known


def _start(session: Session, campaign: Campaign, now: datetime) -> None:
    """Fix the recipients: the reachable ones pending, the others skipped with the reason."""
    segment = audience.contact_segment(session, campaign.segment_id)
    rows = [
        {
            "campaign_id": campaign.id,
            "contact_id": contact_id,
            "email": email or "",
            "status": (
                RecipientStatus.PENDING if reason is None else RecipientStatus.SKIPPED
            ).value,
            "reason": reason,
        }
        for contact_id, email, reason in session.execute(audience.audience_query(session, segment))
    ]
    if rows:
        session.execute(sa.insert(CampaignRecipient), rows)
    writes.update(
        session,
        campaign,
        {
            "status": CampaignStatus.SENDING.value,
            "started_at": now,
            "audience_count": len(rows),
            "updated_at": now,
        },
        actor_id=None,
    )


def _queue_one(
    session: Session,
    campaign: Campaign,
    template: EmailTemplate,
    r: CampaignRecipient,
    links: dict[str, int],
    now: datetime,
) -> None:
    email, reason = audience.check_contact(session, r.contact_id)
    if reason is not None:
        writes.update(
            session, r, {"status": RecipientStatus.SKIPPED.value, "reason": reason}, actor_id=None
        )
        return
    token = tracking.new_token()
    parts = compose(session, template, contact_id=r.contact_id, token=token, links=links)
    try:
        queued = mail.queue_mail(
            session,
            to=email or r.email,
            subject=parts["subject"],
            body=parts["body"],
            html=parts["html"],
            headers=parts["headers"],
            contact_id=r.contact_id,
            actor_id=campaign.created_by_id,
            purpose="campaign",
            log_on_timeline=False,
        )
    except ValidationError as exc:
        if exc.errors.get("form") == mail.smtp.NOT_CONFIGURED:
            raise jobs.RetryLater(mail.smtp.NOT_CONFIGURED) from exc
        why = next(iter(exc.errors.values()), N_("The message could not be queued."))
        writes.update(
            session, r, {"status": RecipientStatus.FAILED.value, "reason": why}, actor_id=None
        )
        return
    writes.update(
        session,
        r,
        {
            "status": RecipientStatus.QUEUED.value,
            "email": email or r.email,
            "mail_id": queued.mail.id,
            "token_hash": tracking.hash_token(token),
            "queued_at": now,
        },
        actor_id=None,
    )
    writes.create(
        session,
        CampaignEvent(
            campaign_id=campaign.id or 0,
            recipient_id=r.id or 0,
            contact_id=r.contact_id,
            kind="mailed",
            at=now,
        ),
        actor_id=None,
    )


def send_batch(session: Session, campaign_id: int, *, now: datetime | None = None) -> int:
    """One run of the send job: queue the next batch; returns how many mails it queued."""
    campaign = get_campaign(session, campaign_id)
    if campaign.status not in (CampaignStatus.SCHEDULED.value, CampaignStatus.SENDING.value):
        return 0  # cancelled (or already done): nothing more goes out
    clock = now or utcnow()
    if campaign.status == CampaignStatus.SCHEDULED.value:
        _start(session, campaign, clock)
    template = session.get(EmailTemplate, campaign.template_id) if campaign.template_id else None
    if template is None:
        raise jobs.PermanentFailure(N_("This template no longer exists."))
    links = _links(session, campaign, template)
    batch = (
        session.execute(
            sa.select(CampaignRecipient)
            .where(
                CampaignRecipient.campaign_id == campaign.id,
                CampaignRecipient.status == RecipientStatus.PENDING.value,
            )
            .order_by(CampaignRecipient.id)
            .limit(campaign.throttle_per_minute + 1)
        )
        .scalars()
        .all()
    )
    now_batch, more = (
        batch[: campaign.throttle_per_minute],
        len(batch) > campaign.throttle_per_minute,
    )
    queued = 0
    for r in now_batch:
        _queue_one(session, campaign, template, r, links, clock)
        queued += r.status == RecipientStatus.QUEUED.value
    changes: dict[str, Any] = {"queued_count": campaign.queued_count + queued, "updated_at": clock}
    if more:
        job = jobs.enqueue(
            session,
            CAMPAIGN_SEND,
            {"campaign_id": campaign.id},
            run_at=clock + BATCH_INTERVAL,
            actor_id=None,
        )
        changes["job_id"] = job.id
    else:
        changes |= {"status": CampaignStatus.SENT.value, "finished_at": clock}
    writes.update(session, campaign, changes, actor_id=None)
    return queued


@jobs.job(CAMPAIGN_SEND)
def campaign_send_job(session: Session, ctx: jobs.JobContext) -> None:
    """Queue the next batch of a campaign's mails (see the module rules)."""
    send_batch(session, int(ctx.payload.get("campaign_id") or 0))
