"""Request body size limits per route, as a pure ASGI middleware.

The declared Content-Length is checked before anything is read, and the bytes actually received
are counted too (chunked bodies carry no length), so no body past its route's limit is buffered.
The 413 names the limit and the way out that fits the route (fewer MSMEs, fewer outcomes per
batch, a smaller file), in the language of Accept-Language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from data.messages import Language, render
from service.errors import error_body
from service.exceptions import WordedHTTPError
from service.headers import REPLY_LANGUAGE
from service.reasons import negotiate_language
from service.settings import MAX_OUTCOMES

# What a route's 413 advises (`data.messages` codes `body_limit_<advice>`).
Advice = Literal["default", "scores", "lists", "outcomes", "file"]
BODY_LIMIT_CODES: dict[str, tuple[str, ...]] = {
    "body_limit_default": ("limit", "megabytes"),
    "body_limit_scores": ("limit", "megabytes"),
    "body_limit_lists": ("limit", "megabytes"),
    "body_limit_outcomes": ("limit", "megabytes", "maximum"),
    "body_limit_file": ("limit", "megabytes"),
}


class RouteLimit(NamedTuple):
    """A route's body limit in bytes and what its 413 advises."""

    limit: int
    advice: Advice = "default"


class BodyTooLargeError(WordedHTTPError):
    """Raised from `receive` when streamed bytes pass the limit; FastAPI turns it into a 413."""

    def __init__(self, route: RouteLimit, language: Language) -> None:
        super().__init__(413, too_large_message(route, language), language)


def too_large_message(route: RouteLimit, language: Language = "en") -> str:
    """The 413 message: the limit in bytes and MB, and the way out for this route."""
    megabytes = round(route.limit / 1_000_000, 1 if route.limit >= 1_000_000 else 3)
    params = {"limit": route.limit, "megabytes": megabytes, "maximum": MAX_OUTCOMES}
    return render(f"body_limit_{route.advice}", params, language)


class BodyLimitMiddleware:
    """Refuses bodies larger than `limits[path]` (else `default`) with 413."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limits: Mapping[str, RouteLimit],
        default: int,
        default_language: Language,
    ) -> None:
        self.app = app
        self.limits = dict(limits)
        self.default = RouteLimit(default)
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = self.limits.get(scope["path"], self.default)
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > route.limit:
            await _send_413(scope, send, route, self._language(scope))
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > route.limit:
                    raise BodyTooLargeError(route, self._language(scope))
            return message

        await self.app(scope, counting_receive, send)

    def _language(self, scope: Scope) -> Language:
        return negotiate_language(_header(scope, b"accept-language"), self.default_language)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _send_413(scope: Scope, send: Send, route: RouteLimit, language: Language) -> None:
    # Worded by Accept-Language: `service.headers` adds Content-Language and Vary.
    scope.setdefault("state", {})[REPLY_LANGUAGE] = language
    body = error_body("body_too_large", too_large_message(route, language))
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
