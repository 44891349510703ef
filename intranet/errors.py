"""Error pages in the user's language, without internals: a whole page, or for htmx a
message swapped into the page's live region."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from flask import Flask, Response, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from intranet.extensions import db
from intranet.htmx import is_htmx, render

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Felaktig begäran"), _l("Begäran kunde inte tolkas. Försök igen.")),
    403: (_l("Åtkomst nekad"), _l("Du har inte behörighet till den här sidan eller åtgärden.")),
    404: (_l("Sidan finns inte"), _l("Sidan du söker finns inte eller har flyttats.")),
    405: (_l("Metoden stöds inte"), _l("Den här adressen kan inte användas på det sättet.")),
    409: (
        _l("Ändringen kunde inte göras"),
        _l("Någon annan har ändrat eller låst det du arbetade med. Ladda om sidan."),
    ),
    413: (
        _l("Filen är för stor"),
        _l("Det du skickade är större än vad som tas emot. Inget har sparats."),
    ),
    429: (
        _l("För många försök"),
        _l("Du har gjort för många försök på kort tid. Vänta en stund och försök igen."),
    ),
    500: (
        _l("Något gick fel"),
        _l("Ett oväntat fel inträffade. Felet är loggat; försök igen om en stund."),
    ),
}
# A former member refused something of their network (the policy says so: authz.
# ended_appointment): the page says when their appointment ended.
ENDED_TITLE = _l("Ditt uppdrag har upphört")
# For a request to an unknown host name: in both languages, since nothing of the person's
# choice can be read for a host the app does not serve.
UNTRUSTED_HOST_PAGE = (
    '<!doctype html><html lang="sv"><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Felaktig begäran</title>"
    "<h1>Felaktig begäran</h1><p>Adressen du använde hör inte till den här tjänsten.</p>"
    '<p lang="en">Bad request: this address does not belong to this service.</p></html>'
)
CSRF_MESSAGE = (
    _l("Formuläret kunde inte skickas"),
    _l(
        "Sidan har varit öppen länge eller så har du loggat ut under tiden. Ladda om sidan och "
        "försök igen. Kopiera gärna din text först."
    ),
)


# Views that must not lose what the user typed when the CSRF check fails (a long editing
# session, a login elsewhere): endpoint → a function that renders the form again with the
# posted text, or returns None to fall back to the generic page. Register with
# @keeps_text_on_csrf_error("blueprint.endpoint", fields={"body": _l("Text")}); the named
# fields are also shown back, for copying, when the login session ended before the save.
_TEXT_KEEPERS: dict[str, Callable] = {}
_KEPT_FIELDS: dict[str, dict] = {}


def keeps_text_on_csrf_error(endpoint: str, fields: dict | None = None):
    def register(handler: Callable):
        _TEXT_KEEPERS[endpoint] = handler
        if fields:
            _KEPT_FIELDS[endpoint] = fields
        return handler

    return register


def keep_posted_text(endpoint: str, fields: dict) -> None:
    """Show these posted fields back, for copying, when the login ended before the save."""
    _KEPT_FIELDS[endpoint] = fields


def kept_text_after_logout():
    """For a plain POST to a registered view whose login session has ended: a page (401)
    that shows what was posted, for copying, instead of a redirect that drops it. Only the
    user's own posted text is shown, nothing from the database."""
    fields = _KEPT_FIELDS.get(request.endpoint or "")
    if request.method != "POST" or not fields or is_htmx():
        return None
    texts = [(label, request.form.get(name, "")) for name, label in fields.items()
             if request.form.get(name, "").strip()]
    if not texts:
        return None
    return render("errors/kept_text.html", status=401, texts=texts)


def _respond(status: int, title, message, correlation_id: str | None = None, **context):
    response = render(
        "errors/error.html",
        block="error_message",
        status=status,
        title=title,
        message=message,
        status_code=status,
        correlation_id=correlation_id,
        **context,
    )
    if is_htmx():
        # The fragment goes into the page's live region, not into the element that asked.
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        keeper = _TEXT_KEEPERS.get(request.endpoint or "")
        if keeper is not None:
            response = keeper(error)
            if response is not None:
                return response
        if not current_user.is_authenticated:
            kept = kept_text_after_logout()
            if kept is not None:
                return kept
        title, message = CSRF_MESSAGE
        return _respond(400, title, message)

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        # A Host header that is not the configured one (TRUSTED_HOSTS in production): no URL
        # can be built for it, so the answer is a page of its own that links nowhere.
        log.warning("Refused a request for an untrusted host: %s", error.description)
        return Response(UNTRUSTED_HOST_PAGE, 400, content_type="text/html; charset=utf-8")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 403:
            _audit_denied()
            ended = g.get("ended_appointment")
            if ended is not None:
                return _respond(403, ENDED_TITLE, "", ended=ended)
        if error.code in MESSAGES:
            title, message = MESSAGES[error.code]
            return _respond(error.code, title, message)
        return error

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        correlation_id = uuid.uuid4().hex[:12]
        log.exception("Unhandled error %s on %s %s", correlation_id, request.method, request.path)
        title, message = MESSAGES[500]
        return _respond(InternalServerError.code, title, message, correlation_id)


def _audit_denied() -> None:
    """Refused access is audited (who, what, where), in its own small transaction."""
    from intranet.audit.services import record

    try:
        db.session.rollback()
        action, obj = g.get("denied", (None, None))
        record(
            "access_denied",
            actor=current_user if current_user.is_authenticated else None,
            obj=obj,
            endpoint=request.endpoint or "",
            method=request.method,
            path=request.path,
            policy_action=action or "",
        )
        db.session.commit()
    except Exception:  # an audit failure must not turn a 403 into a 500
        db.session.rollback()
        log.exception("Could not audit a refused access")
