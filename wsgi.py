"""The WSGI entry point: `flask --app wsgi run`, `gunicorn wsgi:app`."""

from intranet import collector, create_app

app = create_app()
collector.tune(app)
