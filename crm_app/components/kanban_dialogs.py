"""The pipeline board's dialogs: move a card to a stage, and the reason a deal was lost."""

from __future__ import annotations

import reflex as rx

from crm_app.components.i18n import T
from crm_app.state.pipeline import PipelineState as S


def move_dialog() -> rx.Component:
    """The keyboard- and touch-friendly way to move a card: pick its new stage."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T("Move to stage")),
            rx.dialog.description(S.move_title, size="2", color="var(--gray-11)"),
            rx.vstack(
                rx.foreach(
                    S.columns,
                    lambda c: rx.button(
                        rx.match(
                            c.kind,
                            ("won", rx.icon("trophy", size=14)),
                            ("lost", rx.icon("circle-x", size=14)),
                            rx.icon("circle-dot", size=14),
                        ),
                        c.name,
                        rx.spacer(),
                        rx.cond(c.stage_id == S.move_stage_id, rx.text(T("Current"), size="1")),
                        variant=rx.cond(c.stage_id == S.move_stage_id, "solid", "soft"),
                        color_scheme=rx.match(c.kind, ("won", "grass"), ("lost", "red"), "gray"),
                        disabled=c.stage_id == S.move_stage_id,
                        on_click=S.move_to(c.stage_id),
                        width="100%",
                        justify_content="start",
                        data_testid="move-option",
                    ),
                ),
                spacing="2",
                margin_top="12px",
                width="100%",
            ),
            rx.hstack(
                rx.dialog.close(rx.button(T("Cancel"), variant="soft", color_scheme="gray")),
                justify="end",
                margin_top="16px",
            ),
            max_width="380px",
        ),
        open=S.move_open,
        on_open_change=S.set_move_open,
    )


def lost_dialog() -> rx.Component:
    """Asked when a deal goes into a lost stage; Cancel leaves it where it was."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T("Why was this deal lost?")),
            rx.dialog.description(
                rx.text.strong(S.lost_title),
                " → ",
                S.lost_stage_name,
                size="2",
                color="var(--gray-11)",
            ),
            rx.form(
                rx.vstack(
                    rx.box(
                        rx.el.label(
                            T("Reason"), html_for="lost-reason", class_name="rp-deal-label"
                        ),
                        rx.select.root(
                            rx.select.trigger(
                                id="lost-reason",
                                placeholder=T("Choose a reason"),
                                width="100%",
                            ),
                            rx.select.content(
                                rx.foreach(
                                    S.lost_reasons, lambda r: rx.select.item(r[1], value=r[0])
                                )
                            ),
                            name="lost_reason",
                        ),
                        rx.cond(
                            S.lost_error != "",
                            rx.text(
                                S.lost_error,
                                size="1",
                                color="var(--red-11)",
                                role="alert",
                                data_testid="error-lost_reason",
                            ),
                        ),
                        width="100%",
                    ),
                    rx.box(
                        rx.el.label(
                            T("Note (optional)"), html_for="lost-note", class_name="rp-deal-label"
                        ),
                        rx.text_area(id="lost-note", name="lost_note", rows="3", width="100%"),
                        width="100%",
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                T("Cancel"), variant="soft", color_scheme="gray", type="button"
                            )
                        ),
                        rx.button(
                            T("Mark as lost"),
                            type="submit",
                            color_scheme="red",
                            data_testid="confirm-lost",
                        ),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    margin_top="12px",
                ),
                on_submit=S.confirm_lost,
                reset_on_submit=False,
            ),
            max_width="440px",
        ),
        open=S.lost_open,
        on_open_change=S.set_lost_open,
    )
