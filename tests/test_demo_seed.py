"""The demo command loads the real structure with invented people, and is idempotent."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intranet.config import ROOT
from intranet.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, email_for
from intranet.extensions import db
from intranet.org.models import (
    Appointment,
    Body,
    FocusArea,
    Municipality,
    Network,
    Person,
    Seat,
    SubGoal,
)
from intranet.org.services import network_members

SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


def counts():
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (Municipality, Body, Network, FocusArea, SubGoal, Person, Seat, Appointment)}


def test_seed_demo_loads_the_structure_and_is_idempotent(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        first = counts()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert counts() == first
        assert first["Municipality"] == 8 and first["Body"] == 3 and first["Network"] == 5
        assert first["FocusArea"] == 4 and first["SubGoal"] == 12
        for network in db.session.scalars(select(Network)):
            members = network_members(network)
            assert members.member_count >= 3, network.short_name
            assert len(members.conveners) == 1, network.short_name
        gaps = {n.short_name: [m.name for m in network_members(n).gaps]
                for n in db.session.scalars(select(Network))}
        assert gaps["Klimat"] == ["Nykvarn", "Salem"]
        assert gaps["SUP"] == []


def test_every_demo_account_logs_in(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    for first, last, municipality, *_ in DEMO_ACCOUNTS:
        c = type(client)(app)
        response = c.login(email_for(first, last, municipality), DEMO_PASSWORD)
        assert response.status_code == 303, (first, last)


def test_demo_people_are_invented_not_from_the_seed_documents(app):
    app.test_cli_runner().invoke(args=["seed-demo"])
    if not SHARED_SEEDS.is_dir():
        pytest.skip("the cooperation's seed documents (../shared/seeds) are not beside the repo")
    texts = " ".join(p.read_text(encoding="utf-8") for p in SHARED_SEEDS.glob("*.txt"))
    with app.app_context():
        names = list(db.session.scalars(select(Person.name)))
    assert len(names) > 40
    assert not [n for n in names if n in texts]


def test_demo_structure_comes_from_the_projects_copy_of_organisation_json(app):
    data = json.loads((app.config["DEMO_DATA_DIR"] / "organisation.json").read_text("utf-8"))
    app.test_cli_runner().invoke(args=["seed-demo"])
    with app.app_context():
        assert sorted(db.session.scalars(select(Municipality.name))) == sorted(
            data["municipalities"])
        assert sorted(db.session.scalars(select(Network.short_name))) == sorted(
            n["short"] for n in data["networks"])


def test_project_keeps_its_own_copy_of_the_data():
    assert (ROOT / "intranet" / "demo" / "organisation.json").is_file()
    assert Path(ROOT / "intranet" / "demo" / "handlingsplan-2021.csv").is_file()
