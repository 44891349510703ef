"""The start page (main.index): which blocks each role gets, what each block finds and what it
must not show, since-when "new" counts (the previous login), and the rendered page."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import current_app

from intranet import clock
from intranet.consultations.models import (
    ConsultationResponse,
    ResponseSection,
    SectionComment,
    SectionRevision,
)
from intranet.documents.models import Document, DocumentKind, PageRevision, Visibility
from intranet.extensions import db
from intranet.main.start import failed_mail, since_of, start_page
from intranet.meetings.models import Meeting
from intranet.notifications.models import OutgoingMail
from intranet.org.models import (
    Appointment,
    Body,
    BodyKind,
    Municipality,
    Network,
    Person,
)
from intranet.states import ActionStatus, ResponseStatus
from tests.conftest import appoint, make_action
from tests.consultation_fixtures import COMMENT_ID, REPLY_ID, build_consultations
from tests.document_fixtures import build_documents

EVERYONE_BLOCKS = ("replies", "changed")
MEMBER_BLOCKS = ("due_actions", "new_documents")
CONVENER_BLOCKS = ("drafts", "open_comments", "network_terms", "network_gaps")
DIRECTOR_BLOCKS = ("municipality_gaps", "municipality_terms")
SECRETARIAT_BLOCKS = ("triage", "at_risk")
ALL_BLOCKS = (EVERYONE_BLOCKS + MEMBER_BLOCKS + ("meetings",) + CONVENER_BLOCKS
              + DIRECTOR_BLOCKS + SECRETARIAT_BLOCKS)


# ---------------------------------------------------------------- helpers


def now():
    return clock.utcnow()


def today():
    return clock.today()


def days(n: int) -> timedelta:
    return timedelta(days=n)


def person(world, role: str) -> Person:
    return world.person(role)


def page_of(world, role: str, previous_login=None):
    who = world.person(role)
    if previous_login is not None:
        who.previous_login_at = previous_login
        db.session.flush()
    return start_page(who)


def make_response(network_id: int, title: str = "En remiss", status=ResponseStatus.DRAFT,
                  deadline=None) -> ConsultationResponse:
    response = ConsultationResponse(network_id=network_id, title=title,
                                    referring_body="Region Stockholm", status=status,
                                    deadline=deadline)
    db.session.add(response)
    db.session.flush()
    return response


def make_section(response, author_id: int, title: str = "Avsnitt",
                 at=None) -> ResponseSection:
    section = ResponseSection(response=response, position=len(response.sections) + 1,
                              title=title, body="Text.", updated_by_id=author_id)
    section.revisions.append(SectionRevision(number=1, title=title, body="Text.",
                                             created_by_id=author_id,
                                             created_at=at or now() - days(20)))
    db.session.add(section)
    db.session.flush()
    return section


def revise(section, author_id: int, at) -> SectionRevision:
    number = max(r.number for r in section.revisions) + 1
    revision = SectionRevision(number=number, title=section.title, body=f"Version {number}.",
                               created_by_id=author_id, created_at=at)
    section.revisions.append(revision)
    db.session.flush()
    return revision


def comment(section, author_id: int, body: str = "En kommentar.", parent=None, at=None,
            resolved: bool = False) -> SectionComment:
    made = SectionComment(section=section, author_id=author_id, body=body, parent=parent,
                          created_at=at or now(), resolved_at=now() if resolved else None)
    db.session.add(made)
    db.session.flush()
    return made


def make_document(network_id: int, author_id: int, title: str, at=None,
                  visibility=Visibility.NETWORK, deleted: bool = False) -> Document:
    document = Document(network_id=network_id, kind=DocumentKind.FILE, title=title,
                        description="", visibility=visibility, created_by_id=author_id,
                        created_at=at or now(), deleted_at=now() if deleted else None)
    db.session.add(document)
    db.session.flush()
    return document


def make_page(network_id: int, author_id: int, title: str) -> Document:
    document = Document(network_id=network_id, kind=DocumentKind.PAGE, title=title,
                        description="", visibility=Visibility.NETWORK, created_by_id=author_id,
                        created_at=now() - days(30))
    document.revisions.append(PageRevision(number=1, title=title, body="Första.",
                                           created_by_id=author_id,
                                           created_at=now() - days(30)))
    db.session.add(document)
    db.session.flush()
    return document


def revise_page(document, author_id: int, at) -> PageRevision:
    number = max(r.number for r in document.revisions) + 1
    revision = PageRevision(number=number, title=document.title, body=f"Version {number}.",
                            created_by_id=author_id, created_at=at)
    document.revisions.append(revision)
    db.session.flush()
    return revision


def body_of(kind: str) -> Body:
    return db.session.query(Body).filter_by(kind=kind).one()


def meeting(kind: str, in_days: int) -> Meeting:
    made = Meeting(body_id=body_of(kind).id, held_on=today() + days(in_days))
    db.session.add(made)
    db.session.flush()
    return made


def failed(subject: str, error: str = "Connection refused", sent: bool = False):
    mail = OutgoingMail(to_address="mottagare@test.example", subject=subject, body="Text.",
                        attempts=1, last_error=error, sent_at=now() if sent else None)
    db.session.add(mail)
    db.session.flush()
    return mail


def new_network(name: str, slug: str) -> Network:
    network = Network(name=name, short_name=slug.upper(), slug=slug, description="")
    db.session.add(network)
    db.session.flush()
    return network


def end_member_appointment(world):
    appointment = db.session.get(Appointment, world.ids.member_appointment)
    appointment.to_date = today()
    db.session.flush()


def archive(world, key: str = "network"):
    world.network(key).archived_at = now()
    db.session.flush()


def titles(items) -> set[str]:
    return {item.title for item in items}


# ---------------------------------------------------------------- 1. blocks per role


@pytest.mark.parametrize("role, present", [
    ("member", EVERYONE_BLOCKS + MEMBER_BLOCKS),
    ("convener", EVERYONE_BLOCKS + MEMBER_BLOCKS + CONVENER_BLOCKS),
    ("director", EVERYONE_BLOCKS + ("due_actions", "meetings") + DIRECTOR_BLOCKS),
    ("committee", EVERYONE_BLOCKS + ("due_actions", "meetings")),
    ("secretariat", EVERYONE_BLOCKS + ("meetings",) + SECRETARIAT_BLOCKS),
])
def test_blocks_by_role(world, app_ctx, role, present):
    page = page_of(world, role)
    for name in ALL_BLOCKS:
        if name in present:
            assert getattr(page, name) is not None, (role, name)
        else:
            assert getattr(page, name) is None, (role, name)
    assert page.positions_owed is (role == "director")


# ---------------------------------------------------------------- 2. what each block finds


def test_replies_to_my_open_comments(world, app_ctx):
    ids = world.ids
    response = make_response(ids.network)
    section = make_section(response, ids.member)
    mine = comment(section, ids.member, "Min fråga.")
    theirs = comment(section, ids.convener, "Kalles svar.", parent=mine)
    comment(section, ids.member, "Mitt eget tillägg.", parent=mine)
    comment(section, ids.convener, "Gammalt svar.", parent=mine, at=now() - days(31))
    # Replies count from the previous login: one before it is not new.
    world.person("member").previous_login_at = now() - days(2)
    comment(section, ids.convener, "Svar före inloggningen.", parent=mine, at=now() - days(3))
    closed = comment(section, ids.member, "Löst fråga.", resolved=True)
    comment(section, ids.convener, "Svar i en löst tråd.", parent=closed)
    someone_elses = comment(section, ids.convener, "Kalles fråga.")
    comment(section, ids.director, "Svar till Kalle.", parent=someone_elses)

    replies = page_of(world, "member").replies
    assert [r.id for r in replies] == [theirs.id]
    # The convener's own thread got a reply from the director.
    assert [r.body for r in page_of(world, "convener").replies] == ["Svar till Kalle."]


def test_replies_from_the_fixture_thread(app, world, app_ctx):
    build_consultations(app, world)
    # The member replied to the convener's open comment: the convener's, not the member's.
    assert [r.id for r in page_of(world, "convener").replies] == [REPLY_ID]
    assert page_of(world, "member").replies == []
    db.session.get(SectionComment, COMMENT_ID).resolved_at = now()
    db.session.flush()
    assert page_of(world, "convener").replies == []


def test_changed_sections(world, app_ctx):
    ids = world.ids
    since = now() - days(2)
    response = make_response(ids.network, title="Trafikplan")
    changed = make_section(response, ids.member, "Inledning")
    revise(changed, ids.convener, now() - days(1))
    mine_last = make_section(response, ids.member, "Mitt sista ord")
    revise(mine_last, ids.convener, now() - days(1))
    revise(mine_last, ids.member, now() - timedelta(hours=1))
    before = make_section(response, ids.member, "Före")
    revise(before, ids.convener, now() - days(3))
    not_mine = make_section(response, ids.convener, "Kalles avsnitt")
    revise(not_mine, ids.director, now() - days(1))

    page = page_of(world, "member", previous_login=since)
    assert [(c.kind, c.title, c.section_id) for c in page.changed] == [
        ("section", "Trafikplan: Inledning", changed.id)]
    assert page.changed[0].changed_by == "Kalle Sammankallande"
    # The convener wrote "Kalles avsnitt", which the director changed, and a revision of
    # "Mitt sista ord", which the member revised after: newest first.
    assert [c.section_id for c in page_of(world, "convener", since).changed] == [
        mine_last.id, not_mine.id]


def test_changed_pages(world, app_ctx):
    ids = world.ids
    since = now() - days(2)
    changed = make_page(ids.network, ids.member, "Rutiner")
    revise_page(changed, ids.convener, now() - days(1))
    mine_last = make_page(ids.network, ids.member, "Mitt sista")
    revise_page(mine_last, ids.convener, now() - days(1))
    revise_page(mine_last, ids.member, now() - timedelta(hours=1))
    before = make_page(ids.network, ids.member, "Före")
    revise_page(before, ids.convener, now() - days(3))

    page = page_of(world, "member", previous_login=since)
    assert [(c.kind, c.title, c.object_id) for c in page.changed] == [
        ("page", "Rutiner", changed.id)]


def test_changed_page_from_the_document_fixture(app, world, app_ctx):
    build_documents(app, world)
    # The member wrote the first revision of "Minnesanteckningar", the convener the second.
    assert titles(page_of(world, "member").changed) == {"Minnesanteckningar"}
    assert page_of(world, "convener").changed == []


def test_due_actions(world, app_ctx):
    ids = world.ids
    plan, klimat = world.network(), world.network("other_network")
    alpha = db.session.get(Municipality, ids.alpha)
    beta = db.session.get(Municipality, ids.beta)
    make_action(plan, "Snart", due_date=today() + days(3))
    make_action(plan, "Försenad", due_date=today() - days(2), status=ActionStatus.IN_PROGRESS)
    make_action(plan, "I dag", due_date=today() + days(14))
    make_action(plan, "Senare", due_date=today() + days(15))
    make_action(plan, "Klar", due_date=today() + days(1), status=ActionStatus.DONE)
    make_action(plan, "Pausad", due_date=today() + days(1), status=ActionStatus.PAUSED)
    make_action(plan, "Borttagen", due_date=today() + days(1), deleted_at=now())
    make_action(plan, "Utan datum")
    naming_plan = make_action(klimat, "Nämner planeringsnätverket", due_date=today() + days(5))
    naming_plan.networks.append(plan)
    naming_alpha = make_action(klimat, "Nämner Alfaby", due_date=today() + days(6))
    naming_alpha.municipalities.append(alpha)
    naming_beta = make_action(klimat, "Nämner Betaholm", due_date=today() + days(6))
    naming_beta.municipalities.append(beta)
    make_action(klimat, "Klimatets egen", due_date=today() + days(2))
    db.session.flush()

    member = [i.activity for i in page_of(world, "member").due_actions]
    assert member == ["Försenad", "Snart", "Nämner planeringsnätverket", "Nämner Alfaby",
                      "I dag"]
    # The director of Alfaby (no network): the rows naming Alfaby only.
    assert [i.activity for i in page_of(world, "director").due_actions] == ["Nämner Alfaby"]
    # Olle (Klimat, Alfaby): Klimat's own rows and those naming Alfaby, not Betaholm's.
    other = [i.activity for i in page_of(world, "other_member").due_actions]
    assert "Klimatets egen" in other and "Nämner Alfaby" in other
    assert "Snart" not in other


def test_new_documents(world, app_ctx):
    ids = world.ids
    since = now() - days(2)
    make_document(ids.network, ids.convener, "Nytt av Kalle", at=now() - days(1))
    make_document(ids.network, ids.member, "Mitt eget", at=now() - days(1))
    make_document(ids.network, ids.convener, "Borttaget", at=now() - days(1), deleted=True)
    make_document(ids.network, ids.convener, "Före inloggningen", at=now() - days(3))
    make_document(ids.other_network, ids.other_member, "Klimatets nya", at=now() - days(1),
                  visibility=Visibility.EVERYONE)

    assert titles(page_of(world, "member", since).new_documents) == {"Nytt av Kalle"}
    assert titles(page_of(world, "other_member", since).new_documents) == set()


def test_new_documents_from_the_document_fixture(app, world, app_ctx):
    build_documents(app, world)
    # Created now by the fixture: "Delad rapport" by the convener; the member's own files and
    # the trashed one are not the member's news, Klimat's is not in the member's networks.
    assert titles(page_of(world, "member").new_documents) == {"Delad rapport"}
    assert titles(page_of(world, "convener").new_documents) == {"Dagordning",
                                                                 "Minnesanteckningar"}


def test_next_meetings_of_my_bodies(world, app_ctx):
    meeting(BodyKind.COMMITTEE, -1)
    c1 = meeting(BodyKind.COMMITTEE, 0)
    c2 = meeting(BodyKind.COMMITTEE, 20)
    c3 = meeting(BodyKind.COMMITTEE, 40)
    meeting(BodyKind.COMMITTEE, 60)
    m1 = meeting(BodyKind.MANAGEMENT_GROUP, 10)

    assert [m.id for m in page_of(world, "committee").meetings] == [c1.id, c2.id, c3.id]
    assert [m.id for m in page_of(world, "director").meetings] == [m1.id]
    assert [m.id for m in page_of(world, "secretariat").meetings] == [c1.id, m1.id, c2.id]
    assert page_of(world, "member").meetings is None


def test_convener_drafts_near_internal_deadline(world, app_ctx):
    ids = world.ids
    meeting(BodyKind.MANAGEMENT_GROUP, 10)
    meeting(BodyKind.COMMITTEE, 30)
    meeting(BodyKind.MANAGEMENT_GROUP, 40)
    meeting(BodyKind.COMMITTEE, 50)
    near = make_response(ids.network, "Nära", deadline=today() + days(35))
    make_response(ids.network, "Långt borta", deadline=today() + days(60))
    no_meeting = make_response(ids.network, "Inget möte", deadline=today() + days(5),
                               status=ResponseStatus.RETURNED)
    make_response(ids.network, "Under granskning", deadline=today() + days(35),
                  status=ResponseStatus.MANAGEMENT_REVIEW)
    make_response(ids.other_network, "Klimatets", deadline=today() + days(35))

    drafts = page_of(world, "convener").drafts
    assert [(d.response.id, d.internal_deadline) for d in drafts] == [
        (no_meeting.id, today() + days(5)), (near.id, today() + days(10))]
    assert drafts[0].meeting is None
    assert drafts[1].meeting.held_on == today() + days(10)


def test_convener_open_comments_counted(world, app_ctx):
    ids = world.ids
    busy = make_response(ids.network, "Många kommentarer")
    section = make_section(busy, ids.member)
    thread = comment(section, ids.member, "Ett")
    comment(section, ids.convener, "Svar räknas inte", parent=thread)
    comment(section, ids.member, "Två")
    comment(section, ids.member, "Löst", resolved=True)
    removed = make_section(busy, ids.member, "Borttaget")
    removed.deleted_at = now()
    comment(removed, ids.member, "I ett borttaget avsnitt")
    quiet = make_response(ids.network, "En kommentar", status=ResponseStatus.TRIAGE)
    comment(make_section(quiet, ids.member), ids.member, "Ensam")
    adopted = make_response(ids.network, "Antaget", status=ResponseStatus.ADOPTED)
    comment(make_section(adopted, ids.member), ids.member, "Gammal")
    klimat = make_response(ids.other_network, "Klimatets")
    comment(make_section(klimat, ids.other_member), ids.other_member, "Klimat")

    found = [(c.response.title, c.count) for c in page_of(world, "convener").open_comments]
    assert found == [("Många kommentarer", 2), ("En kommentar", 1)]


def test_terms_ending(world, app_ctx):
    ids = world.ids
    notice = current_app.config["TERM_NOTICE_DAYS"]
    gamma = db.session.get(Municipality, ids.gamma)
    member_term = db.session.get(Appointment, ids.member_appointment)
    member_term.to_date = today() + days(notice)
    later = appoint(world.network(), world.person("director"), gamma,
                    to_date=today() + days(notice + 1))
    klimat_term = db.session.query(Appointment).filter_by(
        network_id=ids.other_network).one()
    klimat_term.to_date = today() + days(3)
    db.session.flush()

    assert [a.id for a in page_of(world, "convener").network_terms] == [member_term.id]
    # Alfaby's: the member's (Plan) and Olle's (Klimat), nearest first; not Gammastad's.
    director = page_of(world, "director").municipality_terms
    assert [a.id for a in director] == [klimat_term.id, member_term.id]
    assert later.id not in [a.id for a in director]


def test_network_gaps(world, app_ctx):
    ids = world.ids
    gaps = page_of(world, "convener").network_gaps
    assert [(g.network.id, [m.name for m in g.municipalities]) for g in gaps] == [
        (ids.network, ["Gammastad"])]
    appoint(world.network(), world.person("other_director"),
            db.session.get(Municipality, ids.gamma))
    assert page_of(world, "convener").network_gaps == []


def test_director_gaps(world, app_ctx):
    # Alfaby has a member in both networks; Betaholm lacks one in Klimat.
    assert page_of(world, "director").municipality_gaps == []
    assert page_of(world, "director").municipality_gap_count == 0
    other = page_of(world, "other_director")
    assert [n.slug for n in other.municipality_gaps] == ["klimat"]
    assert other.municipality_gap_count == 1
    assert other.municipality_names == ["Betaholm"]
    new_network("Avfallsnätverket", "avfall")
    assert [n.slug for n in page_of(world, "director").municipality_gaps] == ["avfall"]
    assert page_of(world, "other_director").municipality_gap_count == 2


def test_secretariat_triage(world, app_ctx):
    ids = world.ids
    late = make_response(ids.other_network, "Senare", status=ResponseStatus.TRIAGE,
                         deadline=today() + days(30))
    soon = make_response(ids.network, "Snart", status=ResponseStatus.TRIAGE,
                         deadline=today() + days(5))
    undated = make_response(ids.network, "Utan datum", status=ResponseStatus.TRIAGE)
    make_response(ids.network, "Utkast", deadline=today() + days(5))
    assert [r.id for r in page_of(world, "secretariat").triage] == [soon.id, late.id,
                                                                     undated.id]
    # The member sees Plan's as new referrals.
    assert [r.id for r in page_of(world, "member").new_referrals] == [soon.id, undated.id]


def test_secretariat_at_risk(world, app_ctx):
    ids = world.ids
    meeting(BodyKind.COMMITTEE, 3)
    meeting(BodyKind.MANAGEMENT_GROUP, 10)
    meeting(BodyKind.COMMITTEE, 20)
    # With the committee and its meeting on day 3 in time: the management group has none
    # before it, which does not matter once the response is with the committee.
    committee_ok = make_response(ids.network, "Hos kommittén i tid",
                                 status=ResponseStatus.COMMITTEE_REVIEW,
                                 deadline=today() + days(5))
    committee_late = make_response(ids.network, "Hos kommittén för sent",
                                   status=ResponseStatus.COMMITTEE_REVIEW,
                                   deadline=today() + days(2))
    draft_late = make_response(ids.network, "Utkast utan ledningsgrupp",
                               deadline=today() + days(5))
    make_response(ids.network, "Utkast i tid", deadline=today() + days(25))
    past = make_response(ids.network, "Passerat", status=ResponseStatus.MANAGEMENT_REVIEW,
                         deadline=today() - days(1))
    make_response(ids.network, "Antaget", status=ResponseStatus.ADOPTED,
                  deadline=today() + days(1))

    at_risk = {a.response.id: a.bodies for a in page_of(world, "secretariat").at_risk}
    assert committee_ok.id not in at_risk
    assert at_risk == {
        committee_late.id: ["Samarbetskommittén"],
        draft_late.id: ["Ledningsgruppen"],
        past.id: ["Ledningsgruppen", "Samarbetskommittén"],
    }


def test_failed_mail(world, app_ctx):
    assert failed_mail() == ([], 0)
    first = failed("Första brevet")
    failed("Väntar bara", error="")
    failed("Skickat till slut", sent=True)
    second = failed("Andra brevet")
    second.created_at = first.created_at + timedelta(seconds=1)
    db.session.flush()
    found, count = failed_mail()
    assert [m.subject for m in found] == ["Andra brevet", "Första brevet"]
    assert count == 2
    for n in range(5):
        failed(f"Brev {n}")
    found, count = failed_mail()
    assert len(found) == 5 and count == 7


# ---------------------------------------------------------------- 3. must not see


def _member_material(world):
    """In Plan: a reply to the member's comment, a change of the member's section, a new
    document and an action row due soon (none naming the member's municipality)."""
    ids = world.ids
    response = make_response(ids.network, "Plans remiss")
    section = make_section(response, ids.member, "Plans avsnitt")
    comment(section, ids.convener, "Plans svar", parent=comment(section, ids.member, "Fråga"))
    revise(section, ids.convener, now() - days(1))
    make_document(ids.network, ids.convener, "Plans dokument", at=now() - days(1))
    make_action(world.network(), "Plans åtgärd", due_date=today() + days(2))
    db.session.flush()


def _assert_member_sees(page, sees: bool):
    assert bool(page.replies) is sees
    assert bool(page.changed) is sees
    assert bool(page.new_documents) is sees
    assert bool(page.due_actions) is sees


def test_member_sees_own_network_material(world, app_ctx):
    _member_material(world)
    _assert_member_sees(page_of(world, "member", now() - days(2)), True)


def test_ended_appointment_hides_the_network(world, app_ctx):
    _member_material(world)
    end_member_appointment(world)
    page = page_of(world, "member", now() - days(2))
    assert page.replies == []
    assert page.changed == []
    assert page.new_documents is None  # no network left
    assert page.due_actions == []  # still of Alfaby, but nothing names it


def test_other_network_never_shown_to_member(world, app_ctx):
    ids = world.ids
    response = make_response(ids.other_network, "Klimatets remiss")
    section = make_section(response, ids.other_member, "Klimatets avsnitt")
    # Olle's material, and even the member's own traces in Klimat: not the member's network.
    comment(section, ids.other_member, "Svar",
            parent=comment(section, ids.member, "Maja frågar i Klimat"))
    written = make_section(response, ids.member, "Majas avsnitt i Klimat")
    revise(written, ids.other_member, now() - days(1))
    make_document(ids.other_network, ids.other_member, "Klimatets dokument",
                  at=now() - days(1), visibility=Visibility.EVERYONE)
    make_action(world.network("other_network"), "Klimatets åtgärd",
                due_date=today() + days(2))
    page = page_of(world, "member", now() - days(2))
    assert page.replies == []
    assert page.changed == []
    assert page.new_documents == []
    assert page.due_actions == []
    # Olle himself sees his network's reply target and row.
    other = page_of(world, "other_member", now() - days(2))
    assert [a.activity for a in other.due_actions] == ["Klimatets åtgärd"]


def test_network_only_document_shown_to_members_only(world, app_ctx):
    ids = world.ids
    make_document(ids.network, ids.convener, "Bara för nätverket", at=now() - days(1))
    assert titles(page_of(world, "member", now() - days(2)).new_documents) == {
        "Bara för nätverket"}
    for role in ("other_member", "director", "committee", "secretariat"):
        page = page_of(world, role, now() - days(2))
        assert "Bara för nätverket" not in titles(page.new_documents or []), role


def test_network_only_page_change_hidden_after_appointment_ends(world, app_ctx):
    ids = world.ids
    document = make_page(ids.network, ids.member, "Nätverkets sida")
    revise_page(document, ids.convener, now() - days(1))
    assert titles(page_of(world, "member", now() - days(2)).changed) == {"Nätverkets sida"}
    end_member_appointment(world)
    assert page_of(world, "member", now() - days(2)).changed == []


def test_archived_network_material_absent(world, app_ctx):
    _member_material(world)
    document = make_page(world.ids.network, world.ids.member, "Arkiverad sida")
    revise_page(document, world.ids.convener, now() - days(1))
    make_response(world.ids.network, "Arkiverad remiss", status=ResponseStatus.TRIAGE,
                  deadline=today() + days(3))
    archive(world)
    page = page_of(world, "member", now() - days(2))
    assert page.replies == []
    assert page.changed == []
    assert page.new_documents == []
    assert page.due_actions == []
    assert page.new_referrals == []
    secretariat = page_of(world, "secretariat")
    assert secretariat.triage == []
    assert secretariat.at_risk == []


def test_archived_network_absent_from_convener_blocks(world, app_ctx):
    ids = world.ids
    draft = make_response(ids.network, "Arkiverat utkast", deadline=today() + days(3))
    comment(make_section(draft, ids.member), ids.member, "Öppen")
    member_term = db.session.get(Appointment, ids.member_appointment)
    member_term.to_date = today() + days(3)
    db.session.flush()
    page = page_of(world, "convener")
    assert page.drafts and page.open_comments and page.network_terms and page.network_gaps
    archive(world)
    page = page_of(world, "convener")
    assert page.network_terms == []
    assert page.network_gaps == []
    assert (page.drafts, page.open_comments) == ([], [])


def test_other_directors_municipality_not_shown(world, app_ctx):
    ids = world.ids
    # Betaholm: the convener's term ends soon and Klimat lacks a member from Betaholm.
    convener_term = db.session.query(Appointment).filter_by(
        person_id=ids.convener).one()
    convener_term.to_date = today() + days(4)
    db.session.flush()
    director = page_of(world, "director")
    assert director.municipality_gaps == []
    assert director.municipality_terms == []
    assert director.municipality_names == ["Alfaby"]
    other = page_of(world, "other_director")
    assert [a.id for a in other.municipality_terms] == [convener_term.id]
    assert [n.slug for n in other.municipality_gaps] == ["klimat"]


# ---------------------------------------------------------------- 4. previous login


def test_since_defaults_to_fourteen_days(world, app_ctx):
    member = world.person("member")
    assert member.previous_login_at is None
    # From the start of the day 14 days back: the same all day (the page's cache key).
    since = since_of(member)
    assert since == datetime.combine(clock.today() - days(14), datetime.min.time())
    assert since_of(member) == since
    member.previous_login_at = now() - days(3)
    assert since_of(member) == member.previous_login_at


def test_login_moves_last_login_into_previous(app, world, client, monkeypatch):
    real = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real() - days(3))
    first = client.login(client_email(app, world))
    assert first.status_code == 303
    monkeypatch.setattr(clock, "utcnow", real)
    with app.app_context():
        member = world.person("member")
        assert member.previous_login_at is None
        first_login = member.last_login_at
        assert first_login < real() - days(2)
        ids = world.ids
        make_document(ids.network, ids.convener, "Från före förra inloggningen",
                      at=first_login - timedelta(hours=1))
        make_document(ids.network, ids.convener, "Efter förra inloggningen",
                      at=first_login + timedelta(hours=1))
        db.session.commit()

    from tests.conftest import Client

    second = Client(app)
    assert second.login(client_email(app, world)).status_code == 303
    with app.app_context():
        member = world.person("member")
        assert member.previous_login_at == first_login
        assert member.last_login_at > first_login + days(2)
        page = start_page(member)
        assert page.since == first_login
        assert titles(page.new_documents) == {"Efter förra inloggningen"}
    html = second.get("/").get_data(as_text=True)
    assert "Efter förra inloggningen" in html
    assert "Från före förra inloggningen" not in html


def client_email(app, world) -> str:
    with app.app_context():
        return world.person("member").email


# ---------------------------------------------------------------- 5. the rendered page

HEADINGS = {
    "member": (["Det här väntar på dig", "Remissvar", "Åtgärder att bli klara med",
                "Nytt sedan du senast loggade in", "Svar på dina kommentarer",
                "Ändrat i det du skrivit", "Nya dokument i dina nätverk", "Mina nätverk"],
               ["Dina nästa möten", "Utkast som snart ska vara klara",
                "Remisser som väntar på nätverkens beslut", "Nätverk där"]),
    "convener": (["Utkast som snart ska vara klara", "Öppna kommentarer",
                  "Mandat som löper ut i dina nätverk", "Kommuner utan ledamot",
                  "Nya dokument i dina nätverk"],
                 ["Dina nästa möten", "Svarsdatum i fara"]),
    "director": (["Nätverk där Alfaby saknar ledamot", "Mandat som löper ut i Alfaby",
                  "Dina nästa möten", "Åtgärder att bli klara med", "Svar på dina kommentarer"],
                 ["Nya dokument i dina nätverk", "Utkast som snart ska vara klara",
                  "Svarsdatum i fara"]),
    "committee": (["Dina nästa möten", "Åtgärder att bli klara med", "Mina nätverk"],
                  ["Nätverk där", "Remisser som väntar på nätverkens beslut",
                   "Öppna kommentarer"]),
    "secretariat": (["Remisser som väntar på nätverkens beslut", "Svarsdatum i fara",
                     "Dina nästa möten", "E-post som inte kunde skickas"],
                    ["Åtgärder att bli klara med", "Nya dokument i dina nätverk",
                     "Kommuner utan ledamot"]),
}

EMPTY = {
    "member": ["Ingen har svarat på dina kommentarer sedan du senast loggade in.",
               "Inga nya dokument i dina nätverk sedan du senast loggade in.",
               "Inga remissvar väntar på dig."],
    "convener": ["Inga olösta kommentarer i utkasten i de nätverk du är sammankallande för."],
    "director": ["Alfaby har en ledamot i alla nätverk.",
                 "Inga mandat för Alfaby löper ut de närmaste två veckorna."],
    "committee": ["Inga möten är inplanerade för dig.",
                  "Ingen annan har ändrat något du skrivit sedan du senast loggade in."],
    "secretariat": ["Alla remisser är fördelade: inget nätverk har en remiss kvar att "
                    "bestämma om.", "All e-post har kunnat skickas."],
}


@pytest.mark.parametrize("role", sorted(HEADINGS))
def test_start_page_per_role(login_as, role):
    response = login_as(role).get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown, hidden = HEADINGS[role]
    for text in shown:
        assert text in html, (role, text)
    for text in hidden:
        assert text not in html, (role, text)
    for text in EMPTY[role]:
        assert text in html, (role, text)


def test_rendered_items(app, world, login_as):
    with app.app_context():
        ids = world.ids
        make_document(ids.network, ids.convener, "Kalles nya underlag")
        make_action(world.network(), "Ta fram en trafikanalys", due_date=today() + days(2))
        meeting(BodyKind.COMMITTEE, 7)
        db.session.commit()
    member = login_as("member").get("/").get_data(as_text=True)
    assert "Kalles nya underlag" in member
    assert "Ta fram en trafikanalys" in member
    assert "Inga nya dokument i dina nätverk sedan du senast loggade in." not in member
    committee = login_as("committee").get("/").get_data(as_text=True)
    assert "Samarbetskommittén" in committee
    assert "Inga möten är inplanerade för dig." not in committee
    assert "Kalles nya underlag" not in committee


def test_failed_mail_shown_to_secretariat_only_and_not_cached(app, world, login_as):
    secretariat = login_as("secretariat")
    first = secretariat.get("/").get_data(as_text=True)
    assert "E-post som inte kunde skickas" in first
    assert "All e-post har kunnat skickas." in first
    with app.app_context():
        failed("Påminnelse om mandat")
        db.session.commit()
    second = secretariat.get("/").get_data(as_text=True)
    assert "Påminnelse om mandat" in second
    assert "Connection refused" in second
    assert "All e-post har kunnat skickas." not in second
    for role in ("member", "director", "committee"):
        html = login_as(role).get("/").get_data(as_text=True)
        assert "E-post som inte kunde skickas" not in html, role
        assert "Påminnelse om mandat" not in html, role


def test_start_page_needs_login(client, world):
    response = client.get("/")
    assert response.status_code in (302, 303)
    assert "/logga-in" in response.headers["Location"]
