"""The pages the benchmark measures, as data: one entry per page. Adding a page (the
responses board of issue 6, say) is one more entry here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from intranet.actions.models import ActionItem
from intranet.consultations.models import ConsultationResponse, ResponseSection
from intranet.demo.load import COMMON_WORD, FUNCTION_WORDS, RARE_WORDS, ROLE_EMAILS
from intranet.documents.models import Document, PageRevision
from intranet.extensions import db
from intranet.org.models import Network, Person

USERS = 20  # concurrent users; each saving user has its own row, so saves never conflict


@dataclass(frozen=True)
class Targets:
    """What the pages point at in the generated data: network 1, where the benchmark's
    convener and member sit, and the director's municipality 3."""

    slug: str
    municipality_id: int
    person_id: int
    page_id: int
    response_id: int
    sections: list[tuple[int, int]]  # (response id, section id), one per user
    actions: list[int]  # action row ids, one per user
    # What is searched for, found in the generated data (find_targets); the defaults are for
    # the tests' small world (tests/test_query_counts.py).
    common: str = "remiss"  # a word (in some form) most texts hold
    rare: str = "trafik"  # a word a handful of things hold
    phrase: str = '"remiss om trafik"'  # two words that stand together in a text
    ident: str = "Dnr 1/2025"  # a response's diarienummer, as written
    fragment: str = "remiss"  # what the header's field holds while one types


def find_targets() -> Targets:
    """Read the targets from the generated database (in an app context)."""
    network = db.session.scalar(select(Network).order_by(Network.id).limit(1))
    member = db.session.scalar(select(Person).where(Person.email == ROLE_EMAILS["member"]))
    page_id = db.session.scalar(
        select(Document.id).where(Document.network_id == network.id, Document.kind == "page")
        .order_by(Document.id).limit(1))
    response_id = db.session.scalar(
        select(ConsultationResponse.id).where(ConsultationResponse.network_id == network.id,
                                              ConsultationResponse.status == "draft")
        .order_by(ConsultationResponse.id).limit(1))
    sections = db.session.execute(
        select(ResponseSection.response_id, ResponseSection.id)
        .join(ResponseSection.response)
        .where(ConsultationResponse.network_id == network.id,
               ConsultationResponse.status == "draft", ResponseSection.deleted_at.is_(None))
        .order_by(ResponseSection.id).limit(USERS)).all()
    actions = db.session.scalars(
        select(ActionItem.id).where(ActionItem.network_id == network.id,
                                    ActionItem.deleted_at.is_(None))
        .order_by(ActionItem.id).limit(USERS)).all()
    rare, phrase = _search_words(network.id)
    ident = db.session.scalar(select(ConsultationResponse.reference_number)
                              .where(ConsultationResponse.id == response_id))
    return Targets(slug=network.slug, municipality_id=3, person_id=member.id, page_id=page_id,
                   response_id=response_id, sections=[tuple(s) for s in sections],
                   actions=list(actions), common=COMMON_WORD, rare=rare, phrase=phrase,
                   ident=ident, fragment=COMMON_WORD[:-2])


def _search_words(network_id: int) -> tuple[str, str]:
    """A rare word and a phrase of two words from the text of one of the network's first
    text pages that everyone may see (so that both the member and the committee find it)."""
    from intranet.search.terms import words

    pages = db.session.scalars(
        select(Document.id).where(Document.network_id == network_id, Document.kind == "page",
                                  Document.visibility == "everyone",
                                  Document.deleted_at.is_(None))
        .order_by(Document.id).limit(20)).all()
    for page_id in pages:
        body = db.session.scalar(select(PageRevision.body)
                                 .where(PageRevision.document_id == page_id)
                                 .order_by(PageRevision.number.desc()).limit(1))
        rare = next((word for word in words(body) if word in RARE_WORDS), None)
        if rare is None:  # its rare word's sentence was rewritten in the newest revision
            continue
        for sentence in body.split(". "):
            found = sentence.split()
            for first, second in zip(found, found[1:], strict=False):
                if (first.isalpha() and second.isalpha()
                        and FUNCTION_WORDS.isdisjoint({first.casefold(), second.casefold()})):
                    return rare, f'"{first.casefold()} {second.casefold()}"'
    raise LookupError("no text page with a rare word and a phrase")


@dataclass(frozen=True)
class Page:
    """One measured page. `url` and `form` get the targets and the user's number; a page with
    `version_url` saves, starting from the version read there (then counting up itself)."""

    name: str
    role: str
    url: Callable[[Targets, int], str]
    method: str = "GET"
    form: Callable[[Targets, int, int, int], dict] | None = None
    version_url: Callable[[Targets, int], str] | None = None
    htmx: bool = False
    expect: tuple[int, ...] = (200,)


def _cell_url(t: Targets, user: int) -> str:
    return url_for("actions.cell_edit", slug=t.slug, item_id=t.actions[user % len(t.actions)],
                   cell="aktivitet")


def _section_url(t: Targets, user: int) -> str:
    response_id, section_id = t.sections[user % len(t.sections)]
    return url_for("consultations.edit_section", slug=t.slug, response_id=response_id,
                   section_id=section_id)


PAGES = [
    Page("Floor: the layout, no database", "anonymous", lambda t, u: url_for("bench.floor")),
    Page("Start page", "member", lambda t, u: url_for("main.index")),
    *[Page(f"Start page, as {who}", role, lambda t, u: url_for("main.index"))
      for who, role in (("the convener", "convener"), ("a director", "director"),
                        ("the committee", "committee"), ("the secretariat", "secretariat"))],
    Page("Network page with members", "member",
         lambda t, u: url_for("networks.show", slug=t.slug)),
    Page("Coverage matrix", "director", lambda t, u: url_for("appointments.coverage_matrix")),
    Page("Document list, first page", "member",
         lambda t, u: url_for("documents.index", slug=t.slug)),
    Page("Document list, page 5", "member",
         lambda t, u: url_for("documents.index", slug=t.slug, sida=5)),
    Page("Document list, search", "member",
         lambda t, u: url_for("documents.index", slug=t.slug, q="underlag")),
    Page("Text page history", "member",
         lambda t, u: url_for("documents.history", slug=t.slug, document_id=t.page_id)),
    Page("Response with sections and comments", "convener",
         lambda t, u: url_for("consultations.show", slug=t.slug, response_id=t.response_id)),
    Page("Responses board", "director", lambda t, u: url_for("reviews.board")),
    Page("Action list, filtered", "member",
         lambda t, u: url_for("actions.network_list", slug=t.slug, status="pagar")),
    Page("Combined action plan", "committee", lambda t, u: url_for("actions.plan")),
    # Searched and sorted by a text column: in the database, by the texts' keys.
    Page("Combined action plan, search", "committee",
         lambda t, u: url_for("actions.plan", q="aktivitet")),
    Page("Combined action plan, by responsible", "committee",
         lambda t, u: url_for("actions.plan", sortera="ansvarig")),
    Page("Action plan follow-up", "committee", lambda t, u: url_for("actions.summary")),
    Page("Person page", "secretariat",
         lambda t, u: url_for("org.person", person_id=t.person_id)),
    Page("htmx: member search rows (appoint)", "director",
         lambda t, u: url_for("appointments.appoint_member", municipality_id=t.municipality_id,
                              slug=t.slug, q="a"), htmx=True),
    # Search (/sok), as a member of the network and as the committee (which reads every
    # response, and the documents everyone may see): the targets are found in the data.
    *[page for role, who in (("member", "a member"), ("committee", "the committee"))
      for page in (
          Page(f"Search: a common word, as {who}", role,
               lambda t, u: url_for("search.index", q=t.common)),
          Page(f"Search: a rare word, as {who}", role,
               lambda t, u: url_for("search.index", q=t.rare)),
          Page(f"Search: a phrase, as {who}", role,
               lambda t, u: url_for("search.index", q=t.phrase)),
          Page(f"Search: a diarienummer, as {who}", role,
               lambda t, u: url_for("search.index", q=t.ident)),
          Page(f"Search: a common word in a network, as {who}", role,
               lambda t, u: url_for("search.index", q=t.common, natverk=t.slug)),
          Page(f"htmx: search as one types, as {who}", role,
               lambda t, u: url_for("search.suggestions", q=t.fragment), htmx=True))],
    Page("htmx: action cell save", "member", _cell_url, method="POST", htmx=True,
         form=lambda t, u, n, version: {"value": f"Aktivitet sparad {u}-{n}",
                                        "version": str(version)},
         version_url=_cell_url),
    # The section editor is a page of its own with a plain form: its save answers with a
    # redirect to the response (measured above), with the message in the session cookie.
    Page("Section save (the editor's form)", "convener", _section_url, method="POST",
         form=lambda t, u, n, version: {"title": f"Avsnitt {u}",
                                        "body": f"Text sparad av användare {u}, gång {n}.",
                                        "version": str(version)},
         version_url=_section_url, expect=(303,)),
]
