"""Who may do what: a role per user, personal access tokens, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    """Each role can do everything the one before it can (CONTRACT.md section 7)."""

    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    ADMIN = "admin", "Admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class Profile(models.Model):
    """A user's role. Superusers are admins whatever this says; no profile means viewer."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mam_profile"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Scope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Write"


class AccessToken(models.Model):
    """A personal access token for scripts. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=8, choices=Scope.choices)
    # The token's first characters, to recognise it in a list; not enough to use it.
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="token_user_live")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.scope})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class AuditAction(models.TextChoices):
    REGISTER = "register"
    UPLOAD = "upload"
    RENAME = "rename"
    TAG = "tag"
    COLLECT = "collect"
    REPROCESS = "reprocess"
    DELETE = "delete"


class AuditEntry(models.Model):
    """Who changed which asset, when, and from which client. Kept when the asset is deleted."""

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # The name at the time, kept when the user is deleted ("local" in the open mode).
    actor_name = models.CharField(max_length=150)
    # "ui", "token:<name>", "admin", "import_media", "reprocess", "open mode".
    client = models.CharField(max_length=120)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    asset_id = models.BigIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_recent"),
            models.Index(fields=["asset_id"], name="audit_asset"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} #{self.asset_id}"
