"""Counts in words take the form their number needs, in Swedish and in English: "1 rad",
"3 rader"; "1 planerad", "11 planerade" - never "11 planerad"."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from intranet.actions.models import ActionStatus
from intranet.counts import WORDS, count
from intranet.extensions import db
from intranet.notifications.services import compose
from intranet.org.models import Person
from tests.conftest import make_action

# what → (1 in Swedish, many in Swedish, 1 in English, many in English), the many being 11
CASES = {
    "row": ("1 rad", "11 rader", "1 row", "11 rows"),
    "document": ("1 dokument", "11 dokument", "1 document", "11 documents"),
    "byte": ("1 byte", "11 byte", "1 byte", "11 bytes"),
    "municipality": ("1 kommun", "11 kommuner", "1 municipality", "11 municipalities"),
    "member": ("1 ledamot", "11 ledamöter", "1 member", "11 members"),
    "hit": ("1 träff", "11 träffar", "1 result", "11 results"),
    "day": ("1 dag", "11 dagar", "1 day", "11 days"),
    "minute": ("1 minut", "11 minuter", "1 minute", "11 minutes"),
    "overdue": ("1 försenad", "11 försenade", "1 overdue", "11 overdue"),
    ActionStatus.PLANNED: ("1 planerad", "11 planerade", "1 planned", "11 planned"),
    ActionStatus.IN_PROGRESS: ("1 pågående", "11 pågående", "1 in progress", "11 in progress"),
    ActionStatus.DONE: ("1 klar", "11 klara", "1 done", "11 done"),
    ActionStatus.PAUSED: ("1 pausad", "11 pausade", "1 paused", "11 paused"),
}


def test_every_word_has_a_case_here():
    assert set(WORDS) == set(CASES)


@pytest.mark.parametrize("what", list(CASES), ids=str)
def test_a_count_takes_the_form_of_its_number_in_swedish_and_english(app, what):
    one, many, one_en, many_en = CASES[what]
    with app.test_request_context("/"):
        assert (count(1, what), count(11, what)) == (one, many)
        assert count(0, what) == many.replace("11", "0")  # "0 rader", as Swedish says it
        with force_locale("en"):
            assert (count(1, what), count(11, what)) == (one_en, many_en)
        assert count(1, what) == one  # and back in Swedish


def test_a_status_read_from_the_database_counts_as_its_status(app):
    with app.test_request_context("/"):
        assert count(2, "planerad") == count(2, ActionStatus.PLANNED) == "2 planerade"


@pytest.fixture
def statuses(app, world):
    """The planning network's rows: 11 planned, 1 in progress, 1 done (overdue: none)."""
    with app.app_context():
        network = world.network()
        for number in range(11):
            make_action(network, f"Planerad {number}")
        make_action(network, "Pågående", status="pagar")
        make_action(network, "Klar", status="klar")
        db.session.commit()


def chart_text(page: str) -> str:
    return re.search(r'<desc id="chart-networks-desc">([^<]*)</desc>', page)[1]


def test_the_follow_up_chart_says_its_counts_in_words_that_agree(statuses, login_as):
    committee = login_as("committee")
    page = committee.get("/handlingsplan/uppfoljning").get_data(as_text=True)
    assert chart_text(page) == ("Klimatnätverket: 0 rader. Planeringsnätverket: 13 rader, "
                                "11 planerade, 1 pågående, 1 klar. ")
    committee.post("/sprak", {"lang": "en", "next": "/"})
    page = committee.get("/handlingsplan/uppfoljning").get_data(as_text=True)
    assert chart_text(page) == ("Klimatnätverket: 0 rows. Planeringsnätverket: 13 rows, "
                                "11 planned, 1 in progress, 1 done. ")


def test_a_network_page_counts_its_members_and_municipalities(world, login_as):
    member = login_as("member")
    assert "2 ledamöter från 2 av 3 kommuner." in member.get("/natverk/plan").get_data(
        as_text=True)
    other = login_as("other_member")
    page = other.get("/natverk/klimat").get_data(as_text=True)
    assert "1 ledamot från 1 av 3 kommuner." in page
    other.post("/sprak", {"lang": "en", "next": "/"})
    page = other.get("/natverk/klimat").get_data(as_text=True)
    assert "1 member from 1 of 3 municipalities." in page


def test_a_network_card_counts_the_municipalities(world, login_as):
    page = login_as("member").get("/natverk/").get_data(as_text=True)
    assert "2 av 3 kommuner" in page and "1 av 3 kommuner" in page


def test_a_link_valid_for_one_day_or_minute_says_so(app):
    link = "https://samverkan.example.se/konto/inbjudan/x"
    with app.test_request_context("/"):
        inviter = Person(name="Mikael Nyström", email="m@example.se")
        person = Person(name="Ahmed Karimi", email="a@example.se")
        _, body = compose(person, "invitation", link=link, days=1, inviter=inviter)
        assert "länken gäller i 1 dag och" in body
        _, body = compose(person, "invitation", link=link, days=7, inviter=inviter)
        assert "länken gäller i 7 dagar och" in body
        _, body = compose(person, "password_reset", link=link, minutes=1)
        assert "länken gäller i 1 minut och" in body
        person.language = "en"
        _, body = compose(person, "password_reset", link=link, minutes=1)
        assert "the link is valid for 1 minute and" in body


def test_a_file_of_one_byte_says_byte_and_in_english_bytes_from_two(app):
    from intranet.documents.routes import filesize

    with app.test_request_context("/"):
        assert (filesize(1), filesize(512)) == ("1 byte", "512 byte")
        with force_locale("en"):
            assert (filesize(1), filesize(512)) == ("1 byte", "512 bytes")
        assert filesize(2048) == "2 kB"
