"""The list pages' parsing of what a browser sends (any string at all) into service inputs."""

from __future__ import annotations

from datetime import date

from crm_app.state import list_views


def test_filter_form_with_hostile_values_becomes_safe_filters() -> None:
    f = list_views.contact_filters(
        {
            "owner": "1; drop table users",
            "stage": "admin",
            "tag": "-3",
            "country": "ee",
            "created_from": "2026-02-30",
            "created_to": "2026-03-01",
            "contacted": "sometimes",
            "contacted_value": "90",
            "search": "ann lee",
        }
    )
    assert f.owner_ids == [] and not f.unowned and f.stages == [] and f.tag_ids == []
    assert f.countries == ["EE"] and f.created_from is None and f.created_to == date(2026, 3, 1)
    assert f.contacted == "any" and f.contacted_days is None and f.search == "ann lee"


def test_filters_round_trip_through_the_form() -> None:
    form = {
        "owner": "none",
        "stage": "customer",
        "tag": "4",
        "country": "DE",
        "contacted": "not_for_days",
        "contacted_value": "90",
        "custom_key": "budget",
        "custom_op": "gt",
        "custom_value": "1000",
    }
    assert list_views.filters_to_form(list_views.contact_filters(form)) == form


def test_unticked_custom_checkboxes_are_sent_as_unticked() -> None:
    defs = [{"key": "vip", "type": "checkbox"}, {"key": "budget", "type": "number"}]
    assert list_views.custom_values({"custom.budget": "10"}, defs) == {"vip": "", "budget": "10"}
    assert list_views.custom_values({"custom.vip": "on"}, defs) == {"vip": "on"}


def test_lists_split_on_the_comma_of_any_keyboard() -> None:
    assert list_views.split_list("VIP, Wholesale، Partner;  ,Event") == [
        "VIP",
        "Wholesale",
        "Partner",
        "Event",
    ]
    assert len(list_views.split_list(",".join(str(i) for i in range(100)), 20)) == 20
