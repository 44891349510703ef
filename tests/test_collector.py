"""The serving process's garbage collector settings (intranet/collector.py)."""

import gc

import pytest
from flask import Flask

from intranet import collector


@pytest.fixture
def restore_collector():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_tune_freezes_at_start_and_again_after_the_first_requests(restore_collector,
                                                                   monkeypatch):
    monkeypatch.setattr(collector, "WARM_REQUESTS", 3)
    app = Flask(__name__)
    loaded_on_first_use = []

    @app.get("/")
    def index():
        loaded_on_first_use.append([object()])  # a tracked object made by a request
        return "ok"

    gc.unfreeze()
    collector.tune(app)
    assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
    at_start = gc.get_freeze_count()
    assert at_start > 0

    client = app.test_client()
    client.get("/")
    client.get("/")
    made = loaded_on_first_use[0]
    assert _collected(made)  # not frozen yet
    client.get("/")
    assert not _collected(made)  # what the first requests made is frozen too

    client.get("/")
    assert _collected(loaded_on_first_use[3])  # only once


def _collected(obj) -> bool:
    """Whether the collector still walks obj (a frozen object is left out)."""
    return any(tracked is obj for tracked in gc.get_objects())
