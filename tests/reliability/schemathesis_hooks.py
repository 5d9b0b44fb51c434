"""Loaded by the schemathesis command line (SCHEMATHESIS_HOOKS) in test_schema.py: a tus
chunk's media type is plain bytes, as application/octet-stream is."""

from __future__ import annotations

import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
