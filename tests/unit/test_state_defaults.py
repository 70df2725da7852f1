"""Every new browser session deep-copies each state var's default and sends them all with its
first hydration (reflex ``BaseState.dict``): a default must stay cheap to copy and small to
send. A plain ``go.Figure()`` was neither (its 6.5 KB template is re-validated on each copy:
the analytics and forecast figures added ~600 ms to every new tab's first load)."""

from __future__ import annotations

import plotly.graph_objects as go
from reflex.state import State

import crm_app.crm_app  # noqa: F401  (registers every page's state)


def _states(cls=State):
    yield cls
    for sub in cls.get_substates():
        yield from _states(sub)


def _defaults():
    for cls in _states():
        for name, field in cls.get_fields().items():
            yield f"{cls.__name__}.{name}", field.default_value()  # what a new session gets


def test_figure_defaults_carry_no_template():
    figures = {name: value for name, value in _defaults() if isinstance(value, go.Figure)}
    assert len(figures) >= 20, sorted(figures)  # the analytics tabs and the forecast
    for name, figure in figures.items():
        assert len(figure.to_json()) < 200, name  # plotly's default template: 6.5 KB
