"""Settings, read from the environment.

Production refuses to start without a SECRET_KEY; development and tests get their own.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # The address people open, e.g. https://samverkan.example.se: every link in e-mail and in
    # files is built from it, never from a request's Host header (intranet.urls.external_url).
    # Required in production; requests for any other host are answered 400 there.
    BASE_URL = os.environ.get("BASE_URL")
    # More host names the app answers to in production, beside BASE_URL's (comma-separated).
    EXTRA_TRUSTED_HOSTS = os.environ.get("EXTRA_TRUSTED_HOSTS", "")
    # Behind a reverse proxy: how many proxies set each X-Forwarded-* header (werkzeug's
    # ProxyFix). 0, the default, trusts none of them.
    PROXY_X_FOR = _int("PROXY_X_FOR", 0)
    PROXY_X_PROTO = _int("PROXY_X_PROTO", 0)
    PROXY_X_HOST = _int("PROXY_X_HOST", 0)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    # Connections are renewed every half hour rather than pinged before every request (a
    # round trip on each, a fifth of a page's cost on PostgreSQL). A connection the database
    # dropped (a restart) fails the requests using it at that moment; SQLAlchemy then renews
    # the whole pool. DATABASE_PRE_PING=1 pings instead.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": _bool("DATABASE_PRE_PING", False),
                                 "pool_recycle": 1800}

    # Sessions: server-side login sessions with idle and absolute limits (auth.services).
    SESSION_COOKIE_NAME = "samverkan_session"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=_int("SESSION_ABSOLUTE_HOURS", 12))
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 120)
    SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12)
    # The CSRF token lives as long as the login session: a long editing session must not
    # lose its text to an expired token.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = True

    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 50 * 1024 * 1024)
    # Uploaded files: a local directory outside the web root (documents.storage).
    STORAGE_DIR = os.environ.get("STORAGE_DIR", str(ROOT / "instance" / "files"))
    DOCUMENTS_PER_PAGE = _int("DOCUMENTS_PER_PAGE", 25)
    # Rows per page of the combined action plan, networks per page of the coverage matrix.
    ACTIONS_PER_PAGE = _int("ACTIONS_PER_PAGE", 50)
    COVERAGE_PER_PAGE = _int("COVERAGE_PER_PAGE", 10)
    NETWORKS_PER_PAGE = _int("NETWORKS_PER_PAGE", 24)  # the directory's cards
    FOLLOW_UP_PER_PAGE = _int("FOLLOW_UP_PER_PAGE", 50)  # networks in the plan's follow-up
    # Cached page fragments kept by each worker, in characters (intranet/cache.py); 0: none.
    FRAGMENT_CACHE_CHARS = _int("FRAGMENT_CACHE_CHARS", 16_000_000)
    PREFERRED_URL_SCHEME = "https"
    HSTS = True

    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    # The compiled catalogues (messages.mo), made by installing the package (setup.py) or by
    # `make translations`; production refuses to start without a current one (check).
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "intranet" / "translations")
    LANGUAGES = ("sv", "en")

    # Password throttling (intranet.auth.throttle, docs/THROTTLING.md) counts in Redis, so that
    # every worker and server shares the counts; required in production.
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_ENABLED = True
    # Wrong passwords for one account from one client (an address, or a browser that has
    # logged in to the account before) before that client waits.
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    # Wrong passwords from one address, any accounts; browsers known to the account are exempt.
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "50 per 15 minutes")
    # Wrong passwords for one account from everywhere before attempts from unknown browsers
    # are slowed down, each further one waiting twice as long (up to LOGIN_SLOWDOWN_MAX_SECONDS).
    LOGIN_SLOWDOWN_AFTER = _int("LOGIN_SLOWDOWN_AFTER", 10)
    LOGIN_SLOWDOWN_MAX_SECONDS = _int("LOGIN_SLOWDOWN_MAX_SECONDS", 300)
    # How long a browser stays known to an account after a login with the right password.
    LOGIN_DEVICE_DAYS = _int("LOGIN_DEVICE_DAYS", 180)
    THROTTLE_KEY_PREFIX = os.environ.get("THROTTLE_KEY_PREFIX", "samverkan:throttle:")

    DEMO_DATA_DIR = ROOT / "intranet" / "demo"
    # `make bench` only: adds /_bench/floor, the layout without data, to compare pages with.
    BENCH_FLOOR = _bool("BENCH_FLOOR", False)

    # E-mail: SMTP in production; development writes .eml files under instance/mail.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Samverkansytan <noreply@samverkansytan.example>")
    MAIL_DIR = os.environ.get("MAIL_DIR", str(ROOT / "instance" / "mail"))

    # Sensitive actions (appointing) need the password given within this many minutes.
    FRESH_LOGIN_MINUTES = _int("FRESH_LOGIN_MINUTES", 30)
    INVITATION_DAYS = _int("INVITATION_DAYS", 7)
    PASSWORD_RESET_MINUTES = _int("PASSWORD_RESET_MINUTES", 60)
    TERM_NOTICE_DAYS = _int("TERM_NOTICE_DAYS", 14)


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'samverkansytan.sqlite3'}"
    )
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    WTF_CSRF_SSL_STRICT = False
    PREFERRED_URL_SCHEME = "http"
    HSTS = False


class TestConfig(DevelopmentConfig):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-only"
    BASE_URL = "http://localhost"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")


CONFIGS = {
    "production": Config,
    "development": DevelopmentConfig,
    "test": TestConfig,
}


def config_for(name: str | None) -> type[Config]:
    return CONFIGS[name or os.environ.get("INTRANET_ENV", "production")]


class ConfigError(RuntimeError):
    """A setting the app cannot start without is missing or wrong: the message says which."""


def check(config) -> None:
    """Refuse to start without what the environment needs, saying what to set."""
    if not config.get("SECRET_KEY"):
        raise ConfigError("SECRET_KEY must be set in the environment.")
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        raise ConfigError("DATABASE_URL must be set in the environment.")
    base = config.get("BASE_URL")
    if not base:
        raise ConfigError(
            "BASE_URL must be set in production: the address people open, e.g. "
            "BASE_URL=https://samverkan.example.se. Links in e-mail and files are built from "
            "it, and requests for other host names are refused.")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment:
        raise ConfigError(f"BASE_URL must be an address like https://samverkan.example.se, "
                          f"not {base!r}.")
    if config.get("ENV_NAME") == "production" and not config.get("REDIS_URL"):
        raise ConfigError(
            "REDIS_URL must be set in production, e.g. REDIS_URL=redis://127.0.0.1:6379/0: "
            "every worker and server counts wrong passwords in it (docs/THROTTLING.md).")
    if config.get("ENV_NAME") == "production":
        _check_catalogues(config)


def _check_catalogues(config) -> None:
    """Every language but the source language has its compiled catalogue, not older than its
    source where the source is there (an installed package has only the .mo): without one,
    pages marked as English would be read out in Swedish."""
    directories = [Path(d) for d in config["BABEL_TRANSLATION_DIRECTORIES"].split(";")]
    domain = config.get("BABEL_DOMAIN", "messages")
    for language in config["LANGUAGES"]:
        if language == config["BABEL_DEFAULT_LOCALE"]:
            continue
        catalogues = [d / language / "LC_MESSAGES" / f"{domain}.mo" for d in directories]
        compiled = [mo for mo in catalogues if mo.exists()]
        if not compiled:
            raise ConfigError(
                f"The {language!r} translation catalogue {catalogues[0]} is missing: install "
                f"the app with `pip install .` in its folder, which compiles it (or run "
                f"`make translations`).")
        for mo in compiled:
            po = mo.with_suffix(".po")
            if po.exists() and mo.stat().st_mtime < po.stat().st_mtime:
                raise ConfigError(
                    f"The {language!r} translation catalogue {mo} is older than its source "
                    f"{po.name}: install the app again with `pip install .` in its folder, "
                    f"which compiles it (or run `make translations`).")


def trusted_hosts(config) -> list[str]:
    """The host names production answers to: BASE_URL's and EXTRA_TRUSTED_HOSTS."""
    hosts = [urlsplit(config["BASE_URL"]).hostname]
    hosts += [h.strip() for h in config.get("EXTRA_TRUSTED_HOSTS", "").split(",") if h.strip()]
    return hosts
