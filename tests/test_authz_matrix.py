"""Every endpoint × every role: the status each role gets. An endpoint that is in the URL map
but not in this table fails test_every_endpoint_is_in_the_matrix."""

import secrets
from datetime import date

import pytest

from intranet import clock
from intranet.actions.models import ActionImport, ActionImportBatch
from intranet.consultations.models import ConsultationResponse
from intranet.extensions import db
from intranet.meetings.models import Meeting
from intranet.org.models import Body
from tests.conftest import ROLES, make_action
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
    TRASHED_ID,
    VERSION_IDS,
    build_documents,
)

LOGGED_IN = [r for r in ROLES if r != "anonymous"]


def everyone(status):
    return {role: status for role in ROLES}


def logged_in(status, anonymous=302):
    return {"anonymous": anonymous, **{role: status for role in LOGGED_IN}}


def per_role(allowed: dict, refused=403):
    """The roles named get their status; every other logged-in role is refused."""
    return {"anonymous": 302, **{role: allowed.get(role, refused) for role in LOGGED_IN}}


def only(status, roles, others=403):
    """`status` for the roles named, `others` for the rest, a login redirect for anonymous."""
    return {"anonymous": 302, **{r: status if r in roles else others for r in LOGGED_IN}}


# The network's members and the secretariat keep its action list; its convener and the
# secretariat restore deleted rows; the committee, directors and secretariat follow it up.
ACTION_EDITORS = ("member", "convener", "secretariat")
ACTION_RESTORERS = ("convener", "secretariat")
FOLLOW_UP = ("director", "other_director", "committee", "secretariat")
def network_workers(allowed, refused, anonymous=302, **overrides):
    """The network's members and the secretariat get `allowed`; everyone else logged in
    gets `refused`."""
    row = {"anonymous": anonymous, **{role: refused for role in LOGGED_IN}}
    row.update({"member": allowed, "convener": allowed, "secretariat": allowed})
    row.update(overrides)
    return row


def response_readers(allowed, refused=403, **overrides):
    """Consultation responses: the network's members and the secretariat get `allowed`; the
    management group and the committee read and comment (`refused` where they may not act);
    a member of another network does not know the response exists (404)."""
    row = {"anonymous": 302, "member": allowed, "convener": allowed, "secretariat": allowed,
           "director": refused, "other_director": refused, "committee": refused,
           "other_member": 404}
    row.update(overrides)
    return row


# (endpoint, method) → {role: expected status}
MATRIX = {
    ("static", "GET"): everyone(200),
    ("main.health", "GET"): everyone(200),
    # The benchmark's floor: the bare layout, no data; only there when BENCH_FLOOR is set.
    ("bench.floor", "GET"): everyone(200),
    ("main.set_language", "POST"): everyone(303),
    ("auth.login", "GET"): {"anonymous": 200, **{r: 303 for r in LOGGED_IN}},
    # An empty login form is invalid (422); a logged-in person is sent on (303).
    ("auth.login", "POST"): {"anonymous": 422, **{r: 303 for r in LOGGED_IN}},
    ("auth.logout", "POST"): logged_in(303),
    ("main.index", "GET"): logged_in(200),
    ("networks.directory", "GET"): logged_in(200),
    ("networks.show", "GET"): logged_in(200),
    ("org.bodies", "GET"): logged_in(200),
    ("org.person", "GET"): logged_in(200),
    ("accounts.profile", "GET"): logged_in(200),
    ("accounts.profile", "POST"): logged_in(422),
    ("accounts.password", "GET"): logged_in(200),
    ("accounts.password", "POST"): logged_in(422),
    ("accounts.my_data", "GET"): logged_in(200),
    ("accounts.my_data_json", "GET"): logged_in(200),
    ("main.accessibility", "GET"): everyone(200),
    ("main.accessibility", "POST"): everyone(422),
    # An invitation link with an unknown token: the same answer for everyone.
    ("auth.accept_invitation", "GET"): everyone(410),
    ("auth.accept_invitation", "POST"): everyone(410),
    ("auth.reset_password", "GET"): everyone(410),
    ("auth.reset_password", "POST"): everyone(410),
    ("auth.forgot_password", "GET"): everyone(200),
    ("auth.forgot_password", "POST"): everyone(422),
    # Min kommuns representation: the director of Alfaby and the secretariat; the director of
    # Betaholm is refused Alfaby's page.
    ("appointments.home", "GET"): per_role({"director": 303, "other_director": 303,
                                         "secretariat": 303}),
    ("appointments.municipality", "GET"): per_role({"director": 200, "secretariat": 200}),
    ("appointments.appoint_member", "GET"): per_role({"director": 200, "secretariat": 200}),
    ("appointments.appoint_member", "POST"): per_role({"director": 422, "secretariat": 422}),
    ("appointments.replace_member", "GET"): per_role({"director": 200, "secretariat": 200}),
    ("appointments.replace_member", "POST"): per_role({"director": 422, "secretariat": 422}),
    ("appointments.end_member", "GET"): per_role({"director": 200, "secretariat": 200}),
    ("appointments.end_member", "POST"): per_role({"director": 422, "secretariat": 422}),
    ("appointments.coverage_matrix", "GET"): per_role({"director": 200, "other_director": 200,
                                                    "committee": 200, "secretariat": 200}),
    ("appointments.coverage_csv", "GET"): per_role({"director": 200, "other_director": 200,
                                                 "committee": 200, "secretariat": 200}),
    ("networks.history", "GET"): {**logged_in(200), "other_member": 403},
    ("networks.edit", "GET"): per_role({"secretariat": 200}),
    ("networks.edit", "POST"): per_role({"secretariat": 422}),
    ("networks.convener", "GET"): per_role({"secretariat": 200}),
    ("networks.convener", "POST"): per_role({"secretariat": 422}),
    # The secretariat's tools.
    ("admin.people", "GET"): per_role({"secretariat": 200}),
    ("admin.new_person", "GET"): per_role({"secretariat": 200}),
    ("admin.new_person", "POST"): per_role({"secretariat": 422}),
    ("admin.person", "GET"): per_role({"secretariat": 200}),
    ("admin.person", "POST"): per_role({"secretariat": 422}),
    ("admin.deactivate", "POST"): per_role({"secretariat": 303}),
    ("admin.reactivate", "POST"): per_role({"secretariat": 303}),
    ("admin.bodies", "GET"): per_role({"secretariat": 200}),
    ("admin.new_seat", "GET"): per_role({"secretariat": 200}),
    ("admin.new_seat", "POST"): per_role({"secretariat": 422}),
    ("admin.end_seat_view", "GET"): per_role({"secretariat": 200}),
    ("admin.end_seat_view", "POST"): per_role({"secretariat": 422}),
    ("admin.networks", "GET"): per_role({"secretariat": 200}),
    ("admin.new_network", "GET"): per_role({"secretariat": 200}),
    ("admin.new_network", "POST"): per_role({"secretariat": 422}),
    ("admin.archive", "GET"): per_role({"secretariat": 200}),
    ("admin.archive", "POST"): per_role({"secretariat": 303}),
    ("admin.restore", "GET"): per_role({"secretariat": 200}),
    ("admin.restore", "POST"): per_role({"secretariat": 303}),
    ("admin.audit_log", "GET"): per_role({"secretariat": 200}),
    ("admin.audit_log_csv", "GET"): per_role({"secretariat": 200}),
    # The action list (handlingsplan). An empty form is invalid (422) for those who may post.
    ("actions.network_list", "GET"): logged_in(200),
    ("actions.new", "GET"): only(200, ACTION_EDITORS),
    ("actions.new", "POST"): only(422, ACTION_EDITORS),
    ("actions.edit", "GET"): only(200, ACTION_EDITORS),
    ("actions.edit", "POST"): only(422, ACTION_EDITORS),
    # A single cell has no page of its own: without htmx it sends on to the list.
    ("actions.cell", "GET"): logged_in(302),
    ("actions.cell_edit", "GET"): only(200, ACTION_EDITORS),
    ("actions.cell_edit", "POST"): only(422, ACTION_EDITORS),
    ("actions.move", "POST"): only(303, ACTION_EDITORS),
    ("actions.delete", "POST"): only(303, ACTION_EDITORS),
    ("actions.trash", "GET"): only(200, ACTION_RESTORERS),
    ("actions.restore", "POST"): only(303, ACTION_RESTORERS),
    ("actions.import_upload", "GET"): only(200, ACTION_EDITORS),
    ("actions.import_upload", "POST"): only(422, ACTION_EDITORS),
    ("actions.import_preview", "GET"): only(200, ACTION_EDITORS),
    # A confirmation that ticks no row is sent back to the preview (422).
    ("actions.import_confirm", "POST"): only(422, ACTION_EDITORS),
    ("actions.import_cancel", "POST"): only(303, ACTION_EDITORS),
    # Who may import may see the imports and undo one; the combined plan (one file for all
    # networks) is imported, listed and undone by the secretariat.
    ("actions.network_imports", "GET"): only(200, ACTION_EDITORS),
    ("actions.import_undo", "POST"): only(303, ACTION_EDITORS),
    ("actions.plan_import_upload", "GET"): only(200, ("secretariat",)),
    ("actions.plan_import_upload", "POST"): only(422, ("secretariat",)),
    ("actions.plan_import_preview", "GET"): only(200, ("secretariat",)),
    ("actions.plan_import_confirm", "POST"): only(422, ("secretariat",)),
    ("actions.plan_import_cancel", "POST"): only(303, ("secretariat",)),
    ("actions.plan_imports", "GET"): only(200, ("secretariat",)),
    ("actions.plan_import_undo", "POST"): only(303, ("secretariat",)),
    # Who may undo an import may take the undo back (its rows restored in one step).
    ("actions.import_restore", "POST"): only(303, ACTION_EDITORS),
    ("actions.plan_import_restore", "POST"): only(303, ("secretariat",)),
    ("actions.export_network", "GET"): logged_in(200),
    ("actions.plan", "GET"): logged_in(200),
    ("actions.export_plan", "GET"): logged_in(200),
    ("actions.summary", "GET"): only(200, FOLLOW_UP),
    # Documents: every logged-in person sees the list (non-members only the documents shared
    # with everyone); a network-only document is absent (404) to everyone outside.
    ("documents.index", "GET"): logged_in(200),
    ("documents.upload", "GET"): network_workers(200, 403),
    ("documents.upload", "POST"): network_workers(422, 403),
    ("documents.new_page", "GET"): network_workers(200, 403),
    ("documents.new_page", "POST"): network_workers(422, 403),
    ("documents.show", "GET"): network_workers(200, 404),
    ("documents.download", "GET"): network_workers(200, 404),
    ("documents.download_version", "GET"): network_workers(200, 404),
    ("documents.new_version", "POST"): network_workers(422, 404),
    ("documents.edit", "GET"): network_workers(200, 404),
    ("documents.edit", "POST"): network_workers(422, 404),
    ("documents.history", "GET"): network_workers(200, 404),
    ("documents.revision", "GET"): network_workers(200, 404),
    ("documents.compare", "GET"): network_workers(200, 404),
    # Restoring an old version: the confirmation, and a POST without the version the person
    # saw, which cannot tell that nothing changed since (409, nothing restored).
    ("documents.restore_revision", "GET"): network_workers(200, 404),
    ("documents.restore_revision", "POST"): network_workers(409, 404),
    ("documents.restore_version", "GET"): network_workers(200, 404),
    ("documents.restore_version", "POST"): network_workers(409, 404),
    ("documents.delete", "POST"): network_workers(303, 404),
    ("documents.trash", "GET"): network_workers(200, 403, member=403),
    ("documents.restore", "POST"): network_workers(303, 404, member=403),
    ("documents.empty_trash", "POST"): network_workers(303, 403, member=403, convener=403),
    # Consultation responses: every logged-in person opens the list (people outside the
    # network and the bodies see an explanation, no responses); the network's members and
    # the secretariat write; the management group and the committee read and comment.
    ("consultations.index", "GET"): logged_in(200),
    ("consultations.new", "GET"): network_workers(200, 403),
    ("consultations.new", "POST"): network_workers(422, 403),
    ("consultations.show", "GET"): response_readers(200, 200),
    ("consultations.edit", "GET"): response_readers(200),
    ("consultations.edit", "POST"): response_readers(422),
    ("consultations.triage", "POST"): response_readers(422),
    ("consultations.add_section", "POST"): response_readers(422),
    ("consultations.move_section", "POST"): response_readers(303),
    ("consultations.remove_section", "POST"): response_readers(303),
    ("consultations.restore_section", "POST"): response_readers(303),
    ("consultations.edit_section", "GET"): response_readers(200),
    ("consultations.edit_section", "POST"): response_readers(422),
    ("consultations.add_comment", "POST"): response_readers(422, 422),
    ("consultations.resolve_comment", "POST"): response_readers(303, 303),
    ("consultations.history", "GET"): response_readers(200, 200),
    ("consultations.add_snapshot", "POST"): response_readers(422),
    ("consultations.versions", "GET"): response_readers(200, 200),
    ("consultations.compare", "GET"): response_readers(200, 200),
    # Search: everyone logged in searches (and finds only what they may see).
    ("search.index", "GET"): logged_in(200),
    ("search.suggestions", "GET"): logged_in(200),
    # The bodies' meeting dates: everyone logged in reads them, the secretariat keeps them.
    ("meetings.index", "GET"): logged_in(200),
    ("meetings.new", "GET"): per_role({"secretariat": 200}),
    ("meetings.new", "POST"): per_role({"secretariat": 422}),
    ("meetings.edit", "GET"): per_role({"secretariat": 200}),
    ("meetings.edit", "POST"): per_role({"secretariat": 422}),
    ("meetings.remove", "GET"): per_role({"secretariat": 200}),
    ("meetings.remove", "POST"): per_role({"secretariat": 303}),
    # The review path: one role in one state (the response is put in that state first).
    ("consultations.submit_review", "POST"): response_readers(403, member=403, convener=303,
                                                              secretariat=303),
    ("consultations.management_decision", "POST"): response_readers(
        403, member=403, convener=403, director=422, secretariat=422),
    ("consultations.committee_decision", "POST"): response_readers(
        403, member=403, convener=403, committee=422, secretariat=422),
    ("consultations.mark_sent", "POST"): response_readers(403, member=403, convener=403,
                                                          secretariat=422),
    ("consultations.extend_deadline", "POST"): response_readers(403, member=403, convener=422,
                                                                secretariat=422),
    ("consultations.record_position", "POST"): response_readers(
        403, member=403, convener=403, secretariat=403, director=422, committee=422),
    # The secretariat records a municipality's position for it (from an e-mail, say).
    ("consultations.record_position_on_behalf", "POST"): response_readers(
        403, member=403, convener=403, secretariat=422),
    ("consultations.letter", "GET"): response_readers(200, 200),
    ("reviews.board", "GET"): only(200, ("director", "other_director", "committee",
                                         "secretariat")),
    # The secretariat registers a referral for any network from the board, and moves one
    # (the test response has text: the move is refused with a message, 303).
    ("reviews.register", "GET"): per_role({"secretariat": 200}),
    ("reviews.register", "POST"): per_role({"secretariat": 422}),
    ("consultations.move", "POST"): response_readers(403, member=403, convener=403,
                                                     secretariat=303),
}


def _action_row(world, role, deleted=False):
    network = world.network()
    item = make_action(network, deleted_at=clock.utcnow() if deleted else None)
    db.session.commit()
    return {"slug": network.slug, "item_id": item.id}


def _pending_import(world, role):
    """A waiting import of the role's own (anonymous: someone else's)."""
    person = world.person(role) or world.person("member")
    network = world.network()
    token = secrets.token_urlsafe(32)
    row = {"line": 2, "sub_goal_id": network.focus_areas[0].sub_goals[0].id,
           "activity": "Importerad", "responsible": "", "cost": "", "time_text": "",
           "comment": "", "status": "planerad", "due_date": None, "network_ids": [],
           "municipality_ids": [], "notes": []}
    db.session.add(ActionImport(token=token, person_id=person.id, network_id=network.id,
                                filename="plan.csv", columns=[], rows=[row]))
    db.session.commit()
    return {"slug": network.slug, "token": token}


def _pending_plan_import(world, role):
    """A waiting import of the combined plan, of the role's own (anonymous: the secretariat's)."""
    person = world.person(role) or world.person("secretariat")
    network = world.network()
    token = secrets.token_urlsafe(32)
    row = {"line": 2, "sub_goal_id": network.focus_areas[0].sub_goals[0].id,
           "activity": "Importerad", "responsible": "", "cost": "", "time_text": "",
           "comment": "", "status": "planerad", "due_date": None, "network_ids": [],
           "municipality_ids": [], "notes": [], "target_network_id": network.id,
           "named": False}
    db.session.add(ActionImport(token=token, person_id=person.id, network_id=None,
                                filename="plan.csv", columns=[], rows=[row]))
    db.session.commit()
    return {"token": token}


def _import_batch(world, role, combined=False, undone=False):
    """A confirmed import of one row into the network (or of the combined plan); `undone`:
    undone, its row among the removed rows."""
    network = world.network()
    now = clock.utcnow()
    undone_at = now if undone else None
    batch = ActionImportBatch(network_id=None if combined else network.id,
                              filename="plan.csv", row_count=1, created_at=now,
                              undone_at=undone_at)
    db.session.add(batch)
    db.session.flush()
    # As an import writes it: made and changed at the same moment (not edited since).
    make_action(network, import_batch_id=batch.id, created_at=now, updated_at=now,
                deleted_at=undone_at)
    db.session.commit()
    return {"batch_id": batch.id} if combined else {"slug": network.slug,
                                                    "batch_id": batch.id}


def _meeting(world, role):
    meeting = Meeting(body=db.session.get(Body, world.ids.committee_body),
                      held_on=date(2026, 12, 3), time_text="13.00–14.30", place="Teams")
    db.session.add(meeting)
    db.session.commit()
    return {"meeting_id": meeting.id}


def _cell(world, role):
    return {**_action_row(world, role), "cell": "aktivitet"}

# Arguments for url_for: a dict, or a function of (world, role) that makes what the URL
# names (in the app context) and returns the arguments.
def _response_in(status: str, **args) -> dict:
    """The test response, put in `status` (runs after SETUP has made it)."""
    response = db.session.get(ConsultationResponse, RESPONSE_ID)
    response.status = status
    db.session.commit()
    return {"slug": "plan", "response_id": RESPONSE_ID, **args}


URL_ARGS = {
    "static": {"filename": "css/app.css"},
    "networks.show": {"slug": "plan"},
    "actions.network_list": {"slug": "plan"},
    "actions.new": {"slug": "plan"},
    "actions.edit": _action_row,
    "actions.cell": _cell,
    "actions.cell_edit": _cell,
    "actions.move": _action_row,
    "actions.delete": _action_row,
    "actions.trash": {"slug": "plan"},
    "actions.restore": lambda world, role: _action_row(world, role, deleted=True),
    "actions.import_upload": {"slug": "plan"},
    "actions.import_preview": _pending_import,
    "actions.import_confirm": _pending_import,
    "actions.import_cancel": _pending_import,
    "actions.network_imports": {"slug": "plan"},
    "actions.import_undo": _import_batch,
    "actions.plan_import_preview": _pending_plan_import,
    "actions.plan_import_confirm": _pending_plan_import,
    "actions.plan_import_cancel": _pending_plan_import,
    "actions.plan_import_undo": lambda world, role: _import_batch(world, role, combined=True),
    "actions.import_restore": lambda world, role: _import_batch(world, role, undone=True),
    "actions.plan_import_restore": lambda world, role: _import_batch(world, role, combined=True,
                                                                     undone=True),
    "actions.export_network": {"slug": "plan", "fmt": "csv"},
    "actions.export_plan": {"fmt": "xlsx"},
    "networks.history": {"slug": "plan"},
    "networks.edit": {"slug": "plan"},
    "networks.convener": {"slug": "plan"},
    "org.person": lambda world, role: {"person_id": world.ids.member},
    "auth.accept_invitation": {"token": "not-a-real-token"},
    "auth.reset_password": {"token": "not-a-real-token"},
    "appointments.municipality": lambda world, role: {"municipality_id": world.ids.alpha},
    "admin.person": lambda world, role: {"person_id": world.ids.member},
    "admin.deactivate": lambda world, role: {"person_id": world.ids.member},
    "admin.reactivate": lambda world, role: {"person_id": world.ids.member},
    "admin.new_seat": lambda world, role: {"body_id": world.ids.committee_body},
    "admin.end_seat_view": lambda world, role: {"seat_id": world.ids.committee_seat},
    "admin.archive": {"slug": "plan"},
    "admin.restore": {"slug": "plan"},
    "appointments.appoint_member": lambda world, role: {"municipality_id": world.ids.alpha,
                                                        "slug": "plan"},
    "appointments.replace_member": lambda world, role: {
        "appointment_id": world.ids.member_appointment},
    "appointments.end_member": lambda world, role: {
        "appointment_id": world.ids.member_appointment},
    "documents.index": {"slug": "plan"},
    "documents.upload": {"slug": "plan"},
    "documents.new_page": {"slug": "plan"},
    "documents.show": {"slug": "plan", "document_id": FILE_ID},
    "documents.download": {"slug": "plan", "document_id": FILE_ID},
    "documents.download_version": {"slug": "plan", "document_id": FILE_ID,
                                   "version_id": VERSION_IDS[0]},
    "documents.new_version": {"slug": "plan", "document_id": FILE_ID},
    "documents.edit": {"slug": "plan", "document_id": PAGE_ID},
    "documents.history": {"slug": "plan", "document_id": PAGE_ID},
    "documents.revision": {"slug": "plan", "document_id": PAGE_ID,
                           "revision_id": REVISION_IDS[0]},
    "documents.compare": {"slug": "plan", "document_id": PAGE_ID},
    "documents.restore_revision": {"slug": "plan", "document_id": PAGE_ID,
                                   "revision_id": REVISION_IDS[0]},
    "documents.restore_version": {"slug": "plan", "document_id": FILE_ID,
                                  "version_id": VERSION_IDS[0]},
    "documents.delete": {"slug": "plan", "document_id": FILE_ID},
    "documents.trash": {"slug": "plan"},
    "documents.restore": {"slug": "plan", "document_id": TRASHED_ID},
    "documents.empty_trash": {"slug": "plan"},
    "consultations.index": {"slug": "plan"},
    "consultations.new": {"slug": "plan"},
    "consultations.show": {"slug": "plan", "response_id": RESPONSE_ID},
    "consultations.edit": {"slug": "plan", "response_id": RESPONSE_ID},
    "consultations.triage": {"slug": "plan", "response_id": RESPONSE_ID},
    "consultations.add_section": {"slug": "plan", "response_id": RESPONSE_ID},
    "consultations.move_section": {"slug": "plan", "response_id": RESPONSE_ID,
                                   "section_id": SECTION_IDS[0]},
    "consultations.remove_section": {"slug": "plan", "response_id": RESPONSE_ID,
                                     "section_id": SECTION_IDS[1]},
    "consultations.restore_section": {"slug": "plan", "response_id": RESPONSE_ID,
                                      "section_id": SECTION_IDS[2]},
    "consultations.edit_section": {"slug": "plan", "response_id": RESPONSE_ID,
                                   "section_id": SECTION_IDS[0]},
    "consultations.add_comment": {"slug": "plan", "response_id": RESPONSE_ID,
                                  "section_id": SECTION_IDS[0]},
    "consultations.resolve_comment": {"slug": "plan", "response_id": RESPONSE_ID,
                                      "comment_id": COMMENT_ID},
    "consultations.history": {"slug": "plan", "response_id": RESPONSE_ID},
    "consultations.add_snapshot": {"slug": "plan", "response_id": RESPONSE_ID},
    "consultations.versions": {"slug": "plan", "response_id": RESPONSE_ID},
    "consultations.compare": {"slug": "plan", "response_id": RESPONSE_ID},
    "meetings.edit": _meeting,
    "meetings.remove": _meeting,
    "consultations.submit_review": {"slug": "plan", "response_id": RESPONSE_ID},
    "consultations.management_decision": lambda world, role: _response_in("management_review"),
    "consultations.committee_decision": lambda world, role: _response_in("committee_review"),
    "consultations.mark_sent": lambda world, role: _response_in("adopted"),
    "consultations.extend_deadline": {"slug": "plan", "response_id": RESPONSE_ID},
    "consultations.record_position": lambda world, role: _response_in(
        "management_review", municipality_id=world.ids.alpha),
    "consultations.record_position_on_behalf": lambda world, role: _response_in(
        "management_review"),
    "consultations.letter": {"slug": "plan", "response_id": RESPONSE_ID},
    "consultations.move": {"slug": "plan", "response_id": RESPONSE_ID},
}
# Objects the URLs above point at, created before each row whose endpoint has the prefix.
SETUP = {
    "documents.": build_documents,
    "consultations.": build_consultations,
}
# A POST with these fields; other POSTs send only the CSRF token (an invalid form).
POST_DATA = {
    "main.set_language": {"lang": "en", "next": "/"},
    "networks.edit": {"name": ""},
    "accounts.profile": {"name": ""},
    "appointments.end_member": {"to_date": "inte-ett-datum"},
    "admin.person": {"name": ""},
    "admin.end_seat_view": {"to_date": ""},
    "actions.move": {"direction": "ner"},
    "consultations.move_section": {"direction": "ner"},
    "consultations.resolve_comment": {"resolved": "1"},
    "meetings.edit": {"held_on": ""},
}


def endpoints(app):
    found = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((rule.endpoint, method))
    return found


def test_every_endpoint_is_in_the_matrix(app):
    missing = endpoints(app) - set(MATRIX)
    assert not missing, f"endpoints without a row in the authorization matrix: {missing}"
    stale = set(MATRIX) - endpoints(app)
    assert not stale, f"rows for endpoints that no longer exist: {stale}"


def test_the_benchmark_floor_exists_only_when_configured(make_app):
    plain = make_app("test", BENCH_FLOOR=False)
    assert ("bench.floor", "GET") not in endpoints(plain)
    assert plain.test_client().get("/_bench/floor").status_code == 404


def test_every_row_names_every_role():
    for key, row in MATRIX.items():
        assert set(row) == set(ROLES), key


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "method"), sorted(MATRIX))
def test_route_role_matrix(app, world, login_as, endpoint, method, role):
    client = login_as(role)
    for prefix, setup in SETUP.items():
        if endpoint.startswith(prefix):
            setup(app, world)
    args = URL_ARGS.get(endpoint, {})
    if callable(args):
        with app.app_context():
            args = args(world, role)
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **args)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, POST_DATA.get(endpoint, {}))
    response.close()
    expected = MATRIX[(endpoint, method)][role]
    assert response.status_code == expected, (endpoint, method, role)
    if expected == 302 and role == "anonymous":
        assert "/logga-in" in response.headers["Location"]
