"""The keys a worker accepts now: the environment's, read at start, and `UMKM_API_KEYS_FILE`'s,
read again while the service runs when the file changes, so a key is added, rotated or revoked
without a restart.

On a request, at most every `api_keys_file_check_seconds`, one `stat` of the file: its
modification and status-change times, size and inode (a Kubernetes secret is swapped in as a new
file) say whether to read it again. A request takes one `KeySet`, an immutable snapshot, and a
reload replaces it in one assignment: a request sees the old keys or the new ones, never a mix.

A reload never opens the API: with a keys file configured the API is closed, and a file that is
gone or cannot be read gives no key (the environment's stay). A file whose entries cannot be
used (a short key, an unknown scope, a name taken with other scopes) is not applied: the keys in
force stay, and the log line names the file's line, never a key.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from service.keys import ApiKey, KeysFileUnreadableError, read_keys_file

if TYPE_CHECKING:
    from service.metrics import ServiceMetrics
    from service.settings import Settings

logger = logging.getLogger(__name__)

# What says a file changed: modification and status-change times (ns: a chmod that makes an
# unreadable file readable changes only the latter), size, inode and device.
Stamp = tuple[int, int, int, int, int]
_NEVER = object()  # no look at the file yet (a missing file's stamp is None)


@dataclass(frozen=True)
class KeySet:
    """The keys in force at one moment; `open` when none is needed (no UMKM_API_KEYS and no
    keys file: the local demo)."""

    keys: tuple[ApiKey, ...]
    open: bool

    @property
    def admin_enabled(self) -> bool:
        return any("admin" in key.scopes for key in self.keys)


class KeyRing:
    """The environment's keys and the keys file's, the latter read again when the file changes
    (looked at on `current()`, at most every `check_seconds`)."""

    def __init__(
        self,
        environment: tuple[ApiKey, ...],
        *,
        keys_file: Path | None = None,
        check_seconds: float = 5.0,
        metrics: ServiceMetrics | None = None,
        open_without_keys: bool = True,
    ) -> None:
        self._environment = environment
        self._file = keys_file
        self._check_seconds = check_seconds
        self._metrics = metrics
        self._lock = threading.Lock()
        self._stamp: object = _NEVER
        self._next_check = 0.0
        is_open = open_without_keys and keys_file is None
        self._current = KeySet(environment, open=is_open)
        self._count()
        if keys_file is not None:
            self._check(keys_file)

    @classmethod
    def from_settings(cls, settings: Settings, metrics: ServiceMetrics | None = None) -> KeyRing:
        return cls(
            settings.keys,
            keys_file=settings.api_keys_file,
            check_seconds=settings.api_keys_file_check_seconds,
            metrics=metrics,
            open_without_keys=not settings.api_keys,
        )

    def current(self) -> KeySet:
        """The keys in force, the keys file looked at first when its check is due."""
        if self._file is not None and time.monotonic() >= self._next_check:
            self._check(self._file)
        return self._current

    def _check(self, path: Path) -> None:
        if not self._lock.acquire(blocking=False):
            return  # another thread is at it: this request takes the keys in force
        try:
            now = time.monotonic()
            if now < self._next_check:
                return
            self._next_check = now + self._check_seconds
            stamp = _stamp(path)
            if stamp == self._stamp:
                return
            self._stamp = stamp
            self._reload(path)
        finally:
            self._lock.release()

    def _reload(self, path: Path) -> None:
        try:
            file_keys = read_keys_file(path, against=self._environment)
        except KeysFileUnreadableError as error:
            self._current = KeySet(self._environment, open=False)
            self._failed()
            logger.error(
                "API keys file %s: no key from it is accepted until it can be read (the "
                "environment's stay: %d)",
                error,
                len(self._environment),
            )
            return
        except ValueError as error:
            self._failed()
            logger.error(
                "API keys file not applied (the %d keys in force stay): %s",
                len(self._current.keys),
                error,
            )
            return
        self._current = KeySet(self._environment + file_keys, open=False)
        self._count()
        if self._metrics is not None:
            self._metrics.api_keys_last_reload_failed.set(0)
        total = len(self._current.keys)
        logger.log(
            logging.INFO if total else logging.WARNING,
            "API keys file %s: keys loaded: %d (%s); keys in force: %d%s",
            path,
            len(file_keys),
            _names(file_keys) or "none",
            total,
            "" if total else " (every keyed route answers 401)",
        )

    def _failed(self) -> None:
        self._count()
        if self._metrics is not None:
            self._metrics.api_keys_reload_failures.inc()
            self._metrics.api_keys_last_reload_failed.set(1)

    def _count(self) -> None:
        if self._metrics is not None:
            self._metrics.api_keys_loaded.set(len(self._current.keys))


def _stamp(path: Path) -> Stamp | None:
    """What says whether the file changed; None when it cannot be looked at (gone, say)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (
        status.st_mtime_ns,
        status.st_ctime_ns,
        status.st_size,
        status.st_ino,
        status.st_dev,
    )


def _names(keys: tuple[ApiKey, ...]) -> str:
    """`dinas-jabar, page (2 keys)`: each name once, with how many keys share it."""
    counts = Counter(key.name for key in keys)
    return ", ".join(
        name if count == 1 else f"{name} ({count} keys)" for name, count in sorted(counts.items())
    )
