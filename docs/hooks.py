"""MkDocs hooks: pages that the code writes, so the site cannot drift from it.

- `docs/reference/openapi.json` is the OpenAPI document of `service.app.create_app` with default
  settings (no model is loaded: the model loads in the app's lifespan, which never runs here);
  `[OAD(openapi.json)]` on the API reference page renders it (neoteroi-mkdocs).
- `<!-- umkm:contract-table -->` becomes the data contract table generated from `data.contract`
  (the generator that also keeps data/README.md in step), and `<!-- umkm:boolean-spellings -->`
  the spellings the contract accepts.
- `<!-- umkm:include PATH [from "HEADING"] [until "HEADING"] -->` includes a file of the
  repository (CHANGELOG.md, parts of data/README.md) instead of copying it.

An unknown marker, a missing file or heading fails the build (with `--strict` and without).
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

REPO = Path(__file__).resolve().parent.parent
OPENAPI_PATH = Path(__file__).resolve().parent / "reference" / "openapi.json"
MARKER = re.compile(r"<!-- umkm:(?P<name>[a-z-]+)(?P<args>[^>]*)-->")


def on_config(config: Any) -> Any:
    """The repository's packages importable whatever folder `mkdocs` was started from."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return config


def on_pre_build(config: Any) -> None:
    """Write the service's OpenAPI document, only when it changed (`mkdocs serve` watches it)."""
    document = json.dumps(_openapi(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    current = OPENAPI_PATH.read_text(encoding="utf-8") if OPENAPI_PATH.exists() else None
    if document != current:
        OPENAPI_PATH.parent.mkdir(parents=True, exist_ok=True)
        OPENAPI_PATH.write_text(document, encoding="utf-8")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Replace the `umkm:` markers of a page with what the code and repository files say."""
    return MARKER.sub(lambda match: _expand(match, page.file.src_path), markdown)


def _openapi() -> dict[str, Any]:
    from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

    from service.app import create_app
    from service.settings import Settings

    class DefaultSettings(Settings):
        """The documented defaults: neither the environment nor a `.env` file changes the page."""

        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (init_settings,)

    document: dict[str, Any] = create_app(DefaultSettings()).openapi()
    return document


def _expand(match: re.Match[str], page: str) -> str:
    name, args = match["name"], shlex.split(match["args"])
    if name == "contract-table":
        from tests.data.contract_table import contract_table

        return contract_table()
    if name == "boolean-spellings":
        from data.validation import BOOLEAN_SPELLINGS

        return ", ".join(f"`{pair}`" for pair in BOOLEAN_SPELLINGS.split(", "))
    if name == "include" and args:
        return _include(args, page)
    raise PluginError(f"{page}: unknown marker <!-- umkm:{name}{match['args']}-->")


def _include(args: list[str], page: str) -> str:
    """A repository file, or the part of it from one heading up to (not including) another."""
    path, options = REPO / args[0], dict(zip(args[1::2], args[2::2], strict=False))
    if not path.is_file():
        raise PluginError(f"{page}: cannot include {args[0]}: no such file")
    text = path.read_text(encoding="utf-8")
    if "from" in options:
        start = _heading(text, options["from"], path, page)
        text = text[start:]
    if "until" in options:
        text = text[: _heading(text, options["until"], path, page)]
    return text.rstrip() + "\n"


def _heading(text: str, heading: str, path: Path, page: str) -> int:
    found = re.search(rf"^{re.escape(heading)}\s*$", text, flags=re.MULTILINE)
    if found is None:
        raise PluginError(f"{page}: heading {heading!r} not found in {path.relative_to(REPO)}")
    return found.start()
