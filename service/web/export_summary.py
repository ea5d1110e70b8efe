"""The summary sheet of an exported list, its own module as the MSME sheets (`exports`) are long:
when the list was made, the model, how the file was read, every setting and limit, the figures."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pandas as pd

from data.messages import WIB, Language, render
from data.reference import province_name_by_code
from service.web.export_files import COUNT_FORMAT, Sheet, percent_format
from service.web.export_words import label, own_header, preview_mark, reason_label
from service.web.i18n import counted, format_number, message
from service.web.schemas import UploadResponse

# The codes this module words from `data.messages` (code -> parameters), for the catalog test.
EXPORT_CODES: dict[str, tuple[str, ...]] = {"export_made": ("date", "time")}


def summary_sheet(result: UploadResponse, language: Language, made: dt.datetime) -> Sheet:
    """Date, model, file, every setting and every limit (used, limit, binding or not), the
    headline figures and why the others were left out: label, value, note. A list not recorded
    says so on the first row."""

    def h(key: str, **values: object) -> str:
        return message(language, key, **values)

    yes, no = h("export.yes"), h("export.no")
    source = result.source
    model = f"{result.model.name} v{result.model.version or '?'}"
    seed = result.options.exploration_seed
    mark = preview_mark(result, language)
    rows: list[tuple[str, object, str]] = []
    if mark is not None:
        rows.append((h("export.status"), mark, h("export.status_preview_note")))
    if result.list_id:  # a recorded list's number, inside the file too (a file may be renamed)
        rows.append(
            (
                h("export.list_number"),
                result.list_id[:8],
                h("export.list_number_note", id=result.list_id),
            )
        )
    rows += [
        (h("export.made"), made_text(made, language), ""),
        (h("export.model"), model, ""),
        (h("export.source"), source.filename, read_statement(result, language)),
        (h("export.rows"), source.rows, ""),
        (h("export.section_settings"), "", ""),
        (h("export.capacity"), result.capacity, ""),
        (h("export.exclude_digital"), yes if result.options.exclude_digital else no, ""),
        (h("export.only_beneficial"), yes if result.options.only_beneficial else no, ""),
        (h("export.cost_column"), own_header(result.options.cost_column or "–"), ""),
        (h("export.budget"), result.budget if result.budget is not None else "–", ""),
        # The share drawn at random as the list applied it (0 included), and the seed as text:
        # it redoes the draw, and a spreadsheet keeps 15 digits of a number.
        (h("export.exploration_share"), result.options.exploration_share, ""),
        (h("export.exploration_seed"), "–" if seed is None else str(seed), ""),
    ]
    rows.append((h("export.section_limits"), h("export.used"), h("export.binding_q")))
    rows += _limit_rows(result, language)
    rows += [
        (h("export.section_result"), "", ""),
        (h("export.filled"), result.filled, ""),
        (h("export.candidates"), result.candidates, ""),
        (h("export.eligible"), result.eligible, ""),
        (h("export.total_gain"), result.total_expected_gain, ""),
        (h("export.random_gain"), result.random_expected_gain, ""),
        (h("export.success_rate"), result.expected_success_rate, ""),
    ]
    if result.total_cost is not None:
        rows.append((h("export.total_cost"), result.total_cost, ""))
    if result.shortfall_note:
        rows.append((h("summary.filled"), result.shortfall_note, ""))
    if result.evidence_code is not None:
        warning = render(result.evidence_code, result.evidence_params, language)
        rows.append((h("export.evidence"), warning, ""))
    for item in result.binding_constraints:
        rows.append((h("export.binding"), item.message, ""))
    if result.summary.not_selected_reasons:
        rows.append((h("export.section_not_selected"), "", ""))
    for count in result.summary.not_selected_reasons:
        rows.append((reason_label(count.reason_code, language), count.count, ""))
    table = pd.DataFrame(rows, columns=["", " ", "  "])
    formats = {
        h("export.success_rate"): "0.0%",
        h("export.total_gain"): "#,##0.0",
        h("export.random_gain"): "#,##0.0",
        h("export.budget"): COUNT_FORMAT,
        h("export.total_cost"): COUNT_FORMAT,
        h("export.exploration_share"): percent_format(result.options.exploration_share),
    }
    return Sheet(h("sheet.summary"), table, formats, summary=True, banner=mark)


def _limit_rows(result: UploadResponse, language: Language) -> list[tuple[str, object, str]]:
    """Every limit set, with what the list used of it and whether it held the list back."""

    def h(key: str, **values: object) -> str:
        return message(language, key, **values)

    yes, no = h("export.yes"), h("export.no")
    binding = Counter(item.kind for item in result.binding_constraints)
    names = {item.name for item in result.binding_constraints}
    per_province = Counter(item.province_code for item in result.selected)
    provinces = province_name_by_code()

    def count(value: float) -> str:
        return format_number(value, language, 0)

    rows: list[tuple[str, object, str]] = [
        (
            h("export.limit_capacity", limit=count(result.capacity)),
            result.filled,
            yes if binding["capacity"] else no,
        )
    ]
    for code, limit in sorted((result.options.quotas or {}).items()):
        quota_bound = any(n.endswith(f" {code}") for n in names if n.startswith("quota"))
        rows.append(
            (
                h(
                    counted("export.limit_quota", limit),
                    province=provinces.get(code, code),
                    limit=count(limit),
                ),
                per_province.get(code, 0),
                yes if quota_bound else no,
            )
        )
    for share in result.options.min_share:
        used = sum(1 for item in result.selected if _matches(item, share.column, share.value))
        row_label = h(
            "export.limit_min_share",
            column=h(f"dim.{share.column}"),
            value=(
                provinces.get(share.value, share.value)
                if share.column == "province_code"
                else label(share.value, language)
            ),
            share=f"{format_number(100 * share.share, language)}%",
        )
        held = f"min_share {share.column}={share.value} {share.share:g}" in names
        rows.append((row_label, used, yes if held else no))
    if result.budget is not None:
        rows.append(
            (
                h("export.limit_budget", limit=count(result.budget)),
                result.total_cost if result.total_cost is not None else 0,
                yes if binding["budget"] else no,
            )
        )
    return rows


def _matches(item: Any, column: str, value: str) -> bool:
    if column == "island_group":
        return bool(item.island_group == value)
    found = getattr(item, column, None)
    if found is None:
        found = item.input.get(column)
    return bool(found == value)


def read_statement(result: UploadResponse, language: Language) -> str:
    """How the file was read, in one line: separator, numbers, encoding, sheet, header row."""
    source = result.source
    parts = []
    if source.delimiter is not None:
        parts.append(message(language, f"read.delimiter.{_delimiter_key(source.delimiter)}"))
    if source.decimal == ",":
        parts.append(message(language, "read.decimal_comma"))
    elif source.decimal == ".":
        parts.append(message(language, "read.decimal_dot"))
    if source.encoding is not None:
        parts.append(message(language, f"read.encoding.{source.encoding.replace('-', '_')}"))
    if source.sheet is not None:
        parts.append(message(language, "read.sheet", sheet=source.sheet))
    parts.append(message(language, "read.header_row", row=source.header_row))
    return "; ".join(parts)


def _delimiter_key(delimiter: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab"}.get(delimiter, "comma")


def made_text(made: dt.datetime, language: Language) -> str:
    """When a list was made, as a manager reads it: `10 Januari 2026 pukul 15.04 WIB`,
    `10 January 2026, 15:04 WIB` (the month by its name, as `data.messages.format_date` words
    it). A time given in another zone is stated in WIB; a naive one is taken as WIB."""
    moment = made.astimezone(WIB) if made.tzinfo is not None else made
    return render("export_made", {"date": moment.date(), "time": moment.time()}, language)
