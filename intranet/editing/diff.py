"""Word-level differences between two texts, and the line-based three-way merge of two
saves that started from the same text: text in, structure out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"

# Words and the whitespace between them, so that joining the tokens gives the text back.
_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Chunk:
    op: str  # EQUAL, INSERT or DELETE
    text: str


@dataclass(frozen=True)
class Diff:
    chunks: tuple[Chunk, ...]

    @property
    def changed(self) -> bool:
        return any(c.op != EQUAL for c in self.chunks)

    @property
    def inserted_words(self) -> int:
        return sum(len(c.text.split()) for c in self.chunks if c.op == INSERT)

    @property
    def deleted_words(self) -> int:
        return sum(len(c.text.split()) for c in self.chunks if c.op == DELETE)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.replace("\r\n", "\n"))


def word_diff(old: str, new: str) -> Diff:
    """The changes that turn `old` into `new`, word by word. A replaced run is a deletion
    followed by an insertion; neighbouring chunks of the same kind are merged."""
    a, b = tokens(old or ""), tokens(new or "")
    chunks: list[Chunk] = []

    def add(op: str, parts: list[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if chunks and chunks[-1].op == op:
            chunks[-1] = Chunk(op, chunks[-1].text + text)
        else:
            chunks.append(Chunk(op, text))

    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(EQUAL, a[i1:i2])
        else:
            if i2 > i1:
                add(DELETE, a[i1:i2])
            if j2 > j1:
                add(INSERT, b[j1:j2])
    return Diff(tuple(chunks))


def _hunks(base: list[str], other: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
    """The changes that turn `base` into `other`, as (start, end, new lines) in base's lines."""
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [(i1, i2, tuple(other[j1:j2]))
            for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _overlap(a: tuple, b: tuple) -> bool:
    (a1, a2, _), (b1, b2, _) = a, b
    if a1 == a2 and b1 == b2:  # both insert: at the same place they clash
        return a1 == b1
    if a1 == a2:  # a inserts inside what b replaces
        return b1 < a1 < b2
    if b1 == b2:
        return a1 < b1 < a2
    return a1 < b2 and b1 < a2


def merge(base: str, theirs: str, mine: str) -> str | None:
    """Both texts' changes to `base` in one text, line by line, when they change different
    lines (as in a three-way merge); None when they change the same lines differently.

    A change both made alike is taken once. The result holds all of `mine`'s changes and all
    of `theirs`', so nobody's edit is lost by saving it."""
    def as_lines(text: str) -> list[str]:
        # Every line with its break, the last one too: a line added after a last line
        # without one is then an addition, not a change of that line.
        text = (text or "").replace("\r\n", "\n")
        return (text if text.endswith("\n") or not text else text + "\n").splitlines(True)

    lines = as_lines(base)
    ours, other = _hunks(lines, as_lines(mine)), _hunks(lines, as_lines(theirs))
    hunks = list(ours)
    for hunk in other:
        clashes = [h for h in ours if _overlap(h, hunk)]
        if any(h != hunk for h in clashes):
            return None
        if not clashes:
            hunks.append(hunk)
    # Insertions at a place come before a replacement that starts there.
    hunks.sort(key=lambda h: (h[0], h[1] != h[0]))
    out: list[str] = []
    at = 0
    for start, end, new in hunks:
        out.extend(lines[at:start])
        out.extend(new)
        at = max(at, end)
    out.extend(lines[at:])
    merged = "".join(out)
    # Ends as the editor's own text ends (with or without a last line break).
    return merged if (mine or "").replace("\r\n", "\n").endswith("\n") else merged[:-1]
