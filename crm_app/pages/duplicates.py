"""Possible duplicates: pairs with their score and reasons; dismiss, or merge field by field."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import empty_state
from crm_app.components.data_table import pager
from crm_app.components.i18n import T
from crm_app.components.list_tools import back_to_list
from crm_app.components.shell import app_shell, page_header
from crm_app.state.duplicates import DuplicatesState as S

STRENGTH_COLORS = {"strong": "red", "medium": "amber", "weak": "gray"}


def _score(pair: rx.Var) -> rx.Component:
    return rx.badge(
        pair["score"].to(str),
        color_scheme=rx.match(pair["strength"], ("strong", "red"), ("medium", "amber"), "gray"),
        variant="soft",
        size="2",
        min_width="40px",
        justify_content="center",
    )


def _record_link(name: rx.Var, record_id: rx.Var) -> rx.Component:
    base = rx.cond(S.entity == "contact", "/contacts/", "/companies/")
    return rx.link(name, href=base + record_id.to(str), weight="medium", dir="auto")


def _pair_card(pair: rx.Var) -> rx.Component:
    return rx.card(
        rx.flex(
            _score(pair),
            rx.box(
                rx.hstack(
                    _record_link(pair["a_name"], pair["a_id"]),
                    rx.icon("arrow-left-right", size=14, color="var(--gray-9)"),
                    _record_link(pair["b_name"], pair["b_id"]),
                    align="center",
                    wrap="wrap",
                ),
                rx.flex(
                    rx.foreach(
                        pair["reasons"].to(list[str]),
                        lambda r: rx.badge(r, variant="surface", color_scheme="gray", size="1"),
                    ),
                    spacing="1",
                    wrap="wrap",
                    margin_top="6px",
                ),
                flex="1",
                min_width="0",
            ),
            rx.cond(
                S.can_merge,
                rx.hstack(
                    rx.button(
                        T("Not duplicates"),
                        variant="soft",
                        color_scheme="gray",
                        size="2",
                        on_click=S.dismiss(pair["a_id"], pair["b_id"]),
                    ),
                    rx.button(
                        rx.icon("merge", size=14),
                        T("Merge…"),
                        size="2",
                        on_click=S.open_merge(pair["a_id"], pair["b_id"]),
                    ),
                    spacing="2",
                ),
            ),
            spacing="4",
            align="center",
            direction=rx.breakpoints(initial="column", sm="row"),
        ),
        width="100%",
        data_testid="duplicate-pair",
    )


def _choice(field: rx.Var, side: str) -> rx.Component:
    chosen = S.choices[field["key"]] == side
    return rx.el.label(
        rx.el.input(
            type="radio",
            name=field["key"],
            checked=chosen,
            on_change=lambda _v: S.choose(field["key"], side),
            class_name="rp-check",
        ),
        rx.text(rx.cond(field[side] != "", field[side], "—"), size="2", dir="auto"),
        class_name="rp-merge-choice",
        data_chosen=rx.cond(chosen, "true", "false"),
    )


def merge_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T("Merge two records")),
            rx.dialog.description(
                T(
                    "Pick the value to keep for each field. E-mail addresses, phones and tags "
                    "of both are kept; activities, deals, tickets, tasks and orders move to the "
                    "kept record; the other record is deleted."
                ),
                size="2",
                margin_bottom="12px",
            ),
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th(T("Field")),
                        rx.el.th(
                            rx.hstack(
                                rx.badge(T("Kept"), color_scheme="green", variant="soft"),
                                rx.text(S.survivor_name, dir="auto"),
                                align="center",
                            )
                        ),
                        rx.el.th(
                            rx.hstack(
                                rx.badge(T("Merged in"), color_scheme="gray", variant="soft"),
                                rx.text(S.other_name, dir="auto"),
                                align="center",
                            )
                        ),
                    )
                ),
                rx.el.tbody(
                    rx.foreach(
                        S.fields,
                        lambda f: rx.el.tr(
                            rx.el.td(rx.text(f["label"], size="2", color="var(--gray-11)")),
                            rx.el.td(_choice(f, "survivor")),
                            rx.el.td(_choice(f, "other")),
                        ),
                    )
                ),
                class_name="rp-table rp-merge-table",
            ),
            rx.vstack(
                rx.foreach(S.merge_summary, lambda line: rx.text(line, size="2")),
                spacing="1",
                margin_top="12px",
            ),
            rx.cond(
                S.merge_error != "",
                rx.callout(S.merge_error, icon="circle-alert", color_scheme="red", size="1"),
            ),
            rx.hstack(
                rx.button(
                    rx.icon("arrow-left-right", size=14),
                    T("Keep the other record"),
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.swap,
                ),
                rx.spacer(),
                rx.dialog.close(rx.button(T("Cancel"), variant="soft", color_scheme="gray")),
                rx.button(T("Merge"), color_scheme="red", on_click=S.confirm_merge),
                margin_top="16px",
                width="100%",
            ),
            max_width="760px",
        ),
        open=S.merge_open,
        on_open_change=S.set_merge_open,
    )


def duplicates_page(entity: str) -> rx.Component:
    contacts = entity == "contact"
    return app_shell(
        page_header(
            T("Possible duplicate contacts") if contacts else T("Possible duplicate companies"),
            T("Records that share an e-mail address, a phone number or a very similar name."),
            back_to_list(entity),
        ),
        rx.vstack(
            rx.hstack(
                rx.text(
                    S.count_label, size="2", color="var(--gray-11)", data_testid="duplicates-count"
                ),
                rx.spacer(),
                rx.checkbox(
                    T("Also show weak matches (similar name only)"),
                    checked=S.include_weak,
                    on_change=S.set_include_weak,
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                S.loaded & (S.total == 0),
                rx.card(
                    empty_state(
                        "circle-check",
                        T("No duplicates found"),
                        T("Nothing here shares an e-mail address, a phone or a name closely."),
                    ),
                    width="100%",
                ),
                rx.vstack(rx.foreach(S.pairs, _pair_card), spacing="2", width="100%"),
            ),
            rx.cond(
                S.pages > 1,
                pager(
                    label="",
                    has_prev=S.page > 1,
                    has_next=S.page < S.pages,
                    on_prev=S.go_page(-1),
                    on_next=S.go_page(1),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        merge_dialog(),
    )
