"""The letter (yttrande) says what the page says: for generated Markdown, the text of a section
in the DOCX is the text of the page's HTML, whitespace aside. Derandomized, so CI sees the
same examples every run."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree, html

from intranet.consultations.letter import Letter, build_docx
from intranet.markdown import render_markdown

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
END = "Slutmarkör"

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöÅÄÖ", min_size=1, max_size=8)
URLS = st.sampled_from(["https://example.org/plan", "http://example.se/a?b=1&c=2",
                        "mailto:kansliet@example.org", "/dokument/7", "ftp://example.org/f",
                        "javascript:alert(1)"])


def _phrase(words: list[str]) -> str:
    return " ".join(words)


PHRASES = st.lists(WORDS, min_size=1, max_size=4).map(_phrase)
INLINE_PIECES = st.one_of(
    PHRASES,
    PHRASES.map(lambda t: f"*{t}*"),
    PHRASES.map(lambda t: f"**{t}**"),
    PHRASES.map(lambda t: f"***{t}***"),
    PHRASES.map(lambda t: f"~~{t}~~"),
    PHRASES.map(lambda t: f"`{t}`"),
    st.tuples(PHRASES, URLS).map(lambda p: f"[{p[0]}]({p[1]})"),
    st.tuples(PHRASES, URLS).map(lambda p: f"![{p[0]}]({p[1]})"),
    st.sampled_from(["&amp;", "<b>", "2 * 3", "  \n", "\\\n", "\n"]),
)
INLINE = st.lists(INLINE_PIECES, min_size=1, max_size=6).map(
    lambda pieces: " ".join(pieces).strip() or "text")


def _indent(text: str, prefix: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([prefix + lines[0]] + [(rest + line) if line else "" for line in lines[1:]])


def _list(items: list[str], ordered: bool, start: int) -> str:
    out = []
    for n, item in enumerate(items):
        marker = f"{start + n}. " if ordered else "- "
        out.append(_indent(item, marker, " " * len(marker)))
    return "\n".join(out)


def _quote(block: str) -> str:
    return "\n".join("> " + line if line else ">" for line in block.split("\n"))


def _table(shape: tuple[int, list[list[str]]]) -> str:
    width, rows = shape
    lines = ["| " + " | ".join(rows[0][:width]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(row[:width]) + " |" for row in rows[1:]]
    return "\n".join(lines)


TABLES = st.integers(1, 4).flatmap(lambda width: st.tuples(
    st.just(width), st.lists(st.lists(INLINE.map(lambda t: t.replace("\n", " ")),
                                      min_size=width, max_size=width),
                             min_size=1, max_size=4))).map(_table)
LEAVES = st.one_of(
    INLINE,
    st.tuples(st.integers(1, 6), INLINE).map(lambda h: "#" * h[0] + " " + h[1].split("\n")[0]),
    TABLES,
    st.just("---"),
    PHRASES.map(lambda t: f"```\n{t}\n  {t}\n```"),
)


def _blocks(children):
    return st.one_of(
        st.tuples(st.lists(children, min_size=1, max_size=3), st.booleans(),
                  st.integers(1, 2050)).map(lambda x: _list(*x)),
        children.map(_quote),
    )


BLOCKS = st.recursive(LEAVES, _blocks, max_leaves=8)
BODIES = st.lists(BLOCKS, min_size=1, max_size=5).map("\n\n".join)


def page_text(markdown: str) -> str:
    root = html.fragment_fromstring(str(render_markdown(markdown)) or "<p></p>",
                                    create_parent="div")
    return " ".join("".join(root.itertext()).split())


def letter_text(markdown: str) -> str:
    letter = Letter(sender="Södertörnskommunernas samarbete", sender_body="Samarbetskommittén",
                    recipient="Region Stockholm", recipient_reference="",
                    title="Kollektivtrafikplan 2050", letter_date=date(2026, 11, 25),
                    sections=[("Avsnittet", markdown), ("Slut", END)], stances=[],
                    chair=None, presenter=None)
    with zipfile.ZipFile(io.BytesIO(build_docx(letter))) as package:
        body = etree.fromstring(package.read("word/document.xml")).find(f"{W}body")
    pieces: list[str] = []
    inside = False
    for block in body:
        text = _xml_text(block)
        if block.tag == f"{W}p" and _style(block) == "Heading2":
            if inside:
                break
            inside = text.strip() == "Avsnittet"
            continue
        if inside:
            pieces.append(text)
    return " ".join(" ".join(pieces).split())


def _style(paragraph) -> str | None:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return None if style is None else style.get(f"{W}val")


def _xml_text(element) -> str:
    """The text Word shows for a paragraph or a table: breaks and tabs as spaces, each
    paragraph and cell apart."""
    out = []
    for node in element.iter(f"{W}t", f"{W}br", f"{W}tab", f"{W}p"):
        out.append(node.text or "" if node.tag == f"{W}t" else " ")
    return "".join(out)


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(BODIES)
def test_the_letter_has_the_text_the_page_shows(markdown):
    assert letter_text(markdown) == page_text(markdown)


FREE_TEXT = st.text(alphabet=st.sampled_from(list("abåäö XY*_-+#>|[]()!`~\\.1:/\n\t&<")),
                    max_size=200)


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(FREE_TEXT)
def test_any_text_reads_the_same_in_the_letter_and_on_the_page(markdown):
    assert letter_text(markdown) == page_text(markdown)


def test_the_texts_compared_are_the_words_shown():
    # The two extractions themselves: the words a reader sees, no markup.
    assert page_text("> citat *här*\n\n| a |\n|---|\n| b |") == "citat här a b"
    assert re.sub(r"\s", "", letter_text("[länk](https://example.org)")) == "länk"
