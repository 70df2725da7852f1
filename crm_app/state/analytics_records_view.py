"""How the drill-down list page says its criteria and rows in the reader's language.

Plain functions over the parsed address (``drill_address.DrillQuery``), the names looked up
for it and a locale: the chips above the table ("Owner: Bob Smith", "Closed in March 2026",
"1 Jan 2026 – 31 Mar 2026"), the table's headers and cells, the total ("37 deals"), and the
ticket queue's address when the list is exactly one the queue can show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from crm_app.services import formatting, i18n
from crm_app.services.analytics.drill_address import DrillQuery
from crm_app.services.i18n import N_, NP_

from .list_views import country_name
from .tickets import CHANNEL_LABELS, STATUS_LABELS, STATUS_TONES

HEADERS = {
    "stage": (N_("Deal"), N_("Stage"), N_("Value")),
    "deal": (N_("Deal"), N_("Stage"), N_("Value")),
    "customer": (N_("Customer"), N_("Country"), N_("Lifetime value")),
    "ticket": (N_("Ticket"), N_("Status"), N_("Created")),
}
TOTALS = {
    "stage": NP_("{n} open deal", "{n} open deals"),
    "deal": NP_("{n} deal", "{n} deals"),
    "customer": NP_("{n} customer", "{n} customers"),
    "ticket": NP_("{n} ticket", "{n} tickets"),
}
MONTH_OF = {
    ("deal", "month"): N_("Closed in {month}"),
    ("ticket", "month"): N_("Created in {month}"),
    ("customer", "first_month"): N_("First purchase in {month}"),
}
# a criterion with a value, and its "none" (the chart's bar for records without one)
NAMED = {
    "owner_id": (N_("Owner: {name}"), N_("No owner")),
    "assignee_id": (N_("Assignee: {name}"), N_("Unassigned")),
    "source": (N_("Source: {name}"), N_("No source")),
    "lost_reason": (N_("Lost reason: {name}"), N_("No reason given")),
    "country": (N_("Country: {name}"), N_("No country")),
    "industry": (N_("Industry: {name}"), N_("No industry")),
    "channel": (N_("Channel: {name}"), N_("No channel")),
    "category": (N_("Category: {name}"), N_("No category")),
    "segment": (N_("RFM segment: {name}"), N_("No segment")),
    "stage_id": (N_("Stage: {name}"), N_("No stage")),
}


DEAL_TONES = {"won": "rp-pill rp-tone-green", "lost": "rp-pill rp-tone-red"}


@dataclass
class RecordRow:
    name: str
    detail: str
    value: str
    link: str
    tone: str = ""  # CSS classes of the detail's pill (a won or lost stage, a ticket status)


def _day(d: date, locale: str) -> str:
    return formatting.day(datetime(d.year, d.month, d.day, 12, tzinfo=UTC), "UTC", locale)


def _range(q: DrillQuery, locale: str) -> list[str]:
    f = q.form
    first = date.fromisoformat(f.date_from) if f.date_from else None
    last = date.fromisoformat(f.date_to) if f.date_to else None
    if first and last:
        return [f"{_day(first, locale)} – {_day(last, locale)}"]
    if first:
        return [i18n.format_message(N_("From {day}"), locale, day=_day(first, locale))]
    if last:
        return [i18n.format_message(N_("Until {day}"), locale, day=_day(last, locale))]
    return []


def _shown(key: str, value: Any, names: dict[str, str], locale: str) -> str:
    if key in ("owner_id", "assignee_id"):
        return names.get(key, "")
    if key == "stage_id":
        return names.get("stage", "")
    if key == "country":
        return country_name(str(value), locale)
    if key == "channel":
        return i18n.gettext(CHANNEL_LABELS.get(value, value), locale)
    if key == "segment":
        return i18n.gettext(str(value), locale)
    return str(value)


def chips(q: DrillQuery, names: dict[str, str], locale: str, currency: str) -> list[str]:
    """The list's criteria in words: the clicked point's first, then the dashboard filter's
    (open deals of a stage are as of now: no date range; only deals know a pipeline)."""
    out: list[str] = []
    c = q.criteria
    for key, value in c.items():
        if (q.kind, key) in MONTH_OF:
            month = formatting.month(str(value), locale, full=True)
            out.append(i18n.format_message(MONTH_OF[(q.kind, key)], locale, month=month))
        elif key == "won":
            out.append(i18n.gettext(N_("Won") if value else N_("Lost"), locale))
        elif key in NAMED:
            some, none = NAMED[key]
            empty = value in ("", -1, None)
            name = "" if empty else _shown(key, value, names, locale)
            text = i18n.format_message(some, locale, name=name)
            out.append(i18n.gettext(none, locale) if empty else text)
    if "low" in c and "high" in c:
        band = f"{formatting.money(c['low'], currency, locale)} – "
        band += formatting.money(c["high"], currency, locale)
        out.append(i18n.format_message(N_("Lifetime value: {band}"), locale, band=band))
    if q.kind != "stage":
        out += _range(q, locale)
    for key, message in (
        ("pipeline", N_("Pipeline: {name}")),
        ("owner", N_("Owner: {name}")),
        ("segment", N_("Segment: {name}")),
    ):
        if key in names and (key != "pipeline" or q.kind in ("deal", "stage")):
            out.append(i18n.format_message(message, locale, name=names[key]))
    return out


def headers(kind: str, locale: str) -> list[str]:
    return [i18n.gettext(h, locale) for h in HEADERS[kind]]


def total(kind: str, n: int, locale: str) -> str:
    text = i18n.ngettext(*TOTALS[kind], n, locale)
    return text.format(n=formatting.number(n, locale))


def row(kind: str, r: dict[str, Any], locale: str, currency: str, tz: str) -> RecordRow:
    if kind == "ticket":
        detail = i18n.gettext(STATUS_LABELS.get(r["detail"], r["detail"]), locale)
        value = formatting.day(r["created"], tz, locale) if r["created"] else ""
        tone = STATUS_TONES.get(r["state"], "")
    else:
        detail = country_name(r["detail"], locale) if kind == "customer" else r["detail"]
        value = formatting.money(float(r["value"] or 0), currency, locale)
        tone = DEAL_TONES.get(r["state"], "")
    return RecordRow(name=r["name"], detail=detail, value=value, link=r["link"], tone=tone)


def _created_range(month: str, date_from: str, date_to: str) -> tuple[str, str]:
    """The inclusive days (YYYY-MM-DD, "" for open) of a local month "YYYY-MM" (or none)
    intersected with the filter's from/to days."""
    first, last = date_from, date_to
    if month:
        year, number = int(month[:4]), int(month[5:7])
        start = date(year, number, 1)
        end = date(year + number // 12, number % 12 + 1, 1) - timedelta(days=1)
        first = max(first, start.isoformat()) if first else start.isoformat()
        last = min(last, end.isoformat()) if last else end.isoformat()
    return first, last


def queue_link(q: DrillQuery, same_zone: bool = True) -> str:
    """``/tickets?…`` when the ticket queue shows exactly this list, else "". The queue knows
    a channel, a category, an assignee and a created-date range (a chart's month and the
    filter's dates, intersected; only when the user's time zone is the installation's, as
    the queue reads days in the user's zone), but no segment."""
    c, f = q.criteria, q.form
    if q.kind != "ticket" or f.segment:
        return ""
    if "" in (c.get("channel"), c.get("category")):
        return ""  # the queue reads an empty value as "any"
    owner = str(c["assignee_id"]) if "assignee_id" in c else ""
    if f.owner.isdigit():
        if owner not in ("", f.owner):
            return ""
        owner = f.owner
    first, last = _created_range(str(c.get("month", "")), f.date_from, f.date_to)
    if (first or last) and not same_zone:
        return ""  # the queue's days are the user's, the dashboard's the installation's
    if first and last and first > last:
        return ""  # the list is empty: no range of the queue says so
    params = {"view": "all", "channel": c.get("channel"), "category": c.get("category")}
    params["owner"] = "none" if owner == "-1" else owner
    params |= {"created_from": first, "created_to": last}
    return "/tickets?" + urlencode({k: v for k, v in params.items() if v})
