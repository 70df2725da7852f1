"""Plotly figures for the analytics dashboards, from the analytics services' frames.

Plain plotly (no Reflex): each builder takes the rows to draw, the translated labels and
the locale. Colours are Radix step-9 hues and the text and grid use a translucent grey, so
a chart reads the same on the light and the dark theme; right-to-left locales mirror the
category axis and put the value axis on the right.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from babel.numbers import get_decimal_symbol, get_group_symbol

from crm_app.services import i18n

PALETTE = (
    "#3e63dd",  # indigo
    "#30a46c",  # green
    "#f76b15",  # orange
    "#8e4ec6",  # purple
    "#e5484d",  # red
    "#12a594",  # teal
    "#ffc53d",  # amber
    "#d6409f",  # pink
    "#0090ff",  # blue
    "#978365",  # bronze
)
WON, LOST = "#30a46c", "#e5484d"  # green and red: won and lost read the same everywhere
TEXT = "rgba(128, 128, 128, 1)"
GRID = "rgba(128, 128, 128, 0.18)"
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtons": [["toImage"]],  # the chart as PNG
    "toImageOptions": {"format": "png", "scale": 2},
}


def empty_figure() -> go.Figure:
    """A state var's placeholder figure, without plotly's default template. Reflex deep-copies
    every var's default for each new session and sends it with the first hydration: a
    ``go.Figure()`` carries the 6.5 KB template, and copying it re-validates the whole template
    (29 ms a figure; the 21 analytics and forecast figures made every new tab's first load
    ~600 ms slower; docs/performance.md). With ``template: "none"`` it copies in 0.3 ms.
    The real charts go without the template too: they set every colour, font and axis style
    they use, and the template would travel in every reply, 6.5 KB a chart."""
    return go.Figure(layout={"template": "none"})


def _axis(**props: Any) -> dict[str, Any]:
    return {
        "gridcolor": GRID,
        "zerolinecolor": GRID,
        "automargin": True,
        "fixedrange": True,
        **props,
    }


def figure(
    locale: str,
    data: list[dict[str, Any]],
    *,
    height: int = 300,
    xaxis: dict[str, Any] | None = None,
    yaxis: dict[str, Any] | None = None,
    **extra: Any,
) -> go.Figure:
    """A figure from plain trace dicts; built unvalidated (validation costs ~50 ms a chart)."""
    rtl = i18n.is_rtl(locale)
    loc = i18n.normalize(locale)
    layout = {
        "template": "none",  # see empty_figure: the charts set every style they use
        "height": height,
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": "Inter, system-ui, sans-serif", "size": 12, "color": TEXT},
        "separators": get_decimal_symbol(loc) + get_group_symbol(loc).replace("\xa0", " "),
        "legend": {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "xanchor": "right" if rtl else "left",
            "x": 1 if rtl else 0,
        },
        "hoverlabel": {"align": "right" if rtl else "left"},
        "xaxis": _axis(**(xaxis or {})),
        "yaxis": _axis(**(yaxis or {})),
        **extra,
    }
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def bars(
    locale: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], Sequence[str]]],
    *,
    value_title: str = "",
    stacked: bool = False,
    horizontal: bool = False,
    percent: bool = False,
    height: int = 300,
    colors: Sequence[str] = PALETTE,
) -> go.Figure:
    """One bar trace per (name, values, shown texts) over the categories."""
    rtl = i18n.is_rtl(locale)
    cats = [str(c) for c in categories]
    data = []
    for i, (name, values, shown) in enumerate(series):
        vals = [_num(v) for v in values]
        data.append(
            {
                "type": "bar",
                "name": name,
                "marker": {"color": colors[i % len(colors)]},
                "customdata": list(shown),
                "hovertemplate": "<b>%{"
                + ("y" if horizontal else "x")
                + "}</b><br>%{fullData.name}: %{customdata}<extra></extra>",
                **(
                    {"y": cats, "x": vals, "orientation": "h"}
                    if horizontal
                    else {"x": cats, "y": vals}
                ),
            }
        )
    category_axis = {"type": "category", "autorange": "reversed" if (rtl or horizontal) else True}
    value_axis = {
        "title": {"text": value_title, "standoff": 8},
        "rangemode": "tozero",
        "tickformat": ".0%" if percent else "~s",
    }
    if horizontal:
        xaxis = {**value_axis, "autorange": "reversed" if rtl else True}
        yaxis = {**category_axis, "side": "right" if rtl else "left"}
    else:
        xaxis, yaxis = category_axis, {**value_axis, "side": "right" if rtl else "left"}
    return figure(
        locale,
        data,
        height=height,
        xaxis=xaxis,
        yaxis=yaxis,
        barmode="stack" if stacked else "group",
        showlegend=len(series) > 1,
    )


def lines(
    locale: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None], Sequence[str]]],
    *,
    value_title: str = "",
    percent: bool = False,
    height: int = 300,
) -> go.Figure:
    rtl = i18n.is_rtl(locale)
    data = [
        {
            "type": "scatter",
            "x": [str(c) for c in categories],
            "y": [_num(v) for v in values],
            "name": name,
            "mode": "lines+markers",
            "line": {"color": PALETTE[i % len(PALETTE)], "width": 2},
            "customdata": list(shown),
            "hovertemplate": "<b>%{x}</b><br>%{fullData.name}: %{customdata}<extra></extra>",
        }
        for i, (name, values, shown) in enumerate(series)
    ]
    return figure(
        locale,
        data,
        height=height,
        xaxis={"type": "category", "autorange": "reversed" if rtl else True},
        yaxis={
            "title": {"text": value_title, "standoff": 8},
            "rangemode": "tozero",
            "tickformat": ".0%" if percent else "~s",
            "side": "right" if rtl else "left",
        },
        showlegend=len(series) > 1,
    )


def funnel(
    locale: str, stages: Sequence[str], reached: Sequence[int], shown: Sequence[str]
) -> go.Figure:
    """Deals reaching each stage as centred horizontal bars (a funnel the cartesian Plotly
    bundle can draw), labelled with the count and the conversion from the stage before."""
    rtl = i18n.is_rtl(locale)
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": [str(s) for s in stages],
            "x": [_num(r) for r in reached],
            "text": list(shown),
            "textposition": "auto",
            "marker": {"color": PALETTE[0]},
            "hovertemplate": "<b>%{y}</b><br>%{text}<extra></extra>",
        }
    ]
    return figure(
        locale,
        data,
        showlegend=False,
        xaxis={"visible": False, "autorange": "reversed" if rtl else True},
        yaxis={"type": "category", "autorange": "reversed", "side": "right" if rtl else "left"},
    )


def heatmap(
    locale: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    x_title: str,
    y_title: str,
) -> go.Figure:
    rtl = i18n.is_rtl(locale)
    data = [
        {
            "type": "heatmap",
            "z": [[_num(v) for v in r] for r in values],
            "x": [str(c) for c in columns],
            "y": [str(r) for r in rows],
            "zmin": 0,
            "zmax": 1,
            "colorscale": [[0, "rgba(62, 99, 221, 0.06)"], [1, "#3e63dd"]],
            "hovertemplate": "%{y} · %{x}: %{z:.0%}<extra></extra>",
            "colorbar": {"tickformat": ".0%", "thickness": 10},
            "xgap": 2,
            "ygap": 2,
        }
    ]
    return figure(
        locale,
        data,
        height=max(240, 28 * len(rows) + 80),
        xaxis={
            "title": {"text": x_title},
            "type": "category",
            "autorange": "reversed" if rtl else True,
        },
        yaxis={"title": {"text": y_title}, "type": "category", "autorange": "reversed"},
    )


def _num(value: Any) -> float | None:
    """JSON-safe numbers: NaN and missing become None (a gap), numpy scalars plain floats."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number
