"""Markdown written by users, rendered to HTML that can carry no script and no htmx: the
Markdown is converted (raw HTML off) and the result is sanitized with an allow-list."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)


# The page around user text already has its h1 (the network) and h2 (the title), so a
# user's "# Heading" becomes an h3, "## Heading" an h4, and so on.
HEADING_SHIFT = 2


def render_markdown(text: str) -> Markup:
    """Safe HTML for `text`. Links get rel="noopener noreferrer"; anything else is dropped
    by the allow-list, whatever the converter produced."""
    tokens = _md.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + HEADING_SHIFT)}"
    return sanitize(_md.renderer.render(tokens, _md.options, {}))


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
