"""Settings → Pipelines (admins): pipelines, their ordered stages, probabilities, won/lost.

One list state and two form states (pipeline, stage) that each serve add and edit. A refused
action (a stage that still holds deals, the last won stage) is shown beside its row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import reflex as rx
from babel.numbers import format_percent
from sqlmodel import Session

from crm_app.db import session_scope
from crm_app.services import i18n, pipelines
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can
from crm_app.services.pipelines import StageHasDeals, StageSpec

from .base import AppState
from .guard import caller, guarded

KIND_LABELS = {"open": N_("Open"), "won": N_("Won"), "lost": N_("Lost")}
GONE = N_("That record no longer exists.")


@dataclasses.dataclass
class PipelineView:
    id: int
    name: str
    is_default: bool
    archived: bool
    stages_label: str
    deals_label: str


@dataclasses.dataclass
class StageView:
    id: int
    number: str
    name: str
    percent: int
    probability: str
    kind: str
    kind_label: str
    deals_label: str
    archived: bool
    first: bool
    last: bool


def _kind(is_won: bool, is_lost: bool) -> str:
    return "won" if is_won else "lost" if is_lost else "open"


class PipelinesAdminState(AppState):
    pipelines: list[PipelineView] = []
    stages: list[StageView] = []
    selected_id: int = 0
    selected_name: str = ""
    selected_archived: bool = False
    # "stage-<id>" / "pipeline-<id>" → why the last action on that row was refused.
    notes: dict[str, str] = {}
    # Read out by screen readers after a reorder (focus stays on the moved stage's button).
    announcement: str = ""

    def _reload(self) -> None:
        loc = self.locale
        n = i18n.ngettext
        with session_scope() as session:
            rows = pipelines.list_pipelines(session, include_archived=True)
        if rows and self.selected_id not in {p.id for p in rows}:
            first = next((p for p in rows if p.is_default), None) or rows[0]
            self.selected_id = first.id
        self.pipelines = [
            PipelineView(
                id=p.id,
                name=p.name,
                is_default=p.is_default,
                archived=p.archived,
                stages_label=n(
                    "{n} stage", "{n} stages", len([s for s in p.stages if not s.archived]), loc
                ),
                deals_label=n("{n} deal", "{n} deals", sum(s.deals for s in p.stages), loc),
            )
            for p in rows
        ]
        chosen = next((p for p in rows if p.id == self.selected_id), None)
        self.selected_name = chosen.name if chosen else ""
        self.selected_archived = bool(chosen and chosen.archived)
        stages = sorted(chosen.stages, key=lambda s: (s.archived, s.position)) if chosen else []
        active = [s for s in stages if not s.archived]
        self.stages = [
            StageView(
                id=s.id,
                number=i18n.localize_digits(str(i + 1), loc) if not s.archived else "",
                name=s.name,
                percent=s.probability,
                probability=i18n.localize_digits(
                    format_percent(s.probability / 100, locale=loc), loc
                ),
                kind=_kind(s.is_won, s.is_lost),
                kind_label=self._t(KIND_LABELS[_kind(s.is_won, s.is_lost)]),
                deals_label=n("{n} deal", "{n} deals", s.deals, loc),
                archived=s.archived,
                first=bool(active) and s.id == active[0].id,
                last=bool(active) and s.id == active[-1].id,
            )
            for i, s in enumerate(stages)
        ]

    def _refusal(self, exc: Exception) -> str:
        if isinstance(exc, StageHasDeals):
            return i18n.ngettext(*exc.plural, exc.count, self.locale)
        if isinstance(exc, ValidationError):
            return self._t(next(iter(exc.errors.values())))
        return self._t(GONE)

    def _act(self, key: str, action: Callable[[Session], object], success: str = ""):
        """Run one service call; a refusal is shown beside row ``key`` and in a toast."""
        self.notes = {}
        try:
            with session_scope() as session:
                action(session)
        except (ValidationError, NotFound, ValueError) as exc:
            message = self._refusal(exc)
            self.notes = {key: message}
            self._reload()
            return rx.toast.error(message)
        self._reload()
        return rx.toast.success(self._t(success)) if success else None

    @guarded()
    def load_pipelines(self):
        """On page load for everyone; fills the lists only for those who manage settings."""
        if can(caller().role, Perm.SETTINGS_MANAGE):
            self.notes = {}
            self._reload()

    @guarded(Perm.SETTINGS_MANAGE)
    def select_pipeline(self, pipeline_id: int):
        self.selected_id = int(pipeline_id)
        self.notes = {}
        self._reload()

    @guarded(Perm.SETTINGS_MANAGE)
    def make_default(self, pipeline_id: int):
        pid = int(pipeline_id)
        return self._act(
            f"pipeline-{pid}",
            lambda s: pipelines.set_default_pipeline(s, pid, actor_id=caller().id),
            N_("Default pipeline changed. New deals and the board open in it."),
        )

    @guarded(Perm.SETTINGS_MANAGE)
    def set_pipeline_archived(self, pipeline_id: int, archived: bool):
        pid, hide = int(pipeline_id), bool(archived)
        return self._act(
            f"pipeline-{pid}",
            lambda s: pipelines.archive_pipeline(s, pid, actor_id=caller().id, archived=hide),
            N_("Pipeline archived. Its deals stay in reports.")
            if hide
            else N_("Pipeline restored."),
        )

    @guarded(Perm.SETTINGS_MANAGE)
    def set_stage_archived(self, stage_id: int, archived: bool):
        sid, hide = int(stage_id), bool(archived)
        return self._act(
            f"stage-{sid}",
            lambda s: pipelines.archive_stage(s, sid, actor_id=caller().id, archived=hide),
            N_("Stage archived.") if hide else N_("Stage restored."),
        )

    @guarded(Perm.SETTINGS_MANAGE)
    def move_stage(self, stage_id: int, step: int):
        """Swap a stage with its neighbour above (step -1) or below (+1)."""
        sid, step = int(stage_id), (1 if int(step) > 0 else -1)
        moved: list[int] = []

        def swap(session: Session) -> None:
            stage = pipelines.get_stage(session, sid)
            ids = [s.id or 0 for s in pipelines.active_stages(session, stage.pipeline_id)]
            i = ids.index(sid)  # ValueError for an archived stage: nothing to move
            j = i + step
            if 0 <= j < len(ids):
                ids[i], ids[j] = ids[j], ids[i]
                pipelines.reorder_stages(session, stage.pipeline_id, ids, actor_id=caller().id)
                moved.append(j)

        refused = self._act(f"stage-{sid}", swap)
        if refused is not None or not moved:
            return refused
        name = next((s.name for s in self.stages if s.id == sid), "")
        self.announcement = i18n.format_message(
            N_("{stage} is now at position {position}."),
            self.locale,
            stage=name,
            position=i18n.localize_digits(str(moved[0] + 1), self.locale),
        )
        # The rows re-render in their new order: keep the keyboard on the stage that moved.
        first, second = ("up", "down") if step < 0 else ("down", "up")
        return rx.call_script(
            "setTimeout(() => { const a = document.getElementById('stage-"
            f"{first}-{sid}'), b = document.getElementById('stage-{second}-{sid}'); "
            "((a && !a.disabled) ? a : b)?.focus(); }, 60)"
        )


class PipelineFormState(PipelinesAdminState):
    """The one pipeline form: a new pipeline (with the default stages) or a new name."""

    open: bool = False
    form_key: int = 0
    editing_id: int = 0
    values: dict[str, str] = {}
    errors: dict[str, str] = {}

    def _show(self, pipeline_id: int, name: str) -> None:
        self.editing_id, self.values, self.errors = pipeline_id, {"name": name}, {}
        self.form_key += 1
        self.open = True

    @guarded(Perm.SETTINGS_MANAGE)
    def open_new(self):
        self._show(0, "")

    @guarded(Perm.SETTINGS_MANAGE)
    def open_rename(self, pipeline_id: int):
        try:
            with session_scope() as session:
                name = pipelines.get_pipeline(session, int(pipeline_id)).name
        except (NotFound, ValueError):
            return rx.toast.error(self._t(GONE))
        self._show(int(pipeline_id), name)
        return None

    @guarded(Perm.SETTINGS_MANAGE)
    def set_open(self, value: bool):
        self.open = bool(value)
        if not self.open:
            self.errors = {}

    @guarded(Perm.SETTINGS_MANAGE)
    def submit(self, form: dict):
        name = str(form.get("name", ""))[:200]
        me = caller()
        try:
            with session_scope() as session:
                if self.editing_id:
                    pipelines.rename_pipeline(session, self.editing_id, name, actor_id=me.id)
                    new_id = self.editing_id
                else:
                    default = str(form.get("is_default", "")).lower() in ("on", "true", "1")
                    created = pipelines.create_pipeline(
                        session, name, actor_id=me.id, is_default=default
                    )
                    new_id = created.id or 0
        except ValidationError as exc:
            self.errors = {
                ("name" if k.startswith("stages") else k): self._t(v) for k, v in exc.errors.items()
            }
            return None
        except NotFound:
            self.open = False
            return rx.toast.error(self._t(GONE))
        added = not self.editing_id
        self.open, self.errors, self.selected_id, self.notes = False, {}, new_id, {}
        self._reload()
        if added:
            return rx.toast.success(
                self._t(N_("Pipeline added with the stages New, Proposal, Won and Lost."))
            )
        return rx.toast.success(self._t(N_("Pipeline renamed.")))


class StageFormState(PipelinesAdminState):
    """The one stage form: add a stage to the chosen pipeline, or rename and re-weight one."""

    open: bool = False
    form_key: int = 0
    editing_id: int = 0
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    kinds: list[list[str]] = []

    def _show(self, stage_id: int, values: dict[str, str]) -> None:
        self.kinds = [[k, self._t(label)] for k, label in KIND_LABELS.items()]
        self.editing_id, self.values, self.errors = stage_id, values, {}
        self.form_key += 1
        self.open = True

    @guarded(Perm.SETTINGS_MANAGE)
    def open_new(self):
        if not self.selected_id:
            return rx.toast.error(self._t(N_("Add a pipeline first.")))
        self._show(0, {"name": "", "probability": "", "kind": "open"})
        return None

    @guarded(Perm.SETTINGS_MANAGE)
    def open_edit(self, stage_id: int):
        try:
            with session_scope() as session:
                s = pipelines.get_stage(session, int(stage_id))
                values = {
                    "name": s.name,
                    "probability": str(s.probability),
                    "kind": _kind(s.is_won, s.is_lost),
                }
        except (NotFound, ValueError):
            return rx.toast.error(self._t(GONE))
        self._show(int(stage_id), values)
        return None

    @guarded(Perm.SETTINGS_MANAGE)
    def set_open(self, value: bool):
        self.open = bool(value)
        if not self.open:
            self.errors = {}

    @guarded(Perm.SETTINGS_MANAGE)
    def submit(self, form: dict):
        name = str(form.get("name", ""))[:200]
        probability = str(form.get("probability", "")).strip().rstrip("%").strip()[:10]
        kind = str(form.get("kind", "open"))
        won, lost = kind == "won", kind == "lost"
        me = caller()
        try:
            with session_scope() as session:
                if self.editing_id:
                    pipelines.update_stage(
                        session,
                        self.editing_id,
                        actor_id=me.id,
                        name=name,
                        probability=probability,
                        is_won=won,
                        is_lost=lost,
                    )
                else:
                    spec = StageSpec(name, probability, is_won=won, is_lost=lost)  # type: ignore[arg-type]
                    pipelines.add_stage(session, self.selected_id, spec, actor_id=me.id)
        except StageHasDeals as exc:
            self.errors = {"kind": i18n.ngettext(*exc.plural, exc.count, self.locale)}
            return None
        except ValidationError as exc:
            keys = {"is_won": "kind", "is_lost": "kind", "stage": "kind"}
            self.errors = {keys.get(k, k): self._t(v) for k, v in exc.errors.items()}
            return None
        except NotFound:
            self.open = False
            return rx.toast.error(self._t(GONE))
        added = not self.editing_id
        self.open, self.errors, self.notes = False, {}, {}
        self._reload()
        return rx.toast.success(self._t(N_("Stage added.") if added else N_("Stage saved.")))
