"""Ingest: from what a client or an operator names (a path, an upload, a folder) to a
registered asset: path safety, supported types, uploads, bulk import."""
