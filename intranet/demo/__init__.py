"""Invented data: the demo organisation (seed) and the benchmark's national scale (load).

Both create people with passwords printed in the README and the benchmark, so neither runs
outside development and the tests."""

from __future__ import annotations

from flask import current_app

# The environments (INTRANET_ENV) where invented people and known passwords may be made.
ALLOWED_ENVIRONMENTS = ("development", "test")


class NotForProduction(RuntimeError):
    """Demo or benchmark data asked for where real people work."""


def require_development() -> None:
    """Refuse, before anything is written, outside development and the tests, and on a
    database that holds real people (an address outside the reserved .example domains:
    INTRANET_ENV=development pointed at a production database)."""
    from sqlalchemy import select

    from intranet.extensions import db
    from intranet.org.models import Person

    env = current_app.config["ENV_NAME"]
    if env not in ALLOWED_ENVIRONMENTS:
        raise NotForProduction(
            f"Refused: this command makes invented people with published passwords, and "
            f"INTRANET_ENV is {env!r}. It runs only with INTRANET_ENV=development.")
    real = db.session.scalar(select(Person.email).where(~Person.email.like("%.example"))
                             .limit(1))
    if real is not None:
        raise NotForProduction(
            "Refused: this database holds real people (addresses outside .example), so it is "
            "not a development database. Invented people with published passwords go only "
            "into a database of their own.")


# The passwords the README and the benchmark publish: never accepted in production.
def published_passwords() -> frozenset[str]:
    from intranet.demo.load import LOAD_PASSWORD
    from intranet.demo.seed import DEMO_PASSWORD

    return frozenset({DEMO_PASSWORD, LOAD_PASSWORD})
