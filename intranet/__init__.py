"""Samverkansytan: the collaboration space of a cooperation of municipalities."""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from intranet.config import ROOT, config_for, trusted_hosts
from intranet.config import check as check_config
from intranet.extensions import babel, csrf, db, limiter, login_manager, migrate

# htmx settings, read by htmx from a <meta> tag: no eval, no inline scripts, no
# localStorage history, no injected <style> (the CSP forbids it), error pages swapped too.
HTMX_CONFIG = {
    "selfRequestsOnly": True,
    "allowEval": False,
    "allowScriptTags": False,
    "historyCacheSize": 0,
    "includeIndicatorStyles": False,
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "[45]..", "swap": True, "error": True},
    ],
}


def create_app(config_name: str | None = None, test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_for(config_name))
    if test_config:
        app.config.update(test_config)
    check_config(app.config)
    if app.config["ENV_NAME"] == "production":
        # Flask answers 400 to a request for any other host (a forged Host header).
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    _proxy_fix(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        (ROOT / "instance").mkdir(exist_ok=True)

    from intranet.urls import IdConverter

    app.url_map.converters["int"] = IdConverter
    logging.basicConfig(level=logging.INFO)
    _init_extensions(app)
    _init_auth(app)
    _register_blueprints(app)
    _init_templates(app)

    from intranet import errors, security

    errors.init_app(app)
    security.init_app(app)

    from intranet.cli import register as register_cli

    register_cli(app)
    return app


def _proxy_fix(app: Flask) -> None:
    """Behind a reverse proxy: trust exactly as many X-Forwarded-* values as the settings say
    (none by default, so a client cannot forge its address or scheme)."""
    counts = {"x_for": app.config["PROXY_X_FOR"], "x_proto": app.config["PROXY_X_PROTO"],
              "x_host": app.config["PROXY_X_HOST"]}
    if any(counts.values()):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, **counts)


def _init_extensions(app: Flask) -> None:
    # Every model module is imported, so that Alembic and the mappers see them all.
    from intranet import cache
    from intranet.actions import models as _actions  # noqa: F401
    from intranet.audit import models as _audit  # noqa: F401
    from intranet.auth import models as _auth  # noqa: F401
    from intranet.auth import throttle
    from intranet.consultations import models as _consultations  # noqa: F401
    from intranet.documents import models as _documents  # noqa: F401
    from intranet.meetings import models as _meetings  # noqa: F401
    from intranet.notifications import models as _notifications  # noqa: F401
    from intranet.org import models as _org  # noqa: F401
    from intranet.search import index as _search_index  # noqa: F401 (keeps the index current)
    from intranet.search import models as search_models

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql"):
        from intranet import postgres

        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}), **postgres.ENGINE_OPTIONS}
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True, include_object=search_models.described_by_models)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)  # BABEL_TRANSLATION_DIRECTORIES
    app.config.setdefault(
        "RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://"
    )
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
    throttle.init_app(app)
    cache.init_app(app)
    if uri.startswith("sqlite:"):
        from intranet import sqlite

        with app.app_context():
            sqlite.configure(db.engine)
    elif uri.startswith("postgresql"):
        with app.app_context():
            postgres.configure(db.engine)


def _select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a command or a test outside a request: the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _init_auth(app: Flask) -> None:
    from intranet.auth.services import session_person
    from intranet.authz import PUBLIC_ENDPOINTS
    from intranet.htmx import is_htmx
    from intranet.urls import safe_next

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Logga in för att fortsätta.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # login sessions are checked on the server

    @login_manager.user_loader
    def load_person(key: str):
        # The login session is checked on every request; ending an idle one, or noting its
        # use, is committed here, before the page (which may only read) is made.
        person, changed = session_person(key)
        if changed:
            db.session.commit()
        return person

    @login_manager.unauthorized_handler
    def unauthorized():
        if is_htmx():
            # A session that ended during an htmx request: send the whole page to the login
            # page rather than swapping the login form into a table cell.
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            path = current.path + (f"?{current.query}" if current.query else "")
            target = url_for("auth.login", next=safe_next(path, url_for("main.index")))
            return "", 401, {"HX-Redirect": target}
        from intranet.errors import kept_text_after_logout

        kept = kept_text_after_logout()
        if kept is not None:
            return kept
        next_url = request.full_path if request.method == "GET" else None
        if next_url and next_url.endswith("?"):
            next_url = next_url[:-1]
        return redirect(url_for("auth.login", next=next_url), 302)

    @app.before_request
    def require_login():
        # Default deny: only the endpoints listed as public answer without a login.
        if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None


class _Deferred:
    """A template value made when the template prints it, not before."""

    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make

    def __str__(self) -> str:
        return self.make()


# The domains with pages, in the order their blueprints are registered.
DOMAINS = ("main", "auth", "networks", "org", "appointments", "accounts", "admin", "actions",
           "documents", "consultations", "meetings", "reviews", "search")


def _register_blueprints(app: Flask) -> None:
    # A package holds its blueprint; importing its routes module attaches the routes. Doing it
    # here (not in the package's __init__) keeps models importable without the routes.
    for name in DOMAINS:
        routes = importlib.import_module(f"intranet.{name}.routes")
        app.register_blueprint(routes.bp)
        # A domain that stores what people write adds it to Mina uppgifter.
        if importlib.util.find_spec(f"intranet.{name}.personal_data") is not None:
            importlib.import_module(f"intranet.{name}.personal_data")
    if app.config.get("BENCH_FLOOR"):
        from intranet.main.floor import bp as floor_bp

        app.register_blueprint(floor_bp)


# Answered without reading the database: files, and the benchmark's floor.
NO_DATABASE_ENDPOINTS = frozenset({"static", "bench.floor"})


def _init_templates(app: Flask) -> None:
    from intranet.authz import may
    from intranet.htmx import is_htmx
    from intranet.org.services import cooperation_name

    app.jinja_env.add_extension("jinja2.ext.do")
    from intranet.audit.labels import audit_label

    app.jinja_env.globals.update(audit_label=audit_label)
    from intranet import i18n, markup
    from intranet.menus import menu

    i18n.init_app(app)
    markup.init_app(app)
    app.jinja_env.globals.update(menu=menu)

    htmx_config = json.dumps(HTMX_CONFIG, separators=(",", ":"))

    @app.context_processor
    def layout_context():
        if not has_request_context():  # e-mail rendered by a command
            return {}
        cooperation = None
        if request.endpoint not in NO_DATABASE_ENDPOINTS:
            cooperation = cooperation_name()
        return {
            "may": lambda action, obj=None: may(current_user, action, obj),
            "cooperation": cooperation,
            "htmx_config": htmx_config,
            # Made only when the layout shows it: an htmx fragment does not.
            "hx_headers": _Deferred(lambda: json.dumps({"X-CSRFToken": generate_csrf()})),
            "languages": app.config["LANGUAGES"],
            "current_language": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            # A fragment for htmx may carry out-of-band parts that a whole page must not.
            "htmx_request": is_htmx(),
        }
