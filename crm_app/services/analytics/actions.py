"""Next best actions: what to do today, each with the reason and a one-click task.

Rules:
- Stalled deal: an open deal in its stage for more than twice that stage's median time in
  stage (the median over finished stays in the stage's history of the last year; a stage
  needs at least ``MIN_STAYS`` of them to have a median; stays of zero length, moves written
  at one instant by an import, do not count), and for at least a day.
- Overdue customer: customer-360's purchase rule says the usual interval is overdue (×1 or
  ×2 and more); the reason is customer-360's own.
- Ticket about to breach: open, not yet flagged breached, and a due time still unmet that
  falls before now + ``BREACH_HORIZON`` (overdue ones first).
``create_task_for`` re-reads the record and adds the suggested task through
``tasks.editing.create_task`` (due today's end, high priority, linked to the record).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company, Contact, Deal, DealStageChange, Stage, Task, Ticket

from .. import clock, customer360, formatting
from ..errors import NotFound, ValidationError
from ..i18n import N_
from ..tasks.editing import TaskInput, create_task, due_from_local
from .customer_frames import customers_among, purchase_totals
from .customer_health import purchase_reasons_of
from .customers import is_overdue
from .filters import Context
from .sales import deal_scope
from .service import ticket_scope
from .shared import versions
from .sql import epoch, frame

MIN_STAYS = 3
HISTORY_DAYS = 365
BREACH_HORIZON = timedelta(hours=4)
KINDS = ("deal", "customer", "ticket")


@dataclass(frozen=True)
class Action:
    kind: str  # "deal", "customer" or "ticket"
    record_id: int  # deal, contact/company or ticket id
    name: str
    reason: str  # msgid with {placeholders}
    values: dict[str, Any] = field(default_factory=dict)
    task_title: str = ""  # msgid with {name}
    link: str = ""
    company: bool = False  # a customer that is a company (else a contact)
    weight: float = 0.0  # how pressing: larger first


# -- stalled deals -------------------------------------------------------------------------------
# Stage medians per database: (data version, medians). The stays of the last year change only
# when the stage history does (its change counter, ``shared.versions``), so the window query
# over the whole history (the slowest part of the actions at 50k deals) runs again only then,
# or on a new day (the year's start moves).
_MEDIANS: dict[str, tuple[tuple, pd.Series]] = {}


def median_days_in_stage(ctx: Context) -> pd.Series:
    """Median days of finished stays per stage id (stages with enough history only), over
    the stays that began in the year before today (UTC)."""
    url = str(ctx.session.get_bind().url)
    version = (ctx.now.date(), *versions(ctx, ("deal_stage_changes",)))
    cached = _MEDIANS.get(url)
    if cached is not None and cached[0] == version and None not in version:
        return cached[1]
    medians = _median_days_in_stage(ctx)
    _MEDIANS[url] = (version, medians)
    return medians


def _median_days_in_stage(ctx: Context) -> pd.Series:
    s = ctx.session
    today = datetime.combine(ctx.now.date(), datetime.min.time(), tzinfo=ctx.now.tzinfo)
    since = today - timedelta(days=HISTORY_DAYS)
    left_at = sa.func.lead(epoch(s, DealStageChange.changed_at)).over(
        partition_by=DealStageChange.deal_id,
        order_by=(DealStageChange.changed_at, DealStageChange.id),
    )
    stays = (
        sa.select(
            DealStageChange.to_stage_id.label("stage_id"),
            ((left_at - epoch(s, DealStageChange.changed_at)) / 86400.0).label("days"),
        )
        .where(DealStageChange.changed_at >= since)
        .subquery()
    )
    # moves written at one instant (imports) are no stays
    df = frame(
        s,
        sa.select(stays.c.stage_id, stays.c.days).where(stays.c.days > 0),
        ["stage_id", "days"],
    )
    if df.empty:
        return pd.Series(dtype=float)
    g = df.groupby("stage_id")["days"]
    return g.median()[g.count() >= MIN_STAYS]


def stalled_deals(ctx: Context, limit: int = 20) -> list[Action]:
    medians = median_days_in_stage(ctx)
    if medians.empty:
        return []
    s = ctx.session
    # only the stalled deals are read: per stage, in it for more than twice its median and
    # for at least a day
    day = timedelta(days=1)
    stalled = sa.or_(
        *(
            sa.and_(
                Deal.stage_id == int(stage_id),
                Deal.stage_entered_at < ctx.now - 2 * float(median) * day,
                Deal.stage_entered_at <= ctx.now - day,
            )
            for stage_id, median in medians.items()
        )
    )
    df = frame(
        s,
        sa.select(Deal.id, Deal.title, Deal.stage_id, Stage.name, epoch(s, Deal.stage_entered_at))
        .join(Stage, Stage.id == Deal.stage_id)
        .where(~Stage.is_won, ~Stage.is_lost, stalled, *deal_scope(ctx)),
        ["id", "title", "stage_id", "stage", "entered"],
    )
    df["days"] = (ctx.now.timestamp() - pd.to_numeric(df["entered"])) / 86400.0
    df["median"] = df["stage_id"].map(medians)
    df = df.assign(ratio=df["days"] / df["median"].clip(lower=1 / 24))
    df = df.nlargest(limit, "ratio")
    return [
        Action(
            kind="deal",
            record_id=int(r.id),
            name=str(r.title),
            reason=N_("{days} days in {stage}; it usually takes {median} days"),
            values={
                "days": int(r.days),
                "stage": str(r.stage),
                "median": round(float(r.median), 1),
            },
            task_title=N_("Move {name} forward"),
            link=f"/deals/{int(r.id)}",
            weight=float(r.ratio),
        )
        for r in df.itertuples(index=False)
    ]


# -- customers -----------------------------------------------------------------------------------
def overdue_customers(ctx: Context, limit: int = 20) -> list[Action]:
    """Customers (first purchase before the range's end) whose usual purchase interval is
    overdue; only those customers' records are read (names, owner)."""
    totals = purchase_totals(ctx)
    totals = totals[ctx.ended_by(totals["first_purchase"])]
    hits = {
        key: hit
        for key, hit in purchase_reasons_of(ctx, totals.index).items()
        if isinstance(hit, customer360.Reason) and is_overdue(hit)
    }
    if not hits:
        return []
    table = customers_among(ctx, pd.Index(list(hits)))
    out: list[Action] = []
    for key, row in table.iterrows():
        hit = hits[key]
        company = str(key).startswith("co:")
        record_id = int(str(key)[3:])
        overdue = hit.values["days"] / max(1, hit.values["interval"])
        out.append(
            Action(
                kind="customer",
                record_id=record_id,
                name=str(row["name"]),
                reason=hit.message,
                values=dict(hit.values),
                task_title=N_("Call {name} about a new order"),
                link=f"/companies/{record_id}" if company else f"/contacts/{record_id}",
                company=company,
                weight=overdue * max(1.0, float(row["lifetime_value"])) ** 0.5,
            )
        )
    out.sort(key=lambda a: -a.weight)
    return out[:limit]


# -- tickets -------------------------------------------------------------------------------------
def tickets_about_to_breach(ctx: Context, limit: int = 20) -> list[Action]:
    s = ctx.session
    horizon = ctx.now + BREACH_HORIZON
    first_due = sa.and_(
        Ticket.first_response_at.is_(None),
        Ticket.first_response_due_at.is_not(None),
        Ticket.first_response_due_at <= horizon,
    )
    resolve_due = sa.and_(
        Ticket.resolved_at.is_(None),
        Ticket.resolution_due_at.is_not(None),
        Ticket.resolution_due_at <= horizon,
    )
    due = sa.case((first_due, Ticket.first_response_due_at), else_=Ticket.resolution_due_at)
    df = frame(
        s,
        sa.select(Ticket.id, Ticket.subject, sa.case((first_due, 1), else_=0), epoch(s, due))
        .where(
            Ticket.status.not_in(customer360.CLOSED_TICKETS),
            ~Ticket.sla_breached,
            sa.or_(first_due, resolve_due),
            *ticket_scope(ctx),
        )
        .order_by(due)
        .limit(limit),
        ["id", "subject", "first", "due"],
    )
    out = []
    for r in df.itertuples(index=False):
        minutes = round((float(r.due) - ctx.now.timestamp()) / 60)
        what = N_("first response") if r.first else N_("resolution")
        reason = (
            N_("The {what} is overdue by {time}")
            if minutes < 0
            else N_("The {what} is due in {time}")
        )
        out.append(
            Action(
                kind="ticket",
                record_id=int(r.id),
                name=str(r.subject),
                reason=reason,
                # ``time`` in English; the page says it in the reader's language
                values={"what": what, "minutes": abs(minutes), "time": duration_text(abs(minutes))},
                task_title=N_("Answer ticket: {name}"),
                link=f"/tickets/{int(r.id)}",
                weight=-float(r.due),
            )
        )
    return out


def duration_text(minutes: int, locale: str = "en") -> str:
    """How long, in words: "3 hours", "2 weeks"."""
    return formatting.duration(timedelta(minutes=minutes), locale)


def next_best_actions(ctx: Context, limit: int = 10) -> dict[str, list[Action]]:
    """The three lists, each most pressing first."""
    return {
        "deal": stalled_deals(ctx, limit),
        "customer": overdue_customers(ctx, limit),
        "ticket": tickets_about_to_breach(ctx, limit),
    }


# -- one click -----------------------------------------------------------------------------------
def _record_name(session: Session, kind: str, record_id: int, company: bool) -> tuple[str, dict]:
    if kind == "deal":
        deal = session.get(Deal, record_id)
        if deal is not None:
            return deal.title, {
                "deal_id": record_id,
                "contact_id": deal.contact_id,
                "company_id": deal.company_id,
            }
    elif kind == "ticket":
        ticket = session.get(Ticket, record_id)
        if ticket is not None:
            return ticket.subject, {
                "ticket_id": record_id,
                "contact_id": ticket.contact_id,
                "company_id": ticket.company_id,
            }
    elif company:
        row = session.get(Company, record_id)
        if row is not None:
            return row.name, {"company_id": record_id}
    else:
        contact = session.get(Contact, record_id)
        if contact is not None:
            name = f"{contact.first_name} {contact.last_name}".strip()
            return name, {"contact_id": record_id, "company_id": contact.company_id}
    raise NotFound(N_("This record no longer exists."))


TASK_TITLES = {
    "deal": N_("Move {name} forward"),
    "customer": N_("Call {name} about a new order"),
    "ticket": N_("Answer ticket: {name}"),
}


def create_task_for(
    session: Session,
    kind: str,
    record_id: int,
    *,
    company: bool = False,
    actor_id: int | None,
    title: str | None = None,
    time_zone: str | None = None,
    now: datetime | None = None,
) -> Task:
    """The suggested task for an action, assigned to the actor and due at the end of their
    day. ``title`` is the translated title (default: the English one)."""
    if kind not in KINDS:
        raise ValidationError({"kind": N_("Unknown action.")})
    name, links = _record_name(session, kind, record_id, company)
    text = (title or TASK_TITLES[kind]).replace("{name}", name)[:200]
    today = clock.local_today(time_zone, now)
    due = due_from_local(today, datetime.max.time().replace(microsecond=0), time_zone)
    data = TaskInput(
        title=text,
        due_at=due,
        priority="high",
        assignee_id=actor_id,
        **{k: v for k, v in links.items() if v is not None},
    )
    return create_task(session, data, actor_id=actor_id)
