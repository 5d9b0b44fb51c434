"""Health: one check per component, and the endpoints that report them."""
