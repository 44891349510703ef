"""Importing the action plan again and again: rows already in the plan are left out unless
ticked in, every import is one batch that can be undone in one step, and the secretariat's
combined plan (one file for all networks) sends each row to the network its "Ansvarig" names.

Service tests first (no HTTP), then the routes and the policy."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update

from intranet import clock
from intranet.actions import imports
from intranet.actions.models import ActionImport, ActionImportBatch, ActionItem
from intranet.actions.services import deleted_items, restore_item, update_item
from intranet.audit.models import AuditEvent
from intranet.config import ROOT
from intranet.demo.seed import DEMO_PASSWORD, seed_demo
from intranet.extensions import db
from intranet.org.models import Network, Person
from tests.conftest import Client

REAL_PLAN = ROOT / "intranet" / "demo" / "handlingsplan-2021.csv"
ORGANISATION = ROOT / "intranet" / "demo" / "organisation.json"
ELIN = "elin.strand@huddinge.example"  # the secretariat
SARA = "sara.ekholm@huddinge.example"  # convener of SUP
AHMED = "ahmed.karimi@botkyrka.example"  # member of SUP
LINNEA = "linnea.holm@haninge.example"  # convener of the climate network

# The rows of the real file (by spreadsheet row) whose first named network is SUP, or that
# name none under Infrastruktur: the demo put these 9 in SUP's plan.
SUP_ROWS = {2, 3, 4, 5, 6, 7, 9, 10, 11}
# Where the combined plan sends each row, by the first network its "Ansvarig" names; the
# rows naming none ("Södertörn", municipalities) go to the network chosen (here Ekonomi).
ROUTED = {
    "SUP": {2, 3, 4, 6, 7, 11},
    "Klimat": {8, 21},
    "SNUG": {12, 14, 15, 16},
    "Kommunikation": {19, 20},
    "Ekonomi": {5, 9, 10, 13, 17, 18, 22, 23},
}


@pytest.fixture
def demo(app):
    with app.app_context():
        seed_demo(ORGANISATION)


@pytest.fixture
def ctx(app, demo, app_ctx):
    """The demo (its 22 plan rows in their networks) and an app context for services."""


def person(email: str) -> Person:
    return db.session.scalar(select(Person).where(Person.email == email))


def network(short_name: str) -> Network:
    return db.session.scalar(select(Network).where(Network.short_name == short_name))


def live_rows(net: Network) -> list[ActionItem]:
    return list(db.session.scalars(
        select(ActionItem).where(ActionItem.network_id == net.id,
                                 ActionItem.deleted_at.is_(None))
        .order_by(ActionItem.position)))


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def waiting(net: Network | None, data: bytes = b"", default: Network | None = None,
            who: str = ELIN, name: str = "handlingsplan-2021.csv") -> ActionImport:
    plan = imports.parse_upload(name, data or REAL_PLAN.read_bytes())
    assert plan.ok, (plan.errors, [(r.line, r.errors) for r in plan.failed_rows])
    pending = imports.start_import(net, person(who), plan, default_network=default)
    db.session.commit()
    return pending


def empty_the_plan() -> None:
    """Every row of the demo removed (to the trash): a plan to import the file into."""
    db.session.execute(update(ActionItem).values(deleted_at=clock.utcnow()))
    db.session.commit()


# ---------------------------------------------------------------- rows already there


def test_rows_already_in_the_network_are_marked_and_left_out_unless_ticked(ctx):
    sup = network("SUP")
    assert len(live_rows(sup)) == 9
    pending = waiting(sup)
    duplicates = imports.find_duplicates(pending)
    assert set(duplicates) == SUP_ROWS
    first = duplicates[2]
    assert first.network.id == sup.id and first.position == 1
    assert live_rows(sup)[0].id == first.item_id
    assert imports.default_selection(pending) == set(range(2, 24)) - SUP_ROWS

    batch = imports.confirm_import(pending, person(ELIN))
    db.session.commit()
    # The 13 rows other networks keep are new to SUP; the 9 it had are not added again.
    assert batch.row_count == 13 and len(live_rows(sup)) == 22
    assert [i.position for i in live_rows(sup)] == list(range(1, 23))
    events = audit("actions_imported")
    assert len(events) == 1
    assert events[0].object_type == "ActionImportBatch" and events[0].object_id == batch.id
    assert events[0].detail["rows"] == 13 and events[0].detail["left_out"] == sorted(SUP_ROWS)


def test_a_ticked_row_already_there_is_imported_all_the_same(ctx):
    sup = network("SUP")
    pending = waiting(sup)
    chosen = imports.default_selection(pending) | {3}
    batch = imports.confirm_import(pending, person(ELIN), chosen)
    db.session.commit()
    assert batch.row_count == 14 and len(live_rows(sup)) == 23
    added = [i for i in live_rows(sup) if i.import_batch_id == batch.id]
    texts = [i.activity for i in live_rows(sup)]
    assert texts.count(added[0].activity) == 2  # row 3 is now in the list twice, on purpose


def test_duplicates_compare_case_and_ends_and_only_live_rows(ctx):
    sup = network("SUP")
    first, second = live_rows(sup)[:2]
    data = ("fokusomrade,delmal,aktivitet\n"
            f"{first.sub_goal.focus_area.name},{first.sub_goal.text},"
            f"\"  {first.activity.upper()}  \"\n"
            # The same activity under another sub-goal is another row.
            "Utbildning,Genom att Södertörns högskola får universitetsstatus,"
            f"\"{first.activity}\"\n"
            f"{second.sub_goal.focus_area.name},{second.sub_goal.text},\"{second.activity}\"\n"
            # A row repeated in the file: the second is marked.
            "Näringsliv,Genom samsyn om helheten,Gemensam analys\n"
            "Näringsliv,Genom samsyn om helheten,gemensam analys\n").encode()
    second.deleted_at = clock.utcnow()  # in the trash: not in the plan
    db.session.commit()
    duplicates = imports.find_duplicates(waiting(sup, data, name="plan.csv"))
    assert set(duplicates) == {2, 6}
    assert duplicates[2].item_id == first.id
    assert duplicates[6].same_as_line == 5 and duplicates[6].network is None


def test_nothing_chosen_writes_nothing_and_the_import_keeps_waiting(ctx):
    sup = network("SUP")
    pending = waiting(sup)
    with pytest.raises(imports.NothingChosen):
        imports.confirm_import(pending, person(ELIN), [])
    with pytest.raises(imports.NothingChosen):
        imports.confirm_import(pending, person(ELIN), [999])  # not a row of the file
    db.session.commit()
    assert len(live_rows(sup)) == 9
    assert db.session.scalar(select(func.count(ActionImport.id))) == 1


# ---------------------------------------------------------------- the combined plan


def test_the_combined_plan_sends_each_row_to_the_network_it_names(ctx):
    empty_the_plan()
    ekonomi = network("Ekonomi")
    pending = waiting(None, default=ekonomi)
    assert pending.network_id is None
    preview = imports.preview(pending)
    assert not preview.duplicates
    counts = {c.network.short_name: c.new for c in preview.by_network}
    assert counts == {name: len(rows) for name, rows in ROUTED.items()}
    assert {r.line for r in preview.unnamed} == ROUTED["Ekonomi"]

    batch = imports.confirm_import(pending, person(ELIN))
    db.session.commit()
    assert batch.network_id is None and batch.row_count == 22
    for short_name, lines in ROUTED.items():
        rows = live_rows(network(short_name))
        assert len(rows) == len(lines), short_name
        assert [i.position for i in rows] == list(range(1, len(lines) + 1))
        assert all(i.import_batch_id == batch.id for i in rows)
    # Row 3 names SUP, then the climate network: SUP keeps it, both are responsible.
    charging = next(i for i in live_rows(network("SUP")) if "laddinfrastruktur" in i.activity)
    assert [n.short_name for n in charging.networks] == ["Klimat", "SUP"]
    (event,) = audit("actions_imported")
    assert event.detail["networks"] == {
        str(network(name).id): len(lines) for name, lines in ROUTED.items()}


def test_the_combined_plan_again_finds_every_row_already_in_some_network(ctx):
    # The demo holds the 22 rows; the rows naming no network are in SUP, SNUG and the
    # communication network, not in the network chosen for them: still already there.
    pending = waiting(None, default=network("Ekonomi"))
    preview = imports.preview(pending)
    assert len(preview.duplicates) == 22 and preview.new_count == 0
    assert imports.default_selection(pending) == set()
    with pytest.raises(imports.NothingChosen):
        imports.confirm_import(pending, person(ELIN))


def test_a_network_archived_before_the_confirmation_stops_the_whole_import(ctx):
    empty_the_plan()
    pending = waiting(None, default=network("Ekonomi"))
    network("Klimat").archived_at = clock.utcnow()
    db.session.flush()
    with pytest.raises(imports.ImportUnavailable):
        imports.confirm_import(pending, person(ELIN))
    db.session.rollback()
    assert db.session.scalar(select(func.count(ActionItem.id)).where(
        ActionItem.deleted_at.is_(None))) == 0


# ---------------------------------------------------------------- undo


def imported_into_sup() -> ActionImportBatch:
    sup = network("SUP")
    batch = imports.confirm_import(waiting(sup, who=SARA), person(SARA))
    db.session.commit()
    return batch


def test_undo_moves_the_batchs_rows_to_the_removed_rows_in_one_step(ctx):
    sup = network("SUP")
    before = [i.id for i in live_rows(sup)]
    batch = imported_into_sup()
    added = [i.id for i in live_rows(sup) if i.import_batch_id == batch.id]
    assert len(added) == 13

    check = imports.undo_import(batch, person(SARA))
    db.session.commit()
    assert len(check.live) == 13 and not check.changed
    assert [i.id for i in live_rows(sup)] == before
    assert [i.position for i in live_rows(sup)] == list(range(1, 10))
    assert {i.id for i in deleted_items(sup)} == set(added)
    assert all(i.deleted_by.email == SARA for i in deleted_items(sup))
    db.session.refresh(batch)
    assert batch.undone_at is not None and batch.undone_by.email == SARA
    (event,) = audit("actions_import_undone")
    assert event.object_id == batch.id and sorted(event.detail["item_ids"]) == sorted(added)

    # A removed row comes back from the trash, last in the list.
    row = deleted_items(sup)[0]
    restore_item(row, person(SARA))
    db.session.commit()
    assert live_rows(sup)[-1].id == row.id and len(live_rows(sup)) == 10


def test_undoing_twice_says_it_is_already_undone(ctx):
    batch = imported_into_sup()
    imports.undo_import(batch, person(SARA))
    db.session.commit()
    with pytest.raises(imports.AlreadyUndone):
        imports.undo_import(batch, person(ELIN))
    # Also when the batch in hand was read before the first undo (two people at once).
    db.session.execute(update(ActionImportBatch).values(undone_at=None))
    db.session.commit()
    stale = db.session.get(ActionImportBatch, batch.id)
    db.session.execute(update(ActionImportBatch).values(undone_at=clock.utcnow()))
    with pytest.raises(imports.AlreadyUndone):
        imports.undo_import(stale, person(ELIN))
    assert len(audit("actions_import_undone")) == 1


def test_rows_edited_since_the_import_are_named_before_they_are_removed(ctx):
    sup = network("SUP")
    batch = imported_into_sup()
    edited = next(i for i in live_rows(sup) if i.import_batch_id == batch.id)
    update_item(edited, person(AHMED), edited.version, {"comment": "Vår egen anteckning"})
    db.session.commit()

    with pytest.raises(imports.ChangedSinceImport) as asked:
        imports.undo_import(batch, person(SARA))
    assert [i.id for i in asked.value.check.changed] == [edited.id]
    db.session.rollback()
    assert db.session.get(ActionImportBatch, batch.id).undone_at is None

    check = imports.undo_import(batch, person(SARA), seen_changed=[edited.id])
    db.session.commit()
    assert len(check.live) == 13
    removed = db.session.get(ActionItem, edited.id)
    assert removed.deleted_at is not None and removed.comment == "Vår egen anteckning"


def test_a_row_removed_before_the_undo_stays_as_it_was(ctx):
    from intranet.actions.services import delete_item

    sup = network("SUP")
    batch = imported_into_sup()
    gone = next(i for i in live_rows(sup) if i.import_batch_id == batch.id)
    delete_item(gone, person(AHMED))
    db.session.commit()
    deleted_at = db.session.get(ActionItem, gone.id).deleted_at
    check = imports.undo_import(batch, person(SARA))
    db.session.commit()
    assert len(check.live) == 12 and check.gone == 1
    row = db.session.get(ActionItem, gone.id)
    assert row.deleted_at == deleted_at and row.deleted_by.email == AHMED


def test_the_combined_plans_batch_is_undone_in_every_network(ctx):
    empty_the_plan()
    batch = imports.confirm_import(waiting(None, default=network("Ekonomi")), person(ELIN))
    db.session.commit()
    imports.undo_import(batch, person(ELIN))
    db.session.commit()
    assert db.session.scalar(select(func.count(ActionItem.id)).where(
        ActionItem.deleted_at.is_(None))) == 0


def test_imports_are_listed_for_their_network_and_for_the_whole_plan(ctx):
    sup = network("SUP")
    own = imported_into_sup()
    empty_the_plan()
    combined = imports.confirm_import(waiting(None, default=network("Ekonomi")), person(ELIN))
    db.session.commit()
    rows = imports.network_batches(sup).items
    assert [r.batch.id for r in rows] == [combined.id, own.id]
    assert rows[0].here == len(ROUTED["SUP"]) and rows[0].live == 22
    assert rows[1].here is None and rows[1].live == 0  # the demo's emptying removed them
    assert [r.batch.id for r in imports.network_batches(network("Kommunikation")).items] == [
        combined.id]
    assert [r.batch.id for r in imports.all_batches().items] == [combined.id, own.id]


# ---------------------------------------------------------------- the routes


@pytest.fixture
def clients(app, demo):
    def login(email):
        c = Client(app)
        assert c.login(email, DEMO_PASSWORD).status_code == 303
        return c

    return login


def upload(client, url, data, **fields):
    return client.post(url, {"file": (__import__("io").BytesIO(data), "plan.csv"), **fields},
                       content_type="multipart/form-data")


def ticked(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="rows" value="(\d+)" id="[^"]+" checked',
                      page)


def count_live(app, short_name: str) -> int:
    with app.app_context():
        return len(live_rows(network(short_name)))


def test_the_preview_marks_rows_already_there_and_confirm_leaves_them_out(app, clients):
    sara = clients(SARA)
    response = upload(sara, "/natverk/sup/handlingsplan/importera", REAL_PLAN.read_bytes())
    assert response.status_code == 303
    location = response.headers["Location"]
    page = sara.get(location).get_data(as_text=True)
    assert "9 rader finns redan i handlingsplanen (samma delmål och aktivitet)." in page
    assert sorted(map(int, ticked(page))) == sorted(set(range(2, 24)) - SUP_ROWS)
    assert page.count('class="badge badge--warn">Finns redan</span>') == 9
    assert re.search(r'id="import-duplicate-2">.*?SUP, rad 1</a>', page, re.S)

    # Nothing ticked: the preview comes back with the message, nothing is written.
    refused = sara.post(location + "/bekrafta", {})
    assert refused.status_code == 422
    assert "Ingen rad är markerad." in refused.get_data(as_text=True)
    assert count_live(app, "SUP") == 9

    done = sara.post(location + "/bekrafta", {"rows": ticked(page) + ["2"]})
    assert done.status_code == 303
    assert re.fullmatch(r"/natverk/sup/handlingsplan/\?import=\d+", done.headers["Location"])
    assert count_live(app, "SUP") == 9 + 14
    listed = sara.get(done.headers["Location"]).get_data(as_text=True)
    assert "14 rader importerades." in listed
    assert "Du importerade 14 rader från plan.csv." in listed
    assert "Ångra importen" in listed


def test_undo_from_the_list_and_the_imports_page(app, clients):
    sara = clients(SARA)
    location = upload(sara, "/natverk/sup/handlingsplan/importera",
                      REAL_PLAN.read_bytes()).headers["Location"]
    page = sara.get(location).get_data(as_text=True)
    done = sara.post(location + "/bekrafta", {"rows": ticked(page)})
    batch_id = int(done.headers["Location"].rsplit("=", 1)[1])
    undo = f"/natverk/sup/handlingsplan/importer/{batch_id}/angra"

    # Another network's member may not; nor through the combined plan's URL.
    linnea = clients(LINNEA)
    assert linnea.post(undo, {"back": "list"}).status_code == 403
    assert linnea.post(f"/handlingsplan/importer/{batch_id}/angra").status_code == 403
    assert linnea.post(undo.replace("/sup/", "/klimat/")).status_code == 404
    assert sara.get(undo).status_code == 405  # POST only
    assert count_live(app, "SUP") == 22

    response = sara.post(undo, {"back": "list"})
    assert response.status_code == 303 and response.headers["Location"] == (
        "/natverk/sup/handlingsplan/")
    listed = sara.get(response.headers["Location"]).get_data(as_text=True)
    assert ("Importen ångrades: 13 rader togs bort. De finns bland borttagna rader och kan "
            "återställas där. <a href=\"/natverk/sup/handlingsplan/borttagna\">Visa borttagna "
            "rader</a>") in listed
    assert count_live(app, "SUP") == 9
    # The list no longer offers the undo of an undone import.
    assert "Ångra importen" not in sara.get(f"/natverk/sup/handlingsplan/?import={batch_id}"
                                            ).get_data(as_text=True)
    trash = sara.get("/natverk/sup/handlingsplan/borttagna").get_data(as_text=True)
    assert trash.count("Återställ<span") == 13

    again = sara.post(undo)
    assert again.status_code == 303
    assert again.headers["Location"] == "/natverk/sup/handlingsplan/importer"
    history = sara.get(again.headers["Location"]).get_data(as_text=True)
    assert "Importen är redan ångrad." in history
    assert "plan.csv" in history and "Ångrad" in history and "Sara Ekholm" in history


def test_undo_asks_first_when_rows_were_edited_since(app, clients):
    ahmed = clients(AHMED)  # a member imports; the undo is his too
    location = upload(ahmed, "/natverk/sup/handlingsplan/importera",
                      REAL_PLAN.read_bytes()).headers["Location"]
    page = ahmed.get(location).get_data(as_text=True)
    batch_id = int(ahmed.post(location + "/bekrafta", {"rows": ticked(page)})
                   .headers["Location"].rsplit("=", 1)[1])
    with app.app_context():
        item = db.session.scalar(select(ActionItem).where(
            ActionItem.import_batch_id == batch_id).order_by(ActionItem.position))
        update_item(item, person(SARA), item.version, {"status": "klar"})
        db.session.commit()
        item_id, activity = item.id, item.activity
    undo = f"/natverk/sup/handlingsplan/importer/{batch_id}/angra"
    asked = ahmed.post(undo, {"back": "list"})
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert ("1 rad från importen har ändrats sedan den importerades. Ångrar du importen tas "
            "den också bort") in body
    assert activity[:40] in body and "Sara Ekholm" in body
    assert f'name="seen" value="{item_id}"' in body and 'name="back" value="list"' in body
    assert count_live(app, "SUP") == 22

    assert ahmed.post(undo, {"back": "list", "seen": str(item_id)}).status_code == 303
    assert count_live(app, "SUP") == 9
    # A member cannot restore rows: the message says who can.
    assert "Nätverkets sammankallande och kansliet kan återställa dem." in ahmed.get(
        "/natverk/sup/handlingsplan/").get_data(as_text=True)


def test_the_secretariat_imports_the_combined_plan_into_the_named_networks(app, clients):
    with app.app_context():
        empty_the_plan()
        ekonomi_id = network("Ekonomi").id
    elin = clients(ELIN)
    # The network for rows naming none is required; the file is read only with it.
    missing = upload(elin, "/handlingsplan/importera", REAL_PLAN.read_bytes())
    assert missing.status_code == 422
    assert "Välj ett nätverk för raderna som inte nämner något nätverk." in missing.get_data(
        as_text=True)
    response = upload(elin, "/handlingsplan/importera", REAL_PLAN.read_bytes(),
                      default_network_id=str(ekonomi_id))
    assert response.status_code == 303
    location = response.headers["Location"]
    page = elin.get(location).get_data(as_text=True)
    assert "8 rader nämner inget nätverk och läggs i Nätverket för ekonomidirektörer." in page
    # What the file holds per network: new rows and rows already there.
    for name, new in (("Nätverket för planeringschefer", 6), ("Klimatnätverket", 2),
                      ("Näringslivschefer", 4)):
        assert re.search(rf'<th scope="row">{name}</th><td>{new}</td><td>0</td>', page), name
    assert "Som förvalt importeras 22 rader." in page
    assert len(ticked(page)) == 22

    done = elin.post(location + "/bekrafta", {"rows": ticked(page)})
    assert done.status_code == 303
    assert re.fullmatch(r"/handlingsplan/\?import=\d+", done.headers["Location"])
    plan_page = elin.get(done.headers["Location"]).get_data(as_text=True)
    assert ("22 rader importerades: 2 till Klimatnätverket, 2 till Kommunikationsnätverket, "
            "4 till Näringslivschefer, 8 till Nätverket för ekonomidirektörer, "
            "6 till Nätverket för planeringschefer.") in plan_page
    assert "Du importerade 22 rader från plan.csv." in plan_page
    assert {name: count_live(app, name) for name in ROUTED} == {
        name: len(rows) for name, rows in ROUTED.items()}
    history = elin.get("/handlingsplan/importer").get_data(as_text=True)
    assert "Gemensam plan (flera nätverk)" in history

    # The climate network's convener edits the climate rows, now the network's own; not
    # SUP's. A SUP member cannot undo the combined import.
    linnea = clients(LINNEA)
    with app.app_context():
        klimat_row = live_rows(network("Klimat"))[0]
        sup_row = live_rows(network("SUP"))[0]
        batch_id = klimat_row.import_batch_id
    edit = f"/natverk/klimat/handlingsplan/{klimat_row.id}/aktivitet/andra"
    assert linnea.get(edit).status_code == 200
    saved = linnea.post(edit, {"value": "Laddinfrastruktur, uppdaterad", "version": "1"})
    assert saved.status_code == 303
    assert linnea.get(f"/natverk/sup/handlingsplan/{sup_row.id}/").status_code == 403
    assert clients(SARA).post(f"/handlingsplan/importer/{batch_id}/angra").status_code == 403
    # Its list shows where the rows came from; the undo is the secretariat's.
    listed = linnea.get("/natverk/klimat/handlingsplan/importer").get_data(as_text=True)
    assert "2 av 22 (övriga i andra nätverk)" in listed and "Ångra importen" not in listed

    # The secretariat undoes it in one step, after being told of the edited row.
    asked = elin.post(f"/handlingsplan/importer/{batch_id}/angra")
    assert asked.status_code == 200 and "Laddinfrastruktur, uppdaterad" in asked.get_data(
        as_text=True)
    undone = elin.post(f"/handlingsplan/importer/{batch_id}/angra",
                       {"seen": str(klimat_row.id)})
    assert undone.status_code == 303
    assert all(count_live(app, name) == 0 for name in ROUTED)
    # The message and the list link each network's removed rows, where the rows now are.
    history = elin.get(undone.headers["Location"]).get_data(as_text=True)
    message = re.search(r'<p class="message message--success">(.*?)</p>', history, re.S)[1]
    assert message.startswith("Importen ångrades: 22 rader togs bort. De finns bland varje "
                              "nätverks borttagna rader och kan återställas där. Borttagna "
                              "rader i ")
    row = re.search(rf'<tr id="import-{batch_id}">(.*?)</tr>', history, re.S)[1]
    with app.app_context():
        for short_name, lines in ROUTED.items():
            net = network(short_name)
            link = f'<a href="/natverk/{net.slug}/handlingsplan/borttagna">{net.name}</a>'
            assert link in message, short_name
            assert f"{link} ({len(lines)} rad" in row, short_name


def test_only_the_secretariat_sees_the_combined_import(app, clients):
    sara = clients(SARA)
    assert sara.get("/handlingsplan/importera").status_code == 403
    assert "/handlingsplan/importera" not in sara.get("/handlingsplan/").get_data(as_text=True)
    elin = clients(ELIN)
    assert 'href="/handlingsplan/importera"' in elin.get("/handlingsplan/").get_data(
        as_text=True)


# ---------------------------------------------------------------- what an upload may cost


def test_a_person_keeps_at_most_a_few_waiting_imports(ctx):
    sup = network("SUP")
    tokens = [waiting(sup, who=SARA).token for _ in range(imports.MAX_WAITING_IMPORTS + 3)]
    kept = set(db.session.scalars(select(ActionImport.token).where(
        ActionImport.person_id == person(SARA).id)))
    assert kept == set(tokens[-imports.MAX_WAITING_IMPORTS:])


def test_a_network_archived_since_the_preview_is_not_tagged_on_the_rows(ctx):
    empty_the_plan()
    pending = waiting(network("SUP"), who=SARA)
    klimat = network("Klimat")
    assert any(klimat.id in row["network_ids"] for row in pending.rows)
    klimat.archived_at = clock.utcnow()
    db.session.flush()
    imports.confirm_import(pending, person(SARA))
    db.session.commit()
    assert all(klimat not in item.networks for item in live_rows(network("SUP")))


def test_a_networks_import_is_undone_from_the_networks_list_not_the_combined_plans(
        app, clients):
    with app.app_context():
        batch_id = imported_into_sup().id
    ahmed = clients(AHMED)
    assert ahmed.post(f"/handlingsplan/importer/{batch_id}/angra").status_code == 403
    with app.app_context():
        assert db.session.get(ActionImportBatch, batch_id).undone_at is None


# ---------------------------------------------------------------- the counts follow the ticks


def test_the_combined_preview_counts_the_file_and_the_message_the_rows_ticked(app, clients):
    """The demo holds every row of the file: the table says so per network, and the message
    after the confirmation counts the rows ticked in, per network."""
    elin = clients(ELIN)
    with app.app_context():
        ekonomi_id = network("Ekonomi").id
    location = upload(elin, "/handlingsplan/importera", REAL_PLAN.read_bytes(),
                      default_network_id=str(ekonomi_id)).headers["Location"]
    page = elin.get(location).get_data(as_text=True)
    table = re.search(r'<table class="[^"]*import-per-network">(.*?)</table>', page, re.S)[1]
    assert re.search(r'<th scope="col">Nya rader</th><th scope="col">Finns redan</th>'
                     r'<th scope="col" data-import-count hidden>Importeras</th>', table)
    assert re.search(r'<th scope="row">Klimatnätverket</th><td>0</td><td>2</td>'
                     r'<td data-import-count="\d+" hidden></td>', table)
    assert "Som förvalt importeras 0 rader." in page and ticked(page) == []
    # The live count's sentences wait for the script (hidden without it), each box names the
    # network it goes to.
    assert re.search(r'<p class="import-chosen" id="import-chosen" aria-live="polite" hidden '
                     r'data-none="Ingen rad är markerad." data-one="\{num\} rad är markerad och '
                     r'importeras när du bekräftar." data-other="\{num\} rader är markerade och '
                     r'importeras när du bekräftar."', page)
    with app.app_context():
        klimat_id = network("Klimat").id
    assert re.search(rf'value="8" id="import-choice-8"[^>]*data-network="{klimat_id}"', page)

    done = elin.post(location + "/bekrafta", {"rows": ["2", "3", "8"]})
    assert done.status_code == 303
    assert ("3 rader importerades: 1 till Klimatnätverket, 2 till Nätverket för "
            "planeringschefer.") in elin.get(done.headers["Location"]).get_data(as_text=True)


def test_a_combined_import_into_one_network_names_it_once(app, clients):
    elin = clients(ELIN)
    with app.app_context():
        ekonomi_id = network("Ekonomi").id
    location = upload(elin, "/handlingsplan/importera", REAL_PLAN.read_bytes(),
                      default_network_id=str(ekonomi_id)).headers["Location"]
    done = elin.post(location + "/bekrafta", {"rows": ["8", "21"]})
    assert "2 rader importerades till Klimatnätverket." in elin.get(
        done.headers["Location"]).get_data(as_text=True)


def test_the_list_of_imports_is_called_previous_imports_beside_import(app, clients):
    elin = clients(ELIN)
    for url, imports_url in (("/natverk/sup/handlingsplan/", "/natverk/sup/handlingsplan/importer"),
                             ("/handlingsplan/", "/handlingsplan/importer")):
        page = elin.get(url).get_data(as_text=True)
        assert f'<a href="{imports_url}">Tidigare importer</a>' in page, url
        assert ">Importer<" not in page, url
        listed = elin.get(imports_url).get_data(as_text=True)
        assert re.search(r"<title>Tidigare importer – ", listed), imports_url
        assert re.search(r'<h[12] class="section-head__title">Tidigare importer</h[12]>', listed)


# ---------------------------------------------------------------- taking an undo back


def undone_sup_import() -> ActionImportBatch:
    batch = imported_into_sup()
    imports.undo_import(batch, person(SARA))
    db.session.commit()
    return batch


def test_restoring_an_undone_batch_brings_its_rows_back_in_one_step(ctx):
    sup = network("SUP")
    before = [i.id for i in live_rows(sup)]
    batch = undone_sup_import()
    removed = sorted(i.id for i in deleted_items(sup) if i.import_batch_id == batch.id)
    assert len(removed) == 13 and len(live_rows(sup)) == 9
    listed = imports.undone_batches(sup)
    assert [(e.batch.id, e.here, e.total) for e in listed] == [(batch.id, 13, 13)]

    counts = imports.restore_batch(batch, person(ELIN))
    db.session.commit()
    assert [(n.id, k) for n, k in counts] == [(sup.id, 13)]
    rows = live_rows(sup)
    # Back after the rows the network had, in the order they were imported in (the ids'
    # order: the import wrote them in the file's order).
    assert [i.id for i in rows[:9]] == before and [i.id for i in rows[9:]] == removed
    assert [i.position for i in rows] == list(range(1, 23))
    db.session.refresh(batch)
    assert batch.undone_at is None and batch.undone_by_id is None
    assert imports.undone_batches(sup) == []
    (event,) = audit("actions_import_restored")
    assert event.object_id == batch.id and event.actor.email == ELIN
    assert sorted(event.detail["item_ids"]) == removed and event.detail["rows"] == 13
    assert event.detail["networks"] == {str(sup.id): 13}
    # As they were: not counted as edited when the import is undone again.
    check = imports.undo_import(batch, person(SARA))
    assert len(check.live) == 13 and check.changed == []


def test_restoring_leaves_rows_removed_before_the_undo_or_again_since(ctx):
    from intranet.actions.services import delete_item

    sup = network("SUP")
    batch = imported_into_sup()
    rows = [i for i in live_rows(sup) if i.import_batch_id == batch.id]
    delete_item(rows[0], person(AHMED))  # removed before the undo
    db.session.commit()
    imports.undo_import(batch, person(SARA))
    db.session.commit()
    # One row restored by itself and removed again: not the undo's any more.
    again = db.session.get(ActionItem, rows[1].id)
    restore_item(again, person(SARA))
    db.session.commit()
    delete_item(db.session.get(ActionItem, rows[1].id), person(SARA))
    db.session.commit()
    assert [(e.here, e.total) for e in imports.undone_batches(sup)] == [(11, 11)]

    counts = imports.restore_batch(batch, person(SARA))
    db.session.commit()
    assert [k for _, k in counts] == [11]
    assert {i.id for i in deleted_items(sup)} == {rows[0].id, rows[1].id}
    assert db.session.get(ActionItem, rows[0].id).deleted_by.email == AHMED


def test_an_edit_after_the_restore_is_asked_about_at_the_next_undo(ctx):
    batch = undone_sup_import()
    imports.restore_batch(batch, person(SARA))
    db.session.commit()
    sup = network("SUP")
    edited = next(i for i in live_rows(sup) if i.import_batch_id == batch.id)
    assert edited.version == 3  # imported, undone, restored: an edit opened before fails
    update_item(edited, person(AHMED), edited.version, {"comment": "Efter återställningen"})
    db.session.commit()
    with pytest.raises(imports.ChangedSinceImport) as asked:
        imports.undo_import(batch, person(SARA))
    assert [i.id for i in asked.value.check.changed] == [edited.id]


def test_a_batch_not_undone_or_restored_already_is_not_restored_again(ctx):
    batch = imported_into_sup()
    with pytest.raises(imports.NotUndone):
        imports.restore_batch(batch, person(SARA))
    imports.undo_import(batch, person(SARA))
    db.session.commit()
    # Read before someone else restores it: the second restore finds nothing to do.
    stale = db.session.get(ActionImportBatch, batch.id)
    imports.restore_batch(batch, person(ELIN))
    db.session.commit()
    with pytest.raises(imports.NotUndone):
        imports.restore_batch(stale, person(SARA))
    assert len(audit("actions_import_restored")) == 1
    assert len(live_rows(network("SUP"))) == 22


def test_the_combined_plans_batch_is_restored_in_every_network(ctx):
    empty_the_plan()
    batch = imports.confirm_import(waiting(None, default=network("Ekonomi")), person(ELIN))
    db.session.commit()
    imports.undo_import(batch, person(ELIN))
    db.session.commit()
    klimat = network("Klimat")
    assert [(e.here, e.total) for e in imports.undone_batches(klimat)] == [(2, 22)]
    counts = imports.restore_batch(batch, person(ELIN))
    db.session.commit()
    assert {n.short_name: k for n, k in counts} == {
        name: len(lines) for name, lines in ROUTED.items()}
    for short_name, lines in ROUTED.items():
        assert len(live_rows(network(short_name))) == len(lines), short_name


def test_the_removed_rows_restore_an_undone_import_in_one_click(app, clients):
    with app.app_context():
        batch = undone_sup_import()
        batch_id, created = batch.id, batch.created_at
    sara = clients(SARA)  # the convener: she may undo, and so restore
    trash = sara.get("/natverk/sup/handlingsplan/borttagna").get_data(as_text=True)
    assert "Importen handlingsplan-2021.csv ångrades" in trash
    assert "13 av raderna nedan kommer från den." in trash
    button = re.search(r'<form method="post" action="(/natverk/sup/handlingsplan/importer/'
                       rf'{batch_id}/aterstall)">.*?<button[^>]*>(Återställ alla från importen '
                       r'handlingsplan-2021\.csv \([^)]+\))</button>', trash, re.S)
    assert button, trash[trash.find("<main"):][:3000]
    assert created.strftime("%Y") in button[2]

    # Another network's convener may not; nor through her network's address.
    linnea = clients(LINNEA)
    assert linnea.post(button[1], {"back": "trash"}).status_code == 403
    assert linnea.post(button[1].replace("/sup/", "/klimat/")).status_code == 404
    assert sara.get(button[1]).status_code == 405
    assert count_live(app, "SUP") == 9

    done = sara.post(button[1], {"back": "trash"})
    assert done.status_code == 303
    assert done.headers["Location"] == "/natverk/sup/handlingsplan/borttagna"
    after = sara.get(done.headers["Location"]).get_data(as_text=True)
    assert ("Importen återställdes: 13 rader är tillbaka i Nätverket för planeringschefer, "
            "sist i listan.") in after
    assert "Återställ alla från importen" not in after
    assert count_live(app, "SUP") == 22
    again = sara.post(button[1], {"back": "trash"})
    assert again.status_code == 303
    assert "Importen är inte ångrad" in sara.get(again.headers["Location"]).get_data(
        as_text=True)


def test_a_member_who_undid_an_import_restores_it_from_the_imports(app, clients):
    ahmed = clients(AHMED)  # a member: no removed rows page, but the import is his to undo
    with app.app_context():
        batch_id = undone_sup_import().id
    assert ahmed.get("/natverk/sup/handlingsplan/borttagna").status_code == 403
    listed = ahmed.get("/natverk/sup/handlingsplan/importer").get_data(as_text=True)
    row = re.search(rf'<tr id="import-{batch_id}">(.*?)</tr>', listed, re.S)[1]
    assert "Ångrad" in row and "Återställ importen" in row
    assert "Borttagna rader" not in row  # not his to see
    done = ahmed.post(f"/natverk/sup/handlingsplan/importer/{batch_id}/aterstall",
                      {"back": "imports"})
    assert done.headers["Location"] == "/natverk/sup/handlingsplan/importer"
    assert count_live(app, "SUP") == 22
    listed = ahmed.get(done.headers["Location"]).get_data(as_text=True)
    row = re.search(rf'<tr id="import-{batch_id}">(.*?)</tr>', listed, re.S)[1]
    assert "Ångrad" not in row and "Återställ importen" not in row


def test_the_combined_plans_undone_import_is_restored_by_the_secretariat(app, clients):
    with app.app_context():
        empty_the_plan()
        batch = imports.confirm_import(waiting(None, default=network("Ekonomi")), person(ELIN))
        db.session.commit()
        imports.undo_import(batch, person(ELIN))
        db.session.commit()
        batch_id = batch.id
    url = f"/natverk/klimat/handlingsplan/importer/{batch_id}/aterstall"
    # The climate network's convener sees where its rows came from; the whole import is
    # the secretariat's to restore.
    linnea = clients(LINNEA)
    trash = linnea.get("/natverk/klimat/handlingsplan/borttagna").get_data(as_text=True)
    assert "2 av raderna nedan kommer från den." in trash
    assert "kansliet kan återställa hela importen i ett steg" in trash
    assert "Återställ alla från importen" not in trash
    assert linnea.post(url, {"back": "trash"}).status_code == 403
    assert clients(SARA).post(f"/handlingsplan/importer/{batch_id}/aterstall").status_code == 403

    elin = clients(ELIN)
    trash = elin.get("/natverk/klimat/handlingsplan/borttagna").get_data(as_text=True)
    assert "20 rader till kommer tillbaka i andra nätverk." in trash
    assert f'action="{url}"' in trash
    done = elin.post(url, {"back": "trash"})
    assert done.headers["Location"] == "/natverk/klimat/handlingsplan/borttagna"
    message = elin.get(done.headers["Location"]).get_data(as_text=True)
    assert ("Importen återställdes: 22 rader är tillbaka, sist i varje nätverks lista: "
            "2 i Klimatnätverket, 2 i Kommunikationsnätverket, 4 i Näringslivschefer, "
            "8 i Nätverket för ekonomidirektörer, 6 i Nätverket för planeringschefer.") in message
    assert {name: count_live(app, name) for name in ROUTED} == {
        name: len(rows) for name, rows in ROUTED.items()}

    # Undone again, it is restored from the list of every import too.
    with app.app_context():
        imports.undo_import(db.session.get(ActionImportBatch, batch_id), person(ELIN))
        db.session.commit()
    listed = elin.get("/handlingsplan/importer").get_data(as_text=True)
    assert f'action="/handlingsplan/importer/{batch_id}/aterstall"' in listed
    assert elin.post(f"/handlingsplan/importer/{batch_id}/aterstall",
                     {"back": "imports"}).headers["Location"] == "/handlingsplan/importer"
    assert count_live(app, "Klimat") == 2


def test_undoing_and_restoring_a_combined_import_leaves_an_archived_networks_rows_alone(ctx):
    empty_the_plan()
    batch = imports.confirm_import(waiting(None, default=network("Ekonomi")), person(ELIN))
    db.session.commit()
    klimat = network("Klimat")
    kept = {item.id for item in live_rows(klimat)}
    assert kept
    klimat.archived_at = clock.utcnow()
    db.session.commit()

    imports.undo_import(batch, person(ELIN))
    db.session.commit()
    assert {item.id for item in live_rows(klimat)} == kept
    assert live_rows(network("SUP")) == []

    klimat.archived_at = None  # the archive taken back: its rows were never removed
    db.session.commit()
    imports.restore_batch(batch, person(ELIN))
    db.session.commit()
    assert {item.id for item in live_rows(klimat)} == kept
    assert live_rows(network("SUP"))


def test_restoring_a_combined_import_leaves_rows_of_a_network_archived_since_removed(ctx):
    empty_the_plan()
    batch = imports.confirm_import(waiting(None, default=network("Ekonomi")), person(ELIN))
    db.session.commit()
    imports.undo_import(batch, person(ELIN))
    db.session.commit()
    klimat = network("Klimat")
    klimat.archived_at = clock.utcnow()
    db.session.commit()
    imports.restore_batch(batch, person(ELIN))
    db.session.commit()
    assert live_rows(klimat) == [] and live_rows(network("SUP"))
