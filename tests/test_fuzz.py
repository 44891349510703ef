"""Fuzzed input never causes a server error, and invariants hold."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Client

text = st.text(max_size=300)
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(email=text, password=text, next_url=text)
def test_login_form_never_errors_and_never_redirects_away(app, world, email, password, next_url):
    c = Client(app)
    response = c.post("/logga-in", {"email": email, "password": password, "next": next_url})
    expected = {400} if "\x00" in email + password + next_url else {422, 429}
    assert response.status_code in expected
    c.http.get("/logga-in")  # the form still renders afterwards


@FUZZ
@given(query=text, focus=text)
def test_directory_search_never_errors(app, world, login_as, query, focus):
    client = login_as("member")
    for htmx in (False, True):
        response = client.http.get("/natverk/", query_string={"q": query, "fokus": focus},
                                   headers={"HX-Request": "true"} if htmx else {})
        # NUL cannot be stored or searched in PostgreSQL: such input is refused as a bad request.
        assert response.status_code == (400 if "\x00" in query + focus else 200)


@FUZZ
@given(lang=text, next_url=text)
def test_language_switch_never_errors_and_stays_local(app, world, lang, next_url):
    c = Client(app)
    response = c.post("/sprak", {"lang": lang, "next": next_url})
    if "\x00" in lang + next_url:
        assert response.status_code == 400
        return
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
