"""The one way to answer htmx: a page template renders whole, or only the named block that an
htmx request swaps."""

from __future__ import annotations

from flask import make_response, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    """A request from htmx that expects a fragment (not a boosted page or a history restore)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(template: str, block: str | None = None, status: int = 200, **context):
    """Render the page, or for an htmx request only `block` of it. Either way the response
    varies on HX-Request, so no cache hands a fragment to a full page load."""
    if block is not None and is_htmx():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response
