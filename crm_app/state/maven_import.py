"""Importing a Maven CRM dataset from the browser: upload the CSV files (or a .zip) → import.

The same service as ``rapport import maven DIR`` runs on a private folder (never Reflex's
public upload folder) that holds the upload until the import ends or an hour has passed; only
its path is in the state, as a backend-only var. The import runs in a worker thread so the
step it is on can show. Only an administrator may run it: it creates user accounts for the
dataset's sales agents (and companies, products and deals).
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import reflex as rx

from crm_app import settings
from crm_app.db import session_scope
from crm_app.services import formatting, i18n, maven
from crm_app.services.errors import ValidationError
from crm_app.services.i18n import N_, NP_
from crm_app.services.maven import upload
from crm_app.services.permissions import Perm, can

from .base import AppState
from .guard import caller, guarded

KEEP_S = 3600
KINDS = {
    "companies": N_("Companies"),
    "users": N_("Users"),
    "products": N_("Products"),
    "deals": N_("Deals"),
    "orders": N_("Orders"),
}
RECONCILED = {"product": N_("Product"), "sector": N_("Sector"), "country": N_("Country")}
ROWS = NP_("{n} row", "{n} rows")
NO_FILES = N_("Choose the dataset's CSV files or a .zip of them first.")
DENIED = N_("Your role does not allow this.")


def _parent() -> Path:
    """Upload folders wait here for an hour at most."""
    path = settings.DATA_DIR / "imports" / "maven"
    path.mkdir(parents=True, exist_ok=True)
    upload.purge_older(path, KEEP_S)
    return path


def _allowed(role: str) -> bool:
    # it creates users (USERS_MANAGE) and updates anyone's deal (DEALS_WRITE_ANY)
    return can(role, Perm.USERS_MANAGE) and can(role, Perm.DEALS_WRITE_ANY)


class MavenImportState(AppState):
    # the dataset files found in the upload and the uploaded names that are not the dataset's
    files: list[str] = []
    ignored: list[str] = []
    # "accounts.csv: This file is missing from the upload." lines, in the reader's language
    errors: list[str] = []
    busy: bool = False
    step_label: str = ""
    progress: int = 0
    # one row per kind: kind, created, updated, unchanged (localized text)
    counts: list[dict[str, str]] = []
    reconciled: list[dict[str, str]] = []
    notes: list[dict[str, str]] = []
    deals_by_stage: str = ""
    pipeline_id: str = ""
    _dir: str = ""

    def _clear(self) -> None:
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
        self.files, self.ignored, self.errors = [], [], []
        self.busy, self.step_label, self.progress = False, "", 0
        self.counts, self.reconciled, self.notes = [], [], []
        self.deals_by_stage, self.pipeline_id, self._dir = "", "", ""

    @rx.var
    def can_import_maven(self) -> bool:
        return bool(self.user_role) and _allowed(self.user_role)

    @rx.var
    def finished(self) -> bool:
        return len(self.counts) > 0

    @guarded()
    def load(self):
        self._clear()

    @guarded(Perm.USERS_MANAGE)
    def start_over(self):
        self._clear()

    def _show_errors(self, exc: ValidationError) -> None:
        self.errors = [
            f"{name}: {self._t(message)}" if name else self._t(message)
            for name, message in exc.errors.items()
        ]

    @guarded(Perm.USERS_MANAGE)
    async def handle_upload(self, files: list[rx.UploadFile]):
        if not _allowed(caller().role):
            return rx.toast.error(self._t(DENIED))
        self._clear()
        if not files:
            self.errors = [self._t(NO_FILES)]
            return None
        received = []
        for item in files:
            name = Path(item.name or item.filename or "").name
            received.append((name, await item.read()))
        folder = _parent() / secrets.token_urlsafe(18)
        try:
            found = upload.unpack(received, folder)
        except ValidationError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            self._show_errors(exc)
            return None
        self._dir, self.files, self.ignored = str(folder), found.found, found.ignored
        return None

    @guarded(Perm.USERS_MANAGE)
    async def run(self):
        me = caller()
        if not _allowed(me.role) or not self._dir or not Path(self._dir).is_dir():
            yield rx.toast.error(self._t(DENIED if _allowed(me.role) else NO_FILES))
            return
        folder = self._dir
        at = {"index": 0, "step": maven.STEPS[0]}
        lock = threading.Lock()

        def progress(index: int, step: str) -> None:
            with lock:
                at["index"], at["step"] = index, step

        def work() -> maven.MavenSummary:
            with session_scope() as session:
                return maven.import_maven(session, folder, actor_id=me.id, progress=progress)

        self.busy, self.errors, self.progress = True, [], 0
        self.step_label = self._t(maven.STEPS[0])
        yield
        task = asyncio.ensure_future(asyncio.to_thread(work))
        while not task.done():
            await asyncio.sleep(0.25)
            with lock:
                self.progress = int(100 * at["index"] / len(maven.STEPS))
                self.step_label = self._t(at["step"])
            yield
        shutil.rmtree(folder, ignore_errors=True)
        self._dir, self.files, self.busy = "", [], False
        try:
            summary = task.result()
        except ValidationError as exc:
            self._show_errors(exc)
            return
        self.progress = 100
        self._show(summary)
        yield rx.toast.success(self._t(N_("The Maven dataset is imported.")))

    def _n(self, value: int) -> str:
        return formatting.number(value, self.locale)

    def _show(self, summary: maven.MavenSummary) -> None:
        self.counts = [
            {
                "kind": self._t(label),
                "created": self._n(getattr(summary, key).created),
                "updated": self._n(getattr(summary, key).updated),
                "unchanged": self._n(getattr(summary, key).unchanged),
            }
            for key, label in KINDS.items()
        ]
        self.reconciled = [
            {
                "kind": self._t(RECONCILED.get(r["kind"], r["kind"])),
                "from": str(r["from"]),
                "to": str(r["to"]),
                "rows": i18n.ngettext(*ROWS, int(r["rows"]), self.locale),
            }
            for r in summary.reconciliations
        ]
        self.notes = _grouped_notes(summary, self.locale)
        self.deals_by_stage = " · ".join(
            f"{stage} {self._n(n)}" for stage, n in summary.deals_by_stage.items()
        )
        self.pipeline_id = str(summary.pipeline_id or "")


def _grouped_notes(summary: maven.MavenSummary, locale: str) -> list[dict[str, str]]:
    """The import's problems, one line per file and message, with how many rows and an example."""
    counted: Counter[tuple[str, str]] = Counter()
    example: dict[tuple[str, str], Any] = {}
    for p in summary.problems:
        key = (p.file, p.message)
        counted[key] += 1
        example.setdefault(key, p.value)
    return [
        {
            "file": file,
            "message": i18n.gettext(message, locale),
            "rows": formatting.number(n, locale),
            "example": str(example[(file, message)] or ""),
        }
        for (file, message), n in counted.most_common(50)
    ]
