"""What an editing route does with a save: commit it, or answer with the conflict (409), the
"gone" page (409) or, after a failed CSRF check, the form again with the posted text (400).
The route still loads, asks the policy and validates; the page itself is its own template,
with the component's macros (templates/macros/editing.html)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from flask import request
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from intranet.editing.conflict import (
    Conflict,
    EditConflict,
    latest_number,
    normalise_text,
    revision_number,
    saved_in_between,
    with_base,
)
from intranet.errors import keeps_text_on_csrf_error
from intranet.extensions import db
from intranet.htmx import is_htmx


@dataclass(frozen=True)
class Attempt:
    """How a save went: saved (with what the save returned), or not, with the conflict or
    the exception that says the thing edited is gone. Nothing was written unless saved."""

    saved: bool
    result: object = None
    conflict: Conflict | None = None
    gone: Exception | None = None


def attempt(save: Callable[[], object], *, mine: str,
            reload: Callable[[], tuple[int, str]], gone: tuple[type[Exception], ...] = (),
            commit: Callable[[], None] | None = None) -> Attempt:
    """Run `save` and commit (with `commit`, db.session.commit unless given). A save that
    finds another one saved since the editor's version raises EditConflict; one that loses
    the race between that check and its UPDATE raises StaleDataError, and `reload()` then
    gives the version and text saved meanwhile (read after the rollback). Exceptions of
    `gone` say the thing was removed while the editor wrote. Anything else is raised."""
    try:
        result = save()
        (commit or db.session.commit)()
    except EditConflict as error:
        db.session.rollback()
        return Attempt(False, conflict=error.conflict)
    except StaleDataError:
        db.session.rollback()
        version, text = reload()
        return Attempt(False, conflict=saved_in_between(version, mine, text).conflict)
    except gone as error:
        db.session.rollback()
        return Attempt(False, gone=error)
    return Attempt(True, result)


def restart(form, conflict: Conflict, owner, owner_id: int,
            saved_fields: dict | None = None) -> Conflict:
    """The conflict with the text both saves started from (the revision the form's `base`
    names; `owner` is the revisions' column naming the text, as for with_base), and the
    form made to start from the saved version, so that saving again is deliberate: its
    `version` and `base` those of the saved text, its `body` both changes when they merge
    (else the editor's own text, kept)."""
    conflict = with_base(conflict, owner, owner_id, revision_number(form.base.data))
    form.version.data = conflict.current_version
    if conflict.base and conflict.base.merged is not None:
        form.body.data = conflict.base.merged  # both changes kept, for the editor to save
    others = []
    base = conflict.base
    title = getattr(form, "title", None)
    if base is not None and title is not None and base.current_title != base.title:
        if (title.data or "").strip() == base.title:
            title.data = base.current_title  # only the other save changed it: theirs kept
        elif (title.data or "").strip() != base.current_title:
            others.append((str(title.label.text), base.current_title, title.data or ""))
    # Fields kept without revisions (a page's tags and visibility): the saved value and the
    # form's, when they differ, so that saving over another's change is never silent.
    for name, (shown_saved, shown_mine) in (saved_fields or {}).items():
        if shown_saved != shown_mine:
            others.append((str(getattr(form, name).label.text), shown_saved, shown_mine))
    number = (conflict.base.current_number if conflict.base
              else latest_number(owner, owner_id))
    form.base.data = number or ""
    return replace(conflict, current_number=number or None, other_fields=tuple(others))


def save_text(form, save: Callable[[], object], *, owner, owner_id: int,
              reload: Callable[[], tuple[int, str]], show: Callable[..., object],
              gone: tuple[type[Exception], ...] = (),
              saved_fields: Callable[[], dict] | None = None):
    """Save a text kept with its history (a form with `body`, `version` and `base`) and
    commit: None when saved (the route says so and redirects). Otherwise the answer of
    `show(form, status=409, conflict=…)` with the three texts, or `show(form, status=409,
    gone=True)` when the text was removed meanwhile; the editor's text is in the form.
    `saved_fields()` gives the fields kept without revisions, as saved and as in the form
    ({name: (saved, mine)}), read after the failed save, for the conflict to name."""
    outcome = attempt(save, mine=normalise_text(form.body.data), reload=reload, gone=gone)
    if outcome.saved:
        return None
    if outcome.gone is not None:
        return show(form, status=409, gone=True)
    return show(form, status=409, conflict=restart(
        form, outcome.conflict, owner, owner_id,
        saved_fields=saved_fields() if saved_fields else None))


def keeps_text(*endpoints: str, fields: dict):
    """Register `reopen(**view_args)` for a failed CSRF check (e.g. a login elsewhere
    renewed the session) on these endpoints: it returns the form again with what was posted
    (status 400, with `csrf_failed`) for a person who may still edit, or None for the
    general error page. Plain posts of a logged-in person only; `fields` are shown back for
    copying when the login itself ended."""
    def register(reopen: Callable[..., object]):
        def handler(_error):
            if is_htmx() or not current_user.is_authenticated:
                return None
            return reopen(**(request.view_args or {}))

        for endpoint in endpoints:
            keeps_text_on_csrf_error(endpoint, fields=fields)(handler)
        return reopen

    return register
