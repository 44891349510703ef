"""Demo documents for two networks: small real files made here (a PDF, a CSV, a text file)
and one text page each, stored through the storage interface like any upload. Running it
again adds nothing to a network that already has documents."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from intranet.documents import services
from intranet.documents.models import Document, Visibility
from intranet.documents.storage import get_storage
from intranet.extensions import db
from intranet.org.models import Network, Person


def tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF with a few lines of text (Latin-1, Helvetica)."""
    text = "BT /F1 14 Tf 72 770 Td 18 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
        for line in lines
    ) + " ET"
    stream = text.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
              .encode())
    return out.getvalue()


SUP_PAGE = """# Minnesanteckningar, nätverksmöte 12 mars

**Närvarande:** planeringscheferna från sju kommuner och kansliet.

## 1. Remiss om regional transportplan
- Gemensamt svar tas fram; utkast till nästa möte.
- Huddinge samordnar, Botkyrka och Haninge bidrar med underlag.

## 2. Nästa möte
Den 9 april, digitalt.
"""

KLIMAT_PAGE = """# Gemensam ståndpunkt: laddinfrastruktur

Kommunerna på Södertörn vill att **publik laddning** byggs ut i takt med behoven.

1. Samordna markanvisningar för laddplatser.
2. Dela kartläggningen av behov mellan kommunerna.
3. Följ upp arbetet årligen i nätverket.
"""

DOCUMENTS = {
    "SUP": {
        "author": "sara.ekholm@huddinge.example",
        "files": [
            ("Dagordning-nätverksmöte-mars.pdf", "Dagordning nätverksmöte mars",
             "Dagordning för mötet den 12 mars.", ["möte", "dagordning"], Visibility.NETWORK,
             tiny_pdf(["Dagordning, natverksmote 12 mars", "1. Remiss om transportplan",
                       "2. Handlingsplanen", "3. Nasta mote"])),
            ("Trafikmatningar-2025.csv", "Trafikmätningar 2025",
             "Antal fordon per dygn vid kommungränserna.", ["underlag", "trafik"],
             Visibility.EVERYONE,
             "Kommun;Mätpunkt;Fordon per dygn\nBotkyrka;Väg 226;18400\n"
             "Huddinge;Väg 259;31200\nHaninge;Väg 73;42800\n".encode()),
            ("Remisslista.txt", "Remisser att bevaka", "", ["remiss"], Visibility.NETWORK,
             "Remisser att bevaka under våren:\n- Regional transportplan\n"
             "- Trafikverkets kapacitetsutredning\n".encode()),
        ],
        "page": ("Minnesanteckningar 12 mars", SUP_PAGE, ["möte", "protokoll"]),
    },
    "Klimat": {
        "author": "linnea.holm@haninge.example",
        "files": [
            ("Klimatlöften-uppföljning.pdf", "Uppföljning av klimatlöften",
             "Sammanställning för 2025.", ["uppföljning"], Visibility.EVERYONE,
             tiny_pdf(["Uppfoljning av klimatloften 2025", "Alla kommuner har rapporterat."])),
            ("Laddplatser.csv", "Laddplatser per kommun", "", ["laddning", "underlag"],
             Visibility.NETWORK,
             "Kommun,Publika laddpunkter\nHaninge,214\nTyresö,96\nSödertälje,301\n".encode()),
        ],
        "page": ("Ståndpunkt om laddinfrastruktur", KLIMAT_PAGE, ["ståndpunkt", "laddning"]),
    },
}


def seed_documents() -> None:
    storage = get_storage()
    for short, spec in DOCUMENTS.items():
        network = db.session.scalar(select(Network).where(Network.short_name == short))
        author = db.session.scalar(select(Person).where(Person.email == spec["author"]))
        if network is None or author is None:
            continue
        existing = db.session.scalar(
            select(func.count(Document.id)).where(Document.network_id == network.id))
        if existing:
            continue
        for filename, title, description, tags, visibility, content in spec["files"]:
            services.upload_file(network, author, io.BytesIO(content), filename,
                                 storage=storage, title=title, description=description,
                                 tags=tags, visibility=visibility)
        title, body, tags = spec["page"]
        services.create_page(network, author, title=title, body=body, tags=tags)
