"""The text of uploaded files, for search (intranet/search/extract.py): real files of every
format give back their words; zip bombs, garbage, locked PDFs, oversized input and slow parsing
give a status and no text, in a child process that imports neither Flask nor the app."""

from __future__ import annotations

import random
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from odf.opendocument import OpenDocumentPresentation, OpenDocumentSpreadsheet, OpenDocumentText
from odf.style import Footer, MasterPage, PageLayout
from odf.table import Table, TableCell, TableRow
from odf.text import H, P, S, Span
from pptx import Presentation
from pptx.util import Inches
from pypdf import PdfReader, PdfWriter

from intranet.search import extract
from intranet.search.extract import (
    EMPTY,
    OK,
    TIMED_OUT,
    TOO_LARGE,
    UNREADABLE,
    UNSUPPORTED,
    Extracted,
    extract_file,
)

WORD = "kollektivtrafikplanen"
PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT_TYPE = "application/vnd.oasis.opendocument.text"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODP_TYPE = "application/vnd.oasis.opendocument.presentation"


# Files made here ----------------------------------------------------------------------------

def pdf_bytes(pages: list[bytes | None]) -> bytes:
    """A minimal valid PDF, written by hand: one page for each item, showing that line of text
    (WinAnsi bytes) in Helvetica, or a page with no content for None."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
               b" /Encoding /WinAnsiEncoding >>"]
    kids = []
    for line in pages:
        page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
                b" /Resources << /Font << /F1 3 0 R >> >>")
        if line is not None:
            stream = b"BT /F1 12 Tf 72 770 Td (" + line + b") Tj ET"
            objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
            page += b" /Contents %d 0 R" % len(objects)
        objects.append(page + b" >>")
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def pdf(tmp_path) -> Path:
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf_bytes([WORD.encode(), "Järnvägsstationen".encode("cp1252")]))
    return path


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph(f"Om {WORD}  och\tmer")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "busshållplatserna"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "sammanslagen"
    table.cell(0, 1).add_table(rows=1, cols=1).cell(0, 0).text = "inbäddad"
    section = document.sections[0]
    section.header.paragraphs[0].text = "sidhuvudet"
    section.footer.paragraphs[0].text = "sidfoten"
    document.save(str(path))
    return path


def make_xlsx(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Trafikdata"
    sheet.append(["Plan", WORD])
    sheet.append(["Antal", 42])
    sheet["D7"] = "långt bort"
    workbook.create_sheet("Bilaga")["A1"] = "regionbussen"
    workbook.save(path)
    return path


def make_pptx(path: Path) -> Path:
    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[5])  # title only
    slide.shapes.title.text = WORD
    box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(4), Inches(1))
    box.text_frame.text = "pendeltåget"
    table = slide.shapes.add_table(1, 2, Inches(1), Inches(3), Inches(4), Inches(1)).table
    table.cell(0, 1).text = "tabellcellen"
    slide.notes_slide.notes_text_frame.text = "talarmanuset"
    presentation.save(str(path))
    return path


def make_odt(path: Path) -> Path:
    document = OpenDocumentText()
    layout = PageLayout(name="sida")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    footer = Footer()
    footer.addElement(P(text="fotraden"))
    master.addElement(footer)
    document.masterstyles.addElement(master)
    document.text.addElement(H(outlinelevel=1, text="Rubriken"))
    paragraph = P(text="Om ")
    paragraph.addElement(Span(text=WORD))
    paragraph.addElement(S())
    paragraph.addText("och mer")
    document.text.addElement(paragraph)
    document.save(str(path))
    return path


def make_ods(path: Path) -> Path:
    document = OpenDocumentSpreadsheet()
    table = Table(name="Blad1")
    row = TableRow()
    for text in (WORD, "42"):
        cell = TableCell()
        cell.addElement(P(text=text))
        row.addElement(cell)
    table.addElement(row)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def make_odp(path: Path) -> Path:
    from odf.draw import Frame, Page, TextBox

    document = OpenDocumentPresentation()
    layout = PageLayout(name="bild")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    document.masterstyles.addElement(master)
    page = Page(masterpagename=master)
    frame = Frame(width="10cm", height="2cm", x="1cm", y="1cm")
    box = TextBox()
    box.addElement(P(text=WORD))
    frame.addElement(box)
    page.addElement(frame)
    document.presentation.addElement(page)
    document.save(str(path))
    return path


# Every format gives back its words ----------------------------------------------------------

def test_the_hand_written_pdf_is_one_pypdf_reads():
    import io

    reader = PdfReader(io.BytesIO(pdf_bytes([WORD.encode()])))
    assert len(reader.pages) == 1
    assert reader.pages[0].extract_text() == WORD


def test_pdf(pdf):
    assert extract_file(pdf, PDF_TYPE, "plan.pdf") == Extracted(
        f"{WORD}\nJärnvägsstationen", OK)


def test_docx_paragraphs_tables_headers_and_footers(tmp_path):
    path = make_docx(tmp_path / "plan.docx")
    assert extract_file(path, DOCX_TYPE, "plan.docx") == Extracted(
        f"Om {WORD} och mer\nbusshållplatserna\ninbäddad\nsammanslagen\nsidhuvudet\nsidfoten",
        OK)


def test_xlsx_sheet_names_and_cell_values(tmp_path):
    path = make_xlsx(tmp_path / "data.xlsx")
    assert extract_file(path, XLSX_TYPE, "data.xlsx") == Extracted(
        f"Trafikdata\nPlan {WORD}\nAntal 42\nlångt bort\nBilaga\nregionbussen", OK)


def test_pptx_text_frames_tables_and_notes(tmp_path):
    path = make_pptx(tmp_path / "bilder.pptx")
    assert extract_file(path, PPTX_TYPE, "bilder.pptx") == Extracted(
        f"{WORD}\npendeltåget\ntabellcellen\ntalarmanuset", OK)


def test_odt_text_and_footer(tmp_path):
    path = make_odt(tmp_path / "plan.odt")
    assert extract_file(path, ODT_TYPE, "plan.odt") == Extracted(
        f"Rubriken\nOm {WORD} och mer\nfotraden", OK)


def test_ods_and_odp(tmp_path):
    ods = make_ods(tmp_path / "data.ods")
    odp = make_odp(tmp_path / "bilder.odp")
    assert extract_file(ods, ODS_TYPE, "data.ods") == Extracted(f"{WORD}\n42", OK)
    assert extract_file(odp, ODP_TYPE, "bilder.odp") == Extracted(WORD, OK)


@pytest.mark.parametrize("content_type", ["text/plain", "text/markdown", "text/csv",
                                          "text/plain; charset=utf-8"])
def test_plain_text_types(tmp_path, content_type):
    path = tmp_path / "a.txt"
    path.write_bytes(f"# {WORD}\nå;ä;ö\n".encode() + b"trasig \xff byte")
    assert extract_file(path, content_type, "a.txt") == Extracted(
        f"# {WORD}\nå;ä;ö\ntrasig \ufffd byte", OK)


def test_the_extension_when_the_content_type_says_nothing(tmp_path):
    path = make_docx(tmp_path / "plan.docx")
    found = extract_file(path, "application/octet-stream", "Plan.DOCX")
    assert found.status == OK
    assert WORD in found.text.split()
    text = tmp_path / "anteckning"
    text.write_text(WORD, encoding="utf-8")
    assert extract_file(text, "", "anteckning.md") == Extracted(WORD, OK)


def test_nothing_to_read_is_empty(tmp_path):
    blank = tmp_path / "tom.txt"
    blank.write_bytes(b" \n\t\x00\r\n")
    document = tmp_path / "tom.docx"
    docx.Document().save(str(document))
    pdf = tmp_path / "tom.pdf"
    pdf.write_bytes(pdf_bytes([None]))
    assert extract_file(blank, "text/plain", "tom.txt") == Extracted("", EMPTY)
    assert extract_file(document, DOCX_TYPE, "tom.docx") == Extracted("", EMPTY)
    assert extract_file(pdf, PDF_TYPE, "tom.pdf") == Extracted("", EMPTY)


# Cleaned and cut ----------------------------------------------------------------------------

def test_control_characters_are_removed_and_whitespace_collapsed(tmp_path):
    path = tmp_path / "smutsig.txt"
    path.write_bytes("  kollektiv\x00trafik\x07planen \t\u00a0 är\x1b\u200b klar  \r\n"
                     "\r\n\x0c  \t \n andra\x7f  raden\ufeff\u2028tredje \x85 fjärde\n"
                     .encode())
    assert extract_file(path, "text/plain", "smutsig.txt") == Extracted(
        f"{WORD} är klar\nandra raden\ntredje\nfjärde", OK)


def test_the_text_is_cut_at_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(extract, "MAX_TEXT_CHARS", 30)
    path = tmp_path / "lang.txt"
    path.write_text(f"{WORD}    {WORD}    {WORD}", encoding="utf-8")
    assert extract_file(path, "text/plain", "lang.txt") == Extracted(
        f"{WORD} {WORD[:8]}", OK)


def test_the_child_stops_reading_at_its_limit():
    text = extract._Text(20)
    text.add("första  raden")
    text.add(None)
    text.add(" \x00 ")
    with pytest.raises(extract._Full):
        text.add("andra raden")
    assert text.value() == "första raden\nandra r"


# Refused ------------------------------------------------------------------------------------

def test_an_unknown_type_is_unsupported(tmp_path):
    path = tmp_path / "program.exe"
    path.write_bytes(b"MZ" + WORD.encode())
    assert extract_file(path, "application/x-msdownload", "program.exe") == Extracted(
        "", UNSUPPORTED)
    assert extract_file(path, "image/png", "bild.png") == Extracted("", UNSUPPORTED)


def test_over_the_size_limit_is_too_large_without_being_opened(tmp_path, monkeypatch, pdf):
    monkeypatch.setattr(extract, "MAX_INPUT_BYTES", pdf.stat().st_size - 1)

    def no_child(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(extract.subprocess, "run", no_child)
    assert extract_file(pdf, PDF_TYPE, "plan.pdf") == Extracted("", TOO_LARGE)


def test_a_zip_bomb_is_too_large(tmp_path):
    path = tmp_path / "bomb.docx"
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("word/document.xml", "w") as member:
            for _ in range(300):
                member.write(zeros)
    assert path.stat().st_size < 2 * 1024 * 1024
    assert extract_file(path, DOCX_TYPE, "bomb.docx") == Extracted("", TOO_LARGE)


def test_too_many_members_or_too_much_in_all_is_too_large(tmp_path, monkeypatch):
    path = tmp_path / "plan.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for number in range(5):
            archive.writestr(f"del{number}.xml", bytes(1000))
    assert extract.zip_verdict(path) is None
    monkeypatch.setattr(extract, "MAX_ZIP_MEMBERS", 4)
    assert extract.zip_verdict(path) == TOO_LARGE
    monkeypatch.setattr(extract, "MAX_ZIP_MEMBERS", 5)
    monkeypatch.setattr(extract, "MAX_ZIP_TOTAL_BYTES", 4999)
    assert extract.zip_verdict(path) == TOO_LARGE
    monkeypatch.setattr(extract, "MAX_ZIP_TOTAL_BYTES", 5000)
    assert extract.zip_verdict(path) is None


def test_random_bytes_named_pdf_are_unreadable(tmp_path):
    path = tmp_path / "plan.pdf"
    path.write_bytes(random.Random(7).randbytes(20_000))  # noqa: S311 (test data)
    assert extract_file(path, PDF_TYPE, "plan.pdf") == Extracted("", UNREADABLE)


def test_a_truncated_docx_is_unreadable(tmp_path):
    whole = make_docx(tmp_path / "hel.docx").read_bytes()
    path = tmp_path / "halv.docx"
    path.write_bytes(whole[: len(whole) // 2])
    assert extract_file(path, DOCX_TYPE, "halv.docx") == Extracted("", UNREADABLE)
    assert extract.zip_verdict(path) == UNREADABLE


def test_a_missing_file_or_a_directory_is_unreadable(tmp_path):
    assert extract_file(tmp_path / "borta.pdf", PDF_TYPE) == Extracted("", UNREADABLE)
    assert extract_file(tmp_path, PDF_TYPE, "mapp.pdf") == Extracted("", UNREADABLE)


def test_a_pdf_that_needs_a_password_is_unreadable(tmp_path, pdf):
    locked = tmp_path / "last.pdf"
    open_to_all = tmp_path / "oppen.pdf"
    for path, password in ((locked, "hemligt"), (open_to_all, "")):
        writer = PdfWriter(clone_from=PdfReader(pdf))
        writer.encrypt(user_password=password, owner_password="agaren", algorithm="RC4-128")
        with path.open("wb") as f:
            writer.write(f)
    assert extract_file(locked, PDF_TYPE, "last.pdf") == Extracted("", UNREADABLE)
    # Encrypted only to restrict the owner's rights: anyone may read it, and so may we.
    assert extract_file(open_to_all, PDF_TYPE, "oppen.pdf") == Extracted(
        f"{WORD}\nJärnvägsstationen", OK)


def test_no_more_than_the_pdf_page_limit_is_read(tmp_path):
    path = tmp_path / "tjock.pdf"
    pages = [WORD.encode()] + [None] * (extract.MAX_PDF_PAGES - 1) + [b"sistasidan"]
    path.write_bytes(pdf_bytes(pages))
    assert extract_file(path, PDF_TYPE, "tjock.pdf", timeout=60) == Extracted(WORD, OK)


def test_a_child_past_its_time_is_timed_out(pdf):
    assert extract_file(pdf, PDF_TYPE, "plan.pdf", timeout=0.001) == Extracted("", TIMED_OUT)


# The child ----------------------------------------------------------------------------------

def test_the_child_imports_neither_flask_nor_the_app(tmp_path):
    path = make_docx(tmp_path / "plan.docx")
    command = extract._child_command(path, DOCX_TYPE, "plan.docx", 10.0)
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [*command[:2], "-X", "importtime", *command[2:]],
        capture_output=True, timeout=60, check=True)
    imported = {line.split("|")[-1].strip() for line in done.stderr.decode().splitlines()
                if line.startswith("import time:")}
    assert "docx" in imported
    assert {name for name in imported
            if name.split(".")[0] in ("flask", "intranet", "sqlalchemy", "werkzeug")} == set()
    assert f'"text": "Om {WORD} och mer' in done.stdout.decode()


def test_the_child_runs_with_limits_on_memory_and_time(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(WORD, encoding="utf-8")
    probe = ("import resource, runpy, sys; m = runpy.run_path(sys.argv[1]); "
             "m['_limit'](resource, resource.RLIMIT_CPU, 3); "
             "m['_limit'](resource, resource.RLIMIT_AS, m['CHILD_MEMORY_BYTES']); "
             "print(resource.getrlimit(resource.RLIMIT_CPU), "
             "resource.getrlimit(resource.RLIMIT_AS)); bytearray(2 * 1024 ** 3)")
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [extract.sys.executable, "-I", "-c", probe, extract.__file__],
        capture_output=True, timeout=60, check=False)
    assert done.stdout.decode().split("\n")[0] == "(3, 3) (1610612736, 1610612736)"
    assert b"MemoryError" in done.stderr


@pytest.mark.parametrize("make, content_type, name", [
    (make_docx, DOCX_TYPE, "a.docx"), (make_xlsx, XLSX_TYPE, "a.xlsx"),
    (make_pptx, PPTX_TYPE, "a.pptx"), (make_odt, ODT_TYPE, "a.odt"),
    (make_ods, ODS_TYPE, "a.ods"), (make_odp, ODP_TYPE, "a.odp")])
def test_a_file_named_as_the_store_names_it_is_read(tmp_path, make, content_type, name):
    # The store keeps a file under its content's hash, with no ending: the type decides.
    made = make(tmp_path / name)
    stored = tmp_path / "ab" / "cd" / ("abcd" + "0" * 60)
    stored.parent.mkdir(parents=True)
    stored.write_bytes(made.read_bytes())
    found = extract_file(stored, content_type, name)
    assert found.status == OK and WORD in found.text
