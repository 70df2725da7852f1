"""How an activity (note, call, e-mail, meeting) looks in a feed."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import icon_tile

KIND_STYLE: dict[str, tuple[str, str]] = {
    "note": ("sticky-note", "amber"),
    "call": ("phone", "green"),
    "email": ("mail", "blue"),
    "meeting": ("calendar", "purple"),
}


def kind_badge(kind: rx.Var[str]) -> rx.Component:
    """The activity's kind as an icon tile."""
    return rx.match(
        kind,
        *[(k, icon_tile(icon, color)) for k, (icon, color) in KIND_STYLE.items()],
        icon_tile("activity"),
    )
