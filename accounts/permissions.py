"""Who may call what (CONTRACT.md section 7): the one permission class every API view uses.

Reads need a viewer and changes an editor, unless a view names another role per action or
method in `required_roles`. A read-scoped token can only read, whatever its user's role.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from accounts.models import AccessToken, Role, Scope
from accounts.roles import role_of


def required_role(request: Request, view: Any) -> Role:
    roles: dict[str, Role] = getattr(view, "required_roles", {})
    action = getattr(view, "action", None)
    if action and action in roles:
        return roles[action]
    if request.method in roles:
        return roles[request.method]
    return Role.VIEWER if request.method in SAFE_METHODS else Role.EDITOR


class RolePermission(BasePermission):
    message = "You do not have permission to do this"

    def has_permission(self, request: Request, view: Any) -> bool:
        role = role_of(request.user)
        if role is None:
            return False  # DRF answers 401 when nobody authenticated, 403 otherwise
        read_only = isinstance(request.auth, AccessToken) and request.auth.scope == Scope.READ
        if read_only and request.method not in SAFE_METHODS:
            self.message = "This token has the read scope; this needs a write token"
            return False
        needed = required_role(request, view)
        if not role.allows(needed):
            self.message = f"This needs the {needed.value} role; you are a {role.value}"
            return False
        return True


class Public(BasePermission):
    """For the few views anyone may call: health status for probes, sign-in."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return True
