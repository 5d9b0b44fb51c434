"""Media processing without Django or Celery: a path in, dataclasses and files out."""
