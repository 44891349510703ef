"""Demo data: the cooperation's real 2021 action plan (handlingsplan-2021.csv), loaded into the
networks its "ansvarig" column names.

Each of the plan's 22 rows becomes one row, kept by the first network the responsible text
names (SUP in "Södertörn, SUP, Klimatnätverket"), with every named network and municipality
linked to it, so the combined plan shows each activity once and the network filter finds it
under every network responsible for it.

A row that names no network ("Södertörn" – the cooperation as a whole – or only
municipalities, such as "Huddinge, Haninge, Botkyrka") goes to the network that carries its
focus area in the cooperation: SUP is the main network for infrastructure, the business
network SNUG also follows education, and the communication network runs the cooperation's
shared information, website and conference, which is what the rows of Funktionell
samordning without a named network are about."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from intranet.actions.importer import parse_plan
from intranet.actions.models import ActionItem, ActionStatus
from intranet.actions.services import active_networks, create_item, municipalities, programme
from intranet.extensions import db
from intranet.org.models import Body, BodyKind, Person, Seat

DEFAULT_NETWORK_BY_FOCUS_AREA = {
    "Infrastruktur": "SUP",
    "Utbildning": "SNUG",
    "Näringsliv": "SNUG",
    "Funktionell samordning": "Kommunikation",
}
# The file has no status or due date. The demo reads its time column: "Löpande" (ongoing) is
# an activity under way, and "Våren" in a plan for 2021 was due by midsummer 2021, so the
# follow-up shows rows in progress and what an overdue row looks like.
PLAN_YEAR = 2021
DUE_BY_TIME_TEXT = {"våren": date(PLAN_YEAR, 6, 30)}
STATUS_BY_TIME_TEXT = {"löpande": ActionStatus.IN_PROGRESS}


class DemoPlanError(Exception):
    pass


def seed_actions(csv_path: Path) -> int:
    """Load the plan once; a database that already has action rows is left as it is.
    Returns the number of rows added."""
    if db.session.scalar(select(func.count(ActionItem.id))):
        return 0
    networks = {n.short_name: n for n in active_networks()}
    plan = parse_plan(csv_path.name, csv_path.read_bytes(), programme(), networks.values(),
                      municipalities())
    if not plan.ok:
        problems = plan.errors + [f"{r.line}: {'; '.join(r.errors)}" for r in plan.failed_rows]
        raise DemoPlanError("the demo action plan does not match the programme: "
                            + " | ".join(problems))
    author = _secretariat_person()
    added = 0
    for row in plan.rows:
        owner = row.networks[0] if row.networks else networks.get(
            DEFAULT_NETWORK_BY_FOCUS_AREA.get(row.focus_area.name, ""))
        if owner is None:
            continue  # a cooperation without that network: nothing to hang the row on
        data = row.payload()
        time_key = data["time_text"].strip().casefold()
        create_item(owner, author, {
            "sub_goal_id": data["sub_goal_id"],
            "activity": data["activity"],
            "responsible": data["responsible"],
            "cost": data["cost"],
            "time_text": data["time_text"],
            "comment": data["comment"],
            "status": STATUS_BY_TIME_TEXT.get(time_key, data["status"]),
            "due_date": DUE_BY_TIME_TEXT.get(time_key),
            "network_ids": data["network_ids"],
            "municipality_ids": data["municipality_ids"],
        })
        added += 1
    db.session.flush()
    return added


def _secretariat_person() -> Person | None:
    return db.session.scalar(
        select(Person).join(Seat, Seat.person_id == Person.id).join(Seat.body)
        .where(Body.kind == BodyKind.SECRETARIAT).order_by(Seat.id).limit(1))
