"""The action list through HTTP and its services: filters and order in the URL, in-place and
form edits with optimistic locking, soft delete and restore, order, export, follow-up, and
that nobody changes another network's rows."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import StaleDataError

from intranet import clock
from intranet.actions import services
from intranet.actions.models import ActionItem
from intranet.audit.models import AuditEvent
from intranet.config import ROOT
from intranet.demo.seed import seed_demo
from intranet.extensions import db
from intranet.org.models import FocusArea, Municipality, Network, SubGoal
from tests.conftest import make_action


def get(app, item_id) -> ActionItem:
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        db.session.expunge(item)
        return item


@pytest.fixture
def rows(app, world):
    """Three rows in the planning network, one in the climate network, a second sub-goal."""
    with app.app_context():
        area = db.session.scalar(select(FocusArea))
        second = FocusArea(name="Näringsliv", position=1)
        db.session.add(second)
        db.session.flush()
        goal = SubGoal(focus_area_id=second.id, text="Fler etableringar", position=0)
        db.session.add(goal)
        db.session.flush()
        plan, klimat = world.network(), world.network("other_network")
        a = make_action(plan, "Remissvar om länsplanen", responsible="SUP", cost="",
                        time_text="Löpande", comment="=SUMMA(A1:A9)")
        b = make_action(plan, "Ökad framkomlighet på väg 73", sub_goal=goal,
                        responsible="Betaholm", status="pagar", due_date=date(2020, 6, 30))
        c = make_action(plan, "Åtgärdsvalsstudie för stombuss", status="klar",
                        due_date=date(2020, 1, 31), comment="Klar i tid")
        b.municipalities = [db.session.get(Municipality, world.ids.beta)]
        c.networks = [klimat]
        other = make_action(klimat, "Klimatkrav i upphandling")
        db.session.commit()
        ids = {"a": a.id, "b": b.id, "c": c.id, "other": other.id, "area": area.id,
               "area2": second.id, "goal2": goal.id}
    return ids


def activities(body: str) -> list[str]:
    return re.findall(r'<td class="cell-td cell-td--aktivitet"[^>]*><div id="cell-\d+-aktivitet" '
                      r'class="cell-slot cell-slot--aktivitet"><div class="cell">\s*'
                      r'<div class="cell__value"><span class="text">([^<]*)</span>', body)


# ---------------------------------------------------------------- the list, filters, order


def test_everyone_logged_in_sees_the_list_but_only_members_get_edit_controls(
    world, rows, login_as
):
    for role, editable in [("member", True), ("secretariat", True), ("other_member", False),
                           ("director", False), ("committee", False)]:
        body = login_as(role).get("/natverk/plan/handlingsplan/").get_data(as_text=True)
        assert "Remissvar om länsplanen" in body
        assert ("cell__edit" in body) is editable, role
        assert ("Lägg till rad" in body) is editable, role
        assert "Klimatkrav i upphandling" not in body  # another network's row


def test_rows_come_in_plan_order_and_sort_by_any_column_from_the_url(world, rows, login_as):
    client = login_as("member")
    body = client.get("/natverk/plan/handlingsplan/").get_data(as_text=True)
    assert activities(body) == ["Remissvar om länsplanen", "Ökad framkomlighet på väg 73",
                                "Åtgärdsvalsstudie för stombuss"]
    body = client.get("/natverk/plan/handlingsplan/?sortera=aktivitet").get_data(as_text=True)
    # Swedish order: R, Å, Ö.
    assert activities(body) == ["Remissvar om länsplanen", "Åtgärdsvalsstudie för stombuss",
                                "Ökad framkomlighet på väg 73"]
    assert 'aria-sort="ascending"' in body
    body = client.get("/natverk/plan/handlingsplan/?sortera=aktivitet&ordning=fallande"
                      ).get_data(as_text=True)
    assert activities(body)[0] == "Ökad framkomlighet på väg 73"
    assert 'aria-sort="descending"' in body
    body = client.get("/natverk/plan/handlingsplan/?sortera=datum").get_data(as_text=True)
    assert activities(body) == ["Åtgärdsvalsstudie för stombuss", "Ökad framkomlighet på väg 73",
                                "Remissvar om länsplanen"]  # no date last
    body = client.get("/natverk/plan/handlingsplan/?sortera=status").get_data(as_text=True)
    assert activities(body) == ["Remissvar om länsplanen", "Ökad framkomlighet på väg 73",
                                "Åtgärdsvalsstudie för stombuss"]
    # Moving rows is offered only in plan order.
    assert "Flytta upp" not in body
    # An unknown sort or a broken number is ignored, never an error.
    response = client.get("/natverk/plan/handlingsplan/?sortera=x&fokus=abc&status=nej")
    assert response.status_code == 200 and "Flytta upp" in response.get_data(as_text=True)


@pytest.mark.parametrize(("query", "expected"), [
    ("q=stombuss", ["Åtgärdsvalsstudie för stombuss"]),
    ("q=ÖKAD+väg", ["Ökad framkomlighet på väg 73"]),  # å, ä, ö and case do not matter
    ("q=summa", ["Remissvar om länsplanen"]),  # the comment is searched too
    ("status=klar", ["Åtgärdsvalsstudie för stombuss"]),
    ("fokus={area2}", ["Ökad framkomlighet på väg 73"]),
    ("kommun={beta}", ["Ökad framkomlighet på väg 73"]),
    ("natverk={klimat}", ["Åtgärdsvalsstudie för stombuss"]),  # linked as co-responsible
    ("status=pausad", []),
])
def test_filters_in_the_url(world, rows, login_as, query, expected):
    query = query.format(area2=rows["area2"], beta=world.ids.beta,
                         klimat=world.ids.other_network)
    body = login_as("director").get(f"/natverk/plan/handlingsplan/?{query}").get_data(
        as_text=True)
    found = re.findall(r'<span class="text">([^<]*)</span>', body.split('id="action-results"')[1])
    assert [a for a in found if a in {
        "Remissvar om länsplanen", "Ökad framkomlighet på väg 73",
        "Åtgärdsvalsstudie för stombuss"}] == expected
    if not expected:
        assert "Inga rader matchar filtret." in body


def test_filtering_with_htmx_answers_only_the_results(world, rows, login_as):
    response = login_as("member").get("/natverk/plan/handlingsplan/?status=klar", htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert "<html" not in body and 'class="filter-bar' not in body
    assert "1 rad (filtrerat)" in body and 'hx-swap-oob="innerHTML"' in body


def test_the_combined_plan_groups_every_network_by_focus_area_and_sub_goal(
    world, rows, login_as
):
    body = login_as("committee").get("/handlingsplan/").get_data(as_text=True)
    assert "4 rader" in body
    infra = body.index("Infrastruktur")
    naring = body.index('id="area-')
    assert infra < body.index("Näringsliv")
    assert naring < body.index("Fler etableringar") < body.index("Ökad framkomlighet")
    assert "Klimatkrav i upphandling" in body and "KLIMAT 1" in body
    body = login_as("committee").get(f"/handlingsplan/?natverk={world.ids.other_network}"
                                     ).get_data(as_text=True)
    assert "2 rader (filtrerat)" in body
    assert "Klimatkrav i upphandling" in body and "Åtgärdsvalsstudie för stombuss" in body


# ---------------------------------------------------------------- adding and editing


def test_a_member_adds_a_row_and_extra_fields_are_ignored(app, world, rows, login_as):
    client = login_as("member")
    with app.app_context():
        before = db.session.scalar(select(func.count(ActionItem.id)))
        goal_id = db.session.scalar(select(SubGoal.id).where(SubGoal.text == "God framkomlighet"))
    response = client.post("/natverk/plan/handlingsplan/ny", {
        "sub_goal_id": goal_id, "activity": "  Ny aktivitet  ", "status": "planerad",
        "network_ids": [world.ids.other_network], "due_date": "2031-01-15",
        # Not fields of the form: the network comes from the URL, the rest is set by us.
        "network_id": world.ids.other_network, "position": 99, "created_by_id": 1,
        "deleted_at": "2020-01-01", "version": 7,
    })
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionItem.id))) == before + 1
        item = db.session.scalar(select(ActionItem).order_by(ActionItem.id.desc()))
        assert item.network_id == world.ids.network
        assert item.activity == "Ny aktivitet" and item.position == 4
        assert item.deleted_at is None and item.version == 1
        assert item.created_by_id == world.ids.member
        assert item.due_date == date(2031, 1, 15)
        assert [n.id for n in item.networks] == [world.ids.other_network]
        assert response.headers["Location"].endswith(f"#rad-{item.id}")


def test_an_invalid_row_keeps_the_input_and_says_what_is_wrong(world, rows, login_as):
    response = login_as("member").post("/natverk/plan/handlingsplan/ny", {
        "activity": "", "responsible": "Någon", "status": "okänd", "sub_goal_id": "999",
        "cost": "x" * 201,
    })
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Skriv vad som ska göras." in body and 'value="Någon"' in body
    assert "Högst 200 tecken." in body
    assert 'aria-invalid="true"' in body


def test_the_row_form_saves_with_the_version_it_started_from(app, world, rows, login_as):
    client = login_as("secretariat")
    page = client.get(f"/natverk/plan/handlingsplan/{rows['b']}/").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page
    assert 'value="Ökad framkomlighet på väg 73"' not in page  # a textarea
    response = client.post(f"/natverk/plan/handlingsplan/{rows['b']}/", {
        "sub_goal_id": rows["goal2"], "activity": "Väg 73: fler körfält", "status": "pagar",
        "responsible": "Betaholm", "version": "1", "network_id": world.ids.other_network,
        "municipality_ids": [world.ids.alpha, world.ids.beta],
    })
    assert response.status_code == 303
    item = get(app, rows["b"])
    assert item.activity == "Väg 73: fler körfält" and item.version == 2
    assert item.network_id == world.ids.network
    assert item.updated_by_id == world.ids.secretariat


def test_a_stale_row_form_gets_a_conflict_view_not_an_overwrite(app, world, rows, login_as):
    client = login_as("member")
    with app.app_context():
        db.session.get(ActionItem, rows["a"]).cost = "10 000 kr"  # someone else saved
        db.session.commit()
    response = client.post(f"/natverk/plan/handlingsplan/{rows['a']}/", {
        "sub_goal_id": get(app, rows["a"]).sub_goal_id, "activity": "Min aktivitet",
        "status": "planerad", "cost": "Min kostnad", "version": "1",
        "responsible": "SUP", "time_text": "Löpande", "comment": "=SUMMA(A1:A9)",
    })
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Någon annan har ändrat raden sedan du började" in body
    assert "Min kostnad" in body and "10 000 kr" in body  # mine beside the current one
    assert "Min aktivitet" in body
    # The form now carries the current version: saving again is a deliberate choice.
    assert 'name="version" type="hidden" value="2"' in body
    assert get(app, rows["a"]).cost == "10 000 kr"


def test_a_cell_is_edited_in_place_with_its_version(app, world, rows, login_as):
    client = login_as("member")
    url = f"/natverk/plan/handlingsplan/{rows['a']}/kommentar/andra"
    editor = client.get(url, htmx=True)
    body = editor.get_data(as_text=True)
    assert editor.status_code == 200 and "<html" not in body
    assert 'hx-post="' + url + '"' in body and 'name="version"' in body and "autofocus" in body
    saved = client.post(url, {"value": "Skickat till Trafikverket", "version": "1"}, htmx=True)
    body = saved.get_data(as_text=True)
    assert saved.status_code == 200
    assert "Skickat till Trafikverket" in body and "autofocus" in body
    assert f'id="changed-{rows["a"]}" hx-swap-oob="true"' in body
    assert "Kommentar på rad 1 sparades." in body
    item = get(app, rows["a"])
    assert item.comment == "Skickat till Trafikverket" and item.version == 2
    # Cancelling asks for the cell as shown.
    shown = client.get(f"/natverk/plan/handlingsplan/{rows['a']}/kommentar", htmx=True)
    assert "Skickat till Trafikverket" in shown.get_data(as_text=True)
    # Without htmx the editor is a page of its own and the save goes back to the list.
    page = client.get(url)
    assert "<html" in page.get_data(as_text=True) and "hx-post" not in page.get_data(as_text=True)
    back = client.post(url, {"value": "Utan JavaScript", "version": "2"})
    assert back.status_code == 303 and back.headers["Location"].endswith(f"#rad-{rows['a']}")


def test_a_stale_cell_save_answers_409_with_both_values(app, world, rows, login_as):
    client = login_as("member")
    url = f"/natverk/plan/handlingsplan/{rows['a']}/aktivitet/andra"
    with app.app_context():
        db.session.get(ActionItem, rows["a"]).activity = "Någon annans text"
        db.session.commit()
    response = client.post(url, {"value": "Min text", "version": "1"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Någon annan har ändrat raden sedan du började." in body
    assert "Någon annans text" in body and "\nMin text</textarea>" in body
    assert 'name="version" type="hidden" value="2"' in body
    assert get(app, rows["a"]).activity == "Någon annans text"
    # Saving again from the version shown is deliberate and goes through.
    again = client.post(url, {"value": "Min text", "version": "2"}, htmx=True)
    assert again.status_code == 200 and get(app, rows["a"]).activity == "Min text"


def test_the_same_value_saved_from_a_stale_version_is_no_conflict(app, world, rows, login_as):
    with app.app_context():
        db.session.get(ActionItem, rows["a"]).time_text = "Våren"
        db.session.commit()
    response = login_as("member").post(
        f"/natverk/plan/handlingsplan/{rows['a']}/tid/andra", {"value": "Våren", "version": "1"},
        htmx=True)
    assert response.status_code == 200 and get(app, rows["a"]).version == 2


def test_a_save_racing_another_is_caught_by_the_version_column(app, world, rows):
    with app.app_context():
        item = db.session.get(ActionItem, rows["a"])
        actor = world.person("member")
        # Another worker commits between our read and our write.
        with db.engine.begin() as other:
            other.execute(update(ActionItem).where(ActionItem.id == item.id)
                          .values(version=ActionItem.version + 1, cost="Deras"))
        with pytest.raises(StaleDataError):
            services.update_item(item, actor, 1, {"cost": "Min"})
        db.session.rollback()
        assert db.session.get(ActionItem, rows["a"]).cost == "Deras"


def test_a_save_of_the_row_s_own_columns_leaves_the_loaded_row_as_written(app, world, rows):
    # The plain UPDATE does not go through the unit of work: what the row refers to that it
    # changed is read again, and the row is not left dirty to be written a second time.
    with app.app_context():
        goal = db.session.scalar(select(SubGoal).where(SubGoal.text == "Fler etableringar"))
        item = db.session.get(ActionItem, rows["a"])
        assert item.sub_goal.text != goal.text and item.updated_by is None  # both loaded
        member = world.person("member")
        changed = services.update_item(item, member, 1, {"sub_goal_id": goal.id,
                                                         "cost": " 5 000 kr "})
        assert sorted(changed) == ["cost", "sub_goal_id"]
        assert (item.version, item.cost, item.sub_goal.text) == (2, "5 000 kr",
                                                                 "Fler etableringar")
        assert item.updated_by.name == member.name and item not in db.session.dirty
        db.session.commit()
    again = get(app, rows["a"])
    assert (again.version, again.cost, again.sub_goal_id) == (2, "5 000 kr", rows["goal2"])


def test_a_saved_cell_shows_at_once_on_the_list_served_from_the_store(app, world, rows,
                                                                       login_as):
    member = login_as("member")
    assert "Nattbuss" not in member.get("/natverk/plan/handlingsplan/").get_data(as_text=True)
    saved = member.post(f"/natverk/plan/handlingsplan/{rows['a']}/aktivitet/andra",
                        {"value": "Nattbuss till Nynäshamn", "version": "1"}, htmx=True)
    assert saved.status_code == 200
    assert "Nattbuss till Nynäshamn" in member.get(
        "/natverk/plan/handlingsplan/").get_data(as_text=True)


def test_a_validation_error_in_a_cell_answers_422_with_the_editor(world, rows, login_as):
    client = login_as("member")
    base = f"/natverk/plan/handlingsplan/{rows['a']}"
    response = client.post(f"{base}/aktivitet/andra", {"value": "  ", "version": "1"}, htmx=True)
    assert response.status_code == 422
    assert "Skriv vad som ska göras." in response.get_data(as_text=True)
    response = client.post(f"{base}/datum/andra", {"value": "31/12", "version": "1"}, htmx=True)
    assert response.status_code == 422
    response = client.post(f"{base}/status/andra", {"value": "kanske", "version": "1"},
                           htmx=True)
    assert response.status_code == 422
    assert client.get(f"{base}/okand/andra").status_code == 404


def test_user_text_is_escaped_everywhere(app, world, rows, login_as):
    with app.app_context():
        db.session.get(ActionItem, rows["a"]).activity = '<script>alert(1)</script><b hx-get="/">'
        db.session.commit()
    for url in ("/natverk/plan/handlingsplan/", "/handlingsplan/",
                f"/natverk/plan/handlingsplan/{rows['a']}/aktivitet/andra"):
        body = login_as("member").get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in body and '<b hx-get="/">' not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# ---------------------------------------------------------------- nobody edits another network


def test_another_networks_row_through_this_networks_url_is_not_found(app, world, rows, login_as):
    client = login_as("member")  # a member of the planning network
    other = rows["other"]  # a row of the climate network
    before = get(app, other)
    base = f"/natverk/plan/handlingsplan/{other}"
    assert client.get(f"{base}/").status_code == 404
    assert client.post(f"{base}/", {"activity": "Kapad", "status": "klar"}).status_code == 404
    assert client.get(f"{base}/aktivitet", htmx=True).status_code == 404
    assert client.get(f"{base}/aktivitet/andra", htmx=True).status_code == 404
    assert client.post(f"{base}/aktivitet/andra", {"value": "Kapad", "version": "1"},
                       htmx=True).status_code == 404
    assert client.post(f"{base}/flytta", {"direction": "upp"}).status_code == 404
    assert client.post(f"{base}/ta-bort").status_code == 404
    # Through its own network's URL the member has no right to it at all.
    own = f"/natverk/klimat/handlingsplan/{other}"
    assert client.post(f"{own}/aktivitet/andra", {"value": "Kapad", "version": "1"}
                       ).status_code == 403
    assert client.post(f"{own}/ta-bort").status_code == 403
    after = get(app, other)
    assert (after.activity, after.version, after.deleted_at) == (
        before.activity, before.version, None)


def test_an_archived_networks_list_cannot_be_changed(app, world, rows, login_as):
    with app.app_context():
        db.session.get(Network, world.ids.network).archived_at = clock.utcnow()
        db.session.commit()
    assert login_as("member").get("/natverk/plan/handlingsplan/ny").status_code == 403
    assert login_as("member").get("/natverk/plan/handlingsplan/").status_code == 403
    assert login_as("secretariat").get("/natverk/plan/handlingsplan/ny").status_code == 403
    body = login_as("secretariat").get("/natverk/plan/handlingsplan/").get_data(as_text=True)
    assert "cell__edit" not in body


# ---------------------------------------------------------------- order, delete, restore


def test_moving_a_row_swaps_places_without_touching_versions(app, world, rows, login_as):
    client = login_as("convener")
    response = client.post(f"/natverk/plan/handlingsplan/{rows['c']}/flytta",
                           {"direction": "upp"})
    assert response.status_code == 303
    a, b, c = (get(app, rows[k]) for k in "abc")
    assert (a.position, b.position, c.position) == (1, 3, 2)
    assert (b.version, c.version) == (1, 1)  # an open edit of these rows still saves
    # At the top a row goes no further; with htmx the list comes back with focus kept.
    response = client.post(f"/natverk/plan/handlingsplan/{rows['a']}/flytta",
                           {"direction": "upp"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert get(app, rows["a"]).position == 1
    assert re.search(r"Flytta ner rad 1</span>", body)
    assert re.search(r'autofocus><span aria-hidden="true">↓</span><span class="visually-hidden">'
                     r"Flytta ner rad 1<", body)
    assert client.post(f"/natverk/plan/handlingsplan/{rows['a']}/flytta",
                       {"direction": "sidled"}).status_code == 400


def test_delete_is_soft_and_the_convener_restores(app, world, rows, login_as):
    member = login_as("member")
    response = member.post(f"/natverk/plan/handlingsplan/{rows['a']}/ta-bort")
    assert response.status_code == 303
    item = get(app, rows["a"])
    assert item.deleted_at is not None and item.deleted_by_id == world.ids.member
    body = member.get("/natverk/plan/handlingsplan/").get_data(as_text=True)
    assert "Remissvar om länsplanen" not in body
    assert activities(body)[0] == "Ökad framkomlighet på väg 73"
    assert get(app, rows["b"]).position == 1  # the rest close up
    assert "Remissvar om länsplanen" not in login_as("committee").get(
        "/handlingsplan/").get_data(as_text=True)
    # A deleted row cannot be edited or deleted again.
    assert member.get(f"/natverk/plan/handlingsplan/{rows['a']}/").status_code == 404
    assert member.post(f"/natverk/plan/handlingsplan/{rows['a']}/ta-bort").status_code == 404
    # The member does not see the trash; the convener does and restores it, last in the list.
    assert member.get("/natverk/plan/handlingsplan/borttagna").status_code == 403
    assert member.post(f"/natverk/plan/handlingsplan/borttagna/{rows['a']}/aterstall"
                       ).status_code == 403
    convener = login_as("convener")
    trash = convener.get("/natverk/plan/handlingsplan/borttagna").get_data(as_text=True)
    assert "Remissvar om länsplanen" in trash and "Maja Medlem" in trash
    assert "Borttagna rader (1)" in convener.get("/natverk/plan/handlingsplan/").get_data(
        as_text=True)
    response = convener.post(f"/natverk/plan/handlingsplan/borttagna/{rows['a']}/aterstall")
    assert response.status_code == 303
    item = get(app, rows["a"])
    assert item.deleted_at is None and item.position == 3
    # Restoring a row that is not deleted, or another network's, finds nothing.
    assert convener.post(f"/natverk/plan/handlingsplan/borttagna/{rows['a']}/aterstall"
                         ).status_code == 404
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_id == rows["a"], AuditEvent.object_type == "ActionItem")))
    assert actions == ["action_deleted", "action_restored"]


# ---------------------------------------------------------------- export


def test_csv_export_is_the_filtered_view_with_a_bom_and_no_formulas(world, rows, login_as):
    response = login_as("director").get("/natverk/plan/handlingsplan/export.csv?sortera=aktivitet")
    data = response.get_data()
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert lines[0][:9] == ["Fokusområde", "Delmål", "Aktivitet", "Ansvarig", "Kostnad", "Tid",
                            "Förfallodatum", "Status", "Kommentar"]
    assert [line[2] for line in lines[1:]] == [
        "Remissvar om länsplanen", "Åtgärdsvalsstudie för stombuss",
        "Ökad framkomlighet på väg 73"]
    assert lines[1][8] == "'=SUMMA(A1:A9)"  # a formula would run in Excel; now it is text
    assert lines[3][6:8] == ["2020-06-30", "Pågår"]
    filtered = login_as("director").get("/natverk/plan/handlingsplan/export.csv?status=klar")
    assert len(list(csv.reader(io.StringIO(filtered.get_data().decode("utf-8-sig"), newline=""),
                               delimiter=";"))) == 2


def test_xlsx_export_holds_text_never_formulas(world, rows, login_as):
    response = login_as("member").get("/handlingsplan/export.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][9] == "Nätverk"
    assert len(values) == 5
    formula_cells = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert not formula_cells
    comment = next(row[8] for row in values[1:] if row[2] == "Remissvar om länsplanen")
    assert comment == "=SUMMA(A1:A9)"


# ---------------------------------------------------------------- follow-up


def test_follow_up_counts_rows_by_status_and_overdue_per_focus_area_and_network(
    app, world, rows, login_as
):
    with app.app_context():
        result = services.follow_up(on=date(2021, 1, 1))
        areas = {r.label: r for r in result.by_focus_area}
        networks = {r.label: r for r in result.by_network}
        assert areas["Infrastruktur"].total == 3 and areas["Näringsliv"].total == 1
        assert areas["Näringsliv"].counts["pagar"] == 1 and areas["Näringsliv"].overdue == 1
        # Done on time or late, a finished row is never overdue.
        assert areas["Infrastruktur"].overdue == 0
        assert networks["Planeringsnätverket"].counts == {
            "planerad": 1, "pagar": 1, "klar": 1, "pausad": 0}
        assert networks["Klimatnätverket"].total == 1
        assert result.total.total == 4 and result.total.overdue == 1
        chart = services.bar_chart(result.by_network)
        widths = [sum(s.width for s in bar.segments) for bar in chart.bars]
        assert max(widths) == chart.plot_width
    body = login_as("committee").get("/handlingsplan/uppfoljning").get_data(as_text=True)
    assert 'role="img"' in body and "<title id=\"chart-areas-title\">" in body
    assert "Rader per fokusområde och status, i siffror" in body
    assert "style=" not in body
    assert login_as("member").get("/handlingsplan/uppfoljning").status_code == 403


def test_the_follow_up_pages_the_networks_and_counts_all_of_them(app, world, rows, login_as,
                                                                 monkeypatch):
    with app.app_context():
        first = services.follow_up(on=date(2021, 1, 1), page=1, per_page=1)
        second = services.follow_up(on=date(2021, 1, 1), page=2, per_page=1)
        assert [r.label for r in first.by_network] == ["Klimatnätverket"]
        assert [r.label for r in second.by_network] == ["Planeringsnätverket"]
        assert second.by_network[0].total == 3 and first.networks.total == 2
        for result in (first, second):  # the plan's total and the areas: every network
            assert result.total.total == 4 and result.total.overdue == 1
            assert sum(r.total for r in result.by_focus_area) == 4
    monkeypatch.setitem(app.config, "FOLLOW_UP_PER_PAGE", 1)
    client = login_as("committee")
    page = client.get("/handlingsplan/uppfoljning?sida=2").get_data(as_text=True)
    networks = page.split('id="by-network"')[1]
    assert "Nätverk 2–2 av 2, i bokstavsordning." in networks
    assert "Planeringsnätverket" in networks and "Klimatnätverket" not in networks
    assert 'href="/handlingsplan/uppfoljning?sida=1#by-network"' in networks
    assert re.search(r'<th scope="row">Alla nätverk</th>\s*(<td>\d+</td>\s*){4}<td>4</td>',
                     networks)
    first_page = client.get("/handlingsplan/uppfoljning").get_data(as_text=True)
    assert "Klimatnätverket" in first_page.split('id="by-network"')[1]


def test_the_follow_up_served_from_the_store_changes_with_the_rows(app, world, rows,
                                                                   login_as):
    client = login_as("committee")
    summary = re.compile(r'<p class="summary-total">(\d+) rader')
    assert summary.search(client.get("/handlingsplan/uppfoljning").get_data(as_text=True))[1] == "4"
    with app.app_context():
        make_action(world.network(), "Ny rad")
        db.session.commit()
    assert summary.search(client.get("/handlingsplan/uppfoljning").get_data(as_text=True))[1] == "5"


# ---------------------------------------------------------------- the demo


def test_the_demo_loads_the_2021_plan_into_the_networks_named_responsible(app):
    organisation = ROOT / "intranet" / "demo" / "organisation.json"
    with app.app_context():
        seed_demo(organisation)
        seed_demo(organisation)  # again: nothing doubles
        counts = dict(db.session.execute(
            select(Network.short_name, func.count(ActionItem.id))
            .join(ActionItem, ActionItem.network_id == Network.id)
            .group_by(Network.short_name)).all())
        assert counts == {"SUP": 9, "Klimat": 2, "SNUG": 5, "Kommunikation": 6}
        first = db.session.scalar(select(ActionItem).where(
            ActionItem.activity.like("Elektrifiering%")))
        assert first.network.short_name == "SUP"
        assert sorted(n.short_name for n in first.networks) == ["Klimat", "SUP"]
        statuses = [i.status for i in db.session.scalars(select(ActionItem))]
        assert statuses.count("pagar") == 14 and statuses.count("planerad") == 8
        overdue = [i for i in db.session.scalars(select(ActionItem)) if i.is_overdue()]
        assert len(overdue) == 3 and all(i.time_text == "Våren" for i in overdue)
        assert all(i.due_date == date(2021, 6, 30) for i in overdue)
        assert clock.today() > date(2021, 6, 30) + timedelta(days=1)


def test_a_new_row_typed_when_the_login_ended_is_shown_back(app, world, login_as):
    from sqlalchemy import select

    from intranet import clock
    from intranet.auth.models import LoginSession
    from intranet.extensions import db

    member = login_as("member")
    token = member.csrf_token()
    with app.app_context():
        for row in db.session.scalars(select(LoginSession)):
            row.revoked_at = clock.utcnow()
        db.session.commit()
    response = member.http.post("/natverk/plan/handlingsplan/ny", data={
        "csrf_token": token, "activity": "Gemensam cykelplan för hela Södertörn"})
    assert response.status_code == 401
    assert "Gemensam cykelplan för hela Södertörn" in response.get_data(as_text=True)
