"""The one access policy: may(person, action, obj) answers every "may this person do this to
this object" question. Routes and templates ask it; nothing else decides access.

A person's standing is computed from data: their current seats in the bodies and their
current appointments in networks. Unknown actions are refused (default deny)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask import abort, g, has_request_context
from sqlalchemy import (
    Date,
    String,
    and_,
    bindparam,
    false,
    literal,
    not_,
    null,
    or_,
    select,
    union_all,
)

from intranet import clock
from intranet.org.models import (
    Appointment,
    Body,
    BodyKind,
    Network,
    NetworkRole,
    Officer,
    Seat,
    _current,
)
from intranet.states import IN_REVIEW, OPEN, WRITABLE, Findable, ResponseStatus, Visibility

# Endpoints reachable without logging in; every other endpoint requires a login.
PUBLIC_ENDPOINTS = frozenset(
    {"static", "auth.login", "auth.accept_invitation", "main.set_language", "main.health",
     "main.accessibility", "auth.forgot_password", "auth.reset_password",
     # The benchmark's floor (only registered when BENCH_FLOOR is set): the bare layout.
     "bench.floor"}
)


@dataclass
class Standing:
    """What a person currently is in the cooperation, computed once per request."""

    person_id: int | None = None
    # The municipality the person works for (none for some of the secretariat).
    municipality_id: int | None = None
    secretariat: bool = False
    committee_municipalities: set[int] = field(default_factory=set)
    director_municipalities: set[int] = field(default_factory=set)
    network_roles: dict[int, set[str]] = field(default_factory=dict)
    # The URL names of those networks (the menu marks their pages as the person's own).
    network_slugs: set[str] = field(default_factory=set)
    # The committee's chair or vice chair; the management group's chair.
    committee_officer: bool = False
    management_chair: bool = False
    # A current seat in any body (a committee seat for no municipality included).
    seated: bool = False

    @property
    def committee(self) -> bool:
        return bool(self.committee_municipalities)

    @property
    def director(self) -> bool:
        return bool(self.director_municipalities)

    def member_of(self, network_id: int) -> bool:
        return network_id in self.network_roles

    def convener_of(self, network_id: int) -> bool:
        return NetworkRole.CONVENER in self.network_roles.get(network_id, set())


ANONYMOUS = Standing()


def _standing_statement():
    """Seats and appointments in one query: (what, kind or role, municipality or network,
    officer, network's slug). Built once: every request runs it, and building it costs more
    than running it."""
    person, today = bindparam("person_id"), bindparam("today", type_=Date)
    seats = (select(literal("seat"), Body.kind, Seat.municipality_id, Seat.officer,
                    null().cast(String))
             .join(Seat.body).where(Seat.person_id == person, _current(Seat, today)))
    appointments = (select(literal("appointment"), Appointment.role, Appointment.network_id,
                           null().cast(String), Network.slug)
                    .join(Network, Network.id == Appointment.network_id)
                    .where(Appointment.person_id == person, _current(Appointment, today)))
    return union_all(seats, appointments)


_STANDING = _standing_statement()


def compute_standing(person) -> Standing:
    from intranet.extensions import db

    if person is None or not getattr(person, "is_authenticated", False) or not person.active:
        return ANONYMOUS
    standing = Standing(person_id=person.id, municipality_id=person.municipality_id)
    rows = db.session.execute(_STANDING, {"person_id": person.id, "today": clock.today()})
    for what, kind, ref, officer, slug in rows.all():
        if what == "appointment":
            standing.network_roles.setdefault(ref, set()).add(kind)
            standing.network_slugs.add(slug)
            continue
        standing.seated = True
        if kind == BodyKind.SECRETARIAT:
            standing.secretariat = True
        elif kind == BodyKind.COMMITTEE:
            if ref is not None:
                standing.committee_municipalities.add(ref)
            if officer in (Officer.CHAIR, Officer.VICE_CHAIR):
                standing.committee_officer = True
        elif kind == BodyKind.MANAGEMENT_GROUP:
            if ref is not None:
                standing.director_municipalities.add(ref)
            if officer == Officer.CHAIR:
                standing.management_chair = True
    return standing


# Standings computed in this process, by (person, the organisation's data token, day): the
# same until a seat, an appointment or the day changes. Dropped whole when it grows large.
_KNOWN_STANDINGS: dict[tuple, Standing] = {}
_KNOWN_STANDINGS_MOST = 10_000


def standing_of(person) -> Standing:
    """The person's standing, cached for the request, and across requests while the
    organisation's data (read with the login) has not changed."""
    if person is None or not getattr(person, "is_authenticated", False):
        return ANONYMOUS
    if not has_request_context():
        return compute_standing(person)
    this_request = g.setdefault("_standing", {})
    if person.id not in this_request:
        from intranet import cache

        tokens = cache.known_versions()
        key = (person.id, tokens["org"], clock.today()) if tokens else None
        standing = _KNOWN_STANDINGS.get(key) if key else None
        if standing is None:
            standing = compute_standing(person)
            if key:
                if len(_KNOWN_STANDINGS) >= _KNOWN_STANDINGS_MOST:
                    _KNOWN_STANDINGS.clear()
                _KNOWN_STANDINGS[key] = standing
        this_request[person.id] = standing
    return this_request[person.id]


def _logged_in(s: Standing, obj) -> bool:
    return s.person_id is not None


def _view_network(s: Standing, network) -> bool:
    # Every network's page and members are open to everyone in the cooperation; an archived
    # network only to the secretariat.
    if s.person_id is None:
        return False
    return network.archived_at is None or s.secretariat


def _for_municipality(s: Standing, municipality_id: int | None) -> bool:
    # Directors act for their own municipality only; the secretariat for all.
    return s.secretariat or (
        municipality_id is not None and municipality_id in s.director_municipalities
    )


def _manage_appointments(s: Standing, municipality) -> bool:
    return municipality is not None and _for_municipality(s, municipality.id)


def _manage_appointment(s: Standing, appointment) -> bool:
    return appointment is not None and _for_municipality(s, appointment.municipality_id)


def _own_municipality(s: Standing) -> int | None:
    # Min kommuns representation: the person's own municipality when they act for it,
    # otherwise the (first) one they are the director of.
    if s.municipality_id is not None and _for_municipality(s, s.municipality_id):
        return s.municipality_id
    return min(s.director_municipalities, default=None)


def own_municipality_id(person) -> int | None:
    """The municipality whose representation "Min kommuns representation" opens, if any."""
    return _own_municipality(standing_of(person))


def _view_end_reason(s: Standing, appointment) -> bool:
    # Why an appointment ended is for the person, their municipality's director and the
    # secretariat; everyone else who sees the history sees only that it ended.
    return appointment is not None and s.person_id is not None and (
        s.secretariat or appointment.person_id == s.person_id
        or appointment.municipality_id in s.director_municipalities
    )


def _view_coverage(s: Standing, obj) -> bool:
    return s.secretariat or s.director or s.committee


def _view_network_history(s: Standing, network) -> bool:
    return _view_network(s, network) and (
        s.member_of(network.id) or s.secretariat or s.director or s.committee
    )


def _secretariat(s: Standing, obj) -> bool:
    return s.secretariat
def _edit_actions(s: Standing, network) -> bool:
    # A network's members keep its action list; the secretariat may help with any of them.
    if s.person_id is None or network.archived_at is not None:
        return False
    return s.secretariat or s.member_of(network.id)


def _restore_actions(s: Standing, network) -> bool:
    # Deleted rows are seen and restored by the network's convener and the secretariat.
    if s.person_id is None:
        return False
    return s.secretariat or (network.archived_at is None and s.convener_of(network.id))


def _undo_action_import(s: Standing, batch) -> bool:
    # Who may import may undo: a network's import, those who keep its list; an import of the
    # combined plan (rows in many networks), the secretariat, who made it.
    if s.person_id is None or batch is None:
        return False
    if batch.network is None:
        return s.secretariat
    return _edit_actions(s, batch.network)


def _follow_up_actions(s: Standing, obj) -> bool:
    # The yearly follow-up is for the committee, the management group and the secretariat.
    return s.secretariat or s.committee or s.director


# ---------------------------------------------------------------- documents
# Members of the network (current appointment) and the secretariat work with its documents;
# a document shared with everyone can be read by every logged-in person. Every rule on a
# network's documents also requires that the person may see the network itself.


def _works_in(s: Standing, network) -> bool:
    return _view_network(s, network) and (s.secretariat or s.member_of(network.id))


def _view_document(s: Standing, document) -> bool:
    if not _view_network(s, document.network) or document.deleted_at is not None:
        return False
    return _works_in(s, document.network) or document.visibility == Visibility.EVERYONE


def _writes_in(s: Standing, network) -> bool:
    # An archived network is read-only, for the secretariat too.
    return network.archived_at is None and _works_in(s, network)


def _edit_document(s: Standing, document) -> bool:
    return document.deleted_at is None and _writes_in(s, document.network)


def _manage_document_trash(s: Standing, network) -> bool:
    return _view_network(s, network) and (s.secretariat or s.convener_of(network.id))


def _empty_document_trash(s: Standing, network) -> bool:
    return _view_network(s, network) and s.secretariat


# ---------------------------------------------------------------- consultation responses
# The network's members and the secretariat write its responses; the management group and
# the committee read every response and comment (they review them in part 2) but never
# change the text. Everyone else does not know a response exists (404).


def _read_responses(s: Standing, network) -> bool:
    return _view_network(s, network) and (
        s.secretariat or s.member_of(network.id) or s.director or s.committee
    )


def _view_response(s: Standing, response) -> bool:
    return response is not None and _read_responses(s, response.network)


def _edit_response(s: Standing, response) -> bool:
    # An archived network's responses are read-only, for the secretariat too.
    return response is not None and _writes_in(s, response.network)


def _comment_response(s: Standing, response) -> bool:
    return (response is not None and response.network.archived_at is None
            and _view_response(s, response))


# The review path. Each step is allowed to one role and in one state only: the policy looks at
# the response's status too, so a step in the wrong state is refused (403) like a wrong role.
def _in_status(response, statuses) -> bool:
    return response is not None and response.status in statuses


def _submit_response(s: Standing, response) -> bool:
    # The network's convener (or the secretariat) sends a draft or returned answer up.
    return (_in_status(response, WRITABLE) and _writes_in(s, response.network)
            and (s.secretariat or s.convener_of(response.network_id)))


def _records_management_decision(s: Standing) -> bool:
    # The management group's chair (or the secretariat) records the group's decision.
    return s.secretariat or s.management_chair


def _records_committee_decision(s: Standing) -> bool:
    # The committee's chair or vice chair (or the secretariat) records its decision.
    return s.secretariat or s.committee_officer


def _decide_management(s: Standing, response) -> bool:
    return (_in_status(response, {ResponseStatus.MANAGEMENT_REVIEW})
            and _view_response(s, response) and _records_management_decision(s))


def _decide_committee(s: Standing, response) -> bool:
    return (_in_status(response, {ResponseStatus.COMMITTEE_REVIEW})
            and _view_response(s, response) and _records_committee_decision(s))


def _mark_sent(s: Standing, response) -> bool:
    return (_in_status(response, {ResponseStatus.ADOPTED}) and _view_response(s, response)
            and s.secretariat)


def _extend_deadline(s: Standing, response) -> bool:
    # Asking the referring body for more time is the convener's or the secretariat's task.
    return (_in_status(response, OPEN)
            and _view_network(s, response.network)
            and (s.secretariat or s.convener_of(response.network_id)))


def _state_position(s: Standing, target) -> bool:
    # `target` is (response, municipality_id): that municipality's director or committee
    # member states its position while the answer is in review.
    response, municipality_id = target
    return (_in_status(response, IN_REVIEW)
            and _view_response(s, response)
            and (municipality_id in s.director_municipalities
                 or municipality_id in s.committee_municipalities))


def _record_position_on_behalf(s: Standing, response) -> bool:
    # The secretariat records a municipality's position for it (a director answered by
    # e-mail, say) while the answer is in review.
    return (_in_status(response, IN_REVIEW) and _view_response(s, response)
            and s.secretariat)


def _review_board(s: Standing, obj) -> bool:
    return s.secretariat or s.director or s.committee


def _move_response(s: Standing, response) -> bool:
    # The secretariat moves a referral registered for the wrong network to another one; the
    # service refuses once the network has started on it.
    return (_view_response(s, response) and response.network.archived_at is None
            and s.secretariat)


# ---------------------------------------------------------------- lists filtered in SQL
# A list that is filtered in the database has its condition here, beside the rule it
# mirrors; tests/test_authz_sql.py checks for every role that the two agree. The domain
# passes its columns in, so that the policy names no domain's model.


def documents_condition(person, network, *, visibility, deleted_at):
    """SQL of `view_document` for the documents of `network` (which the caller selects):
    `visibility` and `deleted_at` are the document's columns."""
    s = standing_of(person)
    if not _view_network(s, network):
        return false()
    if _works_in(s, network):
        return deleted_at.is_(None)
    return and_(deleted_at.is_(None), visibility == Visibility.EVERYONE)


# Who may find what: the rule in Python (the view action asked of the thing found, see
# `may_find`) and in SQL (`find_condition`, the search's WHERE), which tests/test_authz_sql.py
# checks pick the same entries for every role.
FIND_ACTIONS = {
    Findable.DOCUMENT: "view_document", Findable.RESPONSE: "view_response",
    Findable.ACTION: "view_actions", Findable.NETWORK: "view_network",
    Findable.PERSON: "view_person", Findable.MEETING: "view_meetings",
}


def may_find(person, kind: str, obj) -> bool:
    """Whether the person may find this thing (for an action row: its network)."""
    return may(person, FIND_ACTIONS[kind], obj)


def find_condition(person, *, kind, network_id, visibility, archived_at, of_kind=None):
    """SQL of `may_find` over the search index: `kind`, `network_id` and `visibility` are the
    entry's columns, `archived_at` its network's (outer-joined: none for people and
    meetings). Mirrors view_document, view_response, view_network and the open rules.
    `of_kind` (a Findable): the condition for entries of that kind only, without the test of
    the kind (which the caller makes), so that the database can use an index of its own
    (a member's responses: those of the member's networks)."""
    s = standing_of(person)
    if s.person_id is None:
        return false()
    members = sorted(s.network_roles)
    network_seen = literal(True) if s.secretariat else archived_at.is_(None)
    works_in = (literal(True) if s.secretariat
                else network_id.in_(members) if members else false())
    reads_responses = literal(True) if (s.secretariat or s.director or s.committee) else works_in
    each = {
        Findable.PERSON: literal(True),
        Findable.MEETING: literal(True),
        Findable.NETWORK: network_seen,
        Findable.ACTION: network_seen,
        Findable.DOCUMENT: and_(network_seen,
                                or_(works_in, visibility == Visibility.EVERYONE.value)),
        Findable.RESPONSE: and_(network_seen, reads_responses),
    }
    if of_kind is not None:
        return each[Findable(of_kind)]
    return or_(*(and_(kind == found.value, condition) for found, condition in each.items()))


@dataclass(frozen=True)
class Duty:
    """Something on a consultation response that waits for a person (the start page's "Väntar
    på dig"): the responses in `statuses`, in `networks` only when given, and while
    `municipalities` are given only those on which not all of them have stated a position.
    `kind` names why; the domain words it."""

    kind: str
    statuses: frozenset[str]
    networks: frozenset[int] | None = None
    municipalities: frozenset[int] = frozenset()

    def holds(self, status: str, network_id: int, stated: bool) -> bool:
        """In Python: whether it waits on a response (`stated`: the person's municipalities
        have all stated their positions on it)."""
        return (status in self.statuses
                and (self.networks is None or network_id in self.networks)
                and not (self.municipalities and stated))

    def condition(self, status, network_id, stated):
        """The same in SQL: `status`, `network_id` the response's columns, `stated` a
        condition true when the person's municipalities have all stated their positions."""
        parts = [status.in_(sorted(self.statuses))]
        if self.networks is not None:
            parts.append(network_id.in_(sorted(self.networks)))
        if self.municipalities:
            parts.append(not_(stated))
        return and_(*parts)


_S = ResponseStatus


def duties(person) -> list[Duty]:
    """What waits for the person on consultation responses, first the reason that counts
    most: a decision their role records, the answer to send, their municipality's position,
    a review their body holds, their network's returned answer, triage and draft."""
    s = standing_of(person)
    found: list[Duty] = []
    if _records_management_decision(s):
        found.append(Duty("management_decision", frozenset({_S.MANAGEMENT_REVIEW})))
    if _records_committee_decision(s):
        found.append(Duty("committee_decision", frozenset({_S.COMMITTEE_REVIEW})))
    if s.secretariat:
        found.append(Duty("send", frozenset({_S.ADOPTED})))
    mine = frozenset(s.director_municipalities | s.committee_municipalities)
    if mine:
        found.append(Duty("position", IN_REVIEW, municipalities=mine))
    if s.director:
        found.append(Duty("management_review", frozenset({_S.MANAGEMENT_REVIEW})))
    if s.committee:
        found.append(Duty("committee_review", frozenset({_S.COMMITTEE_REVIEW})))
    networks = frozenset(s.network_roles)
    if networks:
        found.append(Duty("returned", frozenset({_S.RETURNED}), networks))
        conveners = frozenset(n for n in networks if s.convener_of(n))
        if conveners:
            found.append(Duty("triage", frozenset({_S.TRIAGE}), conveners))
        found.append(Duty("draft", frozenset({_S.DRAFT}), networks))
    return found


RULES = {
    "view_start": _logged_in,
    "view_network_directory": _logged_in,
    "view_network": _view_network,
    "view_bodies": _logged_in,
    "view_person": _logged_in,
    "edit_own_profile": lambda s, person: s.person_id is not None and person is not None
    and person.id == s.person_id,
    "export_own_data": lambda s, person: s.person_id is not None and person is not None
    and person.id == s.person_id,
    # A municipality's representation: a director's own municipality, every one for the
    # secretariat; "Min kommuns representation" is shown to those who act for their own.
    "view_representation": _manage_appointments,
    "view_any_representation": lambda s, obj: s.secretariat or s.director,
    "view_own_representation": lambda s, obj: _own_municipality(s) is not None,
    "manage_appointments": _manage_appointments,
    "manage_appointment": _manage_appointment,
    "view_coverage": _view_coverage,
    "view_network_history": _view_network_history,
    "view_end_reason": _view_end_reason,
    "edit_network": _secretariat,
    # The secretariat's tools: people, bodies, networks; the audit log.
    "administer": _secretariat,
    "view_audit_log": _secretariat,
    "set_convener": _secretariat,
    "view_actions": _view_network,
    "view_action_plan": _logged_in,
    "edit_actions": _edit_actions,
    "restore_actions": _restore_actions,
    # The combined plan (one file for all networks) is imported by the secretariat.
    "import_action_plan": _secretariat,
    "undo_action_import": _undo_action_import,
    # Who may undo an import may take the undo back (its rows restored in one step).
    "restore_action_import": _undo_action_import,
    "view_action_summary": _follow_up_actions,
    # Every logged-in person sees a network's document list, holding the documents they
    # may view (for people outside the network: only those shared with everyone).
    "list_documents": _view_network,
    "add_documents": _writes_in,
    "view_all_documents": _works_in,
    "view_document": _view_document,
    "edit_document": _edit_document,
    # Restoring an old version or revision: whoever may upload a version or edit the page.
    "restore_document_version": _edit_document,
    "manage_document_trash": _manage_document_trash,
    "empty_document_trash": _empty_document_trash,
    # Consultation responses (remissvar).
    "list_responses": _read_responses,
    "add_responses": _writes_in,
    "view_response": _view_response,
    "edit_response": _edit_response,
    "comment_response": _comment_response,
    # The committee's and the management group's meeting dates: everyone logged in reads
    # them, the secretariat keeps them.
    "view_meetings": _logged_in,
    # Search finds, for everyone logged in, what they may see (find_condition).
    "search": _logged_in,
    "manage_meetings": _secretariat,
    "download_letter": _view_response,
    "submit_response": _submit_response,
    "decide_management": _decide_management,
    "decide_committee": _decide_committee,
    "mark_sent": _mark_sent,
    "extend_deadline": _extend_deadline,
    "state_position": _state_position,
    "record_position_on_behalf": _record_position_on_behalf,
    "view_review_board": _review_board,
    # The secretariat registers a referral for any network from the responses board, and
    # moves one to another network before work on it has begun.
    "register_referral": _secretariat,
    "move_response": _move_response,
}


def may(person, action: str, obj=None) -> bool:
    rule = RULES.get(action)
    if rule is None:
        return False
    return bool(rule(standing_of(person), obj))


# ---------------------------------------------------------------- facts for the domains
# What a domain needs to know of a person's standing beyond "may": asked here, so that no
# code outside the policy reads a Standing.


def member_network_ids(person) -> frozenset[int]:
    """The networks the person is a current member (or convener) of."""
    return frozenset(standing_of(person).network_roles)


@dataclass(frozen=True)
class Roles:
    """What the person currently is, for a page that shows by role what concerns them (the
    start page): the networks they are a member and a convener of, the municipalities they
    are director for, and their bodies."""

    members: tuple[int, ...]
    convened: tuple[int, ...]
    directs: tuple[int, ...]  # the municipalities whose director the person is
    municipality_id: int | None
    committee: bool
    director: bool
    secretariat: bool


def roles_of(person) -> Roles:
    s = standing_of(person)
    members = tuple(sorted(s.network_roles))
    return Roles(members=members, convened=tuple(n for n in members if s.convener_of(n)),
                 directs=tuple(sorted(s.director_municipalities)),
                 municipality_id=s.municipality_id, committee=s.committee,
                 director=s.director, secretariat=s.secretariat)


def network_roles(person) -> dict[int, str]:
    """The person's role in each network they are a member of (a convener's: convener)."""
    s = standing_of(person)
    return {network_id: (NetworkRole.CONVENER if s.convener_of(network_id)
                         else NetworkRole.MEMBER) for network_id in s.network_roles}


def response_networks(person):
    """SQL of `view_response`, the network's part: the ids of the networks whose responses
    the person may read (`x.network_id.in_(response_networks(person))`)."""
    s = standing_of(person)
    active = select(Network.id).where(Network.archived_at.is_(None))
    if s.person_id is None:
        return active.where(false())
    if s.secretariat:  # an archived network's too
        return select(Network.id)
    if s.director or s.committee:
        return active
    return active.where(Network.id.in_(sorted(s.network_roles)))


def in_own_network(person, slug: str) -> bool:
    """Whether the network with this URL name is one of the person's own."""
    return slug in standing_of(person).network_slugs


def is_secretariat(person) -> bool:
    return standing_of(person).secretariat


def sits_in_a_body(person) -> bool:
    """Whether the person has a seat in the committee, the management group or the
    secretariat."""
    return standing_of(person).seated


def works_as_member(person, network_id: int) -> bool:
    """A current member of the network acting as one, not as the secretariat: what they
    register or move there, the others see on their start page without a mail."""
    s = standing_of(person)
    return not s.secretariat and s.member_of(network_id)


def _network_of(obj) -> Network | None:
    """The network an object of a rule belongs to (the network itself, a document, a
    response, or a pair whose first part is one of these), if any."""
    if isinstance(obj, tuple):
        obj = obj[0] if obj else None
    if isinstance(obj, Network):
        return obj
    network = getattr(obj, "network", None)
    return network if isinstance(network, Network) else None


def ended_appointment(person, action: str, obj=None) -> Appointment | None:
    """The person's last appointment in the object's network, when it has ended and is
    the reason they are refused: they are no longer a member there, and as a member they
    would have been allowed. None for everyone else (they were never members, or a member
    would be refused too)."""
    from intranet.extensions import db

    s = standing_of(person)
    network = _network_of(obj)
    rule = RULES.get(action)
    if s.person_id is None or network is None or rule is None or s.member_of(network.id):
        return None
    appointment = db.session.scalars(
        select(Appointment)
        .where(Appointment.person_id == s.person_id, Appointment.network_id == network.id,
               Appointment.to_date.is_not(None), Appointment.to_date <= clock.today())
        .order_by(Appointment.to_date.desc(), Appointment.id.desc()).limit(1)).first()
    if appointment is None:
        return None
    as_member = replace(s, network_roles={**s.network_roles, network.id: {appointment.role}})
    return appointment if rule(as_member, obj) else None


def _refuse(action: str, obj, ended: Appointment | None):
    """403, audited by the error handler, which explains an ended appointment if given."""
    g.denied = (action, obj)
    g.ended_appointment = ended
    abort(403)


def authorize(person, action: str, obj=None) -> None:
    """Abort with 403 (and an audit row, written by the error handler) unless allowed."""
    if not may(person, action, obj):
        _refuse(action, obj, ended_appointment(person, action, obj))


def authorize_visible(person, view_action: str, obj, action: str | None = None):
    """For things whose existence is not shown to outsiders: 404 unless the person may
    `view_action` the object; then, for another `action`, 403 unless allowed. A former
    member of the object's network, who would see it as a member, is refused (403) instead
    of told it is absent, with their appointment's end when that is why."""
    if obj is None:
        abort(404)
    if not may(person, view_action, obj):
        ended = ended_appointment(person, view_action, obj)
        if ended is None:
            abort(404)
        if action is not None and action != view_action:
            # A member would be refused this too: the end of the appointment is not why.
            ended = ended_appointment(person, action, obj)
        _refuse(view_action, obj, ended)
    if action is not None and action != view_action:
        authorize(person, action, obj)
    return obj
