"""Two people editing the same action row: the three-way comparison of values (editing.values
and the started_from field), the field-by-field merge of the service, and what the cell
editor and the row form show when both changed the same field."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from sqlalchemy import select

from intranet.actions import services
from intranet.actions.models import ActionItem
from intranet.editing import EditConflict
from intranet.editing.fields import MAX_STARTED_FROM, parse_started_from
from intranet.editing.values import BOTH, THEIRS, UNKNOWN, compare_values
from intranet.extensions import db
from intranet.org.models import FocusArea, Municipality, Network, SubGoal
from tests.conftest import make_action

# ---------------------------------------------------------------- the comparison itself


def test_only_what_both_changed_differently_is_a_choice():
    base = {"cost": "0 kr", "comment": "Gammal", "status": "planerad", "time_text": "Våren"}
    saved = {"cost": "10 kr", "comment": "Deras", "status": "planerad", "time_text": "Våren"}
    mine = {"cost": "10 kr", "comment": "Min", "status": "klar", "time_text": "Våren",
            "responsible": "SUP"}
    changes = {change.name: change for change in compare_values(base, saved, mine)}
    # cost: both made it the same; status: only mine changed; time_text: nobody changed.
    assert set(changes) == {"comment", "responsible"}
    assert changes["comment"].kind == BOTH and changes["comment"].base == "Gammal"
    assert changes["comment"].saved == "Deras" and changes["comment"].mine == "Min"
    assert changes["responsible"].kind == UNKNOWN  # the form did not say where it started


def test_a_field_only_the_other_changed_is_theirs():
    changes = compare_values({"comment": "A"}, {"comment": "B"}, {"comment": "A"})
    assert [(c.name, c.kind, c.base, c.saved, c.mine) for c in changes] == [
        ("comment", THEIRS, "A", "B", "A")]


def test_without_a_starting_point_every_difference_is_unknown():
    changes = compare_values(None, {"cost": "1"}, {"cost": "2", "comment": ""})
    assert [(c.name, c.kind) for c in changes] == [("cost", UNKNOWN)]


@pytest.mark.parametrize("raw", ["", "not json", "[1, 2]", '"text"', "{}", '{"a": 1}',
                                 '{"cost": "' + "x" * MAX_STARTED_FROM + '"}'])
def test_a_starting_point_the_form_did_not_send_reads_as_not_known(raw):
    assert parse_started_from(raw) is None


def test_a_starting_point_keeps_only_texts():
    assert parse_started_from(json.dumps({"cost": "5 kr", "status": 3, "x": None})) == {
        "cost": "5 kr"}


# ---------------------------------------------------------------- the service's merge


@pytest.fixture
def row(app_ctx, world):
    item = make_action(world.network(), "Remissvar om länsplanen", responsible="SUP",
                       cost="0 kr", comment="Gammal kommentar", time_text="Löpande")
    db.session.commit()
    return item


def _someone_else_saves(item, **values):
    services.update_item(item, None, item.version, values)
    db.session.commit()


def test_two_people_changing_different_fields_both_keep_their_change(row, world):
    started = services.starting_values(row)
    version = row.version
    _someone_else_saves(row, cost="10 000 kr")
    # The form posts every field: the cost as it was when the person started.
    mine = {**{name: services.current_value(row, name) for name in services.EDITABLE},
            "cost": "0 kr", "comment": "Min kommentar"}
    changed = services.update_item(row, world.person("member"), version, mine, started)
    db.session.commit()
    assert changed == ["comment"]
    saved = db.session.get(ActionItem, row.id)
    assert (saved.cost, saved.comment) == ("10 000 kr", "Min kommentar")
    assert saved.version == version + 2


def test_both_changing_the_same_field_is_a_conflict_with_three_values(row, world):
    started = services.starting_values(row, ["comment"])
    version = row.version
    _someone_else_saves(row, comment="Deras kommentar")
    with pytest.raises(EditConflict):
        services.update_item(row, world.person("member"), version,
                             {"comment": "Min kommentar"}, started)
    db.session.rollback()
    item = db.session.get(ActionItem, row.id)
    [change] = services.value_conflicts(item, started, {"comment": "Min kommentar"})
    assert (change.kind, change.base, change.saved, change.mine) == (
        BOTH, "Gammal kommentar", "Deras kommentar", "Min kommentar")
    assert item.comment == "Deras kommentar"


def test_without_a_starting_point_a_stale_save_is_still_a_conflict(row, world):
    version = row.version
    _someone_else_saves(row, cost="10 000 kr")
    with pytest.raises(EditConflict):
        services.update_item(row, world.person("member"), version, {"comment": "Min"})
    db.session.rollback()


def test_saving_an_unchanged_value_after_another_changed_it_keeps_theirs(row, world):
    started = services.starting_values(row, ["comment"])
    version = row.version
    _someone_else_saves(row, comment="Deras kommentar")
    assert services.update_item(row, world.person("member"), version,
                                {"comment": "Gammal kommentar"}, started) == []
    db.session.commit()
    assert db.session.get(ActionItem, row.id).comment == "Deras kommentar"


def test_the_values_in_a_conflict_are_in_words(row, world):
    area = db.session.scalar(select(FocusArea))
    goal = SubGoal(focus_area_id=area.id, text="Fler etableringar", position=9)
    db.session.add(goal)
    alpha = db.session.get(Municipality, world.ids.alpha)
    started = {"status": "planerad", "sub_goal_id": "999999", "municipality_ids": ""}
    data = {"status": "klar", "sub_goal_id": goal.id, "municipality_ids": [alpha.id]}
    row.status = "pagar"
    row.municipalities = [db.session.get(Municipality, world.ids.beta)]
    db.session.commit()
    changes = {c.name: c for c in services.value_conflicts(row, started, data)}
    assert (changes["status"].base, changes["status"].saved, changes["status"].mine) == (
        "Planerad", "Pågår", "Klar")
    assert changes["sub_goal_id"].mine == f"{area.name}: {goal.text}"
    assert changes["sub_goal_id"].base == ""  # an id that names nothing is left out
    assert changes["municipality_ids"].mine == alpha.name


# ---------------------------------------------------------------- through HTTP


def _field(body: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', body) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', body)
    assert match, name
    return unescape(match.group(1))


def test_the_cell_editor_carries_where_the_person_started(app, world, login_as, row_id):
    body = login_as("member").get(f"/natverk/plan/handlingsplan/{row_id}/kommentar/andra",
                                  htmx=True).get_data(as_text=True)
    assert json.loads(_field(body, "started_from")) == {"comment": "Gammal kommentar"}


@pytest.fixture
def row_id(app, world):
    with app.app_context():
        item = make_action(world.network(), "Remissvar om länsplanen", responsible="SUP",
                           cost="0 kr", comment="Gammal kommentar", time_text="Löpande")
        db.session.commit()
        return item.id


def _change(app, item_id, **values):
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        services.update_item(item, None, item.version, values)
        db.session.commit()


def test_a_cell_conflict_shows_the_value_both_started_from(app, world, login_as, row_id):
    client = login_as("member")
    url = f"/natverk/plan/handlingsplan/{row_id}/kommentar/andra"
    started = _field(client.get(url, htmx=True).get_data(as_text=True), "started_from")
    _change(app, row_id, comment="Deras kommentar")
    response = client.post(url, {"value": "Min kommentar", "version": "1",
                                 "started_from": started}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    values = re.findall(r"<dt>([^<]*)</dt><dd>(?:<span[^>]*>)?([^<]*)<", body)
    assert values == [("Ni båda utgick från", "Gammal kommentar"),
                      ("Sparat av någon annan", "Deras kommentar"),
                      ("Ditt värde, kvar i fältet", "Min kommentar")]
    assert "\nMin kommentar</textarea>" in body
    assert "Spara min version" in body
    # The form starts again from what is saved now: a second save is deliberate.
    assert json.loads(_field(body, "started_from")) == {"comment": "Deras kommentar"}
    again = client.post(url, {"value": "Min kommentar", "version": "2",
                              "started_from": _field(body, "started_from")}, htmx=True)
    assert again.status_code == 200
    with app.app_context():
        assert db.session.get(ActionItem, row_id).comment == "Min kommentar"


def test_a_cell_saved_after_another_cell_of_the_row_changed_just_saves(app, world, login_as,
                                                                      row_id):
    client = login_as("member")
    url = f"/natverk/plan/handlingsplan/{row_id}/kommentar/andra"
    started = _field(client.get(url, htmx=True).get_data(as_text=True), "started_from")
    _change(app, row_id, cost="10 000 kr")  # another cell of the same row
    response = client.post(url, {"value": "Min kommentar", "version": "1",
                                 "started_from": started}, htmx=True)
    assert response.status_code == 200
    assert "Min kommentar" in response.get_data(as_text=True)
    with app.app_context():
        item = db.session.get(ActionItem, row_id)
        assert (item.cost, item.comment, item.version) == ("10 000 kr", "Min kommentar", 3)


def _row_form(client, row_id) -> dict:
    body = client.get(f"/natverk/plan/handlingsplan/{row_id}/").get_data(as_text=True)
    sub_goal = re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected', body)
    return {"sub_goal_id": next(g for g in sub_goal.groups() if g),
            "activity": "Remissvar om länsplanen", "responsible": "SUP", "cost": "0 kr",
            "time_text": "Löpande", "comment": "Gammal kommentar", "status": "planerad",
            "version": _field(body, "version"), "started_from": _field(body, "started_from")}


def test_the_row_form_merges_changes_to_different_fields(app, world, login_as, row_id):
    client = login_as("member")
    form = _row_form(client, row_id)
    _change(app, row_id, comment="Deras kommentar")
    response = client.post(f"/natverk/plan/handlingsplan/{row_id}/",
                           {**form, "cost": "50 000 kr"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "både dina och deras ändringar finns kvar" in page
    with app.app_context():
        item = db.session.get(ActionItem, row_id)
        assert (item.cost, item.comment) == ("50 000 kr", "Deras kommentar")


def test_the_row_form_conflict_takes_over_what_only_the_other_changed(app, world, login_as,
                                                                      row_id):
    client = login_as("member")
    form = _row_form(client, row_id)
    _change(app, row_id, cost="10 000 kr", comment="Deras kommentar")
    response = client.post(f"/natverk/plan/handlingsplan/{row_id}/",
                           {**form, "cost": "50 000 kr"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    conflict = body[body.index('id="conflict"'):body.index('<form class="form form--wide"')]
    assert "Ni har ändrat samma fält" in conflict
    assert re.findall(r"<dt>([^<]*)</dt><dd>(?:<span[^>]*>)?([^<]*)<", conflict) == [
        ("Ni båda utgick från", "0 kr"), ("Sparat av någon annan", "10 000 kr"),
        ("Ditt värde, kvar i formuläret", "50 000 kr")]
    assert "Kommentar: ”Deras kommentar” (var ”Gammal kommentar”)" in unescape(conflict)
    # The form holds my cost and their comment; saving now loses neither.
    assert 'value="50 000 kr"' in body
    assert re.search(r"<textarea[^>]*name=\"comment\"[^>]*>\s*Deras kommentar</textarea>", body)
    again = client.post(f"/natverk/plan/handlingsplan/{row_id}/", {
        **form, "cost": "50 000 kr", "comment": "Deras kommentar",
        "version": _field(body, "version"), "started_from": _field(body, "started_from")})
    assert again.status_code == 303
    with app.app_context():
        item = db.session.get(ActionItem, row_id)
        assert (item.cost, item.comment) == ("50 000 kr", "Deras kommentar")


def test_line_breaks_as_a_browser_sends_them_are_no_change():
    # A textarea posts CR LF; the in-place editor and the stored text have LF only.
    changes = compare_values({"comment": "Rad ett\r\nrad två"}, {"comment": "Rad ett\nrad två"},
                             {"comment": "Rad ett\r\nrad två"})
    assert changes == []


def test_a_multi_line_comment_posted_back_unchanged_is_no_conflict(app, world, login_as,
                                                                     row_id):
    """A two-line comment saved in place (LF); someone opens the row form, changes only the
    cost, and meanwhile the comment is rewritten in place. The browser posts the untouched
    comment back with CR LF: that is no change of theirs, so both changes are kept."""
    _change(app, row_id, comment="Rad ett\nrad två")
    client = login_as("member")
    form = _row_form(client, row_id)
    _change(app, row_id, comment="Omskriven")
    response = client.post(f"/natverk/plan/handlingsplan/{row_id}/",
                           {**form, "comment": "Rad ett\r\nrad två", "cost": "5 kr"})
    assert response.status_code == 303
    with app.app_context():
        item = db.session.get(ActionItem, row_id)
        assert (item.cost, item.comment) == ("5 kr", "Omskriven")


@pytest.mark.parametrize("htmx", [False, True])
def test_a_save_to_a_row_deleted_meanwhile_keeps_the_text_and_says_so(app, world, login_as,
                                                                      row_id, htmx):
    client = login_as("member")
    if htmx:
        url = f"/natverk/plan/handlingsplan/{row_id}/kommentar/andra"
        page = client.get(url, htmx=True).get_data(as_text=True)
        form = {"value": "Min långa kommentar", "version": _field(page, "version"),
                "started_from": _field(page, "started_from")}
    else:
        url = f"/natverk/plan/handlingsplan/{row_id}/"
        form = {**_row_form(client, row_id), "comment": "Min långa kommentar"}
    with app.app_context():
        services.delete_item(db.session.get(ActionItem, row_id), None)
        db.session.commit()
    response = client.post(url, form, htmx=htmx)
    assert response.status_code == 409
    page = unescape(response.get_data(as_text=True))
    assert "Raden har tagits bort medan du skrev." in page
    assert "Min långa kommentar" in page  # the text is still in the form
    assert 'type="submit" class="button' not in page.split("Raden har tagits bort")[1]
    with app.app_context():
        assert db.session.get(ActionItem, row_id).comment != "Min långa kommentar"
    # Opening the deleted row's form is still not found.
    assert client.get(f"/natverk/plan/handlingsplan/{row_id}/").status_code == 404


def test_networks_ticked_by_two_people_are_both_kept(app, world, login_as, row_id):
    """The responsible networks are a set: one person ticks one network, another (from the
    same starting point) ticks another and unticks nothing: both stay ticked."""
    with app.app_context():
        plan, klimat = (db.session.scalar(select(Network.id).where(Network.slug == slug))
                        for slug in ("plan", "klimat"))
    client = login_as("member")
    form = _row_form(client, row_id)
    _change(app, row_id, network_ids=[klimat])
    response = client.post(f"/natverk/plan/handlingsplan/{row_id}/",
                           {**form, "network_ids": [str(plan)]})
    assert response.status_code == 303
    with app.app_context():
        assert sorted(n.id for n in db.session.get(ActionItem, row_id).networks) == sorted(
            [plan, klimat])
