"""Settings → Outgoing mail and Background jobs, called the way the browser does."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from crm_app.db import get_engine, session_scope
from crm_app.models import Job, JobStatus, utcnow
from crm_app.services import app_settings, auth, jobs, mail, users
from crm_app.state.jobs_admin import JobsAdminState
from crm_app.state.mail_admin import MailAdminState

from .state_calls import state_instance
from .test_mail import Inbox, free_port, start_server

SECRET = "s3cret-Smtp-pa55word"
SENDER = "Kestrel Sales <sales@kestrel.example>"


def _login(s: Session, email: str, role: str, locale: str = "en") -> str:
    users.create_user(
        s,
        name=email.split("@")[0].title(),
        email=email,
        role=role,
        password="a-long-password-1",
        actor_id=None,
        locale=locale,
    )
    s.commit()
    token, _ = auth.login(s, email, "a-long-password-1")
    s.commit()
    return token


@pytest.fixture(autouse=True)
def _no_smtp_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in mail.config.FORM_FIELDS.values():
        monkeypatch.delenv(mail.config.env_name(key), raising=False)


@pytest.fixture
def people(db_url: str, monkeypatch: pytest.MonkeyPatch, fast_hashing: None) -> dict:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    with Session(get_engine(db_url), expire_on_commit=False) as s:
        admin = _login(s, "ada@example.com", "admin")
        admin_et = _login(s, "eva@example.com", "admin", locale="et")
        sales = _login(s, "sam@example.com", "sales")
    return {"admin": admin, "admin_et": admin_et, "sales": sales, "url": db_url}


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    box, port = Inbox(), free_port()
    controller = start_server(box, port)
    yield box, port
    controller.stop()


def _state(cls, token: str):
    state = state_instance(cls)
    state.session_token = token
    return state


def _call(state, cls, name: str, *args):
    result = cls.event_handlers[name].fn(state, *args)
    if inspect.isasyncgen(result):

        async def drain() -> list:
            return [item async for item in result]

        return asyncio.run(drain())
    return result


def _all_vars(state) -> str:
    """Every var of the state and its parents, as the browser could receive them."""
    out = []
    while state is not None:
        out += [repr(getattr(state, name)) for name in state.base_vars]
        out += [repr(getattr(state, name)) for name in getattr(state, "computed_vars", {})]
        state = state.parent_state
    return "\n".join(out)


def _form(port: int | str = 2525, **kw) -> dict:
    return {
        "host": "127.0.0.1",
        "port": str(port),
        "tls": "none",
        "user": "mailer",
        "password": "",
        "sender": SENDER,
    } | kw


def _plain(text: str) -> str:
    """Without the direction isolates format_message puts around values."""
    return text.replace("\u2068", "").replace("\u2069", "")


def _stored(url: str, key: str):
    with session_scope(url) as s:
        return app_settings.get(s, key)


# -- outgoing mail ------------------------------------------------------------------------------
def test_the_password_never_reaches_the_state(people) -> None:
    state = _state(MailAdminState, people["admin"])
    _call(state, MailAdminState, "load_mail_settings")
    assert not state.password_set and not state.configured
    assert state.test_to == "ada@example.com"
    key = state.form_key

    _call(state, MailAdminState, "save_mail_settings", _form(password=SECRET))
    assert state.errors == {}
    assert _stored(people["url"], "smtp_password") == SECRET
    assert state.password_set and state.configured and state.form_key > key
    assert state.values["host"] == "127.0.0.1" and state.values["user"] == "mailer"
    assert "password" not in state.values
    assert SECRET not in _all_vars(state)

    # A fresh page load: still only "a password is saved".
    again = _state(MailAdminState, people["admin"])
    _call(again, MailAdminState, "load_mail_settings")
    assert again.password_set and SECRET not in _all_vars(again)

    # Saving with the password left empty keeps it; the checkbox removes it.
    _call(again, MailAdminState, "save_mail_settings", _form(user="other"))
    assert _stored(people["url"], "smtp_password") == SECRET
    assert again.values["user"] == "other" and SECRET not in _all_vars(again)
    _call(again, MailAdminState, "save_mail_settings", _form(clear_password="on"))
    assert _stored(people["url"], "smtp_password") == ""
    assert not again.password_set


def test_errors_show_beside_the_fields_and_nothing_is_saved(people) -> None:
    state = _state(MailAdminState, people["admin"])
    _call(state, MailAdminState, "load_mail_settings")
    _call(
        state,
        MailAdminState,
        "save_mail_settings",
        _form(port="99999", sender="not an address", password=SECRET),
    )
    assert set(state.errors) == {"port", "sender"}
    assert state.errors["port"] == "Enter a port number between 1 and 65535."
    assert _stored(people["url"], "smtp_host") is None
    assert _stored(people["url"], "smtp_password") is None
    assert SECRET not in _all_vars(state)


def test_errors_are_translated(people) -> None:
    state = _state(MailAdminState, people["admin_et"])
    _call(state, MailAdminState, "load_mail_settings")
    _call(state, MailAdminState, "save_mail_settings", _form(port="0"))
    from crm_app.services import i18n

    assert state.errors["port"] == i18n.gettext("Enter a port number between 1 and 65535.", "et")


def test_environment_fields_are_read_only(people, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORT_SMTP_HOST", "mail.env.example")
    monkeypatch.setenv("RAPPORT_SMTP_PASSWORD", "from-the-environment")
    state = _state(MailAdminState, people["admin"])
    _call(state, MailAdminState, "load_mail_settings")
    assert set(state.from_env) == {"host", "password"}
    assert state.values["host"] == "mail.env.example" and state.password_set
    assert "from-the-environment" not in _all_vars(state)
    # A client that sends other values for them changes nothing stored.
    _call(
        state,
        MailAdminState,
        "save_mail_settings",
        _form(host="evil.example", password="sneaky", clear_password="on"),
    )
    assert state.errors == {}
    assert _stored(people["url"], "smtp_host") in (None, "")
    assert _stored(people["url"], "smtp_password") is None
    assert _stored(people["url"], "smtp_user") == "mailer"


def test_send_a_test_mail_to_a_real_server(people, inbox) -> None:
    box, port = inbox
    state = _state(MailAdminState, people["admin"])
    _call(state, MailAdminState, "load_mail_settings")
    _call(state, MailAdminState, "save_mail_settings", _form(port=port, user=""))
    _call(state, MailAdminState, "send_test", {"to": "ops@example.com"})
    assert state.test_status == "sent", (state.test_message, state.test_detail, state.errors)
    assert "ops@example.com" in state.test_message and not state.test_sending
    assert len(box.received) == 1
    assert box.received[0][1] == ["ops@example.com"]
    assert box.message()["Subject"] == mail.TEST_SUBJECT


def test_a_failed_test_mail_says_why(people) -> None:
    state = _state(MailAdminState, people["admin"])
    _call(state, MailAdminState, "load_mail_settings")
    _call(state, MailAdminState, "send_test", {"to": "ops@example.com"})
    assert state.test_status == "" and state.errors["test"].startswith("Outgoing mail is not set")

    _call(state, MailAdminState, "save_mail_settings", _form(port=free_port(), user=""))
    _call(state, MailAdminState, "send_test", {"to": "not an address"})
    assert state.test_status == "" and "to" in state.errors

    _call(state, MailAdminState, "send_test", {"to": "ops@example.com"})
    assert state.test_status == "failed"
    assert state.test_message == "Could not connect to the mail server."
    assert state.test_detail and "to" not in state.errors


def test_a_sales_user_sees_and_changes_nothing(people) -> None:
    state = _state(MailAdminState, people["sales"])
    _call(state, MailAdminState, "load_mail_settings")
    assert state.values == {} and state.test_to == ""
    _call(state, MailAdminState, "save_mail_settings", _form(password=SECRET))
    assert _stored(people["url"], "smtp_host") is None
    assert _stored(people["url"], "smtp_password") is None


# -- background jobs ----------------------------------------------------------------------------
def _jobs(url: str) -> dict[str, int]:
    now = utcnow()
    with session_scope(url) as s:
        ids = {}
        for kind, status, error in [
            ("send_mail", JobStatus.FAILED.value, "Could not connect to the mail server."),
            ("nightly", JobStatus.DONE.value, None),
            ("send_mail", JobStatus.PENDING.value, None),
        ]:
            job = Job(
                kind=kind,
                status=status,
                attempts=5 if status == "failed" else 0,
                last_error=error,
                run_at=now,
                finished_at=now if status in ("failed", "done") else None,
            )
            s.add(job)
            s.flush()
            ids[status] = job.id
    return ids


def test_the_jobs_tab_counts_lists_filters_and_retries(people) -> None:
    ids = _jobs(people["url"])
    state = _state(JobsAdminState, people["admin"])
    _call(state, JobsAdminState, "load_jobs")
    counts = {c.status: c.count for c in state.counts}
    assert counts == {"pending": "1", "running": "0", "failed": "1", "done": "1"}
    assert [j.status for j in state.jobs] == ["pending", "done", "failed"]
    failed = state.jobs[-1]
    assert (failed.kind_label, failed.status_label, _plain(failed.attempts)) == (
        "Send mail",
        "Failed",
        "5 of 5",
    )
    assert failed.can_retry and failed.last_error == "Could not connect to the mail server."
    assert failed.created and failed.run_at == "" and state.jobs[0].run_at

    _call(state, JobsAdminState, "filter_jobs", "failed")
    assert [j.id for j in state.jobs] == [ids["failed"]]
    _call(state, JobsAdminState, "retry_job", ids["failed"])
    assert state.jobs == []  # it is pending now, and the filter shows failed ones
    assert {c.status: c.count for c in state.counts}["pending"] == "2"
    with session_scope(people["url"]) as s:
        job = s.get(Job, ids["failed"])
        assert (job.status, job.attempts) == ("pending", 0)

    # Retrying a job that is not failed is refused; an unknown filter shows everything.
    _call(state, JobsAdminState, "retry_job", ids["done"])
    _call(state, JobsAdminState, "filter_jobs", "bogus")
    assert state.status_filter == "all" and len(state.jobs) == 3
    with session_scope(people["url"]) as s:
        assert s.get(Job, ids["done"]).status == "done"


def test_the_jobs_tab_speaks_the_admins_language(people) -> None:
    _jobs(people["url"])
    state = _state(JobsAdminState, people["admin_et"])
    _call(state, JobsAdminState, "load_jobs")
    from crm_app.services import i18n

    assert state.jobs[-1].status_label == i18n.gettext("Failed", "et")


def test_a_sales_user_cannot_retry(people) -> None:
    ids = _jobs(people["url"])
    state = _state(JobsAdminState, people["sales"])
    _call(state, JobsAdminState, "load_jobs")
    assert state.jobs == [] and state.counts == []
    _call(state, JobsAdminState, "retry_job", ids["failed"])
    with session_scope(people["url"]) as s:
        assert s.get(Job, ids["failed"]).status == "failed"
    assert jobs.job_counts  # the service stays importable for the panel
