"""Routes of the assets API; every URL answers with and without its trailing slash."""

from __future__ import annotations

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from assets.api.collections import CollectionViewSet
from assets.api.imports import FolderListView, ImportViewSet
from assets.api.similar import DuplicateGroupsView, SimilarAssetsView
from assets.api.uploads import UploadCollectionView, UploadView
from assets.api.views import AssetViewSet, TagListView

router = SimpleRouter()
router.trailing_slash = "/?"  # the constructor only takes a bool
router.register("assets", AssetViewSet, basename="asset")
router.register("collections", CollectionViewSet, basename="collection")
router.register("imports", ImportViewSet, basename="import")

urlpatterns = [
    *router.urls,
    re_path(r"^tags/?$", TagListView.as_view(), name="tags"),
    re_path(r"^folders/?$", FolderListView.as_view(), name="folders"),
    re_path(r"^duplicates/?$", DuplicateGroupsView.as_view(), name="duplicates"),
    re_path(r"^assets/(?P<pk>[^/]+)/similar/?$", SimilarAssetsView.as_view(), name="asset-similar"),
    re_path(r"^uploads/?$", UploadCollectionView.as_view(), name="uploads"),
    re_path(r"^uploads/(?P<upload_id>[^/]+)/?$", UploadView.as_view(), name="upload"),
]
