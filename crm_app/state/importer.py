"""Import wizard for contacts, companies, deals and tickets: upload → preview and mapping →
dry run → import. What differs per kind of record is in ``importer_helpers.KINDS``.

The uploaded file is kept in a private folder (never Reflex's public upload folder) under a
random name until it is imported or an hour has passed; only its path is in the state, as a
backend-only var. The import runs in a worker thread so the progress bar can move.

The result, the rejected rows' download and undoing the last import are in the mixin
``importer_result``; constants and pure helpers in ``importer_helpers``.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from pathlib import Path

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import i18n, importing
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can

from .base import AppState
from .guard import caller, guarded
from .importer_helpers import (
    CREATE,
    DENIED,
    ENTITIES,
    MAX_BYTES,
    NO_FILE,
    SKIP,
    TOO_BIG,
    chosen_mapping,
    column_samples,
    has_custom_fields,
    perm_for,
    upload_folder,
)
from .importer_result import ImportResultMixin


class ImportState(ImportResultMixin, AppState):
    entity: str = "contact"
    step: str = "upload"
    file_name: str = ""
    row_count: int = 0
    # one entry per column: header, a few sample cells, and the field it goes to
    columns: list[dict[str, str]] = []
    mapping: dict[str, str] = {}
    field_options: list[list[str]] = []
    # date columns whose order the file cannot tell: column → "" until chosen
    ambiguous: dict[str, str] = {}
    date_samples: dict[str, str] = {}
    problem: str = ""
    busy: bool = False
    progress: int = 0
    # deals only: the pipeline the rows go to (a "Pipeline" column overrides it per row)
    pipeline: str = ""
    pipelines: list[list[str]] = []
    _path: str = ""
    _headers: list[str] = []

    # -- opening -------------------------------------------------------------------------
    def _open(self, entity: str) -> None:
        self.entity = entity
        self._reset_wizard()
        self._load_last()

    def _reset_wizard(self) -> None:
        if self._path:
            Path(self._path).unlink(missing_ok=True)
        self.step, self.file_name, self.row_count = "upload", "", 0
        self.columns, self.mapping, self.ambiguous, self.date_samples = [], {}, {}, {}
        self.problem, self.busy, self.progress = "", False, 0
        self.result, self.rejected, self.warnings, self.substitutions = {}, [], [], []
        self._path, self._rejected_full, self._headers = "", [], []

    @guarded()
    def load_contacts(self):
        self._open("contact")

    @guarded()
    def load_companies(self):
        self._open("company")

    @guarded()
    def load_deals(self):
        self._open("deal")
        from crm_app.services import pipelines

        with session_scope() as session:
            rows = pipelines.list_pipelines(session)
        self.pipelines = [[str(p.id), p.name] for p in rows]
        default = next(
            (p for p in rows if getattr(p, "is_default", False)), rows[0] if rows else None
        )
        self.pipeline = str(default.id) if default is not None else ""

    @guarded()
    def load_tickets(self):
        self._open("ticket")

    @guarded(Perm.DEALS_WRITE_ANY)
    def set_pipeline(self, value: str):
        if any(p[0] == str(value) for p in self.pipelines):
            self.pipeline = str(value)
            if self.step == "checked":
                self.step = "map"

    def _pipeline(self) -> int | None:
        return int(self.pipeline) if self.entity == "deal" and self.pipeline.isdigit() else None

    @rx.var
    def can_import(self) -> bool:
        return bool(self.user_role) and can(self.user_role, perm_for(self.entity))

    @rx.var
    def can_create_fields(self) -> bool:
        return (
            has_custom_fields(self.entity)
            and bool(self.user_role)
            and can(self.user_role, Perm.SETTINGS_MANAGE)
        )

    @rx.var
    def ready(self) -> bool:
        """Every ambiguous date column has an order."""
        return all(self.ambiguous.values())

    def _allowed(self) -> bool:
        return self.entity in ENTITIES and can(caller().role, perm_for(self.entity))

    # -- upload and analysis ---------------------------------------------------------------
    @guarded(Perm.CONTACTS_WRITE)
    async def handle_upload(self, files: list[rx.UploadFile]):
        if not self._allowed():
            return rx.toast.error(self._t(DENIED))
        if not files:
            self.problem = self._t(NO_FILE)
            return None
        upload = files[0]
        data = await upload.read()
        name = Path(upload.name or upload.filename or "import.csv").name
        self._reset_wizard()
        if len(data) > MAX_BYTES:
            self.problem = self._t(TOO_BIG)
            return None
        try:
            table = importing.read_table(data, name)
        except importing.ImportProblem as exc:
            self.problem = i18n.format_message(exc.message, self.locale, **exc.values)
            return None
        path = upload_folder() / f"{secrets.token_urlsafe(24)}{Path(name).suffix.lower()[:6]}"
        path.write_bytes(data)
        self._path, self.file_name, self._headers = str(path), name, list(table.headers)
        self.row_count = len(table.rows)
        self._analyse(table, None)
        self.step = "map"
        return None

    def _table(self) -> importing.Table:
        return importing.read_table(Path(self._path).read_bytes(), self.file_name)

    def _analyse(self, table: importing.Table, mapping: dict[str, str] | None) -> None:
        me = caller()
        with session_scope() as session:
            found = importing.analyse(
                session,
                self.entity,
                table,
                mapping=mapping,
                date_formats={c: o for c, o in self.ambiguous.items() if o},
            )
        self.mapping = {h: f or SKIP for h, f in found.mapping.items()}
        self.columns = column_samples(table)
        options = [[name, i18n.gettext(label, me.locale)] for name, label in found.choices]
        if self.can_create_fields:
            options.append([CREATE, i18n.gettext(N_("New custom field (text)"), me.locale)])
        self.field_options = [[SKIP, i18n.gettext(N_("Don't import"), me.locale)], *options]
        self.ambiguous = {
            d.column: self.ambiguous.get(d.column, "") for d in found.dates if d.ambiguous
        }
        self.date_samples = {d.column: ", ".join(d.samples[:3]) for d in found.dates}

    @guarded(Perm.CONTACTS_WRITE)
    def set_mapping(self, header: str, field: str):
        header, field = str(header), str(field)
        if header not in self.mapping or not self._path:
            return
        if field != SKIP and field != CREATE:
            # one field, one column: the column that had this field gives it up
            self.mapping = {h: (SKIP if f == field else f) for h, f in self.mapping.items()}
        self.mapping = {**self.mapping, header: field}
        self.problem = ""
        if self.step == "checked":
            self.step = "map"
        try:
            self._analyse(self._table(), self._chosen_mapping())
        except importing.ImportProblem as exc:
            self.problem = i18n.format_message(exc.message, self.locale, **exc.values)

    @guarded(Perm.CONTACTS_WRITE)
    def set_date_order(self, column: str, order: str):
        column, order = str(column), str(order)
        if column in self.ambiguous and order in importing.dates.ORDERS:
            self.ambiguous = {**self.ambiguous, column: order}
            if self.step == "checked":
                self.step = "map"

    def _chosen_mapping(self) -> dict[str, str]:
        return chosen_mapping(self.mapping)

    def _create_fields(self) -> list[str]:
        if not has_custom_fields(self.entity) or not can(caller().role, Perm.SETTINGS_MANAGE):
            return []
        return [h for h, f in self.mapping.items() if f == CREATE]

    @guarded(Perm.CONTACTS_WRITE)
    def start_over(self):
        self._reset_wizard()

    # -- dry run and import ------------------------------------------------------------------
    @guarded(Perm.CONTACTS_WRITE)
    def dry_run(self):
        if not self._allowed() or not self._path:
            return rx.toast.error(self._t(DENIED if self._path else NO_FILE))
        me = caller()
        self.problem = ""
        try:
            with session_scope() as session:
                result = importing.run_import(
                    session,
                    self.entity,
                    self._table(),
                    mapping=self._chosen_mapping(),
                    date_formats={c: o for c, o in self.ambiguous.items() if o},
                    create_fields=self._create_fields(),
                    dry_run=True,
                    actor_id=me.id,
                    pipeline=self._pipeline(),
                )
                session.rollback()  # a dry run writes nothing, whatever happens
        except importing.ImportProblem as exc:
            self.problem = i18n.format_message(exc.message, self.locale, **exc.values)
            return None
        self._show_result(result)
        self.step = "checked"
        return None

    @guarded(Perm.CONTACTS_WRITE)
    async def run(self):
        if not self._allowed() or not self._path:
            yield rx.toast.error(self._t(DENIED if self._path else NO_FILE))
            return
        me = caller()
        table = self._table()
        mapping, create = self._chosen_mapping(), self._create_fields()
        formats = {c: o for c, o in self.ambiguous.items() if o}
        done = {"n": 0, "total": max(1, len(table.rows))}
        lock = threading.Lock()

        def progress(n: int, total: int) -> None:
            with lock:
                done["n"], done["total"] = n, max(1, total)

        entity, pipeline = self.entity, self._pipeline()

        def work() -> importing.ImportResult:
            with session_scope() as session:
                return importing.run_import(
                    session,
                    entity,
                    table,
                    mapping=mapping,
                    date_formats=formats,
                    create_fields=create,
                    actor_id=me.id,
                    progress=progress,
                    pipeline=pipeline,
                )

        self.busy, self.progress, self.problem = True, 0, ""
        yield
        task = asyncio.ensure_future(asyncio.to_thread(work))
        while not task.done():
            await asyncio.sleep(0.25)
            with lock:
                self.progress = min(99, int(100 * done["n"] / done["total"]))
            yield
        self.busy = False
        try:
            result = task.result()
        except importing.ImportProblem as exc:
            self.problem = i18n.format_message(exc.message, self.locale, **exc.values)
            return
        self.progress = 100
        self._show_result(result)
        self.step = "done"
        Path(self._path).unlink(missing_ok=True)
        self._path = ""
        self._load_last()
        yield rx.toast.success(self._summary_text(self.result))
