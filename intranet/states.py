"""The statuses and kinds that both the access policy (`intranet.authz`) and the domains
need, below both of them: a response's review status and its transitions, a document's
visibility, an action row's status. The domains' models store these values and re-export
them; the policy reads them from here, so that it imports no domain.

Nothing here touches the database or a request: plain values and the one table of a
response's transitions."""

from __future__ import annotations

from enum import StrEnum


# ---------------------------------------------------------------- consultation responses
class ResponseStatus(StrEnum):
    """Where a response is, stored as a plain string. A joint answer goes draft → management
    group review → committee review → adopted → sent; either review may return it to the
    network, which edits it again and sends it up anew."""

    TRIAGE = "triage"  # newly created: joint answer or not is not decided yet
    DRAFT = "draft"  # a joint answer, being written in the network
    INDIVIDUAL = "individual"  # each municipality answers on its own; only tracked here
    NOT_ANSWERING = "not_answering"  # no answer, with a reason
    MANAGEMENT_REVIEW = "management_review"  # with the management group (ledningsgruppen)
    COMMITTEE_REVIEW = "committee_review"  # with the committee (samarbetskommittén)
    RETURNED = "returned"  # sent back to the network with a reason; editable again
    ADOPTED = "adopted"  # adopted by the committee, not yet sent
    SENT = "sent"  # sent to the referring body


S = ResponseStatus
# From a status to the statuses it may move to: the one place that says so.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.TRIAGE: frozenset({S.DRAFT, S.INDIVIDUAL, S.NOT_ANSWERING}),
    S.DRAFT: frozenset({S.INDIVIDUAL, S.NOT_ANSWERING, S.MANAGEMENT_REVIEW}),
    S.INDIVIDUAL: frozenset({S.TRIAGE, S.DRAFT, S.NOT_ANSWERING}),
    S.NOT_ANSWERING: frozenset({S.TRIAGE, S.DRAFT, S.INDIVIDUAL}),
    S.RETURNED: frozenset({S.MANAGEMENT_REVIEW, S.INDIVIDUAL, S.NOT_ANSWERING}),
    S.MANAGEMENT_REVIEW: frozenset({S.COMMITTEE_REVIEW, S.RETURNED}),
    S.COMMITTEE_REVIEW: frozenset({S.ADOPTED, S.RETURNED}),
    S.ADOPTED: frozenset({S.SENT}),
    S.SENT: frozenset(),
}
# The triage choice picks among these; the review path has its own steps.
TRIAGE_CHOICES = frozenset({S.DRAFT, S.INDIVIDUAL, S.NOT_ANSWERING})
# The network writes the text in these; in the others it is locked for them.
WRITABLE = frozenset({S.DRAFT, S.RETURNED})
IN_REVIEW = frozenset({S.MANAGEMENT_REVIEW, S.COMMITTEE_REVIEW})
# Still waiting for an answer to go out: a deadline matters and may be extended.
OPEN = frozenset({S.TRIAGE, S.DRAFT, S.RETURNED, S.MANAGEMENT_REVIEW, S.COMMITTEE_REVIEW})


def allowed_transitions(status: str) -> frozenset[str]:
    """The statuses a response in `status` may move to (the one place that says so)."""
    return TRANSITIONS.get(status, frozenset())


# ---------------------------------------------------------------- documents
class Visibility(StrEnum):
    NETWORK = "network"  # the network's members (and the secretariat)
    EVERYONE = "everyone"  # every logged-in person of the cooperation


# ---------------------------------------------------------------- action lists
class ActionStatus(StrEnum):
    """Stored as the Swedish word without diacritics, as it also appears in URLs."""

    PLANNED = "planerad"
    IN_PROGRESS = "pagar"
    DONE = "klar"
    PAUSED = "pausad"


# ---------------------------------------------------------------- search
class Findable(StrEnum):
    """What search finds, each kind with its own rule of who may find it (authz)."""

    DOCUMENT = "document"
    RESPONSE = "response"
    ACTION = "action"
    NETWORK = "network"
    PERSON = "person"
    MEETING = "meeting"
