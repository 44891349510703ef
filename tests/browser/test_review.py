"""A whole review round in a real Chromium, with the demo accounts: SUP drafts its answer to
Region Stockholm's "Kollektivtrafikplan 2050" (two members edit different sections at once),
the convener sends it up, the management group returns it once with a reason, it goes up
again and on to the committee, all eight municipalities state their positions, the committee
adopts it, the secretariat marks it sent, and the letter downloads as DOCX. axe-core checks
every new page and state."""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect
from sqlalchemy import select

from intranet.extensions import db
from intranet.org.models import Body, BodyKind, Person, Seat

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

MEMBER = "ahmed.karimi@botkyrka.example"  # SUP member
CONVENER = "sara.ekholm@huddinge.example"  # SUP convener
MG_CHAIR = "johan.lindqvist@huddinge.example"  # director, chairs the management group
COMMITTEE_CHAIR = "karin.berglund@tyreso.example"
SECRETARIAT = "elin.strand@huddinge.example"
TITLE = "Kollektivtrafikplan 2050"
VIEWPORT = {"width": 1280, "height": 900}


def directors(app) -> list[tuple[str, str]]:
    """(municipality, e-mail) of every director in the demo."""
    with app.app_context():
        rows = db.session.execute(
            select(Seat.municipality_id, Person.email).join(Seat.person).join(Seat.body)
            .where(Body.kind == BodyKind.MANAGEMENT_GROUP, Seat.to_date.is_(None))).all()
        from intranet.org.models import Municipality

        names = {m.id: m.name for m in db.session.scalars(select(Municipality))}
        return sorted((names[m], email) for m, email in rows)


@pytest.fixture
def person(browser, live_server, login, console):
    """Opens a browser of its own for a person (each with their own login session)."""
    contexts = []

    @contextmanager
    def as_person(email):
        context = browser.new_context(viewport=VIEWPORT, locale="sv-SE", accept_downloads=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and not re.search(
            r"status of 422", m.text) and errors.append(m.text))
        login(page, live_server, email)
        yield page
        assert not errors, errors
        context.close()

    yield as_person
    for context in contexts:
        if context.pages:  # left open by a failed step
            context.close()


def open_response(page, base):
    page.goto(f"{base}/natverk/sup/remissvar/")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.get_by_role("heading", level=2, name=TITLE)).to_be_visible()
    return page.url


def test_a_whole_round_from_draft_to_sent_letter(app, live_server, person, check_a11y):
    base = live_server
    # Two members write different sections at the same time; both saves stand.
    with person(MEMBER) as member, person(CONVENER) as convener:
        url = open_response(member, base)
        open_response(convener, base)
        member.get_by_role("link", name="Redigera Sammanfattning").click()
        convener.get_by_role("link", name="Redigera Övrigt").click()
        member.locator("#body").fill("Kommunerna välkomnar planen men saknar tvärförbindelser.")
        convener.locator("#body").fill("Kontaktperson är nätverkets sammankallande.")
        member.get_by_role("button", name="Spara avsnittet").click()
        convener.get_by_role("button", name="Spara avsnittet").click()
        expect(member.get_by_text("Avsnittet ”Sammanfattning” är sparat.")).to_be_visible()
        expect(convener.get_by_text("Avsnittet ”Övrigt” är sparat.")).to_be_visible()

        # The member may not send it up; the convener does.
        expect(member.get_by_role("button", name="Skicka till ledningsgruppen")).to_have_count(0)
        convener.reload()
        check_a11y(convener, "a draft with the review path")
        convener.get_by_role("button", name="Skicka till ledningsgruppen").click()
        expect(convener.get_by_text("Svaret är skickat till ledningsgruppen.")).to_be_visible()
        expect(convener.locator("[aria-current=step]")).to_contain_text("Ledningsgruppen")
        expect(convener.get_by_role("link", name="Redigera Sammanfattning")).to_have_count(0)

    # The management group's chair finds it on the start page and returns it with a reason.
    with person(MG_CHAIR) as chair:
        waiting = chair.locator("#start-waiting")
        expect(waiting).to_contain_text(TITLE)
        expect(waiting).to_contain_text("Ledningsgruppens beslut ska registreras")
        waiting.get_by_role("link", name=TITLE).click()
        check_a11y(chair, "a response with the management group")
        chair.get_by_label("Återremittera till nätverket").check()
        chair.get_by_role("button", name="Spara ledningsgruppens beslut").click()
        expect(chair.get_by_role("alert")).to_contain_text("Beslutet är inte sparat")
        expect(chair.locator("#mg_reason-error")).to_contain_text("Skriv varför")
        check_a11y(chair, "the management group's decision with an error")
        chair.locator("#mg_reason").fill("Sammanfattningen ska nämna Spårväg syd.")
        chair.get_by_role("button", name="Spara ledningsgruppens beslut").click()
        expect(chair.get_by_text("Svaret är återremitterat till nätverket.")).to_be_visible()

    # The network sees why, reworks the text and sends it up again.
    with person(CONVENER) as convener:
        convener.goto(url)
        expect(convener.locator(".callout--warning")).to_contain_text(
            "Sammanfattningen ska nämna Spårväg syd.")
        check_a11y(convener, "a returned response")
        convener.get_by_role("link", name="Redigera Sammanfattning").click()
        convener.locator("#body").fill(
            "Kommunerna välkomnar planen. Spårväg syd bör byggas före 2035.")
        convener.get_by_role("button", name="Spara avsnittet").click()
        convener.get_by_role("button", name="Skicka till ledningsgruppen").click()
        expect(convener.get_by_text("Svaret är skickat till ledningsgruppen.")).to_be_visible()

    # The management group sees what changed since it last saw the text, with one click,
    # and sends it on.
    with person(MG_CHAIR) as chair:
        chair.goto(url)
        chair.get_by_role("link", name=re.compile("Visa vad som har ändrats sedan")).click()
        expect(chair.locator(".diff ins", has_text="Spårväg").first).to_be_visible()
        check_a11y(chair, "the changes since the management group saw the text")
        chair.goto(url)
        chair.get_by_label("Skicka vidare till samarbetskommittén").check()
        chair.get_by_role("button", name="Spara ledningsgruppens beslut").click()
        expect(chair.get_by_text("Svaret är skickat vidare till samarbetskommittén.")
               ).to_be_visible()

    # The committee's chair sees the warning while positions are missing.
    with person(COMMITTEE_CHAIR) as chair:
        chair.goto(f"{base}/remissvar/")
        check_a11y(chair, "the responses board")
        board = chair.locator("section", has=chair.get_by_role(
            "heading", name=re.compile("Hos samarbetskommittén")))
        expect(board).to_contain_text(TITLE)
        chair.goto(url)
        expect(chair.locator("#missing-positions")).to_contain_text(
            "8 kommuner har inte tagit ställning")

    # Every municipality's director states its position; Botkyrka with a reservation.
    for municipality, email in directors(app):
        with person(email) as director:
            director.goto(url)
            director.locator("summary",
                             has_text=f"Ange {municipality}s ställningstagande").click()
            if municipality == "Botkyrka":
                director.get_by_label("Står bakom svaret med en reservation").check()
                director.get_by_role("button", name="Spara ställningstagandet").click()
                expect(director.get_by_role("alert")).to_contain_text(
                    "Ställningstagandet är inte sparat")
                check_a11y(director, "a position with an error")
                director.get_by_label("Reservation eller skäl").fill(
                    "Botkyrka vill att Spårväg syd byggs före 2030.")
                director.get_by_label("Kommunens eget beslut").fill("KS 2026-11-16 § 141")
            else:
                director.get_by_label("Står bakom svaret", exact=True).check()
            director.get_by_role("button", name="Spara ställningstagandet").click()
            expect(director.get_by_text(f"{municipality}s ställningstagande är sparat.")
                   ).to_be_visible()

    # The committee adopts it, all eight positions stated.
    with person(COMMITTEE_CHAIR) as chair:
        chair.goto(url)
        expect(chair.locator(".tracker-count")).to_have_text("8 av 8 har tagit ställning")
        expect(chair.locator("#missing-positions")).to_have_count(0)
        check_a11y(chair, "a response with the committee")
        chair.get_by_label("Anta svaret").check()
        chair.get_by_role("button", name="Spara kommitténs beslut").click()
        expect(chair.get_by_text("Svaret är antaget.")).to_be_visible()

    # The secretariat marks it sent; the letter is kept and downloads as DOCX.
    with person(SECRETARIAT) as staff:
        expect(staff.locator("#start-waiting")).to_contain_text("ska skickas till remissinstansen")
        staff.goto(url)
        check_a11y(staff, "an adopted response")
        staff.get_by_label("Skickat till").fill("Region Stockholm, registrator")
        staff.get_by_role("button", name="Registrera som skickat").click()
        expect(staff.get_by_text("Svaret är registrerat som skickat.")).to_be_visible()
        expect(staff.locator("[aria-current=step]")).to_contain_text("Skickat")
        with staff.expect_download() as download_info:
            staff.get_by_role("link", name="Ladda ned yttrandet (Word)").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".docx")
        letter = Document(io.BytesIO(Path(download.path()).read_bytes()))
        text = "\n".join(p.text for p in letter.paragraphs)
        assert "Yttrande över Kollektivtrafikplan 2050" in text
        assert "Spårväg syd bör byggas före 2035." in text
        assert "Botkyrka vill att Spårväg syd byggs före 2030." in text
        assert "Karin Berglund" in text  # the committee's chair signs
        staff.get_by_role("link", name="Yttrandet som det skickades").click()
        expect(staff.get_by_role("heading", name=re.compile("Yttrande över"))).to_be_visible()
