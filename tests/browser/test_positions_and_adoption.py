"""In a real Chromium, with the demo accounts: SUP's answer to "Kollektivtrafikplan 2050" goes
up to the committee; the secretariat records Botkyrka's position from the director's e-mail
(refused without saying what it is based on, then saved) and the tracker says so; the
committee's chair adopts the answer with a change to its wording made at the meeting, the
comparison shows the change, and the letter downloads with the adopted text, the presenter
and who entered each position. axe-core checks each new state."""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

CONVENER = "sara.ekholm@huddinge.example"  # SUP convener, the response's contact person
MG_CHAIR = "johan.lindqvist@huddinge.example"
COMMITTEE_CHAIR = "karin.berglund@tyreso.example"
SECRETARIAT = "elin.strand@huddinge.example"
TITLE = "Kollektivtrafikplan 2050"
SOURCE = "enligt e-post från Mikael Nyström den 3 december 2026"
NEW_SUMMARY = ("Södertörns kommuner välkomnar förslaget och vill att Spårväg syd byggs "
               "före 2035.")


@pytest.fixture
def person(browser, live_server, login):
    """A browser context of its own for each person, failing on any console error."""

    @contextmanager
    def as_person(email, width=1280):
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      locale="sv-SE", accept_downloads=True)
        context.set_default_timeout(10_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and not re.search(
            r"status of 422", m.text) and errors.append(m.text))
        try:
            login(page, live_server, email)
            yield page
            assert not errors, errors
        finally:
            context.close()

    return as_person


def test_a_position_on_behalf_an_adoption_with_changes_and_the_letter(
        live_server, person, check_a11y):
    base = live_server
    with person(CONVENER) as convener:
        convener.goto(f"{base}/natverk/sup/remissvar/")
        convener.get_by_role("link", name=TITLE).first.click()
        url = convener.url
        convener.get_by_role("button", name="Skicka till ledningsgruppen").click()
        expect(convener.get_by_text("Svaret är skickat till ledningsgruppen.")).to_be_visible()
    with person(MG_CHAIR) as chair:
        chair.goto(url)
        chair.get_by_label("Skicka vidare till samarbetskommittén").check()
        chair.get_by_role("button", name="Spara ledningsgruppens beslut").click()
        expect(chair.get_by_text("Svaret är skickat vidare till samarbetskommittén.")
               ).to_be_visible()

    # The secretariat records Botkyrka's position from the director's e-mail, on a phone.
    with person(SECRETARIAT, width=390) as staff:
        staff.goto(url)
        staff.locator("summary", has_text="Registrera ett ställningstagande åt en kommun").click()
        form = staff.locator("#on-behalf")
        form.get_by_label("Kommun", exact=True).select_option(
            label="Botkyrka (har inte tagit ställning)")
        form.get_by_label("Står bakom svaret med en reservation").check()
        form.get_by_label("Reservation eller skäl").fill(
            "Botkyrka vill att Spårväg syd byggs före 2030.")
        form.get_by_role("button", name="Spara ställningstagandet").click()
        # Nothing said about where it comes from: refused, what was typed kept.
        expect(staff.get_by_role("alert")).to_contain_text("Ställningstagandet är inte sparat")
        expect(staff.locator("#behalf-source-error")).to_contain_text(
            "Skriv vad ställningstagandet bygger på")
        expect(staff.get_by_label("Reservation eller skäl")).to_have_value(
            "Botkyrka vill att Spårväg syd byggs före 2030.")
        check_a11y(staff, "a position on behalf with an error")
        staff.get_by_label("Underlag").fill(SOURCE)
        staff.get_by_role("button", name="Spara ställningstagandet").click()
        expect(staff.get_by_text("Botkyrkas ställningstagande är sparat, registrerat av "
                                 "kansliet.")).to_be_visible()
        row = staff.locator(".tracker__row", has_text="Botkyrka")
        expect(row).to_contain_text("Står bakom med reservation")
        expect(row).to_contain_text(f"Registrerat av kansliet (Elin Strand) {SOURCE}")
        check_a11y(staff, "the tracker with a position entered by the secretariat")

    # The committee's chair adopts it with the wording changed at the meeting.
    with person(COMMITTEE_CHAIR) as chair:
        chair.goto(url)
        chair.get_by_label("Anta med ändringar").check()
        chair.locator("summary", has_text="Kommitténs ändringar i texten").click()
        summary = chair.get_by_role("textbox", name="Sammanfattning", exact=True)
        expect(summary).to_have_value(re.compile("^Södertörns kommuner välkomnar"))
        summary.fill(NEW_SUMMARY)
        check_a11y(chair, "the committee's decision with its changes to the text")
        chair.get_by_label("Anta svaret fast alla kommuner inte har tagit ställning").check()
        chair.get_by_role("button", name="Spara kommitténs beslut").click()
        expect(chair.get_by_text("Svaret är antaget med kommitténs ändringar.")).to_be_visible()
        expect(chair.locator(".events")).to_contain_text(
            "Antaget med ändringar av samarbetskommittén")

        chair.get_by_role("link", name="Visa kommitténs ändringar").first.click()
        expect(chair.get_by_role("heading", level=2)).to_contain_text("Jämför versioner")
        expect(chair.locator(".diff ins", has_text="förslaget").first).to_be_visible()
        expect(chair.locator(".compare-section--changed")).to_have_count(1)
        check_a11y(chair, "the committee's changes")

        chair.goto(url)
        with chair.expect_download() as download_info:
            chair.get_by_role("link", name="Ladda ned yttrandet (Word)").click()
        letter = Document(io.BytesIO(Path(download_info.value.path()).read_bytes()))
        lines = [p.text for p in letter.paragraphs]
        assert NEW_SUMMARY in lines
        assert any(line.startswith("Föredragande: Sara Ekholm") for line in lines)
        cells = [[c.text for c in r.cells] for t in letter.tables for r in t.rows]
        assert ["Botkyrka", "Står bakom med reservation", "–",
                f"Kansliet (Elin Strand) {SOURCE}"] in cells
