"""Markup for the long repeated parts of a page, built in Python: a Jinja loop costs a few
microseconds an item, and at the scale of a national association a filter's select lists 500
networks and a row of the coverage matrix has 290 cells."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from markupsafe import Markup, escape


def options(rows: Iterable, selected=None) -> Markup:
    """`<option>`s of (value, label) rows; the one whose value equals `selected` is selected."""
    chosen = None if selected is None else str(selected)
    # Every value put in is escaped here (or an int): the joined text is safe markup.
    return Markup("".join(  # noqa: S704
        f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>'
        f"{escape(label)}</option>" for value, label in rows))


def count_cells(counts: Iterable[int], gap_text: str) -> Markup:
    """A row of counts as `<td>`s; a zero is a gap, marked by symbol and text, not colour only."""
    gap = Markup('<td class="num cell--gap"><span aria-hidden="true">⚠ 0</span>'
                 '<span class="visually-hidden">%s</span></td>') % gap_text
    return Markup("".join(f'<td class="num">{int(count)}</td>' if count else gap  # noqa: S704
                          for count in counts))


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(options=options, count_cells=count_cells)
