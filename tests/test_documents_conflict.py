"""The conflict view's three texts: when a save fails because someone else saved in between,
the text both saves started from (the revision the editor's form names), what the other
person changed in it and what the editor changed, for a text page and for a consultation
response's section; and why only two texts are shown when that revision is not known."""

from __future__ import annotations

import re

import pytest

from intranet import editing
from intranet.consultations import services as consultations
from intranet.consultations.models import ResponseSection, SectionRevision
from intranet.documents import services as svc
from intranet.documents.models import Document, PageRevision
from intranet.extensions import db
from tests.consultation_fixtures import RESPONSE_ID, SECTION_IDS, build_consultations
from tests.document_fixtures import PAGE_ID, build_documents

PLAN = "/natverk/plan/dokument"


@pytest.fixture
def docs(app, world, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path / "files"))
    return build_documents(app, world)


def hidden(text: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', text).group(1)


# ---------------------------------------------------------------- services: the conflict's base


def _conflict_on_page(world, *others):
    """Maja and the others open revision 1; each other saves in turn; Maja's save fails."""
    network, member = world.network(), world.person("member")
    page = svc.create_page(network, member, title="Anteckningar",
                           body="Mötet hålls i mars i Huddinge.")
    db.session.commit()
    started = page.lock_version
    for person, body in others:
        svc.save_page(page, person, expected_version=page.lock_version, title="Anteckningar",
                      body=body)
        db.session.commit()
    with pytest.raises(editing.EditConflict) as caught:
        svc.save_page(page, member, expected_version=started, title="Anteckningar",
                      body="Mötet hålls i mars i Huddinge, med lunch.")
    db.session.rollback()
    return page, caught.value.conflict


def test_a_conflict_gets_the_text_both_saves_started_from(app_ctx, world):
    convener = world.person("convener")
    page, conflict = _conflict_on_page(
        world, (convener, "Mötet hålls i april i Huddinge."))
    full = editing.with_base(conflict, PageRevision.document_id, page.id, 1)
    base = full.base
    assert base.text == "Mötet hålls i mars i Huddinge."
    assert (base.number, base.current_number, base.saved_by) == (1, 2, (convener.name,))
    assert [(c.op, c.text) for c in base.theirs.chunks if c.op != "equal"] == [
        ("delete", "mars"), ("insert", "april")]
    assert [(c.op, c.text) for c in base.mine.chunks if c.op != "equal"] == [
        ("delete", "Huddinge."), ("insert", "Huddinge, med lunch.")]
    # What the conflict already said stays as it was.
    assert (full.mine, full.current) == (conflict.mine, conflict.current)


def test_the_base_is_found_after_several_saves_by_several_people(app_ctx, world):
    convener, secretariat = world.person("convener"), world.person("secretariat")
    page, conflict = _conflict_on_page(world, (convener, "Mötet hålls i april."),
                                       (secretariat, "Mötet hålls i april i Flemingsberg."),
                                       (convener, "Mötet hålls den 2 april i Flemingsberg."))
    base = editing.with_base(conflict, PageRevision.document_id, page.id, 1).base
    assert base.text == "Mötet hålls i mars i Huddinge."
    assert base.current_number == 4
    assert base.saved_by == (convener.name, secretariat.name)
    assert "".join(c.text for c in base.theirs.chunks if c.op != "delete") == (
        "Mötet hålls den 2 april i Flemingsberg.")


def test_without_a_known_base_the_conflict_says_why(app_ctx, world):
    convener = world.person("convener")
    page, conflict = _conflict_on_page(world, (convener, "Mötet hålls i april."))
    unknown = editing.with_base(conflict, PageRevision.document_id, page.id, None)
    missing = editing.with_base(conflict, PageRevision.document_id, page.id, 7)
    unchanged = editing.with_base(conflict, PageRevision.document_id, page.id, 2)
    assert (unknown.base, unknown.no_base) == (None, editing.BASE_UNKNOWN)
    assert (missing.base, missing.no_base) == (None, editing.BASE_MISSING)
    assert (unchanged.base, unchanged.no_base) == (None, editing.BASE_UNCHANGED)
    assert editing.revision_number("2") == 2
    assert [editing.revision_number(v) for v in ("", None, "x", "-1", "9" * 30)] == [None] * 5


def test_a_section_conflict_gets_its_base_from_the_section_revisions(app, world):
    build_consultations(app, world)
    with app.app_context():
        section = db.session.get(ResponseSection, SECTION_IDS[0])
        consultations.save_section(section, world.person("convener"), expected_version=1,
                                   title="Sammanfattning", body="Kommunerna avstyrker planen.")
        db.session.commit()
        with pytest.raises(editing.EditConflict) as caught:
            consultations.save_section(section, world.person("member"), expected_version=1,
                                       title="Sammanfattning",
                                       body="Kommunerna välkomnar planen varmt.")
        db.session.rollback()
        full = editing.with_base(caught.value.conflict, SectionRevision.section_id, section.id, 1)
        assert full.base.text == "Kommunerna välkomnar planen."
        assert full.base.saved_by == ("Kalle Sammankallande",)
        assert editing.latest_number(SectionRevision.section_id, section.id) == 2


# ---------------------------------------------------------------- HTTP: the conflict view


def _edit_page(client, body, version, base):
    return client.post(f"{PLAN}/{PAGE_ID}/redigera", {
        "title": "Minnesanteckningar", "body": body, "version": version, "base": base,
        "visibility": "network", "tags": ""})


def test_a_page_conflict_shows_the_three_texts_and_keeps_the_editors_text(app, docs,
                                                                          login_as):
    member, convener = login_as("member"), login_as("convener")
    form = member.get(f"{PLAN}/{PAGE_ID}/redigera").get_data(as_text=True)
    version, base = hidden(form, "version"), hidden(form, "base")
    assert base == "2"
    assert _edit_page(convener, "Vi träffades den 12 mars i Flemingsberg.", version,
                      base).status_code == 303
    mine = "Vi träffades den 12 mars i Huddinge, alla kom."
    answer = _edit_page(member, mine, version, base)
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "Texten ni båda utgick från" in page
    assert "Vi träffades den 12 mars i Huddinge.</pre>" in page  # revision 2, the base
    assert "Kalle Sammankallandes ändringar" in page
    assert "Sparade som version 3" in page
    assert re.search(r"<del><span class=\"visually-hidden\">Borttaget: </span>Huddinge\.", page)
    assert re.search(r"<ins><span class=\"visually-hidden\">Tillagt: </span>Flemingsberg\.",
                     page)
    assert "Dina ändringar" in page
    assert f"{mine}</textarea>" in page
    # The form now starts from the saved revision: saving again is a deliberate merge.
    assert hidden(page, "base") == "3" and hidden(page, "version") != version
    merged = "Vi träffades den 12 mars i Flemingsberg, alla kom."
    assert _edit_page(member, merged, hidden(page, "version"), "3").status_code == 303
    with app.app_context():
        assert svc.latest_revision(db.session.get(Document, PAGE_ID)).body == merged


def test_a_page_conflict_without_a_base_says_why_and_shows_two_texts(app, docs, login_as):
    member, convener = login_as("member"), login_as("convener")
    version = hidden(member.get(f"{PLAN}/{PAGE_ID}/redigera").get_data(as_text=True),
                     "version")
    assert _edit_page(convener, "Deras text.", version, "2").status_code == 303
    page = _edit_page(member, "Min text.", version, "").get_data(as_text=True)
    assert "Det går inte att se vilken version du utgick från" in page
    assert "Texten ni båda utgick från" not in page
    assert "Deras text.</pre>" in page and "Min text.</textarea>" in page


def test_a_section_conflict_shows_the_three_texts(app, world, login_as):
    build_consultations(app, world)
    url = f"/natverk/plan/remissvar/{RESPONSE_ID}/avsnitt/{SECTION_IDS[0]}/redigera"
    member, convener = login_as("member"), login_as("convener")
    form = member.get(url).get_data(as_text=True)
    assert (hidden(form, "version"), hidden(form, "base")) == ("1", "1")
    assert convener.post(url, {"title": "Sammanfattning", "version": "1", "base": "1",
                               "body": "Kommunerna välkomnar planen med förbehåll."}
                         ).status_code == 303
    answer = member.post(url, {"title": "Sammanfattning", "version": "1", "base": "1",
                               "body": "Kommunerna välkomnar planen varmt."})
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "Texten ni båda utgick från" in page
    assert "Kommunerna välkomnar planen.</pre>" in page
    assert "Kalle Sammankallandes ändringar" in page and "Dina ändringar" in page
    assert "Kommunerna välkomnar planen varmt.</textarea>" in page
    assert (hidden(page, "version"), hidden(page, "base")) == ("2", "2")


# ---------------------------------------------------------------- changes to different lines


@pytest.mark.parametrize(("base", "theirs", "mine", "merged"), [
    # Different lines: both kept.
    ("a\nb\nc\nd\n", "A\nb\nc\nd\n", "a\nb\nc\nD\n", "A\nb\nc\nD\n"),
    # Next to each other is still different lines.
    ("a\nb\nc\n", "a\nB\nc\n", "a\nb\nC\n", "a\nB\nC\n"),
    # One adds at the end of a text without a last line break, the other changes a line.
    ("a\nb", "a\nb\nc", "A\nb", "A\nb\nc"),
    # The same change made by both is taken once.
    ("a\nb\n", "a\nb\nx\n", "A\nb\nx\n", "A\nb\nx\n"),
    # Removed by one, changed elsewhere by the other.
    ("a\nb\nc\n", "a\nc\n", "a\nb\nC\n", "a\nC\n"),
    # Windows line breaks from a browser's text box.
    ("a\nb\n", "A\nb\n", "a\r\nB\r\n", "A\nB\n"),
])
def test_changes_to_different_lines_merge_into_one_text(base, theirs, mine, merged):
    assert editing.merge(base, theirs, mine) == merged


@pytest.mark.parametrize(("base", "theirs", "mine"), [
    ("a\nb\n", "A\nb\n", "a2\nb\n"),  # the same line changed differently
    ("a\n", "a\nx\n", "a\ny\n"),  # different lines added at the same place
    ("a\nb\nc\n", "a\nc\n", "a\nB\nc\n"),  # one removed the line the other changed
    ("a\nb\n", "A\nb\n", ""),  # one emptied the text
])
def test_changes_to_the_same_lines_do_not_merge(base, theirs, mine):
    assert editing.merge(base, theirs, mine) is None


def test_a_page_conflict_on_different_lines_offers_both_changes_in_the_text_box(
        app, docs, login_as):
    member, convener = login_as("member"), login_as("convener")
    with app.app_context():
        document = db.session.get(Document, PAGE_ID)
        base_text = svc.latest_revision(document).body
    form = member.get(f"{PLAN}/{PAGE_ID}/redigera").get_data(as_text=True)
    version, base = hidden(form, "version"), hidden(form, "base")
    start = f"Dagordning\n\n{base_text}\n\nNästa möte: april"
    assert _edit_page(convener, start, version, base).status_code == 303
    form = member.get(f"{PLAN}/{PAGE_ID}/redigera").get_data(as_text=True)
    version, base = hidden(form, "version"), hidden(form, "base")
    theirs = start.replace("Dagordning", "Dagordning (reviderad)")
    mine = start.replace("Nästa möte: april", "Nästa möte: 9 april, digitalt")
    assert _edit_page(convener, theirs, version, base).status_code == 303
    answer = _edit_page(member, mine, version, base)
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "Ni ändrade olika delar av texten, så båda ändringarna går att behålla." in page
    both = "Dagordning (reviderad)\n\n" + base_text + "\n\nNästa möte: 9 april, digitalt"
    assert re.search(rf'name="body"[^>]*>\s*{re.escape(both)}</textarea>', page)
    assert "Spara den sammanslagna texten" in page
    assert _edit_page(member, both, hidden(page, "version"), hidden(page, "base")
                      ).status_code == 303
    with app.app_context():
        assert svc.latest_revision(db.session.get(Document, PAGE_ID)).body == both


def test_a_page_conflict_on_the_same_line_says_saving_replaces_the_other_change(
        app, docs, login_as):
    member, convener = login_as("member"), login_as("convener")
    form = member.get(f"{PLAN}/{PAGE_ID}/redigera").get_data(as_text=True)
    version, base = hidden(form, "version"), hidden(form, "base")
    assert _edit_page(convener, "Deras rad.", version, base).status_code == 303
    page = _edit_page(member, "Min rad.", version, base).get_data(as_text=True)
    assert "Ni har ändrat samma ställe i texten." in page
    assert "det du sparar ersätter dem" in page
    assert "Min rad.</textarea>" in page and "Spara min text" in page


# ---------------------------------------------------------------- the form's other fields


def _page_post(client, version, base, **fields):
    data = {"title": "Minnesanteckningar", "body": "Text.", "version": version, "base": base,
            "visibility": "network", "tags": ""}
    data.update(fields)
    return client.post(f"{PLAN}/{PAGE_ID}/redigera", data)


def test_a_title_only_the_other_person_changed_is_kept_in_the_conflicts_form(
        app, docs, login_as):
    member, convener = login_as("member"), login_as("convener")
    form = member.get(f"{PLAN}/{PAGE_ID}/redigera").get_data(as_text=True)
    version, base = hidden(form, "version"), hidden(form, "base")
    with app.app_context():
        body = svc.latest_revision(db.session.get(Document, PAGE_ID)).body
    title = re.search(r'name="title"[^>]*value="([^"]*)"', form).group(1)
    assert _page_post(convener, version, base, title="Minnesanteckningar (justerade)",
                      body=body).status_code == 303
    answer = _page_post(member, version, base, title=title, body=body + "\n\nTillägg.")
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert re.search(r'name="title"[^>]*value="Minnesanteckningar \(justerade\)"', page)
    assert "skiljer sig också här" not in page


def test_other_fields_saved_meanwhile_are_named_when_the_form_differs(app, docs, login_as):
    member, convener = login_as("member"), login_as("convener")
    form = member.get(f"{PLAN}/{PAGE_ID}/redigera").get_data(as_text=True)
    version, base = hidden(form, "version"), hidden(form, "base")
    title = re.search(r'name="title"[^>]*value="([^"]*)"', form).group(1)
    assert _page_post(convener, version, base, title="Deras rubrik", body="Deras text.",
                      visibility="everyone", tags="möte").status_code == 303
    page = _page_post(member, version, base, title="Min rubrik", body="Min text.",
                      visibility="network", tags="").get_data(as_text=True)
    assert "Det som sparades under tiden skiljer sig också här från ditt formulär:" in page
    assert "Rubrik: sparat ”Deras rubrik”, i ditt formulär ”Min rubrik”." in page
    assert "Etiketter: sparat ”möte”, i ditt formulär ””." in page
    assert re.search(r"Vem får se dokumentet\?: sparat ”Alla inloggade[^”]*”, i ditt formulär "
                     r"”Bara nätverket", page)
    assert title != "Min rubrik"


# ---------------------------------------------------------------- a save that changes nothing


def test_saving_a_page_unchanged_writes_no_revision_and_starts_no_conflict(app, docs, login_as):
    member, convener = login_as("member"), login_as("convener")
    form = member.get(f"{PLAN}/{PAGE_ID}/redigera").get_data(as_text=True)
    version, base = hidden(form, "version"), hidden(form, "base")
    with app.app_context():
        document = db.session.get(Document, PAGE_ID)
        current = svc.latest_revision(document)
        title, body, before = current.title, current.body, current.number
    assert _page_post(convener, version, base, title=title, body=body).status_code == 303
    with app.app_context():
        assert svc.latest_revision(db.session.get(Document, PAGE_ID)).number == before
    # The member's save, from the same version, goes through: nobody changed anything.
    assert _page_post(member, version, base, title=title, body=body + "\n\nTillägg."
                      ).status_code == 303


def test_saving_a_section_unchanged_writes_no_revision(app, world, login_as):
    build_consultations(app, world)
    url = f"/natverk/plan/remissvar/{RESPONSE_ID}/avsnitt/{SECTION_IDS[0]}/redigera"
    convener, member = login_as("convener"), login_as("member")
    assert convener.post(url, {"title": "Sammanfattning", "version": "1", "base": "1",
                               "body": "Kommunerna välkomnar planen."}).status_code == 303
    with app.app_context():
        assert db.session.get(ResponseSection, SECTION_IDS[0]).lock_version == 1
    assert member.post(url, {"title": "Sammanfattning", "version": "1", "base": "1",
                             "body": "Kommunerna välkomnar planen varmt."}).status_code == 303


def test_changing_only_a_pages_tags_and_visibility_saves_them_without_a_revision(
        app, docs, login_as):
    convener = login_as("convener")
    form = convener.get(f"{PLAN}/{PAGE_ID}/redigera").get_data(as_text=True)
    with app.app_context():
        current = svc.latest_revision(db.session.get(Document, PAGE_ID))
        title, body, before = current.title, current.body, current.number
    assert _page_post(convener, hidden(form, "version"), hidden(form, "base"), title=title,
                      body=body, tags="möte, beslut", visibility="everyone").status_code == 303
    with app.app_context():
        document = db.session.get(Document, PAGE_ID)
        assert svc.latest_revision(document).number == before
        assert sorted(document.tag_names) == ["beslut", "möte"]
        assert document.visibility == "everyone"
