"""The shell kept across pages (components/shell.shell_frame): on which addresses it is mounted
and which sidebar entry an address marks. The browser side is tests/browser/test_shell.py."""

from __future__ import annotations

import re

import pytest

from crm_app.components import shell

PUBLIC = ["/login", "/support", "/csat/[token]", "/f/[slug]", "404"]


@pytest.fixture(scope="module")
def signed_in() -> list[str]:
    from crm_app.crm_app import SIGNED_IN, app

    assert app.extra_app_wraps[1, "RapportShell"]  # the shell is one app wrap
    return SIGNED_IN


def test_the_shell_is_on_every_signed_in_page_and_no_public_one(signed_in):
    assert not set(PUBLIC) & set(signed_in)
    for href in shell.nav_entries([p.value for p in shell.Perm]):
        assert href in signed_in
    for route in ("/contacts/[record_id]", "/deals/[record_id]", "/tickets/new", "/settings"):
        assert route in signed_in


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("/", True),
        ("/contacts", True),
        ("/contacts/", True),
        ("/contacts/42", True),
        ("/contacts/duplicates", True),
        ("/deals/7", True),
        ("/tickets/new", True),
        ("/marketing/campaigns/3", True),
        ("/login", False),
        ("/support/", False),
        ("/csat/abc123", False),
        ("/f/contact-us", False),
        ("/no-such-page", False),
        ("/contacts/42/more", False),
        ("/contactsx", False),
    ],
)
def test_the_route_pattern(signed_in, address, shown):
    # The same expression runs in the browser (new RegExp); this syntax means the same in both.
    assert bool(re.match(shell.route_pattern(signed_in), address)) is shown


def _marks(href: str, path: str) -> bool:
    """Evaluate is_current's JavaScript condition for one address (it uses ===, || and
    startsWith only)."""
    expr = str(shell.is_current(href))
    py = expr.replace("===", "==").replace("||", " or ").replace(".startsWith(", ".startswith(")
    return bool(eval(py, {}, {"rpPath": path}))  # noqa: S307 (our own generated expression)


@pytest.mark.parametrize(
    ("path", "entry"),
    [
        ("/", "/"),
        ("/contacts", "/contacts"),
        ("/contacts/12", "/contacts"),
        ("/contacts/import", "/contacts"),
        ("/companies/3", "/companies"),
        ("/deals/5", "/pipeline"),
        ("/pipeline/forecast", "/pipeline"),
        ("/tickets/new", "/tickets"),
        ("/analytics/records", "/analytics"),
        ("/marketing/campaigns/1", "/marketing"),
        ("/my-work", "/my-work"),
        ("", None),  # before hydration nothing is marked
    ],
)
def test_an_address_marks_one_entry(path, entry):
    marked = [href for _, href, _, _ in shell.NAV if _marks(href, path)]
    assert marked == ([entry] if entry else [])


def test_pages_no_longer_build_the_navigation():
    """A page is only its content: the sidebar and top bar come from the app wrap once."""
    from crm_app.pages.contacts import contacts_page

    rendered = str(contacts_page())
    assert "rp-app-page" in rendered
    assert '"Main"' not in rendered and "global-search-trigger" not in rendered
