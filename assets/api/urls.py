"""Routes of the assets API; every URL answers with and without its trailing slash."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from assets.api.views import AssetViewSet

router = SimpleRouter()
router.trailing_slash = "/?"  # the constructor only takes a bool
router.register("assets", AssetViewSet, basename="asset")

urlpatterns = router.urls
