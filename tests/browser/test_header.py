"""The page header in a real Chromium: compact on a phone, with the menu behind a button that
screen readers hear as expanded or collapsed (a popover, no script of ours); a row on a
laptop as before."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

JOHAN = "johan.lindqvist@huddinge.example"  # director: the longest main menu but the staff's
PHONE = {"width": 390, "height": 844}


def header_height(page) -> float:
    return page.evaluate("() => document.querySelector('.site-header').offsetHeight")


def expanded(page, name: str) -> bool | None:
    """The expanded state of a button as the browser tells assistive technology (from the
    accessibility tree, where the popover's state shows; the DOM has no aria-expanded)."""
    cdp = page.context.new_cdp_session(page)
    try:
        for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
            if node.get("role", {}).get("value") == "button" and \
                    node.get("name", {}).get("value") == name:
                for prop in node.get("properties", []):
                    if prop["name"] == "expanded":
                        return prop["value"]["value"]
                return None
    finally:
        cdp.detach()
    raise AssertionError(f"no button {name!r}")


def test_phone_header_is_compact_and_the_menu_opens_from_a_button(
    page, live_server, login, check_a11y
):
    page.set_viewport_size(PHONE)
    login(page, live_server, JOHAN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Start")
    # Two rows: the name and the menu button, then the search field (always at hand).
    assert header_height(page) <= 112
    expect(page.get_by_role("combobox", name="Sök i Samverkansytan")).to_be_visible()
    menu = page.get_by_role("navigation", name="Huvudmeny")
    button = page.get_by_role("button", name="Meny")
    expect(button).to_be_visible()
    expect(menu).to_be_hidden()
    expect(page.get_by_role("button", name="Logga ut")).to_be_hidden()
    assert expanded(page, "Meny") is False

    button.click()
    expect(menu).to_be_visible()
    assert expanded(page, "Meny") is True
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    check_a11y(page, "the start page with the menu open on a phone")
    # The menu follows the button in the tab order and closes with Escape.
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Start")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert expanded(page, "Meny") is False
    expect(button).to_be_focused()

    button.click()
    menu.get_by_role("link", name="Täckning").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Täckning")
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_hidden()
    assert header_height(page) <= 112


def test_laptop_header_shows_the_menu_without_a_button(page, live_server, login, check_a11y):
    login(page, live_server, JOHAN)
    expect(page.get_by_role("button", name="Meny")).to_be_hidden()
    menu = page.get_by_role("navigation", name="Huvudmeny")
    expect(menu.get_by_role("link", name="Alla nätverk")).to_be_visible()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    check_a11y(page, "the start page on a laptop")


def test_phone_header_without_login_has_no_menu_button(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/logga-in")
    expect(page.get_by_role("button", name="English")).to_be_visible()
    expect(page.get_by_role("button", name="Meny")).to_have_count(0)
    assert header_height(page) <= 80
