"""The one table every list uses: sticky sortable headers, row selection, row click, paging."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from crm_app.components.i18n import T
from crm_app.state.base import AppState
from crm_app.state.record_list import Column


def column_label(column: rx.Var[Column]) -> rx.Var[str]:
    return rx.cond(column.translate, AppState.tr.get(column.label, column.label), column.label).to(
        str
    )


def _sort_icon(column: rx.Var[Column], sort: rx.Var[str], descending: rx.Var[bool]) -> rx.Component:
    return rx.cond(
        sort == column.id,
        rx.cond(descending, rx.icon("arrow-down", size=14), rx.icon("arrow-up", size=14)),
        rx.cond(column.sortable, rx.icon("arrow-up-down", size=14, opacity="0.35"), rx.fragment()),
    )


def data_table(
    *,
    rows: rx.Var[list[dict[str, str]]],
    columns: rx.Var[list[Column]],
    sort: rx.Var[str],
    descending: rx.Var[bool],
    on_sort: Callable[[rx.Var[str]], rx.event.EventSpec],
    on_row_click: Callable[[rx.Var[str]], rx.event.EventSpec],
    selected: rx.Var[list[str]],
    on_toggle_row: Callable[[rx.Var[str]], rx.event.EventSpec],
    on_toggle_page: rx.event.EventSpec,
    page_selected: rx.Var[bool],
    first_column: Callable[[rx.Var[dict[str, str]]], rx.Component],
    test_id: str,
    toned: bool = False,
) -> rx.Component:
    """A dense table; the first column (the record's name) is rendered by ``first_column``.
    ``toned``: in the columns marked ``toned``, a row's ``<column>_tone`` value (CSS classes,
    e.g. "rp-pill rp-tone-red") is put on the cell's text, so a status or a due time can show
    as a coloured pill (the other cells stay bare text: fewer elements to mount)."""
    header = rx.el.thead(
        rx.el.tr(
            rx.el.th(
                rx.el.input(
                    type="checkbox",
                    checked=page_selected,
                    on_change=lambda _v: on_toggle_page,
                    aria_label=T("Select all on this page"),
                    class_name="rp-check",
                ),
                class_name="rp-check-cell",
            ),
            rx.foreach(
                columns,
                lambda c: rx.el.th(
                    rx.hstack(
                        rx.text(column_label(c), size="1", weight="bold", white_space="nowrap"),
                        _sort_icon(c, sort, descending),
                        spacing="1",
                        align="center",
                    ),
                    on_click=rx.cond(c.sortable, on_sort(c.id), rx.noop()),
                    class_name=rx.cond(c.sortable, "rp-sortable", ""),
                    aria_sort=rx.cond(
                        sort == c.id, rx.cond(descending, "descending", "ascending"), "none"
                    ),
                ),
            ),
        )
    )

    # The body is plain HTML styled by assets/rapport.css (.rp-table): 50 rows × 9 cells of
    # Radix components made opening the list rendering-bound (docs/performance.md).
    def cell(r: rx.Var[dict[str, str]], c: rx.Var[Column]) -> rx.Component | rx.Var:
        if not toned:
            return r[c.id]
        return rx.cond(
            c.toned,
            rx.el.span(r[c.id], class_name=r[c.id.to(str) + "_tone"].to(str)),
            r[c.id],
        )

    def row(r: rx.Var[dict[str, str]]) -> rx.Component:
        return rx.el.tr(
            rx.el.td(
                rx.el.input(
                    type="checkbox",
                    checked=selected.contains(r["id"]),
                    on_change=lambda _v: on_toggle_row(r["id"]),
                    aria_label=T("Select row"),
                    class_name="rp-check",
                ),
                on_click=rx.stop_propagation,
            ),
            rx.el.td(first_column(r)),
            rx.foreach(columns[1:], lambda c: rx.el.td(cell(r, c), dir="auto")),
            on_click=on_row_click(r["id"]),
            data_testid=f"{test_id}-row",
        )

    return rx.box(
        rx.el.table(
            header,
            rx.el.tbody(rx.foreach(rows, row)),
            class_name="rp-table",
        ),
        class_name="rp-table-wrap",
        max_height="calc(100vh - 300px)",
        min_height="240px",
        data_testid=test_id,
    )


def pager(
    *,
    label: rx.Var[str],
    has_prev: rx.Var[bool],
    has_next: rx.Var[bool],
    on_prev: rx.event.EventSpec,
    on_next: rx.event.EventSpec,
) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color="var(--gray-11)", data_testid="result-count"),
        rx.spacer(),
        rx.icon_button(
            rx.icon("chevron-left", class_name="flip-rtl"),
            variant="soft",
            color_scheme="gray",
            disabled=~has_prev,
            on_click=on_prev,
            aria_label=T("Previous page"),
        ),
        rx.icon_button(
            rx.icon("chevron-right", class_name="flip-rtl"),
            variant="soft",
            color_scheme="gray",
            disabled=~has_next,
            on_click=on_next,
            aria_label=T("Next page"),
        ),
        align="center",
        width="100%",
        padding_y="8px",
    )
