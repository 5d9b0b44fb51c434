"""The REST API for assets (/api/v1/assets)."""
