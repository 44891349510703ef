"""gunicorn's settings for serving the app (`gunicorn wsgi:app` reads this file from the
project's folder): what the README's production section deploys and `make bench` measures.

The app's answers carry no Server header: which server software answers is left for an
attacker to find out on their own. gunicorn trusts no forwarded header (by default it takes
X-Forwarded-Proto and SCRIPT_NAME from 127.0.0.1): the app trusts exactly what its
PROXY_X_* settings say."""

from gunicorn.http import wsgi as _wsgi

_default_headers = _wsgi.Response.default_headers


def _without_server(self):
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


_wsgi.Response.default_headers = _without_server


forwarded_allow_ips = ""
