"""Cached fragments, without HTTP: which writes change which scope's token, and a fragment
served again only while its scopes' tokens stay the same."""

import re
from datetime import timedelta

import pytest
from flask import g
from markupsafe import Markup
from sqlalchemy import delete, select, update

from intranet import cache, clock
from intranet.actions.models import ActionItem
from intranet.audit.models import AuditEvent
from intranet.cache import DataVersion
from intranet.extensions import db
from intranet.org.models import Municipality, Network
from tests.conftest import appoint, make_action, make_person
from tests.queries import recorded_statements


def tokens() -> dict[str, str]:
    db.session.expire_all()
    return dict(db.session.execute(select(DataVersion.scope, DataVersion.token)).all())


def changed(before: dict, after: dict) -> set[str]:
    return {scope for scope in before if before[scope] != after[scope]}


def test_every_table_has_a_scope_or_is_technical(app):
    names = {t.name for t in db.metadata.sorted_tables}
    assert names == set(cache.SCOPES) | cache.TECHNICAL
    assert not set(cache.SCOPES) & cache.TECHNICAL


def test_a_table_nobody_placed_changes_every_scope():
    assert cache._scopes_of("new_table") == cache.ALL_SCOPES
    assert cache._scopes_of("login_session") == ()
    assert cache._scopes_of("action_item") == ("actions",)


def test_a_committed_write_changes_its_scope_only(app, world, app_ctx):
    before = tokens()
    network = db.session.get(Network, world.ids.network)
    network.description = "Ny beskrivning"
    db.session.commit()
    after = tokens()
    assert changed(before, after) == {"org"}

    make_action(network, "Ny aktivitet")
    db.session.commit()
    assert changed(after, tokens()) == {"actions"}


def test_pending_changes_flushed_by_the_commit_count(app, world, app_ctx):
    before = tokens()
    alpha = db.session.get(Municipality, world.ids.alpha)
    db.session.add(Network(name="Nytt nätverk", short_name="Nytt", slug="nytt-natverk"))
    alpha.name = "Alfaby kommun"
    db.session.commit()  # never flushed before the commit
    assert changed(before, tokens()) == {"org"}


def test_a_login_changes_no_token_but_a_new_name_does(app, world, app_ctx):
    from intranet.org.models import Person

    before = tokens()
    person = db.session.get(Person, world.ids.member)
    person.last_login_at = clock.utcnow()
    db.session.commit()
    assert tokens() == before
    person.last_login_at = clock.utcnow() + timedelta(minutes=1)
    person.name = "Mona Medlem-Nyström"
    db.session.commit()
    assert changed(before, tokens()) == {"org"}


def test_orm_update_and_delete_statements_count(app, world, app_ctx):
    network = db.session.get(Network, world.ids.network)
    item = make_action(network, "Att ta bort")
    db.session.commit()
    before = tokens()
    db.session.execute(update(ActionItem).where(ActionItem.id == item.id)
                       .values(activity="Ändrad"))
    db.session.commit()
    middle = tokens()
    assert changed(before, middle) == {"actions"}
    db.session.execute(delete(ActionItem).where(ActionItem.id == item.id))
    db.session.commit()
    assert changed(middle, tokens()) == {"actions"}


def test_a_statement_on_the_table_through_the_session_counts(app, world, app_ctx):
    # The saves' lean statements are on the tables, not the entities: the session's execute
    # still sees them. (Through a connection of its own, nothing would: audit rows only.)
    network = db.session.get(Network, world.ids.network)
    item = make_action(network, "Tabellens rad")
    db.session.commit()
    before = tokens()
    table = ActionItem.__table__
    db.session.execute(update(table).where(table.c.id == item.id).values(cost="Ny"))
    db.session.commit()
    assert changed(before, tokens()) == {"actions"}


def test_a_rolled_back_write_changes_nothing(app, world, app_ctx):
    before = tokens()
    network = db.session.get(Network, world.ids.network)
    network.description = "Ångrad"
    db.session.flush()
    db.session.rollback()
    db.session.add(AuditEvent(action="test.noop", object_type="test", object_id=None))
    db.session.commit()  # a technical table after the rollback: no scope left over
    assert tokens() == before


def test_a_fragment_is_served_until_its_scope_changes(app, world):
    renders = []

    def render():
        with_name = db.session.get(Network, world.ids.network).name
        renders.append(with_name)
        return Markup("<p>{} {}</p>").format(with_name, len(renders))

    def show():
        with app.test_request_context():
            return cache.fragment("test.network", (world.ids.network,), ("org",), render)

    first = show()
    assert show() == first and len(renders) == 1
    with app.app_context():  # another scope's write: still the same fragment
        make_action(db.session.get(Network, world.ids.network), "Något annat")
        db.session.commit()
    assert show() == first and len(renders) == 1
    with app.app_context():
        db.session.get(Network, world.ids.network).name = "Omdöpt nätverk"
        db.session.commit()
    again = show()
    assert again != first and "Omdöpt nätverk" in again and len(renders) == 2


def test_the_key_holds_the_language_and_the_day(app, world, monkeypatch):
    made = []

    def show(lang="sv"):
        with app.test_request_context(headers={"Accept-Language": lang}):
            from flask import session

            session["lang"] = lang
            return cache.fragment(
                "test.day", (), ("org",),
                lambda: made.append(1) or Markup("{} {}").format(clock.today(), lang))

    show()
    show()
    assert len(made) == 1
    show("en")
    assert len(made) == 2
    tomorrow = clock.today() + timedelta(days=1)
    monkeypatch.setattr(clock, "today", lambda: tomorrow)
    assert str(tomorrow) in show()
    assert len(made) == 3


def test_versions_are_read_once_per_request(app, world):
    with app.test_request_context():
        first = cache.versions()
        assert g.data_versions is first and cache.versions() is first
        assert set(first) == set(cache.ALL_SCOPES)


def test_nothing_is_cached_without_the_tokens(app, world):
    with app.app_context():
        db.session.execute(delete(DataVersion))
        db.session.commit()
    made = []
    for _ in range(2):
        with app.test_request_context():
            cache.fragment("test.none", (), ("org",), lambda: made.append(1) or Markup("x"))
    assert len(made) == 2


def test_a_fragment_must_be_markup(app, world):
    """Plain text would reach the page unescaped: it is refused, not wrapped."""
    with app.test_request_context(), pytest.raises(TypeError):
        cache.fragment("test.text", (), ("org",), lambda: "<script>alert(1)</script>")


def test_only_an_autoescaping_template_gives_cached_blocks(app, world):
    """A block is stored as Markup, so it must come from a template that escaped it."""
    with app.test_request_context(), pytest.raises(ValueError, match="autoescape"):
        cache.blocks("mail/consultation_sent.txt", ("body",), (), ("org",), dict)


def test_the_store_drops_the_least_recently_used():
    limit = 10
    store = cache._Store(limit)
    store.put(("a",), "12345")
    store.put(("b",), "12345")
    assert store.get(("a",)) == "12345"  # a is now the most recent
    store.put(("c",), "123")
    assert store.get(("b",)) is None and store.get(("a",)) == "12345"
    assert store.size <= limit
    store.put(("huge",), "x" * 11)  # larger than the whole store: not kept
    assert store.get(("huge",)) is None


# ---------------------------------------------------------------- through the pages

FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_a_cached_list_carries_each_session_its_own_token(app, world, login_as):
    with app.app_context():
        network = db.session.get(Network, world.ids.network)
        make_action(network, "Gemensam cykelplan")
        slug = network.slug
        db.session.commit()
    url = f"/natverk/{slug}/handlingsplan/"
    member, convener = login_as("member"), login_as("convener")
    first = member.get(url).get_data(as_text=True)
    second = convener.get(url).get_data(as_text=True)  # the same fragment, from the store
    assert cache.CSRF_HOLE not in first and cache.CSRF_HOLE not in second
    mine, theirs = set(FORM_TOKEN.findall(first)), set(FORM_TOKEN.findall(second))
    assert mine and theirs and not mine & theirs
    # The token served with the fragment is the session's own: a delete with it is accepted.
    row = re.search(r'action="(/natverk/[^"]+/ta-bort)"', second).group(1)
    response = convener.http.post(row, data={"csrf_token": theirs.pop()})
    assert response.status_code == 303


def test_a_change_shows_at_once_on_every_cached_page(app, world, login_as):
    member = login_as("member")
    with app.app_context():
        slug = db.session.get(Network, world.ids.network).slug
    pages = [f"/natverk/{slug}/handlingsplan/", "/handlingsplan/", f"/natverk/{slug}"]
    before = [member.get(p).get_data(as_text=True) for p in pages]
    assert all("Nattbuss till Nynäshamn" not in b for b in before)
    with app.app_context():  # as another worker or a command would: only the database knows
        network = db.session.get(Network, world.ids.network)
        make_action(network, "Nattbuss till Nynäshamn")
        alpha = db.session.get(Municipality, world.ids.alpha)
        appoint(network, make_person("Nora Nyutsedd", alpha), alpha)
        db.session.commit()
    after = [member.get(p).get_data(as_text=True) for p in pages]
    assert "Nattbuss till Nynäshamn" in after[0] and "Nattbuss till Nynäshamn" in after[1]
    assert "Nora Nyutsedd" in after[2] and "Nora Nyutsedd" not in before[2]


def test_forms_in_a_cached_page_carry_each_session_its_own_token(app, world, login_as):
    """The response's page is kept per person with its WTForms forms in it: a second login
    of the same person is served the same fragment, with its own token in every form."""
    from tests.consultation_fixtures import RESPONSE_ID, SECTION_IDS, build_consultations

    build_consultations(app, world)
    url = f"/natverk/plan/remissvar/{RESPONSE_ID}"
    first, second = login_as("convener"), login_as("convener")
    mine = first.get(url).get_data(as_text=True)
    theirs = second.get(url).get_data(as_text=True)
    assert cache.CSRF_HOLE not in mine and cache.CSRF_HOLE not in theirs
    mine_tokens, their_tokens = set(FORM_TOKEN.findall(mine)), set(FORM_TOKEN.findall(theirs))
    assert len(mine_tokens) == len(their_tokens) == 1 and mine_tokens != their_tokens
    assert mine.count(mine_tokens.pop()) > 3  # hidden_tag() forms and plain ones alike
    response = second.http.post(f"{url}/avsnitt/{SECTION_IDS[1]}/kommentarer",
                                data={"csrf_token": their_tokens.pop(), "body": "Instämmer."})
    assert response.status_code == 303
    assert "Instämmer." in second.get(url).get_data(as_text=True)


def test_the_tokens_come_with_the_login_and_the_standing_is_remembered(app, world, login_as):
    member = login_as("member")
    with app.app_context():
        slug = db.session.get(Network, world.ids.network).slug
    url = f"/natverk/{slug}/handlingsplan/"
    member.get(url)
    with recorded_statements(app) as statements:
        assert member.get(url).status_code == 200
    assert "data_version" in statements[0]  # with the login, the first statement
    assert not any(s.startswith("SELECT data_version") for s in statements)
    assert not any("FROM seat" in s for s in statements)  # the standing, remembered


def test_a_remembered_standing_ends_with_the_appointment(app, world, login_as):
    from intranet.org.models import Appointment

    member = login_as("member")
    with app.app_context():
        slug = db.session.get(Network, world.ids.network).slug
    new_row = f"/natverk/{slug}/handlingsplan/ny"
    assert member.get(new_row).status_code == 200
    assert member.get(new_row).status_code == 200  # the standing from the store
    with app.app_context():
        db.session.get(Appointment, world.ids.member_appointment).to_date = (
            clock.today() - timedelta(days=1))
        db.session.commit()
    assert member.get(new_row).status_code == 403
