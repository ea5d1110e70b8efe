"""Headers every response carries, errors and 500s included."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Browsers must not guess a type other than the declared one (a JSON error rendered as HTML).
EVERY_RESPONSE = {"X-Content-Type-Options": "nosniff"}


class ResponseHeadersMiddleware:
    """Sets `EVERY_RESPONSE` on each HTTP response; wraps the whole app, so that also the 500s
    Starlette's outermost error middleware sends carry them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in EVERY_RESPONSE.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
