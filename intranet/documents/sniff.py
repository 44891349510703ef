"""Which kind of file this is, decided by its bytes, never by its name or the client's
Content-Type. Anything not on the allow-list is refused with a reason in Swedish.

Text (including HTML or SVG source, which is only text to us) is always served as
text/plain and as an attachment, so a browser never renders it."""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT = "text/plain"
CSV = "text/csv"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"

ALLOWED = {PDF, PNG, JPEG, TEXT, CSV, DOCX, XLSX, PPTX, ODT, ODS, ODP}
# Opened in the browser; everything else is downloaded.
INLINE = {PDF, PNG, JPEG}

ALLOWED_TEXT = _l(
    "Tillåtna filtyper: PDF, Word, Excel, PowerPoint, OpenDocument (text, kalkyl, "
    "presentation), text, CSV, PNG och JPEG."
)

_HEAD = 8
_TEXT_PROBE = 1024 * 1024  # text files are checked in slices of this size
# C0 control characters other than tab, line feed, form feed and carriage return.
_BINARY = bytes(c for c in range(32) if c not in (9, 10, 12, 13))


class Rejected(Exception):
    """The file's content is not on the allow-list; `reason` says why, in Swedish."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Sniffed:
    content_type: str

    @property
    def inline(self) -> bool:
        return self.content_type in INLINE


def sniff(path: Path, filename: str = "") -> Sniffed:
    """The content type of the file at `path`. The file name only chooses between text/plain
    and text/csv for a file that is already valid text."""
    size = path.stat().st_size
    if size == 0:
        raise Rejected(_l("Filen är tom."))
    with path.open("rb") as f:
        head = f.read(_HEAD)
    if head.startswith(b"%PDF-"):
        return Sniffed(PDF)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(PNG)
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(JPEG)
    if head.startswith(b"PK\x03\x04"):
        return Sniffed(_office_type(path))
    if _is_text(path):
        # Both are text served as an attachment; the name only says which one was meant.
        return Sniffed(CSV if filename.lower().endswith(".csv") else TEXT)
    raise Rejected(_l("Filens innehåll är inte av en tillåten typ (filändelsen avgör inte)."))


def _office_type(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    declared = entry.read(100).decode("ascii", "replace").strip()
                if declared in (ODT, ODS, ODP):
                    return declared
            if "[Content_Types].xml" in names:
                if any(n.lower().endswith("vbaproject.bin") for n in names):
                    raise Rejected(_l("Dokument med makron tas inte emot."))
                for prefix, kind in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
                    if any(n.startswith(prefix) for n in names):
                        return kind
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise Rejected(_l("Filen ser ut som ett arkiv men är trasig.")) from error
    raise Rejected(
        _l("ZIP-arkiv tas inte emot, bara Office- och OpenDocument-dokument.")
    )


def _is_text(path: Path) -> bool:
    """Valid UTF-8 (a BOM allowed) without NUL or other binary control characters."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as f:
        while chunk := f.read(_TEXT_PROBE):
            if any(b in chunk for b in _BINARY):
                return False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True
