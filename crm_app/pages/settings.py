"""Settings: my profile; for admins users, installation, custom fields, pipelines, currencies,
outgoing mail and background jobs."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import admin_table, panel
from crm_app.components.currencies_panel import currencies_panel
from crm_app.components.custom_fields_panel import custom_fields_panel
from crm_app.components.forms import field_label
from crm_app.components.i18n import T
from crm_app.components.jobs_panel import jobs_panel
from crm_app.components.mail_panel import mail_panel
from crm_app.components.pipelines_panel import pipelines_panel
from crm_app.components.service_panel import service_panel
from crm_app.components.shell import app_shell, page_header
from crm_app.models import Role
from crm_app.services.i18n import LANGUAGES
from crm_app.services.permissions import ROLE_LABELS
from crm_app.state.currencies_admin import CurrenciesAdminState
from crm_app.state.preferences import PreferencesState
from crm_app.state.users_admin import UsersAdminState, UserView

ROLE_ITEMS = [(r.value, ROLE_LABELS[r]) for r in Role]


def _role_items() -> list[rx.Component]:
    return [rx.select.item(T(label), value=value) for value, label in ROLE_ITEMS]


def _field(label: rx.Var, name: str, control: rx.Component) -> rx.Component:
    return rx.box(
        field_label(label, name),
        control,
        rx.cond(
            UsersAdminState.form_errors.contains(name),
            rx.text(
                UsersAdminState.form_errors.get(name, ""),
                size="1",
                color="var(--red-11)",
                data_testid=f"error-{name}",
                role="alert",
            ),
        ),
        width="100%",
    )


def create_user_dialog() -> rx.Component:
    role_select = rx.select.root(
        rx.select.trigger(width="100%", aria_label=T("Role")),
        rx.select.content(*_role_items()),
        name="role",
        default_value=Role.SALES.value,
    )
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("user-plus", size=16), T("New user"))),
        rx.dialog.content(
            rx.dialog.title(T("New user")),
            rx.dialog.description(
                T("They can log in right away with the password you choose."),
                size="2",
                margin_bottom="16px",
            ),
            rx.form(
                rx.vstack(
                    _field(T("Name"), "name", rx.input(id="name", name="name")),
                    _field(
                        T("E-mail"),
                        "email",
                        rx.input(id="email", name="email", type="email", dir="ltr"),
                    ),
                    _field(T("Role"), "role", role_select),
                    _field(
                        T("Password"),
                        "password",
                        rx.input(
                            id="password",
                            name="password",
                            type="password",
                            placeholder=T("At least 10 characters"),
                        ),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                T("Cancel"), variant="soft", color_scheme="gray", type="button"
                            )
                        ),
                        rx.button(T("Create user"), type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=UsersAdminState.create_user,
                reset_on_submit=False,
                no_validate=True,  # the server's messages appear beside each field
            ),
            max_width="460px",
        ),
        open=UsersAdminState.create_open,
        on_open_change=UsersAdminState.open_create,
    )


def password_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(T("New password")),
            rx.alert_dialog.description(UsersAdminState.new_password_for, size="2"),
            rx.code(
                UsersAdminState.new_password, size="5", margin_y="16px", data_testid="new-password"
            ),
            rx.flex(
                rx.alert_dialog.action(
                    rx.button(T("Done"), on_click=UsersAdminState.close_password)
                ),
                justify="end",
            ),
        ),
        open=UsersAdminState.new_password != "",
    )


def _user_row(u: rx.Var[UserView]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.avatar(fallback=u.name.to(str)[0], size="2", radius="full"),
                rx.box(
                    rx.text(u.name, weight="medium", size="2"),
                    rx.text(u.email, size="1", color="var(--gray-10)"),
                ),
                align="center",
                spacing="3",
            )
        ),
        rx.table.cell(
            rx.select.root(
                rx.select.trigger(variant="ghost", aria_label=T("Role")),
                rx.select.content(*_role_items()),
                value=u.role,
                on_change=lambda role: UsersAdminState.change_role(u.id, role),
                disabled=u.is_me,
                size="1",
            )
        ),
        rx.table.cell(
            rx.cond(
                u.active,
                rx.badge(rx.icon("check", size=12), T("Active"), color_scheme="green"),
                rx.badge(rx.icon("ban", size=12), T("Deactivated"), color_scheme="gray"),
            )
        ),
        rx.table.cell(rx.text(u.last_login, size="2", color="var(--gray-11)")),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    T("Reset password"),
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    on_click=UsersAdminState.reset_password(u.id),
                ),
                rx.cond(
                    u.active,
                    rx.button(
                        T("Deactivate"),
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        disabled=u.is_me,
                        on_click=UsersAdminState.set_active(u.id, False),
                    ),
                    rx.button(
                        T("Reactivate"),
                        size="1",
                        variant="soft",
                        color_scheme="green",
                        on_click=UsersAdminState.set_active(u.id, True),
                    ),
                ),
                spacing="2",
                justify="end",
            )
        ),
        align="center",
        data_testid="user-row",
    )


def users_panel() -> rx.Component:
    return panel(
        T("Users"),
        admin_table(
            [T("User"), T("Role"), T("Status"), T("Last login"), None],
            UsersAdminState.users,
            _user_row,
        ),
        password_dialog(),
        action=create_user_dialog(),
    )


def _tz_select(value: rx.Var, on_change, label: rx.Var) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="320px", max_width="100%", aria_label=label),
        rx.select.content(
            rx.foreach(PreferencesState.time_zones, lambda z: rx.select.item(z, value=z))
        ),
        value=value,
        on_change=on_change,
    )


def _language_select(value: rx.Var, on_change, label: rx.Var, test_id: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="320px", max_width="100%", aria_label=label, data_testid=test_id),
        rx.select.content(
            # Each language is named in its own language, the way people look for it.
            *[rx.select.item(lang.name, value=code, lang=code) for code, lang in LANGUAGES.items()]
        ),
        value=value,
        on_change=on_change,
    )


def _setting(title: rx.Var, hint: rx.Var, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(title, size="2", weight="medium"),
        rx.text(hint, size="1", color="var(--gray-10)"),
        control,
        spacing="2",
        width="100%",
    )


def profile_panel() -> rx.Component:
    p = PreferencesState
    return panel(
        T("My profile"),
        rx.vstack(
            _setting(
                T("Language"),
                T("The language of the whole interface, for you."),
                _language_select(
                    p.locale, PreferencesState.save_my_locale, T("Language"), "my-language"
                ),
            ),
            _setting(
                T("Time zone"),
                T("“Today” and “this month” on your dashboard follow this zone."),
                _tz_select(p.my_time_zone, PreferencesState.save_my_time_zone, T("Time zone")),
            ),
            spacing="5",
        ),
    )


def installation_panel() -> rx.Component:
    p = PreferencesState
    return panel(
        T("Installation"),
        rx.vstack(
            _setting(
                T("Installation time zone"),
                T("The default for new users and for reports."),
                _tz_select(
                    p.install_time_zone,
                    PreferencesState.save_install_time_zone,
                    T("Installation time zone"),
                ),
            ),
            _setting(
                T("Default language"),
                T("For new users and the login page."),
                _language_select(
                    p.install_locale,
                    PreferencesState.save_install_locale,
                    T("Default language"),
                    "default-language",
                ),
            ),
            _setting(
                T("Default phone country"),
                T(
                    "Phone numbers typed without a country code are read as numbers of this country."
                ),
                rx.select.root(
                    rx.select.trigger(
                        width="320px",
                        max_width="100%",
                        placeholder=T("Not set"),
                        aria_label=T("Default phone country"),
                    ),
                    rx.select.content(
                        rx.foreach(p.countries, lambda c: rx.select.item(c[1], value=c[0]))
                    ),
                    value=p.phone_region,
                    on_change=PreferencesState.save_phone_region,
                ),
            ),
            _setting(
                T("Base currency"),
                T("Reports convert amounts into this currency. Change it under Currencies."),
                rx.hstack(
                    rx.code(CurrenciesAdminState.base, size="3"),
                    rx.text(CurrenciesAdminState.base_name, size="2", color="var(--gray-11)"),
                    align="center",
                    spacing="2",
                ),
            ),
            spacing="5",
        ),
    )


def settings_page() -> rx.Component:
    return app_shell(
        page_header(T("Settings"), T("Your profile, your team and this installation.")),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger(T("My profile"), value="profile"),
                rx.cond(UsersAdminState.user_is_admin, rx.tabs.trigger(T("Users"), value="users")),
                rx.cond(
                    UsersAdminState.user_is_admin,
                    rx.tabs.trigger(T("Installation"), value="installation"),
                ),
                rx.cond(
                    UsersAdminState.user_is_admin,
                    rx.tabs.trigger(T("Custom fields"), value="fields"),
                ),
                rx.cond(
                    UsersAdminState.user_is_admin,
                    rx.tabs.trigger(T("Pipelines"), value="pipelines"),
                ),
                rx.cond(
                    UsersAdminState.user_is_admin,
                    rx.tabs.trigger(T("Currencies"), value="currencies"),
                ),
                rx.cond(
                    UsersAdminState.user_is_admin,
                    rx.tabs.trigger(T("Service"), value="service"),
                ),
                rx.cond(
                    UsersAdminState.user_is_admin,
                    rx.tabs.trigger(T("Outgoing mail"), value="mail"),
                ),
                rx.cond(
                    UsersAdminState.user_is_admin,
                    rx.tabs.trigger(T("Background jobs"), value="jobs"),
                ),
            ),
            rx.tabs.content(rx.box(profile_panel(), padding_top="16px"), value="profile"),
            rx.tabs.content(rx.box(users_panel(), padding_top="16px"), value="users"),
            rx.tabs.content(rx.box(installation_panel(), padding_top="16px"), value="installation"),
            rx.tabs.content(rx.box(custom_fields_panel(), padding_top="16px"), value="fields"),
            rx.tabs.content(rx.box(pipelines_panel(), padding_top="16px"), value="pipelines"),
            rx.tabs.content(rx.box(currencies_panel(), padding_top="16px"), value="currencies"),
            rx.tabs.content(rx.box(service_panel(), padding_top="16px"), value="service"),
            rx.tabs.content(rx.box(mail_panel(), padding_top="16px"), value="mail"),
            rx.tabs.content(rx.box(jobs_panel(), padding_top="16px"), value="jobs"),
            default_value="profile",
        ),
    )
