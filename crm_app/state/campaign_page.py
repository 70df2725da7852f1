"""One campaign (/marketing/campaigns/<id>): status and progress, send now / schedule / test
send / stop, the report and the per-recipient list (status with the reason)."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from crm_app.db import session_scope
from crm_app.models import EmailTemplate, Segment
from crm_app.services import campaigns, clock, formatting, i18n
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm

from .base import AppState
from .campaigns import STATUS_LABELS
from .guard import caller, guarded

PAGE_SIZE = 50
RECIPIENT_STATUS = {
    "pending": N_("Waiting"),
    "queued": N_("Queued"),
    "sent": N_("Sent"),
    "failed": N_("Failed"),
    "skipped": N_("Skipped"),
    "cancelled": N_("Cancelled"),
}
FILTERS = [
    ("all", N_("All")),
    ("sent", N_("Sent")),
    ("failed", N_("Failed")),
    ("skipped", N_("Skipped")),
    ("opened", N_("Opened")),
    ("clicked", N_("Clicked")),
    ("unsubscribed", N_("Unsubscribed")),
]


class CampaignPageState(AppState):
    found: bool = True
    campaign_id: int = 0
    name: str = ""
    status: str = ""
    status_label: str = ""
    template: str = ""
    segment: str = ""
    schedule_text: str = ""
    sent_label: str = ""
    progress: int = 0  # percent of the recipients done (handed over, left out or cancelled)
    live: bool = False  # batches or mails still to go: the page polls
    progress_text: str = ""
    report: list[list[str]] = []  # [label, value, test id, share of the sent mail]
    skipped: list[list[str]] = []  # [reason, count]
    recipients: list[dict[str, str]] = []
    total: int = 0
    offset: int = 0
    filter: str = "all"
    schedule_at: str = ""
    error: str = ""

    def _read(self) -> None:
        me = caller()
        loc, tz = me.locale, me.time_zone
        cid = self.campaign_id
        try:
            with session_scope() as session:
                c = campaigns.get_campaign(session, cid)
                t = session.get(EmailTemplate, c.template_id) if c.template_id else None
                s = session.get(Segment, c.segment_id) if c.segment_id else None
                rep = campaigns.campaign_report(session, cid)
                rows, total = campaigns.recipients(
                    session, cid, status=self.filter, offset=self.offset, limit=PAGE_SIZE
                )
        except NotFound:
            self.found = False
            return
        self.found = True
        self.name, self.status = c.name, c.status
        self.status_label = self._t(STATUS_LABELS.get(c.status, c.status))
        self.template = t.name if t else ""
        self.segment = s.name if s else ""
        self.sent_label = self._t(N_("Sent at") if c.status == "sent" else N_("Send at"))
        self.schedule_text = (
            formatting.when(c.scheduled_at, tz, loc) if c.scheduled_at is not None else ""
        )
        n = formatting.number
        # Done: every recipient handed over, left out or cancelled (none waiting for a batch).
        done = rep.audience - rep.pending
        self.progress = round(100 * done / rep.audience) if rep.audience else 0
        reachable = rep.audience - sum(rep.skipped.values())
        self.progress_text = i18n.format_message(
            N_("{done} of {total} handed to the mail server"),
            loc,
            done=n(c.queued_count, loc),
            total=n(reachable, loc),
        )

        def share(value: int, key: str) -> str:
            if key not in ("opened", "clicked", "unsubscribed") or not rep.sent:
                return ""
            return i18n.format_message(
                N_("{percent} of sent"), loc, percent=f"{round(100 * value / rep.sent)}%"
            )

        self.report = [
            [self._t(label), n(value, loc), key, share(value, key)]
            for label, value, key in (
                (N_("Audience"), rep.audience, "audience"),
                (N_("Sent"), rep.sent, "sent"),
                (N_("Failed"), rep.failed, "failed"),
                (N_("Opened"), rep.opened, "opened"),
                (N_("Clicked"), rep.clicked, "clicked"),
                (N_("Unsubscribed"), rep.unsubscribed, "unsubscribed"),
                (N_("Deals created afterwards"), rep.deals_created, "deals"),
            )
        ]
        self.live = c.status in ("scheduled", "sending") or rep.pending > 0 or rep.queued > 0
        self.skipped = [[self._t(r), n(k, loc)] for r, k in rep.skipped.items()]
        self.total = total
        self.recipients = [
            {
                "id": str(r.id),
                "contact_id": str(r.contact_id or ""),
                "name": r.name,
                "email": r.email,
                "status": r.status,
                "status_label": self._t(RECIPIENT_STATUS.get(r.status, r.status)),
                "reason": self._t(r.reason) if r.reason else "",
                "opened": "✓" if r.opened else "",
                "clicked": "✓" if r.clicked else "",
            }
            for r in rows
        ]

    @guarded(Perm.MARKETING)
    def load(self):
        raw = str(self.router.page.params.get("campaign_id", ""))
        self.campaign_id = int(raw) if raw.isdigit() else 0
        self.offset, self.filter, self.error, self.schedule_at = 0, "all", "", ""
        self._read()

    @guarded(Perm.MARKETING)
    def refresh(self):
        self._read()

    @guarded(Perm.MARKETING)
    def tick(self, _now: str = ""):
        """While batches or mails are still to go, the page re-reads the progress."""
        if self.live:
            self._read()

    @guarded(Perm.MARKETING)
    def set_filter(self, value: str):
        self.filter = value if value in dict(FILTERS) else "all"
        self.offset = 0
        self._read()

    @guarded(Perm.MARKETING)
    def page(self, delta: int):
        self.offset = max(0, min(self.offset + int(delta) * PAGE_SIZE, max(self.total - 1, 0)))
        self._read()

    @guarded(Perm.MARKETING)
    def set_schedule_at(self, value: str):
        self.schedule_at = str(value or "")[:20]

    def _act(self, fn, success: str):
        me = caller()
        try:
            with session_scope() as session:
                fn(session, me)
        except ValidationError as exc:
            self.error = self._t(next(iter(exc.errors.values())))
            return rx.toast.error(self.error)
        except NotFound as exc:
            self.error = self._t(str(exc))
            return rx.toast.error(self.error)
        self.error = ""
        self._read()
        return rx.toast.success(self._t(success))

    @guarded(Perm.MARKETING)
    def send_now(self):
        return self._act(
            lambda s, me: campaigns.schedule(s, self.campaign_id, at=None, actor_id=me.id),
            N_("Sending started."),
        )

    @guarded(Perm.MARKETING)
    def schedule(self):
        me = caller()
        try:
            local = datetime.fromisoformat(self.schedule_at)
        except ValueError:
            self.error = self._t(N_("Enter a valid date and time."))
            return rx.toast.error(self.error)
        at = local.replace(tzinfo=clock.zone(me.time_zone))
        return self._act(
            lambda s, me: campaigns.schedule(s, self.campaign_id, at=at, actor_id=me.id),
            N_("Campaign scheduled."),
        )

    @guarded(Perm.MARKETING)
    def cancel(self):
        return self._act(
            lambda s, me: campaigns.cancel(s, self.campaign_id, actor_id=me.id),
            N_("Campaign stopped."),
        )

    @guarded(Perm.MARKETING)
    def test_send(self):
        def send(session, me):
            c = campaigns.get_campaign(session, self.campaign_id)
            if c.template_id is None:
                raise ValidationError({"form": N_("Choose a template.")})
            sample = campaigns.audience.sample_contact(session, c.segment_id)
            campaigns.test_send(
                session, template_id=c.template_id, to=me.email, contact_id=sample, actor_id=me.id
            )

        return self._act(send, N_("A test was sent to your address."))
