"""Clients of every kind the access rules distinguish (CONTRACT.md section 7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accounts import tokens
from accounts.models import Role, Scope
from accounts.roles import create_user

PASSWORD = "a-long-enough-password-1"

Kind = str  # "anonymous", "viewer", "editor", "admin", "token-read", "token-write"
KINDS = ["anonymous", "viewer", "editor", "admin", "token-read", "token-write"]


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    def make(username: str, role: Role = Role.VIEWER, password: str = PASSWORD) -> Any:
        return create_user(username, password, role)

    return make


@pytest.fixture
def client_of(make_user: Callable[..., Any]) -> Callable[[Kind], Client]:
    """A client signed in as a role (session), or sending an editor's token of one scope."""

    def build(kind: Kind) -> Client:
        if kind == "anonymous":
            return Client()
        if kind.startswith("token-"):
            owner = make_user(f"script-{kind}", Role.EDITOR)
            _, secret = tokens.issue(owner, "script", Scope(kind.removeprefix("token-")))
            return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        user = make_user(f"user-{kind}", Role(kind))
        signed_in = Client()
        signed_in.force_login(user)
        return signed_in

    return build
