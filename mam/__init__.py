"""The MAM Django project: configuration, ASGI entry point, Celery app, URLs."""

from __future__ import annotations

from mam.celery import app as celery_app

__all__ = ["celery_app"]
