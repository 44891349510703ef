"""Wide tables in a real Chromium: a network's action list fits a laptop window and becomes
cards of labelled cells on a phone; the coverage matrix scrolls inside its own region on a
phone with a visible hint that the region names for screen readers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

SARA = "sara.ekholm@huddinge.example"  # convener of SUP: every edit button in the list
JOHAN = "johan.lindqvist@huddinge.example"  # director: the coverage matrix
PHONE = {"width": 390, "height": 844}
HINT = re.compile("svep eller rulla i sidled för att se alla kolumner", re.I)


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def scrolls_inside(page, selector: str) -> bool:
    return page.evaluate(
        "(s) => { const w = document.querySelector(s); return w.scrollWidth > w.clientWidth + 1; }",
        selector)


def right_edge(locator) -> float:
    box = locator.bounding_box()
    assert box, "not rendered"
    return box["x"] + box["width"]


def open_action_list(page, base: str) -> None:
    page.goto(f"{base}/natverk/sup/handlingsplan/")
    expect(page.get_by_role("heading", level=2, name="Handlingsplan")).to_be_visible()
    page.wait_for_function("() => window.htmx !== undefined")


@pytest.mark.parametrize("width", [1280, 1920])
def test_action_list_fits_a_laptop_window(page, live_server, login, check_a11y, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, SARA)
    open_action_list(page, live_server)
    assert page_width(page) <= width
    assert not scrolls_inside(page, "#action-results .table-wrap"), \
        "the table scrolls sideways in its region"
    # The last columns are on the screen: the comment's edit button and the row's buttons.
    for role, name in [("link", "Ändra kommentar, rad 1"), ("button", "Ta bort rad 1"),
                       ("button", "Flytta ner rad 1")]:
        assert right_edge(page.get_by_role(role, name=name)) <= width, name
    expect(page.locator(".scroll-hint:visible")).to_have_count(0)
    check_a11y(page, f"the action list at {width} px")

    # An open cell editor in a narrow column does not push the table wider either.
    page.get_by_role("link", name="Ändra kostnad, rad 2").click()
    expect(page.get_by_role("textbox", name="Kostnad, rad 2")).to_be_focused()
    assert page_width(page) <= width
    assert not scrolls_inside(page, "#action-results .table-wrap")
    check_a11y(page, f"the action list at {width} px with a cell editor open")


def test_action_list_rows_are_cards_on_a_phone(page, live_server, login, check_a11y):
    page.set_viewport_size(PHONE)
    login(page, live_server, SARA)
    open_action_list(page, live_server)
    assert page_width(page) <= PHONE["width"]
    assert not scrolls_inside(page, "#action-results .table-wrap")
    row = page.locator("#action-results tbody tr").first
    # Each cell shows its column's name above its value; the column headers are for
    # screen readers only.
    labels = row.evaluate(
        "(tr) => [...tr.children].map(c => getComputedStyle(c, '::before').content)")
    for label in ["Rad", "Fokusområde och delmål", "Aktivitet", "Ansvarig", "Kostnad",
                  "Tid och förfallodatum", "Status", "Kommentar", "Senast ändrad"]:
        assert any(label in shown for shown in labels), (label, labels)
    for name in ["Ändra kommentar, rad 1", "Ändra status, rad 1"]:
        button = page.get_by_role("link", name=name)
        expect(button).to_be_visible()
        assert right_edge(button) <= PHONE["width"], name
    check_a11y(page, "the action list as cards on a phone")

    page.get_by_role("link", name="Ändra kommentar, rad 1").click()
    expect(page.get_by_role("textbox", name="Kommentar, rad 1")).to_be_focused()
    assert page_width(page) <= PHONE["width"]
    check_a11y(page, "a cell editor in a card on a phone")


def test_combined_plan_rows_are_cards_on_a_phone(page, live_server, login, check_a11y):
    page.set_viewport_size(PHONE)
    login(page, live_server, SARA)
    page.goto(f"{live_server}/handlingsplan/")
    expect(page.get_by_role("heading", level=1, name="Gemensam handlingsplan")).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    widths = page.evaluate(
        "() => [...document.querySelectorAll('#plan-results .table-wrap')]"
        ".map(w => w.scrollWidth - w.clientWidth)")
    assert widths and max(widths) <= 1, widths
    check_a11y(page, "the combined plan on a phone")


def test_coverage_matrix_on_a_phone_says_that_it_scrolls(page, live_server, login, check_a11y):
    page.set_viewport_size(PHONE)
    login(page, live_server, JOHAN)
    page.goto(f"{live_server}/representation/tackning")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Täckning")
    assert page_width(page) <= PHONE["width"]
    region = page.get_by_role("region", name=re.compile("Utsedda ledamöter per nätverk"))
    assert scrolls_inside(page, ".table-wrap")
    hint = page.locator(".scroll-hint")
    expect(hint).to_be_visible()
    expect(hint).to_have_text(HINT)
    expect(region).to_have_accessible_description(HINT)
    # Scrolled to the last municipality, the network names stay in view.
    region.evaluate("(r) => { r.scrollLeft = r.scrollWidth; }")
    tyreso = page.get_by_role("columnheader", name="Tyresö")
    expect(tyreso).to_be_in_viewport()
    expect(page.get_by_role("rowheader", name="SUP")).to_be_in_viewport()
    check_a11y(page, "the coverage matrix on a phone")


def test_coverage_matrix_on_a_laptop_has_no_hint(page, live_server, login):
    login(page, live_server, JOHAN)
    page.goto(f"{live_server}/representation/tackning")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Täckning")
    page.wait_for_load_state("load")
    assert not scrolls_inside(page, ".table-wrap")
    expect(page.locator(".scroll-hint:visible")).to_have_count(0)
    region = page.get_by_role("region", name=re.compile("Utsedda ledamöter per nätverk"))
    expect(region).not_to_have_attribute("aria-describedby", re.compile("scroll-hint"))
