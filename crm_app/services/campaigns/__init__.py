"""E-mail marketing: templates, campaigns to a segment sent through the mail service in
throttled batches by the job runner, tracking (open, click, unsubscribe) and the report."""

from . import audience, composing, content, report, sending, templates, tracking
from .audience import AudienceSummary, summary
from .composing import compose, test_send
from .report import CampaignRow, RecipientRow, Report, campaign_report, list_campaigns, recipients
from .sending import (
    CAMPAIGN_SEND,
    cancel,
    create_campaign,
    get_campaign,
    schedule,
    send_batch,
    update_campaign,
)
from .templates import (
    Preview,
    TemplateRow,
    create_template,
    delete_template,
    get_template,
    list_templates,
    preview,
    update_template,
)

__all__ = [
    "CAMPAIGN_SEND",
    "AudienceSummary",
    "CampaignRow",
    "Preview",
    "RecipientRow",
    "Report",
    "TemplateRow",
    "audience",
    "campaign_report",
    "cancel",
    "compose",
    "composing",
    "content",
    "create_campaign",
    "create_template",
    "delete_template",
    "get_campaign",
    "get_template",
    "list_campaigns",
    "list_templates",
    "preview",
    "recipients",
    "report",
    "schedule",
    "send_batch",
    "sending",
    "summary",
    "templates",
    "test_send",
    "tracking",
    "update_campaign",
    "update_template",
]
