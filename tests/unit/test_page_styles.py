"""Every page's style props are valid CSS: a bare number given as a string (``gap="2"``) is not
a length, so the browser drops it and the layout silently loses its spacing (the filter bars
once had no gaps because of it: Radix's scale goes through ``spacing=``, lengths need a unit)."""

from __future__ import annotations

import re

import pytest

LENGTHS = re.compile(
    r'\["((?:row|column)?[gG]ap|margin\w*|padding\w*|(?:min|max)?(?:[wW]idth|[hH]eight)'
    r'|top|left|right|bottom|inset\w*|fontSize|borderRadius)"\] : "(-?\d+(?:\.\d+)?)"'
)


@pytest.fixture(scope="module")
def rendered_pages() -> dict[str, str]:
    from crm_app.crm_app import app

    return {
        route: str(page.component().render() if callable(page.component) else page.component)
        for route, page in app._unevaluated_pages.items()
    }


def test_every_page_is_rendered(rendered_pages) -> None:
    assert {"index", "tickets", "analytics", "contacts"} <= set(rendered_pages)


def test_no_length_without_a_unit(rendered_pages) -> None:
    bad = {
        route: sorted({f"{prop}: {value}" for prop, value in LENGTHS.findall(text) if value != "0"})
        for route, text in rendered_pages.items()
    }
    assert {route: found for route, found in bad.items() if found} == {}
