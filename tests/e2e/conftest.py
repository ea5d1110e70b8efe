"""Browser fixtures: the real app under uvicorn on a free local port, and the system Chromium.

The tests skip with the reason when Chromium or Playwright is missing; with
UMKM_REQUIRE_BROWSER=1 (set by `.ci/run` in CI) they fail instead, so CI cannot pass by skipping.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.conftest import RegisteredModel
from tests.e2e.browser import browser_missing, launch

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from starlette.types import ASGIApp

API_KEY = "e2e-api-key-0123456789abcdef"
# The page's one key holds what a program manager's key is documented to hold, and no more.
PAGE_KEY_ENTRY = f"page:read+lists+outcomes:{API_KEY}"
STARTUP_SECONDS = 60


@dataclass(frozen=True)
class LiveServer:
    """The app serving the session's registered model."""

    url: str
    key: str


@pytest.fixture(scope="session")
def browser_available() -> None:
    """Skip (or, under UMKM_REQUIRE_BROWSER, fail) before anything expensive is built."""
    reason = browser_missing()
    if reason is None:
        return
    if os.environ.get("UMKM_REQUIRE_BROWSER"):
        pytest.fail(f"browser tests required (UMKM_REQUIRE_BROWSER) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server(
    browser_available: None,
    registered_model: RegisteredModel,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """`create_app` with an API key in its settings, under uvicorn in a background thread."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('program') / 'umkm.db'}"
    with serve(registered_model, database_url) as server:
        yield server


@contextmanager
def serve(
    registered_model: RegisteredModel,
    database_url: str,
    wrap: Callable[[ASGIApp], ASGIApp] | None = None,
) -> Iterator[LiveServer]:
    """The app on the session's model and the program store at `database_url`, until the block
    ends; a second `serve` on the same URL is the service restarted on the same database.
    `wrap`: ASGI middleware around the app (a network fault between it and the browser)."""
    import uvicorn

    from service.app import create_app
    from service.settings import Settings

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        api_keys=(PAGE_KEY_ENTRY,),
        model_uri=registered_model.model_uri,
        tracking_uri=registered_model.tracking_uri,
        model_poll_seconds=0,
        database_url=database_url,
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(settings)
    config = uvicorn.Config(
        app if wrap is None else wrap(app),
        log_level="warning",
        lifespan="on",
        ws="none",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, thread)
        yield LiveServer(url=url, key=API_KEY)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _wait_ready(url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if not thread.is_alive():
            pytest.fail("the app stopped while starting; see the log above")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the app did not load its model within {STARTUP_SECONDS} s")


@pytest.fixture(scope="session")
def browser(live_server: LiveServer) -> Iterator[Browser]:
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser context (empty session and local storage) on the page."""
    with open_page(browser, live_server.url) as tab:
        yield tab


PHONE_WIDTH = 390  # px: a phone held upright


@pytest.fixture
def phone_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """The page on a 390 px wide screen, as on a phone."""
    context = browser.new_context(
        accept_downloads=True,
        viewport={"width": PHONE_WIDTH, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(30_000)
    tab = context.new_page()
    tab.goto(live_server.url + "/")
    yield tab
    context.close()


@contextmanager
def open_page(browser: Browser, url: str) -> Iterator[Page]:
    """The page at `url` in a fresh browser context; script errors and Content-Security-Policy
    violations while it is open fail the test that caused them."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1360, "height": 900})
    context.set_default_timeout(30_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on(
        "console",
        lambda note: (
            problems.append(note.text)
            if note.type == "error" and "Content Security Policy" in note.text
            else None
        ),
    )
    tab.goto(url + "/")
    try:
        yield tab
    finally:
        context.close()
    assert not problems, problems


@pytest.fixture(scope="session")
def candidate_files(
    browser_available: None,
    registered_model: RegisteredModel,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Path]:
    """The session's simulated candidates as the CSV and XLSX files a region would send."""
    from data.contract import PROFILE_COLUMNS
    from data.writing import write_table

    folder = tmp_path_factory.mktemp("candidates")
    frame = registered_model.candidates[[spec.name for spec in PROFILE_COLUMNS]]
    return {
        "csv": write_table(frame, folder / "kandidat.csv"),
        "xlsx": write_table(frame, folder / "kandidat.xlsx"),
    }
