"""Routes of the health endpoints (under /api/v1/health/)."""

from __future__ import annotations

from django.urls import re_path

from health import views

urlpatterns = [
    re_path(r"^status/?$", views.StatusView.as_view(), name="health-status"),
    re_path(r"^websocket/?$", views.WebsocketView.as_view(), name="health-websocket"),
    re_path(r"^processing/?$", views.ProcessingView.as_view(), name="health-processing"),
]
