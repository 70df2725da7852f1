"""Companies list: the same list mechanics as contacts, over company_query."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import companies, company_query, custom_fields, formatting, i18n
from crm_app.services.company_query import CompanyFilters, CompanyRow
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_, NP_
from crm_app.services.permissions import Perm

from . import list_views
from .base import AppState
from .guard import caller, guarded
from .record_list import NOTHING_SELECTED, Column, RecordListMixin

BUILTIN_COLUMNS = [
    Column("name", N_("Name")),
    Column("domain", N_("Website"), sortable=False),
    Column("industry", N_("Industry")),
    Column("employees", N_("Employees"), sortable=False),
    Column("owner", N_("Owner")),
    Column("city", N_("City")),
    Column("country", N_("Country")),
    Column("contacts", N_("Contacts")),
    Column("tags", N_("Tags"), sortable=False),
    Column("created", N_("Created")),
]
DEFAULT_VISIBLE = ["name", "domain", "industry", "owner", "city", "country", "contacts"]
FILTER_NAMES = frozenset(
    {"search", "owner", "industry", "tag", "country", "city", "created_from", "created_to"}
)


def company_filters(form: dict[str, str]) -> CompanyFilters:
    base = list_views.contact_filters(form)  # the shared fields parse the same way
    return CompanyFilters(
        search=base.search,
        owner_ids=base.owner_ids,
        unowned=base.unowned,
        industries=[form["industry"]] if form.get("industry") else [],
        countries=base.countries,
        cities=base.cities,
        tag_ids=base.tag_ids,
        created_from=base.created_from,
        created_to=base.created_to,
    )


def company_cells(row: CompanyRow, me) -> dict[str, str]:
    loc = me.locale
    cells = {
        "id": str(row.id),
        "name": row.name,
        "initials": row.name[:1].upper() or "?",
        "domain": row.domain or "",
        "industry": row.industry or "",
        "employees": formatting.number(row.employees, loc) if row.employees else "",
        "owner": row.owner,
        "city": row.city,
        "country": list_views.country_name(row.country, loc),
        "contacts": formatting.number(row.contacts, loc),
        "tags": ", ".join(row.tags),
        "created": formatting.day(row.created_at, me.time_zone, loc),
    }
    cells.update({f"custom:{k}": "" if v is None else str(v) for k, v in row.custom.items()})
    return cells


class CompaniesState(RecordListMixin, AppState):
    _filter_names: ClassVar[frozenset[str]] = FILTER_NAMES
    _sorts: ClassVar[tuple[str, ...]] = company_query.COMPANY_SORTS
    _entity: ClassVar[str] = "companies"
    _entity_label: ClassVar[str] = N_("Companies")

    def _filters(self) -> CompanyFilters:
        return company_filters(self.filters)

    def _reload(self) -> None:
        me = caller()
        with session_scope() as session:
            fields = custom_fields.list_fields(session, "company")
            result = company_query.list_companies(
                session,
                self._filters(),
                sort=self.sort,
                descending=self.descending,
                page=self.page,
                page_size=50,
                tz=me.time_zone,
            )
        self._choose_columns(
            BUILTIN_COLUMNS
            + [Column(f"custom:{f.key}", f.label, sortable=True, translate=False) for f in fields],
            DEFAULT_VISIBLE,
        )
        self._show(result, [company_cells(r, me) for r in result.rows], me.locale)

    def _load_options(self) -> None:
        me = caller()
        with session_scope() as session:
            raw = company_query.company_filter_options(session)
        options = {
            "owners": [[str(i), n] for i, n in raw["owners"]],
            "industries": [[i, i] for i in raw["industries"]],
            "tags": [[str(i), n] for i, n in raw["tags"]],
            "countries": sorted(
                ([c, list_views.country_name(c, me.locale)] for c in raw["countries"]),
                key=lambda p: p[1],
            ),
        }
        self._update(options=options)

    @guarded(Perm.COMPANIES_WRITE)
    def bulk_delete(self):
        ids = self._selected_ids()
        if not ids:
            return rx.toast.info(self._t(NOTHING_SELECTED))
        me = caller()
        try:
            with session_scope() as session:
                n = companies.delete_companies(session, ids, actor_id=me.id)
        except (ValidationError, NotFound) as exc:
            return rx.toast.error(self._t(list_views.first_error(exc)))
        self.selected = []
        self._reload()
        return rx.toast.success(
            i18n.ngettext(*NP_("{n} company deleted.", "{n} companies deleted."), n, self.locale)
        )
