"""A chart card: title, a CSV download of its data, the Plotly chart (PNG from its toolbar),
and optionally a click that opens the records behind a bar."""

from __future__ import annotations

from typing import Any

import reflex as rx

from crm_app.state.analytics_figures import CONFIG

from .i18n import T


def csv_button(on_click: Any, test_id: str) -> rx.Component:
    return rx.tooltip(
        rx.icon_button(
            rx.icon("download", size=14),
            variant="ghost",
            color_scheme="gray",
            size="1",
            on_click=on_click,
            aria_label=T("Download the data as CSV"),
            data_testid=test_id,
        ),
        content=T("Download the data as CSV"),
    )


def chart_card(
    title: str,
    figure: rx.Var,
    key: str,
    *,
    on_download: Any,
    on_click: Any = None,
    height: str = "300px",
    hint: str = "",
) -> rx.Component:
    """``title`` and ``hint`` are msgids; ``on_click`` receives Plotly's clicked points."""
    chart_props: dict[str, Any] = {"data": figure, "config": CONFIG, "width": "100%"}
    chart_props["height"] = height
    if on_click is not None:
        chart_props["on_click"] = on_click
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.heading(T(title), size="3", weight="bold"),
                rx.cond(
                    hint != "", rx.text(T(hint) if hint else "", size="1", color="var(--gray-11)")
                ),
                spacing="1",
            ),
            rx.spacer(),
            csv_button(on_download, f"csv-{key}"),
            align="start",
            margin_bottom="8px",
        ),
        rx.box(
            rx.plotly.cartesian(**chart_props),
            width="100%",
            min_height=height,
            role="img",
            aria_label=T(title),
            data_testid=f"chart-{key}",
            # Plotly lays out SVG text left to right; the figure mirrors itself for rtl.
            dir="ltr",
            cursor="pointer" if on_click is not None else "default",
        ),
        size="2",
        width="100%",
    )


def kpi_tile(label: rx.Var, value: rx.Var) -> rx.Component:
    return rx.card(
        rx.text(label, size="1", color="var(--gray-11)", weight="medium"),
        rx.text(value, size="6", weight="bold", dir="ltr", class_name="rp-kpi-value"),
        size="1",
        width="100%",
    )


def simple_table(headers: list[str], rows: rx.Var, *, test_id: str) -> rx.Component:
    """A small read-only table of ``TableRow``s (cells as text; the first links when set)."""
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(h)) for h in headers])),
            rx.table.body(
                rx.foreach(
                    rows,
                    lambda r: rx.table.row(
                        rx.foreach(
                            r.cells,
                            lambda c, i: rx.table.cell(
                                rx.cond(
                                    (i == 0) & (r.link != ""),
                                    rx.link(c, href=r.link, dir="auto"),
                                    rx.text(c, dir="auto"),
                                )
                            ),
                        )
                    ),
                )
            ),
            size="1",
            variant="ghost",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        data_testid=test_id,
    )
