"""The Reflex app: routes, their on-load handlers and the theme."""

from __future__ import annotations

import functools

import reflex as rx

from crm_app import worker
from crm_app.api import api
from crm_app.components.shell import shell_frame
from crm_app.pages.analytics import analytics_page
from crm_app.pages.analytics_records import analytics_records_page
from crm_app.pages.automations import automations_page
from crm_app.pages.companies import companies_page
from crm_app.pages.contacts import contacts_page
from crm_app.pages.dashboard import dashboard_page
from crm_app.pages.duplicates import duplicates_page
from crm_app.pages.forecast import forecast_page
from crm_app.pages.importer import import_page
from crm_app.pages.lead_form_public import lead_form_page
from crm_app.pages.login import login_page
from crm_app.pages.marketing import campaign_page, marketing_page
from crm_app.pages.my_work import my_work_page
from crm_app.pages.not_found import not_found_page
from crm_app.pages.pipeline import pipeline_page
from crm_app.pages.public_service import request_form, survey_page
from crm_app.pages.record360 import company_page, contact_page
from crm_app.pages.settings import settings_page
from crm_app.pages.ticket import new_ticket_page, ticket_page
from crm_app.pages.tickets import tickets_page
from crm_app.pages.upcoming import UPCOMING, upcoming_page
from crm_app.state.analytics import AnalyticsState
from crm_app.state.analytics_records import AnalyticsRecordsState
from crm_app.state.automations import AutomationsState
from crm_app.state.campaign_page import CampaignPageState
from crm_app.state.campaigns import CampaignsState
from crm_app.state.companies import CompaniesState
from crm_app.state.contacts import ContactsState
from crm_app.state.currencies_admin import CurrenciesAdminState
from crm_app.state.custom_fields_admin import CustomFieldsState
from crm_app.state.dashboard import DashboardState
from crm_app.state.deal_form import DealFormState
from crm_app.state.duplicates import DuplicatesState
from crm_app.state.forecast import ForecastState
from crm_app.state.importer import ImportState
from crm_app.state.jobs_admin import JobsAdminState
from crm_app.state.lead_form_public import LeadFormPublicState
from crm_app.state.lead_forms import LeadFormsState
from crm_app.state.login import LoginState
from crm_app.state.mail_admin import MailAdminState
from crm_app.state.maven_import import MavenImportState
from crm_app.state.my_work import MyWorkState
from crm_app.state.overview import OverviewState
from crm_app.state.pipeline import PipelineState
from crm_app.state.pipelines_admin import PipelinesAdminState
from crm_app.state.preferences import PreferencesState
from crm_app.state.public_service import PublicServiceState
from crm_app.state.record360 import Record360State
from crm_app.state.ticket_new import TicketNewState
from crm_app.state.ticket_page import TicketPageState
from crm_app.state.tickets import TicketsState
from crm_app.state.users_admin import UsersAdminState

app = rx.App(
    api_transformer=api,
    stylesheets=["/rapport.css"],
    head_components=[rx.el.meta(name="color-scheme", content="light dark")],
)
# The job runner (mail, reminders) runs beside each app process; RAPPORT_WORKER=0 turns it off
# where `rapport worker` runs on its own.
worker.start_in_background(app)

# The signed-in pages' addresses: the sidebar and top bar (shell_frame, one app wrap kept while
# moving between pages) show on these and not on the public ones.
SIGNED_IN: list[str] = []


def add_page(render, *, route: str, public: bool = False, **kwargs) -> None:
    if not public:
        SIGNED_IN.append(route)
    app.add_page(render, route=route, **kwargs)


add_page(
    login_page, route="/login", public=True, title="Log in · Rapport", on_load=LoginState.load_login
)
add_page(dashboard_page, route="/", title="Dashboard · Rapport", on_load=DashboardState.load)
add_page(my_work_page, route="/my-work", title="My work · Rapport", on_load=MyWorkState.load)
add_page(contacts_page, route="/contacts", title="Contacts · Rapport", on_load=ContactsState.load)
add_page(
    companies_page, route="/companies", title="Companies · Rapport", on_load=CompaniesState.load
)
add_page(
    functools.partial(duplicates_page, "contact"),
    route="/contacts/duplicates",
    title="Duplicate contacts · Rapport",
    on_load=DuplicatesState.load_contacts,
)
add_page(
    functools.partial(duplicates_page, "company"),
    route="/companies/duplicates",
    title="Duplicate companies · Rapport",
    on_load=DuplicatesState.load_companies,
)
add_page(
    functools.partial(import_page, "contact"),
    route="/contacts/import",
    title="Import contacts · Rapport",
    on_load=ImportState.load_contacts,
)
add_page(
    functools.partial(import_page, "company"),
    route="/companies/import",
    title="Import companies · Rapport",
    on_load=ImportState.load_companies,
)
add_page(
    functools.partial(import_page, "deal"),
    route="/pipeline/import",
    title="Import deals · Rapport",
    on_load=[ImportState.load_deals, MavenImportState.load],
)
add_page(
    functools.partial(import_page, "ticket"),
    route="/tickets/import",
    title="Import tickets · Rapport",
    on_load=ImportState.load_tickets,
)
# A record's own address: its customer-360 page.
add_page(
    contact_page,
    route="/contacts/[record_id]",
    title="Contact · Rapport",
    on_load=Record360State.load_contact,
)
add_page(
    company_page,
    route="/companies/[record_id]",
    title="Company · Rapport",
    on_load=Record360State.load_company,
)
add_page(pipeline_page, route="/pipeline", title="Pipeline · Rapport", on_load=PipelineState.load)
add_page(
    pipeline_page,
    route="/deals/[record_id]",
    title="Pipeline · Rapport",
    on_load=[PipelineState.load, DealFormState.open_from_route],
)
add_page(
    tickets_page,
    route="/tickets",
    title="Tickets · Rapport",
    on_load=TicketsState.load,
)
add_page(
    new_ticket_page, route="/tickets/new", title="New ticket · Rapport", on_load=TicketNewState.load
)
add_page(
    ticket_page,
    route="/tickets/[record_id]",
    title="Ticket · Rapport",
    on_load=TicketPageState.load,
)
# Public pages (no login): the support request form and the satisfaction survey.
add_page(
    request_form,
    route="/support",
    public=True,
    title="Customer support",
    on_load=PublicServiceState.load_request_form,
)
add_page(
    survey_page,
    route="/csat/[token]",
    public=True,
    title="Rate our support",
    on_load=PublicServiceState.load_survey,
)
add_page(
    analytics_page, route="/analytics", title="Analytics · Rapport", on_load=AnalyticsState.load
)
add_page(
    analytics_records_page,
    route="/analytics/records",
    title="Analytics records · Rapport",
    on_load=AnalyticsRecordsState.load,
)
for _route, _page in UPCOMING.items():
    add_page(
        functools.partial(upcoming_page, _route),
        route=_route,
        title=f"{_page.title} · Rapport",
        on_load=OverviewState.load_counts,
    )
add_page(
    forecast_page,
    route="/pipeline/forecast",
    title="Forecast · Rapport",
    on_load=ForecastState.load,
)
add_page(
    settings_page,
    route="/settings",
    title="Settings · Rapport",
    on_load=[
        PreferencesState.load_preferences,
        UsersAdminState.load_users,
        CustomFieldsState.load_fields,
        PipelinesAdminState.load_pipelines,
        CurrenciesAdminState.load_currencies,
        MailAdminState.load_mail_settings,
        JobsAdminState.load_jobs,
    ],
)
add_page(
    marketing_page, route="/marketing", title="Marketing · Rapport", on_load=CampaignsState.load
)
add_page(
    campaign_page,
    route="/marketing/campaigns/[campaign_id]",
    title="Campaign · Rapport",
    on_load=CampaignPageState.load,
)
add_page(
    automations_page,
    route="/automations",
    title="Automations · Rapport",
    on_load=[AutomationsState.load, LeadFormsState.load],
)
# Public (no login): a lead-capture form, also shown in an iframe on other sites.
add_page(
    lead_form_page,
    route="/f/[slug]",
    public=True,
    title="Contact us",
    on_load=LeadFormPublicState.load_form,
)
add_page(not_found_page, route="404", public=True, title="Page not found · Rapport")

app.extra_app_wraps[1, "RapportShell"] = lambda _stateful: shell_frame(SIGNED_IN)
