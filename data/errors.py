"""The base of every error the data package raises: callers can catch `DataError` alone."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote


class DataError(Exception):
    """Something in a file, a value or the program store that the data layer refuses."""


def one_line(error: BaseException) -> str:
    """An error's message on one line: the CLI prints one line per file error."""
    return " ".join(str(error).split()) or type(error).__name__


# Shorter passwords, and pieces of one, are not masked on their own (`a/b` would mask every `b`
# of a message); `masked_uri` still masks them inside a URI.
_SHORTEST_PIECE = 4


def without_passwords(text: str, uris: Iterable[str | None]) -> str:
    """`text` with the password of each URI in `uris` replaced by `***`, whole and each piece
    of it between `/`, `?`, `#` or spaces, as written and percent-decoded: a password holding
    an unencoded `/` is read by urllib as a host and a path, and a driver or MLflow may then
    quote the part after the `/` with no `scheme://` before it, where
    `models.model_lookup.masked_uri` cannot see it."""
    for uri in uris:
        for secret in sorted(_password_pieces(uri or ""), key=len, reverse=True):
            text = text.replace(secret, "***")
    return text


def _password_pieces(uri: str) -> set[str]:
    _, separator, rest = uri.partition("://")
    at = rest.rfind("@")
    if not separator or at < 0:
        return set()
    _, colon, password = rest[:at].partition(":")
    if not colon or not password:
        return set()
    pieces = {password, unquote(password)}  # a driver shows it decoded: `p%40ss` as `p@ss`
    pieces |= {part for whole in list(pieces) for part in re.split(r"[/?# ]+", whole)}
    return {piece for piece in pieces if len(piece) >= _SHORTEST_PIECE}
