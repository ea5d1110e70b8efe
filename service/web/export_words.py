"""The words an exported list is written in, shared by its sheets (`exports`) and its summary
(`export_summary`): codes, columns, cells and reasons in the list's language, the preview mark,
and the file's own texts with the control characters a cell cannot show replaced."""

from __future__ import annotations

import re
from functools import cache

from data.contract import CONTROL_CHARACTERS, PROFILE_COLUMNS
from data.messages import Language
from data.reference import value_label
from service.web.i18n import message
from service.web.lists import reason_generic
from service.web.schemas import InputCell, UploadResponse

SPECS = {spec.name: spec for spec in PROFILE_COLUMNS}
# Control characters of the file's own cells written as U+FFFD, as `data.xlsx.write_cell` writes
# those XML cannot hold: the contract's (`CONTROL_CHARACTERS`) but a tab and line breaks, which a
# spreadsheet cell holds (Alt+Enter); DEL and the C1 set (terminal escapes such as U+009B) too.
OWN_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def is_recorded(result: UploadResponse) -> bool:
    """Whether the list was recorded as issued (it carries the store's id), as against a
    preview that was only built."""
    return result.list_id is not None


def preview_mark(result: UploadResponse, language: Language) -> str | None:
    """The words every file of a list not recorded carries ("PRATINJAU – tidak dicatat"); None
    for a recorded list."""
    return None if is_recorded(result) else message(language, "export.status_preview")


@cache
def label(value: str, language: Language, prefix: str = "value") -> str:
    """A code in the page's words (`female`: `value.female`, Perempuan), else the code itself."""
    key = f"{prefix}.{value}"
    text = message(language, key)
    return value if text == key else text


def column_header(name: str, language: Language) -> str:
    """A contract column's header in `language`: the page's label, else the contract's Bahasa
    term (Bahasa) or the name in words (English)."""
    key = f"col.{name}"
    text = message(language, key)
    if text != key:
        return text
    spec = SPECS.get(name)
    if spec is None:
        return name
    if language == "id":
        return spec.term_id[:1].upper() + spec.term_id[1:]
    return name.replace("_", " ").capitalize()


def cell_value(name: str, value: InputCell, language: Language) -> InputCell:
    """A contract cell as a person reads it (codes as words, booleans as yes/no); the file's
    other cells as they are."""
    spec = SPECS.get(name)
    if spec is None or value is None:
        return value
    if isinstance(value, bool) or spec.kind == "boolean":
        return message(language, "export.yes" if value else "export.no")
    if name == "province_code":
        return str(value)
    if spec.kind == "category" and isinstance(value, str):
        text = label(value, language)
        if text != value:
            return text
        try:
            return value_label(name, value, language)
        except (KeyError, ValueError):
            return value
    return value


def reason_label(code: str, language: Language) -> str:
    """A reason code in general words: the page's general wording, else the message catalog's
    (`data.messages.render`), as `reason_generic` gives it."""
    return reason_generic(code, language)


def own_text(text: str) -> str:
    """A cell of the file's own as exported: each control character but a tab and line breaks
    as U+FFFD (`OWN_CONTROL_CHARACTERS`): `a\\x07b` -> `a\\ufffdb`."""
    return OWN_CONTROL_CHARACTERS.sub("\ufffd", text)


def own_header(name: str) -> str:
    """A column's name as a header, on one line: each control character as U+FFFD, a tab or a
    line break (a heading wrapped in its cell) as a space; trimmed, as headers are read."""
    if not CONTROL_CHARACTERS.search(name):
        return name
    return CONTROL_CHARACTERS.sub(_header_character, name).strip()


def _header_character(found: re.Match[str]) -> str:
    return " " if found.group().isspace() else "\ufffd"
