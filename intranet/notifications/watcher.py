"""The sender process, `flask deliver-mail --watch`: delivers what requests queue, within
seconds, and retries failed mail after its wait (services.RETRY_DELAYS).

On PostgreSQL it LISTENs on its own connection for the NOTIFY that queue() sends in the
request's transaction, so it wakes when the mail is committed, and it also looks at the
outbox every 30 seconds in case a notification was missed. On SQLite it looks every second.
A database that goes away (a restart, a dropped connection) is logged and tried again after
a growing wait; the process keeps running. SIGTERM and SIGINT stop it after the mail it is
sending."""

from __future__ import annotations

import logging
import signal
import time
from datetime import timedelta

import psycopg
from flask import Flask
from sqlalchemy import exc

from intranet import clock
from intranet.extensions import db
from intranet.notifications.services import CHANNEL, deliver_due, next_retry_at

log = logging.getLogger(__name__)

POLL_SECONDS = {"postgresql": 30.0, "sqlite": 1.0}
# The waits before trying a database that went away again (the last repeats).
RECONNECT_SECONDS = (1, 2, 5, 10, 30)
# What a database that is away or restarting raises; anything else is a fault to stop for.
DATABASE_AWAY = (exc.OperationalError, exc.InterfaceError, exc.DisconnectionError,
                 psycopg.OperationalError, psycopg.InterfaceError)


class Watcher:
    """One sender: run() until stop() (from a signal handler or another thread). Its waits
    are slices of a second at most that look at a plain flag: a signal handler that took a
    lock the interrupted code holds (threading.Event's) would wait for ever."""

    def __init__(self, app: Flask, poll_seconds: float | None = None):
        self.app = app
        self.poll_seconds = poll_seconds
        self.stopping = False
        self._listener: psycopg.Connection | None = None

    def stop(self, *_signal) -> None:
        self.stopping = True

    def run(self) -> None:
        with self.app.app_context():
            dialect = db.engine.dialect.name
            poll = self.poll_seconds or POLL_SECONDS.get(dialect, 1.0)
            listens = dialect == "postgresql"
            log.info("Mail sender started (%s%s, looking every %g s).", dialect,
                     f", listening on {CHANNEL}" if listens else "", poll)
            failures = 0
            while not self.stopping:
                try:
                    if listens and self._listener is None:
                        self._listener = self._listen()
                    deliver_due(keep_going=lambda: not self.stopping)
                    wait = self._seconds_until_due(poll)
                    db.session.remove()  # the connection goes back to the pool meanwhile
                    if failures:
                        log.info("Mail sender: the database is back.")
                        failures = 0
                    self._wait(wait)
                except DATABASE_AWAY as error:
                    seconds = RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)]
                    failures += 1
                    log.warning("Mail sender: the database is not available (%s); trying "
                                "again in %s s.", str(error).strip().splitlines()[0], seconds)
                    self._forget_connections(away=True)
                    self._sleep(seconds)
            self._forget_connections(away=False)
            log.info("Mail sender stopped.")

    def _listen(self) -> psycopg.Connection:
        """A connection of its own (made as the engine makes them, outside its pool) that
        LISTENs on the channel."""
        pooled = db.engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()  # closed by _close_listener, not returned to the pool
        connection.autocommit = True
        connection.execute(f"LISTEN {CHANNEL}")
        return connection

    def _seconds_until_due(self, poll: float) -> float:
        """The poll interval, or less when a failed mail is due again sooner."""
        retry = next_retry_at()
        if retry is None:
            return poll
        return min(poll, max(0.0, (retry - clock.utcnow()) / timedelta(seconds=1)) + 0.05)

    def _wait(self, seconds: float) -> None:
        """Until a notification (PostgreSQL), the time is up, or stop()."""
        if self._listener is None:
            self._sleep(seconds)
            return
        deadline = time.monotonic() + seconds
        while not self.stopping:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            if list(self._listener.notifies(timeout=min(remaining, 1.0), stop_after=1)):
                return
        if not self.stopping:
            # No notification while it waited: prove the listening connection still works
            # (one a firewall dropped in silence would never hear one again).
            self._listener.execute("SELECT 1")

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and (remaining := deadline - time.monotonic()) > 0:
            time.sleep(min(remaining, 0.25))

    def _forget_connections(self, away: bool) -> None:
        """No open transaction and no listening connection; when the database went away, no
        pooled connection to it either (a new listening connection is made next time)."""
        steps = [db.session.rollback, db.session.remove, self._close_listener]
        if away:
            steps.append(db.engine.dispose)
        for step in steps:
            try:
                step()
            except Exception as error:  # the connection is gone already: nothing to keep
                log.debug("Mail sender: %s while closing connections", error)

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()


def watch_until_stopped(app: Flask, poll_seconds: float | None = None) -> None:
    """Run a sender in this process until SIGTERM or SIGINT. A SIGINT ignored from the start
    stays ignored: a shell starts its background commands so (`make run`), and stops this one
    with SIGTERM when it is done."""
    watcher = Watcher(app, poll_seconds)
    signal.signal(signal.SIGTERM, watcher.stop)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, watcher.stop)
    watcher.run()
