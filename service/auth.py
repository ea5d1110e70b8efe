"""API keys and their scopes: `X-API-Key` compared in constant time with every configured key.

Scopes (`service.keys`): `read` (scores, the model, GET lists), `lists` (POST /v1/lists and
/v1/prioritize), `outcomes` (POST /v1/outcomes), `admin` (/v1/admin/*); the page's routes take
their API equivalent's (`service.web.uploads`, `service.web.downloads`). A missing or unknown
key is a 401; a known key without the route's scope a 403 naming the scope. The keys in force come
from `service.key_ring` (the environment's and `UMKM_API_KEYS_FILE`'s, the file read again when
it changes). With no UMKM_API_KEYS and no keys file the API is open (the local demo) except for
the admin routes.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader

from service.key_ring import KeyRing
from service.keys import DEFAULT_API_SCOPES, ApiKey, Scope

logger = logging.getLogger(__name__)

API_KEY_HEADER = "X-API-Key"

api_key_header = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="A key from UMKM_API_KEYS or the keys file UMKM_API_KEYS_FILE (admin routes: "
    "UMKM_ADMIN_KEYS, or a file key with the admin scope); each key has scopes (read, lists, "
    "outcomes, admin).",
)

# Who calls an open API (no UMKM_API_KEYS, no keys file): recorded as the issuer of its lists.
ANONYMOUS = ApiKey(name="anonymous", scopes=DEFAULT_API_SCOPES, secret=b"")


def key_matches(candidate: str | None, keys: Iterable[bytes]) -> bool:
    """True when `candidate` equals one of `keys`; every key is compared, in constant time each."""
    return _find(candidate, [ApiKey("", frozenset(), key) for key in keys]) is not None


def _find(candidate: str | None, keys: Iterable[ApiKey]) -> ApiKey | None:
    """The key equal to `candidate`, comparing every key in constant time (no early exit)."""
    if candidate is None:
        return None
    given = candidate.encode("utf-8", errors="replace")
    found = None
    for key in keys:
        if hmac.compare_digest(given, key.secret):
            found = key
    return found


class ScopeError(HTTPException):
    """A valid key without the scope a route needs (403; the problem names the scope)."""

    def __init__(self, key: ApiKey, scope: Scope) -> None:
        super().__init__(
            status_code=status.HTTP_403_FORBIDDEN,
            detail=f"The key named {key.name} lacks the {scope} scope this route needs; "
            f"use a key with {scope} in its scopes.",
        )
        self.scope = scope


# `openapi_extra` of a route that calls `check_scope` itself instead of a dependency.
API_KEY_SECURITY: dict[str, Any] = {"security": [{api_key_header.scheme_name: []}]}


def authorize(request: Request, api_key: str | None, scope: Scope | None) -> ApiKey:
    """The caller's key if it may use a route needing `scope` (None: any valid key)."""
    ring: KeyRing = request.app.state.key_ring
    keys = ring.current()  # one snapshot for the whole decision, even during a reload
    key = _find(api_key, keys.keys)
    if scope == "admin" and not keys.admin_enabled:
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN,
            detail="Admin routes are disabled: set UMKM_ADMIN_KEYS (or give a key of "
            "UMKM_API_KEYS_FILE the admin scope) to enable them.",
        )
    if key is None:
        if keys.open and scope != "admin":
            return ANONYMOUS
        word = "admin key" if scope == "admin" else "API key"
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail=f"Missing or invalid {word}: send a valid key in the {API_KEY_HEADER} header.",
            headers={"WWW-Authenticate": "APIKey"},
        )
    if scope is not None and scope not in key.scopes:
        raise ScopeError(key, scope)
    return key


def check_scope(request: Request, scope: Scope) -> ApiKey:
    """`authorize` as a plain call, for the hot routes that resolve no dependencies."""
    return authorize(request, request.headers.get(API_KEY_HEADER), scope)


async def require_read(
    request: Request, api_key: Annotated[str | None, Depends(api_key_header)]
) -> ApiKey:
    """A key with the read scope."""
    return authorize(request, api_key, "read")


async def require_lists(
    request: Request, api_key: Annotated[str | None, Depends(api_key_header)]
) -> ApiKey:
    """A key with the lists scope."""
    return authorize(request, api_key, "lists")


async def require_outcomes(
    request: Request, api_key: Annotated[str | None, Depends(api_key_header)]
) -> ApiKey:
    """A key with the outcomes scope."""
    return authorize(request, api_key, "outcomes")


async def require_admin_key(
    request: Request, api_key: Annotated[str | None, Depends(api_key_header)]
) -> ApiKey:
    """A key with the admin scope; 403 when no key has it (admin routes disabled)."""
    return authorize(request, api_key, "admin")


def warn_if_open(ring: KeyRing) -> None:
    """Say loudly that anyone can call the API when no key is configured (the local demo)."""
    if ring.current().open:
        banner = "!" * 78
        logger.warning(
            "\n%s\nNO API KEYS CONFIGURED: the API is OPEN to anyone who can reach this port.\n"
            "Set UMKM_API_KEYS=key1,key2 (16+ characters each) or UMKM_API_KEYS_FILE before "
            "exposing the service.\n%s",
            banner,
            banner,
        )


ReadKey = Annotated[ApiKey, Depends(require_read)]
ListsKey = Annotated[ApiKey, Depends(require_lists)]
OutcomesKey = Annotated[ApiKey, Depends(require_outcomes)]
AdminKeyDep = Annotated[ApiKey, Depends(require_admin_key)]
