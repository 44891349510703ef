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
    field = page.get_by_role("combobox", name="Sök i Samverkansytan")
    field.click()
    page.keyboard.type("kollektivtrafikplanen", delay=20)
    suggestions = page.locator("#site-search-suggest")
    expect(suggestions.get_by_role(
        "option", name="Remissvar Kollektivtrafikplan 2050 – Nätverket för planeringschefer")
    ).to_be_visible()
    check_a11y(page, "the header's suggestions")
    # Enter in the field, no hit highlighted, opens the results page; the field keeps the text.
    field.press("Enter")
    expect(page).to_have_url(re.compile(r"/sok/\?q=kollektivtrafikplanen$"))
    expect(page.get_by_role("heading", level=1, name="Sök")).to_be_visible()
    expect(page.locator(".result-count")).to_have_text("2 träffar för ”kollektivtrafikplanen”")
    expect(page.get_by_role("combobox", name="Sök i Samverkansytan")).to_have_value(
        "kollektivtrafikplanen")
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
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE",
                                  has_touch=True)
    try:
        page = context.new_page()
        login(page, live_server, AHMED)
        page.wait_for_function("() => window.htmx !== undefined")
        field = page.get_by_role("combobox", name="Sök i Samverkansytan")
        expect(field).to_be_visible()  # not hidden in the menu
        # The hits fit the screen (nothing to scroll sideways), and a tap opens one.
        field.tap()
        page.keyboard.type("kollektivtrafikplan", delay=20)
        hit = page.get_by_role("listbox", name="Förslag").get_by_role(
            "option", name="Remissvar Kollektivtrafikplan 2050 – Nätverket för planeringschefer")
        expect(hit).to_be_visible()
        box = page.locator("#site-search-suggest").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        hit.tap()
        expect(page.get_by_role("heading", name=re.compile("Kollektivtrafikplan 2050"))
               ).to_be_visible()
        field.fill("Sara")
        field.press("Enter")
        expect(page.get_by_role("link", name="Sara Ekholm")).to_be_visible()
    finally:
        context.close()


def test_the_header_suggestions_are_a_combobox_for_the_keyboard_and_screen_readers(
        page, live_server, login, check_a11y):
    login(page, live_server, AHMED)
    page.wait_for_function("() => window.htmx !== undefined")
    field = page.get_by_role("combobox", name="Sök i Samverkansytan")
    expect(field).to_have_attribute("aria-expanded", "false")
    field.click()
    page.keyboard.type("kollektivtrafikplan", delay=20)
    listbox = page.get_by_role("listbox", name="Förslag")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    first, last = options.first, options.last
    expect(last).to_have_accessible_name(
        "Remissvar Kollektivtrafikplan 2050 – Nätverket för planeringschefer")
    expect(field).to_have_attribute("aria-expanded", "true")
    expect(field).to_have_attribute("aria-controls", listbox.get_attribute("id"))
    # Screen readers hear one short status, not the whole list after every pause.
    status = page.get_by_role("status").filter(has_text="förslag")
    expect(status).to_have_text("2 förslag")
    assert field.get_attribute("aria-describedby") is None
    assert page.locator("#site-search-suggest").get_attribute("aria-live") is None
    # More letters that give the same count: a new answer, the status left alone.
    page.evaluate("""() => {
      window.statusChanges = 0; window.answers = 0;
      new MutationObserver(() => { window.statusChanges += 1; }).observe(
        document.getElementById("site-search-status"),
        {childList: true, characterData: true, subtree: true});
      document.body.addEventListener("htmx:afterSwap", () => { window.answers += 1; });
    }""")
    page.keyboard.type("en", delay=20)
    page.wait_for_function("() => window.answers > 0")
    assert page.evaluate("() => window.statusChanges") == 0
    expect(status).to_have_text("2 förslag")

    # The arrow keys move the highlight (focus stays in the field) and wrap at the ends.
    def highlighted(option):
        expect(option).to_have_attribute("aria-selected", "true")
        expect(field).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
        expect(field).to_be_focused()

    page.keyboard.press("ArrowDown")
    highlighted(first)
    expect(last).to_have_attribute("aria-selected", "false")
    page.keyboard.press("ArrowDown")
    highlighted(last)
    page.keyboard.press("ArrowDown")
    highlighted(first)
    page.keyboard.press("ArrowUp")
    highlighted(last)
    check_a11y(page, "the header's suggestions with a hit highlighted")

    # Esc closes the list and keeps the text.
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")
    assert field.get_attribute("aria-activedescendant") is None
    expect(field).to_have_value("kollektivtrafikplanen")
    expect(field).to_be_focused()
    # ArrowDown opens it again; Tab reaches "Visa alla", where Esc closes it too.
    page.keyboard.press("ArrowDown")
    highlighted(first)
    show_all = page.get_by_role("link", name="Visa alla 2 träffar för kollektivtrafikplanen*")
    page.keyboard.press("Tab")
    expect(show_all).to_be_focused()
    page.keyboard.press("Escape")
    expect(field).to_be_focused()
    expect(listbox).to_be_hidden()
    # On to the Sök button and the menu and back: the list stays closed over the menu.
    page.keyboard.press("ArrowDown")
    expect(listbox).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    button = page.get_by_role("button", name="Sök", exact=True)
    expect(button).to_be_focused()
    expect(listbox).to_be_hidden()
    page.keyboard.press("Tab")
    expect(button).not_to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(button).to_be_focused()
    expect(listbox).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Shift+Tab")
    expect(field).to_be_focused()
    expect(listbox).to_be_hidden()
    # ArrowUp opens it at the last hit; Enter opens that hit, not the results page.
    page.keyboard.press("ArrowUp")
    highlighted(last)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Kollektivtrafikplan 2050"))
           ).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"/sok/"))


def test_a_meeting_opened_from_the_header_is_marked_among_the_meetings(page, live_server, login):
    login(page, live_server, AHMED)
    page.wait_for_function("() => window.htmx !== undefined")
    field = page.get_by_role("combobox", name="Sök i Samverkansytan")
    field.click()
    page.keyboard.type("ledningsgruppen", delay=20)
    hit = page.get_by_role("listbox", name="Förslag").get_by_role("option").first
    expect(hit).to_be_visible()
    anchor = hit.get_attribute("href").rsplit("#", 1)[1]
    # A second Esc clears the field, as the browser does; typing brings the hits back.
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(field).to_have_value("")
    page.keyboard.type("ledningsgruppen", delay=20)
    expect(hit).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", hit.get_attribute("id"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/moten\?ar=\d{{4}}#{anchor}$"))
    row = page.locator(".meeting:target")
    expect(row).to_have_attribute("id", anchor)
    assert row.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"


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
