"""WSGI entry point: ``gunicorn -w 4 wsgi:app`` (production) or ``flask --app wsgi run``."""
import os

from reviewtool import create_app

app = create_app(os.environ.get("REVIEWTOOL_CONFIG", "development"))
