"""Fragments of pages that are the same for everyone allowed to see them (the coverage matrix,
a stage of the responses board, a network's rows of the action list), rendered once per
process and served again until the data under them changes.

How a fragment knows that its data changed: every table belongs to a *scope* (`SCOPES`), and
the `data_version` table holds one random token per scope. Any transaction that writes a row
of a scope's tables through the session (the unit of work, or an `update()`/`delete()`/
`insert()` the session executes, on an entity or on a table) gives the scope a new token in
the same transaction, just before it commits. A fragment is
stored under its name, its arguments, the language, today's date and the tokens of the
scopes it reads (`fragment`), so a change committed by any process or command is seen by
every worker at its next request, and a rolled-back change changes nothing.

The rules for a cached fragment:
- it shows only what its key says: no flashed message, no form with what someone typed or
  its errors, nothing of the person looking at it but what the key names (say "may edit",
  or the person); the session's CSRF token (of `csrf_token()` or a form's hidden field) is
  stored as a hole and filled with the request's own token each time it is served;
- `versions()` is read before the data it shows (a route that loads an object for the
  fragment calls it first), so a fragment is never stored under a token older than its data;
- time shows as dates only (today is in the key), never as "five minutes ago".

The store is a dictionary per app and process, bounded by size (`FRAGMENT_CACHE_CHARS`),
least recently used first out. Tokens are random rather than counters, so that a database
restored from a backup never matches a fragment made from other data."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from flask import Flask, current_app, g, has_request_context
from flask_wtf.csrf import generate_csrf
from jinja2_fragments.flask import render_block
from markupsafe import Markup
from sqlalchemy import String, bindparam, event, func, insert, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from intranet import clock
from intranet.extensions import db
from intranet.i18n import current_locale

# Every table's scope. A new table must be named here or in TECHNICAL (a test sees to it).
SCOPES: dict[str, str] = {
    "cooperation": "org", "municipality": "org", "network": "org", "person": "org",
    "network_focus_area": "org", "appointment": "org", "body": "org", "seat": "org",
    "focus_area": "programme", "sub_goal": "programme",
    "document": "documents", "document_tag": "documents", "document_version": "documents",
    "page_revision": "documents",
    "consultation_response": "consultations", "consultation_section": "consultations",
    "consultation_comment": "consultations", "consultation_revision": "consultations",
    "consultation_snapshot": "consultations", "consultation_event": "consultations",
    "consultation_position": "consultations", "consultation_case_number": "consultations",
    "consultation_attachment": "consultations",
    "action_item": "actions", "action_item_network": "actions",
    "action_item_municipality": "actions", "action_import": "actions",
    "action_import_batch": "actions",
    "meeting": "meetings",
}
# Tables no page fragment shows: writing them changes no token.
TECHNICAL = frozenset({"data_version", "login_session", "account_token", "audit_event",
                       "outgoing_mail", "password_reset_request", "search_entry"})
ALL_SCOPES = tuple(sorted(set(SCOPES.values())))
# Columns written as people use the workspace that no fragment shows: a write of only these
# changes no token (or every login would renew the organisation's fragments).
UNSHOWN = {"person": frozenset({"last_login_at", "previous_login_at"})}
_CHANGED = "changed_scopes"
# Where a fragment's forms have the CSRF token while it is stored: random per process, so no
# text anyone writes can contain it.
CSRF_HOLE = "csrf-hole-" + secrets.token_hex(16)


class DataVersion(db.Model):
    """One row per scope: a token that changes with every committed write of the scope."""

    __tablename__ = "data_version"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


def new_token() -> str:
    return secrets.token_hex(8)


# ---------------------------------------------------------------- noticing writes


def _scopes_of(table_name: str | None) -> tuple[str, ...]:
    """A table's scope; a table nobody placed changes every scope, to be safe."""
    if table_name in SCOPES:
        return (SCOPES[table_name],)
    return () if table_name in TECHNICAL else ALL_SCOPES


def _note(session: Session, table_names: Iterable[str | None]) -> None:
    changed = session.info.setdefault(_CHANGED, set())
    for name in set(table_names):
        changed.update(_scopes_of(name))


def _table_name(obj) -> str | None:
    return getattr(getattr(obj, "__table__", None), "name", None)


def _shows(obj) -> bool:
    """Whether a changed object changed more than columns no fragment shows."""
    unshown = UNSHOWN.get(_table_name(obj))
    if not unshown:
        return True
    return any(attr.key not in unshown for attr in inspect(obj).attrs
               if attr.history.has_changes())


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    if session.new or session.dirty or session.deleted:
        _note(session, [*map(_table_name, session.new), *map(_table_name, session.deleted),
                        *(_table_name(o) for o in session.dirty if _shows(o))])


@event.listens_for(Session, "do_orm_execute")
def _orm_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _note(state.session, [getattr(getattr(state.statement, "table", None), "name", None)])


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    session.flush()  # what is pending notes its scopes now
    changed = session.info.pop(_CHANGED, None)
    if changed:
        # Straight to the connection: the tokens' own table is in no scope.
        session.connection().execute(_BUMP, {"scopes": sorted(changed), "token": new_token()})
        if has_request_context():  # what this request shows next is after its own change
            g.pop("data_versions", None)


@event.listens_for(Session, "after_transaction_end")
def _transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # a rolled-back transaction leaves no note behind
        session.info.pop(_CHANGED, None)


_BUMP = (update(DataVersion.__table__)
         .where(DataVersion.__table__.c.scope.in_(bindparam("scopes", expanding=True)))
         .values(token=bindparam("token")))
_READ = select(DataVersion.__table__.c.scope, DataVersion.__table__.c.token)


@event.listens_for(DataVersion.__table__, "after_create")
def _rows_for_new_table(table, connection, **_kwargs) -> None:
    connection.execute(insert(table), [{"scope": s, "token": new_token()} for s in ALL_SCOPES])


def reset(app: Flask | None = None) -> None:
    """Every scope a new token and the app's store emptied: after tables were emptied or
    restored underneath the models (tests, `flask restore`)."""
    app = app or current_app
    with app.app_context():
        have = set(db.session.scalars(select(DataVersion.scope)))
        for scope in ALL_SCOPES:
            if scope in have:
                db.session.execute(update(DataVersion).where(DataVersion.scope == scope)
                                   .values(token=new_token()))
            else:
                db.session.add(DataVersion(scope=scope, token=new_token()))
        db.session.commit()
        _store(app).clear()


# ---------------------------------------------------------------- the store


class _Store:
    """Least recently used out, bounded by the characters held."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.items: OrderedDict[tuple, Markup] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> Markup | None:
        with self.lock:
            value = self.items.get(key)
            if value is None:
                self.misses += 1
                return None
            self.items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: tuple, value: Markup) -> None:
        if len(value) > self.limit:
            return
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.size -= len(old)
            self.items[key] = value
            self.size += len(value)
            while self.size > self.limit:
                _, dropped = self.items.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


def _store(app: Flask) -> _Store:
    store = app.extensions.get("fragments")
    if store is None:
        store = app.extensions["fragments"] = _Store(app.config["FRAGMENT_CACHE_CHARS"])
    return store


def clear_store(app: Flask) -> None:
    """Forget this process's fragments (they are made again at their next request)."""
    _store(app).clear()


def versions() -> dict[str, str]:
    """The scopes' tokens, read once per request (call it before loading what a fragment
    shows). Empty when the table has no rows, and then nothing is cached."""
    if "data_versions" not in g:
        rows = db.session.execute(_READ).all()
        g.data_versions = dict(rows) if len(rows) == len(ALL_SCOPES) else {}
    return g.data_versions


# The tokens as one column of another statement (the login's, which every request runs
# first): "scope:token,scope:token".
TOKENS_COLUMN = (select(func.aggregate_strings(
    DataVersion.__table__.c.scope + ":" + DataVersion.__table__.c.token, ","))
    .scalar_subquery().label("data_versions"))


def remember_versions(column: str | None) -> None:
    """The tokens read with the login at the start of the request (see TOKENS_COLUMN)."""
    pairs = dict(p.split(":", 1) for p in column.split(",")) if column else {}
    g.data_versions = pairs if len(pairs) == len(ALL_SCOPES) else {}


def known_versions() -> dict[str, str] | None:
    """The tokens if this request has read them already, without reading them."""
    return g.get("data_versions") if has_request_context() else None


def fragment(name: str, args: tuple, scopes: tuple[str, ...],
             render: Callable[[], Markup]) -> Markup:
    """The fragment `name` for `args`, from the store when its scopes have not changed since
    it was made; otherwise `render()` (which loads what it shows) makes it and stores it.
    `render` returns Markup, escaped where it was made (`blocks` gives a template's)."""
    if not current_app.config["FRAGMENT_CACHE_CHARS"]:
        return _made(render())
    tokens = versions()
    if not tokens:
        return _made(render())
    key = (name, args, str(current_locale()), clock.today(),
           tuple(tokens[s] for s in scopes))
    store = _store(current_app)
    found = store.get(key)
    if found is None:
        found = _made(render())
        token = g.get("csrf_token")  # where Flask-WTF keeps the request's token
        if token:  # this session's: a hole in what is stored
            found = found.replace(token, CSRF_HOLE)
        store.put(key, found)
    if CSRF_HOLE in found:
        return found.replace(CSRF_HOLE, generate_csrf())  # Markup escapes the token
    return found


def _made(html: Markup) -> Markup:
    if not isinstance(html, Markup):  # plain text here would reach the page unescaped
        raise TypeError("a fragment is Markup, escaped where it was made")
    return html


def blocks(template: str, names: tuple[str, ...], args: tuple, scopes: tuple[str, ...],
           context: Callable[[], dict]) -> dict[str, Markup]:
    """The named blocks of a page template as cached fragments, under one key. `context()`
    loads what they show, once, and only when one of them is not in the store. The template
    shows a block given here (`cached.<name>`) instead of rendering it. Only a template that
    autoescapes (`.html`) can give them: its output is stored and served as Markup."""
    if not current_app.select_jinja_autoescape(template):
        raise ValueError(f"{template} does not autoescape, so its blocks cannot be stored")
    loaded: dict | None = None

    def render(name: str) -> str:
        nonlocal loaded
        if loaded is None:
            loaded = context()
        # An autoescaping template's output (checked above): everything in it was escaped
        # as it rendered.
        return Markup(render_block(template, name, **loaded))  # noqa: S704

    return {name: fragment(f"{template}#{name}", args, scopes, lambda n=name: render(n))
            for name in names}


def init_app(app: Flask) -> None:
    app.config.setdefault("FRAGMENT_CACHE_CHARS", 16_000_000)
