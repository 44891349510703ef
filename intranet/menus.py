"""The menus every page shows: the main menu, a network's sections and the secretariat's tools.

Each is a list of entries here, and its `<li>`s are made once per language, set of entries the
person may see and current entry (and, for a network's sections, network), then served from a
dictionary per app. As a Jinja loop over every entry's endpoint prefixes the main menu alone
cost a seventh of a page served from the cached fragments."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from intranet.authz import in_own_network, may
from intranet.i18n import current_locale


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: str  # a lazy string: translated when the markup is made
    # The endpoints (or their prefixes) whose pages count as this entry's: it is marked as
    # the current page there.
    pages: tuple[str, ...]
    needs: str | None = None  # the action of the access policy it is shown for, if any

    def is_current(self, endpoint: str) -> bool:
        return endpoint.startswith(self.pages)


MENUS: dict[str, tuple[Entry, ...]] = {
    "main": (
        Entry("main.index", _l("Start"), ("main.index",)),
        Entry("networks.directory", _l("Alla nätverk"), (
            "networks.", "documents.", "consultations.", "actions.network_list", "actions.new",
            "actions.edit", "actions.cell", "actions.move", "actions.delete", "actions.trash",
            "actions.restore", "actions.import", "actions.export_network")),
        Entry("actions.plan", _l("Handlingsplan"),
              ("actions.plan", "actions.summary", "actions.export_plan")),
        Entry("reviews.board", _l("Remissvar"), ("reviews.",), needs="view_review_board"),
        Entry("appointments.home", _l("Representation"), (
            "appointments.home", "appointments.municipality", "appointments.appoint_member",
            "appointments.replace_member", "appointments.end_member"),
            needs="view_own_representation"),
        Entry("appointments.coverage_matrix", _l("Täckning"), ("appointments.coverage",),
              needs="view_coverage"),
        Entry("org.bodies", _l("Organisation"), ("org.",)),
        Entry("meetings.index", _l("Möten"), ("meetings.",)),
        Entry("admin.people", _l("Kansliet"), ("admin.",), needs="administer"),
    ),
    # A network's sections (their endpoints take the network's `slug`).
    "network": (
        Entry("networks.show", _l("Översikt och ledamöter"), ("networks.",)),
        Entry("documents.index", _l("Dokument"), ("documents.",)),
        Entry("consultations.index", _l("Remissvar"), ("consultations.",)),
        Entry("actions.network_list", _l("Handlingsplan"), ("actions.",)),
    ),
    "admin": (
        Entry("admin.people", _l("Personer"), (
            "admin.people", "admin.new_person", "admin.person", "admin.deactivate",
            "admin.reactivate")),
        Entry("admin.bodies", _l("Organ"), ("admin.bodies", "admin.new_seat", "admin.end_seat")),
        Entry("admin.networks", _l("Nätverk"), (
            "admin.networks", "admin.new_network", "admin.archive", "admin.restore")),
        Entry("admin.audit_log", _l("Granskningslogg"), ("admin.audit",)),
    ),
}


def _in_own_network() -> bool:
    slug = (request.view_args or {}).get("slug")
    return bool(slug) and current_user.is_authenticated and (
        in_own_network(current_user, slug))


def menu(name: str, **url_args) -> Markup:
    """The `<li>`s of menu `name` that the person may see, the current page's marked with
    `aria-current`; `url_args` go to every entry's URL (a network's `slug`)."""
    entries = MENUS[name]
    endpoint = request.endpoint or ""
    shown = tuple(i for i, entry in enumerate(entries)
                  if entry.needs is None or may(current_user, entry.needs))
    current = tuple(i for i in shown if entries[i].is_current(endpoint))
    if name == "main" and _in_own_network():
        # A page of one of the person's own networks is theirs: Start, not Alla nätverk.
        current = tuple(i for i in shown if entries[i].endpoint == "main.index")
    key = (name, str(current_locale()), request.script_root, tuple(sorted(url_args.items())),
           shown, current)
    made = current_app.extensions.setdefault("menus", {})
    markup = made.get(key)
    if markup is None:
        # Markup.format escapes every argument that is not Markup: the URL and the label are
        # escaped here, and the only markup put in is the constant aria-current attribute.
        markup = Markup("").join(
            Markup('<li><a href="{url}"{current}>{label}</a></li>').format(
                url=url_for(entries[i].endpoint, **url_args),
                current=Markup(' aria-current="page"') if i in current else "",
                label=escape(str(entries[i].label)))
            for i in shown)
        if len(made) < 10_000:  # bounded: a few per menu, language and network
            made[key] = markup
    return markup
