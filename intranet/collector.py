"""Python's cyclic garbage collector in a process that serves the app (`wsgi.py`).

A worker holds a few hundred thousand long-lived objects: the models' mappers, the compiled
templates and statements, the locale data, the cached fragments' containers. The collector
walked all of them in each full collection, which came every few hundred requests and stopped
the request it fell in for 100-140 ms. And a request makes thousands of objects that reference
counting frees as the request ends; with the default threshold (700 more objects made than
freed) the young generation was collected about once a request, finding almost nothing.

In-process, 1,280 requests over every page the benchmark measures: with the defaults, 951
young and 3 full collections took 505 ms in all, the longest 128 ms; tuned as below, 39 young
and no full ones took 67 ms, the longest 3 ms.

So the serving process:
- freezes what exists once the app is made, and again once the worker has served its first
  requests (templates, statements and locale data are loaded on first use): the collector
  leaves frozen objects alone, and they are still freed by reference counting;
- collects the young generation after 5,000 more objects made than freed instead of 700.
Tests make many apps in one process and do not call this."""

from __future__ import annotations

import gc

from flask import Flask

YOUNG_THRESHOLD = 5000
WARM_REQUESTS = 200  # after its teardown, what the worker loaded on first use is frozen too


def tune(app: Flask) -> None:
    """Set up the collector for a serving process and its app (see the module)."""
    gc.collect()  # before any request: what is garbage now is not frozen
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    left = [WARM_REQUESTS]

    @app.teardown_request
    def _freeze_when_warm(_error=None) -> None:
        if left[0]:
            left[0] -= 1
            if not left[0]:
                gc.freeze()
