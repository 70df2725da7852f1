"""Marketing → Campaigns: the list and the editor (name, template, segment with its live
audience, mails per minute)."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import admin_table, empty_state
from crm_app.components.form_fields import error, text_field
from crm_app.components.forms import field_label
from crm_app.components.i18n import T
from crm_app.services.i18n import N_
from crm_app.state.campaigns import CampaignsState as S


def status_badge(status: rx.Var[str], label: rx.Var[str]) -> rx.Component:
    return rx.match(
        status,
        ("draft", rx.badge(label, color_scheme="gray")),
        ("scheduled", rx.badge(label, color_scheme="blue")),
        ("sending", rx.badge(label, color_scheme="amber")),
        ("sent", rx.badge(label, color_scheme="green")),
        ("failed", rx.badge(label, color_scheme="red")),
        ("skipped", rx.badge(label, color_scheme="gray", variant="outline")),
        rx.badge(label, color_scheme="gray"),
    )


def _row(c: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(c["name"], href="/marketing/campaigns/" + c["id"], weight="medium"),
            data_testid="campaign-name",
        ),
        rx.table.cell(status_badge(c["status"], c["status_label"])),
        rx.table.cell(rx.text(c["template"], size="2")),
        rx.table.cell(rx.text(c["segment"], size="2")),
        rx.table.cell(rx.text(c["queued"], " / ", c["audience"], size="2")),
        rx.table.cell(rx.text(c["created"], size="2", color="var(--gray-11)")),
    )


def campaigns_tab() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.spacer(),
            rx.button(
                rx.icon("plus", size=16),
                T("New campaign"),
                on_click=S.new_campaign,
                data_testid="new-campaign",
            ),
            width="100%",
        ),
        rx.cond(
            S.rows.length() > 0,
            admin_table(
                [
                    T("Name"),
                    T("Status"),
                    T("Template"),
                    T("Segment"),
                    T("Mailed / audience"),
                    T("Created"),
                ],
                S.rows,
                _row,
            ),
            empty_state(
                "megaphone",
                T("No campaigns yet"),
                T("Pick a segment and a template, test it on yourself, then send."),
            ),
        ),
        campaign_editor(),
        width="100%",
        spacing="3",
    )


def _select(label: str, name: str, options: rx.Var, **props) -> rx.Component:
    return rx.box(
        field_label(T(label), f"field-{name}"),
        rx.select.root(
            rx.select.trigger(id=f"field-{name}", width="100%", placeholder=T("Choose…")),
            rx.select.content(rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0]))),
            name=name,
            default_value=S.values.get(name, ""),
            **props,
        ),
        error(name, S),
        width="100%",
    )


def campaign_editor() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.editing_id > 0, T("Edit campaign"), T("New campaign"))),
            rx.form(
                rx.vstack(
                    text_field(T("Name"), "name", S, data_testid="campaign-name-input"),
                    _select(N_("Template"), "template_id", S.templates),
                    _select(N_("Segment"), "segment_id", S.segments, on_change=S.choose_segment),
                    rx.cond(
                        S.audience != "",
                        rx.callout(
                            S.audience, icon="users", size="1", data_testid="audience-count"
                        ),
                    ),
                    text_field(
                        T("Mails per minute"), "throttle_per_minute", S, type="number", min=1
                    ),
                    rx.cond(
                        S.errors.contains("form"),
                        rx.callout(S.errors["form"], icon="triangle-alert", color_scheme="red"),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                T("Cancel"), variant="soft", color_scheme="gray", type="button"
                            )
                        ),
                        rx.button(T("Save draft"), type="submit", data_testid="save-campaign"),
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
            max_width="560px",
        ),
        open=S.open,
        on_open_change=S.set_open,
    )
