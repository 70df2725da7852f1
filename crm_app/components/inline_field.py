"""Fields of the record page that are edited in place (see state/record360_edit.py).

A text field shows its value as a button; clicking it (or Enter/Space on it) opens an input.
Enter or leaving the input saves, Escape restores the stored value and leaves (done in the
browser: the input gets its default value back and blurs, so the save sees no change). A
refused value stays in the input with the reason under it. Selects and switches save on
change. Each row is a <dt>/<dd> pair whose label names the control.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.function import FunctionStringVar

from crm_app.components.i18n import T
from crm_app.state.record360 import Record360State as S
from crm_app.state.record360_edit import Record360EditState as E
from crm_app.state.record360_edit import field_ref

# Escape: put the stored value back and leave the input; the blur then saves "no change".
_ESCAPE = FunctionStringVar.create(
    "((key) => { if (key !== 'Escape') return; const el = document.activeElement;"
    " if (el && el.tagName === 'INPUT') { el.value = el.defaultValue; el.blur(); } })"
)


def _save(kind: str):
    return E.save_contact_field if kind == "contact" else E.save_company_field


def _submit(kind: str):
    return E.submit_contact_field if kind == "contact" else E.submit_company_field


def _label_id(field: str) -> str:
    return f"inline-{field}-label"


def row(icon: str, label: rx.Var, value: rx.Component, field: str = "") -> rx.Component:
    """One line of the details list: an icon and a label, and the value or its control."""
    return rx.el.div(
        rx.el.dt(
            rx.icon(icon, size=14, aria_hidden="true"),
            rx.el.span(label, id=_label_id(field) if field else None),
        ),
        rx.el.dd(value),
        class_name="rp-360-about-row",
    )


def text_field(
    kind: str,
    field: str,
    label: rx.Var,
    icon: str,
    *,
    shown: rx.Component | None = None,
    input_type: str = "text",
    direction: str = "auto",
    hint: rx.Var | None = None,
) -> rx.Component:
    """A value that turns into an input when clicked. ``shown`` replaces the plain value."""
    value = S.fields.get(field, "")
    error = S.edit_errors.get(field, "")
    error_id = f"inline-{field}-error"
    editor = rx.form(
        rx.el.input(
            name="value",
            default_value=value,
            type=input_type,
            dir=direction,
            auto_focus=True,
            auto_complete="off",
            enter_key_hint="done",
            placeholder=hint if hint is not None else "",
            aria_labelledby=_label_id(field),
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=error_id,
            on_blur=lambda text: _save(kind)(field, text),
            on_key_down=_ESCAPE,
            class_name="rp-inline-input",
            data_testid=f"inline-input-{field}",
        ),
        rx.cond(
            error != "",
            rx.el.div(error, id=error_id, role="alert", class_name="rp-inline-error"),
            rx.el.div(T("Enter saves · Esc cancels"), id=error_id, class_name="rp-inline-hint"),
        ),
        on_submit=_submit(kind),
        reset_on_submit=False,
        no_validate=True,  # our rules, in words, beside the field (not the browser's bubble)
        class_name="rp-inline-form",
    )
    button = rx.el.button(
        rx.el.span(
            rx.cond(
                value != "",
                shown if shown is not None else rx.el.span(value, dir=direction),
                rx.el.span(T("Add"), class_name="rp-inline-empty"),
            ),
            id=f"inline-{field}-value",
            class_name="rp-inline-text",
        ),
        rx.icon("pencil", size=12, class_name="rp-inline-pencil", aria_hidden="true"),
        type="button",
        id=field_ref(field),
        title=T("Click to edit"),
        aria_labelledby=f"{_label_id(field)} inline-{field}-value",
        on_click=E.start_edit(field),
        class_name="rp-inline-value",
        data_testid=f"inline-{field}",
    )
    return row(icon, label, rx.cond(S.editing == field, editor, button), field)


def select_field(kind: str, field: str, label: rx.Var, icon: str) -> rx.Component:
    """A choice that saves as soon as another option is picked."""
    return row(
        icon,
        label,
        rx.select.root(
            rx.select.trigger(
                variant="ghost",
                aria_labelledby=_label_id(field),
                class_name="rp-inline-select",
                data_testid=f"inline-{field}",
            ),
            rx.select.content(
                rx.foreach(
                    S.choices.get(field, []),
                    lambda o: rx.select.item(o[1], value=o[0]),
                ),
                position="popper",
            ),
            value=S.fields.get(field, ""),
            on_change=lambda choice: _save(kind)(field, choice),
            size="2",
        ),
        field,
    )


def switch_field(
    kind: str, field: str, label: rx.Var, icon: str, detail: rx.Component
) -> rx.Component:
    """An on/off setting saved when flipped; ``detail`` says what it means now."""
    return row(
        icon,
        label,
        rx.el.label(
            rx.switch(
                checked=S.fields.get(field, "") == "1",
                on_change=lambda on: _save(kind)(field, on),
                aria_labelledby=f"{_label_id(field)} inline-{field}-detail",
                size="1",
                data_testid=f"inline-{field}",
            ),
            rx.el.span(detail, id=f"inline-{field}-detail"),
            class_name="rp-inline-switch",
        ),
        field,
    )
