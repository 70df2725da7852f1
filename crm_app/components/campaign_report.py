"""One campaign: actions (send now, schedule, test, stop), progress, report, recipients."""

from __future__ import annotations

import reflex as rx

from crm_app.components.campaign_list import status_badge
from crm_app.components.cards import admin_table, panel
from crm_app.components.i18n import T
from crm_app.state.campaign_page import FILTERS, PAGE_SIZE
from crm_app.state.campaign_page import CampaignPageState as S
from crm_app.state.campaigns import CampaignsState


def actions() -> rx.Component:
    draft = S.status == "draft"
    running = (S.status == "scheduled") | (S.status == "sending")
    return rx.hstack(
        rx.button(
            rx.icon("flask-conical", size=16),
            T("Send a test to me"),
            variant="soft",
            on_click=S.test_send,
            data_testid="test-send",
        ),
        rx.cond(
            draft,
            rx.hstack(
                rx.button(
                    rx.icon("pencil", size=16),
                    T("Edit"),
                    variant="soft",
                    on_click=CampaignsState.edit_campaign(S.campaign_id.to(str)),
                ),
                rx.input(
                    type="datetime-local",
                    value=S.schedule_at,
                    on_change=S.set_schedule_at,
                    aria_label=T("Send at"),
                    data_testid="schedule-at",
                ),
                rx.button(T("Schedule"), variant="soft", on_click=S.schedule),
                rx.button(
                    rx.icon("send", size=16),
                    T("Send now"),
                    on_click=S.send_now,
                    data_testid="send-now",
                ),
                spacing="2",
                wrap="wrap",
            ),
        ),
        rx.cond(
            running,
            rx.button(T("Stop sending"), color_scheme="red", variant="soft", on_click=S.cancel),
        ),
        rx.icon_button(
            rx.icon("refresh-cw", size=16),
            variant="ghost",
            on_click=S.refresh,
            aria_label=T("Refresh"),
        ),
        spacing="2",
        wrap="wrap",
    )


def summary() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            status_badge(S.status, S.status_label),
            rx.text(T("Template"), ": ", S.template, size="2"),
            rx.text(T("Segment"), ": ", S.segment, size="2"),
            rx.cond(S.schedule_text != "", rx.text(S.sent_label, ": ", S.schedule_text, size="2")),
            spacing="4",
            wrap="wrap",
            data_testid="campaign-status",
        ),
        rx.cond(
            S.status != "draft",
            rx.vstack(
                rx.progress(value=S.progress, width="100%"),
                rx.text(S.progress_text, size="1", color="var(--gray-11)"),
                width="100%",
                spacing="1",
            ),
        ),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red")),
        # Polls every 3 s while the job runner sends (the moment itself is not shown).
        rx.cond(S.live, rx.moment(interval=3000, on_change=S.tick, display="none")),
        width="100%",
        spacing="3",
    )


def report() -> rx.Component:
    def figure(item: rx.Var[list[str]]) -> rx.Component:
        return rx.card(
            rx.text(item[0], size="2", color="var(--gray-11)"),
            rx.text(item[1], size="6", weight="bold", data_testid="report-" + item[2]),
            rx.cond(item[3] != "", rx.text(item[3], size="1", color="var(--gray-11)")),
            size="1",
        )

    return panel(
        T("Report"),
        rx.grid(
            rx.foreach(S.report, figure),
            columns=rx.breakpoints(initial="2", sm="4", lg="7"),
            spacing="3",
            width="100%",
        ),
        rx.cond(
            S.skipped.length() > 0,
            rx.hstack(
                rx.text(T("Left out:"), size="2", weight="medium"),
                rx.foreach(
                    S.skipped,
                    lambda s: rx.badge(s[0], " ", s[1], color_scheme="gray", variant="outline"),
                ),
                spacing="2",
                wrap="wrap",
                margin_top="12px",
            ),
        ),
    )


def _row(r: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.cond(
                r["contact_id"] != "",
                rx.link(r["name"], href="/contacts/" + r["contact_id"]),
                rx.text(r["name"]),
            )
        ),
        rx.table.cell(rx.text(r["email"], size="2", dir="ltr")),
        rx.table.cell(status_badge(r["status"], r["status_label"]), data_testid="recipient-status"),
        rx.table.cell(rx.text(r["reason"], size="2", color="var(--gray-11)")),
        rx.table.cell(rx.text(r["opened"], size="2")),
        rx.table.cell(rx.text(r["clicked"], size="2")),
    )


def recipients() -> rx.Component:
    return panel(
        T("Recipients"),
        rx.hstack(
            *[
                rx.button(
                    T(label),
                    size="1",
                    variant=rx.cond(S.filter == value, "solid", "soft"),
                    on_click=S.set_filter(value),
                )
                for value, label in FILTERS
            ],
            spacing="2",
            wrap="wrap",
            margin_bottom="8px",
        ),
        admin_table(
            [T("Contact"), T("E-mail"), T("Status"), T("Reason"), T("Opened"), T("Clicked")],
            S.recipients,
            _row,
            data_testid="recipients",
        ),
        rx.hstack(
            rx.text(S.total, " ", T("recipients"), size="2", color="var(--gray-11)"),
            rx.spacer(),
            rx.button(
                T("Previous"), size="1", variant="soft", on_click=S.page(-1), disabled=S.offset == 0
            ),
            rx.button(
                T("Next"),
                size="1",
                variant="soft",
                on_click=S.page(1),
                disabled=S.offset + PAGE_SIZE >= S.total,
            ),
            width="100%",
            margin_top="8px",
        ),
    )
