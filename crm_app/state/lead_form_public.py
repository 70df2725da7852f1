"""The public lead form at /f/<slug> (no login; also shown inside an iframe elsewhere).

Its handlers are public entry points: they take only the slug from the address and plain
form values, and the service validates everything and rate-limits per client and address.
"""

from __future__ import annotations

from crm_app.db import session_scope
from crm_app.services import app_settings, lead_form_submit, lead_forms

from .base import AppState
from .guard import public

HONEYPOT = "website"
MAX_VALUE = 6000


class LeadFormPublicState(AppState):
    """Nothing from a session: the form's public definition, errors, the thank-you."""

    form_state: str = "loading"  # loading | ready | done | closed
    form_slug: str = ""
    form_title: str = ""
    form_intro: str = ""
    form_fields: list[dict[str, str]] = []  # field, label, kind, required ("1" or "")
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    thank_you: str = ""
    form_key: int = 0

    def _client(self) -> str:
        return str(self.router.session.client_ip or self.router.session.client_token or "")[:100]

    def _slug(self) -> str:
        raw = str(self.router.page.params.get("slug", "") or "")
        return raw.strip().lower()[:60]

    @public("LeadFormPublicState.load_form")
    def load_form(self):
        self.errors, self.values, self.thank_you = {}, {}, ""
        with session_scope() as session:
            if not self.session_token:
                self._use_locale(app_settings.get(session, "default_locale"))
            form = lead_forms.form_by_slug(session, self._slug())
            if form is None:
                self.form_state, self.form_slug, self.form_fields = "closed", "", []
                return
            self.form_slug = form.slug
            self.form_title = form.title or form.name
            self.form_intro = form.intro
            self.form_fields = [
                {
                    "field": str(spec["field"]),
                    "label": spec.get("label") or self._t(lead_forms.FORM_FIELDS[spec["field"]][0]),
                    "kind": lead_forms.FORM_FIELDS[spec["field"]][1],
                    "required": "1" if spec.get("required") else "",
                }
                for spec in form.fields or []
                if spec.get("field") in lead_forms.FORM_FIELDS
            ]
        self.form_state = "ready"

    @public("LeadFormPublicState.submit")
    def submit(self, form: dict):
        if not isinstance(form, dict) or self.form_state != "ready":
            return
        raw = {str(k)[:40]: str(v or "")[:MAX_VALUE] for k, v in list(form.items())[:40]}
        self.values = {k: v for k, v in raw.items() if k != HONEYPOT}
        with session_scope() as session:
            result = lead_form_submit.submit(
                session,
                self.form_slug,
                raw,
                honeypot=raw.get(HONEYPOT, ""),
                client_key=self._client(),
            )
        if not result.ok:
            self.errors = {k: self._t(v) for k, v in result.errors.items()}
            return
        self.errors, self.values = {}, {}
        self.thank_you = self._t(result.thank_you)
        self.form_state = "done"

    @public("LeadFormPublicState.new_submission")
    def new_submission(self):
        if self.form_state == "done":
            self.errors, self.values, self.thank_you = {}, {}, ""
            self.form_state = "ready"
            self.form_key += 1
