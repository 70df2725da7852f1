"""How the analytics tabs say their numbers: formats for the reader's locale, key-figure tiles,
table rows and the view a tab hands to the state."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
from babel.numbers import format_percent

from crm_app.services import formatting, i18n
from crm_app.services.i18n import N_

TABS = ("sales", "customers", "service")
NONE = N_("None")


@dataclass
class Kpi:
    label: str
    value: str


@dataclass
class TableRow:
    cells: list[str]
    link: str = ""


@dataclass
class TabView:
    kpis: list[Kpi] = field(default_factory=list)
    figures: dict[str, go.Figure] = field(default_factory=dict)
    tables: dict[str, list[TableRow]] = field(default_factory=dict)
    drill: dict[str, list[list[dict[str, Any]]]] = field(default_factory=dict)


class Formats:
    def __init__(self, locale: str, currency: str):
        self.locale, self.currency = locale, currency

    def t(self, message: str) -> str:
        return i18n.gettext(message, self.locale)

    def money(self, value: float | None) -> str:
        return "–" if missing(value) else formatting.money(float(value), self.currency, self.locale)

    def number(self, value: float | None, digits: int = 0) -> str:
        if missing(value):
            return "–"
        return formatting.number(round(float(value), digits), self.locale)

    def percent(self, value: float | None) -> str:
        if missing(value):
            return "–"
        text = format_percent(float(value), "#,##0.0%", locale=i18n.normalize(self.locale))
        return i18n.localize_digits(text, self.locale)

    def month(self, key: str) -> str:
        return formatting.month(key, self.locale)

    def label(self, text: Any) -> str:
        return str(text) if text not in (None, "") and not missing(text) else self.t(NONE)


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def kpis(f: Formats, figures: dict[str, Any], labels: dict[str, str], kinds: dict[str, str]):
    out = []
    for key, label in labels.items():
        kind = kinds.get(key, "number")
        value = figures[key]
        shown = (
            f.money(value)
            if kind == "money"
            else f.percent(value)
            if kind == "percent"
            else f.number(value, 1 if kind == "decimal" else 0)
        )
        out.append(Kpi(f.t(label), shown))
    return out
