"""A consultation response as a Swedish letter (yttrande) in DOCX.

Pure: it takes plain data and returns bytes, so it needs no request and no database. The
glue that fills a `Letter` from a response and the route that serves it live elsewhere.

Section bodies are Markdown, written into Word as the page shows them (`letter_markdown`,
from the same parser). A letter of a response the committee has not adopted is a draft, and
says so at its top, in the header of every page and in its properties.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from intranet.consultations.letter_markdown import repeat_as_header, write_markdown
from intranet.text import slugify

STANCE_KINDS = ("behind", "reservation", "against", "unstated")

FONT = "Arial"
LANGUAGE = "sv-SE"
SIGNATURE_LINE = "_" * 36
DRAFT_COLOUR = RGBColor(0xA0, 0x00, 0x00)


@dataclass(frozen=True)
class Stance:
    """A municipality's position (ställningstagande) on the joint response."""

    municipality: str  # "Botkyrka"
    kind: str  # "behind" | "reservation" | "against" | "unstated"
    text: str = ""  # the reservation / dissent in full (required for reservation/against)
    decision_reference: str = ""  # "KS 2026-10-12 § 141": the municipality's own decision
    recorded_by: str = ""  # who entered it: "Mikael Nyström, kommundirektör"
    # Entered by the secretariat for the municipality, from `source` ("enligt e-post från …").
    on_behalf: bool = False
    source: str = ""

    def __post_init__(self):
        if self.kind not in STANCE_KINDS:
            raise ValueError(f"unknown stance kind {self.kind!r} for {self.municipality}")
        if self.kind in ("reservation", "against") and not self.text.strip():
            raise ValueError(f"a {self.kind} needs its text ({self.municipality})")


@dataclass(frozen=True)
class Signatory:
    """Someone who signs the letter: the chair, or the one who presented it (föredragande)."""

    name: str
    title: str  # "Ordförande, Samarbetskommittén"; the presenter's own ("planeringschef")


@dataclass(frozen=True)
class Letter:
    """Everything the letter says, in display order."""

    sender: str  # "Södertörnskommunernas samarbete"
    sender_body: str  # "Samarbetskommittén"
    recipient: str  # the referring body, "Region Stockholm"; several lines = an address block
    recipient_reference: str  # its diarienummer, "RS 2026-0412"; may be ""
    title: str  # the report's name, "Kollektivtrafikplan 2050"
    letter_date: date
    sections: list[tuple[str, str]]  # (heading, Markdown body) in order
    stances: list[Stance]  # every municipality, in display order
    chair: Signatory | None
    presenter: Signatory | None  # föredragande
    adopted_on: date | None = None  # the committee meeting that adopted it
    case_numbers: Sequence[tuple[str, str]] = ()  # (municipality, its own diarienummer)
    # Not adopted (or sent) yet: marked as a draft (utkast), with no signature as if signed.
    draft: bool = False


def filename(letter: Letter) -> str:
    """"yttrande-kollektivtrafikplan-2050-2026-11-25.docx": ASCII, no slashes."""
    slug = slugify(_clean(letter.title))[:80].strip("-")
    parts = ["yttrande", slug, letter.letter_date.isoformat()]
    return "-".join(p for p in parts if p) + ".docx"


def build_docx(letter: Letter) -> bytes:
    """The letter as a DOCX file. The same letter gives the same bytes."""
    doc = Document()
    _set_up(doc, letter)
    if letter.draft:
        _draft_mark(doc.add_paragraph(), letter, Pt(14))
    _letterhead(doc, letter)

    doc.add_paragraph(f"Yttrande över {_clean(letter.title).strip()}", style="Heading 1")
    if _clean(letter.recipient_reference).strip():
        doc.add_paragraph(f"Diarienummer: {_clean(letter.recipient_reference).strip()}")
    if letter.adopted_on and not letter.draft:
        doc.add_paragraph(f"Beslutat av {_body(letter)} {letter.adopted_on.isoformat()}")

    for heading, body in letter.sections:
        if not _clean(body).strip():
            continue  # nothing to say: no empty heading either
        if _clean(heading).strip():
            doc.add_paragraph(_clean(heading).strip(), style="Heading 2")
        write_markdown(doc, _clean(body))

    _stances(doc, letter.stances)
    _case_numbers(doc, letter.case_numbers)
    _signatures(doc, letter)
    return _fixed_zip(doc, letter.letter_date)


# ---------------------------------------------------------------- the page


def _set_up(doc: DocxDocument, letter: Letter) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)

    styles = doc.styles.element
    # Theme fonts win over named ones, so name the font everywhere and drop the theme's.
    for fonts in styles.iter(qn("w:rFonts")):
        for key in list(fonts.attrib):
            if key.endswith("Theme") or key.endswith("theme"):
                del fonts.attrib[key]
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), LANGUAGE)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    _set_language(normal.element.get_or_add_rPr())
    settings_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if settings_lang is not None:
        settings_lang.set(qn("w:val"), LANGUAGE)

    # A body's own headings go down to Heading 6, as the page's do (letter_markdown).
    for name, size in (("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11),
                       ("Heading 4", 11), ("Heading 5", 11), ("Heading 6", 11)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.bold = True
        style.font.italic = False
        style.paragraph_format.space_after = Pt(4)
    doc.styles["Heading 1"].paragraph_format.space_before = Pt(18)
    doc.styles["Heading 2"].paragraph_format.space_before = Pt(14)

    props = doc.core_properties
    draft = "Utkast: " if letter.draft else ""
    props.title = _short(f"{draft}Yttrande över {_clean(letter.title).strip()}")
    props.subject = _short(draft + _clean(letter.title).strip())
    props.author = _short(_clean(letter.sender).strip())
    props.last_modified_by = _short(_clean(letter.sender).strip())
    props.comments = ""
    props.keywords = "utkast, yttrande, remissvar" if letter.draft else "yttrande, remissvar"
    props.language = LANGUAGE
    props.revision = 1
    props.created = props.modified = datetime.combine(letter.letter_date, time(0, 0))

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("Sida ")
    _field(footer, "PAGE", "1")
    footer.add_run(" av ")
    _field(footer, "NUMPAGES", "1")
    if letter.draft:
        _draft_mark(section.header.paragraphs[0], letter, Pt(10))


def _draft_mark(paragraph: Paragraph, letter: Letter, size: Pt) -> None:
    """"UTKAST – inte antaget av samarbetskommittén", in bold dark red (said in words too,
    not by colour alone)."""
    run = paragraph.add_run(f"UTKAST – inte antaget av {_in_sentence(_body(letter))}")
    run.bold = True
    run.font.size = size
    run.font.color.rgb = DRAFT_COLOUR


def _letterhead(doc: DocxDocument, letter: Letter) -> None:
    """Sender on the left; date and their reference on the right; then the recipient."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    widths = (Mm(95), Mm(65))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    left, right = table.rows[0].cells
    for cell, width in zip((left, right), widths, strict=True):
        cell.width = width

    sender = left.paragraphs[0]
    sender.add_run(_clean(letter.sender).strip()).bold = True
    if _clean(letter.sender_body).strip():
        sender.add_run("\n" + _clean(letter.sender_body).strip())
    sender.paragraph_format.space_after = Pt(0)

    first = right.paragraphs[0]
    _labelled(first, "Datum", letter.letter_date.isoformat())
    if _clean(letter.recipient_reference).strip():
        _labelled(right.add_paragraph(), "Er beteckning",
                  _clean(letter.recipient_reference).strip())

    recipient = doc.add_paragraph()
    recipient.paragraph_format.space_before = Pt(18)
    recipient.paragraph_format.space_after = Pt(12)
    recipient.add_run("Till: ")
    lines = [line.strip() for line in _clean(letter.recipient).split("\n") if line.strip()]
    recipient.add_run("\n".join(lines))


def _labelled(paragraph: Paragraph, label: str, value: str) -> None:
    paragraph.paragraph_format.space_after = Pt(4)
    paragraph.add_run(label + "\n").font.size = Pt(8)
    paragraph.add_run(value)


# ---------------------------------------------------------------- stances


STANCE_NAMES = {"behind": "Står bakom", "reservation": "Står bakom med reservation",
                "against": "Står inte bakom", "unstated": "Har inte tagit ställning"}


def _stances(doc: DocxDocument, stances: Sequence[Stance]) -> None:
    if not stances:
        return
    doc.add_paragraph("Kommunernas ställningstaganden", style="Heading 2")
    behind = [s for s in stances if s.kind in ("behind", "reservation")]
    if all(s.kind == "behind" for s in stances):
        # Said once; the table names each municipality and its decision.
        doc.add_paragraph("Samtliga kommuner står bakom yttrandet.")
    elif behind:
        names = _join([_who(s) for s in behind])
        doc.add_paragraph(f"Följande kommuner står bakom yttrandet: {names}.")
    for stance in stances:
        if stance.kind == "reservation":
            intro = f"{_who(stance)} står bakom yttrandet med följande reservation:"
        elif stance.kind == "against":
            intro = f"{_who(stance)} står inte bakom yttrandet:"
        else:
            continue
        lead = doc.add_paragraph()
        lead.add_run(intro).bold = True
        lead.paragraph_format.keep_with_next = True
        lead.paragraph_format.space_before = Pt(8)
        write_markdown(doc, _clean(stance.text), indent=Mm(8), headings=False)
    unstated = [s for s in stances if s.kind == "unstated"]
    if unstated:
        doc.add_paragraph(f"Har inte tagit ställning: {_join([_who(s) for s in unstated])}.")
    _stance_table(doc, stances)


def _stance_table(doc: DocxDocument, stances: Sequence[Stance]) -> None:
    """Every municipality in a row: its position, its own decision and who entered it (the
    secretariat's entries with what they are based on)."""
    table = doc.add_table(rows=1, cols=4, style="Table Grid")
    header = table.rows[0]
    repeat_as_header(header)
    labels = ("Kommun", "Ställningstagande", "Kommunens beslut", "Registrerat av")
    for cell, text in zip(header.cells, labels, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for stance in stances:
        cells = table.add_row().cells
        cells[0].text = _clean(stance.municipality).strip()
        cells[1].text = STANCE_NAMES[stance.kind]
        cells[2].text = _clean(stance.decision_reference).strip() or "–"
        cells[3].text = _recorded_by(stance)
    for column, width in zip(table.columns, (Mm(30), Mm(40), Mm(35), Mm(55)), strict=True):
        for cell in column.cells:
            cell.width = width


def _recorded_by(stance: Stance) -> str:
    who = _clean(stance.recorded_by).strip()
    if stance.kind == "unstated":
        return "–"
    if stance.on_behalf:
        source = _clean(stance.source).strip()
        entered = f"Kansliet ({who})" if who else "Kansliet"
        return f"{entered} {source}".strip()
    return who or "–"


def _who(stance: Stance) -> str:
    name = _clean(stance.municipality).strip()
    reference = _clean(stance.decision_reference).strip()
    return f"{name} (beslut: {reference})" if reference else name


def _join(names: list[str]) -> str:
    """"Botkyrka, Haninge och Tyresö"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]


def _case_numbers(doc: DocxDocument, case_numbers: Sequence[tuple[str, str]]) -> None:
    rows = [(_clean(m).strip(), _clean(n).strip()) for m, n in case_numbers]
    rows = [(municipality, number) for municipality, number in rows if number]
    if not rows:
        return
    doc.add_paragraph("Kommunernas diarienummer", style="Heading 2")
    table = doc.add_table(rows=1, cols=2, style="Table Grid")
    header = table.rows[0]
    repeat_as_header(header)
    for cell, text in zip(header.cells, ("Kommun", "Diarienummer"), strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for municipality, number in rows:
        cells = table.add_row().cells
        cells[0].text = municipality
        cells[1].text = number


# ---------------------------------------------------------------- signatures


def _signatures(doc: DocxDocument, letter: Letter) -> None:
    """The chair signs for the committee; the presenter is named, with their title. A draft
    is a proposal to the committee: nobody has signed it yet."""
    if letter.draft:
        lead = doc.add_paragraph(f"Förslag till beslut i {_in_sentence(_body(letter))}")
    else:
        lead = doc.add_paragraph(f"För {_body(letter)}")
    lead.paragraph_format.space_before = Pt(24)
    lead.paragraph_format.keep_with_next = True
    if not letter.draft:
        _signature(doc, letter.chair, "Ordförande")
    presenter = letter.presenter
    if presenter is None:
        named = SIGNATURE_LINE
    else:
        parts = [_clean(presenter.name).strip(), _clean(presenter.title).strip()]
        named = ", ".join(part for part in parts if part) or SIGNATURE_LINE
    paragraph = doc.add_paragraph(f"Föredragande: {named}")
    paragraph.paragraph_format.space_before = Pt(18)


def _signature(doc: DocxDocument, person: Signatory | None, label: str) -> None:
    """Room to sign, then the name and title; a line to fill in by hand when unknown."""
    if person is None:
        first, second = SIGNATURE_LINE, label
    else:
        first, second = _clean(person.name).strip(), _clean(person.title).strip()
    name = doc.add_paragraph(first)
    name.paragraph_format.space_before = Pt(36)
    name.paragraph_format.space_after = Pt(0)
    name.paragraph_format.keep_with_next = True
    doc.add_paragraph(second)


def _body(letter: Letter) -> str:
    return _clean(letter.sender_body).strip() or "Samarbetskommittén"


def _in_sentence(name: str) -> str:
    """"Samarbetskommittén" inside a sentence is "samarbetskommittén"; a name of several
    words ("Södertörns samarbetskommitté") starts with a proper noun and stays as it is."""
    return name[:1].lower() + name[1:] if " " not in name else name


# ---------------------------------------------------------------- helpers

# Characters XML 1.0 cannot hold (control characters, lone surrogates) would make the
# file unreadable; they become a space, or U+FFFD for a broken surrogate.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text) -> str:
    text = "" if text is None else str(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SURROGATE.sub("\ufffd", _CONTROL.sub(" ", text))


def _short(text: str) -> str:
    """Document properties hold at most 255 characters."""
    return text if len(text) <= 255 else text[:254] + "…"


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _set_language(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), LANGUAGE)


def _fixed_zip(doc: DocxDocument, day: date) -> bytes:
    """Save, then repack with every entry dated the letter's day: python-docx stamps the
    time of saving, and the same letter should give the same bytes."""
    raw = io.BytesIO()
    doc.save(raw)
    stamp = (day.year, day.month, day.day, 0, 0, 0) if day.year >= 1980 else (1980, 1, 1, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
