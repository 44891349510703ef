"""Every interface text has an English translation, and the catalogue is current."""

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from intranet.config import ROOT

CATALOGUE = ROOT / "intranet" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [("intranet/**.py", "python"), ("templates/**.html", "jinja2"),
           ("templates/**.txt", "jinja2")]


def source_messages() -> set[str]:
    found = set()
    for message in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS,
        options_map={"templates/**.html": {"extensions": "jinja2.ext.do"},
                     "templates/**.txt": {"extensions": "jinja2.ext.do"}},
    ):
        msgid = message[2]
        found.add(msgid[0] if isinstance(msgid, tuple) else msgid)
    return found


def test_every_interface_text_is_translated_to_english():
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalogue
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
        and "fuzzy" not in m.flags
    }
    missing = sorted(source_messages() - translated)
    assert not missing, f"run `make extract-messages` and translate: {missing}"


def test_template_words_and_dates_follow_a_forced_locale_and_come_back(app):
    from datetime import date

    from flask import render_template_string
    from flask_babel import force_locale

    template = "{{ _('Logga ut') }} {{ format_date(day, 'long') }}"
    day = date(2026, 5, 1)
    with app.test_request_context("/"):
        assert render_template_string(template, day=day) == "Logga ut 1 maj 2026"
        with force_locale("en"):
            assert render_template_string(template, day=day) == "Log out May 1, 2026"
        assert render_template_string(template, day=day) == "Logga ut 1 maj 2026"


def test_wtforms_own_messages_follow_the_language(app):
    """WTForms' built-in messages come in the request's language, from a catalogue read once
    per process."""
    from flask import session
    from flask_wtf import FlaskForm
    from wtforms import IntegerField

    from intranet import i18n

    class Form(FlaskForm):
        class Meta:
            csrf = False

        n = IntegerField("n")

    i18n._wtforms_catalogue.cache_clear()
    said = {}
    for lang in ("sv", "en", "sv"):
        with app.test_request_context(method="POST", data={"n": "tre"}):
            app.preprocess_request()
            session["lang"] = lang
            form = Form()
            assert not form.validate()
            said[lang] = form.n.errors[0]
    assert said == {"sv": "Inte ett giltigt heltal", "en": "Not a valid integer value."}
    assert i18n._wtforms_catalogue.cache_info().misses == 2
