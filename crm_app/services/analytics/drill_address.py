"""The address of a drill-down list, both ways, and the dashboard filter as typed.

``/analytics/records?chart=lost_reasons&lost_reason=Price&won=0&from=2026-01-01&owner=3``
carries everything the list needs: the chart, the clicked point's criteria (only the keys that
chart's list understands, see ``drill.KIND_KEYS``) and the dashboard's filter. ``address``
writes it when a bar is clicked; ``parse`` reads it back and refuses anything else with a
message a person can act on, so a hand-edited or stale link never crashes the page.

``analytics_filter`` turns the filter bar's text (or the address's) into the
``AnalyticsFilter`` every metric reads: the dashboard and the list share it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Pipeline, Stage, User

from ..errors import ValidationError
from ..i18n import N_
from .customers import RFM_SEGMENTS
from .drill import CHART_KINDS, KIND_KEYS
from .filters import AnalyticsFilter, filter_options

PATH = "/analytics/records"
MAX_QUERY = 2000
MAX_TEXT = 200
FILTER_KEYS = ("from", "to", "pipeline", "owner", "segment")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
AN_ID = re.compile(r"^[1-9]\d{0,8}$")
TEXT_KEYS = ("source", "lost_reason", "country", "industry", "channel", "category")
RFM_NAMES = tuple(name for _, name in RFM_SEGMENTS)

BAD_ADDRESS = N_("This address does not describe a list of records.")
NO_CHART = N_("This chart has no list of records.")
UNKNOWN_KEY = N_("“{key}” is not part of this list's address.")
TWICE = N_("“{key}” appears twice in the address.")
BAD_VALUE = N_("“{key}” has a value this list cannot use.")
BAD_BAND = N_("A value band needs both ends, the lower one first.")
NO_STAGE = N_("This list needs a stage.")
BAD_DATE = N_("Use a date like 2026-03-31.")
DATES_REVERSED = N_("The end date is before the start date.")
NOT_AVAILABLE = N_("“{key}” names something that is not available to you.")


@dataclass(frozen=True)
class FilterForm:
    """The dashboard filter bar as typed: ISO dates, and ids (anything else: all)."""

    date_from: str = ""
    date_to: str = ""
    pipeline: str = ""
    owner: str = ""
    segment: str = ""


@dataclass(frozen=True)
class DrillQuery:
    chart: str
    criteria: dict[str, Any] = field(default_factory=dict)
    form: FilterForm = FilterForm()

    @property
    def kind(self) -> str:
        return CHART_KINDS[self.chart]


def _chosen(value: str) -> int | None:
    return int(value) if AN_ID.match(value or "") else None


def analytics_filter(form: FilterForm) -> AnalyticsFilter:
    """The filter every chart reads; ValidationError (key ``date``) for a bad or reversed
    date range. Ids that are not ids mean "all"."""
    try:
        first = date.fromisoformat(form.date_from) if form.date_from else None
        last = date.fromisoformat(form.date_to) if form.date_to else None
    except ValueError:
        raise ValidationError({"date": BAD_DATE}) from None
    if first and last and first > last:
        raise ValidationError({"date": DATES_REVERSED})
    return AnalyticsFilter(
        date_from=first,
        date_to=last,
        pipeline_id=_chosen(form.pipeline),
        owner_id=_chosen(form.owner),
        segment_id=_chosen(form.segment),
    )


# -- writing ------------------------------------------------------------------------------------
def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""  # the chart's "None" bar: records without the value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def address(chart: str, criteria: dict[str, Any], form: FilterForm) -> str:
    """``/analytics/records?chart=…`` for a click on ``chart`` under the filter ``form``."""
    pairs = [("chart", chart)]
    pairs += [(k, _text(v)) for k, v in criteria.items() if k in KIND_KEYS[CHART_KINDS[chart]]]
    return f"{PATH}?{urlencode(pairs + _filter_pairs(form))}"


def dashboard_address(form: FilterForm) -> str:
    """``/analytics?from=…`` : the dashboard under the filter ``form`` (the records page's way
    back; /analytics reads it on opening)."""
    pairs = _filter_pairs(form)
    return f"/analytics?{urlencode(pairs)}" if pairs else "/analytics"


def form_of(query: dict[str, Any]) -> FilterForm | None:
    """The filter named by an address's ``from``/``to``/``pipeline``/``owner``/``segment``
    (None when it names none); values are kept as typed, for the caller to check."""
    values = {k: str(query.get(k) or "")[:MAX_TEXT] for k in FILTER_KEYS}
    if not any(values.values()):
        return None
    return FilterForm(*(values[k] for k in FILTER_KEYS))


def _filter_pairs(form: FilterForm) -> list[tuple[str, str]]:
    pairs = []
    for key, value in zip(FILTER_KEYS, _form_values(form), strict=True):
        ok = bool(value) if key in ("from", "to") else _chosen(value) is not None
        if ok:
            pairs.append((key, value))
    return pairs


def _form_values(form: FilterForm) -> tuple[str, ...]:
    return (form.date_from, form.date_to, form.pipeline, form.owner, form.segment)


# -- reading ------------------------------------------------------------------------------------
def _refuse(key: str, message: str) -> ValidationError:
    return ValidationError({key: message})


def _value(key: str, text: str) -> Any:
    """One criterion's value, typed; ValidationError when it is not of its kind."""
    if key in ("month", "first_month"):
        ok = bool(MONTH.match(text))
        return text if ok else _fail(key)
    if key in ("owner_id", "assignee_id"):
        return -1 if text == "-1" else int(text) if AN_ID.match(text) else _fail(key)
    if key == "stage_id":
        return int(text) if AN_ID.match(text) else _fail(key)
    if key == "won":
        return text == "1" if text in ("1", "0") else _fail(key)
    if key in ("low", "high"):
        try:
            number = float(text)
        except ValueError:
            return _fail(key)
        return number if math.isfinite(number) else _fail(key)
    if key == "segment":
        return text if text in RFM_NAMES else _fail(key)
    if key in TEXT_KEYS:
        return text if len(text) <= MAX_TEXT else _fail(key)
    return _fail(key)


def _fail(key: str) -> Any:
    raise _refuse(key, BAD_VALUE)


def parse(query: str) -> DrillQuery:
    """The list an address asks for. ValidationError maps the offending key to one of this
    module's messages (``{key}`` in it is that key)."""
    if not query or len(query) > MAX_QUERY:
        raise _refuse("chart", BAD_ADDRESS)
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise _refuse("chart", BAD_ADDRESS) from None
    seen: dict[str, str] = {}
    for key, value in pairs:
        if key in seen:
            raise _refuse(key, TWICE)
        seen[key] = value
    chart = seen.pop("chart", "")
    if chart not in CHART_KINDS:
        raise _refuse("chart", NO_CHART if chart else BAD_ADDRESS)
    allowed = KIND_KEYS[CHART_KINDS[chart]]
    criteria: dict[str, Any] = {}
    form: dict[str, str] = {}
    for key, text in seen.items():
        if key in FILTER_KEYS:
            form[key] = text
        elif key in allowed:
            criteria[key] = _value(key, text)
        else:
            raise _refuse(key, UNKNOWN_KEY)
    if ("low" in criteria) != ("high" in criteria) or criteria.get("low", 0) > criteria.get(
        "high", 0
    ):
        raise _refuse("low", BAD_BAND)
    if CHART_KINDS[chart] == "stage" and "stage_id" not in criteria:
        raise _refuse("stage_id", NO_STAGE)
    for key in ("pipeline", "owner", "segment"):
        if key in form and _chosen(form[key]) is None:
            raise _refuse(key, BAD_VALUE)
    filter_form = FilterForm(
        form.get("from", ""), form.get("to", ""), *(form.get(k, "") for k in FILTER_KEYS[2:])
    )
    analytics_filter(filter_form)  # the dates: ValidationError ("date") when they are wrong
    return DrillQuery(chart, criteria, filter_form)


def names(session: Session, q: DrillQuery, user_id: int) -> dict[str, str]:
    """The names the list's description needs (``pipeline``, ``owner``, ``segment``,
    ``stage`` as "Pipeline · Stage", ``owner_id``, ``assignee_id``). The filter's pipeline,
    owner and segment must be ones the dashboard offers this user (a private segment of
    someone else is not); ValidationError otherwise."""
    options = filter_options(session, user_id)
    out: dict[str, str] = {}
    for key, group in (("pipeline", "pipelines"), ("owner", "owners"), ("segment", "segments")):
        wanted = _chosen(getattr(q.form, key))
        if wanted is None:
            continue
        found = dict(options[group]).get(wanted)
        if found is None:
            raise _refuse(key, NOT_AVAILABLE)
        out[key] = found
    for key in ("owner_id", "assignee_id"):
        person = q.criteria.get(key)
        if person is not None and person != -1:
            name = session.execute(sa.select(User.name).where(User.id == person)).scalar()
            if name is None:
                raise _refuse(key, NOT_AVAILABLE)
            out[key] = str(name)
    if "stage_id" in q.criteria:
        row = session.execute(
            sa.select(Pipeline.name, Stage.name)
            .join(Pipeline, Pipeline.id == Stage.pipeline_id)
            .where(Stage.id == q.criteria["stage_id"])
        ).first()
        if row is None:
            raise _refuse("stage_id", NOT_AVAILABLE)
        out["stage"] = f"{row[0]} · {row[1]}"
    return out
