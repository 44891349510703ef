"""Search finds the right thing first: a table of Swedish queries over the demo data (the real
2021 plan, the demo's documents, responses, people, networks and meetings), each with the hit
expected first, on SQLite and PostgreSQL alike; then the words as search sees them
(intranet.search.terms), the snippets (services.snippet), and the page that shows them (every
piece of the data is text, never markup).

The demo is seeded once for the module (it takes a second or two) and read by every test
here; the few tests that write remove what they wrote."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from intranet.auth import throttle
from intranet.demo.seed import DEMO_PASSWORD, seed_demo
from intranet.documents import services as documents
from intranet.extensions import db, limiter
from intranet.org.models import Network, Person
from intranet.search.services import search, snippet
from intranet.search.terms import (
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    Phrase,
    Term,
    fts5,
    index_terms,
    parse,
    stem,
    tsquery,
    words,
)
from tests.conftest import Client, empty_all_tables
from tests.test_plan_import import ORGANISATION

# Who searches: the demo's named accounts.
PEOPLE = {
    "kansliet": "elin.strand@huddinge.example",  # the secretariat
    "sup": "ahmed.karimi@botkyrka.example",  # a member of SUP (planning chiefs)
    "klimat": "linnea.holm@haninge.example",  # the convener of Klimat
    "direktör": "mikael.nystrom@botkyrka.example",  # a municipal director
    "kommittén": "karin.berglund@tyreso.example",  # the committee's chair
}

KOLLEKTIVTRAFIKPLAN = ("response", "Kollektivtrafikplan 2050")
NATIONELL_PLAN = ("response", "Förslag till nationell plan för transportinfrastruktur")
KLIMATFÄRDPLAN = ("response", "Regional klimatfärdplan för Stockholms län")
TVÄRFÖRBINDELSE = ("action", "Tvärförbindelse Södertörn.")
FLEMINGSBERG = ("action", "Huddinge och Botkyrka driver frågan")
MINNESANTECKNINGAR = ("document", "Minnesanteckningar 12 mars")
REMISSER = ("document", "Remisser att bevaka")
TRAFIKMÄTNINGAR = ("document", "Trafikmätningar 2025")
LADDPLATSER = ("document", "Laddplatser per kommun")
STÅNDPUNKT = ("document", "Ståndpunkt om laddinfrastruktur")

# (who, query, the first hit: (kind, its title or the beginning of it); None: nothing found).
# Each query's first hit is clear on both databases: it is the only hit, or the only one whose
# title holds every word (those come first on both; the ranks below them differ in detail).
FIRST_HITS = [
    # Inflections: the Swedish stem of each word is searched.
    ("kansliet", "kollektivtrafikplanen region", KOLLEKTIVTRAFIKPLAN),
    ("kansliet", "remisserna att bevaka", REMISSER),
    ("kansliet", "tvärförbindelser", TVÄRFÖRBINDELSE),
    ("kansliet", "ståndpunkten laddinfrastrukturen", STÅNDPUNKT),
    # Prefixes.
    ("sup", "trafikmät*", TRAFIKMÄTNINGAR),
    ("direktör", "klimatfärd*", KLIMATFÄRDPLAN),
    # Quoted phrases: the words next to each other, in that order.
    ("kansliet", '"nationell plan för transportinfrastruktur"', NATIONELL_PLAN),
    ("sup", '"regional transportplan" minnesanteckningar', MINNESANTECKNINGAR),
    ("kansliet", '"ej beslutad"', ("meeting", "Ledningsgruppen ")),
    ("kansliet", '"transportplan regional"', None),
    # Identifiers typed exactly: diarienummer and the municipalities' case numbers.
    ("kansliet", "RS 2021-0123", KOLLEKTIVTRAFIKPLAN),
    ("sup", "rs 2021-0123", KOLLEKTIVTRAFIKPLAN),
    ("kansliet", "KS-2026/0412", KOLLEKTIVTRAFIKPLAN),
    ("kansliet", "TRV 2026/41226", NATIONELL_PLAN),
    ("direktör", "LST 2026-4711", KLIMATFÄRDPLAN),
    # Case is folded; å, ä and ö are letters of their own (not a, a and o).
    ("kansliet", "TVÄRFÖRBINDELSE SÖDERTÖRN", TVÄRFÖRBINDELSE),
    ("kansliet", "tvärförbindelse södertörn", TVÄRFÖRBINDELSE),
    ("kansliet", "tvarforbindelse sodertorn", None),
    ("kansliet", "klimatloften", ("document", "Uppföljning av klimatlöften")),  # in the PDF
    # People by name and by title (and municipality).
    ("sup", "Sara Ekholm", ("person", "Sara Ekholm")),
    ("klimat", "ekholm SARA", ("person", "Sara Ekholm")),
    ("sup", "samhällsbyggnadschef", ("person", "Gunnel Stenberg")),
    ("kommittén", "strateg huddinge", ("person", "Elin Strand")),
    # Networks and meetings.
    ("sup", "klimatnätverket", ("network", "Klimatnätverket")),
    ("klimat", "planeringschefer", ("network", "Nätverket för planeringschefer")),
    ("sup", "Samarbetskommittén Salem", ("meeting", "Samarbetskommittén ")),
    # Action rows by their text, comment, sub-goal.
    ("kansliet", "elvägspilot", ("action", "Elektrifiering av transportsektorn")),
    ("sup", "Almedalen", ("action", "Gemensamma kommunikationsinsatser")),
    ("kansliet", "universitetsstatus", FLEMINGSBERG),
    ("kansliet", "YH-utbildningarna", ("action", "Fortsatt informationsutbyte")),
    # Documents by the text of a page, of a file, by a tag and a description.
    ("sup", "Huddinge samordnar", MINNESANTECKNINGAR),
    ("klimat", "markanvisningar", STÅNDPUNKT),
    ("kansliet", "kapacitetsutredning", REMISSER),
    ("klimat", "laddpunkter", LADDPLATSER),
    ("sup", "protokoll", MINNESANTECKNINGAR),
    ("sup", "kommungränserna", TRAFIKMÄTNINGAR),
    # Responses by the text of a section.
    ("kansliet", "bytespunkter", KOLLEKTIVTRAFIKPLAN),
    ("kommittén", "Nynäsbanan dubbelspår", NATIONELL_PLAN),
    ("kommittén", "Spårväg syd", KOLLEKTIVTRAFIKPLAN),
    # -exclusion and OR.
    ("klimat", "laddplatser -markanvisningar", LADDPLATSER),
    ("kansliet", "Nynäsbanan OR Flemingsberg", FLEMINGSBERG),
    ("kansliet", "flemingsberg OR nynäsbanan", FLEMINGSBERG),
    ("kansliet", "flemingsberg -huddinge", None),
    # Only what the person may see: a network's own file, another network's responses.
    ("sup", "laddpunkter", None),
    ("klimat", "Spårväg syd", None),
]


ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def _label(row) -> str:
    who, query, _expected = row
    return f"{who}:{query}"


@pytest.fixture(scope="module")
def demo(app):
    with app.app_context():
        seed_demo(ORGANISATION)
    yield
    empty_all_tables(app)


@pytest.fixture(autouse=True)
def _clean(app):
    """Instead of conftest's: the demo stays for the module (emptied when it ends)."""
    yield
    with app.app_context():
        limiter.reset()
        throttle.reset()


@pytest.fixture
def ctx(app, demo, app_ctx):
    """The demo and an app context."""


def person(who: str) -> Person:
    return db.session.scalar(select(Person).where(Person.email == PEOPLE[who]))


def network(short_name: str) -> Network:
    return db.session.scalar(select(Network).where(Network.short_name == short_name))


def everything(who: str, query: str, **filters):
    return search(person(who), query, per_page=200, **filters)


@pytest.mark.parametrize("row", FIRST_HITS, ids=_label)
def test_the_first_hit(ctx, row):
    who, query, expected = row
    results = everything(who, query)
    assert results.message is None
    found = [(h.kind, h.title) for h in results.hits]
    assert results.total == len(found)
    if expected is None:
        assert found == [] and results.total == 0 and results.counts == {}
        return
    kind, title = expected
    assert found, f"{query!r} found nothing"
    assert found[0][0] == kind and found[0][1].startswith(title), found[:5]


def test_the_table_is_large_enough():
    assert len(FIRST_HITS) >= 30
    assert len({(who, query) for who, query, _ in FIRST_HITS}) == len(FIRST_HITS)


def test_an_inflected_word_finds_the_plan_and_the_row_about_it(ctx):
    found = {(h.kind, h.title) for h in everything("kansliet", "kollektivtrafikplanen").hits}
    assert found == {KOLLEKTIVTRAFIKPLAN, (
        "action", "Kollektivtrafikens långsiktiga utveckling på Södertörn. Fokus på "
                  "Kollektivtrafikplan 2050.")}


def test_remisser_finds_remiss_remissen_and_remisser(ctx):
    hits = everything("kansliet", "remisser").hits
    titles = {h.title for h in hits}
    assert "Remisser att bevaka" in titles
    assert "Dagordning nätverksmöte mars" in titles  # "1. Remiss om transportplan" (its PDF)
    marked = {text.casefold() for h in hits for text, found in h.snippet if found}
    assert {"remiss", "remisser", "remissen"} <= marked


def test_case_is_folded_but_sodertorn_is_not_sodertörn(ctx):
    upper, lower = everything("kansliet", "SÖDERTÖRN"), everything("kansliet", "södertörn")
    assert upper.total == lower.total > 10
    assert ({(h.kind, h.object_id) for h in upper.hits}
            == {(h.kind, h.object_id) for h in lower.hits})
    # Without the dots it is another word, which nothing holds: found nothing, no message.
    plain = everything("kansliet", "sodertorn")
    assert (plain.total, plain.hits, plain.counts, plain.message) == (0, [], {}, None)


def test_a_prefix_finds_every_word_that_begins_so(ctx):
    results = everything("kansliet", "trafik*")
    assert results.counts == {"action": 2, "document": 2, "response": 1}
    marked = {text for h in results.hits for text, found in h.snippet if found}
    assert {"Trafikverket", "Trafikförvaltningen", "Trafikverkets"} <= marked
    assert all(text.casefold().startswith("trafik") for text in marked)


PREFIXES_OF_LONG_WORDS = [
    ("tvärförbindel*", "Tvärförbindelse Södertörn."),
    ("verksamh*", "Uppdatera informationsmaterial för presentationer etc."),
    ("sammankalland*", "Kollektivtrafikplan 2050"),
]


@pytest.mark.parametrize("query, title", PREFIXES_OF_LONG_WORDS)
def test_the_whole_word_of_a_long_prefix_finds_it(ctx, query, title):
    whole = {"tvärförbindel*": "tvärförbindelse", "verksamh*": "verksamhet",
             "sammankalland*": "sammankallande"}[query]
    assert title in {h.title for h in everything("kansliet", whole).hits}


@pytest.mark.parametrize("query, title", PREFIXES_OF_LONG_WORDS)
def test_a_prefix_longer_than_the_words_stem_finds_it(ctx, query, title):
    assert title in {h.title for h in everything("kansliet", query).hits}


def test_a_phrase_needs_its_words_together_and_in_order(ctx):
    together = everything("kansliet", '"regional transportplan"')
    assert {h.title for h in together.hits} == {"Remisser att bevaka",
                                                "Minnesanteckningar 12 mars"}
    assert everything("kansliet", "transportplan regional").total == 2  # words: any order
    assert everything("kansliet", '"transportplan regional"').total == 0


def test_a_phrase_does_not_run_from_the_title_into_the_text(ctx):
    assert everything("kansliet", '"bevaka remiss"').total == 0
    assert everything("kansliet", '"remisser att bevaka"').total == 1


def test_an_exact_identifier_comes_first_before_its_words_elsewhere(ctx):
    # "2021" is in many entries; the response whose diarienummer is typed comes first.
    results = everything("kansliet", "RS 2021-0123")
    assert (results.hits[0].kind, results.hits[0].title) == KOLLEKTIVTRAFIKPLAN
    many = everything("kansliet", "2021")
    assert many.total > 1 and many.hits[0].title != "Kollektivtrafikplan 2050"


def test_exclusion_leaves_out_what_holds_the_word(ctx):
    both = {h.title for h in everything("klimat", "laddplatser").hits}
    assert both == {"Laddplatser per kommun", "Ståndpunkt om laddinfrastruktur"}
    assert {h.title for h in everything("klimat", "laddplatser -markanvisningar").hits} == {
        "Laddplatser per kommun"}


def test_an_excluded_phrase_excludes_it_and_requires_none_of_its_words(ctx):
    assert {h.title for h in everything(
        "kansliet", 'transportplan -"kollektivtrafikplan 2050"').hits} == {
        "Remisser att bevaka", "Minnesanteckningar 12 mars", "Dagordning nätverksmöte mars"}


def test_or_finds_either(ctx):
    either = everything("kansliet", "Nynäsbanan OR Flemingsberg")
    assert {(h.kind, h.title[:20]) for h in either.hits} == {
        ("response", NATIONELL_PLAN[1][:20]), ("action", FLEMINGSBERG[1][:20])}
    assert everything("kansliet", "Nynäsbanan Flemingsberg").total == 0


def test_kind_network_and_date_filters(ctx):
    results = everything("kansliet", "södertörn", kind="response")
    assert results.hits and {h.kind for h in results.hits} == {"response"}
    assert results.total == results.counts["response"] < sum(results.counts.values())
    sup = everything("kansliet", "södertörn", network=network("SUP"))
    assert sup.hits and {h.network_slug for h in sup.hits} == {"sup"}
    recent = everything("kansliet", "laddplatser", since="vecka")
    assert recent.total == 2  # the demo was made a moment ago


def test_pages_of_results(ctx):
    first = search(person("kansliet"), "södertörn", per_page=5)
    second = search(person("kansliet"), "södertörn", per_page=5, page=2)
    assert first.total == second.total > 10 and first.pages == second.pages
    assert len(first.hits) == len(second.hits) == 5
    ids = [(h.kind, h.object_id) for h in first.hits + second.hits]
    assert len(set(ids)) == 10


# ---------------------------------------------------------------- terms


def test_words_are_case_folded_letters_and_digits():
    assert words("Kollektivtrafikplan 2050, RS-2021/0123!") == [
        "kollektivtrafikplan", "2050", "rs", "2021", "0123"]
    assert words("SÖDERTÖRN Åsa") == ["södertörn", "åsa"]
    assert words("snake_case e-post") == ["snake", "case", "e", "post"]
    assert words("a" * 101 + " ord") == ["ord"]  # a run longer than a word is no word
    assert words("") == words(None) == []


def test_inflected_forms_share_a_stem():
    assert stem("kollektivtrafikplanen") == stem("kollektivtrafikplan")
    assert stem("remisser") == stem("remiss") == stem("remissen")
    assert stem("södertörn") != stem("sodertorn")


def test_index_terms_are_the_stems_in_order():
    assert index_terms("Remisserna att bevaka") == "remiss att bevak"
    assert index_terms("Kollektivtrafikplanen 2050") == "kollektivtrafikplan 2050"
    assert index_terms(None) == ""
    assert index_terms("ett två tre", limit=6) == "ett tv"  # cut at the limit


def test_parse_words_phrases_exclusions_or_and_prefixes():
    query = parse('Remisser "regional transportplan" -trafikverket trafik* a OR b')
    assert query.must == [Term("remiss"), Phrase(("regional", "transportplan")),
                          Term("trafik", prefix=True), (Term("a"), Term("b"))]
    assert query.must_not == [Term(stem("trafikverket"))]
    assert query.stems() == {"remiss", "regional", "transportplan", "trafik", "a", "b"}
    assert query.prefixes() == {"trafik"}
    assert not query.cut and not query.empty


def test_parse_odd_input_without_errors():
    assert parse('"ett ord').must == [Phrase(("ett", "ord"))]  # an unclosed quote
    assert parse('"ord"').must == [Term("ord")]  # a phrase of one word is the word
    assert parse("RS-2021-0123").must == [Phrase(("rs", "2021", "0123"))]
    for nothing in ("", None, "OR OR", "-", "*", '"', '""', "( ) :", "\x00"):
        assert parse(nothing).empty and not parse(nothing).must_not
    assert parse("OR ord").must == parse("ord OR").must == [Term("ord")]
    assert parse("-ord").empty and parse("-ord").must_not == [Term("ord")]
    assert parse("a\x00b").must == [Term("a"), Term("b")]


def test_parse_keeps_the_beginning_of_a_long_query():
    long = parse("ord " * 200)
    assert long.cut and len(long.must) == MAX_QUERY_WORDS
    chars = parse("x" * (MAX_QUERY_CHARS + 1))
    assert chars.cut
    assert not parse("ord " * MAX_QUERY_WORDS).cut


def test_fts5_and_tsquery_say_the_same():
    query = parse('plan "regional transportplan" -trafikverket trafik* a OR b')
    assert fts5(query) == ('("plan" AND "regional transportplan" AND ("trafik"*) AND '
                           '("a" OR "b")) NOT "trafikverket"')
    # On PostgreSQL a phrase stays within the title (A) or within the body (B).
    assert tsquery(query) == ("'plan' & (('regional':A <-> 'transportplan':A) | "
                              "('regional':B <-> 'transportplan':B)) & ('trafik':*) & "
                              "('a' | 'b') & !'trafikverket'")
    # A prefix that runs into an ending the stemmer takes off also finds the shorter stems.
    longer = parse("tvärförbindel*")
    assert fts5(longer) == '("tvärförbindel"* OR "tvärförbinde" OR "tvärförbind")'
    assert tsquery(longer) == "('tvärförbindel':* | 'tvärförbinde' | 'tvärförbind')"
    # Nothing typed passes through as syntax: only stems (letters and digits) are written.
    hostile = parse("title_terms:foo {title_terms}: x a & !b | c:* <-> NEAR(a b) ' \\")
    for written in (fts5(hostile), tsquery(hostile)):
        assert "title_terms:" not in written and "{" not in written and "\\" not in written
    assert all(word.isalnum() for word in hostile.stems())


# ---------------------------------------------------------------- snippets


def test_snippet_marks_the_found_words_in_their_written_form():
    pieces = snippet("Remisser att bevaka under våren", parse("remiss"))
    assert pieces == [("Remisser", True), (" att bevaka under våren", False)]
    prefixed = snippet("Trafikverket och Trafikförvaltningen", parse("trafik*"))
    assert [text for text, found in prefixed if found] == ["Trafikverket",
                                                           "Trafikförvaltningen"]


def test_the_snippet_found_by_its_beginnings_is_the_one_read_word_by_word():
    """snippet() looks for the first found word by the beginnings of the stems sought; it
    gives the pieces reading every word in order gives, over texts with the benchmark's
    inflections, compounds, line breaks, ß and short and empty texts."""
    import random

    from intranet.demo import load
    from intranet.search.services import _snippet_by_words

    rng = random.Random(2026)  # noqa: S311
    texts = ["", "   ", "Straße och strasse", "ord", "Remiss.\n\nRemisser – svar"]
    for _ in range(300):
        words = load._words(rng, rng.choice([3, 12, 40, 400]))
        if rng.random() < 0.3:
            words = words.replace(" ", "\n\n", 5)
        texts.append(words.capitalize() + " " + rng.choice(load._RARE))
    queries = [parse(q) for q in ("kommunerna", "trafik*", "kommun OR region", "plan -kommun",
                                  "strasse", "remiss", '"kommunerna och"', "bostads*")]
    queries += [parse(rng.choice(load._FORMS)) for _ in range(20)]
    queries += [parse(rng.choice(load._RARE)) for _ in range(5)]
    for query in queries:
        stems, prefixes = query.stems(), query.prefixes()

        def found(word, stems=stems, prefixes=prefixes):
            stemmed = stem(word.casefold())
            return stemmed in stems or any(stemmed.startswith(p) for p in prefixes)

        for text in texts:
            assert snippet(text, query) == _snippet_by_words(text, found), (text, query)


def test_snippet_is_cut_around_the_first_found_word():
    body = " ".join(f"ord{n}" for n in range(100)) + " hittad " + "slut " * 100
    pieces = snippet(body, parse("hittad"))
    assert pieces[0] == ("… ", False) and pieces[-1] == (" …", False)
    text = "".join(t for t, _ in pieces)
    assert len(text.split()) <= 32 and "ord0 " not in text
    assert ("hittad", True) in pieces


def test_snippet_without_a_found_word_starts_at_the_beginning():
    assert snippet("Inget här matchar", parse("annat")) == [("Inget här matchar", False)]
    assert snippet("", parse("ord")) == snippet("!!! ???", parse("ord")) == []


def test_snippet_text_is_the_data_as_written_never_markup():
    # The pieces are the text as written (the template escapes each); the snippet runs from
    # its first word to its last, so the markup's outer "<" and ">" fall outside it.
    body = "<b>Remiss</b> & <script>x()</script>"
    pieces = snippet(body, parse("remiss"))
    assert pieces == [("b>", False), ("Remiss", True), ("</b> & <script>x()</script", False)]
    assert "".join(t for t, _ in pieces) in body


def test_snippet_makes_runs_of_whitespace_one_space():
    pieces = snippet("Rad ett\n\n  rad två\tremiss", parse("remiss"))
    assert pieces == [("Rad ett rad två ", False), ("remiss", True)]


def test_snippet_has_one_space_between_two_found_words():
    pieces = snippet("Om regional transportplan", parse('"regional transportplan"'))
    assert pieces == [("Om ", False), ("regional", True), (" ", False),
                      ("transportplan", True)]


# ---------------------------------------------------------------- the page: text, not markup

SCRIPT_TITLE = "<script>alert('rubrik')</script> Skriptprov"
SCRIPT_BODY = "Före <script>alert('text')</script> skriptprov <img src=x onerror=alert(1)>"


@pytest.fixture
def script_page(ctx):
    """A page in SUP whose title and text hold markup; trashed again afterwards."""
    page = documents.create_page(network("SUP"), person("sup"), title=SCRIPT_TITLE,
                                 body=SCRIPT_BODY)
    db.session.commit()
    yield page
    documents.trash(db.session.merge(page), person("sup"))
    db.session.commit()


def test_the_results_page_escapes_markup_in_titles_snippets_and_the_query(app, script_page):
    client = Client(app)
    assert client.login(PEOPLE["sup"], DEMO_PASSWORD).status_code == 303
    for url in ("/sok/?q=skriptprov", "/sok/forslag?q=skriptprov",
                "/sok/?q=<script>alert('text')</script>skriptprov"):
        response = client.get(url, htmx=url.startswith("/sok/forslag"))
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "Skriptprov" in html, url
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(" in html, url
    html = client.get("/sok/?q=skriptprov").get_data(as_text=True)
    assert "<mark>skriptprov</mark>" in html  # the found word in the snippet, marked
    assert "&lt;img src=x onerror=alert(1" in html


def test_the_results_page_and_suggestions_show_the_hits(app, ctx):
    client = Client(app)
    assert client.login(PEOPLE["sup"], DEMO_PASSWORD).status_code == 303
    html = client.get("/sok/?q=RS+2021-0123").get_data(as_text=True)
    assert "Kollektivtrafikplan 2050" in html and "1 träff" in html
    hits = client.get("/sok/forslag?q=planeringschef", htmx=True).get_data(as_text=True)
    assert hits.count('role="option"') == 5  # the first five


def test_the_text_of_an_uploaded_pdf_is_found(ctx):
    # "natverksmote" (without the dots) is only in the agenda's PDF, as the PDF spells it.
    results = everything("sup", "natverksmote")
    assert [(h.kind, h.title) for h in results.hits] == [
        ("document", "Dagordning nätverksmöte mars")]


def test_the_stemmer_is_the_c_build_and_stems_as_the_python_one():
    """PyStemmer (C) is what snowballstemmer uses when it is installed; it must give the
    stems the pure Python Snowball stemmer gives, over every word form of the benchmark's
    texts (inflections and compounds) and of the demo."""
    from snowballstemmer.swedish_stemmer import SwedishStemmer

    from intranet.demo import load
    from intranet.search import terms

    assert type(terms._STEMMER).__module__ == "Stemmer"
    python = SwedishStemmer()
    typed = {word for row in FIRST_HITS for word in terms.words(row[1])}
    forms = set(load._FORMS) | set(load._RARE[::50]) | typed
    assert len(forms) > 3000
    differ = [f for f in forms if stem(f.casefold()) != python.stemWord(f.casefold())]
    assert differ == []
