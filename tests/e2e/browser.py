"""Driving the page in the system Chromium: shared by the e2e tests and the screenshot script.

Browser downloads do not work here, so Playwright runs Debian's `chromium` (`/usr/bin/chromium`)
instead of a browser it would fetch itself.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = Path(os.environ.get("UMKM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULT_TIMEOUT_MS = 60_000
# The page's Content-Security-Policy forbids eval, so waits use selectors, not wait_for_function.


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists() and shutil.which(str(CHROMIUM)) is None:
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set UMKM_CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (uv sync installs it with the dev group)"
    return None


def launch(playwright: Playwright) -> Browser:
    """The system Chromium, headless."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


def enter_key(page: Page, key: str) -> None:
    """Type the API key and keep it for the session, as a user would."""
    page.fill("#api-key", key)
    page.click("#key-save")


def choose_language(page: Page, language: str) -> None:
    """Click the language switch."""
    page.click(f"button.lang[data-lang='{language}']")
    page.locator(f"html[lang='{language}']").wait_for(state="attached")


def upload(
    page: Page,
    file: Path,
    capacity: int,
    *,
    quota_all: int | None = None,
    wait_for: str = "#result:not([hidden])",
) -> None:
    """Choose the file, set the slots (and a per-province limit), build the list and wait."""
    page.set_input_files("#file", str(file))
    page.fill("#capacity", str(capacity))
    page.fill("#quota-all", "" if quota_all is None else str(quota_all))
    page.click("#submit")
    wait_for_list(page, wait_for)


# The server's notice of a file and settings issued before (by another test: one server serves
# them all).
ISSUED_BEFORE = "#server-repeat:not([hidden])"


def wait_for_list(page: Page, wait_for: str = "#result:not([hidden])") -> None:
    """Wait for `wait_for` after issuing; when the server names the same file and settings as
    issued before instead (and that is not what is waited for), issue a new list anyway, as a
    manager who wants one does."""
    page.wait_for_selector(f"{wait_for}, {ISSUED_BEFORE}", timeout=RESULT_TIMEOUT_MS)
    if wait_for != ISSUED_BEFORE and page.locator(ISSUED_BEFORE).count() == 1:
        page.click("#issue-new-server")
        page.wait_for_selector(wait_for, timeout=RESULT_TIMEOUT_MS)
    page.locator("#submit:not([disabled])").wait_for(state="attached", timeout=RESULT_TIMEOUT_MS)
