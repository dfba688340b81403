"""Shared set-up for the benchmark scripts: a fresh PostgreSQL database and Django."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh_django(default_database_url: str) -> None:
    """Recreate the benchmark's own database (numbers are comparable run to run), then set
    up Django against it. Call before importing anything that touches models."""
    import psycopg

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ.setdefault("DATABASE_URL", default_database_url)
    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    import django

    django.setup()
