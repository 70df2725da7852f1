"""The bell in the top bar: unread count, a popover with the latest notifications, and the
hidden watcher that starts the live updates once the page has mounted."""

from __future__ import annotations

import reflex as rx

from crm_app.components.i18n import T
from crm_app.state.notifications import NotificationItem, NotificationsState


def _item(n: rx.Var[NotificationItem]) -> rx.Component:
    return rx.hstack(
        rx.box(
            width="8px",
            height="8px",
            min_width="8px",
            border_radius="50%",
            margin_top="6px",
            background=rx.cond(n.unread, "var(--accent-9)", "transparent"),
        ),
        rx.box(
            rx.text(
                n.text,
                size="2",
                weight=rx.cond(n.unread, "medium", "regular"),
                color=rx.cond(n.unread, "var(--gray-12)", "var(--gray-11)"),
            ),
            rx.text(n.ago, size="1", color="var(--gray-10)", title=n.exact),
            flex="1",
            min_width="0",
        ),
        align="start",
        spacing="2",
        width="100%",
        padding="10px 12px",
        border_radius="8px",
        cursor="pointer",
        background=rx.cond(n.unread, "var(--accent-a2)", "transparent"),
        _hover={"background": "var(--gray-a3)"},
        role="button",
        tab_index=0,
        on_click=NotificationsState.open_item(n.id),
        data_testid="notification-item",
        data_unread=rx.cond(n.unread, "true", "false"),
    )


def _list() -> rx.Component:
    s = NotificationsState
    return rx.cond(
        s.items.length() > 0,
        rx.scroll_area(
            rx.vstack(rx.foreach(s.items, _item), spacing="1", width="100%", padding="4px"),
            type="auto",
            scrollbars="vertical",
            style={"maxHeight": "420px"},
        ),
        rx.center(
            rx.vstack(
                rx.icon("bell-off", size=22, color="var(--gray-9)"),
                rx.text(T("No notifications yet."), size="2", color="var(--gray-11)"),
                align="center",
                spacing="2",
            ),
            padding="32px 16px",
        ),
    )


def notification_watcher() -> rx.Component:
    """Mounts (after the page) while no live watch runs for this client, and starts one. The
    shell places it (shell.shell_frame): only on a signed-in page, once hydrated."""
    return rx.cond(
        NotificationsState.watching,
        rx.fragment(),
        rx.box(on_mount=NotificationsState.start, display="none"),
    )


def notification_bell() -> rx.Component:
    s = NotificationsState
    trigger = rx.box(
        rx.icon_button(
            rx.icon("bell", size=18),
            variant="ghost",
            color_scheme="gray",
            aria_label=T("Notifications"),
            data_testid="notification-bell",
        ),
        rx.cond(
            s.unread > 0,
            rx.badge(
                s.unread_label,
                color_scheme="red",
                variant="solid",
                radius="full",
                size="1",
                position="absolute",
                top="-6px",
                inset_inline_end="-8px",
                min_width="18px",
                justify_content="center",
                pointer_events="none",
                data_testid="notification-count",
            ),
        ),
        position="relative",
        display="inline-flex",
    )
    return rx.fragment(
        rx.popover.root(
            rx.popover.trigger(trigger),
            rx.popover.content(
                rx.hstack(
                    rx.text(T("Notifications"), size="3", weight="bold"),
                    rx.spacer(),
                    rx.button(
                        rx.icon("check-check", size=14),
                        T("Mark all as read"),
                        size="1",
                        variant="ghost",
                        disabled=s.unread == 0,
                        on_click=NotificationsState.mark_all_read,
                        data_testid="notifications-mark-all",
                    ),
                    align="center",
                    width="100%",
                    padding="4px 8px 8px",
                    border_bottom="1px solid var(--gray-a4)",
                ),
                rx.cond(
                    s.loaded,
                    _list(),
                    rx.center(rx.spinner(), padding="32px"),
                ),
                width="360px",
                max_width="calc(100vw - 24px)",
                padding="8px",
                align="end",
                data_testid="notification-popover",
            ),
            open=s.menu_open,
            on_open_change=NotificationsState.set_menu_open,
        ),
    )
