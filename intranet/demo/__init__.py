"""Invented data: the demo organisation (seed) and the benchmark's national scale (load).

Both create people with passwords printed in the README and the benchmark, so neither runs
outside development and the tests."""

from __future__ import annotations

from flask import current_app

# The environments (INTRANET_ENV) where invented people and known passwords may be made.
ALLOWED_ENVIRONMENTS = ("development", "test")


class NotForProduction(RuntimeError):
    """Demo or benchmark data asked for where real people work."""


def require_development() -> None:
    """Refuse, before anything is written, outside development and the tests."""
    env = current_app.config["ENV_NAME"]
    if env not in ALLOWED_ENVIRONMENTS:
        raise NotForProduction(
            f"Refused: this command makes invented people with published passwords, and "
            f"INTRANET_ENV is {env!r}. It runs only with INTRANET_ENV=development.")
