"""Searching: the query (terms.parse) in each database's own full-text syntax, over the
index entries the person may find (the policy's condition, authz.find_condition, in the
same WHERE: counts and pages are right), ranked, filtered by kind, network and date, a page
at a time; each hit with a snippet whose found words are marked."""

from __future__ import annotations

import math
import re
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import (
    and_,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy import text as sql
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import aliased

from intranet import clock
from intranet.authz import find_condition, is_secretariat
from intranet.extensions import db
from intranet.org.models import Network
from intranet.search.models import (
    ACTION,
    DOCUMENT,
    FTS_TABLE,
    KINDS,
    MEETING,
    NETWORK,
    PAIRS_EXPRESSION,
    PERSON,
    RESPONSE,
    TSVECTOR_COLUMN,
    SearchEntry,
)
from intranet.search.terms import (
    _CHAR,
    _WORD,
    Query,
    as_beginnings,
    fts5,
    pairs,
    parse,
    stem,
    tsquery,
)
from intranet.text import like_pattern

PER_PAGE = 20
SUGGESTIONS = 5
SNIPPET_WORDS = 30
_SNIPPET_SCAN = 50_000  # characters of a body looked through for the snippet
KIND_LABELS = {
    DOCUMENT: _l("Dokument"), RESPONSE: _l("Remissvar"), ACTION: _l("Handlingsplan"),
    NETWORK: _l("Nätverk"), PERSON: _l("Personer"), MEETING: _l("Möten"),
}
# What one hit is (its tag in the results and the suggestions): in the singular, which in
# Swedish is the same word as the kind's plural but not in English.
KIND_BADGES = {
    DOCUMENT: lazy_pgettext("en sökträff", "Dokument"),
    RESPONSE: lazy_pgettext("en sökträff", "Remissvar"),
    ACTION: lazy_pgettext("en sökträff", "Handlingsplan"),
    NETWORK: lazy_pgettext("en sökträff", "Nätverk"),
    PERSON: _l("Person"), MEETING: _l("Möte"),
}
SINCE = {"vecka": 7, "manad": 31, "ar": 366}
SINCE_LABELS = {"": _l("När som helst"), "vecka": _l("Senaste veckan"),
                "manad": _l("Senaste månaden"), "ar": _l("Senaste året")}
MIN_CHARS = 2
# The last word of a text being typed, searched as its beginning: letters and digits only
# (not a quoted phrase, an excluded word or an operator: OR, ELLER, AND, OCH, NOT, INTE),
# at least PREFIX_LETTERS of them.
_TYPING = re.compile(r"(?:^|\s)(?!(?:OR|ELLER|AND|OCH|NOT|INTE)$)[^\W_]{3,}$")
_TOO_LONG = re.compile(rf"{_CHAR}{{101}}")  # a run of letters longer than any word
# Matches are counted up to this many (after the policy and the filters); more are "more
# than 1 000", not ranked by relevance but shown newest first, as many pages as these (see
# _run): counting or ranking every one of a common word's hundred thousand costs more than
# a page may.
COUNTED_AT_MOST = 1_000
# SQLite walks the entries newest first, asking the full-text index about each, when the
# matches are so dense among them that this costs less than reading every match: a lookup
# costs about as much as reading this many matches with their entries (0.1–0.4 ms against
# 2–5 µs at the scale of all municipalities).
_WALK_COST = 60


@dataclass
class Hit:
    kind: str
    object_id: int
    title: str
    updated_at: datetime
    network_slug: str | None
    network_name: str | None
    snippet: list[tuple[str, bool]]  # (text, is a found word)


@dataclass
class Results:
    text: str
    query: Query
    searched_text: str = ""  # as searched: as one types, the last word with "*"
    beginnings: str | None = None  # the same search with its words as beginnings (word*)
    searched: bool = False  # the index was asked (not only a message about what was typed)
    message: str | None = None  # why nothing was searched, or what was left out
    hits: list[Hit] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # per kind, before the kind filter
    total: int = 0  # with every filter (at most COUNTED_AT_MOST when `more`)
    more: bool = False  # more matches than COUNTED_AT_MOST with every filter
    more_in_all: bool = False  # and before the kind filter: the counts per kind are not known
    newest_first: bool = False  # not ranked by relevance (more_in_all)
    page: int = 1
    pages: int = 0

    # What macros/ui.html's pager asks of a page of results.
    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self, left_edge=1, right_edge=1, left_current=2, right_current=2):
        """The page numbers to link, None where some are left out (as Flask-SQLAlchemy's)."""
        last = 0
        for number in range(1, self.pages + 1):
            if (number <= left_edge or number > self.pages - right_edge
                    or self.page - left_current <= number <= self.page + right_current):
                if last + 1 != number:
                    yield None
                yield number
                last = number


def search(person, text: str | None, *, kind: str | None = None, network: Network | None = None,
           since: str | None = None, page: int = 1, per_page: int = PER_PAGE,
           typing: bool = False) -> Results:
    """What the person finds for `text`, the `page`th page of it. `typing`: the text is
    still being typed, so its last word is the beginning of a word (as word*)."""
    text = (text or "").replace("\x00", "")
    searched = text + "*" if typing and _TYPING.search(text) else text
    query = parse(searched)
    results = Results(text=text, query=query, searched_text=searched)
    if query.empty and query.short_prefix:
        results.message = str(_l("Skriv minst tre bokstäver före *."))
        return results
    if query.empty and query.must_not:
        results.message = str(_l("Skriv också ett ord som ska finnas: -ord utesluter bara."))
        return results
    too_long = _TOO_LONG.search(text) is not None  # no word, so not searched
    if sum(len(word) for word in _WORD.findall(text)) < MIN_CHARS or query.empty:
        if too_long and query.empty:
            results.message = str(_l("Ett ord kan vara högst 100 tecken långt."))
        elif text.strip():
            results.message = str(_l("Skriv minst två bokstäver eller siffror att söka "
                                     "efter."))
        return results
    if query.cut:
        results.message = str(_l("Bara början av sökningen användes: högst 20 ord."))
    elif query.short_prefix:
        results.message = str(_l("Ord med * och färre än tre bokstäver före söktes inte."))
    elif too_long:
        results.message = str(_l("Ord längre än 100 tecken söktes inte."))
    results.searched = True
    if not typing:
        results.beginnings = as_beginnings(text)
    entry = SearchEntry
    owner = aliased(Network)
    full_text = _match(query)

    def policy(of_kind=None):
        return find_condition(person, kind=entry.kind, network_id=entry.network_id,
                              visibility=entry.visibility, archived_at=owner.archived_at,
                              of_kind=of_kind)

    where = [policy()]  # the policy first: one kind's replaces it (see _run)
    if network is not None:
        where.append(entry.network_id == network.id)
    if since in SINCE:
        where.append(entry.updated_at >= clock.utcnow() - timedelta(days=SINCE[since]))

    def over(*columns, walk: bool = False, also=()):
        found, match = ((entry.__table__, full_text.each) if walk
                        else (full_text.found, full_text.match))
        scoped = []
        if network is not None and full_text.rowid is not None and not walk:
            # SQLite reads every match of a common word: the network's few hundred entries
            # (from their index) are looked up as each match is read, before its entry is.
            # (`+ 0`: a condition of the statement, not of the full-text table, which would
            # be searched again for each of them.)
            scoped = [(full_text.rowid + literal_column("0")).in_(
                select(entry.id).where(entry.network_id == network.id))]
        return (select(*columns).select_from(found)
                .outerjoin(owner, owner.id == entry.network_id)
                .where(*scoped, *where, *also, match))

    postgresql = full_text.rowid is None
    if postgresql:
        # PostgreSQL's planner reads a word found in most entries by a sequential scan,
        # testing each row's tsvector, which it must fetch from the TOAST table and unpack
        # (tens of KB a row): six times the cost of the GIN index's bitmap, which needs only
        # the rows' own columns. Its costs do not count the unpacking, so it is told.
        db.session.execute(_NO_SEQUENTIAL_SCAN)
    try:
        with _time_limit(postgresql):
            found = _run(results, over, full_text, where, policy, kind, text, page, per_page,
                         entry, owner, postgresql)
    except OperationalError:  # took too long: interrupted
        db.session.rollback()
        results.hits, results.counts, results.total, results.pages = [], {}, 0, 0
        results.more = results.more_in_all = results.newest_first = False
        results.message = str(_l("Sökningen tog för lång tid. Skriv fler ord, eller längre "
                                 "början på orden med *."))
        return results
    for kind_, object_id, title, body, updated_at, slug, name in found:
        results.hits.append(Hit(kind_, object_id, title, updated_at, slug, name,
                                snippet(body or "", query)))
    return results


@contextmanager
def _time_limit(postgresql: bool):
    """A search that reads for longer than SEARCH_SECONDS is interrupted (OperationalError):
    a query that matches nearly everything must not hold a worker."""
    if postgresql:
        # SET LOCAL: for this transaction only (a SET begins it, see intranet/postgres.py).
        limit = max(int(SEARCH_SECONDS * 1000), 1)  # milliseconds; 0 would be none
        db.session.execute(sql(f"SET LOCAL statement_timeout = {limit}"))
        yield
        db.session.execute(_NO_STATEMENT_TIMEOUT)
        return
    raw = db.session.connection().connection.driver_connection
    deadline = time.monotonic() + SEARCH_SECONDS
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), _PROGRESS_OPS)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def _counted(over, full_text, also=(), walk: bool = False):
    """The matches per kind, read up to COUNTED_AT_MOST + 1 of them (more is "more"); on
    SQLite also about how many match in all: the share of the entries that do, from the span
    of ids the newest of them were read in (FTS5 gives its matches by descending id without
    reading the others), times the entries; and how many entries there are (about: the
    newest one's id). On PostgreSQL the ids of what it read too, so that the page is read
    from them instead of searching again (a phrase is checked in each candidate's tsvector,
    unpacked from the TOAST table). `walk`: SQLite reads the entries (of one kind) newest
    first and asks FTS5 about each."""
    if full_text.rowid is None or walk:
        sample = over(SearchEntry.kind, SearchEntry.id, also=also, walk=walk)
        if walk:
            sample = sample.order_by(SearchEntry.updated_at.desc(), SearchEntry.id.desc())
        rows = db.session.execute(sample.limit(COUNTED_AT_MOST + 1)).all()
        counts: dict[str, int] = {}
        for kind, _id in rows:
            counts[kind] = counts.get(kind, 0) + 1
        return counts, len(rows), 0, [] if walk else [row[1] for row in rows]
    sample = (over(SearchEntry.kind, full_text.rowid.label("rowid"), also=also)
              .order_by(full_text.rowid.desc()).limit(COUNTED_AT_MOST + 1).subquery())
    rows = db.session.execute(
        select(sample.c.kind, func.count(), func.min(sample.c.rowid), _LAST_ID)
        .group_by(sample.c.kind)).all()
    counts = {row[0]: row[1] for row in rows}
    found = sum(counts.values())
    if found <= COUNTED_AT_MOST:
        return counts, found, 0, []
    lowest, last = min(row[2] for row in rows), rows[0][3]
    return counts, found * last / max(last - lowest + 1, 1), last, []


def _walk_kind(kind: str, matches: float, entries: int) -> bool:
    """SQLite, a common word and one kind: whether reading that kind's entries newest first,
    asking FTS5 about each (until COUNTED_AT_MOST + 1 are found, or all are read), costs
    less than reading every match of the word and its entry (a few hundred networks among
    170,000 matches: 30 ms against 300)."""
    of_kind = db.session.scalar(select(func.count()).where(SearchEntry.kind == kind))
    lookups = min(of_kind, (COUNTED_AT_MOST + 1) * entries / max(matches, 1))
    return lookups * _WALK_COST < matches


def _run(results, over, full_text, where, policy, kind, text, page, per_page, entry, owner,
         postgresql) -> list:
    """The counts into `results`, and the page's rows."""
    results.counts, matches, entries, ids = _counted(over, full_text)
    results.total = sum(results.counts.values())
    if results.total > COUNTED_AT_MOST:  # the counts per kind are not known
        results.counts, results.more_in_all = {}, True
    walk_kind = False
    if kind in KINDS:  # the policy's rule for the kind alone (one the database can index)
        where[0] = policy(kind)
        where.append(entry.kind == kind)
        if results.more_in_all:  # how many of the kind: counted on their own
            walk_kind = not postgresql and _walk_kind(kind, matches, entries)
            counts, matches, entries, ids = _counted(over, full_text, [entry.kind == kind],
                                                     walk=walk_kind)
            results.total = counts.get(kind, 0)
        else:
            results.total = results.counts.get(kind, 0)
    if results.total > COUNTED_AT_MOST:
        results.more, results.total = True, COUNTED_AT_MOST
    results.pages = math.ceil(results.total / per_page)
    results.page = min(max(page, 1), max(results.pages, 1))
    if not results.total:
        if postgresql:
            db.session.execute(_SEQUENTIAL_SCAN)  # the rest of the transaction as before
        return []
    ident = _exact_ident(text)
    newest = [entry.updated_at.desc(), entry.id.desc()]
    walk = walk_kind
    if not results.more_in_all:
        order = [*ident, *full_text.rank, *newest]
    else:
        # Past COUNTED_AT_MOST over every kind they come newest first (of one kind too),
        # an identifier typed exactly still first. Where they are dense among the entries,
        # SQLite finds the newest by walking the entries in that order and asking the
        # full-text index about each, instead of reading every match: about (page's end ×
        # entries ÷ matches) lookups against reading every match (see _WALK_COST).
        order = [*ident, *newest]
        needed = results.page * per_page
        walk = walk or (full_text.each is not None and not ident and bool(entries)
                        and matches * matches > needed * entries * _WALK_COST)
    results.newest_first = results.more_in_all
    columns = (entry.kind, entry.object_id, entry.title,
               func.substr(entry.body, 1, _SNIPPET_SCAN), entry.updated_at, owner.slug,
               owner.name)
    if ids and not results.more:  # PostgreSQL: what was counted is every match
        statement = (select(*columns).select_from(entry)
                     .outerjoin(owner, owner.id == entry.network_id)
                     .where(entry.id.in_(ids), *where))
    else:
        statement = over(*columns, walk=walk)
    statement = (
        statement
        .order_by(*order).offset((results.page - 1) * per_page)
        .limit(min(per_page, results.total - (results.page - 1) * per_page)))
    found = db.session.execute(statement).all()
    if postgresql:
        db.session.execute(_SEQUENTIAL_SCAN)  # the rest of the transaction as before
    return found


@dataclass
class _FullText:
    found: object  # what the statement reads: the entries, with the full-text table if needed
    match: object  # the full-text condition
    rank: list  # the order by relevance, best first
    each: object = None  # SQLite: the condition for one entry, the table not joined
    rowid: object = None  # SQLite: the full-text table's row (the entry's id)


_LAST_ID = select(func.max(SearchEntry.id)).scalar_subquery()
_NO_SEQUENTIAL_SCAN = sql("SET LOCAL enable_seqscan = off")
_NO_STATEMENT_TIMEOUT = sql("RESET statement_timeout")
SEARCH_SECONDS = 5.0  # the longest a search may read
_PROGRESS_OPS = 20_000  # SQLite: how often (in its virtual machine's steps) the time is read
_SEQUENTIAL_SCAN = sql("RESET enable_seqscan")


def _match(query: Query) -> _FullText:
    """What is searched (the entries, with the full-text index where the database needs it
    in the FROM), the full-text condition, and the ranking (best first) in this database's
    syntax: first what has every word in its title, then by the database's own rank (which
    weighs the title above the body on both)."""
    wanted = Query(must=query.must)  # in the title: the words sought, not those excluded
    if db.session.get_bind().dialect.name == "postgresql":
        tsv = literal_column(f"{SearchEntry.__tablename__}.{TSVECTOR_COLUMN}")
        regconfig = literal_column("'simple'::regconfig")
        ts = func.to_tsquery(regconfig, tsquery(query))
        in_title = func.ts_filter(tsv, literal_column("'{a}'::\"char\"[]")).op("@@")(
            func.to_tsquery(regconfig, tsquery(wanted)))
        match = tsv.op("@@")(ts)
        phrases = pairs(query)
        if phrases is not None:
            # A phrase: the entries holding its pairs, from their index, each one's tsvector
            # then checked. (Written so that it is not the indexed column: the planner would
            # also read the words' index, which holds tens of thousands of entries for two
            # common words, and check the pairs again in each entry found.)
            unindexed = func.coalesce(tsv, literal_column("''::tsvector"))
            match = and_(literal_column(PAIRS_EXPRESSION).op("@@")(
                cast(literal(phrases), TSQUERY)), unindexed.op("@@")(ts))
        return _FullText(SearchEntry.__table__, match,
                         [case((in_title, 0), else_=1), func.ts_rank_cd(tsv, ts, 1).desc()])
    # SQLite: the FTS5 table joined to the entries (its rowid is the entry's id); bm25 ranks
    # the rows its MATCH found, the title ten times the weight of the body (lower is better).
    fts = table(FTS_TABLE, column("rowid"))
    match = literal_column(FTS_TABLE).op("MATCH")
    in_title = SearchEntry.id.in_(select(fts.c.rowid).where(
        match(f"title_terms : ({fts5(wanted)})")))
    found = fts.join(SearchEntry.__table__, SearchEntry.id == fts.c.rowid)
    each = exists(select(fts.c.rowid).where(match(fts5(query)), fts.c.rowid == SearchEntry.id))
    return _FullText(found, match(fts5(query)),
                     [case((in_title, 0), else_=1),
                      func.bm25(literal_column(FTS_TABLE), 10.0, 1.0)], each, fts.c.rowid)


def _exact_ident(text: str) -> list:
    """An identifier typed exactly (a diarienummer, a case number) first."""
    folded = " ".join(text.casefold().split())
    if not folded or not any(ch.isdigit() for ch in folded) or len(folded) > 100:
        return []
    pattern = like_pattern(f"|{folded}|")
    return [case((SearchEntry.idents.like(pattern, escape="\\"), 0), else_=1)]


def snippet(body: str, query: Query) -> list[tuple[str, bool]]:
    """About SNIPPET_WORDS words of `body` around the first found word, as (text, found)
    pieces: the template escapes each piece and marks the found ones.

    The first found word is looked for by a regular expression over the case-folded text:
    the Swedish stemmer only takes endings off, so a word is found only if it begins with
    one of the stems (or beginnings) sought, and only the words that do are stemmed. (Where
    case folding changes the text's length, "ß" to "ss", every word is read instead.)"""
    stems, prefixes = query.stems(), query.prefixes()
    seen: dict[str, bool] = {}

    def found(word: str) -> bool:
        hit = seen.get(word)
        if hit is None:
            stemmed = stem(word.casefold())
            hit = seen[word] = stemmed in stems or any(stemmed.startswith(p) for p in prefixes)
        return hit

    beginnings = stems | prefixes
    folded = body.casefold()
    if not beginnings or len(folded) != len(body):
        return _snippet_by_words(body, found)
    candidates = re.compile(rf"(?<!{_CHAR})(?:{'|'.join(map(re.escape, beginnings))})")
    first = None
    for candidate in candidates.finditer(folded):
        token = _WORD.match(body, candidate.start())
        if token is not None and found(token.group()):
            first = token
            break
    if first is None:
        head = list(islice(_WORD.finditer(body), SNIPPET_WORDS + 1))
        if not head:
            return []
        return _pieces(body, head[:SNIPPET_WORDS], found, cut_before=False,
                       cut_after=len(head) > SNIPPET_WORDS)
    keep = SNIPPET_WORDS // 3
    low = first.start()
    while True:  # the `keep` words before it: read back from it until there are enough
        low = max(0, low - 1_200)
        before = list(_WORD.finditer(body, low, first.start()))
        if len(before) >= keep or low == 0:
            break
    before = before[-keep:] if keep else []
    window = [*before, first]
    after = _WORD.finditer(body, first.end())
    window += islice(after, SNIPPET_WORDS - len(window))
    cut_before = _WORD.search(body, 0, window[0].start()) is not None
    cut_after = next(after, None) is not None
    return _pieces(body, window, found, cut_before=cut_before, cut_after=cut_after)


def _snippet_by_words(body: str, found) -> list[tuple[str, bool]]:
    """The snippet by reading the words in order, up to the first found one."""
    tokens = _WORD.finditer(body)
    head: list = []  # the first SNIPPET_WORDS words, the snippet if none is found
    before: deque = deque(maxlen=SNIPPET_WORDS // 3)  # the words before the first found
    count = 0
    for token in tokens:
        if found(token.group()):
            start = count - len(before)
            window = [*before, token]
            for token in tokens:
                if len(window) == SNIPPET_WORDS:
                    more = True
                    break
                window.append(token)
            else:
                more = False
            break
        count += 1
        before.append(token)
        if len(head) < SNIPPET_WORDS:
            head.append(token)
    else:
        if not head:
            return []
        start, window, more = 0, head, count > SNIPPET_WORDS
    return _pieces(body, window, found, cut_before=start > 0, cut_after=more)


def _pieces(body: str, window: list, found, *, cut_before: bool,
            cut_after: bool) -> list[tuple[str, bool]]:
    """The text from the window's first word to its last, the found words marked."""
    begin, stop = window[0].start(), window[-1].end()
    pieces: list[tuple[str, bool]] = []
    if cut_before:
        pieces.append(("… ", False))
    position = begin
    for token in window:
        if found(token.group()):
            pieces.append((body[position:token.start()], False))
            pieces.append((token.group(), True))
            position = token.end()
    pieces.append((body[position:stop], False))
    if cut_after:
        pieces.append((" …", False))
    return [(text, marked) for text, marked in _spaced(pieces) if text]


def _spaced(pieces):
    """Whitespace runs (line breaks of a page's text) become single spaces, keeping the
    space at the edges of each piece."""
    for text, marked in pieces:
        if marked:
            yield text, marked
            continue
        inner = " ".join(text.split())
        if not inner:  # only space between two found words: one space
            yield (" " if text else ""), marked
            continue
        lead = " " if text[:1].isspace() else ""
        trail = " " if text[-1:].isspace() else ""
        yield lead + inner + trail, marked


def network_choices(person) -> list[tuple[str, str]]:
    """The networks a search can be limited to, (slug, name) in name order: those the person
    may see (the archived ones only for the secretariat)."""
    statement = select(Network.slug, Network.name).order_by(Network.name_key, Network.id)
    if not is_secretariat(person):
        statement = statement.where(Network.active())
    return [tuple(row) for row in db.session.execute(statement)]
