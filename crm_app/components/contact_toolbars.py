"""The contacts list's toolbars: saved segments, and the bulk actions on a selection."""

from __future__ import annotations

import reflex as rx

from crm_app.components.filters import option_select
from crm_app.components.i18n import T
from crm_app.components.list_tools import column_chooser, delete_selected, export_menu
from crm_app.state.contacts import ContactsState as S


def segment_bar() -> rx.Component:
    return rx.hstack(
        rx.select.root(
            rx.select.trigger(
                placeholder=T("Saved segments"), width="240px", aria_label=T("Saved segments")
            ),
            rx.select.content(
                rx.foreach(
                    S.segments,
                    lambda g: rx.select.item(
                        rx.hstack(
                            rx.text(g["name"]),
                            rx.badge(g["count"], variant="soft", size="1"),
                            rx.cond(g["shared"] == "1", rx.icon("users", size=12)),
                            align="center",
                        ),
                        value=g["id"],
                    ),
                )
            ),
            value=S.segment_id,
            on_change=S.apply_segment,
        ),
        save_segment_dialog(),
        column_chooser(S),
        export_menu(S),
        spacing="2",
        align="center",
    )


def save_segment_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("bookmark-plus", size=14),
                T("Save as segment"),
                variant="soft",
                disabled=S.filters.length() == 0,
            )
        ),
        rx.dialog.content(
            rx.dialog.title(T("Save as segment")),
            rx.dialog.description(
                T("Saves the current filters under a name; the member count stays live."),
                size="2",
                margin_bottom="12px",
            ),
            rx.form(
                rx.vstack(
                    rx.input(
                        name="name",
                        placeholder=T("e.g. Customers in Germany not contacted for 90 days"),
                        required=True,
                        aria_label=T("Name"),
                        max_length=120,
                    ),
                    rx.checkbox(T("Share with the team"), name="shared"),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                T("Cancel"), variant="soft", color_scheme="gray", type="button"
                            )
                        ),
                        rx.dialog.close(rx.button(T("Save segment"), type="submit")),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=S.save_segment,
            ),
            max_width="440px",
        ),
    )


def bulk_bar() -> rx.Component:
    return rx.cond(
        S.selected.length() > 0,
        rx.hstack(
            rx.text(S.selected_label, size="2", weight="medium"),
            rx.popover.root(
                rx.popover.trigger(
                    rx.button(rx.icon("tag", size=14), T("Tag"), size="1", variant="soft")
                ),
                rx.popover.content(
                    rx.form(
                        rx.hstack(
                            rx.input(
                                name="tags",
                                placeholder=T("Tags, separated by commas"),
                                aria_label=T("Tags"),
                            ),
                            rx.popover.close(rx.button(T("Add"), type="submit")),
                        ),
                        on_submit=S.bulk_tag,
                    )
                ),
            ),
            rx.cond(
                S.user_is_admin | (S.user_role == "manager"),
                option_select(
                    "",
                    S.options["owners"],
                    S.bulk_owner,
                    T("Assign owner"),
                    label=T("Assign owner"),
                    extra=[("none", T("No owner"))],
                    width="160px",
                ),
            ),
            option_select(
                "",
                S.options["stages"],
                S.bulk_stage,
                T("Change stage"),
                label=T("Change stage"),
                width="160px",
            ),
            delete_selected(
                S,
                T("Delete contacts"),
                T(
                    "Delete the selected contacts? Their e-mails, phones and tags go too. "
                    "This cannot be undone."
                ),
            ),
            spacing="2",
            align="center",
            padding="8px 12px",
            border_radius="var(--radius-3)",
            background="var(--accent-3)",
            width="100%",
            data_testid="bulk-bar",
        ),
    )
