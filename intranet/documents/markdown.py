"""Markdown written by users, rendered to HTML that can carry no script and no htmx. The
parser and the allow-list live in `intranet.markdown`, shared with the letter (yttrande);
this module keeps the names the documents' code imports."""

from __future__ import annotations

from intranet.markdown import (
    ATTRIBUTES,
    HEADING_SHIFT,
    TAGS,
    URL_SCHEMES,
    render_markdown,
    sanitize,
)

__all__ = ["ATTRIBUTES", "HEADING_SHIFT", "TAGS", "URL_SCHEMES", "render_markdown", "sanitize"]
