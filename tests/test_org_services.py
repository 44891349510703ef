"""The organisation's read services, without HTTP."""

from datetime import date, timedelta

from intranet import clock
from intranet.authz import compute_standing, may
from intranet.extensions import db
from intranet.org.models import Body, BodyKind, Municipality, NetworkRole
from intranet.org.services import (
    active_networks,
    body_rosters,
    network_members,
    network_summaries,
    networks_of,
    seats_of,
)
from tests.conftest import appoint, make_person, make_seat
from tests.queries import recorded_statements


def test_members_are_grouped_by_municipality_with_gaps(app, world, app_ctx):
    members = network_members(world.network())
    names = [g.municipality.name for g in members.groups]
    assert names == ["Alfaby", "Betaholm", "Gammastad"]
    assert [m.name for m in members.gaps] == ["Gammastad"]
    assert members.covered_count == 2 and members.member_count == 2
    assert [p.name for p in members.conveners] == ["Kalle Sammankallande"]


def test_ended_and_future_appointments_are_not_current_but_kept(app, world, app_ctx):
    network = world.network()
    gamma = db.session.get(Municipality, world.ids.gamma)
    today = clock.today()
    ended = appoint(network, make_person("Erik Slutad", gamma), gamma,
                    from_date=date(2019, 1, 1), to_date=today)
    appoint(network, make_person("Frida Framtid", gamma), gamma,
            from_date=today + timedelta(days=10))
    db.session.commit()
    members = network_members(network)
    assert "Gammastad" in [m.name for m in members.gaps]
    assert db.session.get(type(ended), ended.id) is not None  # history stays
    # On a day in the past, the ended appointment was current.
    past = network_members(network, on=date(2019, 6, 1))
    assert [a.person.name for g in past.groups for a in g.appointments] == ["Erik Slutad"]


def test_conveners_are_listed_first_in_their_municipality(app, world, app_ctx):
    network = world.network()
    beta = db.session.get(Municipality, world.ids.beta)
    appoint(network, make_person("Anna Aaberg", beta), beta)
    db.session.commit()
    beta_group = network_members(network).groups[1]
    assert [a.role for a in beta_group.appointments] == [NetworkRole.CONVENER, NetworkRole.MEMBER]


def test_network_summaries_count_coverage_and_my_role(app, world, app_ctx):
    networks = active_networks()
    summaries = {s.network.slug: s for s in network_summaries(networks,
                                                               world.person("convener"))}
    assert summaries["plan"].covered_count == 2
    assert summaries["plan"].municipality_count == 3
    assert summaries["plan"].my_role == NetworkRole.CONVENER
    assert summaries["klimat"].my_role is None
    assert summaries["klimat"].conveners == []


def test_directory_search_matches_name_short_name_and_focus_area(app, world, app_ctx):
    assert [n.slug for n in active_networks("KLIM")] == ["klimat"]
    assert [n.slug for n in active_networks("planeringschefer")] == ["plan"]
    area_id = world.network().focus_areas[0].id
    assert [n.slug for n in active_networks("", area_id)] == ["plan"]
    assert active_networks("finns inte") == []
    world.network("other_network").name = "Öppna data och Ärenden"
    assert [n.slug for n in active_networks("öppna DATA och ä")] == ["klimat"]


def test_archived_networks_leave_the_directory(app, world, app_ctx):
    world.network("other_network").archived_at = clock.utcnow()
    db.session.commit()
    assert [n.slug for n in active_networks()] == ["plan"]


def test_networks_of_a_person_are_their_current_appointments(app, world, app_ctx):
    assert [n.slug for n in networks_of(world.person("member"))] == ["plan"]
    assert networks_of(world.person("director")) == []


def test_body_rosters_list_seats_per_municipality_and_officers(app, world, app_ctx):
    rosters = {r.body.kind: r for r in body_rosters()}
    management = rosters[BodyKind.MANAGEMENT_GROUP]
    assert [(m.name, [s.person.name for s in seats]) for m, seats in management.rows] == [
        ("Alfaby", ["Dora Direktör"]), ("Betaholm", ["Bertil Betadirektör"]), ("Gammastad", []),
    ]
    assert [s.person.name for s in management.officers] == ["Dora Direktör"]
    secretariat = rosters[BodyKind.SECRETARIAT]
    assert [s.person.name for _, seats in secretariat.rows for s in seats] == ["Sam Kansli"]


def test_a_seat_that_ended_gives_no_standing(app, world, app_ctx):
    committee = db.session.query(Body).filter_by(kind=BodyKind.COMMITTEE).one()
    former = make_person("Fia Före", db.session.get(Municipality, world.ids.beta))
    make_seat(committee, former, former.municipality, from_date=date(2018, 1, 1),
              to_date=date(2022, 12, 31))
    db.session.commit()
    assert not compute_standing(former).committee
    assert seats_of(former) == []


def test_standing_reflects_seats_and_appointments(app, world, app_ctx):
    s = compute_standing(world.person("director"))
    assert s.director and s.director_municipalities == {world.ids.alpha}
    assert not s.secretariat and not s.committee
    s = compute_standing(world.person("convener"))
    assert s.convener_of(world.ids.network) and s.member_of(world.ids.network)
    assert not s.member_of(world.ids.other_network)
    assert compute_standing(world.person("secretariat")).secretariat
    assert compute_standing(world.person("committee")).committee


def test_policy_denies_unknown_actions_and_anonymous(app, world, app_ctx):
    staff = world.person("secretariat")
    assert not may(staff, "no_such_action", world.network())
    assert not may(None, "view_network", world.network())
    assert may(world.person("other_member"), "view_network", world.network())


def test_archived_network_is_visible_only_to_the_secretariat(app, world, app_ctx):
    network = world.network()
    network.archived_at = clock.utcnow()
    db.session.commit()
    assert may(world.person("secretariat"), "view_network", network)
    assert not may(world.person("member"), "view_network", network)


def test_the_layout_reads_the_cooperations_name_once_and_again_after_a_write(
        app, world, app_ctx, login_as):
    from intranet.org.models import Cooperation
    from intranet.org.services import cooperation_name

    with recorded_statements() as statements:
        assert cooperation_name().name == "Testkommunernas samarbete"
        assert cooperation_name().short_name == "Test"
    assert sum("FROM cooperation" in s for s in statements) == 1
    db.session.get(Cooperation, 1).short_name = "Nytt"
    db.session.commit()
    assert cooperation_name().short_name == "Nytt"
    page = login_as("member").get("/")
    assert "· Nytt</title>" in page.get_data(as_text=True)


def test_two_people_are_two_even_when_neither_is_logged_in(app, world, app_ctx):
    member, director = world.person("member"), world.person("director")
    assert member != director and member not in [director] and member == world.person("member")
    assert len({member, director}) == 2
