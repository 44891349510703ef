"""A Markdown body written into the letter (yttrande) as Word shows the page.

It walks the tokens of the same parser the page renders (`intranet.markdown`): headings,
paragraphs, nested bulleted and numbered lists (Word numbering), quotes, tables with a header
row, links as Word hyperlinks, bold, italic, struck and code text, line breaks and rules. What
the page's allow-list drops (images) the letter leaves out too; raw HTML is text in both.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Length, Mm, RGBColor
from docx.text.paragraph import Paragraph
from markdown_it.token import Token

from intranet.markdown import heading_level, kept_link, parse

LIST_STEP = Mm(8)  # each list level moves its text in by this much
LIST_HANGING = Mm(6)  # the number or bullet stands in this space before the text
QUOTE_STEP = Mm(8)
CODE_FONT = "Courier New"
LINK_STYLE = "Hyperlink"
LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)
BULLETS = ("•", "◦", "▪")  # as a browser marks nested lists: disc, circle, square
LEVELS = 9  # Word numbers nine list levels; deeper lists use the ninth's marks
# Our own list definitions, found again by name when a second body is written.
BULLET_LIST, NUMBER_LIST = "Samverkan punktlista", "Samverkan numrerad lista"


def write_markdown(doc: DocxDocument, text: str, *, indent: Length | None = None,
                   headings: bool = True) -> None:
    """Writes the Markdown `text` at the end of `doc`. `indent` moves every block in (a
    municipality's reservation); without `headings` a heading is a bold paragraph."""
    _Writer(doc, indent or 0, headings).write(parse(text))


@dataclass
class _List:
    num_id: int
    ordered: bool


class _Writer:
    """The state of one walk: the lists and quotes that are open around the next block."""

    def __init__(self, doc: DocxDocument, indent: int, headings: bool):
        self.doc = doc
        self.indent = int(indent)
        self.headings = headings
        self.lists: list[_List] = []
        self.quotes = 0
        self.item_opened = False  # the next block starts a list item: it carries the number
        self.paragraph: Paragraph | None = None
        self.bold = False  # a heading written as a bold paragraph

    def write(self, tokens: list[Token]) -> None:
        i = 0
        while i < len(tokens):
            if tokens[i].type == "table_open":
                i = self._table(tokens, i)
                continue
            handler = self.HANDLERS.get(tokens[i].type)
            if handler is not None:
                handler(self, tokens[i])
            i += 1

    # ------------------------------------------------------------ blocks

    def _paragraph_open(self, token: Token) -> None:
        self.paragraph = self._block()

    def _heading_open(self, token: Token) -> None:
        if self.headings:
            self.paragraph = self._block(f"Heading {heading_level(token)}")
        else:
            self.paragraph = self._block()
            self.paragraph.paragraph_format.keep_with_next = True
            self.bold = True

    def _heading_close(self, token: Token) -> None:
        paragraph = self.paragraph
        # An empty "#" line: the page shows nothing there, so no empty heading either.
        if paragraph is not None and not paragraph.text.strip() and self.headings \
                and paragraph._p.pPr.numPr is None:
            paragraph._p.getparent().remove(paragraph._p)
        self._block_close(token)

    def _block_close(self, token: Token) -> None:
        self.paragraph = None
        self.bold = False

    def _inline(self, token: Token) -> None:
        if self.paragraph is not None:
            _Runs(self.paragraph, bold=self.bold).add(token.children or [])

    def _code(self, token: Token) -> None:
        paragraph = self._block()
        runs = _Runs(paragraph)
        for number, line in enumerate(token.content.rstrip("\n").split("\n")):
            if number:
                runs.line_break()
            runs.text(line, code=True)
        runs.flush()

    def _rule(self, token: Token) -> None:
        _bottom_border(self._block())

    def _list_open(self, token: Token) -> None:
        self._number_empty_item()
        ordered = token.type == "ordered_list_open"
        start = int(token.attrs.get("start", 1)) if ordered else None
        num_id = _new_list(self.doc, ordered, min(len(self.lists), LEVELS - 1), start)
        self.lists.append(_List(num_id, ordered))

    def _list_close(self, token: Token) -> None:
        self.lists.pop()

    def _item_open(self, token: Token) -> None:
        self.item_opened = True

    def _item_close(self, token: Token) -> None:
        self._number_empty_item()

    def _quote_open(self, token: Token) -> None:
        self._number_empty_item()
        self.quotes += 1

    def _quote_close(self, token: Token) -> None:
        self.quotes -= 1

    def _number_empty_item(self) -> None:
        """An item that opens with a list, a quote or a table, or has nothing in it, still
        shows its bullet or number on a line of its own, as the page does."""
        if self.item_opened:
            self._block()

    def _block(self, style: str | None = None) -> Paragraph:
        """A new paragraph for the next block, indented by the lists and quotes around it;
        the first block of a list item carries the item's number or bullet."""
        paragraph = self.doc.add_paragraph(style=style)
        fmt = paragraph.paragraph_format
        if self.lists and self.item_opened:
            current = self.lists[-1]
            if style is None:
                kind = "List Number" if current.ordered else "List Bullet"
                depth = min(len(self.lists), 3)
                paragraph.style = self.doc.styles[kind + (f" {depth}" if depth > 1 else "")]
            _number(paragraph, current.num_id, min(len(self.lists), LEVELS) - 1)
            fmt.first_line_indent = -LIST_HANGING
            self.item_opened = False
        elif self.quotes and style is None:
            paragraph.style = self.doc.styles["Quote"]
        if self.quotes:
            _left_border(paragraph)
        left = self._left()
        if left:
            fmt.left_indent = Length(left)
        return paragraph

    def _left(self) -> int:
        return self.indent + self.quotes * QUOTE_STEP + len(self.lists) * LIST_STEP

    def _table(self, tokens: list[Token], start: int) -> int:
        """A Word table of the table's rows, its header row marked as one; the index of the
        token after the table."""
        self._number_empty_item()
        rows: list[tuple[bool, list[list[Token]]]] = []
        in_head = False
        end = start + 1
        while tokens[end].type != "table_close":
            token = tokens[end]
            if token.type in ("thead_open", "thead_close"):
                in_head = token.type == "thead_open"
            elif token.type == "tr_open":
                rows.append((in_head, []))
            elif token.type == "inline":
                rows[-1][1].append(token.children or [])
            end += 1
        table = self.doc.add_table(rows=len(rows), cols=len(rows[0][1]), style="Table Grid")
        for row, (is_head, cells) in zip(table.rows, rows, strict=True):
            if is_head:
                repeat_as_header(row)
            for cell, children in zip(row.cells, cells, strict=True):
                _Runs(cell.paragraphs[0], bold=is_head).add(children)
        if self._left():
            _table_indent(table, Length(self._left()))
        return end + 1

    HANDLERS = {
        "paragraph_open": _paragraph_open,
        "paragraph_close": _block_close,
        "heading_open": _heading_open,
        "heading_close": _heading_close,
        "inline": _inline,
        "code_block": _code,
        "fence": _code,
        "hr": _rule,
        "bullet_list_open": _list_open,
        "ordered_list_open": _list_open,
        "bullet_list_close": _list_close,
        "ordered_list_close": _list_close,
        "list_item_open": _item_open,
        "list_item_close": _item_close,
        "blockquote_open": _quote_open,
        "blockquote_close": _quote_close,
    }


class _Runs:
    """Inline tokens as runs of one paragraph: text of the same look joins one run, a link
    is a Word hyperlink around its runs."""

    def __init__(self, paragraph: Paragraph, bold: bool = False):
        self.paragraph = paragraph
        self.container = paragraph._p  # the paragraph, or the hyperlink being written
        self.depth = {"strong": int(bold), "em": 0, "s": 0}
        self.pending: list[str] = []
        self.look: tuple = ()

    def add(self, children: list[Token]) -> None:
        for token in children:
            kind = token.type
            if kind in ("text", "text_special"):
                self.text(token.content)
            elif kind == "code_inline":
                self.text(token.content, code=True)
            elif kind == "softbreak":
                self.text(" ")
            elif kind == "hardbreak":
                self.line_break()
            elif kind.endswith("_open") and kind[:-5] in self.depth:
                self.depth[kind[:-5]] += 1
            elif kind.endswith("_close") and kind[:-6] in self.depth:
                self.depth[kind[:-6]] -= 1
            elif kind == "link_open":
                self._link(token)
            elif kind == "link_close":
                self.flush()
                self.container = self.paragraph._p
            # "image": the page's allow-list drops pictures, alt text and all.
        self.flush()

    def text(self, text: str, code: bool = False) -> None:
        if not text:
            return  # what is left of a delimiter that emphasis used up
        look = (self.depth["strong"] > 0, self.depth["em"] > 0, self.depth["s"] > 0, code)
        if look != self.look:
            self.flush()
            self.look = look
        self.pending.append(text)

    def line_break(self) -> None:
        self.flush()
        self._run("").add_break()

    def flush(self) -> None:
        if not self.pending:
            return
        bold, italic, strike, code = self.look
        run = self._run("".join(self.pending))
        self.pending = []
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if strike:
            run.font.strike = True
        if code:
            run.font.name = CODE_FONT

    def _run(self, text: str):
        run = self.paragraph.add_run(text)
        if self.container is not self.paragraph._p:
            run.style = _link_style(self.paragraph.part.document)
            self.container.append(run._r)
        return run

    def _link(self, token: Token) -> None:
        self.flush()
        href = str(token.attrs.get("href", ""))
        if not kept_link(href):
            return  # the text only, as the page shows a link it may not keep
        part = self.paragraph.part
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
        if token.attrs.get("title"):
            link.set(qn("w:tooltip"), str(token.attrs["title"]))
        self.paragraph._p.append(link)
        self.container = link


# ---------------------------------------------------------------- Word parts


def _link_style(doc: DocxDocument):
    """Word's own character style for links: blue and underlined."""
    styles = doc.styles
    if LINK_STYLE not in [style.name for style in styles]:
        style = styles.add_style(LINK_STYLE, WD_STYLE_TYPE.CHARACTER)
        style.font.color.rgb = LINK_COLOUR
        style.font.underline = True
    return styles[LINK_STYLE]


def _new_list(doc: DocxDocument, ordered: bool, level: int, start: int | None) -> int:
    """A new Word list (w:num) on our bulleted or numbered definition; a numbered one counts
    from its own first number, not on from the list before it."""
    numbering = doc.part.numbering_part.element
    abstract_id = _definition(numbering, NUMBER_LIST if ordered else BULLET_LIST, ordered)
    num = numbering.add_num(abstract_id)
    if ordered:
        num.add_lvlOverride(ilvl=level).add_startOverride(start or 1)
    return num.numId


def _definition(numbering, name: str, ordered: bool) -> int:
    """The abstract numbering called `name`, made on first use: nine levels, each indented
    one step more, numbers "1." at every level (as a browser numbers nested lists), or
    bullets that change with the level."""
    for abstract in numbering.findall(qn("w:abstractNum")):
        found = abstract.find(qn("w:name"))
        if found is not None and found.get(qn("w:val")) == name:
            return int(abstract.get(qn("w:abstractNumId")))
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(ids, default=-1) + 1
    levels = []
    for level in range(LEVELS):
        if ordered:
            fmt, text = "decimal", f"%{level + 1}."
        else:
            fmt, text = "bullet", BULLETS[level % len(BULLETS)]
        levels.append(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{LIST_STEP.twips * (level + 1)}" '
            f'w:hanging="{LIST_HANGING.twips}"/></w:pPr></w:lvl>')
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/><w:name w:val="{name}"/>'
        + "".join(levels) + "</w:abstractNum>")
    # Every definition comes before the lists that use them.
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    return abstract_id


def _number(paragraph: Paragraph, num_id: int, level: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


def repeat_as_header(row) -> None:
    """Mark a table's first row as its header (repeats on each page, read as headers)."""
    tr_pr = row._tr.get_or_add_trPr()
    tbl_header = OxmlElement("w:tblHeader")
    tbl_header.set(qn("w:val"), "true")
    tr_pr.append(tbl_header)


def _table_indent(table, indent: Length) -> None:
    tbl_ind = OxmlElement("w:tblInd")
    tbl_ind.set(qn("w:w"), str(indent.twips))
    tbl_ind.set(qn("w:type"), "dxa")
    table._tbl.tblPr.insert_element_before(
        tbl_ind, "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
        "w:tblCaption", "w:tblDescription", "w:tblPrChange")


_PPR_AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _border(paragraph: Paragraph, side: str, space: int) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        p_pr.insert_element_before(borders, *_PPR_AFTER_BORDER)
    line = OxmlElement(f"w:{side}")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", str(space)),
                       ("w:color", "auto")):
        line.set(qn(key), value)
    borders.append(line)


def _bottom_border(paragraph: Paragraph) -> None:
    """A rule across the page ("---")."""
    _border(paragraph, "bottom", 1)


def _left_border(paragraph: Paragraph) -> None:
    """A quote's line down its left side."""
    _border(paragraph, "left", 8)
