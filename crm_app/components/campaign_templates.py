"""Marketing → Templates: the list and the editor with a live preview on a chosen contact.

The preview shows the filled body as text (``white-space: pre-wrap``), never as HTML, in the
template's direction; the plain-text part is shown below it."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import admin_table, empty_state
from crm_app.components.form_fields import NO_FORM, error
from crm_app.components.forms import field_label
from crm_app.components.i18n import T
from crm_app.services.i18n import N_
from crm_app.state.templates import TemplatesState as S


def _row(t: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(t["name"], on_click=S.edit_template(t["id"]), cursor="pointer"),
            data_testid="template-name",
        ),
        rx.table.cell(rx.text(t["subject"], size="2")),
        rx.table.cell(rx.code(t["language"], variant="ghost")),
        rx.table.cell(rx.text(t["updated"], size="2", color="var(--gray-11)")),
        rx.table.cell(
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(
                    rx.icon_button(
                        rx.icon("trash-2", size=14),
                        variant="ghost",
                        color_scheme="red",
                        aria_label=T("Delete template"),
                    )
                ),
                rx.alert_dialog.content(
                    rx.alert_dialog.title(T("Delete this template?")),
                    rx.alert_dialog.description(t["name"]),
                    rx.hstack(
                        rx.alert_dialog.cancel(rx.button(T("Cancel"), variant="soft")),
                        rx.alert_dialog.action(
                            rx.button(
                                T("Delete"),
                                color_scheme="red",
                                on_click=S.delete_template(t["id"]),
                            )
                        ),
                        justify="end",
                        spacing="2",
                    ),
                ),
            ),
            text_align="end",
        ),
    )


def templates_tab() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.spacer(),
            rx.button(
                rx.icon("plus", size=16),
                T("New template"),
                on_click=S.new_template,
                data_testid="new-template",
            ),
            width="100%",
        ),
        rx.cond(
            S.rows.length() > 0,
            admin_table([T("Name"), T("Subject"), T("Language"), T("Changed"), None], S.rows, _row),
            empty_state(
                "mail",
                T("No templates yet"),
                T("Write a template with merge fields, then send it to a segment."),
            ),
        ),
        template_editor(),
        width="100%",
        spacing="3",
        on_mount=S.load,
    )


def _field(label: str, name: str, *, area: bool = False, rows: str = "8") -> rx.Component:
    props = {
        "id": f"field-{name}",
        "name": name,
        "default_value": S.values.get(name, ""),
        "on_change": lambda v: S.set_value(name, v),
        "debounce_timeout": 400,
        "width": "100%",
        "data_testid": f"template-{name}",
    }
    control = rx.text_area(rows=rows, **props) if area else rx.input(**props)
    return rx.box(field_label(T(label), f"field-{name}"), control, error(name, S), width="100%")


def _contact_picker() -> rx.Component:
    """Search as you type for the preview's contact (any contact with an e-mail address)."""
    return rx.box(
        field_label(T("Preview for"), "preview-contact"),
        rx.input(
            id="preview-contact",
            form=NO_FORM,
            value=S.contact_query,
            on_change=S.find_contact,
            debounce_timeout=300,
            placeholder=T("Search contacts by name or e-mail"),
            auto_complete="off",
            width="100%",
        ),
        rx.cond(
            S.contact_hits.length() > 0,
            rx.el.div(
                rx.foreach(
                    S.contact_hits,
                    lambda h: rx.el.button(
                        rx.el.span(h[1], dir="auto"),
                        rx.el.small(h[2], dir="ltr"),
                        type="button",
                        class_name="rp-deal-hit",
                        on_click=S.choose_contact(h[0]),
                        data_testid="preview-contact-hit",
                    ),
                ),
                class_name="rp-deal-hits",
            ),
        ),
        position="relative",
        width="100%",
    )


def _preview() -> rx.Component:
    return rx.vstack(
        _contact_picker(),
        rx.card(
            rx.text(S.preview_subject, weight="bold", data_testid="preview-subject"),
            rx.separator(size="4", margin_y="8px"),
            rx.el.div(
                S.preview_body,
                dir=S.preview_dir,
                style={"whiteSpace": "pre-wrap", "textAlign": "start"},
                data_testid="preview-body",
            ),
            width="100%",
        ),
        rx.text(T("Plain-text part"), size="1", color="var(--gray-11)"),
        rx.el.pre(
            S.preview_text,
            dir=S.preview_dir,
            style={"whiteSpace": "pre-wrap", "fontSize": "12px", "margin": 0},
        ),
        width="100%",
        spacing="2",
    )


def template_editor() -> rx.Component:
    fields = rx.vstack(
        _field(N_("Name"), "name"),
        rx.box(
            field_label(T("Language"), "field-language"),
            rx.select.root(
                rx.select.trigger(id="field-language", width="100%"),
                rx.select.content(
                    rx.foreach(S.languages, lambda o: rx.select.item(o[1], value=o[0]))
                ),
                name="language",
                default_value=S.values.get("language", "en"),
                on_change=lambda v: S.set_value("language", v),
            ),
            error("language", S),
            width="100%",
        ),
        _field(N_("Subject"), "subject"),
        _field(N_("Message"), "body", area=True, rows="10"),
        _field(
            N_("Plain-text part (blank: the message as written)"), "text_body", area=True, rows="4"
        ),
        rx.text(
            T("Merge fields:"),
            " ",
            rx.foreach(S.merge_fields, lambda f: rx.code(f, margin_inline_end="6px")),
            size="1",
            color="var(--gray-11)",
        ),
        width="100%",
        spacing="3",
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.editing_id > 0, T("Edit template"), T("New template"))),
            rx.form(
                rx.vstack(
                    rx.grid(
                        fields,
                        _preview(),
                        columns=rx.breakpoints(initial="1", md="2"),
                        spacing="4",
                        width="100%",
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                T("Cancel"), variant="soft", color_scheme="gray", type="button"
                            )
                        ),
                        rx.button(T("Save"), type="submit", data_testid="save-template"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.submit,
                reset_on_submit=False,
                no_validate=True,
                key=S.form_key,
            ),
            max_width="1100px",
            max_height="92vh",
            overflow_y="auto",
        ),
        open=S.open,
        on_open_change=S.set_open,
    )
