"""The consultation response as a Swedish letter (yttrande) in DOCX: read back with
python-docx, and turned into a PDF by LibreOffice where it is installed."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import RGBColor
from hypothesis import given, settings
from hypothesis import strategies as st

from intranet.consultations.letter import (
    SIGNATURE_LINE,
    Letter,
    Signatory,
    Stance,
    build_docx,
    filename,
)

MUNICIPALITIES = ("Botkyrka", "Haninge", "Huddinge", "Nykvarn", "Nynäshamn", "Salem",
                  "Södertälje", "Tyresö")

HUDDINGE_RESERVATION = (
    "Huddinge delar yttrandets inriktning men anser att **tunnelbanans förlängning** "
    "till Flemingsberg ska prioriteras före 2035.\n\n"
    "Kommunen vill också att stombussnätet ses över."
)
SALEM_DISSENT = (
    "Salem anser att planen lägger för lite vikt vid pendeltågstrafiken & de mindre "
    "kommunernas behov. Kostnaden < nyttan för kommunens invånare."
)


def demo_letter(**changes) -> Letter:
    letter = Letter(
        sender="Södertörnskommunernas samarbete",
        sender_body="Samarbetskommittén",
        recipient="Region Stockholm",
        recipient_reference="RS 2026-0412",
        title="Kollektivtrafikplan 2050",
        letter_date=date(2026, 11, 25),
        sections=[
            ("Sammanfattning",
             "Södertörnskommunerna välkomnar **Kollektivtrafikplan 2050** och dess "
             "*långsiktiga* inriktning.\n\n"
             "Kommunerna vill särskilt lyfta:\n\n"
             "- tvärförbindelser mellan regionala stadskärnor\n"
             "- snabbare busstrafik på väg 73\n"
             "* fler infartsparkeringar"),
            ("Synpunkter på planens mål",
             "# Tillgänglighet\n\n"
             "Målen behöver följas upp årligen.\n\n"
             "1. Restider mellan kommunerna\n"
             "2. Turtäthet i kvällstrafiken\n\n"
             "Kommunerna föreslår:\n\n"
             "1. en gemensam uppföljning\n"
             "2. en årlig avstämning"),
            ("Avslutning", "Kommunerna medverkar gärna i det fortsatta arbetet."),
        ],
        stances=[
            Stance("Botkyrka", "behind", decision_reference="KS 2026-10-12 § 141",
                   recorded_by="Vilma Strömberg, kommundirektör"),
            Stance("Haninge", "behind", recorded_by="Elis Brandt", on_behalf=True,
                   source="enligt e-post från kommundirektören den 3 december 2026"),
            Stance("Huddinge", "reservation", HUDDINGE_RESERVATION,
                   decision_reference="KS 2026-10-19 § 88"),
            Stance("Nykvarn", "unstated"),
            Stance("Nynäshamn", "behind"),
            Stance("Salem", "against", SALEM_DISSENT),
            Stance("Södertälje", "behind"),
            Stance("Tyresö", "unstated"),
        ],
        chair=Signatory("Vera Lundmark", "Ordförande, Samarbetskommittén"),
        presenter=Signatory("Otto Fjällsten", "planeringschef"),
        adopted_on=date(2026, 11, 20),
        case_numbers=[("Botkyrka", "KS/2026:512"), ("Haninge", "KS 2026/377")],
    )
    return dataclasses.replace(letter, **changes)


def read(letter: Letter):
    return Document(io.BytesIO(build_docx(letter)))


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def all_text(doc) -> str:
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts(doc) + cells)


def styled(doc, style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == style]


def test_the_heading_is_the_documents_main_heading():
    doc = read(demo_letter())
    assert styled(doc, "Heading 1") == ["Yttrande över Kollektivtrafikplan 2050"]
    assert doc.core_properties.title == "Yttrande över Kollektivtrafikplan 2050"
    assert doc.core_properties.author == "Södertörnskommunernas samarbete"
    assert doc.core_properties.language == "sv-SE"


def test_letterhead_has_sender_date_their_reference_and_recipient():
    doc = read(demo_letter())
    head = doc.tables[0]
    sender, dates = (cell.text for cell in head.rows[0].cells)
    assert "Södertörnskommunernas samarbete" in sender
    assert "Samarbetskommittén" in sender
    assert "Datum\n2026-11-25" in dates
    assert "Er beteckning\nRS 2026-0412" in dates
    assert "Till: Region Stockholm" in texts(doc)
    assert "Diarienummer: RS 2026-0412" in texts(doc)
    assert "Beslutat av Samarbetskommittén 2026-11-20" in texts(doc)


def test_without_their_reference_or_adoption_those_lines_are_left_out():
    doc = read(demo_letter(recipient_reference="", adopted_on=None))
    text = all_text(doc)
    assert "Er beteckning" not in text
    assert "Diarienummer:" not in text
    assert "Beslutat av" not in text
    assert "2026-11-25" in text


def test_a_recipient_on_several_lines_is_an_address_block():
    doc = read(demo_letter(recipient="Region Stockholm\nTrafikförvaltningen\n105 73 Stockholm"))
    assert "Till: Region Stockholm\nTrafikförvaltningen\n105 73 Stockholm" in texts(doc)


def test_sections_come_in_order_under_their_headings():
    doc = read(demo_letter())
    headings = styled(doc, "Heading 2")
    assert headings[:3] == ["Sammanfattning", "Synpunkter på planens mål", "Avslutning"]
    assert headings[3:] == ["Kommunernas ställningstaganden", "Kommunernas diarienummer"]
    lines = texts(doc)
    assert lines.index("Avslutning") < lines.index(
        "Kommunerna medverkar gärna i det fortsatta arbetet.")
    # A heading inside a body is one level below the section's.
    assert styled(doc, "Heading 3") == ["Tillgänglighet"]


def test_a_section_without_text_is_left_out_heading_and_all():
    sections = [("Sammanfattning", "Kommunerna välkomnar planen."), ("Övrigt", ""),
                ("Synpunkter", " \n\t\n  "), ("Avslutning", "Tack.")]
    doc = read(demo_letter(sections=sections))
    headings = styled(doc, "Heading 2")
    assert headings[:2] == ["Sammanfattning", "Avslutning"]
    assert "Övrigt" not in texts(doc) and "Synpunkter" not in texts(doc)


def test_bullets_and_numbers_become_list_paragraphs():
    doc = read(demo_letter())
    assert styled(doc, "List Bullet") == [
        "tvärförbindelser mellan regionala stadskärnor",
        "snabbare busstrafik på väg 73",
        "fler infartsparkeringar",
    ]
    assert styled(doc, "List Number") == [
        "Restider mellan kommunerna", "Turtäthet i kvällstrafiken",
        "en gemensam uppföljning", "en årlig avstämning",
    ]


def test_each_numbered_list_counts_from_its_own_start():
    doc = read(demo_letter())
    numbered = [p for p in doc.paragraphs if p.style.name == "List Number"]
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert num_ids[0] == num_ids[1]
    assert num_ids[2] == num_ids[3]
    assert num_ids[0] != num_ids[2]
    numbering = doc.part.numbering_part.element
    for num_id in (num_ids[0], num_ids[2]):
        override = numbering.num_having_numId(num_id).lvlOverride_lst[0]
        assert override.startOverride.val == 1


def test_bold_and_italic_runs_leave_no_asterisks():
    doc = read(demo_letter())
    summary = next(p for p in doc.paragraphs if p.text.startswith("Södertörnskommunerna"))
    assert summary.text == ("Södertörnskommunerna välkomnar Kollektivtrafikplan 2050 och dess "
                            "långsiktiga inriktning.")
    bold = [r.text for r in summary.runs if r.bold]
    italic = [r.text for r in summary.runs if r.italic]
    assert bold == ["Kollektivtrafikplan 2050"]
    assert italic == ["långsiktiga"]
    assert "**" not in all_text(doc)


@pytest.mark.parametrize(("markdown", "expected"), [
    ("***båda***", [("båda", True, True)]),
    ("**fet *och kursiv* text**", [("fet ", True, False), ("och kursiv", True, True),
                                   (" text", True, False)]),
    ("2 * 3 * 4", [("2 * 3 * 4", False, False)]),
    ("**ofullständig", [("**ofullständig", False, False)]),
    (r"\*inte kursiv\*", [("*inte kursiv*", False, False)]),
])
def test_inline_markup(markdown, expected):
    doc = read(demo_letter(sections=[("Avsnitt", markdown)]))
    paragraph = doc.paragraphs[[p.text for p in doc.paragraphs].index("Avsnitt") + 1]
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in paragraph.runs] == expected


def body_paragraphs(doc, heading: str):
    """The paragraphs of the section under `heading`, up to the next section."""
    paragraphs = doc.paragraphs
    first = [p.text for p in paragraphs].index(heading) + 1
    rest = paragraphs[first:]
    ends = [n for n, p in enumerate(rest) if p.style.name in ("Heading 1", "Heading 2")]
    return rest[:ends[0]] if ends else rest


def one_section(body: str):
    return read(demo_letter(sections=[("Övrigt", body), ("Slut", "Tack.")], stances=[],
                            case_numbers=()))


def number_of(paragraph) -> tuple[int, int]:
    """(numId, ilvl) of a list paragraph."""
    num_pr = paragraph._p.pPr.numPr
    return num_pr.numId.val, num_pr.ilvl.val


def test_quotes_tables_links_and_code_are_shown_not_printed_as_markdown():
    body = ("> ett citat\n\n| a | b |\n|---|---|\n\n[Trafikverket](https://example.org)\n\n"
            "`kod`\n\n### Djup rubrik\n\nEn rad\nsom fortsätter\n\n2050. Ett årtal")
    doc = one_section(body)
    lines = [p.text for p in body_paragraphs(doc, "Övrigt")]
    assert lines == ["ett citat", "Trafikverket", "kod", "Djup rubrik",
                     "En rad som fortsätter", "Ett årtal"]
    text = all_text(doc)
    for markdown in ("> ett", "|", "[Trafikverket]", "(https://", "`", "###"):
        assert markdown not in text
    assert [[c.text for c in row.cells] for row in doc.tables[1].rows] == [["a", "b"]]


def test_a_quote_is_an_indented_quote_with_a_line_at_its_side():
    doc = one_section("Före\n\n> Regionen skriver *att* planen\n> gäller 2050.\n>\n"
                      "> > Citat i citatet\n\nEfter")
    before, quote, inner, after = body_paragraphs(doc, "Övrigt")
    assert quote.text == "Regionen skriver att planen gäller 2050."
    assert quote.style.name == "Quote" and inner.style.name == "Quote"
    assert before.style.name == after.style.name == "Normal"
    assert quote.paragraph_format.left_indent > 0
    assert inner.paragraph_format.left_indent > quote.paragraph_format.left_indent
    assert before.paragraph_format.left_indent is None
    assert quote._p.pPr.find(qn("w:pBdr")).find(qn("w:left")) is not None
    assert [r.text for r in quote.runs if r.italic] == ["att"]


def test_a_table_is_a_word_table_with_its_header_row():
    doc = one_section("| Kommun | Invånare |\n|:--|--:|\n| **Botkyrka** | 99 000 |\n"
                      "| Salem | `17 000` |\n| Tyresö |")
    table = doc.tables[1]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Kommun", "Invånare"], ["Botkyrka", "99 000"], ["Salem", "17 000"], ["Tyresö", ""]]
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
    assert table.rows[1]._tr.trPr is None  # only the first row repeats as the header
    assert table.rows[1].cells[0].paragraphs[0].runs[0].bold
    assert table.rows[2].cells[1].paragraphs[0].runs[0].font.name == "Courier New"
    assert table.style.name == "Table Grid"


def test_a_link_is_a_word_hyperlink_to_its_address():
    doc = one_section('Läs [planen *här*](https://example.org/plan?a=1&b=2 "Planen") eller '
                      "skriv till <mailto:kansliet@example.org>.")
    paragraph = body_paragraphs(doc, "Övrigt")[0]
    assert paragraph.text == "Läs planen här eller skriv till mailto:kansliet@example.org."
    links = paragraph.hyperlinks
    assert [link.text for link in links] == ["planen här", "mailto:kansliet@example.org"]
    assert [link.address for link in links] == ["https://example.org/plan?a=1&b=2",
                                                "mailto:kansliet@example.org"]
    assert links[0]._hyperlink.get(qn("w:tooltip")) == "Planen"
    relation = doc.part.rels[links[0]._hyperlink.get(qn("r:id"))]
    assert relation.is_external
    assert [r.italic for r in links[0].runs] == [None, True]
    assert {r.style.name for r in links[0].runs} == {"Hyperlink"}


def test_a_link_the_page_would_not_keep_is_its_text_only():
    doc = one_section("[ftp](ftp://example.org/fil) [sida](/dokument/1) "
                      "[skript](javascript:alert(1)) ![bild](https://example.org/a.png)")
    paragraph = body_paragraphs(doc, "Övrigt")[0]
    # As the page: no address it drops, the javascript: link is not a link at all, and the
    # picture (not on the page's allow-list) is left out, alt text and all.
    assert paragraph.text.strip() == "ftp sida [skript](javascript:alert(1))"
    assert paragraph.hyperlinks == []
    assert not [r for r in doc.part.rels.values() if r.reltype.endswith("/hyperlink")]


def test_code_strike_and_line_breaks():
    doc = one_section("Kör `make test`, ~~inte~~ nu.  \nNy rad\\\nTredje\n\n"
                      "```\nrad 1\n  rad 2\n```")
    first, code = body_paragraphs(doc, "Övrigt")
    assert first.text == "Kör make test, inte nu.\nNy rad\nTredje"
    assert [r.text for r in first.runs if r.font.name == "Courier New"] == ["make test"]
    assert [r.text for r in first.runs if r.font.strike] == ["inte"]
    assert code.text == "rad 1\n  rad 2"
    assert {r.font.name for r in code.runs if r.text.strip()} == {"Courier New"}


def test_nested_lists_are_indented_levels_with_their_own_numbers():
    doc = one_section("1. Mål\n   - restider\n   - turtäthet\n     1. kväll\n     2. helg\n"
                      "2. Uppföljning\n\n   med ett andra stycke\n3. Budget")
    lines = body_paragraphs(doc, "Övrigt")
    assert [p.text for p in lines] == ["Mål", "restider", "turtäthet", "kväll", "helg",
                                       "Uppföljning", "med ett andra stycke", "Budget"]
    top, bullets, inner = number_of(lines[0]), number_of(lines[1]), number_of(lines[3])
    assert [number_of(lines[n]) for n in (0, 5, 7)] == [top] * 3
    assert number_of(lines[2]) == bullets and number_of(lines[4]) == inner
    assert (top[1], bullets[1], inner[1]) == (0, 1, 2)
    assert len({top[0], bullets[0], inner[0]}) == 3
    assert [p.style.name for p in lines[:4]] == [
        "List Number", "List Bullet 2", "List Bullet 2", "List Number 3"]
    # The second paragraph of an item has no number of its own, at the item's text.
    assert lines[6]._p.pPr.numPr is None
    indents = [p.paragraph_format.left_indent for p in lines]
    assert indents[0] < indents[1] < indents[3]
    assert indents[6] == indents[0]
    numbering = doc.part.numbering_part.element
    formats = {}
    for num_id, level in (top, bullets, inner):
        abstract_id = numbering.num_having_numId(num_id).abstractNumId.val
        abstract = next(a for a in numbering.findall(qn("w:abstractNum"))
                        if a.get(qn("w:abstractNumId")) == str(abstract_id))
        lvl = abstract.findall(qn("w:lvl"))[level]
        formats[level] = (lvl.find(qn("w:numFmt")).get(qn("w:val")),
                          lvl.find(qn("w:lvlText")).get(qn("w:val")))
    assert formats == {0: ("decimal", "%1."), 1: ("bullet", "◦"), 2: ("decimal", "%3.")}


def test_a_numbered_list_starts_at_its_first_number():
    doc = one_section("Årtal:\n\n2050. Mål nås\n2051. Uppföljning\n\n- punkt\n\n1. ny lista")
    lines = body_paragraphs(doc, "Övrigt")
    numbering = doc.part.numbering_part.element
    starts = [numbering.num_having_numId(number_of(p)[0]).lvlOverride_lst[0].startOverride.val
              for p in lines if p.style.name == "List Number"]
    assert starts == [2050, 2050, 1]


def test_headings_in_a_body_are_as_many_levels_below_the_section_as_on_the_page():
    doc = one_section("# Ett\n\n## Två\n\n### Tre\n\n#### Fyra\n\n###### Sex\n\n#\n\nSlut")
    assert [(p.text, p.style.name) for p in body_paragraphs(doc, "Övrigt")] == [
        ("Ett", "Heading 3"), ("Två", "Heading 4"), ("Tre", "Heading 5"), ("Fyra", "Heading 6"),
        ("Sex", "Heading 6"), ("Slut", "Normal")]
    assert doc.styles["Heading 4"].font.color.rgb == RGBColor(0, 0, 0)


def test_raw_html_and_entities_are_text_as_on_the_page():
    doc = one_section("<b>fet?</b> <script>x</script> &amp; &lt;i&gt; &#229;\n\n"
                      "<div>\nblock\n</div>")
    assert [p.text for p in body_paragraphs(doc, "Övrigt")] == [
        "<b>fet?</b> <script>x</script> & <i> å", "<div> block </div>"]


MARKDOWNISH = st.text(alphabet=st.sampled_from(list("abcåäö XYZ*-+#_\\.1\n\t&<>`")), max_size=300)


@settings(max_examples=60, deadline=None)
@given(heading=MARKDOWNISH, body=MARKDOWNISH)
def test_any_body_builds_and_keeps_its_words(heading, body):
    doc = read(demo_letter(sections=[(heading, body)]))
    text = all_text(doc)
    for word in re.findall(r"[a-zåäöXYZ]+", body):
        assert word in text
    assert styled(doc, "Heading 1") == ["Yttrande över Kollektivtrafikplan 2050"]


def test_who_stands_behind_and_who_does_not():
    doc = read(demo_letter())
    lines = texts(doc)
    assert ("Följande kommuner står bakom yttrandet: Botkyrka (beslut: KS 2026-10-12 § 141), "
            "Haninge, Huddinge (beslut: KS 2026-10-19 § 88), Nynäshamn och Södertälje."
            in lines)
    assert "Samtliga kommuner står bakom yttrandet." not in lines
    reservation = lines.index(
        "Huddinge (beslut: KS 2026-10-19 § 88) står bakom yttrandet med följande reservation:")
    assert lines[reservation + 1] == (
        "Huddinge delar yttrandets inriktning men anser att tunnelbanans förlängning "
        "till Flemingsberg ska prioriteras före 2035.")
    assert lines[reservation + 2] == "Kommunen vill också att stombussnätet ses över."
    dissent = lines.index("Salem står inte bakom yttrandet:")
    assert lines[dissent + 1] == SALEM_DISSENT
    assert "Har inte tagit ställning: Nykvarn och Tyresö." in lines


def test_when_all_stand_behind_the_letter_says_so_once():
    stances = [Stance(name, "behind", decision_reference="KS § 1" if name == "Salem" else "")
               for name in MUNICIPALITIES]
    doc = read(demo_letter(stances=stances))
    lines = texts(doc)
    assert "Samtliga kommuner står bakom yttrandet." in lines
    assert [line for line in lines if "står bakom yttrandet" in line] == [
        "Samtliga kommuner står bakom yttrandet."]
    assert "Har inte tagit ställning" not in all_text(doc)
    # The table still names each of them, with its own decision.
    rows = [[cell.text for cell in row.cells] for row in doc.tables[1].rows]
    assert [row[0] for row in rows[1:]] == list(MUNICIPALITIES)
    assert {row[1] for row in rows[1:]} == {"Står bakom"}
    assert ["Salem", "Står bakom", "KS § 1", "–"] in rows


def test_the_table_of_positions_shows_who_entered_each():
    doc = read(demo_letter())
    rows = [[cell.text for cell in row.cells] for row in doc.tables[1].rows]
    assert rows[0] == ["Kommun", "Ställningstagande", "Kommunens beslut", "Registrerat av"]
    assert rows[1] == ["Botkyrka", "Står bakom", "KS 2026-10-12 § 141",
                       "Vilma Strömberg, kommundirektör"]
    # Entered by the secretariat for the municipality, with what it is based on.
    assert rows[2] == ["Haninge", "Står bakom", "–", "Kansliet (Elis Brandt) enligt e-post från "
                       "kommundirektören den 3 december 2026"]
    assert rows[3][:3] == ["Huddinge", "Står bakom med reservation", "KS 2026-10-19 § 88"]
    assert rows[4] == ["Nykvarn", "Har inte tagit ställning", "–", "–"]
    assert rows[6][:2] == ["Salem", "Står inte bakom"]
    assert len(rows) == 1 + len(MUNICIPALITIES)


def test_a_reservation_or_dissent_needs_its_text():
    with pytest.raises(ValueError):
        Stance("Salem", "against")
    with pytest.raises(ValueError):
        Stance("Salem", "reservation", "  ")
    with pytest.raises(ValueError):
        Stance("Salem", "maybe")


def test_the_municipalities_case_numbers_are_a_table():
    doc = read(demo_letter())
    table = doc.tables[2]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [["Kommun", "Diarienummer"], ["Botkyrka", "KS/2026:512"],
                    ["Haninge", "KS 2026/377"]]
    assert len(read(demo_letter(case_numbers=())).tables) == 2


def test_signature_block_names_chair_and_presenter():
    lines = texts(read(demo_letter()))
    lead = lines.index("För Samarbetskommittén")
    assert lines[lead + 1:] == ["Vera Lundmark", "Ordförande, Samarbetskommittén",
                                "Föredragande: Otto Fjällsten, planeringschef"]
    lines = texts(read(demo_letter(presenter=Signatory("Otto Fjällsten", ""))))
    assert lines[-1] == "Föredragande: Otto Fjällsten"


def test_missing_signatories_leave_lines_to_fill_in_by_hand():
    lines = texts(read(demo_letter(chair=None, presenter=None)))
    lead = lines.index("För Samarbetskommittén")
    assert lines[lead + 1:] == [SIGNATURE_LINE, "Ordförande", f"Föredragande: {SIGNATURE_LINE}"]
    lines = texts(read(demo_letter(presenter=None)))
    assert lines[-3:] == ["Vera Lundmark", "Ordförande, Samarbetskommittén",
                          f"Föredragande: {SIGNATURE_LINE}"]


DRAFT_MARK = "UTKAST – inte antaget av samarbetskommittén"


def header_texts(doc) -> list[str]:
    return [p.text for section in doc.sections for p in section.header.paragraphs]


def test_only_a_draft_says_so_at_its_top_in_the_header_of_every_page_and_its_properties():
    doc = read(demo_letter(draft=True, adopted_on=None))
    assert texts(doc)[0] == DRAFT_MARK
    assert doc.paragraphs[0].runs[0].bold
    # The mark stands before the letterhead, not inside it.
    body = doc.element.body
    assert body.index(doc.paragraphs[0]._p) < body.index(doc.tables[0]._tbl)
    assert header_texts(doc) == [DRAFT_MARK]
    assert doc.core_properties.title == "Utkast: Yttrande över Kollektivtrafikplan 2050"
    assert doc.core_properties.subject == "Utkast: Kollektivtrafikplan 2050"
    assert "utkast" in doc.core_properties.keywords
    # Not decided yet, whatever an earlier adoption said.
    assert "Beslutat av" not in all_text(read(demo_letter(draft=True)))


def test_a_draft_is_a_proposal_that_nobody_has_signed():
    lines = texts(read(demo_letter(draft=True, adopted_on=None)))
    assert lines[-2:] == ["Förslag till beslut i samarbetskommittén",
                          "Föredragande: Otto Fjällsten, planeringschef"]
    assert "Vera Lundmark" not in lines and "För Samarbetskommittén" not in lines
    assert not [line for line in lines if "Ordförande" in line or SIGNATURE_LINE in line]
    # Named as a body of several words, the committee keeps its capital.
    lines = texts(read(demo_letter(draft=True, sender_body="Södertörns samarbetskommitté")))
    assert lines[0] == "UTKAST – inte antaget av Södertörns samarbetskommitté"
    assert "Förslag till beslut i Södertörns samarbetskommitté" in lines

    # The adopted letter, beside it, is marked nowhere.
    data = build_docx(demo_letter(draft=False))
    doc = Document(io.BytesIO(data))
    assert texts(doc)[0] == "Till: Region Stockholm"
    assert header_texts(doc) == [""]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = [package.read(name).decode() for name in package.namelist()
                 if name.endswith(".xml")]
    assert not [part for part in parts if "UTKAST" in part or "Utkast" in part]
    assert "utkast" not in (doc.core_properties.title + doc.core_properties.subject).lower()
    assert "För Samarbetskommittén" in texts(doc)


def test_filename_is_safe():
    assert filename(demo_letter()) == "yttrande-kollektivtrafikplan-2050-2026-11-25.docx"
    name = filename(demo_letter(title="Åtgärder för ../../etc/passwd & <Söder>törn"))
    assert name.endswith(".docx")
    assert name.isascii()
    assert "/" not in name and "\\" not in name and ".." not in name
    assert filename(demo_letter(title="???")) == "yttrande-2026-11-25.docx"
    assert len(filename(demo_letter(title="Lång " * 200))) < 120


def test_special_characters_and_long_bodies_survive():
    long_body = "\n\n".join(
        f"Stycke {n}: åäö ÅÄÖ & <b>ingen html</b> \"citat\" – {'text ' * 80}" for n in range(150))
    title = "Plan för <Södertörn> & Mälardalen: åäö " + "x" * 300
    letter = demo_letter(title=title, sections=[("Åtgärder & <mål>", long_body)],
                         recipient="Region Stockholm & Trafikförvaltningen\x0c")
    doc = read(letter)
    text = all_text(doc)
    assert f"Yttrande över {title}" in styled(doc, "Heading 1")
    assert "Åtgärder & <mål>" in styled(doc, "Heading 2")
    assert "Stycke 149: åäö ÅÄÖ & <b>ingen html</b>" in text
    assert text.count("Stycke ") == 150
    assert "Till: Region Stockholm & Trafikförvaltningen" in text
    assert len(doc.core_properties.title) <= 255


def test_an_empty_letter_is_still_a_letter():
    letter = demo_letter(sections=[], stances=[], chair=None, presenter=None, case_numbers=(),
                         adopted_on=None, recipient_reference="")
    doc = read(letter)
    assert styled(doc, "Heading 1") == ["Yttrande över Kollektivtrafikplan 2050"]
    assert "Ordförande" in texts(doc)
    assert "Kommunernas ställningstaganden" not in all_text(doc)


def test_page_is_a4_in_swedish():
    data = build_docx(demo_letter())
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert doc.styles["Normal"].font.size.pt == 11
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        styles = package.read("word/styles.xml").decode()
    assert 'w:lang w:val="sv-SE"' in styles


def test_the_same_letter_gives_the_same_bytes():
    assert build_docx(demo_letter()) == build_docx(demo_letter())


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_makes_a_pdf(tmp_path):
    source = tmp_path / filename(demo_letter())
    source.write_bytes(build_docx(demo_letter()))
    subprocess.run(  # noqa: S603 - a fixed command on a file this test wrote
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",  # noqa: S607
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180)
    pdf = source.with_suffix(".pdf")
    assert pdf.exists()
    assert pdf.stat().st_size > 1000
    assert pdf.read_bytes().startswith(b"%PDF")
