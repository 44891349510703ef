"""The action list (handlingsplan): a network's activities, each under a sub-goal (delmål)
of the development programme, and imports waiting for their confirmation."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    and_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from intranet import clock
from intranet.extensions import db
from intranet.org.models import Municipality, Network, Person, SortKey, SubGoal
from intranet.states import ActionStatus  # below the policy and the counts, which read it too
from intranet.text import sort_key

STATUS_ORDER = [
    ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.PAUSED,
]

action_item_network = Table(
    "action_item_network",
    db.Model.metadata,
    Column("action_item_id", ForeignKey("action_item.id"), primary_key=True),
    Column("network_id", ForeignKey("network.id"), primary_key=True),
    # The rows naming a network (the start page's rows due soon).
    Index("ix_action_item_network_network_id", "network_id"),
)

action_item_municipality = Table(
    "action_item_municipality",
    db.Model.metadata,
    Column("action_item_id", ForeignKey("action_item.id"), primary_key=True),
    Column("municipality_id", ForeignKey("municipality.id"), primary_key=True),
    # The rows naming a municipality (the start page's rows due soon).
    Index("ix_action_item_municipality_municipality_id", "municipality_id"),
)


# A row's text columns and the columns of their keys.
KEYED = {"activity": "activity_key", "responsible": "responsible_key", "cost": "cost_key",
         "time_text": "time_key", "comment": "comment_key"}


def with_keys(values: dict) -> dict:
    """Column values with the keys of the text columns among them (for a statement that
    writes the table without the ORM)."""
    return {**values, **{KEYED[name]: sort_key(value) for name, value in values.items()
                         if name in KEYED}}


class ActionItem(db.Model):
    """One row of a network's action list (handlingsplansrad).

    `version` is SQLAlchemy's version counter: every UPDATE checks and bumps it, and every
    form carries the version the user started from, so no save silently overwrites another.
    Rows are deleted softly (`deleted_at`) and can be restored."""

    __tablename__ = "action_item"
    # A network's live rows in order without reading the table (lists, counts, the plan).
    __table_args__ = (Index("ix_action_item_network_deleted_position", "network_id",
                            "deleted_at", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id"), index=True)
    sub_goal_id: Mapped[int] = mapped_column(ForeignKey("sub_goal.id"), index=True)
    activity: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(500), default="")
    cost: Mapped[str] = mapped_column(String(200), default="")
    time_text: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.PLANNED)
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # The import the row came in with, if any (undone as one batch).
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("action_import_batch.id"),
                                                        index=True)

    # Each text column in Swedish order and case folded (`intranet.text.sort_key`), kept
    # with the text: the combined plan of tens of thousands of rows is sorted and searched
    # in the database, and the database sorts and finds exactly what Python would.
    activity_key: Mapped[str] = mapped_column(SortKey, default="", server_default="")
    responsible_key: Mapped[str] = mapped_column(SortKey, default="", server_default="")
    cost_key: Mapped[str] = mapped_column(SortKey, default="", server_default="")
    time_key: Mapped[str] = mapped_column(SortKey, default="", server_default="")
    comment_key: Mapped[str] = mapped_column(SortKey, default="", server_default="")

    __mapper_args__ = {"version_id_col": version}

    network: Mapped[Network] = relationship()
    sub_goal: Mapped[SubGoal] = relationship()
    networks: Mapped[list[Network]] = relationship(
        secondary=action_item_network, order_by="Network.name"
    )
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=action_item_municipality, order_by="Municipality.position"
    )
    created_by: Mapped[Person | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[Person | None] = relationship(foreign_keys=[updated_by_id])
    deleted_by: Mapped[Person | None] = relationship(foreign_keys=[deleted_by_id])

    @validates(*KEYED)
    def _keep_key(self, name: str, value: str) -> str:
        setattr(self, KEYED[name], sort_key(value))
        return value

    @property
    def focus_area(self):
        return self.sub_goal.focus_area

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def is_overdue(self, on: date | None = None) -> bool:
        """The due date has passed and the row is not done (`overdue_on` in SQL)."""
        on = on or clock.today()
        return (self.due_date is not None and self.due_date < on
                and self.status != ActionStatus.DONE)

    @classmethod
    def overdue_on(cls, on: date):
        """`is_overdue` as an SQL condition, for counting in the database."""
        return and_(cls.due_date < on, cls.status != ActionStatus.DONE)

    def __repr__(self) -> str:
        return f"<ActionItem {self.id} v{self.version}>"


class ActionImport(db.Model):
    """An uploaded file's validated rows, waiting for the uploader to confirm the import.

    The preview writes no action rows: the rows wait here, under a random token bound to the
    person and the network, until they are confirmed (in one transaction) or discarded. Each
    row keeps its number in the file ("line") and the network it goes to
    ("target_network_id")."""

    __tablename__ = "action_import"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # None for the combined plan, whose rows go to the networks they name.
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    columns: Mapped[list] = mapped_column(JSON, default=list)
    rows: Mapped[list] = mapped_column(JSON, default=list)
    # What reading the file noticed about it as a whole ("read as Windows-1252"), shown
    # with the preview.
    notes: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))

    network: Mapped[Network] = relationship()


class ActionImportBatch(db.Model):
    """One confirmed import: the rows it added carry its id, so that it can be undone in one
    step (the rows move to the removed rows). `network_id` is None for the combined plan."""

    __tablename__ = "action_import_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    row_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    network: Mapped[Network | None] = relationship()
    created_by: Mapped[Person | None] = relationship(foreign_keys=[created_by_id])
    undone_by: Mapped[Person | None] = relationship(foreign_keys=[undone_by_id])
