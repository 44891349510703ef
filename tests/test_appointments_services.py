"""Appointing, replacing, ending and terms: the rules, without HTTP."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from intranet import clock
from intranet.appointments.services import (
    AppointmentError,
    appoint,
    coverage,
    create_person,
    end,
    find_people,
    history,
    replace,
    representation,
    send_term_reminders,
)
from intranet.audit.models import AuditEvent
from intranet.auth.models import AccountToken
from intranet.authz import compute_standing
from intranet.extensions import db
from intranet.networks.services import set_convener, update_network
from intranet.notifications.models import OutgoingMail
from intranet.org.models import Appointment, Municipality, NetworkRole, Person
from intranet.org.services import appointments_of, network_members
from tests.conftest import make_person


@pytest.fixture
def ctx(app, world, app_ctx):
    """The world's main objects inside an app context (requests need a URL for links)."""
    with app.test_request_context():
        yield world


def alpha(world) -> Municipality:
    return db.session.get(Municipality, world.ids.alpha)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_director_appoints_a_new_person_who_gets_an_invitation(ctx):
    director = ctx.person("director")
    network = ctx.network("other_network")
    person = create_person(name="Nina Ny", email="Nina.Ny@Alfaby.example", title="Strateg",
                           municipality=alpha(ctx), actor=director)
    appointment = appoint(actor=director, network=network, municipality=alpha(ctx),
                          person=person, from_date=clock.today())
    db.session.commit()
    assert person.email == "nina.ny@alfaby.example" and person.password_hash is None
    assert appointment.appointed_by_id == director.id
    assert compute_standing(person).member_of(network.id)
    token = db.session.scalars(select(AccountToken)).one()
    assert token.purpose == "invitation"
    assert token.expires_at - token.created_at == timedelta(days=7)
    subjects = {(m.to_address, m.subject) for m in db.session.scalars(select(OutgoingMail))}
    assert ("nina.ny@alfaby.example", "Inbjudan till Samverkansytan") in subjects
    assert ("nina.ny@alfaby.example", "Du är utsedd till Klimatnätverket") in subjects
    assert [e.object_id for e in audit("appointment_created")] == [appointment.id]
    assert audit("person_created") and audit("invitation_sent")


def test_appointing_tells_the_convener_too(ctx):
    director = ctx.person("director")
    person = make_person("Ulla Utsedd", alpha(ctx))
    appoint(actor=director, network=ctx.network(), municipality=alpha(ctx), person=person,
            from_date=clock.today())
    db.session.commit()
    to = sorted(m.to_address for m in db.session.scalars(select(OutgoingMail)))
    assert to == sorted([person.email, ctx.person("convener").email])


def test_no_duplicate_active_appointment(ctx):
    with pytest.raises(AppointmentError, match="redan utsedd"):
        appoint(actor=ctx.person("director"), network=ctx.network(), municipality=alpha(ctx),
                person=ctx.person("member"), from_date=clock.today())


def test_cannot_end_before_it_starts_or_start_before_the_person_exists(ctx):
    director = ctx.person("director")
    person = make_person("Tidig Tina", alpha(ctx))
    person.created_at = clock.utcnow()
    with pytest.raises(AppointmentError, match="innan personen lades in"):
        appoint(actor=director, network=ctx.network(), municipality=alpha(ctx),
                person=person, from_date=clock.today() - timedelta(days=3))
    with pytest.raises(AppointmentError, match="efter startdatumet"):
        appoint(actor=director, network=ctx.network(), municipality=alpha(ctx),
                person=person, from_date=clock.today(), to_date=clock.today())
    member_appointment = db.session.get(Appointment, ctx.ids.member_appointment)
    with pytest.raises(AppointmentError, match="innan det börjar"):
        end(member_appointment, actor=director, to_date=date(2019, 12, 31))


def test_person_of_another_municipality_cannot_be_appointed_for_this_one(ctx):
    with pytest.raises(AppointmentError, match="hör inte till"):
        appoint(actor=ctx.person("secretariat"), network=ctx.network("other_network"),
                municipality=alpha(ctx), person=ctx.person("convener"),
                from_date=clock.today())


def test_deactivated_person_cannot_be_appointed(ctx):
    person = make_person("Ingrid Inaktiv", alpha(ctx), active=False)
    with pytest.raises(AppointmentError, match="inaktiverad"):
        appoint(actor=ctx.person("director"), network=ctx.network(), municipality=alpha(ctx),
                person=person, from_date=clock.today())


def test_email_stays_unique_when_creating_a_person(ctx):
    with pytest.raises(AppointmentError, match="finns redan"):
        create_person(name="Kopia", email=ctx.person("member").email.upper(), title="",
                      municipality=alpha(ctx), actor=ctx.person("director"))
    with pytest.raises(AppointmentError, match="annan person"):
        create_person(name="Kopia", email=ctx.person("convener").email, title="",
                      municipality=alpha(ctx), actor=ctx.person("director"))


def test_ending_keeps_the_row_and_removes_access(ctx):
    appointment = db.session.get(Appointment, ctx.ids.member_appointment)
    end(appointment, actor=ctx.person("director"), to_date=clock.today(), reason="Ny tjänst")
    db.session.commit()
    assert db.session.get(Appointment, appointment.id).end_reason == "Ny tjänst"
    member = ctx.person("member")
    assert not compute_standing(member).member_of(ctx.ids.network)
    assert member.active  # the account stays
    current, past = appointments_of(member)
    assert current == [] and [a.id for a in past] == [appointment.id]
    assert audit("appointment_ended")
    with pytest.raises(AppointmentError, match="redan avslutat"):
        end(appointment, actor=ctx.person("director"), to_date=clock.today())


def test_a_term_ends_access_on_its_date_without_anyone_acting(ctx):
    appointment = db.session.get(Appointment, ctx.ids.member_appointment)
    term_end = clock.today() + timedelta(days=30)
    end(appointment, actor=ctx.person("director"), to_date=term_end)
    db.session.commit()
    member = ctx.person("member")
    assert compute_standing(member).member_of(ctx.ids.network)
    assert network_members(ctx.network(), on=term_end - timedelta(days=1)).member_count == 2
    assert network_members(ctx.network(), on=term_end).member_count == 1
    assert audit("appointment_term_set")


def test_term_reminder_goes_to_the_person_and_the_director_once(ctx):
    appointment = db.session.get(Appointment, ctx.ids.member_appointment)
    end(appointment, actor=ctx.person("director"), to_date=clock.today() + timedelta(days=30))
    db.session.query(OutgoingMail).delete()
    db.session.commit()
    assert send_term_reminders(clock.today()) == 0  # 30 days away: not yet
    assert send_term_reminders(clock.today() + timedelta(days=16)) == 1
    db.session.commit()
    to = sorted(m.to_address for m in db.session.scalars(select(OutgoingMail)))
    assert to == sorted([ctx.person("member").email, ctx.person("director").email])
    assert send_term_reminders(clock.today() + timedelta(days=17)) == 0  # only once


def test_replace_ends_one_and_starts_another_on_the_same_date(ctx):
    director = ctx.person("director")
    old = db.session.get(Appointment, ctx.ids.member_appointment)
    successor = make_person("Siri Efterträdare", alpha(ctx))
    on = clock.today() + timedelta(days=5)
    new = replace(old, actor=director, person=successor, on_date=on)
    db.session.commit()
    assert old.to_date == on and new.from_date == on
    assert new.replaces_id == old.id and new.network_id == old.network_id
    assert "Siri Efterträdare" in old.end_reason
    assert count(Appointment) == 4  # three before, one more, none deleted
    assert {a.id for a in history(ctx.network())} >= {old.id, new.id}


def test_set_convener_moves_the_role(ctx):
    network = ctx.network()
    member_appointment = db.session.get(Appointment, ctx.ids.member_appointment)
    set_convener(network, member_appointment, actor=ctx.person("secretariat"))
    db.session.commit()
    roles = {a.person.name: a.role for a in network.appointments}
    assert roles == {"Maja Medlem": NetworkRole.CONVENER,
                     "Kalle Sammankallande": NetworkRole.MEMBER}
    assert audit("convener_set")


def test_update_network_audits_what_changed(ctx):
    network = ctx.network()
    update_network(network, actor=ctx.person("secretariat"), name="Nytt namn",
                   short_name="NY", description=network.description, focus_areas=[])
    db.session.commit()
    changed = audit("network_updated")[0].detail["changed"]
    assert changed["name"] == ["Planeringsnätverket", "Nytt namn"]
    assert "description" not in changed


def test_coverage_counts_members_and_gaps(ctx):
    data = coverage()
    plan, klimat = ctx.network(), ctx.network("other_network")
    by_name = {m.name: m for m in data.municipalities}
    assert data.count(plan, by_name["Alfaby"]) == 1
    assert data.count(plan, by_name["Gammastad"]) == 0
    assert data.network_total(plan) == 2 and data.network_gaps(plan) == 1
    assert data.network_gaps(klimat) == 2
    assert data.municipality_total(by_name["Alfaby"]) == 2
    assert data.total == 3 and data.gap_count == 3


def test_representation_lists_gaps_and_upcoming(ctx):
    person = make_person("Frida Framtid", alpha(ctx))
    person.created_at = clock.utcnow() - timedelta(days=1)
    appoint(actor=ctx.person("director"), network=ctx.network("other_network"),
            municipality=alpha(ctx), person=person,
            from_date=clock.today() + timedelta(days=10))
    db.session.commit()
    data = representation(alpha(ctx))
    rows = {n.slug: [a.person.name for a in apps] for n, apps in data.rows}
    assert rows == {"klimat": ["Olle Annannät", "Frida Framtid"], "plan": ["Maja Medlem"]}
    gamma = db.session.get(Municipality, ctx.ids.gamma)
    assert [n.slug for n in representation(gamma).gaps] == ["klimat", "plan"]


def test_find_people_searches_within_the_municipality(ctx):
    assert [p.name for p in find_people(alpha(ctx), "DIREKTÖR")] == ["Dora Direktör"]
    assert all(p.municipality_id == ctx.ids.alpha for p in find_people(alpha(ctx)))
    assert find_people(alpha(ctx), "Kalle") == []  # Betaholm's
    inactive = make_person("Ivar Inaktiv", alpha(ctx), active=False)
    assert inactive not in find_people(alpha(ctx), "Ivar")


def test_find_people_folds_every_letter_and_keeps_the_chosen_one(ctx):
    beta = db.session.get(Municipality, ctx.ids.beta)
    asa = make_person("Åsa Öberg", beta, email="asa@test.example")
    others = [make_person(f"Anna Ek {i:02}", alpha(ctx), email=f"anna.{i}@test.example")
              for i in range(5)]
    db.session.commit()
    # Å and Ö are found by å and ö (SQLite's own lower() folds only A-Z), in every
    # municipality when none is given, with the municipality loaded.
    assert find_people(None, "åsa ö") == [asa] and find_people(alpha(ctx), "åsa") == []
    assert find_people(None, "ÖBERG")[0].municipality.name == "Betaholm"
    assert find_people(None, "Anna_Ek") == [] and find_people(None, "%") == []
    # The chosen person first when the words or the limit would leave them out.
    assert find_people(None, "anna ek", limit=3, chosen=asa.id) == [asa, *others[:2]]
    assert find_people(None, "anna ek", limit=3, chosen=others[0].id) == others[:3]
    asa.active = False
    assert asa not in find_people(None, "anna ek", chosen=asa.id)


def test_audit_rows_are_in_the_same_transaction(ctx):
    person = make_person("Rolf Rullad", alpha(ctx))
    db.session.commit()
    appoint(actor=ctx.person("director"), network=ctx.network("other_network"),
            municipality=alpha(ctx), person=person, from_date=clock.today())
    db.session.rollback()
    assert audit("appointment_created") == []
    assert db.session.scalar(select(Person).where(Person.name == "Rolf Rullad")) is not None
