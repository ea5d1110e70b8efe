"""API keys with a name and scopes, read from the entries of `UMKM_API_KEYS` / `UMKM_ADMIN_KEYS`.

An entry is a bare key (as before) or `name:scopes:key`, the scopes joined by `+`
(`dinas-jabar:read+outcomes:<key>`); `name::key` names a key and keeps the default scopes. Bare
keys of UMKM_API_KEYS hold read+lists+outcomes (what every key could do before scopes) and are
named `api-key-1`, `api-key-2`, ... by position; keys of UMKM_ADMIN_KEYS hold every scope unless
their entry lists some, and bare ones are named `admin-key-1`, ... The name, never the key, is
what the store records as who issued a list or recorded an outcome.

Messages name the entry by its number and the rule broken, never any part of it: a bare key with
two colons would otherwise show a piece of itself as a "name" or "scope".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Scope = Literal["read", "lists", "outcomes", "admin"]
SCOPES: tuple[Scope, ...] = ("read", "lists", "outcomes", "admin")
# What a bare key could do before keys had scopes: everything but the admin routes.
DEFAULT_API_SCOPES: frozenset[Scope] = frozenset(("read", "lists", "outcomes"))
ALL_SCOPES: frozenset[Scope] = frozenset(SCOPES)
MIN_KEY_LENGTH = 16
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class ApiKey:
    """One configured key: its name (recorded in the store), its scopes and the secret itself."""

    name: str
    scopes: frozenset[Scope]
    secret: bytes = field(repr=False)


def parse_entries(
    entries: Iterable[str], *, default_scopes: frozenset[Scope], bare_name: str
) -> tuple[ApiKey, ...]:
    """The keys of one setting's entries; ValueError naming each bad entry by number."""
    keys = []
    problems = []
    for number, entry in enumerate(entries, start=1):
        try:
            keys.append(_parse(entry, number, default_scopes, bare_name))
        except ValueError as error:
            problems.append(str(error))
    if problems:
        raise ValueError("; ".join(problems))
    return tuple(keys)


def _parse(entry: str, number: int, default_scopes: frozenset[Scope], bare_name: str) -> ApiKey:
    if entry.count(":") < 2:
        name, scopes, secret = f"{bare_name}-{number}", default_scopes, entry
    else:
        name, listed, secret = entry.split(":", 2)
        if not NAME_PATTERN.match(name):
            raise ValueError(
                f"key number {number}: a name is 1-64 letters, digits, '.', '_' or '-' "
                "(a bare key with two colons needs a name: write name::key)"
            )
        scopes = _scopes(listed, number) if listed else default_scopes
    if len(secret) < MIN_KEY_LENGTH:
        raise ValueError(f"key number {number} is shorter than {MIN_KEY_LENGTH} characters")
    if not secret.isascii() or not secret.isprintable():
        raise ValueError("keys must be printable ASCII")
    return ApiKey(name=name, scopes=scopes, secret=secret.encode())


def _scopes(listed: str, number: int) -> frozenset[Scope]:
    chosen = {scope for scope in SCOPES if scope in listed.split("+")}
    if sorted(chosen) != sorted(listed.split("+")):
        raise ValueError(
            f"key number {number}: scopes are {', '.join(SCOPES)}, joined by '+' (each once)"
        )
    return frozenset(chosen)


def check_distinct(keys: Iterable[ApiKey]) -> None:
    """Refuse two keys with one name (records would mix them up) or one secret twice."""
    names: set[str] = set()
    secrets: set[bytes] = set()
    for key in keys:
        if key.name in names:
            raise ValueError("two keys of UMKM_API_KEYS / UMKM_ADMIN_KEYS share a name")
        if key.secret in secrets:
            raise ValueError("a key appears twice in UMKM_API_KEYS / UMKM_ADMIN_KEYS")
        names.add(key.name)
        secrets.add(key.secret)
