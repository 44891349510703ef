"""Journeys through the app in a real Chromium: demo data, the real CSP, htmx and axe-core.

Every page a journey visits is checked with axe (WCAG 2.1 A/AA); the `page` fixture fails a
test on any console error or CSP violation."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from intranet import clock
from intranet.auth.models import LoginSession
from intranet.demo.seed import DEMO_PASSWORD
from intranet.extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

SUP = "Nätverket för planeringschefer"
MUNICIPALITIES = [
    "Botkyrka", "Haninge", "Huddinge", "Nykvarn", "Nynäshamn", "Salem", "Södertälje", "Tyresö",
]
ALL_NETWORKS = [
    "Klimatnätverket",
    "Kommunikationsnätverket",
    "Näringslivschefer",
    "Nätverket för ekonomidirektörer",
    "Nätverket för planeringschefer",
]


def heading(page, level: int):
    return page.get_by_role("heading", level=level)


def body_section(page, name: str):
    return page.locator("section.body-section", has=page.locator("h2", has_text=name))


def expect_on_login_page(page, base: str) -> None:
    expect(page).to_have_url(re.compile(re.escape(f"{base}/logga-in")))
    expect(heading(page, 1)).to_have_text("Logga in")
    expect(page.locator("#email")).to_be_visible()


# ---------------------------------------------------------------- the main journey


def test_convener_logs_in_sees_members_switches_language_and_logs_out(
    page, live_server, login, check_a11y
):
    base = live_server
    page.goto(f"{base}/")
    expect_on_login_page(page, base)
    check_a11y(page, "the login page")

    login(page, base, "sara.ekholm@huddinge.example")
    expect(page).to_have_url(f"{base}/")
    expect(heading(page, 1)).to_have_text("Start")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    card = page.locator("article.network-card", has_text=SUP)
    expect(card).to_be_visible()
    expect(card).to_contain_text("Sammankallande")
    check_a11y(page, "the start page")

    card.get_by_role("link", name=SUP).click()
    expect(page).to_have_url(f"{base}/natverk/sup")
    expect(heading(page, 1)).to_contain_text(SUP)
    expect(heading(page, 2).filter(has_text="Ledamöter")).to_be_visible()
    cards = page.locator("li.municipality-card")
    expect(cards).to_have_count(8)
    expect(page.locator("li.municipality-card--gap")).to_have_count(0)
    expect(cards.locator("h3")).to_have_text(MUNICIPALITIES)
    check_a11y(page, "the SUP network page")

    page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{base}/natverk/sup")
    expect(heading(page, 2).filter(has_text="Members")).to_be_visible()
    expect(page.get_by_role("button", name="Log out", exact=True)).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Home")).to_be_visible()
    expect(page.locator("li.municipality-card")).to_have_count(8)
    check_a11y(page, "the SUP network page in English")

    page.get_by_role("button", name="Svenska", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(heading(page, 2).filter(has_text="Ledamöter")).to_be_visible()

    page.get_by_role("button", name="Logga ut", exact=True).click()
    expect_on_login_page(page, base)
    expect(page.get_by_text("Du är utloggad.")).to_be_visible()
    check_a11y(page, "the login page after logging out")

    page.goto(f"{base}/")
    expect_on_login_page(page, base)
    assert "next=" in page.url, page.url
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)


# ---------------------------------------------------------------- a network with gaps


def test_network_page_marks_municipalities_without_members_as_gaps(
    page, live_server, login, check_a11y
):
    base = live_server
    login(page, base, "linnea.holm@haninge.example")
    page.goto(f"{base}/natverk/klimat")
    expect(heading(page, 1)).to_contain_text("Klimatnätverket")

    cards = page.locator("li.municipality-card")
    expect(cards).to_have_count(8)
    gaps = page.locator("li.municipality-card--gap")
    expect(gaps).to_have_count(2)
    expect(gaps.locator("h3")).to_have_text(["Nykvarn", "Salem"])
    for name in ("Nykvarn", "Salem"):
        card = cards.filter(has=page.locator("h3", has_text=name))
        expect(card).to_have_class(re.compile(r"\bmunicipality-card--gap\b"))
        expect(card).to_contain_text("Ingen utsedd")
    for name in ("Botkyrka", "Haninge", "Huddinge", "Nynäshamn", "Södertälje", "Tyresö"):
        card = cards.filter(has=page.locator("h3", has_text=name))
        expect(card).not_to_have_class(re.compile(r"\bmunicipality-card--gap\b"))
        expect(card).not_to_contain_text("Ingen utsedd")
        expect(card.locator("li.member")).not_to_have_count(0)

    summary = page.locator(".members__summary")
    expect(summary).to_contain_text("6 av 8 kommuner")
    expect(summary).to_contain_text("Ingen utsedd från: Nykvarn, Salem.")
    check_a11y(page, "the Klimat network page with gaps")


# ---------------------------------------------------------------- active search


def test_directory_active_search_updates_results_and_url_without_page_load(
    page, live_server, login, check_a11y
):
    base = live_server
    login(page, base, "ahmed.karimi@botkyrka.example")
    page.goto(f"{base}/natverk/")
    expect(heading(page, 1)).to_have_text("Alla nätverk")
    titles = page.locator("#results .network-card .card__title")
    expect(titles).to_have_text(ALL_NETWORKS)
    check_a11y(page, "the network directory")

    # A full page load would wipe this marker; htmx swaps must keep it.
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.__marker = 1; }")

    page.locator("#q").press_sequentially("klimat", delay=30)
    expect(titles).to_have_text(["Klimatnätverket"])
    expect(page).to_have_url(re.compile(r"[?&]q=klimat(&|$)"))
    expect(page.locator("#results .result-count")).to_have_text("1 nätverk")
    assert page.evaluate("() => window.__marker") == 1, "the search reloaded the whole page"
    expect(page.locator("#q")).to_be_focused()
    check_a11y(page, "the directory filtered on 'klimat'")

    # A focus area with no climate network: the results empty out.
    page.locator("#fokus").select_option(label="Näringsliv")
    expect(page.locator("#results")).to_contain_text("Inga nätverk matchar sökningen.")
    expect(titles).to_have_count(0)
    expect(page).to_have_url(re.compile(r"[?&]fokus=\d+"))
    expect(page).to_have_url(re.compile(r"[?&]q=klimat(&|$)"))

    # Without the search text: every network in that focus area.
    page.locator("#q").fill("")
    expect(titles).to_have_text(["Näringslivschefer"])
    page.locator("#fokus").select_option(label="Funktionell samordning")
    expect(titles).to_have_text(
        ["Klimatnätverket", "Kommunikationsnätverket", "Nätverket för ekonomidirektörer"]
    )
    expect(page.locator("#results .result-count")).to_have_text("3 nätverk")
    assert page.evaluate("() => window.__marker") == 1, "filtering reloaded the whole page"
    check_a11y(page, "the directory filtered on a focus area")


# ---------------------------------------------------------------- start page per role


ROLE_START_PAGES = [
    # (email, networks on the start page, a seat text that must be shown or None)
    ("karin.berglund@tyreso.example", [], "Samarbetskommittén"),
    ("johan.lindqvist@huddinge.example", [], "Ledningsgruppen"),
    ("mikael.nystrom@botkyrka.example", [], "Ledningsgruppen"),
    ("elin.strand@huddinge.example", [], "Kansliet"),
    ("ahmed.karimi@botkyrka.example", [SUP], None),
    ("sara.ekholm@huddinge.example", [SUP], None),
    ("linnea.holm@haninge.example", ["Klimatnätverket"], None),
]


@pytest.mark.parametrize(
    ("email", "networks", "seat"),
    ROLE_START_PAGES,
    ids=[email.split("@")[0] for email, *_ in ROLE_START_PAGES],
)
def test_each_role_sees_its_own_start_page(
    page, live_server, login, check_a11y, email, networks, seat
):
    base = live_server
    login(page, base, email)
    expect(page).to_have_url(f"{base}/")
    expect(heading(page, 1)).to_have_text("Start")
    titles = page.locator("article.network-card .card__title")
    if networks:
        expect(titles).to_have_text(networks)
        expect(page.get_by_text("Du är inte utsedd till något nätverk just nu.")).to_have_count(0)
    else:
        expect(titles).to_have_count(0)
        expect(page.get_by_text("Du är inte utsedd till något nätverk just nu.")).to_be_visible()
        expect(page.get_by_role("link", name="Se alla nätverk")).to_be_visible()
    assignments = page.locator("div.assignments")
    if seat:
        expect(assignments).to_contain_text(seat)
    else:
        expect(assignments).to_have_count(0)
    check_a11y(page, f"the start page of {email}")


def test_committee_chair_start_page_shows_her_seat_and_empty_state(
    page, live_server, login, check_a11y
):
    base = live_server
    login(page, base, "karin.berglund@tyreso.example")
    expect(heading(page, 1)).to_have_text("Start")
    expect(page.get_by_text("Du är inte utsedd till något nätverk just nu.")).to_be_visible()
    assignments = page.locator("div.assignments")
    expect(assignments.get_by_role("heading")).to_have_text("Dina uppdrag")
    expect(assignments.locator("li")).to_have_count(1)
    expect(assignments.locator("li")).to_contain_text("Samarbetskommittén, Tyresö")
    expect(assignments.locator("li")).to_contain_text("ordförande")
    check_a11y(page, "the committee chair's start page")


# ---------------------------------------------------------------- organisation


def test_organisation_page_shows_bodies_with_their_officers(
    page, live_server, login, check_a11y
):
    base = live_server
    login(page, base, "mikael.nystrom@botkyrka.example")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Organisation"
    ).click()
    expect(page).to_have_url(f"{base}/organisation/")
    expect(heading(page, 1)).to_have_text("Organisation")
    expect(heading(page, 2)).to_have_text(["Samarbetskommittén", "Ledningsgruppen", "Kansliet"])

    committee = body_section(page, "Samarbetskommittén")
    expect(committee).to_contain_text("Ordförande Karin Berglund")
    expect(committee.locator("tbody tr")).to_have_count(8)
    management = body_section(page, "Ledningsgruppen")
    expect(management).to_contain_text("Ordförande Johan Lindqvist")
    expect(management.locator("tbody tr")).to_have_count(8)
    secretariat = body_section(page, "Kansliet")
    expect(secretariat).to_contain_text("Elin Strand")
    check_a11y(page, "the organisation page")


# ---------------------------------------------------------------- session ended during htmx


def test_session_ended_during_active_search_sends_whole_page_to_login(
    page, live_server, login, check_a11y, app, console
):
    base = live_server
    login(page, base, "ahmed.karimi@botkyrka.example")
    page.goto(f"{base}/natverk/")
    expect(heading(page, 1)).to_have_text("Alla nätverk")
    page.wait_for_function("() => window.htmx !== undefined")

    with app.app_context():
        db.session.execute(update(LoginSession).values(revoked_at=clock.utcnow()))
        db.session.commit()
        revoked = list(db.session.scalars(select(LoginSession.revoked_at)))
        db.session.remove()
    assert revoked and all(isinstance(r, datetime) for r in revoked)

    # The 401 that carries HX-Redirect is logged by Chromium as a failed resource load; it
    # is the expected signal here, not a bug. Nothing else may be logged.
    console.allow(r"status of 401")
    with page.expect_navigation(url=re.compile(r"/logga-in\?")):
        page.locator("#q").press_sequentially("klimat", delay=30)

    expect_on_login_page(page, base)
    assert parse_qs(urlsplit(page.url).query).get("next") == ["/natverk/"], page.url
    expect(page.locator("main input[name=next]")).to_have_value("/natverk/")
    # The whole page moved: no login form or error message swapped into the directory.
    expect(page.locator("#results")).to_have_count(0)
    expect(page.locator("form.filter-bar")).to_have_count(0)
    expect(page.locator("#messages")).to_have_text("")
    expect(page.locator("main form")).to_have_count(1)
    check_a11y(page, "the login page after the session ended")

    # Logging in again goes back to where the user was.
    page.locator("#email").fill("ahmed.karimi@botkyrka.example")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page).to_have_url(f"{base}/natverk/")
    expect(heading(page, 1)).to_have_text("Alla nätverk")


# ---------------------------------------------------------------- wrong password


def test_wrong_password_shows_swedish_error_and_stays_accessible(
    page, live_server, check_a11y, console
):
    base = live_server
    # A failed login answers 422, which Chromium logs as a failed resource load. That status
    # is deliberate; any other console error still fails the test.
    console.allow(r"status of 422")
    page.goto(f"{base}/logga-in")
    page.locator("#email").fill("sara.ekholm@huddinge.example")
    page.locator("#password").fill("fel-lösenord")
    page.get_by_role("button", name="Logga in", exact=True).click()

    alert = page.get_by_role("alert")
    expect(alert).to_have_text("Fel e-postadress eller lösenord.")
    expect(page).to_have_url(re.compile(re.escape(f"{base}/logga-in")))
    expect(page.locator("#email")).to_have_value("sara.ekholm@huddinge.example")
    expect(page.locator("#password")).to_have_value("")
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
    check_a11y(page, "the login page with a wrong password")


# ---------------------------------------------------------------- reflow (WCAG 1.4.10)


REFLOW_PAGES = [
    ("sara.ekholm@huddinge.example", path)
    for path in ["/", "/natverk/sup", "/natverk/", "/organisation/", "/natverk/sup/dokument/",
                 "/natverk/sup/historik", "/profil/", "/profil/losenord", "/tillganglighet"]
] + [
    ("johan.lindqvist@huddinge.example", path)
    for path in ["/representation/", "/representation/tackning", "/remissvar/"]
] + [
    ("elin.strand@huddinge.example", path)
    for path in ["/kansliet/personer", "/kansliet/organ", "/kansliet/natverk",
                 "/kansliet/logg", "/kansliet/personer/ny"]
]


@pytest.mark.parametrize(("email", "path"), REFLOW_PAGES)
def test_pages_reflow_without_horizontal_scrolling_at_320_px(
    page, live_server, login, check_a11y, email, path
):
    base = live_server
    login(page, base, email)
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto(f"{base}{path}")
    expect(heading(page, 1)).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > 320:
        culprits = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > 320.5)
                 .filter(e => !e.closest('.table-wrap') || e.classList.contains('table-wrap'))
                 .slice(0, 8)
                 .map(e => e.tagName.toLowerCase()
                      + (e.id ? '#' + e.id : '')
                      + (e.className && typeof e.className === 'string'
                         ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                      + ' (right=' + Math.round(e.getBoundingClientRect().right) + ')')"""
        )
        pytest.fail(
            f"{path} scrolls horizontally at 320 px: scrollWidth={width}; wider elements:\n"
            + "\n".join(f"  - {c}" for c in culprits),
            pytrace=False,
        )
    check_a11y(page, f"{path} at 320 px")
