"""Library: finding and organizing what is registered (search today; tags, collections and
duplicates as they land)."""
