"""The start page in a real Chromium, one journey per role on the demo data: the first login
shows the role's blocks of "Det här väntar på dig" and "Nytt sedan du senast loggade in" with
something in them, one item's link leads to where the thing is done, and axe finds nothing on
the start page on a laptop (1280 px) or a phone (390 px), where nothing is wider than the
screen."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import expect
from sqlalchemy import select

from intranet import clock
from intranet.consultations.models import ConsultationResponse, SectionComment
from intranet.demo.start import DUE_IN_DAYS, MAIL_ERROR
from intranet.extensions import db
from intranet.org.models import Appointment, Network, Person

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

AHMED = "ahmed.karimi@botkyrka.example"  # member of SUP
SARA = "sara.ekholm@huddinge.example"  # convener of SUP
MIKAEL = "mikael.nystrom@botkyrka.example"  # director, Botkyrka
KARIN = "karin.berglund@tyreso.example"  # chair of the committee
ELIN = "elin.strand@huddinge.example"  # the secretariat
WIDTHS = (1280, 390)
SUP_DRAFT = "Kollektivtrafikplan 2050"
NATIONAL_PLAN = "Förslag till nationell plan för transportinfrastruktur 2026–2037"
KLIMAT_REFERRAL = "Regional klimatfärdplan för Stockholms län"


def block(page, key: str):
    return page.locator(f"#start-{key}")


def section(page, heading: str):
    return page.locator("section.start-section", has=page.get_by_role(
        "heading", level=2, name=heading, exact=True))


def check_start_page(page, check_a11y, who: str) -> None:
    """axe on the start page at each width; on a phone nothing is wider than the screen."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        expect(page.get_by_role("heading", level=1)).to_have_text("Start")
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, f"{who}'s start page is {scroll} px wide at {width} px"
        check_a11y(page, f"{who}'s start page at {width} px")
    page.set_viewport_size({"width": 1280, "height": 900})


def first_login(app, email: str) -> None:
    """As if the person had never logged in (other tests on the same server may have): what
    is new counts 14 days back."""
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == email))
        person.last_login_at = person.previous_login_at = None
        db.session.commit()


def open_start(page, live_server, login, email: str) -> None:
    login(page, live_server, email)
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start")


def expect_absent(page, *keys: str) -> None:
    for key in keys:
        expect(block(page, key)).to_have_count(0)


def sv_date(day) -> str:
    return format_date(day, "long", locale="sv")


# ---------------------------------------------------------------- a member of a network


def test_member_sees_what_is_new_and_follows_a_reply_to_the_comment(
    page, live_server, login, check_a11y, app
):
    with app.app_context():
        reply = db.session.scalar(
            select(SectionComment).join(Person, Person.id == SectionComment.author_id)
            .where(SectionComment.parent_id.is_not(None), Person.email == SARA))
        reply_id, response_id = reply.id, reply.section.response_id
    first_login(app, AHMED)
    open_start(page, live_server, login, AHMED)

    needs = section(page, "Det här väntar på dig")
    expect(block(needs, "waiting")).to_contain_text(SUP_DRAFT)
    expect(block(needs, "waiting")).to_contain_text("Utkast som nätverket skriver")
    due = block(needs, "due").locator("li", has_text="Transportinfrastrukturplaneringen")
    expect(due).to_contain_text(f"{DUE_IN_DAYS} dagar kvar")
    expect(due).to_contain_text("SUP")

    new = section(page, "Nytt sedan du senast loggade in")
    replies = block(new, "replies")
    expect(replies.locator("li")).to_have_count(1)
    expect(replies).to_contain_text(f"{SUP_DRAFT}: Sammanfattning")
    expect(replies).to_contain_text("Sara Ekholm")
    expect(replies).to_contain_text("Ja, en mening räcker.")
    changed = block(new, "changed")
    expect(changed).to_contain_text(f"{SUP_DRAFT}: Synpunkter: Kapitel 4 Stomnät")
    expect(changed).to_contain_text("Ändrat av Sara Ekholm")
    documents = block(new, "documents")
    expect(documents).to_contain_text("Minnesanteckningar 12 mars")
    expect(documents).to_contain_text("Sara Ekholm")
    # A member sits in no body and convenes nothing: those blocks are left out.
    expect_absent(page, "meetings", "drafts", "comments", "network-terms", "network-gaps",
                  "municipality-gaps", "triage", "at-risk")
    expect(page.get_by_role("heading", name="E-post som inte kunde skickas")).to_have_count(0)
    expect(page.locator("article.network-card .card__title")).to_have_text(
        ["Nätverket för planeringschefer"])
    check_start_page(page, check_a11y, "the member")

    replies.get_by_role("link", name=f"{SUP_DRAFT}: Sammanfattning").click()
    expect(page).to_have_url(
        f"{live_server}/natverk/sup/remissvar/{response_id}#comment-{reply_id}")
    expect(page.get_by_role("heading", level=2, name=SUP_DRAFT, exact=True)).to_be_visible()
    comment = page.locator(f"#comment-{reply_id}")
    expect(comment).to_be_visible()
    expect(comment).to_contain_text("Ja, en mening räcker. Jag lägger till den.")
    expect(comment).to_be_in_viewport()


# ---------------------------------------------------------------- a convener


def test_convener_sees_her_networks_drafts_comments_and_terms_and_opens_the_draft(
    page, live_server, login, check_a11y, app
):
    today = clock.today()
    with app.app_context():
        ending = db.session.scalar(
            select(Appointment).join(Network, Network.id == Appointment.network_id)
            .where(Network.short_name == "SUP", Appointment.to_date > today,
                   Appointment.to_date <= today + timedelta(days=14)))
        ending_name, ending_to = ending.person.name, ending.to_date
        ending_municipality = ending.municipality.name
        draft_id = db.session.scalar(select(ConsultationResponse.id).where(
            ConsultationResponse.title == SUP_DRAFT))
    open_start(page, live_server, login, SARA)

    needs = section(page, "Det här väntar på dig")
    expect(block(needs, "drafts")).to_contain_text(SUP_DRAFT)
    comments = block(needs, "comments")
    expect(comments).to_contain_text(SUP_DRAFT)
    expect(comments).to_contain_text("2 olösta kommentarer")
    terms = block(needs, "network-terms")
    expect(terms.locator("li")).to_have_count(1)
    expect(terms).to_contain_text(f"{ending_name}, {ending_municipality}")
    expect(terms).to_contain_text(f"Mandatet löper ut {sv_date(ending_to)}")
    # Every municipality has a member of SUP.
    expect(block(needs, "network-gaps")).to_contain_text(
        "Alla kommuner har en ledamot i de nätverk du är sammankallande för.")
    expect(block(needs, "due")).to_contain_text("Transportinfrastrukturplaneringen")
    # Sara made the sections empty from the template and Ahmed wrote them: she wrote nothing.
    expect(block(page, "changed")).to_contain_text(
        "Ingen annan har ändrat något du skrivit sedan du senast loggade in.")
    expect_absent(page, "meetings", "municipality-gaps", "triage", "at-risk")
    check_start_page(page, check_a11y, "the convener")

    comments.get_by_role("link", name=SUP_DRAFT).click()
    expect(page).to_have_url(f"{live_server}/natverk/sup/remissvar/{draft_id}")
    expect(page.get_by_text("2 öppna kommentarer")).to_be_visible()
    expect(page.get_by_role("link", name="Redigera Sammanfattning")).to_be_visible()


# ---------------------------------------------------------------- a municipal director


def test_director_sees_the_network_where_the_municipality_lacks_a_member_and_opens_it(
    page, live_server, login, check_a11y
):
    open_start(page, live_server, login, MIKAEL)

    needs = section(page, "Det här väntar på dig")
    gaps = block(needs, "municipality-gaps")
    expect(gaps.get_by_role("heading")).to_have_text("Nätverk där Botkyrka saknar ledamot")
    expect(gaps.locator("li")).to_have_text(["Nätverket för ekonomidirektörer"])
    expect(gaps.get_by_role("link", name="Utse ledamöter i Min kommuns representation")
           ).to_be_visible()
    terms = block(needs, "municipality-terms")
    expect(terms.get_by_role("heading")).to_have_text("Mandat som löper ut i Botkyrka")
    expect(terms).to_contain_text("SNUG")
    expect(terms).to_contain_text("Mandatet löper ut")
    # Botkyrka has stated its position on the national plan: nothing waits for it.
    expect(block(needs, "waiting")).to_contain_text("inga ställningstaganden väntar på Botkyrka")
    meetings = block(page, "meetings")
    expect(meetings.locator("li")).to_have_count(3)
    expect(meetings.locator("li a")).to_have_text(["Ledningsgruppen"] * 3)
    expect_absent(page, "documents", "drafts", "comments", "network-terms", "triage",
                  "at-risk")
    check_start_page(page, check_a11y, "the director")

    gaps.get_by_role("link", name="Nätverket för ekonomidirektörer").click()
    expect(page).to_have_url(f"{live_server}/natverk/ekonomi")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Nätverket för ekonomidirektörer")
    gap = page.locator("li.municipality-card--gap")
    expect(gap.locator("h3")).to_have_text(["Botkyrka"])
    expect(gap).to_contain_text("Ingen utsedd")


# ---------------------------------------------------------------- the committee's chair


def test_committee_chair_sees_the_decision_to_register_and_opens_it(
    page, live_server, login, check_a11y, app
):
    with app.app_context():
        plan_id = db.session.scalar(select(ConsultationResponse.id).where(
            ConsultationResponse.title == NATIONAL_PLAN))
    open_start(page, live_server, login, KARIN)

    needs = section(page, "Det här väntar på dig")
    waiting = block(needs, "waiting")
    expect(waiting.locator("li")).to_have_count(1)
    expect(waiting).to_contain_text(NATIONAL_PLAN)
    expect(waiting).to_contain_text("Kommitténs beslut ska registreras")
    expect(waiting.get_by_role("link", name="Alla remissvar att granska")).to_be_visible()
    expect(block(needs, "due")).to_contain_text("Inga öppna åtgärder")
    meetings = block(page, "meetings")
    expect(meetings.locator("li a")).to_have_text(["Samarbetskommittén"] * 3)
    expect_absent(page, "documents", "drafts", "comments", "network-terms", "network-gaps",
                  "municipality-gaps", "municipality-terms", "triage", "at-risk")
    expect(page.get_by_role("heading", name="E-post som inte kunde skickas")).to_have_count(0)
    check_start_page(page, check_a11y, "the committee chair")

    waiting.get_by_role("link", name=NATIONAL_PLAN).click()
    expect(page).to_have_url(f"{live_server}/natverk/sup/remissvar/{plan_id}")
    expect(page.get_by_role("heading", name="Kommunernas ställningstaganden")).to_be_visible()
    expect(page.get_by_role("heading", name="Beslut och yttrande")).to_be_visible()


# ---------------------------------------------------------------- the secretariat


def test_secretariat_sees_triage_risks_and_unsent_mail_and_opens_the_referral(
    page, live_server, login, check_a11y, app
):
    with app.app_context():
        referral_id = db.session.scalar(select(ConsultationResponse.id).where(
            ConsultationResponse.title == KLIMAT_REFERRAL))
    open_start(page, live_server, login, ELIN)

    needs = section(page, "Det här väntar på dig")
    triage = block(needs, "triage")
    expect(triage.locator("li")).to_have_count(1)
    expect(triage).to_contain_text(KLIMAT_REFERRAL)
    expect(triage).to_contain_text("från Länsstyrelsen i Stockholms län")
    at_risk = block(needs, "at-risk")
    expect(at_risk.locator("li", has_text=SUP_DRAFT)).to_contain_text(
        "Inget möte i tid: Ledningsgruppen.")
    expect(block(needs, "waiting")).to_contain_text("Kommitténs beslut ska registreras")
    meetings = block(page, "meetings")
    expect(meetings.locator("li")).to_have_count(3)

    mail = section(page, "E-post som inte kunde skickas")
    expect(mail.locator("li")).to_have_count(1)
    expect(mail).to_contain_text("Ditt uppdrag i Nätverket för planeringschefer upphör")
    expect(mail).to_contain_text("@salem.example")
    expect(mail).to_contain_text("3 försök")
    expect(mail).to_contain_text(MAIL_ERROR)
    expect(mail).to_contain_text("be den som driftar Samverkansytan")
    # The blocks follow one another: what waits, what is new, the mail, the networks.
    headings = page.get_by_role("heading", level=2)
    expect(headings).to_have_text(["Det här väntar på dig", "Nytt sedan du senast loggade in",
                                   "E-post som inte kunde skickas", "Mina nätverk"])
    expect_absent(page, "drafts", "comments", "network-terms", "municipality-gaps")
    check_start_page(page, check_a11y, "the secretariat")

    triage.get_by_role("link", name=KLIMAT_REFERRAL).click()
    expect(page).to_have_url(f"{live_server}/natverk/klimat/remissvar/{referral_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Klimatnätverket")
    expect(page.get_by_role("heading", level=2, name=KLIMAT_REFERRAL, exact=True)
           ).to_be_visible()
    expect(page.get_by_role("heading", name="Hur svarar kommunerna?")).to_be_visible()


def test_a_second_visit_counts_new_from_the_previous_login(page, live_server, login, app):
    """The first login counts 14 days back; after logging in again, what was already there
    is no longer new."""
    first_login(app, AHMED)
    open_start(page, live_server, login, AHMED)
    expect(block(page, "replies")).to_contain_text("Ja, en mening räcker.")
    expect(block(page, "documents").locator("li")).not_to_have_count(0)
    page.get_by_role("button", name="Logga ut", exact=True).click()
    login(page, live_server, AHMED)
    expect(section(page, "Nytt sedan du senast loggade in").locator("p.muted").first).to_have_text(
        re.compile(r"^Sedan \d+ \w+ \d{4} \d\d:\d\d\.$"))
    expect(block(page, "documents")).to_contain_text(
        "Inga nya dokument i dina nätverk sedan du senast loggade in.")
    expect(block(page, "changed")).to_contain_text(
        "Ingen annan har ändrat något du skrivit sedan du senast loggade in.")
    expect(block(page, "replies")).to_contain_text(
        "Ingen har svarat på dina kommentarer sedan du senast loggade in.")
