"""Words as search sees them, the same on both databases: text is split into words (letters
and digits), case folded, and each word reduced to its Swedish stem by the Snowball
stemmer ("kollektivtrafikplanen" and "Kollektivtrafikplan" are both "kollektivtrafikplan",
"remisser" and "remiss" are "remiss"). The index stores the stems in order, so phrases are
found where their words stand together; a query is parsed here and written out in each
database's own syntax (SQLite's FTS5, PostgreSQL's tsquery), so both find the same.

The query syntax is the one people know from web search: words (all must be found),
"a quoted phrase", -word (must not be found), OR between two words, and word* for every
word that begins so."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

# The longest query read, and the most words of it; the rest is ignored (and said so).
MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 20
# The indexed text of one thing is cut here (on a word): enough for every page, file or
# response of this work, and under PostgreSQL's limits for one tsvector.
MAX_INDEXED_CHARS = 200_000

# A word: letters and digits, as PostgreSQL's parser reads them too; number signs that are
# no digits ("½", "²", Roman numerals) are not part of a word. A run longer than 100 is no
# word (nor stored).
_NOT_LETTERS = "".join(
    chr(c) for c in range(0x80, 0x10000)
    if unicodedata.category(chr(c)) in ("No", "Nl") and chr(c).isalnum())
_CHAR = rf"[^\W_{re.escape(_NOT_LETTERS)}]"
_WORD = re.compile(rf"(?<!{_CHAR}){_CHAR}{{1,100}}(?!{_CHAR})")
_STEMMER = snowballstemmer.stemmer("swedish")
# Tokens of a query: a quoted phrase (closed or not, maybe excluded), or a run of anything
# but space.
_QUERY_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# The endings the Swedish stemmer takes off (its step 1; with "lig", "ig", "els" and a
# doubled d, n or t in front of one, its steps 2 and 3). A prefix typed as word* may run
# into one: "tvärförbindel*" begins "tvärförbindelse", whose stem is "tvärförbind".
_STEP1 = ("a arna erna heterna orna ad e ade ande arne are aste en anden aren heten ern ar "
          "er heter or as arnas ernas ornas es ades andes ens arens hetens erns at andet het "
          "ast s").split()
_ENDINGS = tuple({*_STEP1, *(front + end for front in ("lig", "ig", "els", "d", "n", "t")
                             for end in ("", *_STEP1))})
_SHORTEST_STEM = 3
PREFIX_LETTERS = 3  # the shortest beginning of a word searched as word*


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one case-folded word."""
    return _STEMMER.stemWord(word)


def words(text: str | None) -> list[str]:
    """The case-folded words of a text, in order (control characters and punctuation are
    not words)."""
    return _WORD.findall((text or "").casefold())


def index_terms(text: str | None, limit: int = MAX_INDEXED_CHARS) -> str:
    """What the index stores of a text: its stems in order, separated by spaces."""
    text = (text or "")[:limit]
    return " ".join(stem(word) for word in words(text))


@dataclass(frozen=True)
class Term:
    """A word (its stem), or with `prefix` every word that begins with `stem` (then the
    word as typed, case folded)."""

    stem: str
    prefix: bool = False

    def stems(self) -> tuple[str, ...]:
        """The stems a prefix also finds exactly: where the typed part runs into an ending
        the stemmer takes off, the stem is shorter than what was typed."""
        if not self.prefix:
            return ()
        word = self.stem
        return tuple(word[:cut] for cut in range(len(word) - 1, _SHORTEST_STEM - 1, -1)
                     if any(end.startswith(word[cut:]) for end in _ENDINGS))


@dataclass(frozen=True)
class Phrase:
    stems: tuple[str, ...]


@dataclass
class Query:
    """A parsed query: every item of `must` (a Term, a Phrase, or a tuple of them: any one
    of them, from OR) and none of `must_not`."""

    must: list = field(default_factory=list)
    must_not: list = field(default_factory=list)
    cut: bool = False  # the query was longer than is read
    short_prefix: bool = False  # a word* with fewer than PREFIX_LETTERS was left out

    @property
    def empty(self) -> bool:
        return not self.must

    def stems(self) -> set[str]:
        """Every stem the query looks for (for marking the hits in a snippet)."""
        found: set[str] = set()
        for item in self.must:
            for part in item if isinstance(item, tuple) else (item,):
                found.update(part.stems if isinstance(part, Phrase) else (part.stem,))
        return found

    def prefixes(self) -> set[str]:
        """The beginnings of words sought (as typed, case folded)."""
        return {part.stem for item in self.must
                for part in (item if isinstance(item, tuple) else (item,))
                if isinstance(part, Term) and part.prefix}


# What word processors and phones type for quotes and a leading minus: read as " and -.
_QUOTES = str.maketrans(dict.fromkeys("”“„«»″", '"'))
_DASH = re.compile(r"(^|\s)[–—−](?=\S)")
# Operators in capitals, in English or Swedish: OR/ELLER either, AND/OCH (every word is
# sought anyway) nothing, NOT/INTE leaves out the next word or phrase.
_OR, _AND, _NOT = {"OR", "ELLER"}, {"AND", "OCH"}, {"NOT", "INTE"}


def _normal(text: str) -> str:
    return _DASH.sub(r"\1-", text.translate(_QUOTES))


def parse(text: str | None) -> Query:
    """Parse what a person typed. Nothing in it is an error: what is not a word is ignored."""
    text = (text or "").replace("\x00", " ")
    query = Query(cut=len(text) > MAX_QUERY_CHARS)
    text = _normal(text[:MAX_QUERY_CHARS])
    items: list[tuple[bool, object]] = []  # (negated, item), "OR" as the string
    leave_out = False  # NOT before this one
    for match in _QUERY_TOKEN.finditer(text):
        excluded, phrase, raw = match.group(1), match.group(2), match.group(3)
        if phrase is not None:
            stems = tuple(stem(word) for word in words(phrase))
            if len(stems) == 1:
                items.append((bool(excluded) or leave_out, Term(stems[0])))
            elif stems:
                items.append((bool(excluded) or leave_out, Phrase(stems)))
            leave_out = False
            continue
        if raw in _OR:
            items.append((False, "OR"))
            continue
        if raw in _AND:
            continue
        if raw in _NOT:
            leave_out = True
            continue
        negated = (raw.startswith("-") and len(raw) > 1) or leave_out
        leave_out = False
        prefix = raw.rstrip().endswith("*")
        found = words(raw)
        if not found:
            continue
        if prefix and len(found) == 1 and len(found[0]) < PREFIX_LETTERS:
            query.short_prefix = True  # "s*" would be nearly every word
            continue
        if len(found) > 1:  # "RS-2021-0123", "e-post": the words together, as a phrase
            item = Phrase(tuple(stem(word) for word in found))
        else:
            item = Term(found[0] if prefix else stem(found[0]), prefix)
        items.append((negated, item))
    groups: list[list] = []
    joining = False
    for negated, item in items:
        if item == "OR":
            joining = bool(groups) and not isinstance(groups[-1], tuple)
            continue
        if negated:
            query.must_not.append(item)
        elif joining and groups:
            groups[-1].append(item)
        else:
            groups.append([item])
        joining = False
    for group in groups:
        query.must.append(group[0] if len(group) == 1 else tuple(group))
    words_used = 0
    kept = []
    for item in query.must:
        words_used += len(item) if isinstance(item, tuple) else 1
        if words_used > MAX_QUERY_WORDS:
            query.cut = True
            break
        kept.append(item)
    query.must = kept
    query.must_not = query.must_not[:MAX_QUERY_WORDS]
    return query


# ---------------------------------------------------------------- each database's syntax


def _fts5_part(part) -> str:
    if isinstance(part, Phrase):
        return '"' + " ".join(part.stems) + '"'
    if part.prefix:
        return "(" + " OR ".join([f'"{part.stem}"*', *(f'"{s}"' for s in part.stems())]) + ")"
    return f'"{part.stem}"'


def _fts5_item(item) -> str:
    if isinstance(item, tuple):
        return "(" + " OR ".join(_fts5_part(part) for part in item) + ")"
    return _fts5_part(item)


def fts5(query: Query) -> str:
    """The query in SQLite FTS5's syntax (stems are letters and digits only, quoted)."""
    expression = " AND ".join(_fts5_item(item) for item in query.must)
    for item in query.must_not:
        expression = f"({expression}) NOT {_fts5_item(item)}"
    return expression


def _ts_part(part) -> str:
    if isinstance(part, Phrase):
        # Within the title or within the body: the tsvector is the two one after the other,
        # and a phrase must not run from the title's last word into the body's first.
        return "(" + " | ".join("(" + " <-> ".join(f"'{word}':{weight}" for word in part.stems)
                                + ")" for weight in "AB") + ")"
    if part.prefix:
        return "(" + " | ".join([f"'{part.stem}':*", *(f"'{s}'" for s in part.stems())]) + ")"
    return f"'{part.stem}'"


def _ts_item(item) -> str:
    if isinstance(item, tuple):
        return "(" + " | ".join(_ts_part(part) for part in item) + ")"
    return _ts_part(item)


def tsquery(query: Query) -> str:
    """The query in PostgreSQL's tsquery syntax, for to_tsquery('simple', …): the stems are
    made here, as for SQLite, so both databases look for the same words."""
    parts = [_ts_item(item) for item in query.must]
    parts += [f"!{_ts_item(item)}" for item in query.must_not]
    return " & ".join(parts)


def _pairs(part) -> str | None:
    if not isinstance(part, Phrase):
        return None
    neighbours = zip(part.stems, part.stems[1:], strict=False)
    return " & ".join(f"'{first} {second}'" for first, second in neighbours)


def pairs(query: Query) -> str | None:
    """PostgreSQL: the pairs of neighbouring stems every match holds, as a tsquery over the
    index of pairs (migration 0018), or None: each phrase's pairs, and of an OR of phrases
    one phrase's. A phrase's words stand next to each other in the title or in the body, so
    each of its pairs is one of the entry's pairs: this finds no less than the phrase."""
    parts = []
    for item in query.must:
        found = [_pairs(part) for part in (item if isinstance(item, tuple) else (item,))]
        if all(found):
            parts.append(found[0] if len(found) == 1
                         else " | ".join(f"({each})" for each in found))
    return " & ".join(f"({part})" for part in parts) or None


def as_beginnings(text: str | None) -> str | None:
    """The query with each plain word of PREFIX_LETTERS or more sought as a beginning
    (word*): compound words are not split, so "klimat" does not find "klimatlöften" and
    this does. None when no word would change (phrases, excluded words, operators, words
    in capitals such as "TRV" and anything with other marks stay as they are)."""
    text = _normal((text or "")[:MAX_QUERY_CHARS])
    changed = after_not = False
    out = []
    for match in _QUERY_TOKEN.finditer(text):
        raw = match.group(3)
        left_out, after_not = after_not, raw in _NOT
        if (raw is not None and not left_out and _WORD.fullmatch(raw)
                and raw not in _OR | _AND | _NOT and not raw.isupper()
                and len(raw) >= PREFIX_LETTERS and not raw.isdigit()):
            out.append(raw + "*")
            changed = True
        else:
            out.append(match.group(0))
    return " ".join(out) if changed else None

