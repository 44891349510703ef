"""Registering a referral in a real Chromium, with the demo accounts: the secretariat opens
the responses board, registers Region Stockholm's "Kollektivtrafikplan 2050" for the climate
network, is warned that SUP already has it (what was typed kept), registers it anyway, and
moves it to the business network, where it then lives. axe-core checks the form, the warning,
the move form and its error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

SECRETARIAT = "elin.strand@huddinge.example"


def test_the_secretariat_registers_a_referral_is_warned_and_moves_it(
        live_server, page, login, check_a11y, console):
    console.allow(r"status of 422")  # the warning and the refused move answer 422
    base = live_server
    login(page, base, SECRETARIAT)
    page.goto(f"{base}/remissvar/")
    page.get_by_role("link", name="Registrera remiss").click()
    expect(page.get_by_role("heading", name="Registrera remiss")).to_be_visible()
    check_a11y(page, "the board's registration form")

    page.get_by_label("Nätverk som ska svara").select_option(label="Klimatnätverket")
    page.get_by_label("Remissens titel").fill("kollektivtrafikplan  2050")
    page.get_by_label("Remissinstans (avsändare)").fill("Region Stockholm")
    page.get_by_label("Sista svarsdag").fill("2027-03-01")
    page.get_by_label("Länkar till remisshandlingarna").fill(
        "Remissversion https://example.org/kollektivtrafikplan")
    page.get_by_role("button", name="Registrera remissen").click()

    warning = page.locator(".duplicate-warning")
    expect(warning).to_contain_text("Remissen verkar redan vara registrerad")
    expect(warning.get_by_role("link", name="Kollektivtrafikplan 2050")).to_have_attribute(
        "href", re.compile(r"/natverk/sup/remissvar/\d+$"))
    expect(page.get_by_role("alert")).to_contain_text("Remissen är inte registrerad än")
    expect(page.get_by_label("Remissens titel")).to_have_value("kollektivtrafikplan  2050")
    expect(page.get_by_label("Länkar till remisshandlingarna")).to_have_value(
        "Remissversion https://example.org/kollektivtrafikplan")
    check_a11y(page, "the duplicate warning")

    page.get_by_label("Registrera ändå: det är en annan remiss").check()
    page.get_by_role("button", name="Registrera remissen").click()
    expect(page.get_by_text("Remissen är registrerad för Klimatnätverket.")).to_be_visible()
    assert re.search(r"/natverk/klimat/remissvar/\d+$", page.url), page.url
    old_url = page.url

    page.get_by_text("Flytta remissen till ett annat nätverk").click()
    page.get_by_role("button", name="Flytta remissen").click()
    expect(page.locator("#relocate")).to_contain_text("Välj nätverket som remissen ska "
                                                      "flyttas till.")
    expect(page.locator("#relocate")).to_be_in_viewport()
    check_a11y(page, "the move form with its error")

    page.get_by_label("Flytta till nätverket").select_option(label="Näringslivschefer")
    page.get_by_role("button", name="Flytta remissen").click()
    expect(page.get_by_text("Remissen är flyttad till Näringslivschefer.")).to_be_visible()
    assert re.search(r"/natverk/snug/remissvar/\d+$", page.url), page.url
    check_a11y(page, "the moved referral")
    page.goto(old_url)
    assert re.search(r"/natverk/snug/remissvar/\d+$", page.url), page.url


def test_the_facts_of_a_new_referral_line_up_on_a_wide_screen_and_a_phone(
        live_server, page, login, check_a11y):
    """Every value of the facts list starts at one line, the municipalities' diarienummer
    (whose term is the longest) too, at 1280 px and at 390 px."""
    base = live_server
    login(page, base, SECRETARIAT)
    page.goto(f"{base}/remissvar/registrera")
    page.get_by_label("Nätverk som ska svara").select_option(label="Klimatnätverket")
    page.get_by_label("Remissens titel").fill("Regional vattenplan")
    page.get_by_label("Remissinstans (avsändare)").fill("Länsstyrelsen i Stockholms län")
    page.get_by_label("Sista svarsdag").fill("2027-03-01")
    case_numbers = page.locator("input[name^='case_']")
    for i in range(3):
        case_numbers.nth(i).fill(f"KS 2026/{101 + i}")
    page.get_by_role("button", name="Registrera remissen").click()
    expect(page.get_by_text("Remissen är registrerad för Klimatnätverket.")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts.locator("dt", has_text="Kommunernas diarienummer")).to_be_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        values = [box["x"] for box in
                  (dd.bounding_box() for dd in facts.locator("dd").all())]
        assert len(values) == 7 and max(values) - min(values) < 1, (width, values)
        numbers = facts.locator("dd").last.bounding_box()
        assert numbers["x"] + numbers["width"] <= width, (width, numbers)
        terms = {round(dt.bounding_box()["x"]) for dt in facts.locator("dt").all()}
        assert len(terms) == 1 and min(values) > terms.pop(), (width, values)
    check_a11y(page, "a new referral's facts on a phone")
