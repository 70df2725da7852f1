"""The import wizard after a dry run or an import: the result shown, the rejected rows to
download, and the last import of a kind, which can be undone.

A mixin of ``ImportState`` (which supplies ``entity``, ``step``, ``file_name``, ``_headers``,
``_allowed`` and ``_reset_wizard``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import downloads, formatting, i18n, importing
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can

from .guard import caller, guarded
from .importer_helpers import (
    DENIED,
    UNDONE,
    problem_rows,
    result_counts,
    substitution_rows,
    summary_text,
)


class ImportResultMixin(rx.State, mixin=True):
    result: dict[str, Any] = {}
    rejected: list[dict[str, str]] = []
    warnings: list[dict[str, str]] = []
    # tickets: status / priority / channel cells that matched nothing, and the value used
    substitutions: list[dict[str, str]] = []
    last_batch: dict[str, str] = {}
    _rejected_full: list[dict[str, Any]] = []

    def _load_last(self) -> None:
        me = caller()
        with session_scope() as session:
            batch = importing.last_import(session, self.entity)
            if batch is None:
                self.last_batch = {}
                return
            summary = batch.summary or {}
            self.last_batch = {
                "id": str(batch.id),
                "file": batch.file_name,
                "when": formatting.when(batch.created_at, me.time_zone, me.locale),
                "summary": self._summary_text(summary),
                "mine": "1" if batch.user_id == me.id else "",
            }

    def _summary_text(self, summary: dict[str, Any]) -> str:
        return summary_text(summary, self.locale)

    def _show_result(self, result: importing.ImportResult) -> None:
        self.result = result_counts(result)
        self._rejected_full = [r.as_dict() | {"values": r.values} for r in result.rejected]
        # name the column of the user's file, not our field name
        column_of = {f: h for h, f in result.mapping.items() if f}
        self.rejected = problem_rows(result.rejected, column_of, self.locale)
        self.warnings = problem_rows(result.warnings, column_of, self.locale)
        self.substitutions = substitution_rows(
            result.extra.get("substitutions", []), column_of, self.locale
        )

    @guarded(Perm.CONTACTS_WRITE)
    def download_rejected(self):
        if not self._rejected_full:
            return None
        me = caller()
        text = importing.rejected_rows_csv(self._headers, self._rejected_full, locale=me.locale)
        stem = Path(self.file_name).stem or "import"
        name = f"{stem} - {i18n.gettext(N_('rejected rows'), me.locale)}.csv"
        download = downloads.prepare(me.id, name)
        download.path.write_text(text, encoding="utf-8-sig")
        return rx.download(url=download.url, filename=download.filename)

    @guarded(Perm.CONTACTS_WRITE)
    def undo_last(self):
        if not self._allowed():
            return rx.toast.error(self._t(DENIED))
        me = caller()
        with session_scope() as session:
            batch = importing.last_import(session, self.entity)
            manager = can(me.role, Perm.USERS_MANAGE) or me.role == "manager"
            if batch is None or not (batch.user_id == me.id or manager):
                return rx.toast.error(
                    self._t(DENIED if batch else N_("There is no import to undo."))
                )
            try:
                undone = importing.undo_last_import(session, self.entity, actor_id=me.id)
            except importing.ImportProblem as exc:
                return rx.toast.error(i18n.format_message(exc.message, self.locale, **exc.values))
        self._load_last()
        if self.step == "done":
            self._reset_wizard()
        return rx.toast.success(
            i18n.format_message(
                UNDONE,
                self.locale,
                removed=i18n.localize_digits(
                    str(undone.removed + undone.companies_removed), self.locale
                ),
                restored=i18n.localize_digits(str(undone.restored), self.locale),
            )
        )
