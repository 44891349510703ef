"""The bodies' meeting calendar in a real browser: the secretariat adds a committee meeting
(after a mistake), a member sees it; axe on every new page, at phone width too."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from intranet import clock

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

STAFF = "elin.strand@huddinge.example"
MEMBER = "ahmed.karimi@botkyrka.example"


def a_tuesday_next_year() -> date:
    """Next year's first Tuesday in March: the demo committee meets on Thursdays."""
    day = date(clock.today().year + 1, 3, 1)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def test_the_secretariat_adds_a_meeting_and_a_member_sees_it(page, live_server, login,
                                                            check_a11y, browser, console):
    console.allow(r"status of 422")  # the form with a mistake answers 422, as it should
    day = a_tuesday_next_year()
    login(page, live_server, STAFF)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Möten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Möten {clock.today().year}")
    check_a11y(page, "the meeting calendar (secretariat)")

    page.get_by_role("link", name="Lägg till möte för Samarbetskommittén").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lägg till möte")
    expect(page.get_by_label("Organ")).to_have_value("committee")
    check_a11y(page, "the add-meeting form")

    page.get_by_label("Plats").fill("Nynäshamn")
    page.get_by_role("button", name="Lägg till").click()
    date_field = page.get_by_label("Datum")
    expect(date_field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#held_on-error")).to_have_text("Ange mötets datum (ÅÅÅÅ-MM-DD).")
    expect(page.get_by_label("Plats")).to_have_value("Nynäshamn")
    check_a11y(page, "the add-meeting form with an error")

    date_field.fill(day.isoformat())
    page.get_by_label("Tid").fill("13.00–15.00")
    page.get_by_label("Anteckning").fill("extra möte om budgeten")
    page.get_by_role("button", name="Lägg till").click()
    expect(page.locator("#messages")).to_contain_text("Samarbetskommittén är tillagt")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Möten {day.year}")
    added = page.locator("li.meeting").filter(has_text="Nynäshamn")
    expect(added).to_contain_text("13.00–15.00")
    expect(added).to_contain_text("extra möte om budgeten")

    added.get_by_role("link", name=re.compile("^Ändra")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ändra möte för Samarbetskommittén")
    check_a11y(page, "the edit-meeting form")
    page.go_back()
    added.get_by_role("link", name=re.compile("^Ta bort")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ta bort mötet för Samarbetskommittén?")
    check_a11y(page, "the remove-meeting page")

    other = browser.new_context(locale="sv-SE", viewport={"width": 375, "height": 800})
    try:
        member = other.new_page()
        login(member, live_server, MEMBER)
        member.goto(f"{live_server}/moten?ar={day.year}")
        meeting = member.locator("li.meeting").filter(has_text="Nynäshamn")
        expect(meeting).to_contain_text("extra möte om budgeten")
        expect(member.get_by_role("link", name="Lägg till möte")).to_have_count(0)
        expect(meeting.get_by_role("link")).to_have_count(0)
        check_a11y(member, "the meeting calendar at phone width (member)")
    finally:
        other.close()
