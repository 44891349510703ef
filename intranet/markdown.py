"""Markdown written by users (text pages, response sections, positions): one parser for every
place that shows it, so the page's HTML and the letter's DOCX read the same text the same way.

The page renders the parser's tokens to HTML and sanitizes that with an allow-list; the letter
(`consultations.letter`) walks the same tokens and leaves out what the allow-list drops."""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

# Raw HTML is off: "<b>" in a text is the text "<b>", on the page and in the letter.
PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)

# The page around user text already has its h1 (the network) and h2 (the title), so a
# user's "# Heading" becomes an h3, "## Heading" an h4, and so on.
HEADING_SHIFT = 2


def parse(text: str | None) -> list[Token]:
    """The block tokens of `text` (inline content in each `inline` token's children)."""
    return PARSER.parse(text or "")


def heading_level(token: Token) -> int:
    """The level a heading token is shown at: "# Rubrik" is 3, at most 6."""
    return min(6, int(token.tag[1]) + HEADING_SHIFT)


def kept_link(href: str | None) -> bool:
    """Whether a link's address is one a reader outside the site can follow: an absolute
    address in a scheme the sanitizer keeps (the page also keeps relative ones)."""
    scheme = urlsplit(href or "").scheme.lower()
    return scheme in URL_SCHEMES


def render_markdown(text: str) -> Markup:
    """Safe HTML for `text`. Links get rel="noopener noreferrer"; anything else is dropped
    by the allow-list, whatever the converter produced."""
    tokens = parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{heading_level(token)}"
    return sanitize(PARSER.renderer.render(tokens, PARSER.options, {}))


def sanitize(html: str) -> Markup:
    """Only the allowed tags and attributes of `html` survive; links get rel."""
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(clean)  # noqa: S704 - sanitized by nh3 just above


def plain_text(text: str | None) -> str:
    """The text of `text` as a reader sees it, without the Markdown around it ("**Närvarande:**"
    is "Närvarande:"): each block on its own line, a cell or a line break a space."""
    lines: list[str] = []
    for token in parse(text):
        if token.type == "inline":
            lines.append("".join(
                child.content if child.type in ("text", "code_inline")
                else " " if child.type in ("softbreak", "hardbreak") else ""
                for child in token.children or ()).strip())
        elif token.type in ("code_block", "fence"):
            lines.append(token.content.strip())
    return "\n".join(line for line in lines if line)
