"""Celery tasks per area: thin, take ids, call a service."""
