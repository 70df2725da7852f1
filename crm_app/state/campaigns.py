"""The Campaigns tab of /marketing: the list and the editor (name, template, segment with its
live audience, throttle). One editor serves "new" and "edit" (drafts only)."""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import campaigns, formatting, i18n, segments
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm

from .base import AppState
from .guard import caller, guarded

FIELDS = ("name", "template_id", "segment_id", "throttle_per_minute")
STATUS_LABELS = {
    "draft": N_("Draft"),
    "scheduled": N_("Scheduled"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "cancelled": N_("Cancelled"),
}


def audience_text(summary: campaigns.AudienceSummary, loc: str) -> str:
    """ "120 will get it · 14 left out (No e-mail consent 9, No e-mail address 5)"."""
    text = i18n.ngettext("{n} will get it", "{n} will get it", summary.reachable, loc)
    left = sum(summary.excluded.values())
    if left:
        parts = ", ".join(
            f"{i18n.gettext(r, loc)} {i18n.localize_digits(str(n), loc)}"
            for r, n in summary.excluded.items()
        )
        text += " · " + i18n.ngettext("{n} left out", "{n} left out", left, loc) + f" ({parts})"
    return text


class CampaignsState(AppState):
    tab: str = "campaigns"
    rows: list[dict[str, str]] = []
    open: bool = False
    editing_id: int = 0
    form_key: int = 0
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    templates: list[list[str]] = []
    segments: list[list[str]] = []
    audience: str = ""

    def _load_rows(self) -> None:
        me = caller()
        with session_scope() as session:
            found = campaigns.list_campaigns(session)
        self.rows = [
            {
                "id": str(c.id),
                "name": c.name,
                "status": c.status,
                "status_label": self._t(STATUS_LABELS.get(c.status, c.status)),
                "template": c.template,
                "segment": c.segment,
                "audience": formatting.number(c.audience, me.locale) if c.audience else "",
                "queued": formatting.number(c.queued, me.locale) if c.audience else "",
                "created": formatting.day(c.created_at, me.time_zone, me.locale),
            }
            for c in found
        ]

    @guarded(Perm.MARKETING)
    def load(self):
        self._load_rows()

    @guarded(Perm.MARKETING)
    def set_tab(self, value: str):
        self.tab = value if value in ("campaigns", "templates") else "campaigns"

    def _choices(self) -> None:
        me = caller()
        with session_scope() as session:
            self.templates = [[str(t.id), t.name] for t in campaigns.list_templates(session)]
            self.segments = [
                [str(s.id), s.name]
                for s in segments.visible_segments(session, me.id)
                if s.entity == "contact"
            ]

    def _count(self) -> None:
        segment = self.values.get("segment_id", "")
        if not segment.isdigit():
            self.audience = ""
            return
        try:
            with session_scope() as session:
                summary = campaigns.summary(session, int(segment))
        except (NotFound, ValidationError):
            self.audience = ""
            return
        self.audience = audience_text(summary, self.locale)

    def _open_with(self, values: dict[str, str], campaign_id: int) -> None:
        self._choices()
        self.values = values
        self.editing_id = campaign_id
        self.errors = {}
        self._count()
        self.form_key += 1
        self.open = True

    @guarded(Perm.MARKETING)
    def new_campaign(self):
        self._open_with({"throttle_per_minute": "60"}, 0)

    @guarded(Perm.MARKETING)
    def edit_campaign(self, campaign_id: str):
        try:
            with session_scope() as session:
                c = campaigns.get_campaign(session, int(campaign_id))
                values = {
                    "name": c.name,
                    "template_id": str(c.template_id or ""),
                    "segment_id": str(c.segment_id or ""),
                    "throttle_per_minute": str(c.throttle_per_minute),
                }
        except (NotFound, ValueError):
            return rx.toast.error(self._t(N_("This campaign no longer exists.")))
        self._open_with(values, int(campaign_id))
        return None

    @guarded(Perm.MARKETING)
    def set_open(self, value: bool):
        self.open = bool(value)

    @guarded(Perm.MARKETING)
    def choose_segment(self, segment_id: str):
        """The segment changed: show its live audience."""
        self.values = {**self.values, "segment_id": str(segment_id or "")[:20]}
        self._count()

    @guarded(Perm.MARKETING)
    def submit(self, form: dict):
        values = {k: str(form.get(k, "") or "")[:200] for k in FIELDS}
        values = {k: "" if v == "__none__" else v for k, v in values.items()}
        self.values = values
        me = caller()
        try:
            with session_scope() as session:
                if self.editing_id:
                    campaigns.update_campaign(session, self.editing_id, actor_id=me.id, **values)
                    campaign_id = self.editing_id
                else:
                    campaign_id = campaigns.create_campaign(session, actor_id=me.id, **values).id
        except ValidationError as exc:
            self.errors = {k: self._t(v) for k, v in exc.errors.items()}
            return None
        except NotFound as exc:
            self.errors = {"name": self._t(str(exc))}
            return None
        self.errors = {}
        self.open = False
        return rx.redirect(f"/marketing/campaigns/{campaign_id}")
