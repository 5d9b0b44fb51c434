"""The accounts API: sign in and out, who am I, personal access tokens, users, the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import (
    authenticate,
    get_user_model,
    login,
    logout,
    update_session_auth_hash,
)
from django.db import transaction
from django.db.models import QuerySet
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.pagination import BasePagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts import tokens
from accounts.api.serializers import (
    AuditEntrySerializer,
    LoginSerializer,
    MeSerializer,
    NewTokenSerializer,
    TokenSerializer,
    UserSerializer,
    me,
)
from accounts.authentication import CsrfSessionAuthentication
from accounts.models import AccessToken, AuditEntry, Role, Scope
from accounts.permissions import Public
from accounts.roles import LOCAL_USERNAME, auth_enabled, role_of, set_role
from assets.api.pagination import AssetPagination
from mam.errors import InvalidInput
from mam.system_log import log_event
from mam.throttling import SharedScopedRateThrottle

WRONG_CREDENTIALS = "Wrong user name or password"


class ItemsEnvelope(BasePagination):
    """A short list, whole, in the list envelope's `items` (no pages: a few tokens or users)."""

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        return list(queryset)

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"items": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "required": ["items"], "properties": {"items": schema}}


def _client_ip(request: Request) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


class LoginView(APIView):
    """Starts a browser session. CSRF-protected like every session write."""

    parser_classes = [JSONParser]
    permission_classes = [Public]
    throttle_classes = [SharedScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=LoginSerializer, responses={200: MeSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        CsrfSessionAuthentication().enforce_csrf(request)
        if not auth_enabled():
            return Response(me(request.user))
        form = LoginSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=form.validated_data["username"],
            password=form.validated_data["password"],
        )
        if user is None:
            log_event(
                "login_failed",
                username=form.validated_data["username"][:150],
                client=_client_ip(request),
            )
            raise NotAuthenticated(WRONG_CREDENTIALS)
        login(request._request, user)
        log_event("login", username=user.get_username(), client=_client_ip(request))
        return Response(me(user))


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeView(APIView):
    """Who the request is; sets the CSRF cookie a browser needs before signing in."""

    permission_classes = [Public]

    @extend_schema(responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        if role_of(request.user) is None:
            raise NotAuthenticated()
        return Response(me(request.user))


class TokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A user's own personal access tokens: made and shown once, listed, revoked."""

    serializer_class = TokenSerializer
    pagination_class = ItemsEnvelope
    parser_classes = [JSONParser]
    required_roles = {"create": Role.VIEWER, "destroy": Role.VIEWER}

    def get_queryset(self) -> QuerySet[AccessToken]:
        user = self.request.user
        if not user.pk:
            return AccessToken.objects.none()
        return AccessToken.objects.filter(user=user, revoked_at__isnull=True)

    @extend_schema(responses={201: NewTokenSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not request.user.pk:
            raise InvalidInput("Tokens need accounts; MAM_AUTH is off")
        form = TokenSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        scope = Scope(form.validated_data["scope"])
        role = role_of(request.user)
        if scope == Scope.WRITE and (role is None or not role.allows(Role.EDITOR)):
            raise PermissionDenied("A viewer can only make read tokens")
        token, secret = tokens.issue(request.user, form.validated_data["name"], scope)
        log_event("token_created", username=request.user.get_username(), token=token.prefix)
        body = NewTokenSerializer(token).data
        body["token"] = secret
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: AccessToken) -> None:
        tokens.revoke(instance)
        log_event("token_revoked", username=instance.user.get_username(), token=instance.prefix)


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Admins manage accounts: create, change role, reset a password, deactivate."""

    serializer_class = UserSerializer
    pagination_class = ItemsEnvelope
    parser_classes = [JSONParser]
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_roles = {"GET": Role.ADMIN, "POST": Role.ADMIN, "PATCH": Role.ADMIN}

    def get_queryset(self) -> QuerySet[Any]:
        return (
            get_user_model()
            .objects.select_related("mam_profile")
            .exclude(username=LOCAL_USERNAME, password__startswith="!")  # noqa: S106 - unusable
            .order_by("username")
        )

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=data["username"],
                password=data["password"],
                is_active=data.get("is_active", True),
            )
            set_role(user, Role(data.get("role", Role.VIEWER)))
        serializer.instance = user
        log_event("user_created", username=user.get_username(), by=self.request.user.get_username())

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        user: Any = serializer.instance
        data = dict(serializer.validated_data)
        own = user.pk == self.request.user.pk
        if own and "role" in data and data["role"] != Role.ADMIN:
            raise InvalidInput("You cannot change your own role", fields={"role": data["role"]})
        if own and data.get("is_active") is False:
            raise InvalidInput("You cannot deactivate yourself", fields={"is_active": False})
        if "username" in data and data["username"] != user.username:
            raise InvalidInput(
                "A user name cannot be changed", fields={"username": data["username"]}
            )
        with transaction.atomic():
            if "password" in data:
                user.set_password(data["password"])
            if "is_active" in data:
                user.is_active = data["is_active"]
            user.save()
            if own and "password" in data:  # stay signed in after changing one's own password
                update_session_auth_hash(self.request._request, user)
            if "role" in data:
                set_role(user, Role(data["role"]))
        log_event(
            "user_changed",
            username=user.get_username(),
            by=self.request.user.get_username(),
            fields=sorted(k for k in data if k != "password")
            + (["password"] if "password" in data else []),
        )


class AuditViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Who changed which asset, newest first; `asset_id` narrows it to one asset."""

    serializer_class = AuditEntrySerializer
    pagination_class = AssetPagination
    required_roles = {"GET": Role.ADMIN}

    def get_queryset(self) -> QuerySet[AuditEntry]:
        entries = AuditEntry.objects.all()
        raw = self.request.query_params.get("asset_id")
        if raw is not None:
            if not raw.isdigit() or len(raw) > 18:
                raise InvalidInput("asset_id must be a whole number", fields={"asset_id": raw})
            entries = entries.filter(asset_id=int(raw))
        return entries
