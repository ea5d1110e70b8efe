"""API keys with a name and scopes, read from the entries of `UMKM_API_KEYS` / `UMKM_ADMIN_KEYS`
and from the lines of `UMKM_API_KEYS_FILE`.

An entry is a bare key (as before) or `name:scopes:key`, the scopes joined by `+`
(`dinas-jabar:read+outcomes:<key>`); `name::key` names a key and keeps the default scopes. Bare
keys of UMKM_API_KEYS hold read+lists+outcomes (what every key could do before scopes) and are
named `api-key-1`, `api-key-2`, ... by position; keys of UMKM_ADMIN_KEYS hold every scope unless
their entry lists some, and bare ones are named `admin-key-1`, ... The name, never the key, is
what the store records as who issued a list or recorded an outcome. A keys file holds the same
entries one per line (blank lines and `#` comments skipped): its bare keys are named
`file-key-<line>` and hold read+lists+outcomes, and a line whose scopes include `admin` is an
admin key. Several keys may share a name, for rotation, only if they share their scopes too.

Messages name the entry by its number (a file's: its line) and the rule broken, never any part
of it: a bare key with two colons would otherwise show a piece of itself as a "name" or "scope".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from service.exceptions import ServiceError

Scope = Literal["read", "lists", "outcomes", "admin"]
SCOPES: tuple[Scope, ...] = ("read", "lists", "outcomes", "admin")
# What a bare key could do before keys had scopes: everything but the admin routes.
DEFAULT_API_SCOPES: frozenset[Scope] = frozenset(("read", "lists", "outcomes"))
ALL_SCOPES: frozenset[Scope] = frozenset(SCOPES)
MIN_KEY_LENGTH = 16
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# A keys file holds a few hundred bytes per key; one much larger is not a keys file, and it is
# read on the request path.
MAX_KEYS_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ApiKey:
    """One configured key: its name (recorded in the store), its scopes and the secret itself;
    `origin` says where it was configured (`key number 2 of UMKM_API_KEYS`, `line 4`) for
    messages."""

    name: str
    scopes: frozenset[Scope]
    secret: bytes = field(repr=False)
    origin: str = field(default="", compare=False)


class KeysFileUnreadableError(ServiceError, ValueError):
    """A keys file that is missing or cannot be opened (its entries are another error)."""


def parse_entries(
    entries: Iterable[str],
    *,
    default_scopes: frozenset[Scope],
    bare_name: str,
    setting: str = "",
) -> tuple[ApiKey, ...]:
    """The keys of one setting's entries; ValueError naming each bad entry by number."""
    suffix = f" of {setting}" if setting else ""
    return _parse_all(
        ((number, f"key number {number}", entry) for number, entry in enumerate(entries, 1)),
        default_scopes=default_scopes,
        bare_name=bare_name,
        suffix=suffix,
    )


def configured_keys(api_entries: Iterable[str], admin_entries: Iterable[str]) -> tuple[ApiKey, ...]:
    """The keys of UMKM_API_KEYS then UMKM_ADMIN_KEYS, each with its defaults."""
    api = parse_entries(
        api_entries, default_scopes=DEFAULT_API_SCOPES, bare_name="api-key", setting="UMKM_API_KEYS"
    )
    admin = parse_entries(
        admin_entries, default_scopes=ALL_SCOPES, bare_name="admin-key", setting="UMKM_ADMIN_KEYS"
    )
    return api + admin


def parse_keys_file(text: str) -> tuple[ApiKey, ...]:
    """The keys of a keys file's text, one entry per line as in UMKM_API_KEYS (bare keys named
    `file-key-<line>`); ValueError naming each bad line by its number."""
    lines = ((number, line.strip()) for number, line in enumerate(text.splitlines(), start=1))
    return _parse_all(
        ((number, f"line {number}", line) for number, line in lines if line[:1] not in ("", "#")),
        default_scopes=DEFAULT_API_SCOPES,
        bare_name="file-key",
    )


def read_keys_file(path: Path, *, against: Iterable[ApiKey] = ()) -> tuple[ApiKey, ...]:
    """The keys of the file at `path`, distinct from each other and from `against` (the
    environment's). `KeysFileUnreadableError` when it cannot be opened, ValueError when an entry
    cannot be used; both messages start with the path and name lines, never a key."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_KEYS_FILE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise KeysFileUnreadableError(f"{path} cannot be read ({reason})") from None
    try:
        if len(data) > MAX_KEYS_FILE_BYTES:
            raise ValueError(f"larger than {MAX_KEYS_FILE_BYTES // 1024} KiB: not a keys file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:  # its message would quote the byte
            line = data[: error.start].count(b"\n") + 1
            raise ValueError(f"line {line} is not UTF-8 text") from None
        keys = parse_keys_file(text)
        check_distinct(keys, against=against)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    return keys


def _parse_all(
    numbered: Iterable[tuple[int, str, str]],
    *,
    default_scopes: frozenset[Scope],
    bare_name: str,
    suffix: str = "",
) -> tuple[ApiKey, ...]:
    keys = []
    problems = []
    for number, label, entry in numbered:
        try:
            keys.append(
                _parse(
                    entry,
                    number,
                    label=label,
                    default_scopes=default_scopes,
                    bare_name=bare_name,
                    origin=label + suffix,
                )
            )
        except ValueError as error:
            problems.append(str(error))
    if problems:
        raise ValueError("; ".join(problems))
    return tuple(keys)


def _parse(
    entry: str,
    number: int,
    *,
    label: str,
    default_scopes: frozenset[Scope],
    bare_name: str,
    origin: str,
) -> ApiKey:
    if "," in entry:  # only a file's line can hold one: two entries pasted on one line
        raise ValueError(f"{label}: one key per line (a key holds no comma)")
    if entry.count(":") < 2:
        name, scopes, secret = f"{bare_name}-{number}", default_scopes, entry
    else:
        name, listed, secret = entry.split(":", 2)
        if not NAME_PATTERN.match(name):
            raise ValueError(
                f"{label}: a name is 1-64 letters, digits, '.', '_' or '-' "
                "(a bare key with two colons needs a name: write name::key)"
            )
        scopes = _scopes(listed, label) if listed else default_scopes
    if len(secret) < MIN_KEY_LENGTH:
        raise ValueError(f"{label} is shorter than {MIN_KEY_LENGTH} characters")
    if not secret.isascii() or not secret.isprintable():
        raise ValueError(f"{label}: keys must be printable ASCII")
    return ApiKey(name=name, scopes=scopes, secret=secret.encode(), origin=origin)


def _scopes(listed: str, label: str) -> frozenset[Scope]:
    chosen = {scope for scope in SCOPES if scope in listed.split("+")}
    if sorted(chosen) != sorted(listed.split("+")):
        raise ValueError(f"{label}: scopes are {', '.join(SCOPES)}, joined by '+' (each once)")
    return frozenset(chosen)


def check_distinct(keys: Iterable[ApiKey], *, against: Iterable[ApiKey] = ()) -> None:
    """Refuse one secret twice, and one name on keys with different scopes (a name shared for a
    rotation, old and new key side by side, keeps what the name may do). `keys` are checked
    among themselves and against `against`, which are taken as already checked."""
    by_name: dict[str, ApiKey] = {}
    by_secret: dict[bytes, ApiKey] = {}
    for key in against:
        by_name.setdefault(key.name, key)
        by_secret.setdefault(key.secret, key)
    problems = []
    for key in keys:
        where = key.origin or "a key"
        if key.secret in by_secret:
            first = by_secret[key.secret].origin or "another entry"
            problems.append(f"{where}: a key appears twice (also {first})")
        named = by_name.setdefault(key.name, key)
        if named.scopes != key.scopes:
            first = named.origin or "another entry"
            problems.append(
                f"{where}: its name is also {first}'s, with other scopes (two keys share a "
                "name, to rotate a key, only with the same scopes)"
            )
        by_secret.setdefault(key.secret, key)
    if problems:
        raise ValueError("; ".join(problems))
