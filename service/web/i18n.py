"""Message catalogs of the web page (Bahasa Indonesia first, English second).

The same JSON catalogs render the page on the server, travel to the browser for the language switch,
and word the upload errors and the exported files, so the three never disagree.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import cast

from data.messages import Language

DEFAULT_LANGUAGE: Language = "id"

CATALOG_DIR = Path(__file__).parent / "i18n"


@cache
def catalog(language: Language) -> dict[str, str]:
    """The message catalog of one language."""
    loaded = json.loads((CATALOG_DIR / f"{language}.json").read_text(encoding="utf-8"))
    return cast(dict[str, str], loaded)


def message(language: Language, key: str, **values: object) -> str:
    """One message, with `{name}` placeholders filled; the key itself when a catalog lacks it."""
    text = catalog(language).get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**values) if values else text


def counted(key: str, count: float) -> str:
    """The key of a message about `count` things: `<key>_one` for a count of one (English needs
    a singular; the Bahasa entry reads the same), else `key`."""
    return f"{key}_one" if count == 1 else key


def format_number(value: float, language: Language, digits: int = 1) -> str:
    """A number in the language's style: Indonesian 1.234,5; English 1,234.5."""
    text = f"{value:,.{digits}f}"
    if language == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_bytes(size: int, language: Language) -> str:
    """A file size in MB (or kB below one MB), in the language's number style."""
    if size >= 1_000_000:
        return f"{format_number(size / 1_000_000, language)} MB"
    return f"{format_number(size / 1_000, language)} kB"
