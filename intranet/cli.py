"""Command-line commands: `flask --app wsgi seed-demo`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load the demo organisation and invented people (safe to run again)."""
        from intranet.demo import NotForProduction
        from intranet.demo.seed import DEMO_PASSWORD, seed_demo

        try:
            seed_demo(current_app.config["DEMO_DATA_DIR"] / "organisation.json")
        except NotForProduction as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Demo data loaded. Every demo account's password: {DEMO_PASSWORD}")

    @app.cli.command("generate-load")
    @click.option("--scale", type=float, default=1.0, show_default=True,
                  help="1 is all of Sweden's 290 municipalities; 0.1 the small set.")
    @click.option("--seed", type=int, default=2026, show_default=True)
    @click.option("--force", is_flag=True, help="Empty a database that already has data.")
    def generate_load_command(scale: float, seed: int, force: bool) -> None:
        """Fill an empty database with benchmark data (bulk inserts, deterministic)."""
        from intranet.demo import NotForProduction
        from intranet.demo.load import LOAD_PASSWORD, LoadError, generate

        if scale <= 0:
            raise click.BadParameter("must be above 0", param_hint="--scale")
        try:
            report = generate(scale, seed=seed, force=force)
        except (LoadError, NotForProduction) as error:
            raise click.ClickException(str(error)) from error
        for name, count in report.counts.items():
            click.echo(f"{name:>20}: {count:,}")
        click.echo(f"Made in {report.seconds:.1f} s (scale {scale}, seed {seed}). "
                   f"Every generated person's password: {LOAD_PASSWORD}")

    @app.cli.command("deliver-mail")
    @click.option("--watch", is_flag=True,
                  help="Keep running as the sender: deliver mail within seconds of its commit "
                       "and retry failed mail later, until SIGTERM or SIGINT.")
    @click.option("--poll", type=click.FloatRange(min=0.1), default=None,
                  help="With --watch: seconds between looks at the outbox (30 on PostgreSQL, "
                       "which is also woken by NOTIFY; 1 on SQLite).")
    def deliver_mail_command(watch: bool, poll: float | None) -> None:
        """Deliver e-mail that is still waiting, now (after an SMTP outage); with --watch, run
        the sender process."""
        if watch:
            from intranet.notifications.watcher import watch_until_stopped

            watch_until_stopped(current_app._get_current_object(), poll)
            return
        from intranet.notifications.services import deliver_pending

        click.echo(f"{deliver_pending()} e-mail delivered.")

    @app.cli.command("send-term-reminders")
    def send_term_reminders_command() -> None:
        """Run daily: tell people and directors two weeks before an appointment's term ends
        (the mail goes to the outbox, for the sender process)."""
        from intranet.appointments.services import send_term_reminders
        from intranet.extensions import db

        count = send_term_reminders()
        db.session.commit()
        click.echo(f"{count} appointment(s) reminded.")

    @app.cli.command("backup")
    @click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(target: Path) -> None:
        """Write every table and every stored file to TARGET (.tar.gz)."""
        from intranet.backup import create_backup

        manifest = create_backup(target)
        rows = sum(manifest["rows"].values())
        click.echo(f"Backup written to {target}: {rows} rows, {manifest['files']} files, "
                   f"schema {manifest['revision']}.")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def restore_command(source: Path) -> None:
        """Load SOURCE into an empty, migrated database (`flask db upgrade` first)."""
        from intranet.backup import BackupError, restore_backup

        try:
            manifest = restore_backup(source)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Restored {sum(manifest['rows'].values())} rows and "
                   f"{manifest['files']} files from {source}.")

    @app.cli.command("reindex")
    def reindex_command() -> None:
        """Make the search index again from what is saved (after restoring a backup, or if
        it is ever in doubt)."""
        from intranet.extensions import db
        from intranet.search.index import rebuild

        counts = rebuild()
        db.session.commit()
        click.echo(f"Search index made again: {sum(counts.values())} entries "
                   f"({', '.join(f'{kind}: {n}' for kind, n in counts.items())}).")

    @app.cli.command("prune")
    def prune_command() -> None:
        """Run daily: delete technical data past its retention time (docs/RETENTION.md)."""
        from intranet.extensions import db
        from intranet.retention import prune

        counts = prune()
        db.session.commit()
        click.echo("Pruned: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
