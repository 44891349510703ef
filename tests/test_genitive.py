"""A name set before what it owns takes the genitive (Botkyrkas ställningstagande), in the
flash messages, the forms' labels and the mail, and reads as English in English."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from intranet.text import genitive


@pytest.mark.parametrize(("name", "owner"), [
    ("Botkyrka", "Botkyrkas"), ("Nynäshamn", "Nynäshamns"), ("Klimatnätverket",
                                                            "Klimatnätverkets"),
    ("Nätverket för planeringschefer", "Nätverket för planeringschefers"),
    ("Lars", "Lars"), ("Max", "Max"), ("Fritz", "Fritz"), ("AGNES", "AGNES"),
])
def test_swedish_adds_s_unless_the_name_ends_in_s_x_or_z(name, owner):
    assert genitive(name) == owner


def test_english_adds_apostrophe_and_s_and_the_filter_follows_the_language(app):
    with app.test_request_context():
        template = app.jinja_env.from_string("{{ name|genitive }}")
        assert template.render(name="Botkyrka") == "Botkyrkas"
        with force_locale("en"):
            assert genitive("Botkyrka") == "Botkyrka’s"
            assert genitive("Lars") == "Lars’s"
            assert template.render(name="Botkyrka") == "Botkyrka’s"
        assert genitive(None) == "Okänd persons"


def test_a_municipalitys_position_is_spoken_of_in_the_genitive(app, world, login_as):
    """A director's form for their municipality's position and the message after saving it,
    in Swedish and in English."""
    from tests.consultation_fixtures import RESPONSE_ID, build_consultations

    build_consultations(app, world)
    url = f"/natverk/plan/remissvar/{RESPONSE_ID}"
    convener = login_as("convener")
    assert convener.post(f"{url}/skicka-upp").status_code == 303
    director = login_as("director")
    page = director.get(url).get_data(as_text=True)
    assert "Ange Alfabys ställningstagande" in page
    saved = director.post(f"{url}/stallningstagande/{world.ids.alpha}", {
        "stance": "behind", "statement": "", "decision_reference": "", "version": ""})
    assert saved.status_code == 303
    page = director.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Alfabys ställningstagande är sparat." in page
    assert "Ändra Alfabys ställningstagande" in page
    assert director.post("/sprak", {"lang": "en"}).status_code in (302, 303)
    assert "Change Alfaby’s position" in director.get(url).get_data(as_text=True)
