"""The index is current right after every commit: each change made through the services the
app uses (documents, consultation responses, action rows and their imports, networks, people,
meetings) is found, or no longer found, by the next search. And `flask reindex` makes the
same index again from what is saved."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, select

from intranet import clock
from intranet.actions import imports
from intranet.actions import services as actions
from intranet.admin import services as admin
from intranet.consultations import services as consultations
from intranet.consultations.models import ResponseStatus
from intranet.demo.seed import seed_demo
from intranet.documents import services as documents
from intranet.documents.models import PageRevision, Visibility
from intranet.documents.storage import get_storage
from intranet.extensions import db
from intranet.meetings import services as meetings
from intranet.org.models import Body, Municipality, Network, SubGoal
from intranet.search.models import SearchEntry
from intranet.search.services import search
from intranet.search.terms import stem
from tests.test_plan_import import ORGANISATION


@pytest.fixture
def ctx(app, world, app_ctx):
    """The test world and an app context for the services."""
    return world


def found(person, query: str) -> set[tuple[str, str]]:
    """(kind, title) of everything the person finds."""
    results = search(person, query, per_page=500)
    assert results.message is None, results.message
    return {(h.kind, h.title) for h in results.hits}


def titles(person, query: str) -> set[str]:
    return {title for _kind, title in found(person, query)}


def commit():
    db.session.commit()


# ---------------------------------------------------------------- documents


def test_an_uploaded_file_is_found_by_its_title_text_description_and_tags(ctx):
    member, plan = ctx.person("member"), ctx.network()
    assert titles(member, "brofästen") == set()
    documents.upload_file(plan, member, io.BytesIO("Utredning om brofästen\n".encode()),
                          "bro.txt", storage=get_storage(), title="Broutredning",
                          description="Underlag om broarna", tags=["konstbyggnader"])
    commit()
    for query in ("brofästen", "broutredning", "broarna", "konstbyggnader", "bro.txt"):
        assert titles(member, query) == {"Broutredning"}, query


def test_a_new_file_version_replaces_the_text_and_restoring_brings_it_back(ctx):
    member, plan, storage = ctx.person("member"), ctx.network(), get_storage()
    document = documents.upload_file(plan, member, io.BytesIO(b"Om brofasten\n"), "bro.txt",
                                     storage=storage, title="Broutredning")
    commit()
    first = document.versions[0]
    documents.add_version(document, member, io.BytesIO(b"Om tunnelmynningar\n"),
                          "tunnel.txt", storage=storage)
    commit()
    assert titles(member, "tunnelmynningar") == {"Broutredning"}
    assert titles(member, "brofasten") == set()  # only the current version's text
    documents.restore_version(document, first, member, expected_version=document.lock_version,
                              storage=storage)
    commit()
    assert titles(member, "brofasten") == {"Broutredning"}
    assert titles(member, "tunnelmynningar") == set()


def test_edited_details_and_visibility_are_found_at_once(ctx):
    member, outsider, plan = ctx.person("member"), ctx.person("other_member"), ctx.network()
    document = documents.upload_file(plan, member, io.BytesIO(b"Text\n"), "a.txt",
                                     storage=get_storage(), title="Gammal rubrik")
    commit()
    assert titles(outsider, "rubrik") == set()
    documents.update_details(document, member, expected_version=document.lock_version,
                             title="Färsk rubrik", description="Ny beskrivning",
                             tags=["nyckelord"], visibility=Visibility.EVERYONE)
    commit()
    assert titles(outsider, "färsk rubrik") == {"Färsk rubrik"}
    assert titles(outsider, "nyckelord beskrivning") == {"Färsk rubrik"}
    assert titles(member, "gammal") == set()


def test_a_page_saved_with_a_new_text_is_found_by_it_and_no_longer_by_the_old(ctx):
    member, convener, plan = ctx.person("member"), ctx.person("convener"), ctx.network()
    page = documents.create_page(plan, member, title="Minnesanteckningar",
                                 body="Vi talade om busskörfält.")
    commit()
    assert titles(member, "busskörfälten") == {"Minnesanteckningar"}
    documents.save_page(page, convener, expected_version=page.lock_version,
                        title="Anteckningar från mötet", body="Vi talade om cykelbanor.")
    commit()
    assert titles(member, "cykelbanor") == {"Anteckningar från mötet"}
    assert titles(member, "busskörfält") == set()
    assert titles(member, "minnesanteckningar") == set()
    first = db.session.scalar(select(PageRevision).where(
        PageRevision.document_id == page.id, PageRevision.number == 1))
    documents.restore_revision(page, first, member, expected_version=page.lock_version)
    commit()
    assert titles(member, "busskörfält") == {"Minnesanteckningar"}
    assert titles(member, "cykelbanor") == set()


def test_a_page_shared_with_everyone_without_a_new_text_is_found_by_others(ctx):
    member, outsider, plan = ctx.person("member"), ctx.person("other_member"), ctx.network()
    page = documents.create_page(plan, member, title="Delbar sida", body="Om pendlarparkering")
    commit()
    assert titles(outsider, "pendlarparkering") == set()
    assert documents.save_page(page, member, expected_version=page.lock_version,
                               title="Delbar sida", body="Om pendlarparkering",
                               tags=["parkering"], visibility=Visibility.EVERYONE) is None
    commit()
    assert titles(outsider, "pendlarparkering") == {"Delbar sida"}
    assert titles(outsider, "parkering") == {"Delbar sida"}


def test_the_trash_takes_a_document_out_at_once_and_restoring_brings_it_back(ctx):
    member, staff, plan = ctx.person("member"), ctx.person("secretariat"), ctx.network()
    page = documents.create_page(plan, member, title="Tillfällig", body="Om vägräcken")
    commit()
    assert titles(member, "vägräcken") == {"Tillfällig"}
    documents.trash(page, member)
    commit()
    assert titles(member, "vägräcken") == titles(staff, "vägräcken") == set()
    documents.restore(page, member)
    commit()
    assert titles(member, "vägräcken") == titles(staff, "vägräcken") == {"Tillfällig"}


# ---------------------------------------------------------------- networks


def test_an_archived_networks_material_is_gone_for_all_but_the_secretariat(ctx):
    member, staff, plan = ctx.person("member"), ctx.person("secretariat"), ctx.network()
    documents.create_page(plan, member, title="Sida om vägtrafik", body="vägtrafik",
                          visibility=Visibility.EVERYONE)
    consultations.create_response(plan, member, consultations.Details(
        title="Remiss om vägtrafik", referring_body="Trafikverket"))
    actions.create_item(plan, member, {"sub_goal_id": db.session.scalar(select(SubGoal.id)),
                                       "activity": "Bevaka vägtrafik"})
    plan.description = "Nätverket för vägtrafik"
    commit()
    everything = {("document", "Sida om vägtrafik"), ("response", "Remiss om vägtrafik"),
                  ("action", "Bevaka vägtrafik"), ("network", "Planeringsnätverket")}
    for role in ("member", "other_member", "director", "committee"):
        assert found(ctx.person(role), "vägtrafik") >= everything - {
            ("response", "Remiss om vägtrafik")}, role
    admin.archive_network(plan, actor=staff)
    commit()
    for role in ("member", "convener", "other_member", "director", "committee"):
        assert found(ctx.person(role), "vägtrafik") == set(), role
    assert found(staff, "vägtrafik") == everything
    admin.restore_network(db.session.get(Network, plan.id), actor=staff)
    commit()
    assert found(member, "vägtrafik") == everything


def test_a_networks_new_description_is_found(ctx):
    from intranet.networks.services import update_network

    plan, staff = ctx.network(), ctx.person("secretariat")
    update_network(plan, actor=staff, name="Planeringsnätverket", short_name="PLAN",
                   description="Översiktsplanerare",
                   focus_areas=list(plan.focus_areas))
    commit()
    assert titles(ctx.person("other_member"), "översiktsplanerare") == {"Planeringsnätverket"}
    # The old description ("Planeringschefer") is gone; people of that title are still found.
    assert ("network", "Planeringsnätverket") not in found(ctx.person("other_member"),
                                                           "planeringschefer")


# ---------------------------------------------------------------- consultation responses


@pytest.fixture
def draft(ctx):
    """A joint draft in "plan" from the template, with a case number of Alfaby's."""
    member = ctx.person("member")
    response = consultations.create_response(
        ctx.network(), member,
        consultations.Details(title="Remiss om gångtunnlar", referring_body="Trafikverket",
                              reference_number="TRV 2026/999",
                              case_numbers={ctx.ids.alpha: "KS 2026/77"}),
        answer=ResponseStatus.DRAFT)
    commit()
    return response


def test_a_new_response_is_found_by_title_body_and_numbers(ctx, draft):
    member = ctx.person("member")
    for query in ("gångtunnlar", "trafikverket", "TRV 2026/999", "KS 2026/77"):
        assert found(member, query) == {("response", "Remiss om gångtunnlar")}, query


def test_a_saved_section_is_found_by_its_new_text_only(ctx, draft):
    member, convener = ctx.person("member"), ctx.person("convener")
    section = draft.live_sections[0]
    consultations.save_section(section, member, expected_version=section.lock_version,
                               title=section.title, body="Belysningen i tunnlarna brister.")
    commit()
    assert titles(member, "belysningen") == {"Remiss om gångtunnlar"}
    consultations.save_section(section, convener, expected_version=section.lock_version,
                               title="Trygghet", body="Tunnlarna behöver kameror.")
    commit()
    assert titles(member, "kameror trygghet") == {"Remiss om gångtunnlar"}
    assert titles(member, "belysningen") == set()


def test_a_removed_section_is_not_found_until_it_is_restored(ctx, draft):
    member = ctx.person("member")
    section = draft.live_sections[-1]
    consultations.save_section(section, member, expected_version=section.lock_version,
                               title=section.title, body="Om klotter på väggarna.")
    commit()
    assert titles(member, "klotter") == {"Remiss om gångtunnlar"}
    consultations.remove_section(section, member)
    commit()
    assert titles(member, "klotter") == set()
    consultations.restore_section(section, member)
    commit()
    assert titles(member, "klotter") == {"Remiss om gångtunnlar"}


def test_a_comment_is_found_at_once(ctx, draft):
    member, director = ctx.person("member"), ctx.person("director")
    consultations.add_comment(draft.live_sections[0], member, "Glöm inte snöröjningen.")
    commit()
    assert titles(director, "snöröjning") == {"Remiss om gångtunnlar"}


def test_edited_details_and_case_numbers_are_found_at_once(ctx, draft):
    member = ctx.person("member")
    consultations.update_response(
        draft, member,
        consultations.Details(title="Remiss om gång- och cykeltunnlar",
                              referring_body="Region Stockholm",
                              reference_number="RS 2026-0042",
                              case_numbers={ctx.ids.alpha: "KS 2026/88"}),
        expected_version=draft.lock_version)
    commit()
    new = {("response", "Remiss om gång- och cykeltunnlar")}
    assert found(member, "RS 2026-0042") == found(member, "KS 2026/88") == new
    assert found(member, "cykeltunnlar region") == new
    for old in ("TRV 2026/999", "KS 2026/77", "trafikverket"):
        assert found(member, old) == set(), old


def test_a_response_moved_to_another_network_is_found_by_the_new_ones_members(app, ctx):
    member, outsider = ctx.person("member"), ctx.person("other_member")
    response = consultations.create_response(
        ctx.network(), ctx.person("secretariat"),
        consultations.Details(title="Felregistrerad remiss om dagvatten",
                              referring_body="Länsstyrelsen"))
    commit()
    assert titles(member, "dagvatten") and not titles(outsider, "dagvatten")
    with app.test_request_context():
        consultations.move_response(response, ctx.person("secretariat"),
                                    ctx.network("other_network"))
        commit()
    assert titles(outsider, "dagvatten") == {"Felregistrerad remiss om dagvatten"}
    assert titles(member, "dagvatten") == set()
    assert titles(ctx.person("director"), "dagvatten")  # who reads every response


# ---------------------------------------------------------------- action rows


@pytest.fixture
def row(ctx):
    item = actions.create_item(ctx.network(), ctx.person("member"), {
        "sub_goal_id": db.session.scalar(select(SubGoal.id)),
        "activity": "Bygga cykelgarage", "responsible": "Alfaby",
        "comment": "Vid stationen"})
    commit()
    return item


def test_a_new_action_row_is_found_by_its_texts(ctx, row):
    other = ctx.person("other_member")
    for query in ("cykelgaragen", "stationen", "alfaby", "framkomlighet", "infrastruktur"):
        assert found(other, query) >= {("action", "Bygga cykelgarage")}, query


def test_an_edited_cell_is_found_at_once_and_the_old_text_is_not(ctx, row):
    member = ctx.person("member")
    # One column: the versioned UPDATE, written without the unit of work.
    assert actions.update_item(row, member, row.version,
                               {"comment": "Vid bytespunkten"}) == ["comment"]
    commit()
    assert titles(member, "bytespunkten") == {"Bygga cykelgarage"}
    assert titles(member, "stationen") == set()
    # The row with its links: through the unit of work.
    actions.update_item(row, member, row.version,
                        {"activity": "Bygga cykelgarage och laddplatser",
                         "network_ids": [ctx.ids.network, ctx.ids.other_network]})
    commit()
    assert titles(member, "laddplatserna") == {"Bygga cykelgarage och laddplatser"}


def test_a_deleted_row_is_gone_at_once_and_restored_it_is_back(ctx, row):
    member = ctx.person("member")
    actions.delete_item(row, member)
    commit()
    assert titles(member, "cykelgarage") == set()
    actions.restore_item(row, member)
    commit()
    assert titles(member, "cykelgarage") == {"Bygga cykelgarage"}


PLAN_CSV = (
    "fokusomrade,delmal,aktivitet,ansvarig,kostnad,tid,kommentar\n"
    "Infrastruktur,God framkomlighet,Inventera busshållplatser,Alfaby,,Löpande,Importerad\n"
    "Infrastruktur,God framkomlighet,Kartlägga pendlarstråk,Betaholm,,Våren,Importerad\n"
).encode()


def test_an_import_is_found_gone_when_undone_and_back_when_the_undo_is_taken_back(ctx):
    member, plan = ctx.person("member"), ctx.network()
    parsed = imports.parse_upload("plan.csv", PLAN_CSV)
    assert parsed.ok, parsed.errors
    pending = imports.start_import(plan, member, parsed)
    commit()
    assert titles(member, "importerad") == set()  # waiting for the confirmation
    batch = imports.confirm_import(pending, member)
    commit()
    imported = {"Inventera busshållplatser", "Kartlägga pendlarstråk"}
    assert titles(member, "importerad") == imported
    imports.undo_import(batch, member)
    commit()
    assert titles(member, "importerad") == set()
    imports.restore_batch(batch, member)
    commit()
    assert titles(member, "importerad") == imported


# ---------------------------------------------------------------- people and meetings


def test_a_renamed_deactivated_and_reactivated_person(ctx):
    staff, member = ctx.person("secretariat"), ctx.person("member")
    person = ctx.person("convener")
    admin.update_person(person, actor=staff, name="Karl Sammankallande", email=person.email,
                        title="Översiktsplanerare", phone="",
                        municipality=db.session.get(Municipality, ctx.ids.gamma))
    commit()
    assert found(member, "karl gammastad") == {("person", "Karl Sammankallande")}
    assert found(member, "översiktsplanerare") == {("person", "Karl Sammankallande")}
    assert found(member, "kalle") == set()
    admin.deactivate_person(person, actor=staff)
    commit()
    assert found(member, "karl") == set()
    admin.reactivate_person(person, actor=staff)
    commit()
    assert found(member, "karl") == {("person", "Karl Sammankallande")}


def test_a_meeting_added_changed_and_removed(ctx):
    staff, member = ctx.person("secretariat"), ctx.person("member")
    body = db.session.get(Body, ctx.ids.committee_body)
    day = clock.today() + timedelta(days=30)
    meeting = meetings.add_meeting(actor=staff, body=body, held_on=day, time_text="13–15",
                                   place="Stadshuset", note="Budgetdialog")
    commit()
    title = f"Samarbetskommittén {day.isoformat()}"
    assert found(member, "budgetdialogen") == {("meeting", title)}
    meetings.update_meeting(meeting, actor=staff, expected_version=meeting.lock_version,
                            held_on=day, time_text="13–15", place="Kommunhuset",
                            note="Planeringsdag")
    commit()
    assert found(member, "planeringsdag kommunhuset") == {("meeting", title)}
    assert found(member, "budgetdialog") == found(member, "stadshuset") == set()
    meetings.remove_meeting(meeting, actor=staff)
    commit()
    assert found(member, "planeringsdag") == set()


def test_a_meeting_is_found_by_its_date_as_written_and_as_shown(ctx):
    staff, member = ctx.person("secretariat"), ctx.person("member")
    body = db.session.get(Body, ctx.ids.committee_body)
    meetings.add_meeting(actor=staff, body=body, held_on=date(2027, 1, 14), time_text="13.00",
                         place="Huddinge", note="")
    commit()
    title = "Samarbetskommittén 2027-01-14"
    for query in ("januari 2027", "torsdag 14 januari", "2027-01-14", '"14 januari 2027"'):
        assert found(member, query) == {("meeting", title)}, query


# ---------------------------------------------------------------- flask reindex


def _entries() -> list[tuple]:
    return sorted(db.session.execute(select(
        SearchEntry.kind, SearchEntry.object_id, SearchEntry.network_id,
        SearchEntry.visibility, SearchEntry.title, SearchEntry.body, SearchEntry.title_terms,
        SearchEntry.body_terms, SearchEntry.idents, SearchEntry.updated_at)).all())


def test_flask_reindex_makes_the_index_again(app, ctx, row, draft):
    member = ctx.person("member")
    before = _entries()
    db.session.execute(delete(SearchEntry))
    commit()
    assert titles(member, "cykelgarage") == set()
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert f"{len(before)} entries" in result.output
    db.session.expire_all()
    assert _entries() == before
    assert titles(member, "cykelgarage") == {"Bygga cykelgarage"}
    assert titles(member, "gångtunnlar") == {"Remiss om gångtunnlar"}


def test_the_index_kept_at_each_commit_is_the_one_reindex_makes_of_the_demo(app, app_ctx):
    """Every write of the demo's seeding went through the index as the app writes: a
    rebuild from what is saved changes no entry."""
    seed_demo(ORGANISATION)
    kept = _entries()
    assert len(kept) > 100
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _entries() == kept
    assert db.session.scalar(select(func.count()).select_from(SearchEntry)) == len(kept)


def test_reindex_counts_each_kind(app, ctx, row, draft):
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    for kind in ("document: 0", "response: 1", "action: 1", "network: 2", "person: 7",
                 "meeting: 0"):
        assert kind in result.output, result.output


def test_stems_used_in_these_tests_are_as_expected():
    assert stem("busskörfälten") == stem("busskörfält")
    assert stem("laddplatserna") == stem("laddplatser")
    assert stem("budgetdialogen") == stem("budgetdialog")
