"""Marketing (/marketing): campaigns and templates; one campaign (/marketing/campaigns/<id>)."""

from __future__ import annotations

import reflex as rx

from crm_app.components.campaign_list import campaign_editor, campaigns_tab
from crm_app.components.campaign_report import actions, recipients, report, summary
from crm_app.components.campaign_templates import templates_tab
from crm_app.components.i18n import T
from crm_app.components.shell import app_shell, page_header
from crm_app.state.campaign_page import CampaignPageState as P
from crm_app.state.campaigns import CampaignsState as S


def marketing_page() -> rx.Component:
    return app_shell(
        page_header(
            T("Marketing"),
            T("E-mail campaigns to a segment, with templates, tracking and a report."),
        ),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger(T("Campaigns"), value="campaigns", data_testid="tab-campaigns"),
                rx.tabs.trigger(T("Templates"), value="templates", data_testid="tab-templates"),
            ),
            rx.tabs.content(campaigns_tab(), value="campaigns", padding_top="16px"),
            rx.tabs.content(templates_tab(), value="templates", padding_top="16px"),
            value=S.tab,
            on_change=S.set_tab,
        ),
    )


def campaign_page() -> rx.Component:
    body = rx.vstack(
        page_header(P.name, T("Campaign"), actions()),
        summary(),
        report(),
        recipients(),
        campaign_editor(),
        width="100%",
        spacing="4",
    )
    missing = rx.el.div(
        rx.el.strong(T("This campaign does not exist")),
        rx.link(T("Back to the list"), href="/marketing"),
        class_name="rp-360-empty",
        data_testid="record-missing",
    )
    return app_shell(rx.cond(P.found, body, missing))
