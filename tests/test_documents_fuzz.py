"""Fuzzed input to the document forms and list never causes a server error, and what is
saved is what was sent."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from intranet.documents.models import Document, DocumentVersion
from intranet.extensions import db

PLAN = "/natverk/plan/dokument"
text = st.text(max_size=300)
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(query=text, tag=text, sort=text, page=text)
def test_document_list_never_errors(app, world, login_as, query, tag, sort, page):
    client = login_as("member")
    for htmx in (False, True):
        response = client.http.get(f"{PLAN}/", query_string={
            "q": query, "etikett": tag, "sortera": sort, "sida": page},
            headers={"HX-Request": "true"} if htmx else {})
        assert response.status_code == (400 if "\x00" in query + tag + sort + page else 200)


@FUZZ
@given(title=text, body=st.text(max_size=2000), tags=text, visibility=text, note=text)
def test_new_page_never_errors_and_keeps_the_text(app, world, login_as, title, body, tags,
                                                  visibility, note):
    client = login_as("member")
    response = client.post(f"{PLAN}/ny-sida", {"title": title, "body": body, "tags": tags,
                                                "visibility": visibility, "note": note})
    if "\x00" in title + body + tags + visibility + note:
        assert response.status_code == 400
        return
    assert response.status_code in (303, 422)
    if response.status_code == 303:
        document_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        with app.app_context():
            page = db.session.get(Document, document_id)
            expected = body.replace("\r\n", "\n").replace("\r", "\n")
            assert page.current_revision.body == expected
            assert page.title == title.strip()[:200] and page.title
            assert len(page.tags) <= 10


@FUZZ
@given(filename=st.text(max_size=300), title=text, tags=text)
def test_upload_never_errors_whatever_the_file_name(app, world, login_as, filename, title,
                                                    tags):
    client = login_as("member")
    response = client.post(f"{PLAN}/ladda-upp", {
        "files": [(io.BytesIO(b"Hej\n"), filename)], "title": title, "tags": tags,
        "visibility": "network"}, content_type="multipart/form-data")
    response.close()
    if "\x00" in title + tags + filename:  # NUL anywhere, a file's name too, is refused
        assert response.status_code == 400
        return
    assert response.status_code in (303, 422)
    with app.app_context():
        for name in db.session.scalars(select(DocumentVersion.filename)):
            # The original name is metadata only: no path, no control characters.
            assert name and "/" not in name and "\\" not in name and name.isprintable()
