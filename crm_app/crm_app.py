"""The Reflex app: routes, their on-load handlers and the theme."""

from __future__ import annotations

import functools

import reflex as rx

from crm_app.api import api
from crm_app.pages.companies import companies_page
from crm_app.pages.contacts import contacts_page
from crm_app.pages.dashboard import dashboard_page
from crm_app.pages.duplicates import duplicates_page
from crm_app.pages.importer import import_page
from crm_app.pages.login import login_page
from crm_app.pages.not_found import not_found_page
from crm_app.pages.settings import settings_page
from crm_app.pages.upcoming import UPCOMING, upcoming_page
from crm_app.state.companies import CompaniesState
from crm_app.state.company_form import CompanyFormState
from crm_app.state.contact_form import ContactFormState
from crm_app.state.contacts import ContactsState
from crm_app.state.custom_fields_admin import CustomFieldsState
from crm_app.state.dashboard import DashboardState
from crm_app.state.duplicates import DuplicatesState
from crm_app.state.importer import ImportState
from crm_app.state.login import LoginState
from crm_app.state.overview import OverviewState
from crm_app.state.preferences import PreferencesState
from crm_app.state.users_admin import UsersAdminState

app = rx.App(
    api_transformer=api,
    stylesheets=["/rapport.css"],
    head_components=[rx.el.meta(name="color-scheme", content="light dark")],
)

app.add_page(login_page, route="/login", title="Log in · Rapport", on_load=LoginState.load_login)
app.add_page(dashboard_page, route="/", title="Dashboard · Rapport", on_load=DashboardState.load)
app.add_page(
    contacts_page, route="/contacts", title="Contacts · Rapport", on_load=ContactsState.load
)
app.add_page(
    companies_page, route="/companies", title="Companies · Rapport", on_load=CompaniesState.load
)
app.add_page(
    functools.partial(duplicates_page, "contact"),
    route="/contacts/duplicates",
    title="Duplicate contacts · Rapport",
    on_load=DuplicatesState.load_contacts,
)
app.add_page(
    functools.partial(duplicates_page, "company"),
    route="/companies/duplicates",
    title="Duplicate companies · Rapport",
    on_load=DuplicatesState.load_companies,
)
app.add_page(
    functools.partial(import_page, "contact"),
    route="/contacts/import",
    title="Import contacts · Rapport",
    on_load=ImportState.load_contacts,
)
app.add_page(
    functools.partial(import_page, "company"),
    route="/companies/import",
    title="Import companies · Rapport",
    on_load=ImportState.load_companies,
)
# A record's own address opens its form over the list (until record pages arrive).
app.add_page(
    contacts_page,
    route="/contacts/[record_id]",
    title="Contacts · Rapport",
    on_load=[ContactsState.load, ContactFormState.open_from_route],
)
app.add_page(
    companies_page,
    route="/companies/[record_id]",
    title="Companies · Rapport",
    on_load=[CompaniesState.load, CompanyFormState.open_from_route],
)
for _route, _page in UPCOMING.items():
    app.add_page(
        functools.partial(upcoming_page, _route),
        route=_route,
        title=f"{_page.title} · Rapport",
        on_load=OverviewState.load_counts,
    )
app.add_page(
    settings_page,
    route="/settings",
    title="Settings · Rapport",
    on_load=[
        PreferencesState.load_preferences,
        UsersAdminState.load_users,
        CustomFieldsState.load_fields,
    ],
)
app.add_page(not_found_page, route="404", title="Page not found · Rapport")
