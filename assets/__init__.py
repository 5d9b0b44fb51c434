"""The domain: a path becomes an asset, an asset is processed, progress becomes events."""
