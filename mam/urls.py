"""URLs: the API under /api/v1, thumbnails, metrics, the admin, and the UI at /."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from assets.api.views import ThumbnailView
from health.metrics import metrics_view
from mam import errors
from mam.frontend import index

handler400 = errors.handler400
handler403 = errors.handler403
handler404 = errors.handler404
handler500 = errors.handler500


class SchemaView(SpectacularAPIView):
    """The OpenAPI document; a refusal (401, 403) is the contract's JSON, not YAML."""

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return response


@csrf_exempt
def api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Unknown routes under /api answer the contract's 404 body, even with DEBUG on."""
    return errors.handler404(request)


api_v1: list[URLPattern | URLResolver] = [
    path("", include("assets.api.urls")),
    path("", include("accounts.api.urls")),
    path("health/", include("health.urls")),
    re_path(r"^schema/?$", SchemaView.as_view(), name="schema"),
    re_path(r"^docs/?$", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    re_path(r"^api(?:/(?P<rest>.*))?$", api_not_found),
    re_path(r"^thumbnails/(?P<name>[^/]+)/?$", ThumbnailView.as_view(), name="thumbnail"),
    re_path(r"^metrics/?$", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    re_path(r"^$", index, name="index"),
]
