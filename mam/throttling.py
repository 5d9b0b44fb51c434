"""Rate limits kept in Redis: one count per user when signed in, per address otherwise,
shared by every server process, and never evicted by a flood of new keys (each key expires
with its window). When Redis cannot be reached the request is let through: a limit must
not take the API down with it."""

from __future__ import annotations

import logging
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger("mam.system")


class SharedScopedRateThrottle(ScopedRateThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # Redis down: fail open, say so once per request
            logger.warning("rate limit not checked (%s): %s", self.scope, exc)
            return True
