"""Screenshots of the page in both languages, after a real upload, for the README.

Run against a running service (`make run`, or `umkm serve`), e.g.:

    uv run python -m tests.e2e.screenshots --url http://127.0.0.1:8000 --key "$KEY" \
        --file work/sim/candidates.parquet --capacity 300 --quota-all 40

Writes docs/screenshots/page_id.png and page_en.png (the top of the page: options, summary,
charts and the first rows of the list).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from tests.e2e.browser import choose_language, enter_key, launch, upload

if TYPE_CHECKING:
    from playwright.sync_api import FloatRect, Page, ViewportSize

VIEWPORT: ViewportSize = {"width": 1360, "height": 900}
CLIP_HEIGHT = 2600


def take(
    url: str, key: str, file: Path, *, capacity: int, quota_all: int | None, out: Path
) -> None:
    """Upload once in Bahasa Indonesia, shoot, switch to English (reasons reload), shoot."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
        page.goto(url)
        enter_key(page, key)
        upload(page, file, capacity, quota_all=quota_all)
        _shoot(page, out / "page_id.png")
        choose_language(page, "en")
        # The reasons come back from the API in English once the page asks again.
        page.locator("#list tbody li", has_text="mentoring").first.wait_for()
        _shoot(page, out / "page_en.png")
        browser.close()


def _shoot(page: Page, path: Path) -> None:
    height = page.evaluate("document.documentElement.scrollHeight")
    bottom = min(CLIP_HEIGHT, height)
    clip: FloatRect = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": bottom}
    page.screenshot(path=str(path), full_page=True, clip=clip)


def main() -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True)
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--capacity", type=int, default=300)
    parser.add_argument("--quota-all", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    take(
        args.url,
        args.key,
        args.file,
        capacity=args.capacity,
        quota_all=args.quota_all,
        out=args.out,
    )


if __name__ == "__main__":
    main()
