"""Search in a real Chromium with the demo data: typing in the header's field shows the first
hits, the results page with its filters, and "search in this network"; axe-core on each."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

AHMED = "ahmed.karimi@botkyrka.example"  # member of SUP
LINNEA = "linnea.holm@haninge.example"  # convener of the climate network, not in SUP


def test_typing_in_the_header_shows_the_first_hits_and_the_results_page(
        page, live_server, login, check_a11y):
    base = live_server
    login(page, base, AHMED)
    page.wait_for_function("() => window.htmx !== undefined")
    field = page.get_by_role("searchbox", name="Sök i Samverkansytan")
    field.click()
    page.keyboard.type("kollektivtrafikplanen", delay=20)
    suggestions = page.locator("#site-search-suggest")
    expect(suggestions.get_by_role(
        "link", name="Remissvar Kollektivtrafikplan 2050 – Nätverket för planeringschefer")
    ).to_be_visible()
    check_a11y(page, "the header's suggestions")
    # Tab reaches the hits; Enter in the field opens the results page.
    field.press("Enter")
    expect(page).to_have_url(re.compile(r"/sok/\?q=kollektivtrafikplanen$"))
    expect(page.get_by_role("heading", level=1, name="Sök")).to_be_visible()
    expect(page.locator(".result-count")).to_have_text("2 träffar för ”kollektivtrafikplanen”")
    hit = page.get_by_role("link", name="Kollektivtrafikplan 2050", exact=True)
    expect(hit).to_be_visible()
    expect(page.locator(".search-hit__snippet mark").first).to_have_text(
        re.compile("Kollektivtrafikplan", re.IGNORECASE))
    check_a11y(page, "the results page")
    # A filter by kind, then the hit opens the response.
    page.get_by_role("link", name=re.compile(r"^Remissvar \(1\)")).click()
    expect(page.locator(".result-count")).to_have_text("1 träff för ”kollektivtrafikplanen”")
    expect(page).to_have_url(re.compile(r"typ=response"))
    page.get_by_role("link", name="Kollektivtrafikplan 2050", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Kollektivtrafikplan 2050"))
           ).to_be_visible()


def test_search_in_a_network_and_what_another_network_does_not_show(
        page, live_server, login, check_a11y):
    base = live_server
    login(page, base, AHMED)
    page.goto(f"{base}/natverk/sup")
    page.get_by_role("searchbox", name="Sök i nätverket").fill("remisser")
    page.get_by_role("searchbox", name="Sök i nätverket").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sök i Nätverket för planeringschefer")
    expect(page).to_have_url(re.compile(r"natverk=sup"))
    hits = page.locator(".search-hit")
    expect(hits.first).to_be_visible()
    for text in hits.locator(".search-hit__meta").all_inner_texts():
        assert "Nätverket för planeringschefer" in text
    check_a11y(page, "a network's search")
    page.get_by_role("link", name="Sök i alla nätverk i stället").click()
    expect(page).not_to_have_url(re.compile(r"natverk="))

    # Linnea is not in SUP: its network-only documents are not found for her.
    page.context.clear_cookies()
    login(page, base, LINNEA)
    page.goto(f"{base}/sok/?q=remisser&typ=document&natverk=sup")
    expect(page.locator(".result-count")).to_have_text("0 träffar för ”remisser”")


def test_the_header_search_works_on_a_phone(browser, live_server, login):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")
    try:
        page = context.new_page()
        login(page, live_server, AHMED)
        field = page.get_by_role("searchbox", name="Sök i Samverkansytan")
        expect(field).to_be_visible()  # not hidden in the menu
        field.fill("Sara")
        field.press("Enter")
        expect(page.get_by_role("link", name="Sara Ekholm")).to_be_visible()
    finally:
        context.close()


def test_the_filters_change_the_results_in_place(page, live_server, login, check_a11y):
    base = live_server
    login(page, base, AHMED)
    page.goto(f"{base}/sok/?q=södertörn")
    page.wait_for_function("() => window.htmx !== undefined")
    page.get_by_label("Nätverk").select_option(label="Nätverket för planeringschefer")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sök i Nätverket för planeringschefer")
    expect(page).to_have_url(re.compile(r"natverk=sup"))
    page.get_by_label("Visa").select_option(label="Handlingsplan")
    expect(page).to_have_url(re.compile(r"typ=action"))
    expect(page.locator(".search-kinds a[aria-current]")).to_have_text(
        re.compile(r"^Handlingsplan \(\d+\)"))
    expect(page.locator(".search-hit").first).to_be_visible()
    for text in page.locator(".search-hit__meta").all_inner_texts():
        assert text.startswith("Handlingsplan")
    check_a11y(page, "the results filtered")


def test_a_new_search_in_place_updates_the_title_and_says_the_count(
        page, live_server, login):
    login(page, live_server, AHMED)
    page.goto(f"{live_server}/sok/?q=remisser")
    page.wait_for_function("() => window.htmx !== undefined")
    field = page.get_by_role("searchbox", name="Sök efter")
    field.fill("kollektivtrafikplanen")
    field.press("Enter")
    expect(page).to_have_title(re.compile(r"^Sökning: kollektivtrafikplanen – "))
    expect(page.get_by_role("status").filter(has_text="träffar")).to_have_text("2 träffar")
    expect(page.get_by_role("search", name="Sök", exact=True)).to_be_visible()
