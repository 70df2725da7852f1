"""View helpers for list pages: filter forms ↔ service filters, rows → display cells.

Plain formatting for the states (no queries beyond calling services), kept out of the
State classes so each state stays small.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from babel import Locale
from sqlmodel import Session

from crm_app.models import LifecycleStage
from crm_app.services import contact_query, custom_fields, formatting, i18n, segments
from crm_app.services.auth import CurrentUser
from crm_app.services.contact_query import ContactFilters, ContactRow, CustomFilter
from crm_app.services.errors import NotFound, PermissionDenied, ValidationError
from crm_app.services.i18n import N_

STAGE_LABELS = {
    LifecycleStage.LEAD: N_("Lead"),
    LifecycleStage.PROSPECT: N_("Prospect"),
    LifecycleStage.CUSTOMER: N_("Customer"),
    LifecycleStage.CHURNED: N_("Churned"),
}
CHANNEL_LABELS = {"email": N_("E-mail"), "phone": N_("Phone"), "none": N_("Do not contact")}
CUSTOM_OP_LABELS = {
    "eq": N_("is"),
    "ne": N_("is not"),
    "contains": N_("contains"),
    "gt": N_("greater than"),
    "lt": N_("less than"),
    "before": N_("before"),
    "after": N_("after"),
    "is_set": N_("is set"),
    "is_empty": N_("is empty"),
    "is_true": N_("is checked"),
    "is_false": N_("is not checked"),
}
CONTACTED_LABELS = {
    "any": N_("Any time"),
    "never": N_("Never contacted"),
    "before": N_("Last contacted before"),
    "after": N_("Last contacted after"),
    "not_for_days": N_("Not contacted for (days)"),
}


_LIST_SEPARATORS = re.compile(r"[,،、;]")  # Latin, Arabic-script and CJK commas, semicolons


def split_list(text: str, limit: int = 30) -> list[str]:
    """ "a, b، c" → ["a", "b", "c"]: people type the comma of their own keyboard."""
    return [part.strip() for part in _LIST_SEPARATORS.split(str(text)) if part.strip()][:limit]


def day_value(value: str | None) -> date | None:
    """A YYYY-MM-DD filter value as a date; None for empty or malformed."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def contact_filters(form: dict[str, str]) -> ContactFilters:
    """The filter bar's strings (anything a browser may send) as service filters."""
    owner = form.get("owner", "")
    contacted = form.get("contacted", "any")
    value = form.get("contacted_value", "")
    custom = []
    if form.get("custom_key") and form.get("custom_op"):
        custom.append(
            CustomFilter(form["custom_key"], form["custom_op"], form.get("custom_value") or None)
        )
    return ContactFilters(
        search=form.get("search", ""),
        owner_ids=[i] if (i := _int(owner)) else [],
        unowned=owner == "none",
        stages=[form["stage"]] if form.get("stage") in set(LifecycleStage) else [],
        tag_ids=[i] if (i := _int(form.get("tag"))) else [],
        countries=[form["country"].upper()] if form.get("country") else [],
        cities=[form["city"]] if form.get("city") else [],
        created_from=day_value(form.get("created_from")),
        created_to=day_value(form.get("created_to")),
        contacted=contacted if contacted in CONTACTED_LABELS else "any",
        contacted_date=day_value(value) if contacted in ("before", "after") else None,
        contacted_days=_int(value) if contacted == "not_for_days" else None,
        custom=custom,
    )


def filters_to_form(f: ContactFilters) -> dict[str, str]:
    form = {
        "search": f.search,
        "owner": "none" if f.unowned else (str(f.owner_ids[0]) if f.owner_ids else ""),
        "stage": f.stages[0] if f.stages else "",
        "tag": str(f.tag_ids[0]) if f.tag_ids else "",
        "country": f.countries[0] if f.countries else "",
        "city": f.cities[0] if f.cities else "",
        "created_from": f.created_from.isoformat() if f.created_from else "",
        "created_to": f.created_to.isoformat() if f.created_to else "",
        "contacted": f.contacted,
        "contacted_value": (
            f.contacted_date.isoformat() if f.contacted_date else str(f.contacted_days or "")
        ),
    }
    if f.custom:
        form.update(
            custom_key=f.custom[0].key,
            custom_op=f.custom[0].op,
            custom_value=f.custom[0].value or "",
        )
    return {k: v for k, v in form.items() if v and v != "any"}


def country_name(code: str, locale: str) -> str:
    if not code:
        return ""
    try:
        return Locale.parse(i18n.normalize(locale)).territories.get(code.upper(), code)
    except ValueError:
        return code


def _custom(value: Any, locale: str) -> str:
    if isinstance(value, bool):
        return i18n.gettext(N_("Yes") if value else N_("No"), locale)
    if isinstance(value, int | float):
        return formatting.number(value, locale)
    return "" if value is None else str(value)


def contact_cells(row: ContactRow, me: CurrentUser) -> dict[str, str]:
    loc = me.locale
    cells = {
        "id": str(row.id),
        "name": row.name or "—",
        "initials": "".join(p[0] for p in row.name.split()[:2]).upper() or "?",
        "email": row.email,
        "phone": row.phone,
        "company": row.company,
        "owner": row.owner,
        "stage": i18n.gettext(STAGE_LABELS.get(row.stage, row.stage), loc),
        "city": row.city,
        "country": country_name(row.country, loc),
        "tags": ", ".join(row.tags),
        "created": formatting.day(row.created_at, me.time_zone, loc),
        "last_contacted": (
            formatting.ago(row.last_contacted_at, loc)
            if row.last_contacted_at
            else i18n.gettext(N_("Never"), loc)
        ),
    }
    cells.update({f"custom:{k}": _custom(v, loc) for k, v in row.custom.items()})
    return cells


def count_label(page: contact_query.Page, locale: str) -> str:
    if not page.total:
        return i18n.gettext(N_("No matches"), locale)
    first = (page.page - 1) * page.page_size + 1
    last = min(page.total, page.page * page.page_size)
    return i18n.gettext(N_("{first}–{last} of {total}"), locale).format(
        first=formatting.number(first, locale),
        last=formatting.number(last, locale),
        total=formatting.number(page.total, locale),
    )


def contact_options(session: Session, locale: str) -> dict[str, list[list[str]]]:
    """Choices for the filter bar and bulk actions, labelled in the user's language."""
    raw = contact_query.filter_options(session)
    return {
        "owners": [[str(i), name] for i, name in raw["owners"]],
        "stages": [[s, i18n.gettext(STAGE_LABELS.get(s, s), locale)] for s in LifecycleStage],
        "tags": [[str(i), name] for i, name in raw["tags"]],
        "countries": sorted(
            ([c, country_name(c, locale)] for c in raw["countries"]), key=lambda p: p[1]
        ),
        "contacted": [[k, i18n.gettext(v, locale)] for k, v in CONTACTED_LABELS.items()],
        "custom": [
            [f.key, f.label, f.field_type] for f in custom_fields.list_fields(session, "contact")
        ],
    }


def segment_rows(session: Session, user_id: int, entity: str) -> list[dict[str, str]]:
    rows = []
    for seg in segments.visible_segments(session, user_id):
        if seg.entity != entity:
            continue
        count = segments.member_count(session, segments.get_visible(session, seg.id, user_id))
        rows.append(
            {
                "id": str(seg.id),
                "name": seg.name,
                "shared": "1" if seg.shared else "",
                "mine": "1" if seg.is_mine else "",
                "count": str(count),
            }
        )
    return rows


def first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return next(
            iter(exc.errors.values()), N_("That did not work. Check the values and try again.")
        )
    if isinstance(exc, NotFound):
        return N_("That record no longer exists.")
    if isinstance(exc, PermissionDenied):
        return N_("Your role does not allow this.")
    return N_("That did not work. Check the values and try again.")


def all_countries(locale: str) -> list[list[str]]:
    """Every country as [ISO code, name in the user's language], sorted by name."""
    names = Locale.parse(i18n.normalize(locale)).territories
    codes = [
        c for c in names if len(c) == 2 and c.isalpha() and c not in {"EU", "EZ", "UN", "ZZ", "QO"}
    ]
    return sorted(([c, names[c]] for c in codes), key=lambda p: p[1])


def all_languages(locale: str) -> list[list[str]]:
    """Languages a customer may prefer, named in the user's language (ISO 639-1 codes)."""
    names = Locale.parse(i18n.normalize(locale)).languages
    codes = [c for c in names if len(c) == 2]
    return sorted(([c, names[c]] for c in codes), key=lambda p: p[1])


FORM_FIELDS = (
    "first_name",
    "last_name",
    "title",
    "source",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "lifecycle_stage",
)


def contact_form_values(form: Any) -> dict[str, str]:
    """A stored contact (ContactInput) as the form's default values."""
    values = {k: str(getattr(form, k) or "") for k in FORM_FIELDS}
    values.update(
        owner_id=str(form.owner_id or ""),
        tags=", ".join(form.tags),
        consent_email="1" if form.consent_email else "",
        do_not_call="1" if form.do_not_call else "",
        channel=str(form.preferences.get("channel", "")),
        language=str(form.preferences.get("language", "")),
    )
    values.update({f"custom.{k}": "" if v is None else str(v) for k, v in form.custom.items()})
    return values


def contact_input(
    form: dict,
    emails: list[list[str]],
    phones: list[list[str]],
    company_id: str,
    custom_defs: list[dict[str, str]],
) -> Any:
    """What the browser submitted (anything at all) as the service's ContactInput."""
    from crm_app.services.contacts import ContactInput

    def text(key: str, limit: int = 200) -> str:
        value = form.get(key, "")
        value = "" if value in (None, "__none__") else str(value)[:limit].strip()
        return value

    preferences = {k: text(k, 20) for k in ("channel", "language") if text(k, 20)}
    return ContactInput(
        **{k: text(k) for k in FORM_FIELDS if k != "lifecycle_stage"},
        lifecycle_stage=text("lifecycle_stage", 20) or "lead",
        owner_id=_int(text("owner_id")),
        company_id=_int(company_id),
        # Empty rows stay in place so an error's index ("emails.2") matches the row on screen.
        emails=[(str(a)[:254].strip(), str(lab)[:20]) for a, lab in emails[:10]],
        phones=[(str(p)[:40].strip(), str(lab)[:20]) for p, lab in phones[:10]],
        tags=split_list(text("tags", 1000)),
        preferences=preferences,
        consent_email=bool(form.get("consent_email")),
        do_not_call=bool(form.get("do_not_call")),
        custom=custom_values(form, custom_defs),
    )


def custom_values(form: dict, custom_defs: list[dict[str, str]]) -> dict[str, Any]:
    """Submitted custom fields; an unticked checkbox sends nothing, so it is sent as unticked."""
    values = {k[7:]: form[k] for k in form if str(k).startswith("custom.")}
    out = {
        d["key"]: values.get(d["key"], "")
        for d in custom_defs
        if d["key"] in values or d["type"] == "checkbox"
    }
    return out
