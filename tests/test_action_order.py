"""The combined plan and the action lists are searched and sorted in the database, by keys
kept with the texts: the same rows in the same order as Python's Swedish order and
case-folded search, whatever the texts hold (å, ä, ö, case, spaces, LIKE's own characters)."""

from __future__ import annotations

import itertools
from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intranet.actions import services
from intranet.actions.models import STATUS_ORDER, ActionItem
from intranet.actions.services import SORTS, ActionFilter
from intranet.extensions import db
from intranet.networks.services import update_network
from intranet.org.models import FocusArea, Network, SubGoal
from intranet.text import sort_key
from tests.conftest import make_action

# ---------------------------------------------------------------- Python's order, for reference


def swedish(text: str | None) -> tuple:
    """Swedish order written out: case folded, å before ä before ö, empty last."""
    value = (text or "").strip().casefold()
    value = "".join({"å": "ä", "ä": "å"}.get(c, c) for c in value)
    return (value == "", value)


REFERENCE_KEYS = {
    "nr": lambda i: (swedish(i.network.name), i.network.id, i.position, i.id),
    "delmal": lambda i: (i.sub_goal.focus_area.position, i.sub_goal.position),
    "aktivitet": lambda i: swedish(i.activity),
    "ansvarig": lambda i: swedish(i.responsible),
    "kostnad": lambda i: swedish(i.cost),
    "tid": lambda i: (i.due_date is None, i.due_date or date.min, swedish(i.time_text)),
    "datum": lambda i: (i.due_date is None, i.due_date or date.min),
    "status": lambda i: STATUS_ORDER.index(i.status),
    "andrad": lambda i: i.updated_at,
    "natverk": lambda i: swedish(i.network.name),
}


def reference(view: ActionFilter, items: list[ActionItem]) -> list[int]:
    words = view.q.casefold().split()

    def haystack(i):
        return " ".join([i.activity, i.responsible, i.cost, i.time_text, i.comment,
                         i.sub_goal.text, i.sub_goal.focus_area.name, i.network.name,
                         i.network.short_name]).casefold()

    rows = [i for i in items if all(w in haystack(i) for w in words)]
    rows.sort(key=REFERENCE_KEYS["nr"])  # ties in plan order, also when descending
    rows.sort(key=REFERENCE_KEYS[view.sort], reverse=view.descending)
    return [i.id for i in rows]


# ---------------------------------------------------------------- texts that sort and match apart


ROWS = [  # activity, responsible, cost, time, comment, due date, status
    ("Åtgärd för stombuss", "Kansliet", "", "Q1", "", None, "planerad"),
    ("ärende om bygglov", "", "10 000 kr", "", "50% klart", date(2027, 3, 1), "pagar"),
    ("Ökad samverkan", "kansliet", "5_000", "våren", "", date(2027, 1, 15), "klar"),
    ("  zebra  ", "ÄNGBY", "", "Löpande", "back\\slash", None, "pausad"),
    ("", "Östen", "Å", "ä", "", date(2027, 1, 15), "planerad"),
    ("Émile och ångest", "", "", "", "Tomt", date(2026, 12, 31), "pagar"),
    ("aa", "AA", "a", "", "ÅTGÄRD", None, "klar"),
    ("Avslut", "Anna", "100%", "Q1", "", date(2027, 3, 1), "planerad"),
]


@pytest.fixture
def tricky(app, world):
    """Rows over four networks (one archived) and two focus areas; a deleted row."""
    with app.app_context():
        second = FocusArea(name="Å-området", position=1)
        db.session.add(second)
        db.session.flush()
        goals = [db.session.scalar(select(SubGoal)),
                 SubGoal(focus_area_id=second.id, text="Ökad trygghet", position=0),
                 SubGoal(focus_area_id=second.id, text="100% förnybart", position=1)]
        db.session.add_all(goals[1:])
        networks = [world.network(), world.network("other_network"),
                    Network(name="Ärlinge samverkan", short_name="ÄS", slug="arlinge"),
                    Network(name="alby 50% nätverk", short_name="a_b", slug="alby")]
        archived = Network(name="Arkiverat nätverk", short_name="ARK", slug="ark",
                           archived_at=datetime(2026, 1, 1))
        db.session.add_all([*networks[2:], archived])
        db.session.flush()
        stamps = [datetime(2026, 11, d) for d in (3, 1, 2)]
        for n, (row, network) in enumerate(zip(
                ROWS * 2, itertools.cycle(networks), strict=False)):
            activity, responsible, cost, time_text, comment, due, status = row
            make_action(network, activity, sub_goal=goals[n % 3], responsible=responsible,
                        cost=cost, time_text=time_text, comment=comment, due_date=due,
                        status=status, updated_at=stamps[n % 3])
        make_action(archived, "Åtgärd i arkivet")
        deleted = make_action(networks[0], "Åtgärd borttagen")
        deleted.deleted_at = datetime(2026, 11, 5)
        db.session.commit()


def _live_rows() -> list[ActionItem]:
    return list(db.session.scalars(
        select(ActionItem).join(ActionItem.network)
        .where(ActionItem.deleted_at.is_(None), Network.archived_at.is_(None))
        .options(selectinload(ActionItem.network),
                 selectinload(ActionItem.sub_goal).selectinload(SubGoal.focus_area))))


SEARCHES = ["", "å", "Ä", "ök", "ÅTGÄRD", "%", "_", "\\", "50%", "5_0", "a_b", "ärlinge",
            "trygghet", "å-området", "100%", "kansliet q1", "infrastruktur klar", "zz",
            "  spaced   out  "]


def test_every_sort_in_both_directions_is_python_s_swedish_order(app, tricky):
    with app.app_context():
        items = _live_rows()
        assert len(items) == 16
        for sort, descending in itertools.product(SORTS, (False, True)):
            view = ActionFilter(sort=sort, descending=descending)
            got = [i.id for i in services.list_items(view)]
            assert got == reference(view, items), (sort, descending)


def test_every_search_finds_what_python_s_case_folded_search_finds(app, tricky):
    with app.app_context():
        items = _live_rows()
        for q, sort in itertools.product(SEARCHES, ("nr", "aktivitet")):
            view = ActionFilter(q=" ".join(q.split()), sort=sort)
            got = [i.id for i in services.list_items(view)]
            assert got == reference(view, items), (q, sort)
        # Not vacuous: the searches find different, non-empty sets.
        found = {tuple(reference(ActionFilter(q=q), items)) for q in SEARCHES}
        assert len(found) > 10 and () in found


def test_the_plan_s_pages_are_cut_from_the_same_order(app, tricky):
    with app.app_context():
        items = _live_rows()
        for view in (ActionFilter(sort="aktivitet"), ActionFilter(sort="natverk", descending=True),
                     ActionFilter(q="å", sort="tid"), ActionFilter(sort="kostnad")):
            expected = reference(view, items)
            pages = [services.plan_page(view, page, 5) for page in (1, 2, 3, 4)]
            assert [i.id for p in pages for i in p.items] == expected, view
            assert pages[0].total == len(expected)


def test_a_filter_with_search_within_one_network(app, world, tricky):
    with app.app_context():
        network = world.network()
        view = ActionFilter(q="å", sort="ansvarig", descending=True)
        expected = [i for i in reference(view, _live_rows())
                    if db.session.get(ActionItem, i).network_id == network.id]
        assert [i.id for i in services.list_items(view, network)] == expected
        assert expected


# ---------------------------------------------------------------- the keys follow the texts


def _keys_match() -> None:
    db.session.expire_all()
    for item in db.session.scalars(select(ActionItem)):
        assert (item.activity_key, item.responsible_key, item.cost_key, item.time_key,
                item.comment_key) == tuple(sort_key(t) for t in (
                    item.activity, item.responsible, item.cost, item.time_text, item.comment))
    for network in db.session.scalars(select(Network)):
        assert network.name_key == sort_key(network.name)


def test_every_write_keeps_the_keys_with_the_texts(app, world):
    with app.app_context():
        actor = world.person("convener")
        network = world.network()
        goal = db.session.scalar(select(SubGoal))
        item = services.create_item(network, actor, {
            "sub_goal_id": goal.id, "activity": " Ökad Takt ", "responsible": "Åsa",
            "cost": "", "time_text": "Vår", "comment": "ÄR", "status": "planerad",
            "due_date": None, "network_ids": [], "municipality_ids": []})
        db.session.commit()
        assert item.activity_key == "ökad takt" and item.responsible_key == "äsa"
        _keys_match()

        # One column: the plain UPDATE; with the links: the unit of work.
        services.update_item(item, actor, item.version, {"activity": "Ärende"})
        db.session.commit()
        _keys_match()
        services.update_item(item, actor, item.version, {
            "comment": "Åter", "network_ids": [world.ids.other_network]})
        db.session.commit()
        _keys_match()
        assert [i.id for i in services.list_items(ActionFilter(q="åter"))] == [item.id]

        update_network(network, actor=actor, name="Ärlinge planering", short_name="PLAN",
                       focus_areas=[],
                       description="")
        db.session.commit()
        _keys_match()
        assert network.name_key == "årlinge planering"


def test_the_follow_up_counts_what_python_counts_without_archived_or_deleted_rows(app, tricky):
    on = date(2027, 2, 1)
    with app.app_context():
        items = _live_rows()
        result = services.follow_up(on=on)
        by_network = {r.network.id: (r.counts, r.overdue) for r in result.by_network}
        by_area = {r.focus_area.id: (r.counts, r.overdue) for r in result.by_focus_area}
        for rows, key in ((by_network, lambda i: i.network_id),
                          (by_area, lambda i: i.sub_goal.focus_area_id)):
            for row_id, (counts, overdue) in rows.items():
                mine = [i for i in items if key(i) == row_id]
                assert counts == {s: sum(i.status == s for i in mine) for s in STATUS_ORDER}
                assert overdue == sum(i.is_overdue(on) for i in mine)
        assert result.total.total == len(items) == 16
        assert result.total.overdue == sum(i.is_overdue(on) for i in items) > 0


def test_the_files_hold_the_view_s_rows_in_the_page_s_order(app, world, tricky):
    with app.app_context():
        areas = services.focus_areas()
        for view in (ActionFilter(), ActionFilter(sort="aktivitet", descending=True),
                     ActionFilter(q="å", sort="tid")):
            items = services.list_items(view)
            grouped = [(i.activity, i.network.name)
                       for area in services.group_by_programme(items, areas, False)
                       for goal in area.sub_goals for i in goal.items]
            rows = services.export_rows(view, by_programme=True)
            assert [(r.activity, r.network) for r in rows] == grouped
            assert len(grouped) == len(items)
        network = world.network()
        view = ActionFilter(sort="kostnad")
        assert [r.activity for r in services.export_rows(view, network)] == [
            i.activity for i in services.list_items(view, network)]


def test_a_file_shows_who_changed_a_row_and_when_in_swedish_time(app, world, tricky,
                                                                 login_as):
    with app.app_context():
        item = db.session.scalar(select(ActionItem).where(ActionItem.activity == "aa")
                                 .order_by(ActionItem.id))
        item.updated_at = datetime(2026, 7, 1, 10, 5)  # UTC; summer time in Stockholm
        item.updated_by_id = world.ids.convener
        db.session.commit()
    body = login_as("director").get("/handlingsplan/export.csv?q=aa").get_data(as_text=True)
    assert "2026-07-01 12:05;Kalle Sammankallande" in body
