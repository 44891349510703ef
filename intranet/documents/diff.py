"""Word-level differences between two texts: text in, structure out. Used for page
revisions and edit conflicts, and meant for any text edited together."""

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
