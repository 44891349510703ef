"""What routes share about URLs: links in mail and files come from BASE_URL, only local
redirect targets are followed, ids beyond the database's integers are absent, and a network's
slug finds it or answers 404."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app
from werkzeug.routing import IntegerConverter


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for e-mail and files, from BASE_URL: never from the request's Host
    header, which the client chooses (a reset link to a forged host is an account takeover),
    and the same outside a request (a command run by cron)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def safe_next(target: str | None, default: str) -> str:
    """`target` if it is a path on this site, otherwise `default`."""
    if not target:
        return default
    target = target.strip()
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


# The largest id a database integer column holds: larger numbers in a URL are simply unknown.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number beyond the database's integers is a 404, not an
    error from the database."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def db_int(value: str) -> int:
    """For request.args.get(..., type=db_int): a positive number a database column can hold;
    anything else counts as not given."""
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError(value)
    return number


def network_or_404(slug: str):
    """The network a URL names, or 404."""
    from intranet.org.services import network_by_slug

    network = network_by_slug(slug)
    if network is None:
        abort(404)
    return network
