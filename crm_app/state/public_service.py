"""The public service pages (no login): the support request form and the satisfaction survey.

Both are public entry points: they validate everything themselves and are rate limited per
client (and the request form per e-mail address) in the services.
"""

from __future__ import annotations

from crm_app.db import session_scope
from crm_app.services import app_settings
from crm_app.services.tickets import csat, public_form

from .base import AppState
from .guard import public

REQUEST_FIELDS = ("name", "email", "subject", "message", "website")  # website: the honeypot


class PublicServiceState(AppState):
    """Holds nothing from a session: ``errors`` beside fields, the result of the last submit."""

    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    reference: str = ""
    form_key: int = 0
    # the survey
    survey_state: str = "loading"  # loading | ready | done | error
    survey_error: str = ""
    survey_reference: str = ""
    survey_subject: str = ""
    score: str = ""

    def _client(self) -> str:
        return str(self.router.session.client_ip or self.router.session.client_token or "")[:100]

    def _default_locale(self) -> None:
        if not self.session_token:
            with session_scope() as session:
                self._use_locale(app_settings.get(session, "default_locale"))

    @public("PublicServiceState.load_request_form")
    def load_request_form(self):
        self._default_locale()
        # no new form key here: a remount would drop what a fast typist already entered
        self.errors, self.values, self.reference = {}, {}, ""

    @public("PublicServiceState.submit_request")
    def submit_request(self, form: dict):
        if not isinstance(form, dict):
            return
        values = {k: str(form.get(k, "") or "")[:20000] for k in REQUEST_FIELDS}
        self.values = {k: v for k, v in values.items() if k != "website"}
        with session_scope() as session:
            result = public_form.submit_request(
                session,
                name=values["name"],
                email=values["email"],
                subject=values["subject"],
                message=values["message"],
                honeypot=values["website"],
                client_key=self._client(),
            )
        if not result.ok:
            self.errors = {k: self._t(v) for k, v in result.errors.items()}
            return
        self.errors, self.values = {}, {}
        self.reference = result.reference

    @public("PublicServiceState.new_request")
    def new_request(self):
        self.errors, self.values, self.reference = {}, {}, ""
        self.form_key += 1

    def _token(self) -> str:
        """The token in /csat/<token> (the route's dynamic argument)."""
        raw = str(getattr(self, "token", "") or "")
        if not raw:
            raw = str(self.router.page.params.get("token", "") or "")
        return raw[:200]

    @public("PublicServiceState.load_survey")
    def load_survey(self):
        self._default_locale()
        self.score, self.errors = "", {}
        with session_scope() as session:
            check = csat.check_token(session, self._token(), client_key=self._client())
        self.survey_reference, self.survey_subject = check.reference, check.subject
        if check.ok:
            self.survey_state, self.survey_error = "ready", ""
        else:
            self.survey_state, self.survey_error = "error", self._t(check.error or "")

    @public("PublicServiceState.choose_score")
    def choose_score(self, score: str):
        score = str(score)
        if score in ("1", "2", "3", "4", "5") and self.survey_state == "ready":
            self.score = score

    @public("PublicServiceState.submit_rating")
    def submit_rating(self, form: dict):
        if not isinstance(form, dict) or self.survey_state != "ready":
            return
        comment = str(form.get("comment", "") or "")[:5000]
        with session_scope() as session:
            result = csat.submit_rating(
                session,
                self._token(),
                score=self.score or None,
                comment=comment,
                client_key=self._client(),
            )
        if result.ok:
            self.survey_state, self.errors = "done", {}
            return
        if "form" in result.errors:
            self.survey_state, self.survey_error = "error", self._t(result.errors["form"])
            return
        self.errors = {k: self._t(v) for k, v in result.errors.items()}
