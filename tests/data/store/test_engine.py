"""The program store's URL: a driver it runs on, or one line that never echoes the URL."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from data.store.engine import POSTGRESQL, driver_reason, store_url, wait_for_store
from data.store.errors import StoreError, StoreUnavailableError
from data.store.migrate import upgrade
from tests.data.store.conftest import POSTGRES_URL_VARIABLE

SECRET = "S3cret-Hunter2"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("notaurl", "is not a database URL"),
        (f"postgresql+psycopg://ops:{SECRET}@h:5x432/db", "is not a database URL"),
        (f"mysql://ops:{SECRET}@h/db", "names mysql: the program store runs on SQLite"),
        (f"postgresql+psycopg2://ops:{SECRET}@h/db", "names postgresql+psycopg2"),
        (f"postgresql+psycopg://ops:Pg@{SECRET}@127.0.0.1:5432/db", "write @ as %40"),
    ],
    ids=["not-a-url", "port", "mysql", "psycopg2", "unencoded-at"],
)
def test_a_url_the_store_cannot_use_is_one_line_without_the_password(url: str, words: str) -> None:
    with pytest.raises(StoreError) as refused:
        store_url(url)
    assert words in str(refused.value)
    assert SECRET not in str(refused.value) and "Hunter" not in str(refused.value)


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
def test_postgresql_urls_as_hosting_panels_write_them_use_psycopg(scheme: str) -> None:
    parsed = store_url(f"{scheme}://ops:pass%40word@db.example:5432/umkm")
    assert parsed.drivername == POSTGRESQL
    assert (parsed.host, parsed.port, parsed.password) == ("db.example", 5432, "pass@word")


def test_sqlite_urls_pass_as_they_are() -> None:
    assert store_url("sqlite:///umkm.db").database == "umkm.db"


def _closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_server_that_never_comes_up_is_given_up_on_without_the_password() -> None:
    url = f"postgresql+psycopg://ops:{SECRET}@127.0.0.1:{_closed_port()}/umkm"
    waits: list[tuple[int, str]] = []
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError) as gave_up:
        wait_for_store(url, 1.5, lambda attempt, reason: waits.append((attempt, reason)))
    took = time.monotonic() - started

    assert 1.5 <= took < 10
    assert [attempt for attempt, _ in waits] == list(range(1, len(waits) + 1))
    assert len(waits) >= 2  # tried again, at growing intervals
    assert "within 1.5 s" in str(gave_up.value) and "UMKM_DATABASE_WAIT_SECONDS" in str(
        gave_up.value
    )
    assert all(SECRET not in reason for _, reason in waits)
    assert SECRET not in str(gave_up.value)


@pytest.mark.parametrize("seconds", [0.0, 30.0])
def test_sqlite_and_no_wait_are_answered_at_once(seconds: float, tmp_path: Path) -> None:
    waits: list[tuple[int, str]] = []
    started = time.monotonic()
    wait_for_store(
        f"sqlite:///{tmp_path / 'absent' / 'umkm.db'}", seconds, lambda *a: waits.append(a)
    )
    closed = f"postgresql+psycopg://ops:x@127.0.0.1:{_closed_port()}/umkm"
    wait_for_store(closed, 0.0, lambda *a: waits.append(a))  # 0: not waited for
    assert waits == [] and time.monotonic() - started < 5


class _LateForwarder:
    """A TCP port that starts accepting after `delay` seconds and then forwards every
    connection to `upstream`: a database server coming up while `umkm serve` waits."""

    def __init__(self, upstream: tuple[str, int], delay: float) -> None:
        self.upstream = upstream
        self.port = _closed_port()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, args=(delay,), daemon=True)
        self.thread.start()

    def _serve(self, delay: float) -> None:
        if self.stop.wait(delay):
            return
        with socket.create_server(("127.0.0.1", self.port)) as server:
            server.settimeout(0.2)
            while not self.stop.is_set():
                try:
                    client, _ = server.accept()
                except TimeoutError:
                    continue
                remote = socket.create_connection(self.upstream)
                for source, target in ((client, remote), (remote, client)):
                    threading.Thread(target=_pipe, args=(source, target), daemon=True).start()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


def test_a_server_that_comes_up_while_waited_for_is_used() -> None:
    server = os.environ.get(POSTGRES_URL_VARIABLE)
    if not server:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set (.ci/postgres.sh starts a server)")
    real = make_url(server)
    late = _LateForwarder((real.host or "127.0.0.1", real.port or 5432), delay=1.5)
    try:
        url = real.set(host="127.0.0.1", port=late.port).render_as_string(hide_password=False)
        waits: list[tuple[int, str]] = []
        wait_for_store(url, 30, lambda attempt, reason: waits.append((attempt, reason)))
        assert waits, "the forwarder was not up yet at the first attempt"
        assert upgrade(url) is not None  # and the store is usable through it
    finally:
        late.stop.set()


def test_the_drivers_reason_never_quotes_the_stores_password() -> None:
    """A password with an unencoded `/` may come back from a driver as a bare path piece."""
    url = f"postgresql+psycopg://ops:pa/{SECRET}@db.example/umkm"
    failed = OperationalError("SELECT 1", {}, Exception(f'host "/{SECRET}@db" unknown\nSELECT'))

    reason = driver_reason(failed, url)

    assert reason == 'host "/***@db" unknown'
