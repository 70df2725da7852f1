"""The record timeline: type filters, the inline "log a call, meeting or note" form, entries.

Notes are markdown with raw HTML switched off (and "<" escaped by the state), so a note
holding a <script> or an <img onerror> shows as text and runs nothing.
"""

from __future__ import annotations

import reflex as rx

from crm_app.components.i18n import T
from crm_app.services.activities import OUTCOME_LABELS
from crm_app.services.i18n import N_
from crm_app.state.record360 import Record360State as S

FILTERS = [
    ("note", N_("Notes")),
    ("call", N_("Calls")),
    ("email", N_("E-mails")),
    ("meeting", N_("Meetings")),
    ("stage", N_("Deal stages")),
    ("ticket", N_("Tickets")),
    ("order", N_("Orders")),
    ("campaign", N_("Campaigns")),
]
ICONS = {
    "note": "sticky-note",
    "call": "phone",
    "email": "mail",
    "meeting": "calendar-days",
    "stage": "trending-up",
    "ticket": "life-buoy",
    "order": "shopping-bag",
    "campaign": "megaphone",
}
KIND_LABELS = {
    "note": N_("Note"),
    "call": N_("Call"),
    "email": N_("E-mail"),
    "meeting": N_("Meeting"),
    "stage": N_("Deal stage"),
    "ticket": N_("Ticket"),
    "order": N_("Order"),
    "campaign": N_("Campaign"),
}


def filter_chips() -> rx.Component:
    def chip(value: str, label: rx.Var, pressed: rx.Var[bool]) -> rx.Component:
        return rx.el.button(
            label,
            type="button",
            class_name="rp-360-chip",
            aria_pressed=rx.cond(pressed, "true", "false"),
            on_click=S.toggle_kind(value),
            data_testid=f"filter-{value}",
        )

    return rx.el.div(
        chip("all", T("All"), S.shown_kinds.length() == 0),
        *[chip(v, T(label), S.shown_kinds.contains(v)) for v, label in FILTERS],
        class_name="rp-360-chips",
        role="group",
        aria_label=T("Show only"),
    )


def _error(key: str) -> rx.Component:
    return rx.cond(
        S.log_errors.contains(key),
        rx.el.div(
            S.log_errors.get(key, ""),
            class_name="rp-360-error",
            role="alert",
            data_testid=f"log-error-{key}",
        ),
    )


def _label(text: rx.Var, for_id: str) -> rx.Component:
    return rx.el.label(text, html_for=for_id, class_name="rp-360-label")


def log_form() -> rx.Component:
    kinds = [("call", N_("Call"), "phone"), ("meeting", N_("Meeting"), "calendar-days")]
    kinds.append(("note", N_("Note"), "sticky-note"))
    tabs = rx.el.div(
        *[
            rx.el.button(
                rx.icon(icon, size=14, aria_hidden="true"),
                T(label),
                type="button",
                role="radio",
                aria_checked=rx.cond(S.log_kind == value, "true", "false"),
                class_name="rp-360-kind",
                on_click=S.set_log_kind(value),
                data_testid=f"log-kind-{value}",
            )
            for value, label, icon in kinds
        ],
        class_name="rp-360-kinds",
        role="radiogroup",
        aria_label=T("What to log"),
    )
    timed = S.log_kind != "note"
    return rx.el.section(
        tabs,
        rx.form(
            rx.el.div(
                rx.el.div(
                    _label(T("Subject"), "log-subject"),
                    rx.el.input(
                        id="log-subject",
                        name="subject",
                        class_name="rp-360-input",
                        placeholder=rx.cond(
                            S.log_kind == "note",
                            T("Optional title"),
                            T("e.g. Follow-up on the quote"),
                        ),
                        max_length=200,
                        auto_complete="off",
                        dir="auto",
                    ),
                    _error("subject"),
                    class_name="rp-360-field rp-360-wide",
                ),
                rx.el.div(
                    _label(
                        rx.cond(S.log_kind == "note", T("Note (markdown)"), T("What was said")),
                        "log-body",
                    ),
                    rx.el.textarea(
                        id="log-body",
                        name="body",
                        class_name="rp-360-input rp-360-textarea",
                        rows=2,
                        dir="auto",
                    ),
                    _error("body"),
                    class_name="rp-360-field rp-360-wide",
                ),
                rx.el.div(
                    _label(T("When"), "log-at"),
                    rx.el.input(
                        id="log-at",
                        name="occurred_at",
                        type="datetime-local",
                        default_value=S.log_at,
                        class_name="rp-360-input",
                    ),
                    _error("occurred_at"),
                    class_name="rp-360-field",
                ),
                rx.cond(
                    timed,
                    rx.el.div(
                        _label(T("Duration (minutes)"), "log-duration"),
                        rx.el.input(
                            id="log-duration",
                            name="duration_minutes",
                            type="number",
                            min="0",
                            max="1440",
                            step="1",
                            class_name="rp-360-input",
                        ),
                        _error("duration_minutes"),
                        class_name="rp-360-field",
                    ),
                ),
                rx.cond(
                    S.log_kind == "call",
                    rx.el.div(
                        _label(T("Outcome"), "log-outcome"),
                        rx.el.select(
                            rx.el.option(T("Not set"), value=""),
                            *[rx.el.option(T(t), value=v) for v, t in OUTCOME_LABELS.items()],
                            id="log-outcome",
                            name="outcome",
                            class_name="rp-360-input",
                        ),
                        _error("outcome"),
                        class_name="rp-360-field",
                    ),
                ),
                class_name="rp-360-form-grid",
            ),
            rx.el.div(
                rx.button(
                    rx.match(
                        S.log_kind,
                        ("meeting", T("Log meeting")),
                        ("note", T("Add note")),
                        T("Log call"),
                    ),
                    type="submit",
                    data_testid="log-submit",
                ),
                class_name="rp-360-form-actions",
            ),
            on_submit=S.submit_log,
            reset_on_submit=False,
            key=S.log_key,
        ),
        class_name="rp-360-log",
        data_testid="log-form",
    )


def _icon(kind: rx.Var[str]) -> rx.Component:
    return rx.match(
        kind,
        *[(k, rx.icon(icon, size=15)) for k, icon in ICONS.items()],
        rx.icon("circle", size=15),
    )


def _kind_label(kind: rx.Var[str]) -> rx.Component:
    return rx.match(kind, *[(k, T(label)) for k, label in KIND_LABELS.items()], kind)


def entry(e: rx.Var[dict[str, str]]) -> rx.Component:
    title = rx.cond(
        e["link"] != "",
        rx.link(e["title"], href=e["link"], dir="auto"),
        rx.el.span(e["title"], dir="auto"),
    )
    body = rx.cond(
        e["body"] != "",
        rx.cond(
            e["kind"] == "note",
            rx.box(
                rx.markdown(e["body"], use_raw=False, use_math=False, use_katex=False),
                class_name="rp-360-body rp-360-md",
                dir="auto",
                data_testid="entry-body",
            ),
            rx.el.div(e["body"], class_name="rp-360-body rp-360-plain", dir="auto"),
        ),
    )
    return rx.el.li(
        rx.el.span(_icon(e["kind"]), class_name="rp-360-dot", data_kind=e["kind"]),
        rx.el.div(
            rx.el.div(
                rx.el.span(_kind_label(e["kind"]), class_name="rp-360-kind-label"),
                title,
                rx.el.time(e["ago"], title=e["exact"], class_name="rp-360-when"),
                class_name="rp-360-entry-head",
            ),
            rx.cond(
                (e["meta"] != "") | (e["who"] != ""),
                rx.el.div(
                    rx.cond(e["meta"] != "", rx.el.span(e["meta"], dir="auto")),
                    rx.cond(e["who"] != "", rx.el.span(e["who"], dir="auto")),
                    class_name="rp-360-meta",
                ),
            ),
            body,
            class_name="rp-360-entry-main",
        ),
        class_name="rp-360-entry",
        data_kind=e["kind"],
        data_testid="timeline-entry",
    )


def timeline() -> rx.Component:
    return rx.el.section(
        rx.el.div(
            rx.el.h2(T("Activity"), class_name="rp-360-card-title"),
            filter_chips(),
            class_name="rp-360-timeline-head",
        ),
        rx.cond(S.can_log, log_form()),
        rx.cond(
            S.entries.length() > 0,
            rx.el.ol(rx.foreach(S.entries, entry), class_name="rp-360-entries"),
            rx.cond(
                S.loaded,
                rx.el.div(
                    rx.el.strong(T("Nothing here yet")),
                    rx.el.span(T("Log a call, a meeting or a note, and it appears here.")),
                    class_name="rp-360-empty",
                ),
                rx.el.div(class_name="rp-360-skeleton"),
            ),
        ),
        rx.cond(
            S.cursor != "",
            rx.el.div(
                rx.button(
                    T("Show older"),
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.show_older,
                    data_testid="show-older",
                ),
                class_name="rp-360-more",
            ),
        ),
        class_name="rp-360-card rp-360-timeline",
        data_testid="timeline",
    )
