"""The versioned save: one UPDATE that writes the row and its next version WHERE the version
is the one the editor read, and, for texts with a history, the revision numbered in its own
INSERT. Statements are built once on the tables (plain statements, at a quarter of the unit
of work's cost) and executed through the session, so the cached fragments still hear of
them (intranet/cache.py)."""

from __future__ import annotations

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from intranet.extensions import db
from intranet.written import note_written


class VersionedTable:
    """The versioned save of one model's rows (`version`: the name of its version column,
    the mapper's version_id_col), with the revisions' model and the column that names their
    row, for a text kept with its history."""

    def __init__(self, model, version: str, *, revisions=None, owner: str | None = None):
        self.table: Table = model.__table__
        self.version = version
        self._updates: dict[tuple[str, ...], object] = {}
        self._revisions: dict[tuple[str, ...], object] = {}
        self.owner = owner
        if revisions is not None:
            self._revision_table: Table = revisions.__table__

    def _update(self, columns: tuple[str, ...]):
        """UPDATE the columns and the next version WHERE the id and the version read: made
        once per set of columns."""
        statement = self._updates.get(columns)
        if statement is None:
            table = self.table
            statement = self._updates[columns] = (
                update(table)
                .where(table.c.id == bindparam("_row_id"),
                       table.c[self.version] == bindparam("_read_version"))
                .values({name: bindparam(name) for name in (*columns, self.version)}))
        return statement

    def write(self, row, values: dict) -> int:
        """Write `values` (column → value) to the loaded `row` if it is still at the version
        it was read at, with the next version; the row takes the values as written. Raises
        StaleDataError (as the unit of work would) when another save came in between: then
        nothing was written. Returns the new version."""
        read = getattr(row, self.version)
        written = {**values, self.version: read + 1}
        statement = self._update(tuple(sorted(values)))
        result = db.session.execute(statement, {**written, "_row_id": row.id,
                                                "_read_version": read})
        if result.rowcount != 1:
            raise StaleDataError(f"{self.table.name} {row.id} changed since it was read")
        for name, value in written.items():
            set_committed_value(row, name, value)
        note_written(db.session(), type(row), [row.id])
        return read + 1

    def add_revision(self, row_id: int, values: dict) -> int:
        """A revision of the row with `values`, numbered after the newest in the INSERT
        itself (from the (owner, number) index: the history is neither loaded nor asked for
        in a statement of its own). Write the row first: its lock, held until the commit,
        keeps two saves from taking the same number. Returns the number."""
        columns = tuple(values)
        statement = self._revisions.get(columns)
        if statement is None:
            statement = self._revisions[columns] = self._revision_statement(columns)
        return db.session.execute(statement, {**values, "_owner_id": row_id}).scalar_one()

    def _revision_statement(self, columns: tuple[str, ...]):
        table, owner = self._revision_table, self.owner
        statement = (
            insert(table)
            .from_select(
                [owner, "number", *columns],
                select(bindparam("_owner_id", type_=table.c[owner].type),
                       func.coalesce(func.max(table.c.number), 0) + 1,
                       *(bindparam(name, type_=table.c[name].type) for name in columns))
                .where(table.c[owner] == bindparam("_owner_id")))
            .returning(table.c.number))
        return statement
