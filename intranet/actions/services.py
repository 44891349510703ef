"""The action list's reads and writes. Writes take plain arguments, add an audit row to the
same transaction and never commit: the route commits once."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, bindparam, case, delete, func, or_, select, update
from sqlalchemy.orm import aliased, selectinload

from intranet import clock
from intranet.actions.importer import Programme
from intranet.actions.models import (
    STATUS_ORDER,
    ActionImport,
    ActionItem,
    ActionStatus,
    action_item_network,
    with_keys,
)
from intranet.audit.services import record
from intranet.editing import EditConflict, VersionedTable, check_version
from intranet.editing.values import THEIRS, ValueChange, compare_values
from intranet.extensions import db
from intranet.org.models import FocusArea, Municipality, Network, Person, SubGoal
from intranet.text import like_pattern, sort_key
from intranet.urls import MAX_ID, db_int

STATUS_LABELS = {
    ActionStatus.PLANNED: _l("Planerad"),
    ActionStatus.IN_PROGRESS: _l("Pågår"),
    ActionStatus.DONE: _l("Klar"),
    ActionStatus.PAUSED: _l("Pausad"),
}
# The fields a person edits; everything else (network, position, who and when) is set here.
EDITABLE = ("sub_goal_id", "activity", "responsible", "cost", "time_text", "due_date",
            "comment", "status", "network_ids", "municipality_ids")
FIELD_LABELS = {
    "sub_goal_id": _l("Fokusområde och delmål"), "activity": _l("Aktivitet"),
    "responsible": _l("Ansvarig"), "network_ids": _l("Ansvariga nätverk"),
    "municipality_ids": _l("Ansvariga kommuner"), "cost": _l("Kostnad"), "time_text": _l("Tid"),
    "due_date": _l("Förfallodatum"), "comment": _l("Kommentar"), "status": _l("Status"),
}
IMPORT_TTL = timedelta(hours=2)


__all__ = ["EditConflict"]


# ---------------------------------------------------------------- the programme and choices


def focus_areas() -> list[FocusArea]:
    return list(db.session.scalars(
        select(FocusArea).options(selectinload(FocusArea.sub_goals))
        .order_by(FocusArea.position, FocusArea.name)
    ))


def programme() -> Programme:
    return Programme(focus_areas())


def active_networks() -> list[Network]:
    return list(db.session.scalars(
        select(Network).where(Network.active()).order_by(Network.name)))


def filter_choices() -> tuple[list, list]:
    """The filter's networks and municipalities as (id, name) rows: a national association
    has hundreds of each, and the menus need nothing else of them."""
    networks = db.session.execute(
        select(Network.id, Network.name).where(Network.active())
        .order_by(Network.name)).all()
    places = db.session.execute(
        select(Municipality.id, Municipality.name)
        .order_by(Municipality.position, Municipality.name)).all()
    return networks, places


def municipalities() -> list[Municipality]:
    return list(db.session.scalars(
        select(Municipality).order_by(Municipality.position, Municipality.name)))


# ---------------------------------------------------------------- reading rows


# Built once (every edit of a cell starts here): the live row, and the deleted one.
_ITEM = select(ActionItem).where(ActionItem.id == bindparam("item_id"),
                                 ActionItem.network_id == bindparam("network_id"))
_ITEM_BY_STATE = {False: _ITEM.where(ActionItem.deleted_at.is_(None)),
                  True: _ITEM.where(ActionItem.deleted_at.is_not(None))}


def get_item(network: Network, item_id: int, deleted: bool = False) -> ActionItem | None:
    """The network's row with that id; a row of another network is not found (no IDOR)."""
    return db.session.scalar(_ITEM_BY_STATE[deleted],
                             {"item_id": item_id, "network_id": network.id})


def _network_and_item(deleted: bool):
    return (select(Network, ActionItem)
            .outerjoin(ActionItem, and_(ActionItem.network_id == Network.id,
                                        ActionItem.id == bindparam("item_id"),
                                        ActionItem.deleted_at.is_not(None) if deleted
                                        else ActionItem.deleted_at.is_(None)))
            .where(Network.slug == bindparam("slug")))


_NETWORK_AND_ITEM = {deleted: _network_and_item(deleted) for deleted in (False, True)}


def network_and_item(slug: str, item_id: int, deleted: bool = False
                     ) -> tuple[Network | None, ActionItem | None]:
    """A row's URL in one statement: (the network, its row with that id), each None if not
    found; a row of another network is not found (no IDOR)."""
    row = db.session.execute(_NETWORK_AND_ITEM[deleted],
                             {"slug": slug, "item_id": item_id}).first()
    return (row[0], row[1]) if row is not None else (None, None)


SORTS = ("nr", "delmal", "aktivitet", "ansvarig", "kostnad", "tid", "datum", "status",
         "andrad", "natverk")


@dataclass(frozen=True)
class ActionFilter:
    """A view of the action list, read from and written to the URL so it can be shared."""

    q: str = ""
    focus_area_id: int | None = None
    status: str | None = None
    network_id: int | None = None
    municipality_id: int | None = None
    sort: str = "nr"
    descending: bool = False

    @classmethod
    def from_args(cls, args) -> ActionFilter:
        def number(name):
            # Not "isdigit() then int()": "²" is a digit that int() does not read.
            try:
                return db_int(args.get(name, ""))
            except ValueError:
                return None

        status = args.get("status") or None
        sort = args.get("sortera") or "nr"
        return cls(
            q=" ".join(args.get("q", "").split())[:200],
            focus_area_id=number("fokus"),
            status=status if status in set(ActionStatus) else None,
            network_id=number("natverk"),
            municipality_id=number("kommun"),
            sort=sort if sort in SORTS else "nr",
            descending=args.get("ordning") == "fallande",
        )

    def args(self, **changes) -> dict:
        """The URL parameters of this view (with changes), defaults left out."""
        view = replace(self, **changes)
        values = {
            "q": view.q or None,
            "fokus": view.focus_area_id,
            "status": view.status,
            "natverk": view.network_id,
            "kommun": view.municipality_id,
            "sortera": view.sort if view.sort != "nr" else None,
            "ordning": "fallande" if view.descending else None,
        }
        return {k: v for k, v in values.items() if v is not None}

    def sort_args(self, column: str) -> dict:
        """The URL parameters that sort by `column`: ascending, or flipped if already so."""
        descending = not self.descending if self.sort == column else False
        return self.args(sort=column, descending=descending)

    @property
    def narrowed(self) -> bool:
        """Some rows may be left out of this view."""
        return bool(self.q or self.focus_area_id or self.status or self.network_id
                    or self.municipality_id)

    @property
    def in_plan_order(self) -> bool:
        return self.sort == "nr" and not self.descending and not self.narrowed


# What a shown row needs, loaded for all the rows at once. Its own network and its sub-goal
# come from the session when the page has loaded them already (see list_items).
_OWNER_OPTIONS = (
    selectinload(ActionItem.network),
    selectinload(ActionItem.sub_goal).selectinload(SubGoal.focus_area),
)
_ROW_OPTIONS = (
    selectinload(ActionItem.networks),
    selectinload(ActionItem.municipalities),
    selectinload(ActionItem.updated_by),
)


def _filtered(view: ActionFilter, network: Network | None = None):
    """The rows in the view, as a statement (no order, nothing loaded)."""
    stmt = select(ActionItem).join(ActionItem.network).where(ActionItem.deleted_at.is_(None))
    if network is not None:
        stmt = stmt.where(ActionItem.network_id == network.id)
    else:
        stmt = stmt.where(Network.active())
    if view.focus_area_id:
        stmt = stmt.join(ActionItem.sub_goal).where(SubGoal.focus_area_id == view.focus_area_id)
    if view.status:
        stmt = stmt.where(ActionItem.status == view.status)
    if view.network_id:
        stmt = stmt.where(
            (ActionItem.network_id == view.network_id)
            | ActionItem.networks.any(Network.id == view.network_id)
        )
    if view.municipality_id:
        stmt = stmt.where(ActionItem.municipalities.any(Municipality.id == view.municipality_id))
    if view.q:
        stmt = stmt.where(*_matching(view.q))
    return stmt


_ROW_KEYS = (ActionItem.activity_key, ActionItem.responsible_key, ActionItem.cost_key,
             ActionItem.time_key, ActionItem.comment_key)


def _matching(q: str) -> list:
    """The free-text search as conditions: every word is in one of the row's texts, its
    sub-goal, focus area or network (name or short name), case folded. The row's own texts
    are searched by their keys in the database; the programme and the networks, a few hundred
    names, are searched here and name the ids that match."""
    words = [sort_key(word) for word in q.split()]
    networks = db.session.execute(select(Network.id, Network.name, Network.short_name)).all()
    goals = db.session.execute(
        select(SubGoal.id, SubGoal.text, FocusArea.name).join(SubGoal.focus_area)).all()
    conditions = []
    for word in words:
        pattern = like_pattern(word)
        conditions.append(or_(
            *(key.like(pattern, escape="\\") for key in _ROW_KEYS),
            ActionItem.network_id.in_(
                [i for i, name, short in networks
                 if word in sort_key(name) or word in sort_key(short)]),
            ActionItem.sub_goal_id.in_(
                [i for i, text, area in goals if word in sort_key(text) or word in sort_key(area)]),
        ))
    return conditions


def _ordered(stmt, view: ActionFilter):
    """The statement in the view's order, then in plan order (network, place in its list):
    texts in Swedish order by their keys, empty ones last (first when descending)."""
    def text(key):
        return (key == "", key)

    # The networks in Swedish order: an index on the key gives the plan's first page at once.
    number = (Network.name_key, Network.id, ActionItem.position, ActionItem.id)
    status = case({s: i for i, s in enumerate(STATUS_ORDER)}, value=ActionItem.status,
                  else_=9)
    keys = {
        "nr": number,
        "delmal": (FocusArea.position, SubGoal.position),
        "aktivitet": text(ActionItem.activity_key),
        "ansvarig": text(ActionItem.responsible_key),
        "kostnad": text(ActionItem.cost_key),
        "tid": (ActionItem.due_date.is_(None), ActionItem.due_date, *text(ActionItem.time_key)),
        "datum": (ActionItem.due_date.is_(None), ActionItem.due_date),
        "status": (status,),
        "andrad": (ActionItem.updated_at,),
        "natverk": text(Network.name_key),
    }[view.sort]
    if view.descending:
        keys = tuple(k.desc() for k in keys)
    if view.sort == "delmal":
        if not view.focus_area_id:
            stmt = stmt.join(ActionItem.sub_goal)
        stmt = stmt.join(SubGoal.focus_area)
    return stmt.order_by(*keys, *number)


def list_items(view: ActionFilter, network: Network | None = None,
               programme_loaded: bool = False) -> list[ActionItem]:
    """The rows in the view, in its order: one network's, or every active network's (the
    combined plan's files and follow-up). With `programme_loaded` (focus_areas() was called
    in this session) and one network, a row's network and sub-goal are found in the session
    instead of queried again."""
    options = _ROW_OPTIONS if network is not None and programme_loaded else (
        *_OWNER_OPTIONS, *_ROW_OPTIONS)
    return list(db.session.scalars(_ordered(_filtered(view, network), view).options(*options)))


def plan_page(view: ActionFilter, page: int, per_page: int,
              programme_loaded: bool = False) -> Pagination:
    """One page of the combined plan: filtered, sorted and cut in the database, so a national
    plan of tens of thousands of rows is never loaded whole. With `programme_loaded`
    (focus_areas() was called in this session) the rows' sub-goals are found in the session
    instead of queried again."""
    options = (selectinload(ActionItem.network), *_ROW_OPTIONS) if programme_loaded else (
        *_OWNER_OPTIONS, *_ROW_OPTIONS)
    stmt = _ordered(_filtered(view), view).options(*options)
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=None,
                       error_out=False)


@dataclass
class SubGoalGroup:
    sub_goal: SubGoal
    items: list[ActionItem]


@dataclass
class FocusAreaGroup:
    focus_area: FocusArea
    sub_goals: list[SubGoalGroup]

    @property
    def count(self) -> int:
        return sum(len(g.items) for g in self.sub_goals)


def export_rows(view: ActionFilter, network: Network | None = None,
                by_programme: bool = False) -> list:
    """The rows in the view as plain rows for a file, in one query whatever their number (a
    national plan's file has tens of thousands): the view's order, within focus area and
    sub-goal in programme order with `by_programme` (as the combined plan shows them)."""
    goal, area, editor = aliased(SubGoal), aliased(FocusArea), aliased(Person)
    stmt = (_filtered(view, network)
            .join(goal, goal.id == ActionItem.sub_goal_id)
            .join(area, area.id == goal.focus_area_id)
            .outerjoin(editor, editor.id == ActionItem.updated_by_id))
    if by_programme:
        stmt = stmt.order_by(area.position, area.name, goal.position, goal.id)
    return db.session.execute(_ordered(stmt, view).with_only_columns(
        area.name.label("focus_area"), goal.text.label("sub_goal"), ActionItem.activity,
        ActionItem.responsible, ActionItem.cost, ActionItem.time_text, ActionItem.due_date,
        ActionItem.status, ActionItem.comment, Network.name.label("network"),
        ActionItem.updated_at, editor.name.label("updated_by"))).all()


def group_by_programme(items: list[ActionItem], areas: list[FocusArea],
                       include_empty: bool) -> list[FocusAreaGroup]:
    """Focus area → sub-goal → rows (in the order given). Empty sub-goals are shown in the
    whole plan, where a sub-goal without activities is worth seeing, not in a filtered one."""
    by_goal: dict[int, list[ActionItem]] = {}
    for item in items:
        by_goal.setdefault(item.sub_goal_id, []).append(item)
    groups = []
    for area in areas:
        goals = [SubGoalGroup(g, by_goal.get(g.id, [])) for g in area.sub_goals]
        if not include_empty:
            goals = [g for g in goals if g.items]
        if goals:
            groups.append(FocusAreaGroup(area, goals))
    return groups


def deleted_items(network: Network) -> list[ActionItem]:
    return list(db.session.scalars(
        select(ActionItem)
        .where(ActionItem.network_id == network.id, ActionItem.deleted_at.is_not(None))
        .options(selectinload(ActionItem.deleted_by),
                 selectinload(ActionItem.sub_goal).selectinload(SubGoal.focus_area))
        .order_by(ActionItem.deleted_at.desc(), ActionItem.id.desc())
    ))


def count_deleted(network: Network) -> int:
    return db.session.scalar(
        select(func.count(ActionItem.id))
        .where(ActionItem.network_id == network.id, ActionItem.deleted_at.is_not(None))
    ) or 0


def count_co_responsible(network: Network) -> int:
    """Rows of other networks that name this network as responsible too."""
    return db.session.scalar(
        select(func.count(ActionItem.id))
        .join(action_item_network, action_item_network.c.action_item_id == ActionItem.id)
        .where(action_item_network.c.network_id == network.id,
               ActionItem.network_id != network.id, ActionItem.deleted_at.is_(None))
    ) or 0


# ---------------------------------------------------------------- writing rows


def _ordered_ids(network_id: int) -> list[int]:
    return list(db.session.scalars(
        select(ActionItem.id)
        .where(ActionItem.network_id == network_id, ActionItem.deleted_at.is_(None))
        .order_by(ActionItem.position, ActionItem.id)
    ))


def _renumber(network_id: int, ids: list[int]) -> None:
    """Positions 1..n in the given order. Written with plain UPDATEs: a row's place in the
    list is not its content, so moving it must not make someone's open edit conflict."""
    current = dict(db.session.execute(
        select(ActionItem.id, ActionItem.position).where(ActionItem.id.in_(ids))).all())
    for position, item_id in enumerate(ids, start=1):
        if current.get(item_id) != position:
            db.session.execute(
                update(ActionItem).where(ActionItem.id == item_id).values(position=position)
                .execution_options(synchronize_session=False))
    db.session.expire_all()


def _apply(item: ActionItem, data: dict) -> list[str]:
    """Set the editable fields present in `data`; the names of those that changed."""
    changed = []
    for name in EDITABLE:
        if name not in data:
            continue
        value = data[name]
        if name == "network_ids":
            wanted = sorted(set(value or []))
            if sorted(n.id for n in item.networks) != wanted:
                item.networks = list(db.session.scalars(
                    select(Network).where(Network.id.in_(wanted)))) if wanted else []
                changed.append(name)
        elif name == "municipality_ids":
            wanted = sorted(set(value or []))
            if sorted(m.id for m in item.municipalities) != wanted:
                item.municipalities = list(db.session.scalars(
                    select(Municipality).where(Municipality.id.in_(wanted)))) if wanted else []
                changed.append(name)
        else:
            if isinstance(value, str):
                value = value.strip()
            if getattr(item, name) != value:
                setattr(item, name, value)
                changed.append(name)
    return changed


def differs(item: ActionItem, data: dict) -> list[str]:
    """The fields in `data` whose value differs from the row's."""
    result = []
    for name in EDITABLE:
        if name not in data:
            continue
        value = data[name]
        if name == "network_ids":
            current = sorted(n.id for n in item.networks)
            value = sorted(set(value or []))
        elif name == "municipality_ids":
            current = sorted(m.id for m in item.municipalities)
            value = sorted(set(value or []))
        else:
            current = getattr(item, name)
            value = value.strip() if isinstance(value, str) else value
        if current != value:
            result.append(name)
    return result


def create_item(network: Network, actor, data: dict) -> ActionItem:
    now = clock.utcnow()
    item = ActionItem(network=network, activity="", created_at=now, updated_at=now,
                      created_by_id=actor.id if actor else None,
                      updated_by_id=actor.id if actor else None,
                      position=len(_ordered_ids(network.id)) + 1)
    _apply(item, {"status": ActionStatus.PLANNED, **data})
    db.session.add(item)
    db.session.flush()
    record("action_created", actor, item, network_id=network.id)
    return item


def update_item(item: ActionItem, actor, expected_version: int | None, data: dict,
                started_from: dict[str, str] | None = None) -> list[str]:
    """Save the person's changes, if the row is still at the version they started from.

    When it is not, and the form said what the person started from (`started_from`, see
    starting_values), fields are merged one by one: a field only the other person changed
    keeps their value, a field only this person changed takes theirs, and the save goes
    through. Raises EditConflict when both changed a field to different values, or when it
    is not known where the person started; if the values already agree, there is nothing to
    save and nothing to conflict about. A save that loses the race between this check and
    its UPDATE raises StaleDataError, as the unit of work would. The caller rolls back on
    either (editing.attempt does)."""
    changes = differs(item, data)
    if changes and expected_version != item.version and started_from is not None:
        data, started_from = _merge_links(item, data, started_from, changes)
        changes = differs(item, data)
        compared = compare_values(started_from, starting_values(item, changes),
                                  {name: shown(data, [name]) for name in changes})
        if all(change.kind == THEIRS for change in compared):
            theirs = {change.name for change in compared}
            changes = [name for name in changes if name not in theirs]
            data = {name: data[name] for name in changes}
            expected_version = item.version
    if not changes:
        return []
    check_version(expected_version, item.version, shown(data, changes),
                  lambda: saved_values(item, changes))
    if not _LINKS.intersection(changes):
        # Only the row's own columns: one versioned UPDATE, without the unit of work.
        _update_columns(item, {name: _clean(data[name]) for name in changes}, actor)
        record("action_updated", actor, item, network_id=item.network_id, fields=changes)
        return changes
    with db.session.no_autoflush:  # one UPDATE, so one new version
        changed = _apply(item, data)
    item.updated_at = clock.utcnow()
    item.updated_by_id = actor.id if actor else None
    db.session.flush()  # UPDATE … WHERE version = the version read: a race is caught here
    record("action_updated", actor, item, network_id=item.network_id, fields=changed)
    return changed


def shown(values: dict, names: list[str]) -> str:
    """The values of `names` as one text, one a line: what a conflict compares."""
    def text(value) -> str:
        if isinstance(value, list | tuple | set):
            return ", ".join(str(v) for v in sorted(value))
        return "" if value is None else str(value).strip()

    return "\n".join(text(values.get(name)) for name in names)


def saved_values(item: ActionItem, names: list[str]) -> str:
    """The row's values of `names` as shown(): what a conflict says is saved now."""
    return shown({name: current_value(item, name) for name in names}, names)


def _merge_links(item: ActionItem, data: dict, started_from: dict[str, str],
                 changes: list[str]) -> tuple[dict, dict[str, str]]:
    """The responsible networks and municipalities are sets: when both people changed them,
    each one's additions and removals are kept (what one ticked and the other did not touch
    stays ticked). Returns the data with the merged sets and the starting values with the
    saved sets for them, so that they count as this person's change only."""
    data, started_from = dict(data), dict(started_from)
    for name in _LINKS & set(changes):
        if name not in started_from:
            continue
        base = {int(part) for part in started_from[name].split(",") if part.strip().isdigit()}
        mine = set(data[name] or [])
        saved = set(current_value(item, name))
        data[name] = sorted((saved | (mine - base)) - (base - mine))
        started_from[name] = shown({name: saved}, [name])
    return data, started_from


def current_value(item: ActionItem, name: str):
    """The row's value of an editable field as a form holds it (ids for the links)."""
    if name == "network_ids":
        return [n.id for n in item.networks]
    if name == "municipality_ids":
        return [m.id for m in item.municipalities]
    return getattr(item, name)


def starting_values(item: ActionItem, names=EDITABLE) -> dict[str, str]:
    """The values of `names` as shown(), one each: what an edit form carries as the values
    the person started from (editing.fields.StartedFromField)."""
    return {name: shown({name: current_value(item, name)}, [name]) for name in names}


def value_conflicts(item: ActionItem, started_from: dict[str, str] | None, data: dict
                    ) -> list[ValueChange]:
    """After a conflict: the fields of `data` whose value saved now (`item`, read again)
    is not the editor's, each with the value both started from where the form said it,
    and whether both changed it or only the other person (editing.values). The texts are
    readable: a status's name, a sub-goal with its focus area, the networks' names."""
    names = [name for name in EDITABLE if name in data]
    changes = compare_values(started_from, starting_values(item, names),
                             {name: shown(data, [name]) for name in names})
    return [replace(change, base=None if change.base is None else readable(change.name,
                                                                          change.base),
                    saved=readable(change.name, change.saved),
                    mine=readable(change.name, change.mine)) for change in changes]


def readable(name: str, text: str) -> str:
    """A field's value as shown() makes it, in words: the status's name, the sub-goal with
    its focus area, the names of the networks and municipalities (ids that name nothing,
    as a tampered form may send, are left out)."""
    if name == "status":
        return str(STATUS_LABELS.get(text, text))
    if name not in ("sub_goal_id", "network_ids", "municipality_ids"):
        return text
    ids = [int(part) for part in text.split(",") if part.strip().isdigit()
           and 0 < int(part) <= MAX_ID]
    if not ids:
        return ""
    if name == "sub_goal_id":
        goal = db.session.scalar(select(SubGoal).where(SubGoal.id == ids[0])
                                 .options(selectinload(SubGoal.focus_area)))
        return f"{goal.focus_area.name}: {goal.text}" if goal else ""
    model = Network if name == "network_ids" else Municipality
    names = db.session.scalars(select(model.name).where(model.id.in_(ids)))
    return ", ".join(sorted(names, key=sort_key))


_LINKS = {"network_ids", "municipality_ids"}  # the row's links to other tables
_REFERENCED = {"sub_goal_id": "sub_goal", "updated_by_id": "updated_by"}
# The row's own columns: one UPDATE that checks the version read and writes the next.
_ITEMS = VersionedTable(ActionItem, "version")


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def _update_columns(item: ActionItem, values: dict, actor) -> None:
    """The row's own columns written in one UPDATE that checks and bumps the version, as the
    unit of work would (a race with another save raises StaleDataError), at a quarter of
    its cost. The loaded row takes the values as written."""
    values = with_keys({**values, "updated_at": clock.utcnow(),
                        "updated_by_id": actor.id if actor else None})
    stale = [relation for name, relation in _REFERENCED.items()
             if name in values and values[name] != getattr(item, name)]
    _ITEMS.write(item, values)
    if stale:  # (an empty list would expire every attribute)
        db.session.expire(item, stale)


def move_item(item: ActionItem, direction: int, actor) -> bool:
    """Move the row one place up (-1) or down (+1) in its network's list."""
    ids = _ordered_ids(item.network_id)
    index = ids.index(item.id)
    target = index + (-1 if direction < 0 else 1)
    if not 0 <= target < len(ids):
        return False
    ids[index], ids[target] = ids[target], ids[index]
    _renumber(item.network_id, ids)
    record("action_moved", actor, object_type="ActionItem", object_id=item.id,
           network_id=item.network_id, to_position=target + 1)
    return True


def delete_item(item: ActionItem, actor) -> None:
    """Soft delete: the row leaves the list and waits in the trash to be restored."""
    item.deleted_at = clock.utcnow()
    item.deleted_by_id = actor.id if actor else None
    db.session.flush()
    network_id, item_id = item.network_id, item.id
    _renumber(network_id, _ordered_ids(network_id))
    record("action_deleted", actor, object_type="ActionItem", object_id=item_id,
           network_id=network_id)


def restore_item(item: ActionItem, actor) -> None:
    """Back from the trash, last in the list."""
    network_id = item.network_id
    position = len(_ordered_ids(network_id)) + 1
    item.deleted_at = None
    item.deleted_by_id = None
    item.position = position
    item.updated_at = clock.utcnow()
    item.updated_by_id = actor.id if actor else None
    db.session.flush()
    record("action_restored", actor, item, network_id=network_id)


# ---------------------------------------------------------------- importing
# The import itself (the waiting rows, their preview, the batches and undoing them) is in
# intranet/actions/imports.py.


def purge_stale_imports() -> None:
    """Waiting imports nobody confirmed within IMPORT_TTL."""
    db.session.execute(delete(ActionImport).where(
        ActionImport.created_at < clock.utcnow() - IMPORT_TTL))


# ---------------------------------------------------------------- follow-up


@dataclass
class SummaryRow:
    """Rows by status, and how many are overdue, for one focus area or network."""

    label: str
    counts: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STATUS_ORDER})
    overdue: int = 0
    network: Network | None = None
    focus_area: FocusArea | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, status: str, count: int, overdue: int) -> None:
        self.counts[status] = self.counts.get(status, 0) + count
        self.overdue += overdue


@dataclass
class FollowUp:
    on: date
    by_focus_area: list[SummaryRow]
    by_network: list[SummaryRow]  # the page's networks
    networks: object  # their pagination (Flask-SQLAlchemy)
    total: SummaryRow  # every active network's rows


def follow_up(on: date | None = None, page: int = 1, per_page: int | None = None) -> FollowUp:
    """The action plan as the committee and the management group follow it up: every active
    network's rows by focus area and in all, and a page of networks (in Swedish order) with
    theirs, by status, with the overdue ones. Counted in the database: a national plan has
    tens of thousands of rows in hundreds of networks. Without `per_page`, every network."""
    on = on or clock.today()
    areas = {a.id: SummaryRow(a.name, focus_area=a) for a in focus_areas()}
    pagination = db.paginate(
        select(Network).where(Network.active())
        .order_by(Network.name_key, Network.id),
        page=page, per_page=per_page or 1_000_000, max_per_page=None, error_out=False)
    networks = {n.id: SummaryRow(n.name, network=n) for n in pagination.items}
    total = SummaryRow(str(_l("Alla nätverk")))
    live = _filtered(ActionFilter())

    def counted(stmt, key):
        """(key, status, rows, overdue rows) per key and status."""
        overdue = func.sum(case((ActionItem.overdue_on(on), 1), else_=0))
        return db.session.execute(stmt.with_only_columns(
            key, ActionItem.status, func.count(), overdue).group_by(key, ActionItem.status))

    for area_id, status, count, late in counted(live.join(ActionItem.sub_goal),
                                                SubGoal.focus_area_id):
        areas[area_id].add(status, count, int(late or 0))
    for _status, status, count, late in counted(live, ActionItem.status):
        total.add(status, count, int(late or 0))
    if networks:
        for network_id, status, count, late in counted(
                live.where(ActionItem.network_id.in_(list(networks))), ActionItem.network_id):
            networks[network_id].add(status, count, int(late or 0))
    return FollowUp(on, list(areas.values()), list(networks.values()), pagination, total)


@dataclass
class Segment:
    status: str
    count: int
    x: float
    width: float


@dataclass
class Bar:
    row: SummaryRow
    y: float
    segments: list[Segment]
    end: float


@dataclass
class BarChart:
    """A horizontal stacked bar per row, laid out for an inline SVG."""

    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int
    plot_width: int


def bar_chart(rows: list[SummaryRow], label_width: int = 220, plot_width: int = 420,
              bar_height: int = 24, gap: int = 12) -> BarChart:
    most = max((r.total for r in rows), default=0) or 1
    scale = plot_width / most
    bars = []
    for index, row in enumerate(rows):
        x = float(label_width)
        segments = []
        for status in STATUS_ORDER:
            count = row.counts.get(status, 0)
            if count:
                segments.append(Segment(status, count, round(x, 2), round(count * scale, 2)))
                x += count * scale
        bars.append(Bar(row, index * (bar_height + gap), segments, round(x, 2)))
    height = len(rows) * (bar_height + gap)
    return BarChart(bars, label_width + plot_width + 140, max(height, bar_height), label_width,
                    bar_height, plot_width)
