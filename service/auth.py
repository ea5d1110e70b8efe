"""API keys: `X-API-Key` checked in constant time against `UMKM_API_KEYS` / `UMKM_ADMIN_KEYS`."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader

logger = logging.getLogger(__name__)

API_KEY_HEADER = "X-API-Key"

api_key_header = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="A key from UMKM_API_KEYS (admin routes: UMKM_ADMIN_KEYS).",
)


def key_matches(candidate: str | None, keys: Iterable[bytes]) -> bool:
    """True when `candidate` equals one of `keys`; every key is compared, in constant time each."""
    if candidate is None:
        return False
    given = candidate.encode("utf-8", errors="replace")
    found = False
    for key in keys:
        found |= hmac.compare_digest(given, key)
    return found


# `openapi_extra` of a route that calls `check_api_key` itself instead of the dependency.
API_KEY_SECURITY: dict[str, Any] = {"security": [{api_key_header.scheme_name: []}]}


async def require_api_key(
    request: Request, api_key: Annotated[str | None, Depends(api_key_header)]
) -> None:
    """Refuse the request (401) unless it carries a valid API key; open when none is configured."""
    _check_key(request.app.state.api_keys, api_key)


def check_api_key(request: Request) -> None:
    """`require_api_key` as a plain call, for the hot route that resolves no dependencies."""
    _check_key(request.app.state.api_keys, request.headers.get(API_KEY_HEADER))


def _check_key(keys: tuple[bytes, ...], api_key: str | None) -> None:
    if keys and not key_matches(api_key, keys):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail=f"Missing or invalid API key: send a valid key in the {API_KEY_HEADER} header.",
            headers={"WWW-Authenticate": "APIKey"},
        )


async def require_admin_key(
    request: Request, api_key: Annotated[str | None, Depends(api_key_header)]
) -> None:
    """Refuse the request unless it carries an admin key; 403 when admin keys are not configured."""
    keys: tuple[bytes, ...] = request.app.state.admin_keys
    if not keys:
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN,
            detail="Admin routes are disabled: set UMKM_ADMIN_KEYS to enable them.",
        )
    if not key_matches(api_key, keys):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail=f"Missing or invalid admin key: send it in the {API_KEY_HEADER} header.",
            headers={"WWW-Authenticate": "APIKey"},
        )


def warn_if_open(api_keys: tuple[str, ...]) -> None:
    """Say loudly that anyone can call the API when no key is configured (the local demo)."""
    if not api_keys:
        banner = "!" * 78
        logger.warning(
            "\n%s\nNO API KEYS CONFIGURED: the API is OPEN to anyone who can reach this port.\n"
            "Set UMKM_API_KEYS=key1,key2 (16+ characters each) before exposing the service.\n%s",
            banner,
            banner,
        )


ApiKeyDep = Annotated[None, Depends(require_api_key)]
AdminKeyDep = Annotated[None, Depends(require_admin_key)]
