"""The one way a route handles a form that changes something: validate, check a fresh login
for sensitive actions, call the service, commit once (the mail it queued is then in the
outbox, for the sender process to deliver). A broken rule (RuleError) goes back onto the
form, so the user's input stays and they are told why."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import request
from sqlalchemy.orm.exc import StaleDataError

from intranet.extensions import db

T = TypeVar("T")


class RuleError(ValueError):
    """A business rule was broken; `message` is for the user, `field` names the form field
    it belongs to (or None for the whole form)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def put_error(form, error: RuleError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*list(field.errors or []), str(error.message)]
    else:
        form.form_errors.append(str(error.message))


class Outcome:
    """What submit() did: `done` with the service's result, or not (show the form again)."""

    def __init__(self, done: bool, result=None):
        self.done = done
        self.result = result

    def __bool__(self) -> bool:
        return self.done


def submit(form, action: Callable[[], T], *, sensitive: bool = False,
           raced: str | None = None) -> Outcome:
    """Run `action` for a valid posted form and commit. On any problem the form carries the
    messages and nothing is saved. With `raced`, a write that finds its row changed since it
    was read (StaleDataError: someone saved at the same moment) is that message on the form
    instead of an error."""
    from intranet.auth.fresh import fresh_enough

    if not form.validate_on_submit():
        return Outcome(False)
    if sensitive and not fresh_enough(form):
        return Outcome(False)
    try:
        result = action()
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        put_error(form, error)
        return Outcome(False)
    except StaleDataError:
        if raced is None:
            raise
        db.session.rollback()
        put_error(form, RuleError(raced))
        return Outcome(False)
    return Outcome(True, result)


def form_status() -> int:
    """200 for showing a form, 422 when a posted form comes back with its messages."""
    return 422 if request.method == "POST" else 200
