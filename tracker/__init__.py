"""Duban: the Django project package and the domain of key-task supervision."""

from .celery import app as celery_app

__all__ = ("celery_app",)
