"""One deal's rows read against the database: its pipeline, stage, currency, contact and plain
columns, or the reasons the rows are rejected (the rules are ``deal_import``'s).

Cells as other tools write them: a currency as a code, a name with its code or a symbol; a
contact as "Ann Lee (ann@x.example)", "Ann Lee <ann@…>", an address or a name; a lost reason
as a picklist label or code, else free text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import cache
from typing import Any

from babel.numbers import list_currencies
from sqlmodel import Session

from crm_app.models import Deal, Pipeline, Stage, utcnow

from .. import deal_moves, money
from ..i18n import N_
from .deal_stages import LOST, NO_PIPELINE, OPEN, PIPELINE_ARCHIVED, WON, Stages, status_of
from .external_ids import Item
from .rows import Rejection, RowValues
from .values import email as check_email

NEED_TITLE = N_("Enter a title.")
NO_STAGE = N_("No stage “{stage}” in pipeline “{pipeline}”.")
STAGE_ARCHIVED = N_("The stage “{stage}” of pipeline “{pipeline}” is archived.")
NO_OPEN_STAGE = N_("The pipeline “{pipeline}” has no open stage.")
BAD_STATUS = N_("Enter open, won or lost.")
BAD_CURRENCY = N_("Choose a currency from the list.")
NO_RATE = N_("Add an exchange rate for this currency in Settings first.")
BAD_CONTACT_EMAIL = N_("Enter a valid e-mail address for the contact.")

_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "₪": "ILS", "¥": "JPY", "₹": "INR", "֏": "AMD"}
_EMAIL = re.compile(r"[^\s<>()\[\];,:\"']+@[^\s<>()\[\];,:\"']+\.[^\s<>()\[\];,:\"']+")


@dataclass
class NamedRejection(Rejection):
    """A rejection whose reason names what the row wrote. ``reason`` is the English sentence
    (the JSON, the CLI, the stored batch); ``message`` and ``params`` give it in the reader's
    language through ``i18n.format_message(message, locale, **params)``."""

    message: str = ""
    params: dict[str, str] = field(default_factory=dict)


def reject_rows(rows: list[RowValues], name: str, message: str, **params: str) -> list[Rejection]:
    """Every row of a deal rejected for ``name``; with ``params``, a ``NamedRejection``."""
    if not params:
        return [Rejection(r.row, name, message, r.cells) for r in rows]
    text = message.format(**params)
    return [NamedRejection(r.row, name, text, r.cells, message, dict(params)) for r in rows]


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def currency_code(raw: str) -> str | None:
    """ "eur", "EUR", "Euro (EUR)", "€" → "EUR"; None when no known code is there."""
    text = str(raw or "").strip()
    upper = text.upper()
    found = [upper] if len(upper) == 3 else re.findall(r"\b[A-Z]{3}\b", upper)
    for code in found:
        if code in _known_currencies():
            return code
    return _SYMBOLS.get(text)


def lost_reason(text: str | None) -> tuple[str | None, str | None]:
    """(picklist code, note) of a lost reason as another tool wrote it: a label or code is its
    code, other text is "other" with the text as the note; "Other: too slow" — the way the
    export writes a note — comes back as it was."""
    text = " ".join(str(text or "").split())
    if not text:
        return None, None
    code = deal_moves.lost_reason_code(text)
    if code:
        return code, None
    head, sep, rest = text.partition(":")
    if sep and (code := deal_moves.lost_reason_code(head)) and rest.strip():
        return code, rest.strip()
    return "other", text


def contact_parts(raw: str | None) -> tuple[str, str | None]:
    """(name, e-mail) from a contact cell: "Ann Lee (ann@x.example)", "Ann Lee <ann@…>",
    "ann@x.example" or "Ann Lee"; several contacts in one cell: the first."""
    text = str(raw or "").strip()
    if not text:
        return "", None
    match = _EMAIL.search(text)
    if match is None:
        first = re.split(r"\s*;\s*", text)[0]
        return " ".join(first.split()), None
    before = text[: match.start()]
    name = re.split(r"[;]", before)[-1]
    name = " ".join(re.sub(r"[<>()\[\]\"']", " ", name).split()).strip(" ,")
    return name, match.group(0).strip().lower()


def contact_of(item: Item) -> tuple[str, str | None] | None:
    """(name, e-mail) of the row's contact — the contact e-mail column's address first; None
    when the contact cell holds a broken address."""
    name, email = contact_parts(item.values.get("contact"))
    if item.values.get("contact_email"):
        return name, item.values["contact_email"][0]
    if email is not None:
        email, problem = check_email(email)
        if problem:
            return None
    return name, email


def _local_day(moment: datetime | None, zone: tzinfo) -> date | None:
    """The calendar day a moment read from the file falls on where the installation is."""
    return moment.astimezone(zone).date() if moment is not None else None


class DealRowReader:
    """Reads each deal's rows against the pipelines, stages and exchange rates, read once."""

    def __init__(self, session: Session, pipeline: Pipeline, zone: tzinfo):
        self.session = session
        self.default = pipeline
        self.zone = zone
        self.stages = Stages(session)
        self.base = money.base_currency(session)
        self.rates: dict[str, float | None] = {}
        self.now = utcnow()

    def rate(self, code: str) -> float | None:
        if code not in self.rates:
            self.rates[code] = deal_moves.rate_to_base(self.session, code)
        return self.rates[code]

    def pipeline_of(self, item: Item, deal: Deal | None) -> Pipeline | list[Rejection]:
        name = item.values.get("pipeline")
        if not name:
            if deal is not None:
                return self.stages.pipelines[deal.pipeline_id]
            return self.default
        pipeline = self.stages.pipeline(name)
        if pipeline is None:
            return reject_rows(item.rows, "pipeline", NO_PIPELINE, pipeline=name)
        if pipeline.archived and (deal is None or deal.pipeline_id != pipeline.id):
            return reject_rows(item.rows, "pipeline", PIPELINE_ARCHIVED, pipeline=pipeline.name)
        return pipeline

    def stage_of(
        self, item: Item, pipeline: Pipeline, deal: Deal | None
    ) -> Stage | None | list[Rejection]:
        """The stage the deal ends in (None: a stored deal stays where it is)."""
        v = item.values
        status = status_of(v["status"]) if v.get("status") else None
        if v.get("status") and status is None:
            return reject_rows(item.rows, "status", BAD_STATUS)
        current = self.stages.by_id.get(deal.stage_id) if deal is not None else None
        same_pipeline = current is not None and current.pipeline_id == pipeline.id
        stage = None
        if status in (WON, LOST):
            stage = self.stages.terminal(pipeline, status)
            if (
                same_pipeline
                and current is not None
                and (current.is_won if status == WON else current.is_lost)
            ):
                stage = current  # already won (lost) here: it stays in its own won stage
        elif v.get("stage"):
            stage, archived = self.stages.named(pipeline, v["stage"])
            if stage is None:
                message = STAGE_ARCHIVED if archived else NO_STAGE
                return reject_rows(
                    item.rows, "stage", message, stage=v["stage"], pipeline=pipeline.name
                )
        elif status == OPEN and current is not None and (current.is_won or current.is_lost):
            stage = self.stages.first_open(pipeline)
        elif current is not None and not same_pipeline:
            kind = WON if current.is_won else LOST if current.is_lost else OPEN
            stage = self.stages.terminal(pipeline, kind)
        elif deal is None:
            stage = self.stages.first_open(pipeline)
        if stage is None and (deal is None or not same_pipeline):
            return reject_rows(item.rows, "stage", NO_OPEN_STAGE, pipeline=pipeline.name)
        return stage

    def currency_of(self, item: Item, deal: Deal | None) -> str | list[Rejection]:
        raw = item.values.get("currency")
        if not raw:
            return deal.currency if deal is not None else self.base
        code = currency_code(raw)
        if code is None:
            return reject_rows(item.rows, "currency", BAD_CURRENCY)
        if self.rate(code) is None:
            return reject_rows(item.rows, "currency", NO_RATE)
        return code

    def close_moment(self, item: Item) -> datetime | None:
        """The moment the row says the deal closed (None: the row does not say)."""
        v = item.values
        return v.get("closed_at") or v.get("expected_close")

    def columns(self, item: Item) -> dict[str, Any]:
        """The row's non-blank plain columns (stage, links and closing aside)."""
        v = item.values
        out: dict[str, Any] = {}
        for key in ("title", "value", "source", "external_id", "created_at"):
            if v.get(key) not in (None, ""):
                out[key] = v[key]
        if v.get("expected_close") is not None:
            out["expected_close"] = _local_day(v["expected_close"], self.zone)
        if v.get("owner") is not None:
            out["owner_id"] = v["owner"]
        return out
