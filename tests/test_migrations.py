"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from intranet import create_app
from intranet.extensions import db
from tests.conftest import MIGRATIONS


def _differences(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
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
