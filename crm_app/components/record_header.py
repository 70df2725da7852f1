"""The record page's header, key figures, health score and "about" card (plain HTML + CSS)."""

from __future__ import annotations

import reflex as rx

from crm_app.components import inline_field
from crm_app.components.i18n import T
from crm_app.state.company_form import CompanyFormState
from crm_app.state.contact_form import ContactFormState
from crm_app.state.record360 import Record360State as S

P = S.profile


def _fact(icon: str, child: rx.Component | rx.Var, label: rx.Var) -> rx.Component:
    return rx.el.span(
        rx.icon(icon, size=14, aria_hidden="true"),
        child,
        class_name="rp-360-fact",
        title=label,
    )


def _edit_button(kind: str) -> rx.Component:
    click = (
        ContactFormState.open_edit(P["id"])
        if kind == "contact"
        else CompanyFormState.open_edit(P["id"])
    )
    return rx.cond(
        S.can_edit,
        rx.button(
            rx.icon("pencil", size=14),
            T("Edit"),
            variant="soft",
            on_click=click,
            data_testid="edit-record",
        ),
    )


def _mail_button() -> rx.Component:
    from crm_app.components.mail_compose import mail_button

    return mail_button()


def header(kind: str) -> rx.Component:
    """Initials, name, title and company, owner, stage, tags, and the page's actions."""
    list_href, list_label = (
        ("/contacts", T("Contacts")) if kind == "contact" else ("/companies", T("Companies"))
    )
    subtitle = (
        rx.el.div(
            rx.cond(P["title"] != "", rx.el.span(P["title"], dir="auto")),
            rx.cond(
                (P["title"] != "") & (P["company_name"] != ""),
                rx.el.span("·", class_name="rp-360-muted", aria_hidden="true"),
            ),
            rx.cond(
                P["company_name"] != "",
                rx.link(
                    P["company_name"],
                    href="/companies/" + P["company_id"],
                    data_testid="record-company",
                    dir="auto",
                ),
            ),
            class_name="rp-360-subtitle",
        )
        if kind == "contact"
        else rx.el.div(
            rx.cond(P["industry"] != "", rx.el.span(P["industry"], dir="auto")),
            rx.cond(
                P["domain"] != "",
                rx.link(P["domain"], href="https://" + P["domain"], is_external=True, dir="ltr"),
            ),
            class_name="rp-360-subtitle",
        )
    )
    facts = rx.el.div(
        rx.cond(
            P["stage_label"] != "",
            rx.el.span(P["stage_label"], class_name="rp-360-stage", data_stage=P["stage"]),
        ),
        _fact("user-round", rx.el.span(P["owner"], dir="auto"), T("Owner")),
        rx.cond(P["place"] != "", _fact("map-pin", rx.el.span(P["place"]), T("Location"))),
        rx.cond(
            P["employees"] != "",
            _fact("users", rx.el.span(P["employees"]), T("Employees")),
        ),
        rx.foreach(
            S.tags,
            lambda t: rx.el.span(t[0], class_name="rp-360-tag", data_color=t[1], dir="auto"),
        ),
        class_name="rp-360-facts",
    )
    return rx.el.header(
        rx.el.nav(
            rx.link(list_label, href=list_href),
            rx.icon("chevron-right", size=14, class_name="flip-rtl", aria_hidden="true"),
            rx.el.span(P["name"], dir="auto"),
            class_name="rp-360-crumbs",
            aria_label=T("Breadcrumb"),
        ),
        rx.el.div(
            rx.el.div(
                P["initials"],
                class_name="rp-360-avatar" + (" rp-360-avatar-square" if kind == "company" else ""),
                aria_hidden="true",
            ),
            rx.el.div(
                rx.el.h1(
                    P["name"], class_name="rp-360-name", dir="auto", data_testid="record-name"
                ),
                subtitle,
                facts,
                class_name="rp-360-title",
            ),
            rx.el.div(
                _mail_button() if kind == "contact" else rx.fragment(),
                _edit_button(kind),
                class_name="rp-360-actions",
            ),
            class_name="rp-360-head",
        ),
        class_name="rp-360-header",
    )


def _stat(label: rx.Var, value: rx.Var, detail: rx.Var, icon: str, test_id: str, **props):
    return rx.el.div(
        rx.el.div(
            rx.icon(icon, size=14, aria_hidden="true"), label, class_name="rp-360-stat-label"
        ),
        rx.el.div(value, class_name="rp-360-stat-value", data_testid=test_id, dir="auto", **props),
        rx.el.div(detail, class_name="rp-360-stat-detail", dir="auto"),
        class_name="rp-360-stat",
    )


def figures() -> rx.Component:
    f = S.figures
    return rx.el.section(
        _stat(T("Lifetime value"), f["lifetime_value"], f["orders"], "wallet", "stat-ltv"),
        _stat(T("Open deals"), f["open_value"], f["open_deals"], "handshake", "stat-open-deals"),
        _stat(
            T("Open tickets"),
            f["open_tickets"],
            T("not solved or closed"),
            "life-buoy",
            "stat-open-tickets",
        ),
        _stat(
            T("Last contacted"),
            f["last_contacted"],
            f["last_contacted_exact"],
            "phone-outgoing",
            "stat-last-contacted",
            title=f["last_contacted_exact"],
        ),
        _stat(
            T("Since last purchase"),
            f["since_purchase"],
            f["last_purchase"],
            "shopping-bag",
            "stat-since-purchase",
        ),
        class_name="rp-360-stats",
        aria_label=T("Key figures"),
    )


def health_card() -> rx.Component:
    f = S.figures
    return rx.el.section(
        rx.el.div(
            rx.el.h2(T("Health score"), class_name="rp-360-card-title"),
            rx.el.span(
                rx.el.strong(f["health"]),
                rx.el.span(f["level_label"]),
                class_name="rp-360-health",
                data_level=f["level"],
                data_testid="health-badge",
            ),
            class_name="rp-360-card-head",
        ),
        rx.el.ul(
            rx.foreach(
                S.reasons,
                lambda r: rx.el.li(
                    rx.el.span(r[1], class_name="rp-360-points", data_dir=r[2]),
                    rx.el.span(r[0]),
                ),
            ),
            class_name="rp-360-reasons",
            data_testid="health-reasons",
        ),
        class_name="rp-360-card",
    )


def _row(icon: str, label: rx.Var, value: rx.Component) -> rx.Component:
    return inline_field.row(icon, label, value)


def _more_emails(skip: rx.Var | str = "") -> rx.Component:
    """The addresses as mailto links, leaving out ``skip`` (the one edited in place)."""
    return rx.foreach(
        S.emails,
        lambda e: rx.cond(
            e[0] != skip,
            _row("mail", e[1], rx.link(e[0], href="mailto:" + e[0], dir="ltr")),
        ),
    )


def _more_phones(skip: rx.Var | str = "") -> rx.Component:
    """The numbers as tel: links, leaving out ``skip`` (the one edited in place)."""
    return rx.foreach(
        S.phones,
        lambda p: rx.cond(
            p[0] != skip,
            _row(
                "phone",
                p[1],
                rx.link(p[0], href="tel:" + p[0], dir="ltr", data_testid="record-phone"),
            ),
        ),
    )


def _consent_text() -> rx.Component:
    return rx.el.span(
        P["consent"],
        rx.cond(P["consent_on"] != "", rx.el.small(" · " + P["consent_on"])),
        data_on=P["consent_email"],
        class_name="rp-360-consent",
    )


def _read_only(kind: str) -> list[rx.Component]:
    """What a user who may not edit sees: plain values and links."""
    contact_rows = [
        _row("megaphone", T("Preferred channel"), rx.el.span(P["channel"])),
        _row("languages", T("Preferred language"), rx.el.span(P["language"])),
        _row("mail-check", T("E-mail consent"), _consent_text()),
        rx.cond(
            P["do_not_call"] != "",
            _row("phone-off", T("Calls"), rx.el.span(T("Do not call"), class_name="rp-360-dnc")),
        ),
    ]
    return [
        _more_emails(),
        _more_phones(),
        *(contact_rows if kind == "contact" else []),
    ]


def _tag_chips() -> rx.Component:
    return rx.el.span(
        rx.foreach(
            S.tags,
            lambda t: rx.el.span(t[0], class_name="rp-360-tag", data_color=t[1], dir="auto"),
        ),
        class_name="rp-inline-tags",
    )


def _editable(kind: str) -> list[rx.Component]:
    """Every key field in place: click to edit, Enter or leaving saves, Esc cancels."""
    f = inline_field
    if kind == "company":
        return [
            f.text_field(kind, "name", T("Name"), "building-2"),
            f.text_field(kind, "domain", T("Domain"), "globe", direction="ltr"),
            f.text_field(kind, "industry", T("Industry"), "factory"),
            f.text_field(kind, "employees", T("Employees"), "users", input_type="number"),
            f.text_field(kind, "phone", T("Phone"), "phone", input_type="tel", direction="ltr"),
            f.text_field(kind, "city", T("City"), "map-pin"),
            f.select_field(kind, "owner_id", T("Owner"), "user-round"),
            f.text_field(
                kind, "tags", T("Tags"), "tag", shown=_tag_chips(), hint=T("Separate with commas")
            ),
        ]
    return [
        f.text_field(kind, "first_name", T("First name"), "user"),
        f.text_field(kind, "last_name", T("Last name"), "user"),
        f.text_field(kind, "title", T("Job title"), "briefcase"),
        f.text_field(kind, "email", T("E-mail"), "mail", input_type="email", direction="ltr"),
        _more_emails(S.fields.get("email", "")),
        f.text_field(kind, "phone", T("Phone"), "phone", input_type="tel", direction="ltr"),
        _more_phones(S.fields.get("phone", "")),
        f.text_field(kind, "city", T("City"), "map-pin"),
        f.select_field(kind, "owner_id", T("Owner"), "user-round"),
        f.select_field(kind, "lifecycle_stage", T("Lifecycle stage"), "milestone"),
        f.text_field(
            kind, "tags", T("Tags"), "tag", shown=_tag_chips(), hint=T("Separate with commas")
        ),
        rx.el.div(
            rx.el.h3(T("Preferences and consent"), class_name="rp-inline-subtitle"),
            class_name="rp-360-about-row rp-inline-section",
        ),
        f.select_field(kind, "channel", T("Preferred channel"), "megaphone"),
        f.select_field(kind, "language", T("Preferred language"), "languages"),
        f.switch_field(kind, "consent_email", T("E-mail consent"), "mail-check", _consent_text()),
        f.switch_field(
            kind,
            "do_not_call",
            T("Do not call"),
            "phone-off",
            rx.cond(
                P["do_not_call"] != "",
                rx.el.span(T("Do not call"), class_name="rp-360-dnc"),
                rx.el.span(T("Calls are welcome"), class_name="rp-360-muted"),
            ),
        ),
    ]


def about_card(kind: str) -> rx.Component:
    """Details: editable in place for those who may edit the record, plain for the rest."""
    return rx.el.section(
        rx.el.h2(T("About"), class_name="rp-360-card-title"),
        rx.cond(
            S.can_edit,
            rx.el.dl(*_editable(kind), class_name="rp-360-about", data_testid="about-edit"),
            rx.el.dl(*_read_only(kind), class_name="rp-360-about"),
        ),
        class_name="rp-360-card",
        data_testid="about-card",
    )
