"""The text inside an uploaded file, for the search index: PDF, Word, Excel, PowerPoint,
OpenDocument and plain text.

The files come from users, and so possibly from attackers. The parsing runs in a child process
of its own, with limits on its memory and CPU time and a wall-clock timeout, so that a file that
makes a parser loop, eat memory or crash costs a status, not the server. The child is this file
run as a script in isolated mode (`python -I .../extract.py PATH TYPE NAME TIMEOUT`): it imports
neither Flask nor the app (the package's __init__ does), only the one parser it needs. Zip-based
formats are refused as zip bombs from their central directory before any parser opens them.

Pure module: no Flask, no database.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

OK = "ok"
EMPTY = "empty"
UNSUPPORTED = "unsupported"
UNREADABLE = "unreadable"
TOO_LARGE = "too_large"
TIMED_OUT = "timed_out"

MB = 1024 * 1024
MAX_INPUT_BYTES = 50 * MB  # larger files are not opened at all
MAX_TEXT_CHARS = 1_000_000  # the text is cut here
MAX_PDF_PAGES = 2_000  # the pages after these are not read
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_TOTAL_BYTES = 200 * MB  # uncompressed, all members together
MAX_ZIP_RATIO = 100  # uncompressed : compressed, for a member over MAX_ZIP_MEMBER_BYTES
MAX_ZIP_MEMBER_BYTES = 10 * MB
CHILD_MEMORY_BYTES = 1536 * MB  # address space (RLIMIT_AS) of the child

CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odf",
    "application/vnd.oasis.opendocument.spreadsheet": "odf",
    "application/vnd.oasis.opendocument.presentation": "odf",
    "text/plain": "text",
    "text/markdown": "text",
    "text/csv": "text",
}
EXTENSIONS = {
    ".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".pptx": "pptx",
    ".odt": "odf", ".ods": "odf", ".odp": "odf",
    ".txt": "text", ".md": "text", ".markdown": "text", ".csv": "text",
}
ZIPPED = frozenset({"docx", "xlsx", "pptx", "odf"})

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Extracted:
    text: str  # "" when nothing could be read
    status: str  # one of OK, EMPTY, UNSUPPORTED, UNREADABLE, TOO_LARGE, TIMED_OUT


def extract_file(path: Path, content_type: str, filename: str = "", *,
                 timeout: float = 10.0) -> Extracted:
    """The text of the file at `path`, cleaned and cut at MAX_TEXT_CHARS, with a status; never
    raises for anything the file holds."""
    kind = kind_of(content_type, filename)
    if kind is None:
        return Extracted("", UNSUPPORTED)
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return Extracted("", UNREADABLE)
    if not stat.S_ISREG(info.st_mode):
        return Extracted("", UNREADABLE)
    if info.st_size > MAX_INPUT_BYTES:
        return Extracted("", TOO_LARGE)
    try:
        done = subprocess.run(  # noqa: S603 (this interpreter and file, the path as an argument)
            _child_command(path, content_type, filename, timeout),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return Extracted("", TIMED_OUT)
    except (OSError, ValueError) as error:
        log.warning("text extraction could not start for %r: %s", filename, error)
        return Extracted("", UNREADABLE)
    return _answer(done, filename)


def kind_of(content_type: str, filename: str = "") -> str | None:
    """pdf, docx, xlsx, pptx, odf or text, by the content type or else the file name's
    extension; None for anything else."""
    kind = CONTENT_TYPES.get((content_type or "").split(";", 1)[0].strip().lower())
    if kind is None:
        kind = EXTENSIONS.get(os.path.splitext(filename or "")[1].lower())
    return kind


_LINE_BREAKS = re.compile("\r\n?|[\v\f\x1c-\x1e\x85\u2028\u2029]")
# Control characters (all but tab and newline), lone surrogates, and the invisible format
# characters (soft hyphen, zero-width and direction marks, byte order mark).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\u00ad\u061c\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r" ?\n[ \n]*")


def clean(text: str) -> str:
    """Lines of text: control and invisible characters removed, every run of whitespace within
    a line one space, no empty lines, nothing at either end."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip(" \n")


def zip_verdict(path: Path) -> str | None:
    """TOO_LARGE for a zip bomb, UNREADABLE for no zip at all, from the central directory
    alone; None when the parsers may open it (zipfile never inflates a member beyond the size
    the directory gives it, so these numbers bound what a parser can get)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return UNREADABLE
    if len(members) > MAX_ZIP_MEMBERS:
        return TOO_LARGE
    total = 0
    for member in members:
        total += member.file_size
        if (member.file_size > MAX_ZIP_MEMBER_BYTES
                and member.file_size > MAX_ZIP_RATIO * member.compress_size):
            return TOO_LARGE
    if total > MAX_ZIP_TOTAL_BYTES:
        return TOO_LARGE
    return None


def _child_command(path: Path, content_type: str, filename: str, timeout: float) -> list[str]:
    # -I: no PYTHON* variables, no user site, and neither this directory nor the working one
    # on sys.path (a module there cannot stand in for one of the standard library).
    return [sys.executable, "-I", str(Path(__file__).resolve()), os.fspath(path),
            content_type or "", filename or "", repr(float(timeout))]


def _answer(done: subprocess.CompletedProcess, filename: str) -> Extracted:
    if done.returncode != 0:
        log.info("text extraction of %r: the child ended with %s", filename, done.returncode)
        return Extracted("", UNREADABLE)
    try:
        answer = json.loads(done.stdout)
        status, text = answer["status"], answer["text"]
    except (ValueError, TypeError, KeyError):
        return Extracted("", UNREADABLE)
    if status not in (OK, UNREADABLE, TOO_LARGE) or not isinstance(text, str):
        return Extracted("", UNREADABLE)
    if status != OK:
        if answer.get("error"):
            log.info("text extraction of %r: %s", filename, answer["error"])
        return Extracted("", status)
    text = clean(text)[:MAX_TEXT_CHARS]
    return Extracted(text, OK if text else EMPTY)


# The child: everything below runs in the child process only.

class _Full(Exception):
    """Enough text: the reading stops."""


class _Locked(Exception):
    """A PDF that needs a password."""


class _Text:
    """The text read so far, cleaned piece by piece; full at `limit` characters."""

    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.limit = limit

    def add(self, piece: str | None) -> None:
        piece = clean(piece) if piece else ""
        if piece:
            self.parts.append(piece)
            self.size += len(piece) + 1
            if self.size > self.limit:
                raise _Full

    def value(self) -> str:
        return "\n".join(self.parts)[:self.limit]


Add = Callable[[str | None], None]


def _read_pdf(path: Path, add: Add) -> None:
    from pypdf import PdfReader

    reader = PdfReader(path)
    # Encrypted with an empty user password (only the owner's rights restricted): readable.
    if reader.is_encrypted and not reader.decrypt(""):
        raise _Locked
    for number in range(min(len(reader.pages), MAX_PDF_PAGES)):
        add(reader.pages[number].extract_text())


def _read_docx(path: Path, add: Add) -> None:
    import docx

    document = docx.Document(str(path))
    _docx_blocks(document, add)
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.even_page_header,
                     section.footer, section.first_page_footer, section.even_page_footer):
            if not part.is_linked_to_previous:
                _docx_blocks(part, add)


def _docx_blocks(container, add: Add) -> None:
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            # A merged cell comes once for every row and column it spans. (The set holds the
            # elements themselves: an id() could be reused once lxml drops a proxy.)
            seen = set()
            for row in block.rows:
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        _docx_blocks(cell, add)
        else:
            add(block.text)


def _read_xlsx(path: Path, add: Add) -> None:
    import openpyxl

    # From an open file: openpyxl refuses a path without an .xlsx ending, and the store
    # names files by their content's hash.
    stream = open(path, "rb")  # noqa: SIM115 (closed below, after the workbook)
    workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            add(sheet.title)
            # Rows padded only to their own last cell, not to a dimension the file claims.
            sheet.reset_dimensions()
            for row in sheet.iter_rows(values_only=True):
                add(" ".join(str(value) for value in row if value is not None))
    finally:
        workbook.close()
        stream.close()


def _read_pptx(path: Path, add: Add) -> None:
    from pptx import Presentation

    for slide in Presentation(str(path)).slides:
        _pptx_shapes(slide.shapes, add)
        if slide.has_notes_slide:
            frame = slide.notes_slide.notes_text_frame
            if frame is not None:
                add(frame.text)


def _pptx_shapes(shapes, add: Add) -> None:
    from pptx.shapes.group import GroupShape

    for shape in shapes:
        if isinstance(shape, GroupShape):
            _pptx_shapes(shape.shapes, add)
        if shape.has_text_frame:
            add(shape.text_frame.text)
        if shape.has_table:
            for row in shape.table.rows:
                for cell in row.cells:
                    add(cell.text)


_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_BLOCKS = frozenset({(_ODF_TEXT, "p"), (_ODF_TEXT, "h")})
_ODF_SPACES = frozenset({(_ODF_TEXT, "s"), (_ODF_TEXT, "tab"), (_ODF_TEXT, "line-break")})


def _read_odf(path: Path, add: Add) -> None:
    from odf import style
    from odf.opendocument import load

    document = load(str(path))
    _odf_nodes(document.body, add)
    if document.mimetype == "application/vnd.oasis.opendocument.text":
        for kind in (style.Header, style.HeaderLeft, style.Footer, style.FooterLeft):
            for element in document.masterstyles.getElementsByType(kind):
                _odf_nodes(element, add)


def _odf_nodes(element, add: Add) -> None:
    from odf.element import Element, Text

    parts: list[str] = []

    def walk(node) -> None:
        for child in node.childNodes:
            if isinstance(child, Text):
                parts.append(child.data)
            elif isinstance(child, Element):
                if child.qname in _ODF_SPACES:
                    parts.append(" ")
                walk(child)
                if child.qname in _ODF_BLOCKS:
                    add("".join(parts))
                    parts.clear()

    walk(element)
    add("".join(parts))


def _read_text(path: Path, add: Add) -> None:
    add(path.read_bytes().decode("utf-8", errors="replace"))


_READERS: dict[str, Callable[[Path, Add], None]] = {
    "pdf": _read_pdf, "docx": _read_docx, "xlsx": _read_xlsx, "pptx": _read_pptx,
    "odf": _read_odf, "text": _read_text,
}


def _limit(resource, which: int, value: int) -> None:
    """Soft and hard limit `value`, or the hard limit already set when that is lower."""
    hard = resource.getrlimit(which)[1]
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def _read(path: Path, kind: str | None) -> tuple[str, str]:
    if kind is None:
        raise ValueError("unsupported")
    if kind in ZIPPED:
        verdict = zip_verdict(path)
        if verdict is not None:
            return verdict, ""
    text = _Text(MAX_TEXT_CHARS)
    try:
        _READERS[kind](path, text.add)
    except _Full:
        pass
    return OK, text.value()


def _child(argv: list[str]) -> int:
    import resource

    path, content_type, filename, timeout = argv
    cpu = math.ceil(min(float(timeout), 86_400.0)) + 1
    _limit(resource, resource.RLIMIT_CPU, cpu)  # SIGXCPU ends the child
    _limit(resource, resource.RLIMIT_AS, CHILD_MEMORY_BYTES)  # MemoryError, or the end
    _limit(resource, resource.RLIMIT_CORE, 0)
    _limit(resource, resource.RLIMIT_FSIZE, 0)  # a parser has no file to write
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever a parser prints cannot spoil the answer
    try:
        status, text = _read(Path(path), kind_of(content_type, filename))
        answer = {"status": status, "text": text}
    except Exception as error:  # anything the file does to a parser: unreadable
        answer = {"status": UNREADABLE, "text": "",
                  "error": clean(f"{type(error).__name__}: {error}"[:1000])[:300]}
    out.write(json.dumps(answer, ensure_ascii=False).encode("utf-8"))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
