"""Search: the results page (a plain GET, the query in the URL) and, for the header's field
as one types, the first hits as an htmx fragment."""

from __future__ import annotations

import re
from datetime import date

from flask import request, url_for
from flask_babel import format_date, format_decimal
from flask_login import current_user

from intranet import cache
from intranet.authz import authorize, is_secretariat
from intranet.htmx import render
from intranet.markup import options
from intranet.search import bp, services
from intranet.search.models import ACTION, DOCUMENT, MEETING, NETWORK, PERSON, RESPONSE
from intranet.urls import db_int, network_or_404

# A meeting's entry is titled with its body and its date (search.index._meetings).
_MEETING_YEAR = re.compile(r"(\d{4})-\d{2}-\d{2}$")
_MEETING_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")


def _network():
    """The network of "search in this network", if the URL names one the person may see."""
    slug = request.args.get("natverk", "").strip()
    if not slug:
        return None
    network = network_or_404(slug)
    authorize(current_user, "view_network", network)
    return network


def _arguments() -> dict:
    """The search's filters as given in the URL (for links to other pages and filters)."""
    args = {name: request.args.get(name, "").strip()
            for name in ("q", "typ", "natverk", "andrad")}
    return {name: value for name, value in args.items() if value}


def url_of(hit: services.Hit) -> str:
    """Where a hit is opened."""
    if hit.kind == DOCUMENT:
        return url_for("documents.show", slug=hit.network_slug, document_id=hit.object_id)
    if hit.kind == RESPONSE:
        return url_for("consultations.show", slug=hit.network_slug, response_id=hit.object_id)
    if hit.kind == ACTION:
        return url_for("actions.network_list", slug=hit.network_slug,
                       _anchor=f"rad-{hit.object_id}")
    if hit.kind == NETWORK:
        return url_for("networks.show", slug=hit.network_slug)
    if hit.kind == PERSON:
        return url_for("org.person", person_id=hit.object_id)
    if hit.kind == MEETING:  # the meetings page shows one year: the one of the meeting
        year = _MEETING_YEAR.search(hit.title)
        return url_for("meetings.index", ar=year.group(1) if year else None,
                       _anchor=f"mote-{hit.object_id}")
    raise ValueError(hit.kind)


def title_of(hit: services.Hit) -> str:
    """A hit's title as shown: a meeting's (its body and ISO date in the index, so that
    "2027-12-09" finds it) with the date written out ("torsdag 9 december 2027")."""
    if hit.kind == MEETING:
        found = _MEETING_DATE.search(hit.title)
        if found:
            day = date.fromisoformat(found.group(0))
            return f"{hit.title[:found.start()]}{format_date(day, 'full')}"
    return hit.title


@bp.get("/")
def index():
    authorize(current_user, "search")
    network = _network()
    kind = request.args.get("typ", "")
    since = request.args.get("andrad", "")
    page = request.args.get("sida", 1, type=db_int)
    results = services.search(current_user, request.args.get("q", ""), kind=kind,
                              network=network, since=since, page=page)
    return render("search/index.html", block="results", results=results, network=network,
                  kind=kind if kind in services.KIND_LABELS else "",
                  since=since if since in services.SINCE else "", args=_arguments(),
                  kind_labels=services.KIND_LABELS, kind_badges=services.KIND_BADGES,
                  title_of=title_of, since_labels=services.SINCE_LABELS,
                  network_options=_network_options(network.slug if network else None),
                  url_of=url_of,
                  without=_without, counted_at_most=format_decimal(services.COUNTED_AT_MOST))


def _network_options(selected: str | None):
    """The network filter's options (500 at the scale of all municipalities), the same for
    everyone but the secretariat (who also sees archived networks): a cached fragment until
    the networks change."""
    secretariat = is_secretariat(current_user)
    return cache.fragment("search.networks", (secretariat, selected), ("org",),
                          lambda: options(services.network_choices(current_user), selected))


def _without(name: str) -> dict:
    """The search's URL arguments but one (a filter's link that lifts it)."""
    return {key: value for key, value in _arguments().items() if key != name}


@bp.get("/forslag")
def suggestions():
    """The first hits for what is typed in the header's field (htmx)."""
    authorize(current_user, "search")
    results = services.search(current_user, request.args.get("q", ""),
                              per_page=services.SUGGESTIONS, typing=True)
    return render("search/suggestions.html", results=results, kind_badges=services.KIND_BADGES,
                  title_of=title_of, url_of=url_of,
                  counted_at_most=format_decimal(services.COUNTED_AT_MOST))
