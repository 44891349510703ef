"""The Alembic migrations build exactly the schema the models describe."""

from datetime import datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from intranet import create_app
from intranet.extensions import db
from intranet.search.models import described_by_models
from tests.conftest import MIGRATIONS, scratch_database


def _differences(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True,
                        "include_object": described_by_models}
        )
        return compare_metadata(context, db.metadata)


def test_migrated_database_matches_the_models(app):
    # The session database was built from empty by `upgrade` (conftest), on SQLite or
    # PostgreSQL alike.
    with app.app_context():
        assert _differences(db.engine) == []


def test_upgrade_from_empty_then_downgrade_to_nothing(tmp_path):
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}",
                              "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        assert _differences(db.engine) == []
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=MIGRATIONS)
        assert _differences(db.engine) == []
        db.engine.dispose()


def test_0011_fills_the_sort_keys_of_the_rows_already_there(tmp_path):
    """On the run's database kind (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": scratch_database(tmp_path),
                              "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0010")
        now = datetime(2026, 12, 1)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO focus_area (id, name, kind, goal, position) "
                              "VALUES (1, 'Område', '', '', 0)"))
            conn.execute(text("INSERT INTO sub_goal (id, focus_area_id, text, position) "
                              "VALUES (1, 1, 'Delmål', 0)"))
            conn.execute(text(
                "INSERT INTO network (id, name, short_name, slug, description, created_at) "
                "VALUES (:id, :name, 'N', :slug, '', :now)"),
                [{"id": 1, "name": "Ärlinge Nätverk", "slug": "a", "now": now},
                 {"id": 2, "name": "alby", "slug": "b", "now": now}])
            conn.execute(text(
                "INSERT INTO action_item (id, network_id, sub_goal_id, activity, responsible, "
                "cost, time_text, comment, status, position, version, created_at, updated_at) "
                "VALUES (:id, 1, 1, :activity, :responsible, '', 'Vår', :comment, 'planerad', "
                ":id, 1, :now, :now)"),
                [{"id": i, "activity": f" Åtgärd {i} ", "responsible": "ÄNGBY",
                  "comment": "", "now": now} for i in range(1, 2502)])  # over one batch
        upgrade(directory=MIGRATIONS)
        rows = db.session.execute(text(
            "SELECT id, activity_key, responsible_key, cost_key, time_key, comment_key "
            "FROM action_item ORDER BY id")).all()
        assert len(rows) == 2501
        assert all(tuple(r[1:]) == (f"ätgård {r.id}", "ångby", "", "vär", "") for r in rows)
        assert dict(db.session.execute(text("SELECT id, name_key FROM network")).all()) == {
            1: "årlinge nåtverk", 2: "alby"}
        db.session.remove()

        downgrade(directory=MIGRATIONS, revision="0010")
        columns = {c["name"] for c in inspect(db.engine).get_columns("action_item")}
        assert "activity_key" not in columns and "activity" in columns
        db.engine.dispose()
