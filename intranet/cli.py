"""Command-line commands: `flask --app wsgi seed-demo`."""

from __future__ import annotations

import click
from flask import Flask, current_app


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load the demo organisation and invented people (safe to run again)."""
        from intranet.demo.seed import DEMO_PASSWORD, seed_demo

        seed_demo(current_app.config["DEMO_DATA_DIR"] / "organisation.json")
        click.echo(f"Demo data loaded. Every demo account's password: {DEMO_PASSWORD}")
