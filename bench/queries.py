"""Queries per request, counted in-process: the app on the generated database, each page
requested as its role through Flask's test client, SQL statements counted by an engine
event. Each page is counted twice after a first request (which warms what is per process):
made, with the process's cached fragments forgotten (as after a change), and served, right
after, with its fragments from the store."""

from __future__ import annotations

from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from bench.client import Browser, FlaskTransport
from bench.pages import PAGES, USERS, find_targets
from intranet import cache
from intranet.extensions import db


@contextmanager
def counting(app: Flask):
    counter = {"n": 0}

    def count(*_args, **_kwargs):
        counter["n"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", count)


def count_queries(app: Flask) -> dict[str, list[int]]:
    with app.app_context():
        targets = find_targets()
    browsers: dict[str, Browser] = {}
    counts = {}
    for page in PAGES:
        if page.role not in browsers:
            browsers[page.role] = Browser(FlaskTransport(app))
            browsers[page.role].login(page.role)
        browser = browsers[page.role]
        user = USERS - 1  # a saving user of its own, apart from the load run's
        with app.test_request_context():
            url = page.url(targets, user)
            version_url = page.version_url(targets, user) if page.version_url else None
        status = browser.visit(page, targets, user, url, version_url)
        if status not in page.expect:
            raise RuntimeError(f"{page.name}: {status}")
        counts[page.name] = []
        for made in (True, False):
            if made:
                cache.clear_store(app)
            with counting(app) as counter:
                status = browser.visit(page, targets, user, url, version_url)
            if status not in page.expect:
                raise RuntimeError(f"{page.name}: {status}")
            counts[page.name].append(counter["n"])
    return counts


def main() -> None:
    """Count on the database in DATABASE_URL (the environment `bench.run` sets) and print
    the counts as one JSON line."""
    import json
    import logging

    from intranet import create_app

    logging.disable(logging.INFO)
    app = create_app()
    print(json.dumps(count_queries(app)))


if __name__ == "__main__":
    main()
