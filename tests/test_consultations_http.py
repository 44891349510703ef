"""Consultation responses (remissvar) over HTTP and as services: creating from the template,
the triage choice, sections edited at the same time, conflicts that keep the text, comments,
snapshots and comparisons, the list's deadlines, and that nobody outside the network can see
or change anything of a response (IDOR: every id belongs to its response)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import StaleDataError

from intranet import clock
from intranet.audit.models import AuditEvent
from intranet.consultations import services as svc
from intranet.consultations.models import (
    ConsultationResponse,
    MunicipalCaseNumber,
    ResponseSection,
    ResponseSnapshot,
    ResponseStatus,
    SectionComment,
    SectionRevision,
    allowed_transitions,
)
from intranet.extensions import db
from tests.conftest import make_person
from tests.consultation_fixtures import (
    COMMENT_ID,
    FOREIGN_COMMENT_ID,
    FOREIGN_RESPONSE_ID,
    FOREIGN_SECTION_ID,
    FOREIGN_SNAPSHOT_ID,
    REPLY_ID,
    RESPONSE_ID,
    SECTION_IDS,
    SNAPSHOT_ID,
    build_consultations,
)

PLAN = "/natverk/plan/remissvar"
KLIMAT = "/natverk/klimat/remissvar"
R = f"{PLAN}/{RESPONSE_ID}"


@pytest.fixture
def resp(app, world):
    return build_consultations(app, world)


def state(app):
    """Everything a consultation request could change."""
    with app.app_context():
        rows = []
        for model in (ConsultationResponse, ResponseSection, SectionRevision, SectionComment,
                      ResponseSnapshot, MunicipalCaseNumber):
            rows.append(sorted(
                tuple(str(getattr(r, c.key)) for c in model.__table__.columns)
                for r in db.session.scalars(select(model))
            ))
        return rows


def new_form(**overrides):
    data = {"title": "Kollektivtrafikplan 2050", "referring_body": "Region Stockholm",
            "reference_number": "RS 2021-0123", "received_on": "2026-10-01",
            "deadline": "2026-12-15", "contact_person_id": "", "answer": "draft",
            "report_parts": "Kapitel 3 Stombussnät\nKapitel 5 Spårväg", "reason": ""}
    data.update(overrides)
    return data


def section_titles(app, response_id):
    with app.app_context():
        return list(db.session.scalars(
            select(ResponseSection.title).where(ResponseSection.response_id == response_id,
                                                ResponseSection.deleted_at.is_(None))
            .order_by(ResponseSection.position)))


# ---------------------------------------------------------------- creating and triage


def test_member_creates_a_joint_response_from_the_template(app, world, login_as):
    client = login_as("member")
    with app.app_context():
        alpha = world.ids.alpha
    response = client.post(f"{PLAN}/nytt", new_form(**{f"case_{alpha}": "KS 2026/112"}))
    assert response.status_code == 303
    with app.app_context():
        created = db.session.scalar(select(ConsultationResponse))
        assert created.status == ResponseStatus.DRAFT
        assert created.reference_number == "RS 2021-0123"
        assert [(c.municipality_id, c.case_number) for c in created.case_numbers] == [
            (alpha, "KS 2026/112")]
        response_id = created.id
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert section_titles(app, response_id) == [
        "Sammanfattning", "Synpunkter: Kapitel 3 Stombussnät", "Synpunkter: Kapitel 5 Spårväg",
        "Övrigt"]
    assert {"consultation_created", "consultation_status_changed"} <= actions
    page = client.get(f"{PLAN}/{response_id}").get_data(as_text=True)
    assert "Gemensamt svar, utkast" in page
    assert "KS 2026/112" in page


def test_a_report_part_named_as_an_automatic_section_adds_no_views_section():
    assert svc.template_titles(["Sammanfattning", " kapitel 3 ", "ÖVRIGT", "", "övrigt.",
                                "Synpunkter: Kapitel 3", "Synpunkter", "Kapitel 5"]) == [
        "Sammanfattning", "Synpunkter: kapitel 3", "Synpunkter: Kapitel 5", "Övrigt"]
    assert svc.template_titles(["sammanfattning"]) == ["Sammanfattning", "Synpunkter",
                                                       "Övrigt"]


def test_the_form_says_which_sections_the_template_always_has(app, world, login_as):
    client = login_as("member")
    form = client.get(f"{PLAN}/nytt").get_data(as_text=True)
    assert ("Svaret får alltid avsnitten Sammanfattning och Övrigt. Skriv ett avsnitt av "
            "rapporten per rad: varje rad blir ett eget avsnitt ”Synpunkter: raden”") in form
    response = client.post(f"{PLAN}/nytt", new_form(
        report_parts="Sammanfattning\nKapitel 3 Stombussnät\nÖvrigt"))
    assert response.status_code == 303
    with app.app_context():
        response_id = db.session.scalar(select(ConsultationResponse.id))
    assert section_titles(app, response_id) == [
        "Sammanfattning", "Synpunkter: Kapitel 3 Stombussnät", "Övrigt"]


def test_new_response_waits_for_triage_and_ignores_extra_fields(app, world, login_as):
    client = login_as("member")
    response = client.post(f"{PLAN}/nytt", new_form(answer="triage", status="adopted",
                                                    network_id=str(world.ids.other_network)))
    assert response.status_code == 303
    with app.app_context():
        created = db.session.scalar(select(ConsultationResponse))
        assert created.status == ResponseStatus.TRIAGE
        assert created.network_id == world.ids.network
        assert created.sections == []


def test_invalid_new_response_keeps_the_input(app, world, login_as):
    client = login_as("member")
    response = client.post(f"{PLAN}/nytt", new_form(title="Min remiss", referring_body="",
                                                    deadline="15 december"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Min remiss" in page
    assert "Skriv vem som har skickat remissen." in page
    assert "Skriv datumet som ÅÅÅÅ-MM-DD." in page
    with app.app_context():
        assert db.session.scalar(select(func.count(ConsultationResponse.id))) == 0


def test_deadline_before_received_is_refused(app, world, login_as):
    response = login_as("member").post(f"{PLAN}/nytt", new_form(deadline="2026-09-01"))
    assert response.status_code == 422
    assert "Svarsdatumet kan inte vara före" in response.get_data(as_text=True)


def test_no_answer_needs_a_reason(app, world, login_as):
    client = login_as("convener")
    assert client.post(f"{PLAN}/nytt", new_form(answer="triage")).status_code == 303
    with app.app_context():
        response_id = db.session.scalar(select(ConsultationResponse.id))
    url = f"{PLAN}/{response_id}/beslut"
    refused = client.post(url, {"answer": "not_answering", "reason": ""})
    assert refused.status_code == 422
    assert "Skriv varför kommunerna inte svarar" in refused.get_data(as_text=True)
    assert client.post(url, {"answer": "not_answering",
                             "reason": "Berör inte kommunerna."}).status_code == 303
    with app.app_context():
        response = db.session.get(ConsultationResponse, response_id)
        assert response.status == ResponseStatus.NOT_ANSWERING
        assert response.no_answer_reason == "Berör inte kommunerna."
    page = client.get(f"{PLAN}/{response_id}").get_data(as_text=True)
    assert "Berör inte kommunerna." in page


def test_transitions_of_part_one():
    assert allowed_transitions("triage") == {"draft", "individual", "not_answering"}
    assert "triage" not in allowed_transitions("draft")
    assert allowed_transitions("sent") == frozenset()


def test_a_refused_transition_changes_nothing(app, world, resp):
    with app.app_context():
        response = db.session.get(ConsultationResponse, RESPONSE_ID)
        person = world.person("member")
        with pytest.raises(svc.TransitionRefused):
            svc.decide(response, person, ResponseStatus.TRIAGE)
        db.session.rollback()
        assert db.session.get(ConsultationResponse, RESPONSE_ID).status == "draft"


# ---------------------------------------------------------------- sections


def edit_url(section_id):
    return f"{R}/avsnitt/{section_id}/redigera"


def test_two_people_edit_different_sections_and_both_saves_stand(app, resp, login_as):
    member, convener = login_as("member"), login_as("convener")
    assert member.get(edit_url(SECTION_IDS[0])).status_code == 200
    assert convener.get(edit_url(SECTION_IDS[1])).status_code == 200
    first = member.post(edit_url(SECTION_IDS[0]), {"title": "Sammanfattning",
                                                  "body": "Maja skriver.", "version": "1"})
    second = convener.post(edit_url(SECTION_IDS[1]), {"title": "Synpunkter",
                                                     "body": "Kalle skriver.", "version": "1"})
    assert (first.status_code, second.status_code) == (303, 303)
    with app.app_context():
        a = db.session.get(ResponseSection, SECTION_IDS[0])
        b = db.session.get(ResponseSection, SECTION_IDS[1])
        assert (a.body, b.body) == ("Maja skriver.", "Kalle skriver.")
        assert [r.number for r in a.revisions] == [2, 1]
        assert a.revisions[0].created_by.name == "Maja Medlem"
    page = member.get(R).get_data(as_text=True)
    assert "Senast ändrat av Kalle Sammankallande" in page


def test_second_save_of_the_same_section_gets_the_conflict_view_with_its_text(
        app, resp, login_as):
    member, convener = login_as("member"), login_as("convener")
    assert member.post(edit_url(SECTION_IDS[0]), {
        "title": "Sammanfattning", "body": "Kommunerna välkomnar planen varmt.",
        "version": "1"}).status_code == 303
    before = state(app)
    conflict = convener.post(edit_url(SECTION_IDS[0]), {
        "title": "Sammanfattning", "body": "Kommunerna är kritiska till planen.",
        "version": "1"})
    assert conflict.status_code == 409
    page = conflict.get_data(as_text=True)
    assert "Någon annan har sparat avsnittet medan du skrev" in page
    assert "Kommunerna är kritiska till planen." in page  # their text, kept in the box
    assert "Kommunerna välkomnar planen varmt." in page  # the saved text beside it
    assert 'name="version" type="hidden" value="2"' in page
    assert state(app) == before
    merged = convener.post(edit_url(SECTION_IDS[0]), {
        "title": "Sammanfattning", "body": "Sammanfogad text.", "version": "2"})
    assert merged.status_code == 303


def test_a_save_numbers_its_revision_and_leaves_the_loaded_section_as_written(app, world,
                                                                             resp):
    with app.app_context():
        section = db.session.get(ResponseSection, SECTION_IDS[0])
        assert [r.number for r in section.revisions] == [1]  # loaded before the save
        convener = world.person("convener")
        number = svc.save_section(section, convener, expected_version=1,
                                  title="  Sammanfattning ", body="Ny text.\r\n")
        assert number == 2
        assert (section.title, section.body, section.lock_version) == (
            "Sammanfattning", "Ny text.\n", 2)
        assert section.updated_by.name == convener.name
        assert [(r.number, r.body) for r in section.revisions] == [
            (2, "Ny text.\n"), (1, "Kommunerna välkomnar planen.")]
        assert section not in db.session.dirty
        assert svc.save_section(section, convener, expected_version=2, title="Sammanfattning",
                                body="Tredje.") == 3
        db.session.commit()
        assert db.session.scalar(select(func.count()).where(
            SectionRevision.section_id == SECTION_IDS[0])) == 3


def test_a_save_that_loses_the_race_to_another_writes_nothing(app, world, resp):
    with app.app_context():
        section = db.session.get(ResponseSection, SECTION_IDS[0])
        # Another worker commits between our check of the version and our write.
        with db.engine.begin() as other:
            other.execute(update(ResponseSection).where(ResponseSection.id == SECTION_IDS[0])
                          .values(lock_version=2, body="Deras text."))
        with pytest.raises(StaleDataError):
            svc.save_section(section, world.person("member"), expected_version=1,
                             title="Sammanfattning", body="Min text.")
        db.session.rollback()
        section = db.session.get(ResponseSection, SECTION_IDS[0])
        assert section.body == "Deras text."
        assert [r.number for r in section.revisions] == [1]


def test_the_page_of_a_lost_race_shows_the_conflict_with_the_text_kept(app, resp, login_as,
                                                                       monkeypatch):
    check, raced = svc.check_version, []

    def another_save_in_between(*args):
        check(*args)
        if raced:
            return
        raced.append(True)
        with db.engine.begin() as other:
            other.execute(update(ResponseSection).where(ResponseSection.id == SECTION_IDS[0])
                          .values(lock_version=2, body="Deras text."))

    monkeypatch.setattr(svc, "check_version", another_save_in_between)
    answer = login_as("member").post(edit_url(SECTION_IDS[0]), {
        "title": "Sammanfattning", "body": "Min text.", "version": "1"})
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "Min text." in page and "Deras text." in page
    with app.app_context():
        assert db.session.get(ResponseSection, SECTION_IDS[0]).body == "Deras text."


def test_a_url_s_response_and_section_come_in_one_statement_or_not_at_all(app, world, resp):
    with app.app_context():
        network, response, section = svc.by_url("plan", RESPONSE_ID, SECTION_IDS[0])
        assert (network.slug, response.id, section.id) == ("plan", RESPONSE_ID, SECTION_IDS[0])
        assert svc.by_url("plan", RESPONSE_ID)[1].id == RESPONSE_ID
        # Another network's response, another response's section, a removed section.
        assert svc.by_url("plan", FOREIGN_RESPONSE_ID)[0].slug == "plan"
        assert svc.by_url("plan", FOREIGN_RESPONSE_ID)[1] is None
        assert svc.by_url("klimat", RESPONSE_ID, SECTION_IDS[0])[1:] == (None, None)
        assert svc.by_url("plan", RESPONSE_ID, FOREIGN_SECTION_ID)[2] is None
        assert svc.by_url("plan", RESPONSE_ID, SECTION_IDS[2])[2] is None
        assert svc.by_url("plan", RESPONSE_ID, SECTION_IDS[2],
                          include_removed=True)[2].id == SECTION_IDS[2]
        assert svc.by_url("finns-inte", RESPONSE_ID, SECTION_IDS[0]) == (None, None, None)
        assert svc.by_url("finns-inte", RESPONSE_ID) == (None, None)


def test_a_section_removed_while_editing_keeps_the_text(app, resp, login_as):
    member = login_as("member")
    assert member.post(f"{R}/avsnitt/{SECTION_IDS[1]}/ta-bort").status_code == 303
    response = login_as("convener").post(edit_url(SECTION_IDS[1]), {
        "title": "Synpunkter", "body": "Min viktiga text.", "version": "1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Avsnittet har tagits bort medan du skrev." in page
    assert "Min viktiga text." in page


def test_moving_a_section_keeps_open_edits_valid(app, resp, login_as):
    member = login_as("member")
    moved = member.post(f"{R}/avsnitt/{SECTION_IDS[1]}/flytta", {"direction": "upp"},
                        htmx=True)
    assert moved.status_code == 200
    assert 'id="section-9402"' in moved.get_data(as_text=True)
    assert "flyttat till plats 1 av 2" in moved.get_data(as_text=True)
    assert "<html" not in moved.get_data(as_text=True)
    assert section_titles(app, RESPONSE_ID) == ["Synpunkter", "Sammanfattning"]
    with app.app_context():
        assert db.session.get(ResponseSection, SECTION_IDS[1]).lock_version == 1
    saved = member.post(edit_url(SECTION_IDS[1]), {"title": "Synpunkter", "body": "Ny.",
                                                   "version": "1"})
    assert saved.status_code == 303
    plain = member.post(f"{R}/avsnitt/{SECTION_IDS[1]}/flytta", {"direction": "ner"})
    assert plain.status_code == 303
    assert section_titles(app, RESPONSE_ID) == ["Sammanfattning", "Synpunkter"]


def test_who_wrote_what_makes_as_many_queries_however_many_sections_and_writers(
        app, resp, login_as):
    member = login_as("member")
    member.get(f"{R}/historik")  # once first: what is set up per process is not counted

    def add(salt: str, n: int) -> None:
        with app.app_context():
            for i in range(n):
                writer = make_person(f"Skribent {salt}{i}",
                                     email=f"skribent.{salt}{i}@test.example")
                section = ResponseSection(response_id=RESPONSE_ID, position=50 + i,
                                          title=f"Avsnitt {salt}{i}", body="Text")
                db.session.add(section)
                db.session.flush()
                for number in (1, 2):
                    db.session.add(SectionRevision(section_id=section.id, number=number,
                                                   title=section.title, body=f"Text {number}",
                                                   created_by_id=writer.id))
            db.session.commit()

    add("a", 1)
    before, _ = member.counted_get(f"{R}/historik")
    add("b", 4)
    after, body = member.counted_get(f"{R}/historik")
    assert after == before <= 8
    assert "Skribent b3" in body and "Avsnitt b3" in body


def test_add_rename_and_remove_sections(app, resp, login_as):
    member = login_as("member")
    assert member.post(f"{R}/avsnitt", {"title": ""}).status_code == 422
    assert member.post(f"{R}/avsnitt", {"title": "Bilaga"}).status_code == 303
    renamed = member.post(edit_url(SECTION_IDS[1]), {"title": "Synpunkter på kapitel 4",
                                                     "body": "Text", "version": "1"})
    assert renamed.status_code == 303
    assert member.post(f"{R}/avsnitt/{SECTION_IDS[0]}/ta-bort").status_code == 303
    assert section_titles(app, RESPONSE_ID) == ["Synpunkter på kapitel 4", "Bilaga"]
    history = member.get(f"{R}/historik").get_data(as_text=True)
    assert "Sammanfattning" in history and "Borttaget" in history
    assert "Återställ avsnittet" in history
    restored = member.post(f"{R}/avsnitt/{SECTION_IDS[0]}/aterstall")
    assert restored.status_code == 303
    assert section_titles(app, RESPONSE_ID) == ["Synpunkter på kapitel 4", "Bilaga",
                                                "Sammanfattning"]
    with app.app_context():
        assert db.session.get(ResponseSection, SECTION_IDS[0]).body == (
            "Kommunerna välkomnar planen.")
    # A section that is not removed cannot be restored.
    assert member.post(f"{R}/avsnitt/{SECTION_IDS[0]}/aterstall").status_code == 404


def test_section_markdown_cannot_carry_script(app, resp, login_as):
    member = login_as("member")
    member.post(edit_url(SECTION_IDS[0]), {
        "title": "Sammanfattning", "version": "1",
        "body": '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>'})
    page = member.get(R).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "href=\"javascript" not in page
    assert "<img" not in page


def test_the_committee_reads_and_comments_but_cannot_change_text(app, resp, login_as):
    committee = login_as("committee")
    assert committee.get(R).status_code == 200
    before = state(app)
    assert committee.post(edit_url(SECTION_IDS[0]), {"title": "X", "body": "Y",
                                                     "version": "1"}).status_code == 403
    assert committee.post(f"{R}/avsnitt", {"title": "Nytt"}).status_code == 403
    assert committee.post(f"{R}/versioner", {"name": "V"}).status_code == 403
    assert state(app) == before
    assert committee.post(f"{R}/avsnitt/{SECTION_IDS[0]}/kommentarer",
                          {"body": "Kommitténs fråga."}).status_code == 303
    page = committee.get(R).get_data(as_text=True)
    assert "Kommitténs fråga." in page
    assert "Redigera" not in page


def test_a_long_session_keeps_the_section_text_on_csrf_failure(app, resp, login_as):
    member = login_as("member")
    response = member.post(edit_url(SECTION_IDS[0]), {
        "title": "Sammanfattning", "body": "Text skriven i en timme.", "version": "1",
        "csrf_token": "expired"})
    assert response.status_code == 400
    assert "Text skriven i en timme." in response.get_data(as_text=True)


# ---------------------------------------------------------------- comments


def test_comments_are_added_answered_resolved_and_counted(app, resp, login_as):
    member, director = login_as("member"), login_as("director")
    url = f"{R}/avsnitt/{SECTION_IDS[1]}/kommentarer"
    assert member.post(url, {"body": ""}).status_code == 422
    assert member.post(url, {"body": "Ska vi nämna Spårväg syd?"}).status_code == 303
    with app.app_context():
        thread_id = db.session.scalar(select(SectionComment.id).where(
            SectionComment.body == "Ska vi nämna Spårväg syd?"))
    assert svc_open(app) == 2
    assert director.post(url, {"body": "Ja, gärna.", "parent_id": str(thread_id)}
                         ).status_code == 303
    assert director.post(f"{R}/kommentarer/{thread_id}/status", {"resolved": "1"}
                         ).status_code == 303
    assert svc_open(app) == 1
    with app.app_context():
        thread = db.session.get(SectionComment, thread_id)
        assert thread.resolved_by.name == "Dora Direktör"
        assert [r.body for r in thread.replies] == ["Ja, gärna."]
    listing = member.get(f"{PLAN}/").get_data(as_text=True)
    assert '<td class="num">1</td>' in listing
    assert member.post(f"{R}/kommentarer/{thread_id}/status", {"resolved": "0"}
                       ).status_code == 303
    assert svc_open(app) == 2


def svc_open(app):
    with app.app_context():
        return svc.open_comment_counts([RESPONSE_ID]).get(RESPONSE_ID, 0)


def test_a_reply_to_a_reply_joins_the_thread(app, resp, login_as):
    member = login_as("member")
    assert member.post(f"{R}/avsnitt/{SECTION_IDS[0]}/kommentarer",
                       {"body": "Tredje", "parent_id": str(REPLY_ID)}).status_code == 303
    with app.app_context():
        third = db.session.scalar(select(SectionComment).where(SectionComment.body == "Tredje"))
        assert third.parent_id == COMMENT_ID


# ---------------------------------------------------------------- snapshots and comparison


def test_named_version_compared_with_the_current_text(app, resp, login_as):
    member = login_as("member")
    assert member.post(f"{R}/versioner", {"name": ""}).status_code == 422
    assert member.post(f"{R}/versioner", {"name": "Till nätverksmötet"}).status_code == 303
    with app.app_context():
        snapshot_id = db.session.scalar(select(ResponseSnapshot.id).where(
            ResponseSnapshot.name == "Till nätverksmötet"))
    member.post(edit_url(SECTION_IDS[0]), {"title": "Sammanfattning", "version": "1",
                                          "body": "Kommunerna välkomnar planen i stort."})
    member.post(f"{R}/avsnitt/{SECTION_IDS[1]}/ta-bort")
    member.post(f"{R}/avsnitt", {"title": "Övrigt"})
    page = member.get(f"{R}/jamfor?fran={snapshot_id}&till=nu").get_data(as_text=True)
    assert "i stort." in page and "<ins>" in page
    assert "Borttaget avsnitt" in page and "Nytt avsnitt" in page
    listing = member.get(f"{R}/versioner").get_data(as_text=True)
    assert "Till nätverksmötet" in listing and "Första utkastet" in listing


def test_compare_sections_matches_by_id():
    old = [{"id": 1, "title": "A", "body": "ett"}, {"id": 2, "title": "B", "body": "två"},
           {"id": 3, "title": "C", "body": "tre"}]
    new = [{"id": 3, "title": "C", "body": "tre"}, {"id": 1, "title": "A2", "body": "ett!"},
           {"id": 4, "title": "D", "body": "fyra"}]
    kinds = [(c.kind, c.new_title or c.old_title) for c in svc.compare_sections(old, new)]
    assert kinds == [("same", "C"), ("changed", "A2"), ("removed", "B"), ("added", "D")]


def test_two_snapshots_are_compared(app, resp, login_as):
    member = login_as("member")
    member.post(f"{R}/versioner", {"name": "Andra"})
    with app.app_context():
        second = db.session.scalar(select(ResponseSnapshot.id).where(
            ResponseSnapshot.name == "Andra"))
    response = member.get(f"{R}/jamfor?fran={SNAPSHOT_ID}&till={second}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nytt avsnitt" in page  # Synpunkter was not in the first snapshot


# ---------------------------------------------------------------- the list


def test_list_shows_days_left_and_marks_overdue(app, world, resp, login_as, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 10))
    page = login_as("member").get(f"{PLAN}/").get_data(as_text=True)
    assert "5 dagar kvar" in page
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 17))
    page = login_as("member").get(f"{PLAN}/").get_data(as_text=True)
    assert "⚠" in page and "försenat 2 dagar" in page
    assert "Kollektivtrafikplan 2050" in page
    assert "Klimatfärdplan" not in page


def test_list_is_grouped_and_filtered_by_status(app, world, resp, login_as):
    with app.app_context():
        db.session.add(ConsultationResponse(
            network_id=world.ids.network, title="Regional cykelplan", referring_body="Region",
            deadline=clock.today() + timedelta(days=30), status=ResponseStatus.TRIAGE))
        db.session.commit()
    member = login_as("member")
    page = member.get(f"{PLAN}/").get_data(as_text=True)
    assert page.index("Regional cykelplan") < page.index("Kollektivtrafikplan 2050")
    filtered = member.get(f"{PLAN}/?status=draft").get_data(as_text=True)
    assert "Regional cykelplan" not in filtered and "Kollektivtrafikplan 2050" in filtered


def test_people_outside_see_no_responses_in_the_list(app, resp, login_as):
    page = login_as("other_member").get(f"{PLAN}/").get_data(as_text=True)
    assert "Kollektivtrafikplan 2050" not in page
    assert "visas för nätverkets ledamöter" in page


# ---------------------------------------------------------------- IDOR


@pytest.mark.parametrize(("method", "url", "data"), [
    ("get", f"{PLAN}/{FOREIGN_RESPONSE_ID}", None),
    ("get", f"{PLAN}/{FOREIGN_RESPONSE_ID}/historik", None),
    ("get", f"{PLAN}/{FOREIGN_RESPONSE_ID}/versioner", None),
    ("post", f"{PLAN}/{FOREIGN_RESPONSE_ID}/uppgifter", {"title": "X"}),
    ("post", f"{PLAN}/{FOREIGN_RESPONSE_ID}/avsnitt", {"title": "X"}),
    ("get", f"{R}/avsnitt/{FOREIGN_SECTION_ID}/redigera", None),
    ("post", f"{R}/avsnitt/{FOREIGN_SECTION_ID}/redigera",
     {"title": "X", "body": "Y", "version": "1"}),
    ("post", f"{R}/avsnitt/{FOREIGN_SECTION_ID}/flytta", {"direction": "upp"}),
    ("post", f"{R}/avsnitt/{FOREIGN_SECTION_ID}/ta-bort", {}),
    ("post", f"{R}/avsnitt/{FOREIGN_SECTION_ID}/aterstall", {}),
    ("post", f"{R}/avsnitt/{FOREIGN_SECTION_ID}/kommentarer", {"body": "X"}),
    ("post", f"{R}/avsnitt/{SECTION_IDS[0]}/kommentarer",
     {"body": "X", "parent_id": str(FOREIGN_COMMENT_ID)}),
    ("post", f"{R}/kommentarer/{FOREIGN_COMMENT_ID}/status", {"resolved": "1"}),
    ("get", f"{R}/jamfor?fran={FOREIGN_SNAPSHOT_ID}", None),
    ("get", f"{R}/jamfor?till={FOREIGN_SNAPSHOT_ID}", None),
    ("get", f"{KLIMAT}/{RESPONSE_ID}", None),
    # A removed section is no longer moved or commented on.
    ("post", f"{R}/avsnitt/{SECTION_IDS[2]}/flytta", {"direction": "upp"}),
    ("post", f"{R}/avsnitt/{SECTION_IDS[2]}/kommentarer", {"body": "X"}),
])
def test_ids_of_other_responses_are_not_found(app, resp, login_as, method, url, data):
    client = login_as("member")
    before = state(app)
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == 404
    assert state(app) == before


@pytest.mark.parametrize("url", [R, f"{R}/historik", f"{R}/versioner", f"{R}/jamfor",
                                 edit_url(SECTION_IDS[0])])
def test_a_member_of_another_network_cannot_see_the_response(app, resp, login_as, url):
    response = login_as("other_member").get(url)
    assert response.status_code == 404
    assert "Kollektivtrafikplan" not in response.get_data(as_text=True)


def test_a_member_of_another_network_cannot_comment(app, resp, login_as):
    before = state(app)
    client = login_as("other_member")
    assert client.post(f"{R}/avsnitt/{SECTION_IDS[0]}/kommentarer",
                       {"body": "Hej"}).status_code == 404
    assert client.post(f"{R}/kommentarer/{COMMENT_ID}/status",
                       {"resolved": "1"}).status_code == 404
    assert state(app) == before


# ---------------------------------------------------------------- Mina uppgifter


def test_my_data_lists_sections_and_comments_written(app, resp, login_as):
    member = login_as("member")
    member.post(edit_url(SECTION_IDS[0]), {"title": "Sammanfattning", "version": "1",
                                          "body": "Majas text."})
    data = member.get("/profil/mina-uppgifter.json").get_json()
    sections = data["consultation_sections_written"]
    assert any(row["text"] == "Majas text." for row in sections)
    assert [c["text"] for c in data["consultation_comments_written"]] == ["Jag kortar den."]


# ---------------------------------------------------------------- demo data


def test_demo_responses_are_seeded_once(app):
    from intranet.demo.seed import seed_demo

    def counts():
        return [db.session.scalar(select(func.count()).select_from(m))
                for m in (ConsultationResponse, ResponseSection, SectionRevision,
                          SectionComment, ResponseSnapshot)]

    with app.app_context():
        seed_demo(app.config["DEMO_DATA_DIR"] / "organisation.json")
        first = counts()
        seed_demo(app.config["DEMO_DATA_DIR"] / "organisation.json")
        assert counts() == first
        sup = db.session.scalar(select(ConsultationResponse).where(
            ConsultationResponse.title == "Kollektivtrafikplan 2050"))
        assert sup.status == ResponseStatus.DRAFT
        assert sup.reference_number == "RS 2021-0123"
        assert [s.title for s in sup.live_sections][0] == "Sammanfattning"
        assert all(s.body for s in sup.live_sections)
        assert len(sup.snapshots) == 1
        triage = db.session.scalar(select(ConsultationResponse).where(
            ConsultationResponse.status == ResponseStatus.TRIAGE))
        assert triage.network.short_name == "Klimat"


def test_the_secretariat_creates_a_response_without_being_the_contact(app, world, login_as):
    client = login_as("secretariat")
    form = client.get(f"{PLAN}/nytt").get_data(as_text=True)
    assert 'selected value=""' in form or 'value="" selected' in form
    response = client.post(f"{PLAN}/nytt", new_form(answer="individual"))
    assert response.status_code == 303
    with app.app_context():
        created = db.session.scalar(select(ConsultationResponse))
        assert created.status == ResponseStatus.INDIVIDUAL
        assert created.sections == []
        assert created.contact_person_id is None


def test_contact_person_must_be_a_member_of_the_network(app, world, login_as):
    response = login_as("member").post(
        f"{PLAN}/nytt", new_form(contact_person_id=str(world.ids.other_member)))
    assert response.status_code == 422
    assert "Välj en kontaktperson bland nätverkets ledamöter." in response.get_data(as_text=True)


def test_details_are_edited_with_a_stale_check(app, world, resp, login_as):
    client = login_as("convener")
    page = client.get(f"{R}/uppgifter").get_data(as_text=True)
    assert "RS 2021-0123" in page
    data = new_form(reference_number="RS 2021-0999", version="1",
                    referral_links="Remissen https://example.org/remiss")
    data.pop("answer")
    assert client.post(f"{R}/uppgifter", data).status_code == 303
    stale = client.post(f"{R}/uppgifter", {**data, "reference_number": "X"})
    assert stale.status_code == 422
    assert "Någon annan har ändrat uppgifterna" in stale.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ConsultationResponse, RESPONSE_ID).reference_number == (
            "RS 2021-0999")
    shown = client.get(R).get_data(as_text=True)
    assert 'href="https://example.org/remiss"' in shown


def test_parse_links():
    assert svc.parse_links("Remiss https://a.se/x\n\nbara text\nhttp://b.se") == [
        ("Remiss", "https://a.se/x"), ("http://b.se", "http://b.se")]
