"""Form pieces: labels tied to their inputs (so screen readers and tests find them)."""

from __future__ import annotations

import reflex as rx


def field_label(text: str | rx.Var, for_id: str) -> rx.Component:
    return rx.el.label(
        text,
        html_for=for_id,
        style={
            "fontSize": "var(--font-size-2)",
            "fontWeight": "500",
            "display": "block",
            "marginBottom": "4px",
        },
    )
