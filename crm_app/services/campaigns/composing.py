"""What one campaign mail holds, and the test send.

Rules:
- every campaign mail carries its recipient's unsubscribe link (in both parts) and the
  List-Unsubscribe headers (RFC 8058 one-click), a tracked open pixel and tracked links;
- the unsubscribe label is in the template's language;
- a test send goes to one address (yourself) with a sample contact's merge values, the links
  as written and a stand-in unsubscribe link; it is not a recipient and changes no campaign.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from crm_app.models import EmailTemplate

from .. import mail
from ..errors import NotFound
from ..i18n import N_, gettext
from ..mail import merge
from . import content, tracking
from .templates import UNSUBSCRIBE_LABEL

TEST_PREFIX = "[Test] "


def _language_label(template: EmailTemplate) -> str:
    return gettext(UNSUBSCRIBE_LABEL, template.language)


def compose(
    session: Session,
    template: EmailTemplate,
    *,
    contact_id: int | None,
    token: str | None,
    links: dict[str, int],
) -> dict[str, Any]:
    """Subject, text, HTML and headers of one campaign mail (merge fields filled)."""
    base = tracking.base_url(session)
    values = merge.contact_values(session, contact_id)
    if token:
        unsubscribe = tracking.unsubscribe_url(base, token)
        tracked = {url: tracking.click_url(base, token, lid) for url, lid in links.items()}
        pixel: str | None = tracking.open_url(base, token)
    else:  # a test send: the links work as written, the unsubscribe link explains itself
        unsubscribe, tracked, pixel = f"{base}/u/test", {}, None
    label = _language_label(template)
    body = merge.render(template.body, values).text
    text = merge.render(template.text_body or template.body, values).text
    return {
        "subject": merge.render(template.subject, values).text,
        "body": content.text_part(text, tracked, unsubscribe, label),
        "html": content.html_part(
            body,
            language=template.language,
            tracked=tracked,
            unsubscribe_url=unsubscribe,
            unsubscribe_label=label,
            pixel_url=pixel,
        ),
        "headers": {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }


def test_send(
    session: Session,
    *,
    template_id: int,
    to: str,
    contact_id: int | None,
    actor_id: int | None,
) -> mail.QueuedMail:
    """Send the template once to ``to`` (yourself), filled with ``contact_id``'s values."""
    template = session.get(EmailTemplate, template_id)
    if template is None:
        raise NotFound(N_("This template no longer exists."))
    parts = compose(session, template, contact_id=contact_id, token=None, links={})
    return mail.queue_mail(
        session,
        to=to,
        subject=TEST_PREFIX + parts["subject"],
        body=parts["body"],
        html=parts["html"],
        headers=parts["headers"],
        contact_id=None,
        actor_id=actor_id,
        purpose="test",
    )
