"""`manage.py import_media` and `manage.py reprocess`."""
