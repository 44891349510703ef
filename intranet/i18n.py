"""The templates' words and dates, fast: a page says `_()` a few hundred times and shows dozens
of dates, and Flask-Babel looks up the locale and its catalogue again for every one of them.
Here the catalogue is looked up once per request and locale (a forced locale, as for e-mail in
the reader's language, is a new locale and so a new lookup), and a formatted date is
remembered per (value, format, locale, time zone)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from babel import support
from flask import Flask, g, request
from flask_babel import format_date, format_datetime, get_locale, get_timezone, get_translations
from wtforms.i18n import messages_path


def _current():
    """(locale, translations) of this request, looked up once per locale. The locale chosen
    (or forced) is where Flask-Babel keeps it for the request; when it is not there yet, or
    it is not the one the catalogue was looked up for, ask Flask-Babel."""
    cached = g.get("_i18n")
    babel = g.get("_flask_babel")
    if cached is None or babel is None or getattr(babel, "babel_locale", None) is not cached[0]:
        cached = g._i18n = (get_locale(), get_translations())
    return cached


def current_locale():
    """The request's locale (as Flask-Babel's get_locale, looked up once)."""
    return _current()[0]


def _gettext(string: str) -> str:
    return _current()[1].ugettext(string)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _current()[1].ungettext(singular, plural, n)


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Flask-Babel's ngettext (the count is `%(num)s`) for Python code that runs per row, with
    the catalogue looked up once per request."""
    return _ngettext(singular, plural, num) % {"num": num, **variables}


@lru_cache(maxsize=4096)
def _date(value, format: str, locale: str, zone: str | None) -> str:
    return format_date(value, format)


@lru_cache(maxsize=4096)
def _datetime(value, format: str, locale: str, zone: str) -> str:
    return format_datetime(value, format)


def cached_format_date(value=None, format: str | None = None):
    if value is None or format is None:
        return format_date(value, format)
    # A datetime's day depends on the time zone it is shown in; a date's does not.
    zone = str(get_timezone()) if isinstance(value, datetime) else None
    return _date(value, format, str(_current()[0]), zone)


def cached_format_datetime(value=None, format: str | None = None):
    if value is None or format is None:
        return format_datetime(value, format)
    return _datetime(value, format, str(_current()[0]), str(get_timezone()))


@lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsWords:
    """WTForms' own messages ("This field is required.") in the request's language. Flask-WTF
    reads their catalogue from disk again in every request that has a form; this reads it
    once per process and language."""

    def ugettext(self, string: str) -> str:
        return _wtforms_catalogue(str(current_locale())).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(current_locale())).ungettext(singular, plural, n)


_WTFORMS_WORDS = _WTFormsWords()


def init_app(app: Flask) -> None:
    """Replace Flask-Babel's template callables with these (after babel.init_app)."""
    app.jinja_env.install_gettext_callables(gettext=_gettext, ngettext=_ngettext, newstyle=True)
    from intranet.counts import count
    from intranet.text import genitive

    app.jinja_env.globals.update(format_date=cached_format_date,
                                 format_datetime=cached_format_datetime, count=count)
    app.jinja_env.filters["genitive"] = genitive

    @app.before_request
    def _wtforms_words() -> None:
        request.wtforms_translations = _WTFORMS_WORDS  # where Flask-WTF looks first
