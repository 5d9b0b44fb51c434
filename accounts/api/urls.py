"""Routes of the accounts API: /api/v1/auth/... and /api/v1/audit."""

from __future__ import annotations

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from accounts.api import views

router = SimpleRouter()
router.trailing_slash = "/?"
router.register("auth/tokens", views.TokenViewSet, basename="token")
router.register("auth/users", views.UserViewSet, basename="user")
router.register("audit", views.AuditViewSet, basename="audit")

urlpatterns = [
    re_path(r"^auth/login/?$", views.LoginView.as_view(), name="login"),
    re_path(r"^auth/logout/?$", views.LogoutView.as_view(), name="logout"),
    re_path(r"^auth/me/?$", views.MeView.as_view(), name="me"),
    *router.urls,
]
