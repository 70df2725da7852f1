"""The app shell: sidebar, top bar with search and user menu, page header, content."""

from __future__ import annotations

import json
import re

import reflex as rx
from reflex.utils.imports import ImportVar
from reflex.vars.base import Var, VarData

from crm_app.components.global_search import global_search
from crm_app.components.i18n import T, localized
from crm_app.components.notification_bell import notification_bell, notification_watcher
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm
from crm_app.state.base import AppState
from crm_app.state.companies import CompaniesState
from crm_app.state.contacts import ContactsState
from crm_app.state.pipeline import PipelineState
from crm_app.state.tickets import TicketsState

# (label, address, icon, the permission the page needs or None when any signed-in user may
# open it); an entry is shown only to roles holding its permission (see the pages' on-load).
NAV: list[tuple[str, str, str, Perm | None]] = [
    (N_("Dashboard"), "/", "layout-dashboard", None),
    (N_("My work"), "/my-work", "list-checks", None),
    (N_("Contacts"), "/contacts", "contact", None),
    (N_("Companies"), "/companies", "building-2", None),
    (N_("Pipeline"), "/pipeline", "kanban", None),
    (N_("Tickets"), "/tickets", "life-buoy", None),
    (N_("Analytics"), "/analytics", "chart-column", Perm.REPORTS),
    (N_("Marketing"), "/marketing", "megaphone", Perm.MARKETING),
    (N_("Automations"), "/automations", "workflow", None),
    (N_("Settings"), "/settings", "settings", None),
]


def nav_entries(perms: list[str] | set[str]) -> list[str]:
    """The addresses of the sidebar entries shown to a user holding ``perms``."""
    return [href for _, href, _, perm in NAV if perm is None or perm.value in perms]


# Addresses that belong to a sidebar entry besides its own and those below it.
ALSO_UNDER = {"/pipeline": ("/deals",)}

# The address the browser shows (React Router's location): the shell outlives the pages, so it
# reads the address itself instead of being told by each page. Until the page has hydrated it is
# "" on server and client alike: the prerendered HTML of an address without its own file (the
# SPA fallback, rendered for "/") must not mark an entry the browser then keeps (React does not
# correct attributes while hydrating); useSyncExternalStore renders again right after hydration.
_HOOK = (
    "const rpLocation = useLocation().pathname; "
    "const rpHydrated = useSyncExternalStore(rpNoSubscribe, () => true, () => false); "
    'const rpPath = rpHydrated ? rpLocation : "";'
)
PATH = Var(
    _js_expr="rpPath",
    _var_type=str,
    _var_data=VarData(
        imports={
            "react-router": [ImportVar(tag="useLocation")],
            "react": [ImportVar(tag="useSyncExternalStore")],
        },
        hooks={"const rpNoSubscribe = () => () => {};": None, _HOOK: None},
    ),
)


def _js_bool(expr: str) -> Var[bool]:
    return Var(_js_expr=f"({expr})", _var_type=bool, _var_data=PATH._get_all_var_data())


def is_current(href: str) -> Var[bool]:
    """Whether the address is the entry's page or one below it (the dashboard only itself)."""
    if href == "/":
        return _js_bool('rpPath === "/"')
    tests = [
        f"rpPath === {json.dumps(p)} || rpPath.startsWith({json.dumps(p + '/')})"
        for p in (href, *ALSO_UNDER.get(href, ()))
    ]
    return _js_bool(" || ".join(tests))


def route_pattern(routes: list[str]) -> str:
    """A regular expression matching the addresses of ``routes`` ("/contacts/[record_id]")."""
    parts = [
        "/".join("[^/]+" if seg.startswith("[") else re.escape(seg) for seg in r.split("/"))
        for r in routes
    ]
    return "^(?:" + "|".join(parts) + ")/?$"


def on_route(routes: list[str], *, hydrated: bool = False) -> Var[bool]:
    """True on ``routes`` and, until hydrated, everywhere (CSS hides the shell then unless the
    page is a signed-in one, see shell_frame); ``hydrated``: only on ``routes``, once hydrated."""
    test = f"new RegExp({json.dumps(route_pattern(routes))}).test(rpLocation)"
    return _js_bool(f"rpHydrated && {test}" if hydrated else f"!rpHydrated || {test}")


# Lists whose data the click on their sidebar link starts loading, before the page mounts.
PREFETCH = {
    "/contacts": ContactsState.prefetch,
    "/companies": CompaniesState.prefetch,
    "/pipeline": PipelineState.prefetch,
    "/tickets": TicketsState.prefetch,
}

SIDEBAR_WIDTH = "232px"


def brand() -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.icon("handshake", size=18, color="white"),
            width="32px",
            height="32px",
            border_radius="9px",
            background="linear-gradient(135deg, var(--accent-9), var(--accent-11))",
        ),
        rx.text("Rapport", size="5", weight="bold", letter_spacing="-0.02em"),
        align="center",
        spacing="2",
        padding_x="12px",
        padding_y="16px",
    )


def nav_item(label: str, href: str, icon: str) -> rx.Component:
    """A sidebar entry; it marks itself (aria-current, styled in rapport.css) from the address."""
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=18),
            rx.text(T(label), size="2", weight="medium"),
            align="center",
            spacing="3",
            padding_x="12px",
            padding_y="8px",
            border_radius="8px",
            width="100%",
            class_name="rp-nav-row",
        ),
        href=href,
        underline="none",
        width="100%",
        class_name="rp-nav-item",
        aria_current=rx.cond(is_current(href), "page", "false"),
        on_click=PREFETCH.get(href),
    )


def _shown(perm: Perm | None, item: rx.Component) -> rx.Component:
    if perm is None:
        return item
    return rx.cond(AppState.user_perms.contains(perm.value), item)


def nav_list() -> rx.Component:
    return rx.vstack(
        *[_shown(perm, nav_item(label, href, icon)) for label, href, icon, perm in NAV],
        spacing="1",
        width="100%",
        padding_x="8px",
    )


def sidebar() -> rx.Component:
    return rx.box(
        rx.el.nav(
            rx.vstack(
                brand(),
                nav_list(),
                rx.spacer(),
                rx.text(T("Rapport CRM"), size="1", color="var(--gray-9)", padding="12px 20px"),
                height="100%",
                spacing="2",
            ),
            aria_label=T("Main"),
            style={"height": "100%"},
        ),
        display=["none", "none", "block"],
        position="fixed",
        inset_inline_start="0",
        top="0",
        width=SIDEBAR_WIDTH,
        height="100vh",
        border_inline_end="1px solid var(--gray-a5)",
        background="var(--gray-2)",
        z_index="10",
    )


def mobile_menu() -> rx.Component:
    """Narrow screens: the navigation in a side sheet (a Radix dialog styled by .rp-sheet in
    rapport.css). Not vaul's drawer: its root, mounted on every page even where it is hidden,
    reads the scroll position on every scroll event, which forced a layout of each new page
    while it was being mounted (docs/performance.md)."""
    return rx.box(
        rx.dialog.root(
            rx.dialog.trigger(
                rx.icon_button(rx.icon("menu"), variant="ghost", aria_label=T("Open menu")),
            ),
            rx.dialog.content(
                rx.vstack(
                    rx.hstack(
                        brand(),
                        rx.spacer(),
                        rx.dialog.close(
                            rx.icon_button(
                                rx.icon("x"), variant="ghost", aria_label=T("Close menu")
                            )
                        ),
                        width="100%",
                        align="center",
                    ),
                    nav_list(),
                    width="100%",
                ),
                rx.dialog.title(T("Main"), class_name="sr-only"),
                rx.dialog.description(T("Rapport CRM"), class_name="sr-only"),
                class_name="rp-sheet",
            ),
            key=PATH,  # a new address closes the sheet (the shell itself stays mounted)
        ),
        display=["block", "block", "none"],
    )


def user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.avatar(fallback=AppState.user_initials, size="2", radius="full"),
                rx.box(
                    rx.text(AppState.user_name, size="2", weight="medium", line_height="1.1"),
                    rx.text(AppState.user_role_label, size="1", color="var(--gray-10)"),
                    text_align="start",
                    display=["none", "none", "block"],
                ),
                rx.icon("chevron-down", size=14),
                variant="ghost",
                color_scheme="gray",
                height="auto",
                padding="4px 8px",
                aria_label=T("User menu"),
            ),
        ),
        rx.menu.content(
            rx.menu.item(
                rx.text(AppState.user_email, size="1", color="var(--gray-10)"), disabled=True
            ),
            rx.menu.separator(),
            rx.menu.item(
                rx.icon("user-cog", size=16),
                T("Profile and settings"),
                on_click=rx.redirect("/settings"),
            ),
            rx.menu.item(
                rx.icon("log-out", size=16),
                T("Log out"),
                on_click=AppState.logout,
                color="var(--red-11)",
            ),
            align="end",
        ),
    )


def top_bar() -> rx.Component:
    return rx.hstack(
        mobile_menu(),
        global_search(),
        rx.spacer(),
        notification_bell(),
        rx.color_mode.button(variant="ghost", aria_label=T("Toggle light and dark mode")),
        user_menu(),
        align="center",
        spacing="3",
        padding_x=["12px", "16px", "24px"],
        height="60px",
        border_bottom="1px solid var(--gray-a5)",
        background="var(--color-panel-solid)",
        position="sticky",
        top="0",
        z_index="5",
        margin_inline_start=["0", "0", SIDEBAR_WIDTH],
    )


def page_header(
    title: str | rx.Var, description: str | rx.Var, *actions: rx.Component
) -> rx.Component:
    return rx.flex(
        rx.box(
            rx.heading(title, size="7", weight="bold", letter_spacing="-0.02em"),
            rx.text(description, size="2", color="var(--gray-11)", margin_top="4px"),
        ),
        rx.spacer(),
        rx.hstack(*actions, spacing="2"),
        direction=rx.breakpoints(initial="column", sm="row"),
        align=rx.breakpoints(initial="start", sm="end"),
        spacing="3",
        margin_bottom="24px",
        width="100%",
    )


def app_shell(*children: rx.Component) -> rx.Component:
    """A signed-in page's content, beside the sidebar and below the top bar of ``shell_frame``."""
    return localized(
        rx.box(
            rx.el.main(
                *children,
                style={"padding": "28px 32px", "maxWidth": "1280px", "width": "100%"},
                class_name="rapport-main",
            ),
            margin_inline_start=["0", "0", SIDEBAR_WIDTH],
            min_height="calc(100vh - 60px)",
            background="var(--gray-1)",
            class_name="rp-app-page",
        ),
    )


# After moving to another page, focus goes to the new page's heading (or the page itself), as a
# full page load would reset it: a keyboard or screen-reader user lands on the new content
# instead of staying on the sidebar link, and the heading is announced. Not on the first page
# shown, and not when the new page has already put focus inside itself (an autofocus field).
_FOCUS_HOOK = """const rpFocusPath = useRef(null);
useEffect(() => {
  if (!rpHydrated) return;
  const from = rpFocusPath.current;
  rpFocusPath.current = rpLocation;
  if (from === null || from === rpLocation) return;
  const page = document.querySelector(".rp-app-page");
  const active = document.activeElement;
  if (!page || (active && active !== document.body && page.contains(active))) return;
  const target = page.querySelector("h1") || page;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
}, [rpLocation, rpHydrated]);"""


class PageFocus(rx.Fragment):
    """Renders nothing; moves focus to the new page after navigation (``_FOCUS_HOOK``)."""

    def add_hooks(self) -> list[str | Var]:
        return [
            Var(
                _js_expr=_FOCUS_HOOK,
                _var_data=VarData.merge(
                    PATH._get_all_var_data(),
                    VarData(
                        imports={"react": [ImportVar(tag="useEffect"), ImportVar(tag="useRef")]}
                    ),
                ),
            )
        ]


def shell_frame(routes: list[str]) -> rx.Component:
    """The sidebar and the top bar, rendered once around every page (an app wrap, see
    crm_app.py) and mounted on the signed-in ``routes``: moving between pages mounts only the
    new page, not the navigation, search, bell and user menu again (docs/performance.md).

    Before hydration (the prerendered HTML) the shell is always rendered but shown only beside a
    signed-in page's content (.rp-app-page, rapport.css), so the public pages and the SPA
    fallback never show it. Its box takes no room (display: contents), so the top bar sticks over
    the whole page."""

    return rx.fragment(  # the app wrap chain appends the page to this fragment
        rx.cond(
            on_route(routes),
            rx.fragment(
                # The pages set the document's language (localized); this keeps no hooks of its
                # own in the app wrap, where they would run above the state provider.
                localized(sidebar(), top_bar(), class_name="rp-shell", document=False),
                # Starts the notifications' watch, a signed-in handler: never on a public page,
                # where it would send the visitor to the login page.
                rx.cond(
                    on_route(routes, hydrated=True),
                    rx.fragment(notification_watcher(), PageFocus.create()),
                ),
            ),
        )
    )
