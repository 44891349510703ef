"""Writing audit rows. Callers commit; the row joins their transaction."""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import insert

from intranet import clock
from intranet.audit.models import AuditEvent
from intranet.extensions import db

# Keys that must never reach the audit log, whatever a caller passes.
_SECRET_KEYS = {"password", "password_hash", "token", "csrf_token", "key"}


# An audit row is written at once with a plain INSERT, built once: every change writes one,
# and the unit of work would cost more than the insert. It goes straight to the session's
# connection (same transaction): the audit log is no fragment's data (cache.TECHNICAL), so
# the ORM's execution and its hooks have nothing to do with it.
_INSERT = insert(AuditEvent.__table__)


def record(action: str, actor=None, obj=None, *, object_type: str = "", object_id=None,
           **detail) -> None:
    if obj is not None:
        object_type = object_type or type(obj).__name__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    clean = {k: v for k, v in detail.items() if k not in _SECRET_KEYS}
    db.session.connection().execute(_INSERT, {
        "at": clock.utcnow(),
        "action": action,
        "actor_id": getattr(actor, "id", None),
        "object_type": object_type,
        "object_id": object_id,
        "ip": (request.remote_addr or "") if has_request_context() else "",
        "detail": clean,
    })
