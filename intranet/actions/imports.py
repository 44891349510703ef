"""Importing an action plan (handlingsplan) from a file: the waiting import and its preview,
the confirmation that writes the chosen rows as one batch (importomgång), and undoing a batch.

A network's import puts every row in that network. The secretariat's import of the combined
plan (one file for all networks) sends each row to the first network its "Ansvarig" column
names; rows that name none go to the network the secretariat chose. A row already in the plan
(the same sub-goal and activity, compared as `intranet.text.sort_key` keeps them) is marked in
the preview and left out unless the person ticks it in.

Writes take plain arguments, add their audit row to the same transaction and never commit."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from intranet import clock
from intranet.actions.importer import ParsedPlan, parse_plan
from intranet.actions.models import ActionImport, ActionImportBatch, ActionItem
from intranet.actions.services import (
    IMPORT_TTL,
    _ordered_ids,
    _renumber,
    active_networks,
    municipalities,
    programme,
    purge_stale_imports,
)
from intranet.audit.services import record
from intranet.extensions import db
from intranet.org.models import FocusArea, Municipality, Network, SubGoal
from intranet.text import sort_key
from intranet.written import note_written


class ImportUnavailable(Exception):
    """A confirmed import can no longer be carried out: a sub-goal it uses is gone, or a
    network it writes to was archived, since the preview."""


class NothingChosen(Exception):
    """The confirmation named no row of the file to import."""


class AlreadyUndone(Exception):
    """The batch was undone before (by this person a moment ago, or by someone else)."""


class NotUndone(Exception):
    """The batch is not undone: never was, or someone restored it a moment ago."""


class ChangedSinceImport(Exception):
    """Rows of the batch were edited after the import and the person has not seen which:
    they are asked before the undo removes them too."""

    def __init__(self, check: UndoCheck):
        super().__init__("rows changed since the import")
        self.check = check


# ---------------------------------------------------------------- reading and waiting


def parse_upload(filename: str, data: bytes) -> ParsedPlan:
    return parse_plan(filename, data, programme(), active_networks(), municipalities())


def start_import(network: Network | None, person, plan: ParsedPlan,
                 default_network: Network | None = None) -> ActionImport:
    """Keep a valid file's rows for the confirmation; nothing is written to the list yet.

    `network` None is the combined plan: each row goes to the first network it names, or to
    `default_network`. Each row keeps its target network's id."""
    assert plan.ok, "only a file without errors waits for confirmation"
    assert network is not None or default_network is not None, "the combined plan needs one"
    purge_stale_imports()
    _keep_newest_imports(person)
    rows = []
    for row in plan.rows:
        data = row.payload()
        if network is not None:
            data["target_network_id"], data["named"] = network.id, True
        elif row.networks:
            data["target_network_id"], data["named"] = row.networks[0].id, True
        else:
            data["target_network_id"], data["named"] = default_network.id, False
        rows.append(data)
    pending = ActionImport(
        token=secrets.token_urlsafe(32),
        person_id=person.id,
        network_id=network.id if network is not None else None,
        filename=(plan.filename or "")[:255],
        columns=[{"header": c.header, "field": c.field} for c in plan.columns],
        notes=list(plan.notes),
        rows=rows,
    )
    db.session.add(pending)
    db.session.flush()
    return pending


# A person's waiting imports kept at most (the newest), whatever they upload meanwhile.
MAX_WAITING_IMPORTS = 5


def _keep_newest_imports(person) -> None:
    """Room for one more waiting import of the person: older ones beyond the newest
    MAX_WAITING_IMPORTS - 1 are discarded (an upload is rarely left waiting; a pile of them
    would only cost storage and previews)."""
    older = db.session.scalars(
        select(ActionImport.id).where(ActionImport.person_id == person.id)
        .order_by(ActionImport.created_at.desc(), ActionImport.id.desc())
        .offset(MAX_WAITING_IMPORTS - 1)).all()
    if older:
        db.session.execute(delete(ActionImport).where(ActionImport.id.in_(older)))


def pending_import(network: Network | None, person, token: str) -> ActionImport | None:
    """The person's own waiting import into this network (None: the combined plan), if it
    has not expired."""
    if not token or len(token) > 64:
        return None
    where = (ActionImport.network_id == network.id if network is not None
             else ActionImport.network_id.is_(None))
    return db.session.scalar(select(ActionImport).where(
        ActionImport.token == token,
        ActionImport.person_id == person.id,
        where,
        ActionImport.created_at >= clock.utcnow() - IMPORT_TTL,
    ))


def discard_import(pending: ActionImport) -> None:
    db.session.delete(pending)


def target_of(pending: ActionImport, row: dict) -> int | None:
    """The network a waiting row goes to."""
    return row.get("target_network_id") or pending.network_id


# ---------------------------------------------------------------- rows already there


@dataclass
class Duplicate:
    """A row of the file that is already in the plan, or already higher up in the file."""

    network: Network | None = None  # where the plan has it
    position: int | None = None  # its number in that network's list
    item_id: int | None = None
    same_as_line: int | None = None  # the earlier row of the file


def _key(row: dict) -> tuple[int, str]:
    return row["sub_goal_id"], sort_key(row["activity"])


def find_duplicates(pending: ActionImport) -> dict[int, Duplicate]:
    """The rows of the file (by row number) whose sub-goal and activity are already in the
    plan: for a network's import, among the network's live rows; for the combined plan,
    among every active network's (a row naming no network may sit in another network than
    the one chosen for it, and is there all the same). A row repeating an earlier row of the
    file is marked too. Found in the database: a national plan has tens of thousands."""
    keys = {_key(row) for row in pending.rows}
    if not keys:
        return {}
    stmt = (select(ActionItem.sub_goal_id, ActionItem.activity_key, ActionItem.id,
                   ActionItem.position, Network)
            .join(Network, Network.id == ActionItem.network_id)
            .where(ActionItem.deleted_at.is_(None),
                   ActionItem.sub_goal_id.in_({goal for goal, _ in keys}),
                   ActionItem.activity_key.in_({activity for _, activity in keys}))
            .order_by(Network.name_key, Network.id, ActionItem.position, ActionItem.id))
    if pending.network_id is not None:
        stmt = stmt.where(ActionItem.network_id == pending.network_id)
    else:
        stmt = stmt.where(Network.active())
    existing: dict[tuple[int, str], Duplicate] = {}
    for goal, activity, item_id, position, network in db.session.execute(stmt):
        existing.setdefault((goal, activity),
                            Duplicate(network=network, position=position, item_id=item_id))
    found: dict[int, Duplicate] = {}
    first_line: dict[tuple[int, str], int] = {}
    for row in pending.rows:
        key = _key(row)
        if key in existing:
            found[row["line"]] = existing[key]
        elif key in first_line:
            found[row["line"]] = Duplicate(same_as_line=first_line[key])
        else:
            first_line[key] = row["line"]
    return found


def default_selection(pending: ActionImport, duplicates: dict | None = None) -> set[int]:
    """The rows a confirmation imports unless the person chooses otherwise: all but those
    already there."""
    duplicates = find_duplicates(pending) if duplicates is None else duplicates
    return {row["line"] for row in pending.rows if row["line"] not in duplicates}


# ---------------------------------------------------------------- the preview


@dataclass
class PreviewRow:
    line: int
    focus_area: FocusArea | None
    sub_goal: SubGoal | None
    data: dict
    networks: list[Network]
    municipalities: list[Municipality]
    notes: list[str]
    target: Network | None = None
    named: bool = True  # the file names the target (else it is the network chosen for it)
    duplicate: Duplicate | None = None


@dataclass
class NetworkCount:
    network: Network
    new: int = 0
    duplicates: int = 0

    @property
    def total(self) -> int:
        return self.new + self.duplicates


@dataclass
class ImportPreview:
    rows: list[PreviewRow]
    by_network: list[NetworkCount] = field(default_factory=list)

    @property
    def duplicates(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.duplicate is not None]

    @property
    def new_count(self) -> int:
        return len(self.rows) - len(self.duplicates)

    @property
    def unnamed(self) -> list[PreviewRow]:
        return [r for r in self.rows if not r.named]

    @property
    def default_lines(self) -> set[int]:
        return {r.line for r in self.rows if r.duplicate is None}


def preview(pending: ActionImport) -> ImportPreview:
    goals = {g.id: g for g in db.session.scalars(
        select(SubGoal).options(selectinload(SubGoal.focus_area)))}
    networks = {n.id: n for n in db.session.scalars(select(Network))}
    places = {m.id: m for m in db.session.scalars(select(Municipality))}
    duplicates = find_duplicates(pending)
    rows, counts = [], {}
    for row in pending.rows:
        goal = goals.get(row["sub_goal_id"])
        target = networks.get(target_of(pending, row))
        duplicate = duplicates.get(row["line"])
        rows.append(PreviewRow(
            line=row["line"], focus_area=goal.focus_area if goal else None, sub_goal=goal,
            data=row,
            networks=[networks[i] for i in row["network_ids"] if i in networks],
            municipalities=[places[i] for i in row["municipality_ids"] if i in places],
            notes=row.get("notes", []),
            target=target, named=row.get("named", True), duplicate=duplicate,
        ))
        if target is not None:
            count = counts.setdefault(target.id, NetworkCount(target))
            if duplicate is None:
                count.new += 1
            else:
                count.duplicates += 1
    by_network = sorted(counts.values(), key=lambda c: (c.network.name_key, c.network.id))
    return ImportPreview(rows, by_network)


# ---------------------------------------------------------------- confirming


def confirm_import(pending: ActionImport, actor,
                   include: Iterable[int] | None = None) -> ActionImportBatch:
    """Write the chosen rows (by row number; None: every row not already there) as one
    batch, each in its target network after the rows it has. All or nothing: the caller
    commits once, or rolls back on ImportUnavailable. NothingChosen leaves everything as it
    was (the waiting import too)."""
    lines = {row["line"] for row in pending.rows}
    chosen = default_selection(pending) if include is None else set(include) & lines
    if not chosen:
        raise NothingChosen()
    # Claim the waiting import first, so a second click on "confirm" finds nothing to do.
    claimed = db.session.execute(
        delete(ActionImport).where(ActionImport.id == pending.id)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise ImportUnavailable()
    rows = [row for row in pending.rows if row["line"] in chosen]
    sub_goal_ids = {row["sub_goal_id"] for row in rows}
    known = set(db.session.scalars(select(SubGoal.id).where(SubGoal.id.in_(sub_goal_ids))))
    if known != sub_goal_ids:
        raise ImportUnavailable()
    networks = {n.id: n for n in db.session.scalars(select(Network))}
    targets = {target_of(pending, row) for row in rows}
    if any(networks.get(t) is None or networks[t].archived_at is not None for t in targets):
        raise ImportUnavailable()  # a network archived since the preview
    places = {m.id: m for m in db.session.scalars(select(Municipality))}
    now = clock.utcnow()
    actor_id = getattr(actor, "id", None)
    batch = ActionImportBatch(network_id=pending.network_id, filename=pending.filename,
                              row_count=len(rows), created_by_id=actor_id, created_at=now)
    db.session.add(batch)
    db.session.flush()
    next_position = {t: len(_ordered_ids(t)) + 1 for t in sorted(targets)}
    items, per_network = [], {}
    for row in rows:
        target = target_of(pending, row)
        item = ActionItem(
            network_id=target, sub_goal_id=row["sub_goal_id"],
            activity=row["activity"].strip(), responsible=row["responsible"].strip(),
            cost=row["cost"].strip(), time_text=row["time_text"].strip(),
            comment=row["comment"].strip(), status=row["status"],
            due_date=date.fromisoformat(row["due_date"]) if row["due_date"] else None,
            position=next_position[target], created_at=now, updated_at=now,
            created_by_id=actor_id, updated_by_id=actor_id, import_batch_id=batch.id)
        # Only networks still active are tagged (one archived since the preview is left out).
        item.networks = [networks[i] for i in sorted(set(row["network_ids"]))
                         if i in networks and networks[i].archived_at is None]
        item.municipalities = [places[i] for i in sorted(set(row["municipality_ids"]))
                               if i in places]
        next_position[target] += 1
        per_network[target] = per_network.get(target, 0) + 1
        db.session.add(item)
        items.append(item)
    db.session.flush()
    record("actions_imported", actor, batch, network_id=pending.network_id,
           filename=pending.filename, rows=len(items), item_ids=[i.id for i in items],
           networks={str(k): v for k, v in sorted(per_network.items())},
           left_out=sorted(lines - chosen))
    return batch


# ---------------------------------------------------------------- the batches


@dataclass
class BatchRow:
    """A batch as a list of imports shows it: its rows still in the plan, (on a network's
    page) how many of them are in that network, and, once it is undone, the networks whose
    removed rows hold the rows the undo took out (with how many)."""

    batch: ActionImportBatch
    live: int = 0
    here: int | None = None
    removed: list[tuple[Network, int]] = field(default_factory=list)


def get_batch(batch_id: int) -> ActionImportBatch | None:
    return db.session.get(ActionImportBatch, batch_id)


def _batches(where, network: Network | None, page: int, per_page: int) -> Pagination:
    stmt = (select(ActionImportBatch).where(where)
            .options(selectinload(ActionImportBatch.created_by),
                     selectinload(ActionImportBatch.undone_by),
                     selectinload(ActionImportBatch.network))
            .order_by(ActionImportBatch.created_at.desc(), ActionImportBatch.id.desc()))
    pagination = db.paginate(stmt, page=page, per_page=per_page, max_per_page=None,
                             error_out=False)
    ids = [b.id for b in pagination.items]
    live, here = {}, {}
    if ids:
        counted = db.session.execute(
            select(ActionItem.import_batch_id, ActionItem.network_id, func.count())
            .where(ActionItem.import_batch_id.in_(ids), ActionItem.deleted_at.is_(None))
            .group_by(ActionItem.import_batch_id, ActionItem.network_id))
        for batch_id, network_id, n in counted:
            live[batch_id] = live.get(batch_id, 0) + n
            if network is not None and network_id == network.id:
                here[batch_id] = n
    removed = _removed_per_network([b.id for b in pagination.items if b.undone_at is not None])
    pagination.items = [
        BatchRow(b, live.get(b.id, 0),
                 here.get(b.id, 0) if network is not None and b.network_id is None else None,
                 removed.get(b.id, []))
        for b in pagination.items]
    return pagination


def _removed_by_undo():
    """The condition on a row (joined with its batch) that the batch's undo removed it and it
    has not been restored since: it was removed at the very moment of the undo. A row removed
    before the undo, or restored and removed again later, carries another time."""
    return and_(ActionImportBatch.undone_at.is_not(None),
                ActionItem.deleted_at == ActionImportBatch.undone_at)


def _counted_networks(counts: dict[int, int]) -> list[tuple[Network, int]]:
    """(network, count) in the networks' name order."""
    if not counts:
        return []
    networks = db.session.scalars(select(Network).where(Network.id.in_(counts))
                                  .order_by(Network.name_key, Network.id))
    return [(n, counts[n.id]) for n in networks]


def _removed_per_network(batch_ids: list[int]) -> dict[int, list[tuple[Network, int]]]:
    if not batch_ids:
        return {}
    counted = db.session.execute(
        select(ActionItem.import_batch_id, ActionItem.network_id, func.count())
        .join(ActionImportBatch, ActionImportBatch.id == ActionItem.import_batch_id)
        .where(ActionItem.import_batch_id.in_(batch_ids), _removed_by_undo())
        .group_by(ActionItem.import_batch_id, ActionItem.network_id)).all()
    per_batch: dict[int, dict[int, int]] = {}
    for batch_id, network_id, n in counted:
        per_batch.setdefault(batch_id, {})[network_id] = n
    named = {network.id: network for network in db.session.scalars(
        select(Network).where(Network.id.in_({row[1] for row in counted})))}
    return {batch_id: sorted(((named[i], n) for i, n in counts.items()),
                             key=lambda entry: (entry[0].name_key, entry[0].id))
            for batch_id, counts in per_batch.items()}


def rows_per_network(batch: ActionImportBatch) -> list[tuple[Network, int]]:
    """The batch's rows in the plan, per network (in the networks' name order)."""
    counted = db.session.execute(
        select(ActionItem.network_id, func.count())
        .where(ActionItem.import_batch_id == batch.id, ActionItem.deleted_at.is_(None))
        .group_by(ActionItem.network_id))
    return _counted_networks(dict(counted.all()))


def network_batches(network: Network, page: int = 1, per_page: int = 50) -> Pagination:
    """The network's imports, and the combined plan's that brought rows to it, newest first."""
    brought = select(ActionItem.import_batch_id).where(ActionItem.network_id == network.id,
                                                       ActionItem.import_batch_id.is_not(None))
    return _batches(or_(ActionImportBatch.network_id == network.id,
                        ActionImportBatch.id.in_(brought)), network, page, per_page)


def all_batches(page: int = 1, per_page: int = 50) -> Pagination:
    """Every import, of the combined plan and of each network, newest first."""
    return _batches(ActionImportBatch.id.is_not(None), None, page, per_page)


def batch_in_network(batch: ActionImportBatch, network: Network) -> bool:
    """The batch is the network's own, or one of the combined plan's with rows there."""
    if batch.network_id == network.id:
        return True
    return batch.network_id is None and db.session.scalar(
        select(func.count(ActionItem.id)).where(ActionItem.import_batch_id == batch.id,
                                                ActionItem.network_id == network.id)) > 0


# ---------------------------------------------------------------- undoing


@dataclass
class UndoCheck:
    """What undoing a batch would remove: its rows still in the plan, and those of them
    edited since the import."""

    batch: ActionImportBatch
    live: list[ActionItem]
    changed: list[ActionItem]
    # After the undo: the networks whose removed rows now hold them, with how many.
    removed_in: list[tuple[Network, int]] = field(default_factory=list)

    @property
    def gone(self) -> int:
        """Rows of the batch removed before (they stay where they are)."""
        return max(self.batch.row_count - len(self.live), 0)


def undo_check(batch: ActionImportBatch) -> UndoCheck:
    live = list(db.session.scalars(
        select(ActionItem)
        .join(Network, Network.id == ActionItem.network_id)
        # An archived network's list is read-only: its rows stay as they are.
        .where(ActionItem.import_batch_id == batch.id, ActionItem.deleted_at.is_(None),
               Network.archived_at.is_(None))
        .options(selectinload(ActionItem.network), selectinload(ActionItem.updated_by))
        .order_by(Network.name_key, Network.id, ActionItem.position, ActionItem.id)))
    # An import writes a row's creation and change times alike; any save since (a cell, the
    # form, a restore one by one) moves the change time on. A move does not (the place in the
    # list is not content), nor do an undo and its restore (the version counts those).
    return UndoCheck(batch, live, [item for item in live if item.updated_at > item.created_at])


def undo_import(batch: ActionImportBatch, actor,
                seen_changed: Iterable[int] = ()) -> UndoCheck:
    """Move the batch's rows that are still in the plan to the removed rows (they can be
    restored there one by one) and mark the batch undone.

    Raises AlreadyUndone when it was; ChangedSinceImport when rows were edited after the
    import and their ids are not among `seen_changed` (the person has not been asked about
    them): nothing is written then."""
    if batch.undone_at is not None:
        raise AlreadyUndone()
    check = undo_check(batch)
    if {item.id for item in check.changed} - set(seen_changed):
        raise ChangedSinceImport(check)
    now = clock.utcnow()
    actor_id = getattr(actor, "id", None)
    # Claimed in one statement: of two undos at the same moment, one does it.
    claimed = db.session.execute(
        update(ActionImportBatch)
        .where(ActionImportBatch.id == batch.id, ActionImportBatch.undone_at.is_(None))
        .values(undone_at=now, undone_by_id=actor_id)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise AlreadyUndone()
    ids = [item.id for item in check.live]
    if ids:
        # The version moves on, as a delete through the form would: an edit opened before
        # the undo does not save into a removed row.
        db.session.execute(
            update(ActionItem)
            .where(ActionItem.id.in_(ids), ActionItem.deleted_at.is_(None))
            .values(deleted_at=now, deleted_by_id=actor_id, version=ActionItem.version + 1)
            .execution_options(synchronize_session=False))
        note_written(db.session(), ActionItem, ids)
    per_network: dict[int, int] = {}
    for item in check.live:
        per_network[item.network_id] = per_network.get(item.network_id, 0) + 1
    for network_id in sorted(per_network):
        _renumber(network_id, _ordered_ids(network_id))
    changed_ids = [item.id for item in check.changed]
    db.session.expire_all()
    record("actions_import_undone", actor, batch, network_id=batch.network_id,
           filename=batch.filename, rows=len(ids), item_ids=ids, changed_ids=changed_ids)
    check.removed_in = _counted_networks(per_network)
    return check


# ---------------------------------------------------------------- taking an undo back


@dataclass
class UndoneBatch:
    """An undone batch as a network's removed rows show it: how many of the rows its undo
    removed are among them, and how many in all (a combined plan's are in several networks)."""

    batch: ActionImportBatch
    here: int
    total: int


def undone_batches(network: Network) -> list[UndoneBatch]:
    """The undone batches whose undo removed rows of this network that are still removed,
    the latest undo first."""
    counted = db.session.execute(
        select(ActionImportBatch, func.count(ActionItem.id))
        .join(ActionItem, ActionItem.import_batch_id == ActionImportBatch.id)
        .where(ActionItem.network_id == network.id, _removed_by_undo())
        .group_by(ActionImportBatch.id)
        .order_by(ActionImportBatch.undone_at.desc(), ActionImportBatch.id.desc())).all()
    if not counted:
        return []
    totals = {batch_id: sum(n for _, n in entries) for batch_id, entries in
              _removed_per_network([batch.id for batch, _ in counted]).items()}
    return [UndoneBatch(batch, here, totals.get(batch.id, here)) for batch, here in counted]


def restore_batch(batch: ActionImportBatch, actor) -> list[tuple[Network, int]]:
    """Take an undo back in one step: the rows the undo removed that are still removed come
    back, each network's last in its list in the order they had, and the batch is no longer
    undone. Rows removed before the undo, or restored one by one since, stay as they are.
    Answers how many rows came back to each network.

    The rows come back as they were: their change time stays (a later undo asks only about
    rows edited since the import), their version moves on. Raises NotUndone when the batch
    is not undone (also when someone restored it a moment ago): nothing is written then."""
    undone_at = db.session.scalar(
        select(ActionImportBatch.undone_at).where(ActionImportBatch.id == batch.id))
    if undone_at is None:
        raise NotUndone()
    # Claimed in one statement, as the undo is: of two restores at the same moment, one does it.
    claimed = db.session.execute(
        update(ActionImportBatch)
        .where(ActionImportBatch.id == batch.id, ActionImportBatch.undone_at == undone_at)
        .values(undone_at=None, undone_by_id=None)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise NotUndone()
    removed = db.session.execute(
        select(ActionItem.id, ActionItem.network_id)
        .join(Network, Network.id == ActionItem.network_id)
        .where(ActionItem.import_batch_id == batch.id, ActionItem.deleted_at == undone_at,
               Network.archived_at.is_(None))  # an archived network's rows stay removed
        .order_by(ActionItem.network_id, ActionItem.position, ActionItem.id)).all()
    per_network: dict[int, list[int]] = {}
    for item_id, network_id in removed:
        per_network.setdefault(network_id, []).append(item_id)
    table = ActionItem.__table__
    for network_id, ids in sorted(per_network.items()):
        first = len(_ordered_ids(network_id)) + 1
        db.session.execute(
            update(table).where(table.c.id == bindparam("item_id"))
            .values(deleted_at=None, deleted_by_id=None, position=bindparam("new_position"),
                    version=table.c.version + 1),
            [{"item_id": item_id, "new_position": first + offset}
             for offset, item_id in enumerate(ids)])
        note_written(db.session(), ActionItem, ids)
    db.session.expire_all()
    counts = {network_id: len(ids) for network_id, ids in per_network.items()}
    record("actions_import_restored", actor, batch, network_id=batch.network_id,
           filename=batch.filename, rows=len(removed),
           item_ids=[item_id for item_id, _ in removed],
           networks={str(k): v for k, v in sorted(counts.items())})
    return _counted_networks(counts)
