"""The contact and company lists: every filter, every sort both ways, paging and the rows."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from crm_app.models import (
    Company,
    CompanyTag,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    Tag,
    User,
)
from crm_app.services import company_query, contact_query, custom_fields, search, writes
from crm_app.services.company_query import CompanyFilters
from crm_app.services.contact_query import ContactFilters, CustomFilter
from crm_app.services.errors import ValidationError

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def tag(session, name: str) -> Tag:
    found = session.execute(sa.select(Tag).where(Tag.name == name)).scalar_one_or_none()
    return found or writes.create(session, Tag(name=name), actor_id=None)


def make_contact(session, first="", last="", *, emails=(), phones=(), tags=(), **values) -> Contact:
    """A contact with its children, all through the audited write path ("*" marks primary)."""
    contact = writes.create(
        session, Contact(first_name=first, last_name=last, **values), actor_id=None
    )
    for model, key, items in ((ContactEmail, "email", emails), (ContactPhone, "phone", phones)):
        for item in items:
            row = model(
                contact_id=contact.id, is_primary=item.startswith("*"), **{key: item.lstrip("*")}
            )
            writes.create(session, row, actor_id=None)
    for name in tags:
        writes.create(
            session, ContactTag(contact_id=contact.id, tag_id=tag(session, name).id), actor_id=None
        )
    return contact


def make_user(session, name: str, active: bool = True) -> User:
    user = User(email=f"{name.lower()}@example.com", name=name, password_hash="x", active=active)
    return writes.create(session, user, actor_id=None)


FIELDS = [("Budget", "number"), ("Renewal", "date"), ("VIP", "checkbox"), ("Size", "select"),
          ("Note", "text")]  # fmt: skip
# key, first, last, stage, city, country, created (2026-), last contacted, owner, company
PEOPLE = [
    ("ada", "Ada", "Lovelace", "customer", "Tallinn", "EE", "01-09T23:30", "11-01T09:00", "Ann", "Acme"),
    ("alan", "Alan", "Turing", "lead", "London", "GB", "03-01T08:00", "05-01T09:00", "Bob", "Zeta"),
    ("grace", "Grace", "Hopper", "prospect", "Tallinn", "EE", "03-01T08:00", None, None, None),
    ("madonna", "Madonna", "", "lead", None, None, "01-10T22:30", None, "Ann", None),
    ("nobody", "", "", "churned", None, None, "04-01T08:00", None, "Cid", None),
]  # fmt: skip
CHILDREN = {
    "ada": {"emails": ["ada@old.example", "*ada@acme.example"], "phones": ["+3725550001"], "tags": ["vip", "alpha"]},
    "alan": {"emails": ["alan@zeta.example", "alan2@zeta.example"], "tags": ["newsletter"]},
    "grace": {"tags": ["vip", "newsletter"]},
    "nobody": {"emails": ["x@example.com"]},
}  # fmt: skip
CUSTOM = {
    "ada": {"budget": 5000, "renewal": "2027-01-31", "vip": True, "size": "large", "note": "Met at Expo"},
    "alan": {"budget": 120.5, "vip": False, "size": "small"},
    "grace": {"budget": 99999, "renewal": "2026-06-01", "note": "expo regular"},
    "madonna": {"note": ""},
}  # fmt: skip


@pytest.fixture
def world(session):
    users = {n: make_user(session, n, n != "Cid") for n in ("Ann", "Bob", "Cid")}
    acme = writes.create(session, Company(name="Acme", industry="Software"), actor_id=None)
    zeta = Company(name="Zeta", industry="Retail", country="EE")
    companies = {"Acme": acme, "Zeta": writes.create(session, zeta, actor_id=None)}
    for label, kind in FIELDS:
        options = ["small", "large"] if kind == "select" else None
        custom_fields.define(
            session, entity="contact", label=label, field_type=kind, options=options, actor_id=None
        )
    made = {}
    for key, first, last, stage, city, country, created, contacted, owner, company in PEOPLE:
        made[key] = make_contact(
            session, first, last, **CHILDREN.get(key, {}), lifecycle_stage=stage, city=city,
            country=country, created_at=at(f"2026-{created}"),
            last_contacted_at=at(f"2026-{contacted}") if contacted else None,
            owner_id=users[owner].id if owner else None,
            company_id=companies[company].id if company else None,
            custom_fields=CUSTOM.get(key, {}),
        )  # fmt: skip
    session.flush()
    return {"users": tuple(users.values()), "companies": (acme, companies["Zeta"]), **made}


def names(session, filters=None, **kwargs) -> str:
    """The listed contacts as their last names ("-" for no name at all)."""
    kwargs.setdefault("now", NOW)
    page = contact_query.list_contacts(session, filters or ContactFilters(), **kwargs)
    return " ".join((r.name.split() or ["-"])[-1] for r in page.rows)


def test_the_default_list_is_everyone_by_last_name_with_blank_names_last(session, world):
    assert names(session) == "Hopper Lovelace Turing Madonna -"


def test_a_row_has_the_primary_email_company_owner_and_sorted_tags(session, world):
    rows = {r.id: r for r in contact_query.list_contacts(session, ContactFilters()).rows}
    ada, alan, grace = (rows[world[k].id] for k in ("ada", "alan", "grace"))
    assert (ada.email, ada.phone, ada.company, ada.owner, ada.stage, ada.city, ada.country) == (
        "ada@acme.example", "+3725550001", "Acme", "Ann", "customer", "Tallinn", "EE"
    )  # fmt: skip
    assert ada.tags == ["alpha", "vip"] and ada.custom["budget"] == 5000
    assert ada.created_at == at("2026-01-09T23:30:00") and grace.last_contacted_at is None
    assert alan.email == "alan@zeta.example"  # no primary: the oldest address
    assert (grace.company, grace.owner, grace.email, grace.tags) == (
        "",
        "",
        "",
        ["newsletter", "vip"],
    )


def test_each_filter(session, world):
    ann, bob, _ = world["users"]
    vip, news = tag(session, "vip").id, tag(session, "newsletter").id
    cases = [
        (ContactFilters(owner_ids=[ann.id]), "Lovelace Madonna"),
        (ContactFilters(owner_ids=[ann.id, bob.id]), "Lovelace Turing Madonna"),
        (ContactFilters(unowned=True), "Hopper"),
        (ContactFilters(owner_ids=[bob.id], unowned=True), "Hopper Turing"),
        (ContactFilters(stages=["lead", "churned"]), "Turing Madonna -"),
        (ContactFilters(tag_ids=[vip]), "Hopper Lovelace"),
        (ContactFilters(tag_ids=[vip, news]), "Hopper Lovelace Turing"),  # any of them
        (ContactFilters(countries=["ee"]), "Hopper Lovelace"),
        (ContactFilters(cities=["London"]), "Turing"),
        (ContactFilters(company_id=world["companies"][0].id), "Lovelace"),
        (ContactFilters(search="lovelace"), "Lovelace"),
        (ContactFilters(search="alan2@zeta.example"), "Turing"),
        (ContactFilters(search="!!!"), ""),
        (ContactFilters(contacted="never"), "Hopper Madonna -"),
        (ContactFilters(contacted="before", contacted_date=date(2026, 11, 1)), "Turing"),
        (ContactFilters(contacted="after", contacted_date=date(2026, 5, 1)), "Lovelace"),
        (ContactFilters(stages=["lead"], owner_ids=[ann.id]), "Madonna"),  # combined
    ]
    for filters, expected in cases:
        assert names(session, filters) == expected, filters
        count = contact_query.count_contacts(session, filters, now=NOW)
        assert count == len(expected.split()), filters


def test_not_contacted_for_n_days_includes_the_never_contacted(session, world):
    filters = ContactFilters(contacted="not_for_days", contacted_days=90)
    assert names(session, filters) == "Hopper Turing Madonna -"
    filters.contacted_days = 10  # Ada was contacted 24 days before NOW
    assert "Lovelace" in names(session, filters)


def test_created_range_is_in_local_days_of_the_time_zone(session, world):
    one_day = ContactFilters(created_from=date(2026, 1, 10), created_to=date(2026, 1, 10))
    # Ada: 2026-01-09 23:30 UTC is 01:30 on the 10th in Tallinn; Madonna's 22:30 is the 11th.
    assert names(session, one_day, tz="Europe/Tallinn") == "Lovelace"
    assert names(session, one_day, tz="UTC") == "Madonna"
    assert names(session, ContactFilters(created_from=date(2026, 3, 1))) == "Hopper Turing -"


@pytest.mark.parametrize(
    ("custom", "expected"),
    [
        (CustomFilter("budget", "gt", "1 000"), "Hopper Lovelace"),
        (CustomFilter("budget", "lt", "5000"), "Turing"),
        (CustomFilter("budget", "eq", "120,5"), "Turing"),
        (CustomFilter("budget", "ne", "5000"), "Hopper Turing Madonna -"),
        (CustomFilter("budget", "is_empty", None), "Madonna -"),
        (CustomFilter("renewal", "before", "2026-12-31"), "Hopper"),
        (CustomFilter("renewal", "after", "2026-06-01"), "Lovelace"),
        (CustomFilter("renewal", "eq", "2026-06-01"), "Hopper"),
        (CustomFilter("vip", "is_true", None), "Lovelace"),
        (CustomFilter("vip", "is_false", None), "Hopper Turing Madonna -"),
        (CustomFilter("vip", "is_set", None), "Lovelace Turing"),
        (CustomFilter("size", "eq", "small"), "Turing"),
        (CustomFilter("size", "ne", "small"), "Hopper Lovelace Madonna -"),
        (CustomFilter("note", "contains", "EXPO"), "Hopper Lovelace"),
        (CustomFilter("note", "eq", "met at expo"), "Lovelace"),
        (CustomFilter("note", "is_set", None), "Hopper Lovelace"),  # "" is empty
    ],
)
def test_custom_field_filters_by_type(session, world, custom, expected):
    assert names(session, ContactFilters(custom=[custom])) == expected


@pytest.mark.parametrize(
    "custom",
    [
        CustomFilter("nope", "eq", "1"),
        CustomFilter("vip", "gt", "1"),
        CustomFilter("budget", "gt", "many"),
        CustomFilter("renewal", "after", "31.12.2026"),
    ],
)
def test_a_bad_custom_filter_is_a_validation_error_on_its_field(session, world, custom):
    with pytest.raises(ValidationError) as err:
        contact_query.count_contacts(session, ContactFilters(custom=[custom]))
    assert list(err.value.errors) == [f"custom.{custom.key}"]


def test_a_comparison_without_a_value_yet_filters_nothing(session, world):
    still_typing = ContactFilters(
        custom=[CustomFilter("budget", "gt", " "), CustomFilter("note", "eq", None)]
    )
    assert names(session, still_typing) == names(session)


SORTED = {  # ascending, descending: blanks stay last; equal values by id (reversed when desc)
    "name": ("Hopper Lovelace Turing Madonna -", "Turing Lovelace Hopper Madonna -"),
    "company": ("Lovelace Turing Hopper Madonna -", "Turing Lovelace - Madonna Hopper"),
    "owner": ("Lovelace Madonna Turing - Hopper", "- Turing Madonna Lovelace Hopper"),
    "stage": ("Turing Madonna Hopper Lovelace -", "- Lovelace Hopper Madonna Turing"),
    "city": ("Turing Lovelace Hopper Madonna -", "Hopper Lovelace Turing - Madonna"),
    "country": ("Lovelace Hopper Turing Madonna -", "Turing Hopper Lovelace - Madonna"),
    "created": ("Lovelace Madonna Turing Hopper -", "- Hopper Turing Madonna Lovelace"),
    "last_contacted": ("Turing Lovelace Hopper Madonna -", "Lovelace Turing - Madonna Hopper"),
    "custom:budget": ("Turing Lovelace Hopper Madonna -", "Hopper Lovelace Turing - Madonna"),
    "no such sort": ("Hopper Lovelace Turing Madonna -", "Turing Lovelace Hopper Madonna -"),
}


@pytest.mark.parametrize("sort", list(SORTED))
def test_each_sort_both_ways_keeps_blanks_last_and_breaks_ties_by_id(session, world, sort):
    ascending, descending = SORTED[sort]
    assert names(session, sort=sort) == ascending
    assert names(session, sort=sort, descending=True) == descending


def test_paging_is_the_same_order_whatever_the_page_size(session, world):
    """Pages cross the tiers (values, then blanks) without skipping or repeating a row."""
    for sort in SORTED:
        for descending in (False, True):
            whole = names(session, sort=sort, descending=descending)
            for size in (1, 2, 3):
                pages = [
                    names(session, sort=sort, descending=descending, page=p, page_size=size)
                    for p in range(1, -(-5 // size) + 1)
                ]
                assert " ".join(pages) == whole, (sort, descending, size)


def test_page_math_and_the_page_beyond_the_end(session, world):
    def listed(**kwargs):
        return contact_query.list_contacts(session, ContactFilters(), **kwargs)

    page = listed(page=2, page_size=2)
    assert (page.total, page.page, page.pages, page.first, page.last) == (5, 2, 3, 3, 4)
    beyond = listed(page=99, page_size=2)
    assert (beyond.page, [r.name for r in beyond.rows]) == (3, [""])
    assert listed(page=-4, page_size=2).page == 1
    assert listed(page_size=10_000).page_size == 200
    empty = contact_query.list_contacts(session, ContactFilters(search="zzzz"))
    assert (empty.total, empty.page, empty.rows, empty.first, empty.last) == (0, 1, [], 0, 0)


def test_tags_and_details_cost_a_fixed_number_of_queries(session, world):
    for i in range(30):
        make_contact(
            session, f"P{i}", f"Person{i}", emails=[f"p{i}@example.com"], tags=["bulk", f"t{i}"]
        )
    session.flush()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.get_bind(), "before_cursor_execute", listener)
    try:
        page = contact_query.list_contacts(session, ContactFilters(), page_size=50)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listener)
    assert len(page.rows) == 35 and len(statements) <= 6  # count, 3 name tiers, rows, tags
    assert next(r for r in page.rows if r.name == "P3 Person3").tags == ["bulk", "t3"]


def test_the_id_query_is_reusable_and_options_list_what_is_there(session, world):
    ids = contact_query.contact_id_query(session, ContactFilters(countries=["EE"]))
    assert set(session.execute(ids).scalars()) == {world["ada"].id, world["grace"].id}
    options = contact_query.filter_options(session)
    owners = [name for _, name in options["owners"]]
    assert owners == ["Ann", "Bob", "Cid"]  # Cid is inactive but owns a contact
    assert options["countries"] == ["EE", "GB"] and options["cities"] == ["Tallinn", "London"]
    assert [n for _, n in options["tags"]] == ["alpha", "newsletter", "vip"]
    assert options["stages"] == ["lead", "prospect", "customer", "churned"]


def test_filters_round_trip_through_json_and_tolerate_junk():
    filters = ContactFilters(
        search="x", owner_ids=[1], unowned=True, stages=["lead"], tag_ids=[2], countries=["EE"],
        cities=["Tallinn"], created_from=date(2026, 1, 1), created_to=date(2026, 2, 1),
        contacted="not_for_days", contacted_days=30, company_id=4,
        custom=[CustomFilter("budget", "gt", "10")],
    )  # fmt: skip
    assert ContactFilters.from_dict(filters.to_dict()) == filters
    junk = {
        "owner_ids": ["3", "x", True, None],
        "created_from": "not a date",
        "contacted": "soon",
        "custom": [{"key": "a"}, "b", {"key": "b", "op": "eq", "value": 5}],
        "future": 1,
        "countries": ["ee"],
    }
    parsed = ContactFilters.from_dict(junk)
    assert (parsed.owner_ids, parsed.created_from, parsed.contacted) == ([3], None, "any")
    assert parsed.custom == [CustomFilter("b", "eq", "5")] and parsed.countries == ["EE"]
    assert ContactFilters.from_dict(None) == ContactFilters()
    assert ContactFilters(search="  ").is_empty() and not ContactFilters(unowned=True).is_empty()


def test_the_company_list_filters_sorts_and_counts_contacts(session, world):
    acme, zeta = world["companies"]
    blank = writes.create(session, Company(name="Blank Ltd"), actor_id=None)
    writes.create(
        session, CompanyTag(company_id=zeta.id, tag_id=tag(session, "vip").id), actor_id=None
    )

    def listed(filters=None, **kwargs):
        page = company_query.list_companies(session, filters or CompanyFilters(), **kwargs)
        return [r.name for r in page.rows]

    assert listed() == ["Acme", "Blank Ltd", "Zeta"]
    assert listed(sort="industry") == ["Zeta", "Acme", "Blank Ltd"]
    assert listed(sort="industry", descending=True) == ["Acme", "Zeta", "Blank Ltd"]
    assert listed(sort="contacts", descending=True) == ["Zeta", "Acme", "Blank Ltd"]
    assert listed(CompanyFilters(industries=["Retail"])) == ["Zeta"]
    assert listed(CompanyFilters(tag_ids=[tag(session, "vip").id])) == ["Zeta"]
    assert listed(CompanyFilters(search="acme")) == ["Acme"]
    row = company_query.list_companies(session, CompanyFilters(countries=["ee"])).rows[0]
    assert (row.name, row.contacts, row.tags, row.owner, row.domain) == ("Zeta", 1, ["vip"], "", "")
    assert company_query.count_companies(session, CompanyFilters(unowned=True)) == 3
    every = company_query.company_id_query(session, CompanyFilters())
    assert set(session.execute(every).scalars()) == {acme.id, zeta.id, blank.id}
    options = company_query.company_filter_options(session)
    assert options["industries"] == ["Retail", "Software"] and options["countries"] == ["EE"]
    stored = CompanyFilters(industries=["Retail"], created_to=date(2026, 1, 1)).to_dict()
    assert CompanyFilters.from_dict(stored) == CompanyFilters(
        industries=["Retail"], created_to=date(2026, 1, 1)
    )


def test_the_row_by_row_tag_test_and_the_like_fallback_give_the_same_answers(
    session, world, monkeypatch
):
    monkeypatch.setattr(contact_query, "_TAG_SCAN_THRESHOLD", 0)  # as for a large tag
    assert names(session, ContactFilters(tag_ids=[tag(session, "vip").id])) == "Hopper Lovelace"
    monkeypatch.delattr(search, "contact_match_ids")  # as before full-text search existed
    monkeypatch.delattr(search, "company_match_ids")
    assert names(session, ContactFilters(search="LOVELACE")) == "Lovelace"
    assert names(session, ContactFilters(search="alan2@zeta")) == "Turing"
    assert names(session, ContactFilters(search="5550001")) == "Lovelace"
    assert names(session, ContactFilters(search="zeta turing")) == "Turing"
    assert names(session, ContactFilters(search="100%")) == ""
    found = company_query.list_companies(session, CompanyFilters(search="acm")).rows
    assert [r.name for r in found] == ["Acme"]
