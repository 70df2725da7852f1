"""Moving a card on the pipeline board: a drop, the move-to-stage dialog and the
lost-reason dialog a move to a lost stage waits on.

A mixin of ``PipelineState`` (which supplies ``columns``, ``_shown`` and ``_reload``). Moves
take ids from the browser and re-read the deal: the caller must be allowed to edit it
(``can_edit_deal``) and the target must be a column of the board on screen.
"""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import deals, i18n
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can_edit_deal

from .guard import caller, guarded
from .pipeline_views import CANNOT_EDIT, GONE, MAX_SHOWN, PAGE, ColumnView


class PipelineMovesMixin(rx.State, mixin=True):
    # the move-to-stage dialog
    move_open: bool = False
    move_deal_id: str = ""
    move_title: str = ""
    move_stage_id: str = ""
    # the lost-reason dialog (a move waiting for its reason)
    lost_open: bool = False
    lost_title: str = ""
    lost_stage_name: str = ""
    lost_error: str = ""
    lost_reasons: list[list[str]] = []
    _pending: dict[str, int] = {}  # the move behind the lost dialog: deal, stage, index

    def _index(self, stage_id: str, deal_id: str, over: str | None, after: bool) -> int | None:
        """Where a card dropped on ``over`` (a card id) lands, counted without the moved card;
        dropped on the column itself: at the bottom when the whole column is loaded, else on
        top (so it stays in sight). None when it was dropped on itself."""
        column = self._column(stage_id)
        if column is None or over == deal_id:
            return None
        rest = [c.id for c in column.cards if c.id != deal_id]
        if over in rest:
            return rest.index(over) + (1 if after else 0)
        return 0 if column.has_more else len(rest)

    def _move(self, deal_id: int, stage_id: int, index: int | None, reason="", note=""):
        """Apply one move; returns a toast for a refusal, None when it was done."""
        me = caller()
        try:
            with session_scope() as session:
                deal = deals.get_deal(session, deal_id)
                if not can_edit_deal(me.role, me.id, deal.owner_id):
                    return rx.toast.error(self._t(CANNOT_EDIT))
                from_id = str(deal.stage_id)
                deals.move_deal(
                    session,
                    deal_id,
                    stage_id,
                    actor_id=me.id,
                    position=index,
                    lost_reason=reason or None,
                    lost_note=note or None,
                )
        except NotFound:
            self._reload()
            return rx.toast.error(self._t(GONE))
        target = str(stage_id)
        if index is not None and index >= self._shown.get(target, PAGE):
            self._shown = {**self._shown, target: min(index + 1, MAX_SHOWN)}  # keep it in sight
        self._reload({from_id, target})
        return None

    def _column(self, stage_id: str) -> ColumnView | None:
        return next((c for c in self.columns if c.stage_id == stage_id), None)

    def _request_move(self, deal_id: str, stage_id: str, index: int | None):
        """A move asked for by a drop or the move dialog: lost stages ask for the reason."""
        column = self._column(stage_id)
        if column is None or not deal_id.isdigit():
            return None
        if column.kind == "lost":
            with session_scope() as session:
                try:
                    deal = deals.get_deal(session, int(deal_id))
                except NotFound:
                    return rx.toast.error(self._t(GONE))
                if deal.stage_id == int(stage_id):
                    return None
                if not can_edit_deal(caller().role, caller().id, deal.owner_id):
                    return rx.toast.error(self._t(CANNOT_EDIT))
                title = deal.title
            self._pending = {"deal": int(deal_id), "stage": int(stage_id), "index": index or 0}
            self.lost_title, self.lost_stage_name = title, column.name
            self.lost_error, self.lost_open = "", True
            return None
        return self._move(int(deal_id), int(stage_id), index)

    @guarded(Perm.DEALS_WRITE_OWN)
    def drop(self, payload: dict):
        """The board's one drop handler (the page's monitor): card → column or card."""
        payload = payload if isinstance(payload, dict) else {}
        source = payload.get("source") or {}
        targets = [t for t in (payload.get("dropTargets") or []) if isinstance(t, dict)]
        deal_id = str(source.get("dealId", ""))
        card = next((t for t in targets if t.get("kind") == "card"), None)
        column = next((t for t in targets if t.get("kind") == "column"), None)
        if column is None or not deal_id.isdigit():
            return None  # dropped outside the board
        stage_id = str(column.get("stageId", ""))
        over = str(card.get("dealId", "")) if card else None
        index = self._index(
            stage_id, deal_id, over, card is not None and card.get("closestEdge") == "bottom"
        )
        if index is None:
            return None
        return self._request_move(deal_id, stage_id, index)

    @guarded(Perm.DEALS_WRITE_OWN)
    def open_move(self, deal_id: str):
        deal_id = str(deal_id)
        for column in self.columns:
            for card in column.cards:
                if card.id == deal_id:
                    self.move_deal_id, self.move_title = deal_id, card.title
                    self.move_stage_id, self.move_open = column.stage_id, True
                    return

    @guarded()
    def set_move_open(self, value: bool):
        self.move_open = bool(value)

    @guarded(Perm.DEALS_WRITE_OWN)
    def move_to(self, stage_id: str):
        """The move-to-stage dialog's choice: the deal goes on top of that column."""
        self.move_open = False
        stage_id = str(stage_id)
        if stage_id == self.move_stage_id:
            return None
        return self._request_move(self.move_deal_id, stage_id, 0)

    @guarded(Perm.DEALS_WRITE_OWN)
    def confirm_lost(self, form: dict):
        pending = self._pending
        if not pending:
            self.lost_open = False
            return None
        reason = str(form.get("lost_reason", ""))[:60]
        note = str(form.get("lost_note", ""))[:1000]
        try:
            refusal = self._move(pending["deal"], pending["stage"], pending["index"], reason, note)
        except ValidationError as exc:
            self.lost_error = self._t(next(iter(exc.errors.values()), ""))
            return None
        self._pending, self.lost_open = {}, False
        if refusal is not None:
            return refusal
        return rx.toast.success(
            i18n.format_message(
                N_("“{title}” moved to {stage}."),
                self.locale,
                title=self.lost_title,
                stage=self.lost_stage_name,
            )
        )

    @guarded()
    def set_lost_open(self, value: bool):
        """Closing the dialog (Cancel, Esc) drops the pending move: the deal stays put."""
        self.lost_open = bool(value)
        if not self.lost_open:
            self._pending, self.lost_error = {}, ""
