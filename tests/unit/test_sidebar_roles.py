"""The sidebar shows each role only the pages its role may open: an entry's permission is
the one every on-load handler of its page is guarded by."""

from __future__ import annotations

import pytest

from crm_app.components import shell
from crm_app.models import Role
from crm_app.services.auth import CurrentUser
from crm_app.services.permissions import Perm, can
from crm_app.state.analytics import AnalyticsState
from crm_app.state.automations import AutomationsState
from crm_app.state.base import AppState
from crm_app.state.campaigns import CampaignsState
from crm_app.state.companies import CompaniesState
from crm_app.state.contacts import ContactsState
from crm_app.state.currencies_admin import CurrenciesAdminState
from crm_app.state.custom_fields_admin import CustomFieldsState
from crm_app.state.dashboard import DashboardState
from crm_app.state.guard import GUARD_ATTR
from crm_app.state.jobs_admin import JobsAdminState
from crm_app.state.lead_forms import LeadFormsState
from crm_app.state.mail_admin import MailAdminState
from crm_app.state.my_work import MyWorkState
from crm_app.state.pipeline import PipelineState
from crm_app.state.pipelines_admin import PipelinesAdminState
from crm_app.state.preferences import PreferencesState
from crm_app.state.tickets import TicketsState
from crm_app.state.users_admin import UsersAdminState

from .state_calls import state_instance

# Each sidebar page's on-load handlers, as crm_app/crm_app.py registers them.
ON_LOAD = {
    "/": [(DashboardState, "load")],
    "/my-work": [(MyWorkState, "load")],
    "/contacts": [(ContactsState, "load")],
    "/companies": [(CompaniesState, "load")],
    "/pipeline": [(PipelineState, "load")],
    "/tickets": [(TicketsState, "load")],
    "/analytics": [(AnalyticsState, "load")],
    "/marketing": [(CampaignsState, "load")],
    "/automations": [(AutomationsState, "load"), (LeadFormsState, "load")],
    "/settings": [
        (PreferencesState, "load_preferences"),
        (UsersAdminState, "load_users"),
        (CustomFieldsState, "load_fields"),
        (PipelinesAdminState, "load_pipelines"),
        (CurrenciesAdminState, "load_currencies"),
        (MailAdminState, "load_mail_settings"),
        (JobsAdminState, "load_jobs"),
    ],
}

EXPECTED = {
    Role.ADMIN: [href for _, href, _, _ in shell.NAV],
    Role.MANAGER: [href for _, href, _, _ in shell.NAV],
    Role.SALES: [h for _, h, _, _ in shell.NAV if h != "/marketing"],
    Role.SUPPORT: [h for _, h, _, _ in shell.NAV if h != "/marketing"],
    Role.READ_ONLY: [h for _, h, _, _ in shell.NAV if h != "/marketing"],
}


def _perms_of(role: Role) -> list[str]:
    state = state_instance(AppState)
    user = CurrentUser(1, "Pat", "pat@example.com", role.value, "en", "UTC")
    state._remember_user(user)
    return state.user_perms


def test_every_sidebar_page_is_listed_here():
    assert sorted(ON_LOAD) == sorted(href for _, href, _, _ in shell.NAV)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_the_pages_it_may_open(role):
    shown = shell.nav_entries(_perms_of(role))
    assert shown == EXPECTED[role]
    for href, handlers in ON_LOAD.items():
        needed = {getattr(cls.event_handlers[name].fn, GUARD_ATTR) for cls, name in handlers}
        may_open = all(can(role.value, Perm(p)) for p in needed)
        assert (href in shown) is may_open, href


def test_a_role_change_updates_the_permissions():
    state = state_instance(AppState)
    state._remember_user(CurrentUser(1, "Pat", "pat@example.com", "manager", "en", "UTC"))
    assert Perm.MARKETING.value in state.user_perms
    state._remember_user(CurrentUser(1, "Pat", "pat@example.com", "sales", "en", "UTC"))
    assert Perm.MARKETING.value not in state.user_perms
    assert shell.nav_entries([]) == [h for _, h, _, p in shell.NAV if p is None]


def test_the_rendered_sidebar_hides_marketing_behind_its_permission():
    rendered = str(shell.nav_list())
    assert rendered.count("user_perms") == 2  # Analytics and Marketing
    assert '"marketing.manage"' in rendered and '"/marketing"' in rendered
