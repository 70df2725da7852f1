"""Settings → Service: the SLA policies (in hours) and the business calendar, as one form.

Form field names: ``<priority>.first_response`` and ``<priority>.resolution`` (hours,
blank for no target), ``day.<weekday>`` (a checkbox, Monday = 0), ``start.<weekday>`` and
``end.<weekday>`` ("HH:MM"), ``holidays`` (dates like 2026-12-24, one per line or separated
by commas), ``time_zone``, ``base_url`` (the address customers reach the app at, for
the links in rating mails; blank: ``RAPPORT_BASE_URL`` or the local address). Errors come
back under the same names, and ``hours.<weekday>``,
``days`` and ``holidays`` for the calendar. Nothing is saved unless all of it is valid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from .. import app_settings
from ..errors import ValidationError
from ..i18n import N_
from . import sla
from .calendar import DEFAULT_END, DEFAULT_START, load_calendar, save_calendar, validate_calendar

MAX_TEXT = 5000
_URL = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class ServiceForm:
    values: dict[str, str]  # field name -> text shown in the input
    days_on: dict[str, bool]  # "0".."6" -> working day
    time_zone: str


def _hours(minutes: int | None) -> str:
    if not minutes:
        return ""
    return f"{minutes / 60:g}"


def service_form(session: Session) -> ServiceForm:
    """What the Service tab shows: the stored policies and calendar."""
    values: dict[str, str] = {}
    for priority, policy in sla.policies(session).items():
        values[f"{priority}.first_response"] = _hours(policy.first_response_minutes)
        values[f"{priority}.resolution"] = _hours(policy.resolution_minutes)
    cal = load_calendar(session)
    for day in range(7):
        start, end = cal.hours.get(day, (DEFAULT_START, DEFAULT_END))
        values[f"start.{day}"] = start.strftime("%H:%M")
        values[f"end.{day}"] = end.strftime("%H:%M")
    values["holidays"] = "\n".join(sorted(d.isoformat() for d in cal.holidays))
    values["base_url"] = str(app_settings.get(session, "base_url") or "")
    days_on = {str(day): day in cal.hours for day in range(7)}
    return ServiceForm(values, days_on, cal.time_zone)


def _text(form: Mapping[str, Any], key: str) -> str:
    value = form.get(key, "")
    return str(value if isinstance(value, str | int | float) else "")[:MAX_TEXT].strip()


def _checked(form: Mapping[str, Any], key: str) -> bool:
    return _text(form, key).lower() in ("on", "true", "1", "yes")


def save_service_form(session: Session, form: Mapping[str, Any], *, actor_id: int | None) -> None:
    """Validate the whole form, then store the policies and the calendar (audited)."""
    policies, errors = sla.validate_policies(
        {
            p: (_text(form, f"{p}.first_response"), _text(form, f"{p}.resolution"))
            for p in sla.PRIORITIES
        }
    )
    hours = {
        day: (_text(form, f"start.{day}"), _text(form, f"end.{day}"))
        for day in range(7)
        if _checked(form, f"day.{day}")
    }
    holidays = [h for h in re.split(r"[\s,;]+", _text(form, "holidays")) if h]
    time_zone = _text(form, "time_zone") or str(app_settings.get(session, "time_zone") or "UTC")
    cal, calendar_errors = validate_calendar(time_zone=time_zone, hours=hours, holidays=holidays)
    errors.update(calendar_errors)
    base_url = _text(form, "base_url").rstrip("/")
    if base_url and not _URL.match(base_url):
        errors["base_url"] = N_("Enter an address like https://crm.example.com.")
    if errors:
        raise ValidationError(errors)
    sla.save_policies(session, policies, actor_id=actor_id)
    save_calendar(session, cal, actor_id=actor_id)
    if base_url != (app_settings.get(session, "base_url") or ""):
        app_settings.put(session, "base_url", base_url, actor_id=actor_id)
