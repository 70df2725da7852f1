"""Labelled form fields bound to a form state (``values`` for defaults, ``errors`` beside fields).

Uncontrolled inputs keep what the person typed when the server answers with errors.
"""

from __future__ import annotations

import reflex as rx

from crm_app.components.forms import field_label
from crm_app.components.i18n import T

# A search-as-you-type box inside a form: tied to no form (no element has this id), so Enter
# in it does not submit the record's form half-filled (it only searches).
NO_FORM = "rp-no-form"


def error(key: str | rx.Var[str], state) -> rx.Component:
    return rx.cond(
        state.errors.contains(key),
        rx.text(
            state.errors.get(key, ""),
            size="1",
            color="var(--red-11)",
            role="alert",
            data_testid=rx.Var.create("error-") + key
            if isinstance(key, rx.Var)
            else f"error-{key}",
        ),
    )


def text_field(label: rx.Var, name: str, state, **props) -> rx.Component:
    """A labelled input whose default is the record's value and whose error shows beneath it."""
    return rx.box(
        field_label(label, f"field-{name}"),
        rx.input(id=f"field-{name}", name=name, default_value=state.values.get(name, ""), **props),
        error(name, state),
        width="100%",
    )


def select_field(
    label: rx.Var,
    name: str,
    options: rx.Var[list[list[str]]],
    *,
    state,
    allow_empty: bool = False,
    empty_label: rx.Var | None = None,
) -> rx.Component:
    return rx.box(
        field_label(label, f"field-{name}"),
        rx.select.root(
            rx.select.trigger(id=f"field-{name}", width="100%"),
            rx.select.content(
                *([rx.select.item(empty_label, value="__none__")] if allow_empty else []),
                rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0])),
            ),
            name=name,
            default_value=rx.cond(
                state.values.get(name, "") == "", "__none__", state.values.get(name, "")
            ),
        ),
        error(name, state),
        width="100%",
    )


def record_dialog(
    state, *, title: rx.Var, body: list[rx.Component], save_test_id: str
) -> rx.Component:
    """The add/edit dialog every record form uses: title, the fields, Cancel and Save.

    The form remounts (``form_key``) each time it opens, so defaults are the record's values;
    it is not reset on submit, so a rejected save keeps what was typed.
    """
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.form(
                rx.vstack(
                    *body,
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                T("Cancel"), variant="soft", color_scheme="gray", type="button"
                            )
                        ),
                        rx.button(T("Save"), type="submit", data_testid=save_test_id),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=state.submit,
                reset_on_submit=False,
                no_validate=True,  # the server's messages appear beside each field
                key=state.form_key,
            ),
            max_width="720px",
            max_height="90vh",
            overflow_y="auto",
        ),
        open=state.open,
        on_open_change=state.set_open,
    )
