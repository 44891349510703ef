"""A decision's date in a real Chromium, with the demo accounts: SUP's convener sends its
answer to Region Stockholm's "Kollektivtrafikplan 2050" up to the management group; five days
later its chair finds the decision form starting with the group's meeting held since then,
tries the meeting before the answer came and is told which dates are possible (with what
was typed kept), and saves the decision with the right date, which the page then shows.
axe-core checks the form with its error."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask_babel import format_date
from playwright.sync_api import expect
from sqlalchemy import delete, select

from intranet import clock
from intranet.extensions import db
from intranet.meetings.models import Meeting
from intranet.org.models import Body, BodyKind

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

CONVENER = "sara.ekholm@huddinge.example"  # SUP convener
MG_CHAIR = "johan.lindqvist@huddinge.example"  # director, chairs the management group
TITLE = "Kollektivtrafikplan 2050"


def management_group_meets_on(app, *days: date) -> None:
    """The management group's meetings around today are these days only."""
    with app.app_context():
        body = db.session.scalar(select(Body).where(Body.kind == BodyKind.MANAGEMENT_GROUP))
        db.session.execute(delete(Meeting).where(
            Meeting.body_id == body.id, Meeting.held_on >= min(days) - timedelta(days=30),
            Meeting.held_on <= clock.today() + timedelta(days=30)))
        db.session.add_all(Meeting(body=body, held_on=day, place="Huddinge") for day in days)
        db.session.commit()


def long_date(app, day: date) -> str:
    with app.test_request_context():
        return format_date(day, "long")


def test_the_management_groups_date_is_one_since_the_answer_came(
        app, live_server, browser, page, login, check_a11y, console, monkeypatch):
    console.allow(r"status of 422")  # the refused date answers 422, as it should
    base = live_server
    today = clock.today()
    sent_up, held, before = (today - timedelta(days=5), today - timedelta(days=3),
                             today - timedelta(days=20))
    management_group_meets_on(app, before, held)

    # Five days ago the convener sent the answer up.
    with monkeypatch.context() as moved:
        moment = datetime.combine(sent_up, time(10), tzinfo=clock.LOCAL_TZ)
        moved.setattr(clock, "today", lambda: sent_up)
        moved.setattr(clock, "utcnow", lambda: moment.astimezone(UTC).replace(tzinfo=None))
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
        convener = context.new_page()
        login(convener, base, CONVENER)
        convener.goto(f"{base}/natverk/sup/remissvar/")
        convener.get_by_role("link", name=TITLE).first.click()
        url = convener.url
        convener.get_by_role("button", name="Skicka till ledningsgruppen").click()
        expect(convener.get_by_text("Svaret är skickat till ledningsgruppen.")).to_be_visible()
        context.close()

    # Today the chair's form starts with the meeting held since, not the one before.
    login(page, base, MG_CHAIR)
    page.goto(url)
    date_field = page.get_by_label("Beslutsdatum")
    expect(date_field).to_have_value(held.isoformat())
    expect(date_field).to_have_attribute("min", sent_up.isoformat())
    expect(date_field).to_have_attribute("max", today.isoformat())

    # The meeting before the answer came is refused, with the dates that are possible.
    page.get_by_label("Återremittera till nätverket").check()
    date_field.fill(before.isoformat())
    page.get_by_label("Skäl eller synpunkter till nätverket").fill(
        "Sammanfattningen ska nämna Spårväg syd.")
    page.get_by_role("button", name="Spara ledningsgruppens beslut").click()
    expect(page.get_by_role("alert")).to_contain_text("Beslutet är inte sparat")
    expect(page.locator("#mg_meeting_on-error")).to_have_text(
        f"Beslutsdatum måste vara mellan {long_date(app, sent_up)} (då svaret kom till "
        f"ledningsgruppen) och i dag, {long_date(app, today)}.")
    # What was typed and chosen stays, and the page opens at the form.
    expect(date_field).to_have_value(before.isoformat())
    expect(page.get_by_label("Återremittera till nätverket")).to_be_checked()
    expect(page.get_by_label("Skäl eller synpunkter till nätverket")).to_have_value(
        "Sammanfattningen ska nämna Spårväg syd.")
    assert page.url.endswith("#mg-heading")
    expect(page.locator("#mg-heading")).to_be_in_viewport()
    check_a11y(page, "the management group's decision with a refused date")

    # The meeting held since is saved, and the page says so.
    date_field.fill(held.isoformat())
    page.get_by_role("button", name="Spara ledningsgruppens beslut").click()
    expect(page.get_by_text("Svaret är återremitterat till nätverket.")).to_be_visible()
    expect(page.locator(".callout--warning")).to_contain_text(
        f"Återremitterat av ledningsgruppen {long_date(app, held)}")
    expect(page.locator(".events")).to_contain_text(
        re.compile(rf"Återremitterat till nätverket.*Möte {long_date(app, held)}", re.S))
    check_a11y(page, "the returned response with the decision's date")
