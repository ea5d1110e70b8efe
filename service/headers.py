"""Headers every response carries, errors and 500s included, and the language headers of every
answer worded by Accept-Language."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Browsers must not guess a type other than the declared one (a JSON error rendered as HTML).
EVERY_RESPONSE = {"X-Content-Type-Options": "nosniff"}
# The request state's entry naming the language an answer is worded in, chosen from
# Accept-Language (`service.deps.reply_language`); unset or None: nothing follows the header.
REPLY_LANGUAGE = "reply_language"


def word_reply_in(connection: HTTPConnection, language: str | None) -> None:
    """Record that the answer's words follow Accept-Language and are in `language` (None: the
    answer is not worded that way after all, such as an English 401 or 500)."""
    connection.state[REPLY_LANGUAGE] = language


class ResponseHeadersMiddleware:
    """Sets `EVERY_RESPONSE` on each HTTP response and, when the route worded its answer in the
    language of Accept-Language, `Content-Language` (unless the route set its own) and
    `Vary: Accept-Language`. Wraps the whole app, so that also the 500s Starlette's outermost
    error middleware sends carry the former."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The dict `request.state` writes to; made here so this layer sees what routes record.
        state: dict[str, Any] = scope.setdefault("state", {})

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in EVERY_RESPONSE.items():
                    headers[name] = value
                language = state.get(REPLY_LANGUAGE)
                if language is not None:
                    headers.setdefault("Content-Language", language)
                    _vary_on_accept_language(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _vary_on_accept_language(headers: MutableHeaders) -> None:
    listed = [name.strip().lower() for name in headers.get("Vary", "").split(",")]
    if "accept-language" not in listed and "*" not in listed:
        headers.add_vary_header("Accept-Language")
