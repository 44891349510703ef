"""Past COUNTED_AT_MOST matches (after the policy and the filters), a search says "more than"
instead of a count, shows the matches newest first and pages through that many; up to it,
the counts are exact per kind and the hits ranked. The cap is set low here so that a few
entries cross it; SQLite's walk of the newest entries finds the same hits as reading every
match."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from intranet.actions import services as actions
from intranet.documents import services as documents
from intranet.documents.models import Visibility
from intranet.extensions import db
from intranet.org.models import SubGoal
from intranet.search import services
from intranet.search.models import SearchEntry
from intranet.search.services import search

WORD = "pendelbåtsbrygga"


@pytest.fixture
def pages(app, world, app_ctx, monkeypatch):
    """Seven pages with WORD in the member's network, made one after the other, and three
    in the other network (hidden from the member); the cap at four."""
    monkeypatch.setattr(services, "COUNTED_AT_MOST", 4)
    member, other = world.person("member"), world.person("other_member")
    made = [documents.create_page(world.network(), member, title=f"Sida {number}",
                                  body=body(number)) for number in range(7)]
    for number in range(3):
        documents.create_page(world.network("other_network"), other, title=f"Dold {number}",
                              body=f"Om {WORD}.")
    db.session.commit()
    return made


def body(number: int) -> str:
    return f"Om {WORD} nummer {number}."


def newest_titles(count: int) -> list[str]:
    """The titles of the member's network's newest `count` entries with WORD."""
    return list(db.session.scalars(
        select(SearchEntry.title).where(SearchEntry.body.contains(WORD),
                                        SearchEntry.title.like("Sida %"))
        .order_by(SearchEntry.updated_at.desc(), SearchEntry.id.desc())))[:count]


def test_more_than_the_cap_says_more_and_pages_through_the_newest(world, pages):
    member = world.person("member")
    first = search(member, WORD, per_page=3)
    assert first.more and first.more_in_all
    assert first.total == 4 and first.pages == 2
    assert first.counts == {}  # not known per kind past the cap
    second = search(member, WORD, per_page=3, page=2)
    past = search(member, WORD, per_page=3, page=9)  # clamped to the last page
    order = newest_titles(4)
    assert order == ["Sida 6", "Sida 5", "Sida 4", "Sida 3"]
    assert [h.title for h in first.hits] == order[:3]
    assert [h.title for h in second.hits] == order[3:]
    assert past.page == 2 and [h.title for h in past.hits] == order[3:]


def test_the_cap_counts_what_the_person_may_find(world, pages, monkeypatch):
    # The other network's member finds three, under the cap: exact and ranked.
    other = world.person("other_member")
    results = search(other, WORD, per_page=10)
    assert not results.more and not results.more_in_all
    assert results.total == 3 and results.counts == {"document": 3}
    assert {h.title for h in results.hits} == {"Dold 0", "Dold 1", "Dold 2"}
    # The secretariat finds all ten: more.
    assert search(world.person("secretariat"), WORD).more


def test_a_kind_under_the_cap_is_counted_exactly_when_all_kinds_are_more(world, pages):
    member, plan = world.person("member"), world.network()
    documents.create_page(plan, member, title="Ännu en", body=WORD)
    db.session.commit()
    network_only = search(member, WORD, kind="network")
    assert network_only.more_in_all and not network_only.more
    assert network_only.total == 0 and network_only.hits == []
    documents_only = search(member, WORD, kind="document")
    assert documents_only.more and documents_only.total == 4


def test_walking_the_newest_entries_finds_what_reading_every_match_finds(world, pages,
                                                                         monkeypatch):
    member = world.person("member")
    monkeypatch.setattr(services, "_WALK_COST", 10**9)  # never walk
    read = [[(h.kind, h.object_id) for h in search(member, WORD, per_page=2, page=n).hits]
            for n in (1, 2)]
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    monkeypatch.setattr(services, "_WALK_COST", 0)  # always walk where SQLite can
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        walked = [[(h.kind, h.object_id)
                   for h in search(member, WORD, per_page=2, page=n).hits] for n in (1, 2)]
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert walked == read
    assert len({hit for page in read for hit in page}) == 4
    if db.engine.dialect.name == "sqlite":  # the page's statement asked FTS5 entry by entry
        assert any("EXISTS (SELECT search_fts.rowid" in s for s in statements), statements


def test_the_page_says_more_than_and_lists_the_kinds_without_counts(pages, login_as):
    client = login_as("member")
    html = client.get(f"/sok/?q={WORD}").get_data(as_text=True)
    assert "Fler än 4 träffar" in html
    assert "De nyaste visas först" in html
    assert "Allt (fler än 4)" in html
    assert ">Dokument</a>" in html and ">Personer</a>" in html
    fragment = client.get(f"/sok/forslag?q={WORD}", headers={"HX-Request": "true"})
    assert f"Visa alla träffar för {WORD}* (fler än 4)" in fragment.get_data(as_text=True)
    under = client.get(f"/sok/?q={WORD}&typ=network").get_data(as_text=True)
    assert "Fler än" not in under.split('class="result-count"')[1]


def test_a_page_shared_with_everyone_counts_for_others(world, pages):
    other, member = world.person("other_member"), world.person("member")
    for page in pages[:2]:
        documents.save_page(page, member, expected_version=page.lock_version,
                            title=page.title, body=body(int(page.title[-1])),
                            visibility=Visibility.EVERYONE)
        db.session.commit()
        results = search(other, WORD)
    assert results.more and results.total == 4  # three of its own and two shared


def test_one_kind_of_a_search_with_more_comes_newest_first(world, pages, monkeypatch, login_as):
    member = world.person("member")
    documents.create_page(world.network(), member, title="Sida 7", body=body(7))
    db.session.commit()
    # Seven of the member's own pages and the network's entry: more than four in all.
    results = search(member, WORD, kind="document", per_page=3)
    assert results.more_in_all and results.newest_first
    assert [h.title for h in results.hits] == ["Sida 7", "Sida 6", "Sida 5"]
    monkeypatch.setattr(services, "COUNTED_AT_MOST", 10)
    monkeypatch.setattr(services, "_WALK_COST", 10**9)  # every match read
    read = search(world.person("secretariat"), WORD, kind="document", per_page=20)
    monkeypatch.setattr(services, "COUNTED_AT_MOST", 4)
    monkeypatch.setattr(services, "_WALK_COST", 0)  # SQLite walks the kind's entries
    walked = search(world.person("secretariat"), WORD, kind="document", per_page=20)
    assert walked.total == 4 and walked.more
    assert [h.object_id for h in walked.hits] == [h.object_id for h in read.hits][:4]


def test_the_page_of_one_kind_says_why_the_newest_come_first(world, pages, login_as):
    actions.create_item(world.network(), world.person("member"), {
        "sub_goal_id": db.session.scalar(select(SubGoal.id)),
        "activity": f"Bygga {WORD}", "responsible": "Alfaby", "comment": ""})
    db.session.commit()
    results = search(world.person("member"), WORD, kind="action")
    assert results.more_in_all and not results.more and results.newest_first
    assert results.total == 1
    client = login_as("member")
    html = client.get(f"/sok/?q={WORD}&typ=action").get_data(as_text=True)
    assert "1 träff för" in html
    assert "De nyaste visas först, eftersom sökningen ger fler än 4 träffar av alla slag." in html


def test_the_kind_chosen_stays_in_the_list_with_its_zero(pages, login_as):
    html = login_as("other_member").get(f"/sok/?q={WORD}&typ=meeting").get_data(as_text=True)
    assert 'aria-current="true">Möten (0)</a>' in html
    assert ">Dokument (3)</a>" in html
