"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, abort, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


def _has_nul(multidict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values)
               for key, values in multidict.lists())


def _has_nul_in_file_names(files) -> bool:
    return any("\x00" in (f.filename or "") for _key, uploads in files.lists() for f in uploads)


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        # PostgreSQL cannot hold NUL in text; refuse it up front as a bad request everywhere.
        if _has_nul(request.args) or (request.method != "GET" and (
                _has_nul(request.form) or _has_nul_in_file_names(request.files))):
            abort(400)

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        # same-origin, not no-referrer: Flask-WTF checks the Referer on HTTPS.
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if app.config.get("HSTS"):
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Pages are personal: never kept by a shared cache or shown again after logout.
            headers["Cache-Control"] = "no-store"
        headers.pop("Server", None)
        return response
