"""A phrase finds the things whose title or text holds its words next to each other, on both
databases: SQLite's FTS5 by its positions, PostgreSQL by its index of neighbouring stems
(migration 0018), which narrows the entries whose positions are then checked."""

from __future__ import annotations

import os

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from intranet import create_app
from intranet.documents import services as documents
from intranet.extensions import db
from intranet.search.models import PAIRS_EXPRESSION, PAIRS_INDEX
from intranet.search.services import search
from intranet.search.terms import pairs, parse
from tests.conftest import MIGRATIONS, scratch_database

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def test_the_pairs_every_match_of_a_phrase_holds():
    assert pairs(parse('"tidplan vattenrapporten"')) == "('tidplan vattenrapport')"
    assert pairs(parse('"a b c" OR "d e"')) == "(('a b' & 'b c') | ('d e'))"
    assert pairs(parse("TRV 2025/87901")) == "('2025 87901')"  # "TRV" is a word of its own
    assert pairs(parse("RS-2021-0123")) == "('rs 2021' & '2021 0123')"
    # Nothing narrows where a match need not hold a phrase.
    assert pairs(parse("tidplan vattenrapport")) is None
    assert pairs(parse('"a b" OR c')) is None
    assert pairs(parse('c -"a b"')) is None
    assert pairs(parse('"kollektivtrafik"')) is None  # one word is no phrase


PAGES = {
    # title: text
    "Tidplan": "Vattenrapporten kommer i maj.",  # across the title into the text: no
    "Rapporter": "En tidplan för vattenrapporten finns.",  # not next to each other: no
    "Vattenfrågor": "Vår tidplan vattenrapporten. Annat.",  # in the text: yes
    "Tidplan vattenrapporter": "Inget mer.",  # in the title, inflected: yes
    "Radbrytning": "Läs vår tidplan\n\nvattenrapporten nu.",  # over a blank line: yes
    "Omvänt": "Vattenrapporten tidplan är omvänd.",  # the other order: no
}


@pytest.fixture
def pages(app, world, app_ctx):
    member = world.person("member")
    for title, body in PAGES.items():
        documents.create_page(world.network(), member, title=title, body=body)
    db.session.commit()
    return member


@pytest.mark.parametrize(("phrase", "expected"), [
    ('"tidplan vattenrapporten"', {"Vattenfrågor", "Tidplan vattenrapporter", "Radbrytning"}),
    ('"vattenrapporten tidplan"', {"Omvänt"}),
    ('"vår tidplan vattenrapporten"', {"Vattenfrågor", "Radbrytning"}),
    ('"vår tidplan vattenrapporten" OR "kommer i maj"', {"Vattenfrågor", "Radbrytning",
                                                         "Tidplan"}),
    ('"tidplan vattenrapporten" -radbrytning', {"Vattenfrågor", "Tidplan vattenrapporter"}),
    ('"en tidplan vattenrapporten"', set()),
])
def test_a_phrase_finds_its_words_next_to_each_other(pages, phrase, expected):
    results = search(pages, phrase)
    assert {hit.title for hit in results.hits} == expected
    assert results.total == len(expected)


# The entries the index of pairs finds for the pair "tidplan vattenrapport".
_HOLDING = (f"SELECT {{}} FROM search_entry WHERE {PAIRS_EXPRESSION} @@ "  # noqa: S608
            "CAST('''tidplan vattenrapport''' AS tsquery)")


@pytest.mark.skipif(not ON_POSTGRES, reason="the index of pairs is PostgreSQL's")
def test_the_index_of_pairs_holds_each_entrys_neighbouring_stems(pages):
    held = set(db.session.scalars(text(_HOLDING.format("title"))))
    # The index narrows (it does not know the title's weight, nor which of the two parts):
    # "Tidplan" / "Vattenrapporten …" is not among them, every phrase match is.
    assert held == {"Vattenfrågor", "Tidplan vattenrapporter", "Radbrytning"}
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(db.session.scalars(text("EXPLAIN " + _HOLDING.format("id"))))
    assert PAIRS_INDEX in plan


def test_0018_adds_the_index_of_pairs_and_takes_it_away(tmp_path):
    """On the run's database kind: on SQLite the migration does nothing."""
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": scratch_database(tmp_path),
                              "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        if ON_POSTGRES:
            assert _pairs_index_exists()
        downgrade(directory=MIGRATIONS, revision="0017")
        if ON_POSTGRES:
            assert not _pairs_index_exists()
            assert db.session.scalar(text(
                "SELECT count(*) FROM pg_proc WHERE proname = 'search_pairs'")) == 0
        upgrade(directory=MIGRATIONS)
        if ON_POSTGRES:
            assert _pairs_index_exists()
        db.session.remove()
        db.engine.dispose()


def _pairs_index_exists() -> bool:
    return bool(db.session.scalar(text(
        "SELECT count(*) FROM pg_indexes WHERE indexname = :name"), {"name": PAIRS_INDEX}))


def test_0019_makes_the_meetings_entries_again_with_their_dates_written_out(tmp_path):
    """On the run's database kind: a meeting indexed before 0019 (its entry without the
    written date) is found by its month after it."""
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": scratch_database(tmp_path),
                              "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0018")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO body (id, kind, name, description, "
                              "members_description, position) VALUES "
                              "(1, 'committee', 'Samarbetskommittén', '', '', 0)"))
            conn.execute(text(
                "INSERT INTO meeting (id, body_id, held_on, time_text, place, note, created_at,"
                " updated_at, lock_version) VALUES (1, 1, '2027-01-14', '13.00', 'Huddinge',"
                " '', '2026-12-01 09:00:00', '2026-12-01 09:00:00', 1)"))
            conn.execute(text(
                "INSERT INTO search_entry (kind, object_id, title, body, title_terms, "
                "body_terms, idents, updated_at) VALUES ('meeting', 1, "
                "'Samarbetskommittén 2027-01-14', '13.00 Huddinge', "
                "'samarbetskommitt 2027 01 14', '13 00 huddinge', '', "
                "'2026-12-01 09:00:00')"))
        upgrade(directory=MIGRATIONS)
        body = db.session.scalar(text(
            "SELECT body FROM search_entry WHERE kind = 'meeting' AND object_id = 1"))
        assert "torsdag 14 januari 2027" in body
        db.session.remove()
        db.engine.dispose()
