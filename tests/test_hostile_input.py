"""Hostile input never reaches a server error.

Every route of the URL map is walked as each role: its page with the query parameters it
reads, and its posts with the form a page shows for it, filled in as a browser would. Each
hostile value (a number past 64 bits, a negative number, 100,000 characters, NUL, malformed
UTF-8, dates far in the past and the future, full-width digits) goes into every query
parameter the route reads and every field of the forms that post to it (the fields the pages
show, and those the view reads: its WTForms form's fields among them). First into all of
them at once. When the view read that and refused it: in a query string, into each parameter
alone; in a form, into the fields that took it at once, then into each of those alone with
the rest of the form as the page had it, so that a value a field takes reaches whatever the
form is for. The answer is never a 500, and an error answer writes no row (but the audit
rows of a refused access or a wrong password).

After the walk, the rules behind it, each on its own: ids in forms, the range of dates, the
file names of uploads, and names of people on one line."""

from __future__ import annotations

import importlib
import importlib.util
import io
import logging
import pkgutil
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import flask_wtf.csrf
import pytest
from flask import request, request_started, url_for
from flask_wtf import FlaskForm
from sqlalchemy import event, func, select
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from wtforms.fields.core import UnboundField

from intranet import clock
from intranet.actions.models import ActionImport, ActionImportBatch
from intranet.auth.models import TokenPurpose
from intranet.auth.services import issue_token
from intranet.consultations.models import ConsultationResponse
from intranet.extensions import db
from intranet.meetings.models import Meeting
from intranet.org.models import Body, Municipality
from tests.conftest import appoint, make_action, make_person
from tests.consultation_fixtures import (
    COMMENT_ID,
    RESPONSE_ID,
    SECTION_IDS,
    build_consultations,
)
from tests.document_fixtures import (
    FILE_ID,
    PAGE_ID,
    REVISION_IDS,
    SHARED_ID,
    TRASHED_ID,
    VERSION_IDS,
    build_documents,
)

ROLES = ("anonymous", "member", "convener", "director", "committee", "secretariat")

HOSTILE = {
    "a number past 64 bits": "99999999999999999999",
    "a negative number": "-1",
    "100,000 characters": "x" * 100_000,
    "NUL": "1\x00",
    "malformed UTF-8": b"\xff\xfe",
    "year 1": "0001-01-01",
    "year 9999": "9999-12-31",
    "full-width digits": "１２３",
}

# Audit rows an error answer writes on purpose: a refused access, a failed login or password,
# a password limit reached.
AUDITED_FAILURES = ("access_denied", "login_failed", "password_confirmation_failed",
                    "password_change_failed", "login_throttled")
# Posts that would end what later posts need (a document, a network, the login session: a
# password set from a link logs its person in): walked last, in this order.
LAST = ("documents.delete", "documents.empty_trash", "admin.deactivate", "admin.reactivate",
        "admin.archive", "admin.restore", "auth.accept_invitation", "auth.reset_password",
        "auth.logout")
# A file that each upload takes: a text document, an action list of one row.
UPLOAD = b"fokusomrade,delmal,aktivitet\nInfrastruktur,God framkomlighet,Prov\n"


# ---------------------------------------------------------------- what the walk needs


@dataclass
class Place:
    """What the URLs name, made for one role's walk."""

    args: dict
    overrides: dict
    prepare: dict


def _response_status(status: str):
    def prepare():
        response = db.session.get(ConsultationResponse, RESPONSE_ID)
        if response.status != status:
            response.status = status
            db.session.commit()

    return prepare


def build_place(app, world, role: str) -> Place:
    """The test world with documents, responses, action rows, meetings, pending imports and
    account links: everything a route's URL can name."""
    build_documents(app, world)
    build_consultations(app, world)
    with app.app_context():
        ids = world.ids
        network = world.network()
        alpha = db.session.get(Municipality, ids.alpha)
        rows = {name: make_action(network, name).id for name in ("edit", "move", "delete")}
        rows["deleted"] = make_action(network, "deleted", deleted_at=clock.utcnow()).id
        body = db.session.get(Body, ids.committee_body)
        meetings = [Meeting(body=body, held_on=date(2026, 12, day), time_text="13.00",
                            place="Teams") for day in (3, 10)]
        db.session.add_all(meetings)
        owner = world.person(role) or world.person("member")
        tokens = []
        for _ in range(3):
            token = secrets.token_urlsafe(32)
            row = {"line": 2, "sub_goal_id": network.focus_areas[0].sub_goals[0].id,
                   "activity": "Importerad", "responsible": "", "cost": "", "time_text": "",
                   "comment": "", "status": "planerad", "due_date": None, "network_ids": [],
                   "municipality_ids": [], "notes": []}
            db.session.add(ActionImport(token=token, person_id=owner.id,
                                        network_id=network.id, filename="plan.csv",
                                        columns=[], rows=[row]))
            tokens.append(token)
        # Waiting imports of the combined plan, and confirmed imports (batches) to undo.
        plan_tokens = []
        for _ in range(3):
            token = secrets.token_urlsafe(32)
            row = {"line": 2, "sub_goal_id": network.focus_areas[0].sub_goals[0].id,
                   "activity": "Importerad i gemensam plan", "responsible": "", "cost": "",
                   "time_text": "", "comment": "", "status": "planerad", "due_date": None,
                   "network_ids": [], "municipality_ids": [], "notes": [],
                   "target_network_id": network.id, "named": False}
            db.session.add(ActionImport(token=token, person_id=owner.id, network_id=None,
                                        filename="plan.csv", columns=[], rows=[row]))
            plan_tokens.append(token)
        batches = {}
        for name, batch_network in (("network", network.id), ("plan", None)):
            batch = ActionImportBatch(network_id=batch_network, filename="plan.csv",
                                      row_count=1)
            db.session.add(batch)
            db.session.flush()
            make_action(network, f"importerad ({name})", import_batch_id=batch.id)
            batches[name] = batch.id
        # Someone to switch off and on, an appointment to replace, and account links.
        toggled = make_person("Tove Växel", alpha, "Utredare")
        replaced = appoint(network, make_person("Rut Ersättas", alpha, "Planerare"), alpha,
                           from_date=date(2020, 1, 1))
        invited = make_person("Ivar Inbjuden", alpha, "Planerare")
        invitation = issue_token(invited, TokenPurpose.INVITATION, timedelta(days=7))
        reset = issue_token(world.person("other_member"), TokenPurpose.PASSWORD_RESET,
                            timedelta(hours=1))
        db.session.commit()
        args = {
            "slug": network.slug, "municipality_id": ids.alpha, "person_id": ids.member,
            "response_id": RESPONSE_ID, "section_id": SECTION_IDS[0], "document_id": FILE_ID,
            "version_id": VERSION_IDS[0], "revision_id": REVISION_IDS[0],
            "comment_id": COMMENT_ID, "appointment_id": ids.member_appointment,
            "seat_id": ids.committee_seat, "body_id": ids.committee_body,
            "meeting_id": meetings[0].id, "item_id": rows["edit"], "cell": "aktivitet",
            "fmt": "csv", "token": tokens[0], "filename": "css/app.css",
            "batch_id": batches["network"],
        }
        overrides = {
            "actions.move": {"item_id": rows["move"]},
            "actions.delete": {"item_id": rows["delete"]},
            "actions.restore": {"item_id": rows["deleted"]},
            "actions.import_confirm": {"token": tokens[1]},
            "actions.import_cancel": {"token": tokens[2]},
            "actions.plan_import_preview": {"token": plan_tokens[0]},
            "actions.plan_import_confirm": {"token": plan_tokens[1]},
            "actions.plan_import_cancel": {"token": plan_tokens[2]},
            "actions.plan_import_undo": {"batch_id": batches["plan"]},
            "actions.plan_import_restore": {"batch_id": batches["plan"]},
            "actions.export_plan": {"fmt": "xlsx"},
            "documents.edit": {"document_id": PAGE_ID},
            "documents.history": {"document_id": PAGE_ID},
            "documents.revision": {"document_id": PAGE_ID},
            "documents.compare": {"document_id": PAGE_ID},
            "documents.restore_revision": {"document_id": PAGE_ID},
            "documents.delete": {"document_id": SHARED_ID},
            "documents.restore": {"document_id": TRASHED_ID},
            "consultations.remove_section": {"section_id": SECTION_IDS[1]},
            "consultations.restore_section": {"section_id": SECTION_IDS[2]},
            "meetings.remove": {"meeting_id": meetings[1].id},
            "appointments.replace_member": {"appointment_id": replaced.id},
            "auth.accept_invitation": {"token": invitation},
            "auth.reset_password": {"token": reset},
            "admin.person": {"person_id": toggled.id},
            "admin.deactivate": {"person_id": toggled.id},
            "admin.reactivate": {"person_id": toggled.id},
            "admin.archive": {"slug": "klimat"},
            "admin.restore": {"slug": "klimat"},
        }
    prepare = {
        "consultations.submit_review": _response_status("draft"),
        "consultations.management_decision": _response_status("management_review"),
        "consultations.committee_decision": _response_status("committee_review"),
        "consultations.mark_sent": _response_status("adopted"),
        "consultations.record_position": _response_status("management_review"),
        "consultations.record_position_on_behalf": _response_status("management_review"),
    }
    return Place(args, overrides, prepare)


def url_of(app, place: Place, rule) -> str:
    values = {**place.args, **place.overrides.get(rule.endpoint, {})}
    missing = rule.arguments - set(values)
    assert not missing, f"{rule.endpoint}: give the walk a value for {missing}"
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


# ---------------------------------------------------------------- forms on the pages


@dataclass
class Control:
    name: str
    kind: str  # text, hidden, password, checkbox, radio, select, textarea, file, submit
    value: str = ""
    checked: bool = False
    required: bool = False
    options: list = field(default_factory=list)  # (value, selected) of a select


@dataclass
class Form:
    method: str
    action: str
    controls: list = field(default_factory=list)

    def names(self) -> set[str]:
        return {c.name for c in self.controls if c.kind != "submit"}

    def submission(self) -> list[tuple[str, object]]:
        """What a browser sends when the form is submitted (with its first button), with
        required fields that are empty given a plausible value and UPLOAD in each file
        field."""
        sent: list[tuple[str, object]] = []
        radios: dict[str, list[Control]] = {}
        button = next((c for c in self.controls if c.kind == "submit"), None)
        for c in self.controls:
            if c.kind == "radio":
                radios.setdefault(c.name, []).append(c)
            elif c.kind == "checkbox":
                if c.checked:
                    sent.append((c.name, c.value or "on"))
            elif c.kind == "select":
                chosen = [v for v, selected in c.options if selected]
                if not chosen and c.options:
                    chosen = [next((v for v, _s in c.options if v), c.options[0][0])]
                sent.extend((c.name, v) for v in chosen)
            elif c.kind == "file":
                sent.append((c.name, ("plan.csv", UPLOAD)))
            elif c.kind in ("text", "hidden", "textarea", "date", "email"):
                sent.append((c.name, c.value or (_plausible(c) if c.required else "")))
            elif c.kind == "password":
                sent.append((c.name, ""))
        for name, group in radios.items():
            chosen = next((c for c in group if c.checked), None)
            if chosen is None and any(c.required for c in group):
                chosen = group[0]
            if chosen is not None:
                sent.append((name, chosen.value))
        if button is not None:
            sent.append((button.name, button.value))
        return sent


def _plausible(control: Control) -> str:
    if control.kind == "date":
        return "2026-11-20"
    if control.kind == "email":
        return f"ny.{secrets.token_hex(4)}@test.example"
    return "Prov"


INPUT_KINDS = {"email": "email", "date": "date", "hidden": "hidden", "password": "password",
               "checkbox": "checkbox", "radio": "radio", "file": "file", "submit": "submit"}


class FormParser(HTMLParser):
    """The forms of a page and their controls, as a browser sees them."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self.current: Form | None = None
        self.select: Control | None = None
        self.textarea: Control | None = None
        self.late: list[tuple[str, dict]] = []  # controls naming a form by id, maybe later

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            self.current = Form((a.get("method") or "get").lower(), action)
            self.forms.append(self.current)
            if a.get("id"):
                self.by_id[a["id"]] = self.current
            return
        if tag in ("input", "select", "textarea", "button") and "form" in a:
            self.late.append((tag, a))
            return
        self._control(tag, a, self.current)

    def _control(self, tag, a, form):
        if tag == "option" and self.select is not None:
            self.select.options.append((a.get("value", ""), "selected" in a))
            return
        if form is None or not a.get("name"):
            return
        required = "required" in a
        if tag == "input":
            kind = INPUT_KINDS.get(a.get("type", "text").lower(), "text")
            form.controls.append(Control(a["name"], kind, a.get("value", ""),
                                         "checked" in a, required))
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            form.controls.append(Control(a["name"], "submit", a.get("value", "")))
        elif tag == "select":
            self.select = Control(a["name"], "select", required=required)
            form.controls.append(self.select)
        elif tag == "textarea":
            self.textarea = Control(a["name"], "textarea", required=required)
            form.controls.append(self.textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A browser leaves out the line break that starts a text area's content.
            value = self.textarea.value
            self.textarea.value = value[2:] if value.startswith("\r\n") else (
                value[1:] if value.startswith("\n") else value)
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def close(self):
        super().close()
        for tag, a in self.late:
            self._control(tag, a, self.by_id.get(a["form"]))


# ---------------------------------------------------------------- sending


def _encode(pairs) -> bytes:
    parts = []
    for name, value in pairs:
        raw = value if isinstance(value, bytes) else quote(str(value), safe="").encode()
        parts.append(quote(name, safe="").encode() + b"=" + raw)
    return b"&".join(parts)


def _multipart(pairs) -> tuple[bytes, str]:
    boundary = "grans" + secrets.token_hex(8)
    out = io.BytesIO()
    for name, value in pairs:
        out.write(f"--{boundary}\r\n".encode())
        if isinstance(value, tuple):
            filename, content = value
            name_bytes = filename if isinstance(filename, bytes) else filename.encode()
            out.write(b'Content-Disposition: form-data; name="' + name.encode()
                      + b'"; filename="' + name_bytes + b'"\r\n'
                      b"Content-Type: application/octet-stream\r\n\r\n")
            out.write(content)
        else:
            out.write(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
            out.write(value if isinstance(value, bytes) else str(value).encode())
        out.write(b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def recording_multidict(read: set[str]) -> type:
    """A request's arguments or form that note in `read` every name asked for."""

    class Recorded(ImmutableMultiDict):
        def __contains__(self, key):
            read.add(key)
            return super().__contains__(key)

        def __getitem__(self, key):
            read.add(key)
            return super().__getitem__(key)

        def get(self, key, default=None, type=None):
            read.add(key)
            return super().get(key, default, type)

        def getlist(self, key, type=None):
            read.add(key)
            return super().getlist(key, type)

    return Recorded


class Walker:
    """One role's client: sends, records what the view read and which fields its forms
    refused, counts rows, and keeps every failure to report them together."""

    def __init__(self, app, client, counting):
        self.app = app
        self.client = client
        self.http = client.http
        self.counting = counting
        self.token = client.csrf_token()
        self.csrf_refused = False
        self.read: set[str] = set()
        self.validated: list = []
        self.errors: list[str] = []
        self.failures: list[str] = []
        self.forms: dict[str, list[Form]] = {}
        self.known = self.counts()  # the row counts since the last statement that could change them
        self.wrote = False
        self.requests = 0
        self.recorded = recording_multidict(self.read)

    def recording(self, sender, **extra):
        """What the view reads: every name it asks the query string or the form for."""
        request.args = self.recorded(request.args)
        if request.method == "POST":
            request.form = self.recorded(request.form)

    def checking_csrf(self, original):
        """flask_wtf's validate_csrf, noting a refused token: a post that logged in (with a
        password chosen from a link) began a new session with a new token."""

        def validate_csrf(*args, **kwargs):
            try:
                return original(*args, **kwargs)
            except Exception:
                self.csrf_refused = True
                raise

        return validate_csrf

    def noting_writes(self, conn, cursor, statement, *args):
        """Row counts change only by INSERT and DELETE: counted again after those alone."""
        if statement.lstrip()[:6].upper() in ("INSERT", "DELETE"):
            self.wrote = True

    def validating(self, original):
        """FlaskForm.validate, noting each form validated."""
        validated = self.validated

        def validate(form, *args, **kwargs):
            validated.append(form)
            return original(form, *args, **kwargs)

        return validate

    def view_read(self) -> bool:
        """Whether the last request got as far as the view reading what was sent (a refusal
        before it, of NUL or of a login, is the same for every field)."""
        return any(not name.endswith("csrf_token") for name in self.read)

    def declared(self) -> set[str]:
        """The fields of the forms the last request validated."""
        return {f.name for form in self.validated for f in form}

    def refused(self) -> set[str]:
        """The fields of the forms the last request validated that came back with an error."""
        return {f.name for form in self.validated for f in form if f.errors}

    def counts(self) -> tuple:
        with self.app.app_context():
            row = db.session.execute(self.counting).one()
            db.session.remove()
        return tuple(row)

    def send(self, method: str, url: str, pairs, query: bytes = b"", prepare=None,
             label: str = "", again: bool = True) -> tuple[int, str]:
        if prepare is not None:
            self.wrote = False
            with self.app.app_context():
                prepare()
                db.session.remove()
            if self.wrote:
                self.known = self.counts()
        self.wrote = False
        self.read.clear()
        self.validated.clear()
        self.errors.clear()
        self.csrf_refused = False
        if query:
            url = url.split("?")[0] + "?" + query.decode("latin-1")
        kwargs = {}
        if method == "POST":
            pairs = [(n, self.token if n.endswith("csrf_token") else v) for n, v in pairs]
            if not any(n.endswith("csrf_token") for n, _v in pairs):
                pairs.append(("csrf_token", self.token))
            if any(isinstance(v, tuple) for _n, v in pairs):
                body, content_type = _multipart(pairs)
            else:
                body, content_type = _encode(pairs), "application/x-www-form-urlencoded"
            kwargs = {"data": body, "content_type": content_type}
        response = self.http.open(url, method=method, **kwargs)
        self.requests += 1
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        response.close()
        status = response.status_code
        if self.csrf_refused and again:
            self.token = self.client.csrf_token()
            return self.send(method, url, pairs, query, prepare, label, again=False)
        what = f"{method} {url.split('?')[0]} {label}"
        if status >= 500:
            self.failures.append(f"{what}: {status} {'; '.join(self.errors)[:300]}")
        if self.wrote:
            before, self.known = self.known, self.counts()
            if 400 <= status < 500 and self.known != before:
                self.failures.append(f"{what}: {status} but rows were written")
        return status, body

    def post_in(self, url, baseline, fields, value, label, files, prepare) -> list[str]:
        """The form as the page had it, with `value` in `fields`. Returns the fields to try
        further: none when it was taken, or refused before the view read anything (the same
        for every field), otherwise those that did not refuse it."""
        pairs = [(n, v) for n, v in baseline if n not in fields]
        pairs += [(n, _given(n, value, files)) for n in fields]
        status, _body = self.send("POST", url, pairs, prepare=prepare,
                                  label=f"{label}: {_name(value)}")
        if status < 400 or not self.view_read():
            return []
        return [n for n in fields if n not in self.refused()]

    def remember_forms(self, page_url: str, body: str) -> None:
        parser = FormParser(page_url)
        parser.feed(body)
        parser.close()
        for form in parser.forms:
            self.forms.setdefault(urlsplit(form.action).path, []).append(form)


class ErrorLog(logging.Handler):
    """The exceptions the app logs as unexpected, for the failure messages."""

    def __init__(self, walker: Walker):
        super().__init__(logging.ERROR)
        self.walker = walker

    def emit(self, record):
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            self.walker.errors.append(f"{type(error).__name__}: {error}"[:200])


def counting_statement():
    """One statement counting the rows of every table (the audit log without the failures
    it records on purpose)."""
    counts = []
    for table in db.metadata.sorted_tables:
        count = select(func.count()).select_from(table)
        if table.name == "audit_event":
            count = count.where(table.c.action.not_in(AUDITED_FAILURES))
        counts.append(count.scalar_subquery())
    return select(*counts)


def ordered_rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"
             or r.rule.startswith("/static")]
    gets = [r for r in rules if "GET" in r.methods]
    posts = sorted((r for r in rules if "POST" in r.methods),
                   key=lambda r: LAST.index(r.endpoint) + 1 if r.endpoint in LAST else 0)
    return gets, posts


# ---------------------------------------------------------------- the walk


def _given(name: str, value, files: set[str]):
    """The value as a field sends it: for a file field, as the file's name."""
    return (value, UPLOAD) if name in files else value


def _name(value) -> str:
    return next(name for name, hostile in HOSTILE.items() if hostile == value)


def walk_gets(walker: Walker, app, place: Place, rules) -> None:
    """Each route's page, then each value in every parameter the route reads (and every
    field of a search form that sends to it); when that is an error, each parameter alone,
    so that none hides behind another."""
    for rule in rules:
        url = url_of(app, place, rule)
        _status, body = walker.send("GET", url, [])
        names = set(walker.read)
        if body:
            walker.remember_forms(url, body)
        for form in walker.forms.get(urlsplit(url).path, []):
            if form.method == "get":
                names |= form.names()
        if not names:
            continue
        for value in HOSTILE.values():
            everything = _encode([(name, value) for name in sorted(names)])
            status, _body = walker.send("GET", url, [], query=everything,
                                        label=f"every parameter: {_name(value)}")
            if status >= 400 and walker.view_read():
                for name in sorted(names):
                    walker.send("GET", url, [], query=_encode([(name, value)]),
                                label=f"{name}: {_name(value)}")


def walk_posts(walker: Walker, app, place: Place, rules) -> None:
    """Each route's form as the page shows it, then each value in every field at once; when
    that is refused, in the fields that took it at once, and when that too is refused, in
    each of them alone, with the other fields as the page had them: the value reaches
    whatever the form is for once the rest of it is valid."""
    for rule in rules:
        url = url_of(app, place, rule)
        forms = [f for f in walker.forms.get(urlsplit(url).path, []) if f.method == "post"]
        baseline = forms[0].submission() if forms else []
        prepare = place.prepare.get(rule.endpoint)
        status, _body = walker.send("POST", url, baseline, prepare=prepare)
        # The fields the page's own values left refused: a value in another field alone
        # meets them refused again, and reaches nothing more than with every field at once.
        refused = walker.refused() if status >= 400 else set()
        names = walker.read | walker.declared() | {n for f in forms for n in f.names()}
        names = sorted(n for n in names if not n.endswith("csrf_token"))
        if not names:
            continue
        files = {c.name for f in forms for c in f.controls if c.kind == "file"}

        for value in HOSTILE.values():
            took = walker.post_in(url, baseline, names, value, "every field", files, prepare)
            if refused - set(took):
                continue  # a field refused as the page had it refuses this value too
            if took and took != names:
                took = walker.post_in(url, baseline, took, value, "every field that took it",
                                      files, prepare)
            for name in took:
                if not refused - {name}:
                    walker.post_in(url, baseline, [name], value, name, files, prepare)


@pytest.mark.parametrize("role", ROLES)
def test_no_hostile_input_reaches_a_server_error(app, world, login_as, monkeypatch, role):
    place = build_place(app, world, role)
    with app.app_context():
        counting, engine = counting_statement(), db.engine
    walker = Walker(app, login_as(role), counting)
    gets, posts = ordered_rules(app)
    monkeypatch.setattr(FlaskForm, "validate", walker.validating(FlaskForm.validate))
    monkeypatch.setattr(flask_wtf.csrf, "validate_csrf",
                        walker.checking_csrf(flask_wtf.csrf.validate_csrf))
    handler = ErrorLog(walker)
    logger = logging.getLogger("intranet.errors")
    logger.addHandler(handler)
    event.listen(engine, "before_cursor_execute", walker.noting_writes)
    try:
        with request_started.connected_to(walker.recording, app):
            walk_gets(walker, app, place, gets)
            walk_posts(walker, app, place, posts)
    finally:
        event.remove(engine, "before_cursor_execute", walker.noting_writes)
        logger.removeHandler(handler)
    assert not walker.failures, (f"{len(walker.failures)} of {walker.requests} requests:\n"
                                 + "\n".join(walker.failures[:60]))


# ---------------------------------------------------------------- ids in forms

HUGE = "99999999999999999999"


def _rows(app) -> tuple:
    with app.app_context():
        counted = db.session.execute(counting_statement()).one()
        db.session.remove()
    return tuple(counted)


@pytest.mark.parametrize(("role", "url"), [
    ("director", lambda ids: f"/representation/{ids.alpha}/natverk/plan/utse"),
    ("director", lambda ids: f"/uppdrag/{ids.member_appointment}/ersatt"),
    ("secretariat", lambda ids: f"/kansliet/organ/{ids.committee_body}/ny-plats"),
])
def test_a_person_id_past_the_database_is_refused_on_the_form(app, world, login_as, role, url):
    client = login_as(role)
    before = _rows(app)
    response = client.post(url(world.ids), {"person_id": HUGE, "q": "Maja"})
    assert response.status_code == 422
    assert 'class="field__error" id="person-error"' in response.get_data(as_text=True)
    assert _rows(app) == before


def test_a_digit_that_is_no_number_is_no_filter_of_the_action_list(world, login_as):
    client = login_as("member")
    for name in ("fokus", "natverk", "kommun"):
        for value in ("²", "١٢", HUGE, "-1"):
            response = client.get(f"/natverk/plan/handlingsplan/?{name}={value}")
            assert response.status_code == 200, (name, value)
            response = client.get(f"/handlingsplan/export.csv?{name}={value}")
            assert response.status_code == 200, (name, value)


def test_a_nul_in_an_uploads_file_name_is_a_bad_request(app, world, login_as):
    client = login_as("member")
    before = _rows(app)
    for url in ("/natverk/plan/dokument/ladda-upp", "/natverk/plan/handlingsplan/importera"):
        response = client.post(url, {"files": [(io.BytesIO(UPLOAD), "plan\x00.csv")],
                                     "file": (io.BytesIO(UPLOAD), "plan\x00.csv"),
                                     "visibility": "network"},
                               content_type="multipart/form-data")
        assert response.status_code == 400, url
    assert _rows(app) == before


# ---------------------------------------------------------------- dates

RANGE_MESSAGE = "Ange ett datum mellan 2000-01-01 och 2100-12-31."


def _app_forms() -> list[type]:
    """Every form class of the app (each domain's forms module imported first)."""
    import intranet

    for domain in pkgutil.iter_modules(intranet.__path__):
        if importlib.util.find_spec(f"intranet.{domain.name}.forms") if domain.ispkg else None:
            importlib.import_module(f"intranet.{domain.name}.forms")
    forms, pending = [], list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        if form.__module__.startswith("intranet."):
            forms.append(form)
    return forms


def _date_fields(form_class) -> list[str]:
    from wtforms import DateField as AnyDateField

    return [name for name in dir(form_class)
            if isinstance(getattr(form_class, name), UnboundField)
            and issubclass(getattr(form_class, name).field_class, AnyDateField)]


def test_every_date_field_of_every_form_is_the_shared_one():
    from intranet.fields import DateField

    fields = [(form, name) for form in _app_forms() for name in _date_fields(form)]
    assert len(fields) >= 15
    for form, name in fields:
        assert getattr(form, name).field_class is DateField, (form.__name__, name)


@pytest.mark.parametrize("form_class", [f for f in _app_forms() if _date_fields(f)],
                         ids=lambda form: form.__name__)
def test_every_date_field_refuses_dates_before_2000_and_after_2100(app, form_class):
    with app.test_request_context("/", method="POST"):
        for name in _date_fields(form_class):
            for value, refused in [("1999-12-31", True), ("0001-01-01", True),
                                   ("2101-01-01", True), ("9999-12-31", True),
                                   ("2000-01-01", False), ("2100-12-31", False)]:
                form = form_class(formdata=MultiDict({name: value}), meta={"csrf": False})
                form[name].validate(form)
                assert (RANGE_MESSAGE in form[name].errors) is refused, (name, value)
                assert (form[name].data is None) is refused, (name, value)


@pytest.mark.parametrize("value", ["1999-12-31", "9999-12-31", "0001-01-01"])
def test_a_date_outside_the_range_comes_back_on_the_form_with_its_message(app, world,
                                                                          login_as, value):
    client = login_as("secretariat")
    before = _rows(app)
    response = client.post("/moten/ny", {"body_kind": "committee", "held_on": value})
    assert response.status_code == 422
    assert RANGE_MESSAGE in response.get_data(as_text=True)
    response = client.post(f"/kansliet/platser/{world.ids.committee_seat}/avsluta",
                           {"to_date": value})
    assert response.status_code == 422
    assert RANGE_MESSAGE in response.get_data(as_text=True)
    assert _rows(app) == before


@pytest.mark.parametrize("value", ["1999-12-31", "9999-12-31", "0001-01-01"])
def test_a_date_outside_the_range_in_the_audit_logs_filter_is_refused(world, login_as, value):
    client = login_as("secretariat")
    for name in ("fran", "till"):
        response = client.get(f"/kansliet/logg?{name}={value}")
        assert response.status_code == 200
        assert RANGE_MESSAGE in response.get_data(as_text=True)
        assert client.get(f"/kansliet/logg.csv?{name}={value}").status_code == 400
    assert RANGE_MESSAGE not in client.get("/kansliet/logg?till=2100-12-31").get_data(
        as_text=True)


# ---------------------------------------------------------------- file names


def test_a_long_file_name_keeps_its_extension():
    from intranet.documents.services import clean_filename

    assert clean_filename("a" * 300 + ".pdf") == "a" * 251 + ".pdf"
    name = clean_filename("Protokoll från samverkansmötet " * 12 + ".docx")
    assert len(name) == 255 and name.startswith("Protokoll från") and name.endswith(" Pr.docx")
    assert clean_filename("a" * 300) == "a" * 255
    # An ending longer than an extension is not kept whole.
    assert clean_filename("rapport." + "x" * 300) == ("rapport." + "x" * 300)[:255]


def test_unsafe_characters_in_a_file_name_are_replaced_and_its_text_kept():
    from intranet.documents.services import clean_filename

    assert clean_filename("a</b>.txt") == "a__b_.txt"
    assert clean_filename("..\\..\\plan.txt") == ".._.._plan.txt"
    assert clean_filename("rad\nett\trad två.txt") == "rad_ett_rad två.txt"
    assert clean_filename('fr?ga*"svar"|:.csv') == "fr_ga__svar___.csv"
    assert clean_filename("  ") == "fil"


@pytest.mark.parametrize("name", [".", "..", "...", " .. "])
def test_a_file_name_of_only_dots_is_refused_with_a_swedish_message(app, world, login_as,
                                                                     name):
    from intranet.documents.services import usable_filename
    from intranet.documents.sniff import Rejected

    with pytest.raises(Rejected) as refused, app.test_request_context():
        usable_filename(name)
    assert "Filnamnet" in str(refused.value.reason)
    client = login_as("member")
    before = _rows(app)
    response = client.post("/natverk/plan/dokument/ladda-upp",
                           {"files": [(io.BytesIO(b"Hej\n"), name)], "visibility": "network"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "går inte att använda" in response.get_data(as_text=True)
    assert _rows(app) == before


def test_an_upload_named_with_markup_keeps_its_text(app, world, login_as):
    from intranet.documents.models import DocumentVersion

    client = login_as("member")
    response = client.post("/natverk/plan/dokument/ladda-upp",
                           {"files": [(io.BytesIO(b"Hej\n"), "a</b>.txt")],
                            "visibility": "network"}, content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(DocumentVersion.filename)).all() == ["a__b_.txt"]


# ---------------------------------------------------------------- names on one line

ONE_LINE_MESSAGE = "Skriv på en rad, utan radbrytningar, tabbar eller andra styrtecken."
BREAKS = ["Maja\nMedlem", "Maja\rMedlem", "Maja\r\nMedlem", "Maja\tMedlem", "Maja\x0bMedlem",
          "Maja\u2028Medlem", "Maja\x1bMedlem"]


def _person_forms(world):
    ids, today = world.ids, clock.today().isoformat()
    return [
        ("member", "/profil/", {"name": "Maja Medlem", "title": "Planeringschef",
                                "language": "sv"}),
        ("secretariat", "/kansliet/personer/ny", {
            "name": "Ny Person", "email": "ny.kansli@test.example", "title": "Strateg",
            "municipality_id": str(ids.alpha)}),
        ("secretariat", f"/kansliet/personer/{ids.member}", {
            "name": "Maja Medlem", "email": "maja.medlem@test.example",
            "title": "Planeringschef", "municipality_id": str(ids.alpha)}),
        ("director", f"/representation/{ids.alpha}/natverk/plan/utse", {
            "name": "Ny Person", "email": "ny.utsedd@test.example", "title": "Strateg",
            "from_date": today}),
        ("director", f"/uppdrag/{ids.member_appointment}/ersatt", {
            "name": "Ny Person", "email": "ny.ersattare@test.example", "title": "Strateg",
            "on_date": today}),
    ]


@pytest.mark.parametrize("field", ["name", "title"])
def test_a_line_break_in_a_persons_name_or_title_is_refused(app, world, login_as, field):
    for role, url, valid in _person_forms(world):
        client = login_as(role)
        for broken in BREAKS:
            before = _rows(app)
            response = client.post(url, {**valid, field: broken})
            assert response.status_code == 422, (url, field, broken)
            assert ONE_LINE_MESSAGE in response.get_data(as_text=True), (url, field, broken)
            assert _rows(app) == before
        # The same form with the name on one line is saved.
        assert client.post(url, valid).status_code == 303, url


@pytest.mark.parametrize(("due", "kept"), [("1999-12-31", None), ("9999-12-31", None),
                                           ("2100-12-31", date(2100, 12, 31))])
def test_an_imported_rows_due_date_outside_the_range_is_an_error_of_the_row(app, due, kept):
    from types import SimpleNamespace

    from intranet.actions.importer import Programme, parse_plan

    goals = [SimpleNamespace(id=1, text="God framkomlighet")]
    programme = Programme([SimpleNamespace(id=1, name="Infrastruktur", sub_goals=goals)])
    data = ("fokusomrade,delmal,aktivitet,forfallodatum\n"
            f"Infrastruktur,God framkomlighet,Prov,{due}\n").encode()
    with app.test_request_context():
        plan = parse_plan("plan.csv", data, programme)
    if kept is None:
        assert not plan.ok and RANGE_MESSAGE in " ".join(plan.failed_rows[0].errors)
    else:
        assert plan.ok and plan.rows[0].due_date == kept
