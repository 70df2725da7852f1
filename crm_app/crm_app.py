"""The Reflex app: routes, their on-load handlers and the theme."""

from __future__ import annotations

import functools

import reflex as rx

from crm_app.pages.dashboard import dashboard_page
from crm_app.pages.login import login_page
from crm_app.pages.not_found import not_found_page
from crm_app.pages.settings import settings_page
from crm_app.pages.upcoming import UPCOMING, upcoming_page
from crm_app.state.dashboard import DashboardState
from crm_app.state.login import LoginState
from crm_app.state.overview import OverviewState
from crm_app.state.preferences import PreferencesState
from crm_app.state.users_admin import UsersAdminState

app = rx.App(
    stylesheets=["/rapport.css"],
    head_components=[rx.el.meta(name="color-scheme", content="light dark")],
)

app.add_page(login_page, route="/login", title="Log in · Rapport", on_load=LoginState.load_login)
app.add_page(dashboard_page, route="/", title="Dashboard · Rapport", on_load=DashboardState.load)
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
    on_load=[PreferencesState.load_preferences, UsersAdminState.load_users],
)
app.add_page(not_found_page, route="404", title="Page not found · Rapport")
