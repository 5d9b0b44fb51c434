"""Shapes of the accounts API: credentials in, users and tokens out."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from accounts.models import AccessToken, AuditEntry, Role
from accounts.roles import auth_enabled, role_of


class StrictTypes:
    """JSON types as the schema says them: DRF would turn 0 into "0" and 1 into True."""

    text_fields: tuple[str, ...] = ()
    bool_fields: tuple[str, ...] = ()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            wrong = {
                name: ["Not a valid string."]
                for name in self.text_fields
                if name in data and not isinstance(data[name], str)
            } | {
                name: ["Must be a valid boolean."]
                for name in self.bool_fields
                if name in data and not isinstance(data[name], bool)
            }
            if wrong:
                raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)  # type: ignore[misc]


class LoginSerializer(StrictTypes, serializers.Serializer[Any]):
    text_fields = ("username", "password")

    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class MeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(allow_null=True)
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    auth_enabled = serializers.BooleanField()


def me(user: Any) -> dict[str, Any]:
    role = role_of(user)
    return {
        "id": user.pk,
        "username": user.get_username(),
        "role": role.value if role else None,
        "auth_enabled": auth_enabled(),
    }


class TokenSerializer(StrictTypes, serializers.ModelSerializer[AccessToken]):
    text_fields = ("name", "scope")

    class Meta:
        model = AccessToken
        fields = ["id", "name", "scope", "prefix", "created_at", "last_used_at"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at"]
        extra_kwargs = {"name": {"min_length": 1, "max_length": 100}}

    def validate_name(self, value: str) -> str:
        value = value.strip()
        if not value or "\x00" in value:
            raise serializers.ValidationError("A token needs a name of printable characters")
        return value


class NewTokenSerializer(TokenSerializer):
    """The answer to creating a token: the only time its secret is shown."""

    token = serializers.CharField(read_only=True)

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]


class UserSerializer(StrictTypes, serializers.ModelSerializer[Any]):
    text_fields = ("username", "password", "role")
    bool_fields = ("is_active",)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.VIEWER)
    password = serializers.CharField(
        write_only=True, required=False, trim_whitespace=False, max_length=4096
    )

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "role", "is_active", "password", "date_joined", "last_login"]
        read_only_fields = ["id", "date_joined", "last_login"]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        role = role_of(instance) if instance.is_active else _stored_role(instance)
        data["role"] = role.value if role else Role.VIEWER.value
        return data

    def validate_username(self, value: str) -> str:
        if "\x00" in value:
            raise serializers.ValidationError("A user name cannot contain NUL")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        password = attrs.get("password")
        if self.instance is None and not password:
            raise serializers.ValidationError({"password": ["A new user needs a password"]})
        if password:
            candidate = self.instance or get_user_model()(username=attrs.get("username", ""))
            try:
                password_validation.validate_password(password, candidate)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"password": list(exc.messages)}) from None
        return attrs


def _stored_role(user: Any) -> Role:
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "mam_profile", None)
    return Role(profile.role) if profile else Role.VIEWER


class AuditEntrySerializer(serializers.ModelSerializer[AuditEntry]):
    actor = serializers.CharField(source="actor_name")

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "client", "action", "asset_id", "detail"]
