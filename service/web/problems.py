"""Validation problems of an uploaded file, worded for the page: what is wrong and how to fix it.

`data.validation` names the row, the column and the reason (in English); this module adds a fix
derived from the data contract and words both in the page's language. Cell values are never
repeated (the file holds personal data, and answers end up in logs).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from data.contract import PROFILE_COLUMNS, ColumnSpec
from service.web.i18n import Language, message

_SPECS = {spec.name: spec for spec in PROFILE_COLUMNS}


@dataclass(frozen=True)
class PageProblem:
    """One problem as the page shows it."""

    row: int | None  # spreadsheet row (header = 1); None for the whole file
    column: str | None
    reason: str
    fix: str
    field: str | None = None  # a path like options.capacity, when not a place in the file


class ProblemLike(Protocol):
    """What `data.validation.Problem` offers."""

    @property
    def row(self) -> int | None: ...

    @property
    def column(self) -> str | None: ...

    @property
    def reason(self) -> str: ...


def page_problems(problems: Sequence[ProblemLike], language: Language) -> list[PageProblem]:
    """Each validation problem with its reason in `language` and a fix from the contract."""
    return [
        PageProblem(
            row=problem.row,
            column=problem.column,
            reason=translate_reason(problem.reason, language, whole_file=problem.row is None),
            fix=fix_for(problem.column, problem.reason, language, whole_file=problem.row is None),
        )
        for problem in problems
    ]


def fix_for(column: str | None, reason: str, language: Language, *, whole_file: bool) -> str:
    """How to fix a problem, from the contract's rule for the column."""
    if whole_file:
        if column is not None and "appears" in reason:
            return message(language, "fix.duplicate_column", column=column)
        if column is not None and column in _SPECS:
            return message(language, "fix.add_column", column=column)
        return message(language, "fix.generic")
    spec = _SPECS.get(column or "")
    if spec is None:
        return message(language, "fix.generic")
    if "duplicate" in reason:
        return message(language, "fix.unique")
    if "control character" in reason:
        return message(language, "fix.control_character")
    return _fix_for_spec(spec, language)


def _fix_for_spec(spec: ColumnSpec, language: Language) -> str:
    if spec.name == "province_code":
        return message(language, "fix.province_code")
    if spec.kind == "category" and spec.allowed is not None:
        return message(language, "fix.allowed", values=", ".join(spec.allowed))
    if spec.kind == "boolean":
        return message(language, "fix.boolean")
    if spec.name == "msme_id":
        return message(language, "fix.unique")
    if spec.kind in ("integer", "number"):
        text = message(language, f"fix.{spec.kind}", range=_range_text(spec, language))
        return text + (message(language, "fix.nullable") if spec.nullable else "")
    return message(language, "fix.string")


def _range_text(spec: ColumnSpec, language: Language) -> str:
    if spec.minimum is not None and spec.maximum is not None:
        return message(
            language, "fix.range_between", min=f"{spec.minimum:g}", max=f"{spec.maximum:g}"
        )
    if spec.minimum is not None:
        return message(language, "fix.range_min", min=f"{spec.minimum:g}")
    return ""


# --- reasons in Bahasa Indonesia ------------------------------------------------------------
# data.validation words its reasons in English; these patterns cover every reason it produces
# (an unknown reason is shown as it is, which is still correct, only not translated).

_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

# The contract's pattern hints (ColumnSpec.pattern_hint), in Bahasa Indonesia.
_FORMS_ID = {
    "2 digits, like 11": "2 angka, mis. 11",
    "YYYY-MM, like 2024-07": "TTTT-BB, mis. 2024-07",
}


_RULES_ID: tuple[_Rule, ...] = (
    (re.compile(r"^holds a control character"), lambda m: message("id", "error.control_character")),
    (re.compile(r"^is missing"), lambda m: "nilai kosong (kolom ini wajib diisi)"),
    (re.compile(r"^is not an integer"), lambda m: "nilai bukan bilangan bulat"),
    (re.compile(r"^is too large for an integer"), lambda m: "nilai terlalu besar"),
    (
        re.compile(r"^is not a number"),
        lambda m: "nilai bukan angka (pakai titik untuk desimal, tanpa pemisah ribuan)",
    ),
    (re.compile(r"^is not a boolean"), lambda m: "nilai bukan ya/tidak (true/false)"),
    (
        re.compile(r"^is not one of the 38 province codes"),
        lambda m: "nilai bukan salah satu dari 38 kode provinsi",
    ),
    (
        re.compile(r"^is not an allowed value \(allowed: (?P<values>.*)\)$"),
        lambda m: f"nilai tidak diizinkan (yang diizinkan: {m['values']})",
    ),
    (
        re.compile(r"^is out of range (?P<low>\S+)–(?P<high>\S+)$"),
        lambda m: f"nilai di luar rentang {m['low']}–{m['high']}",
    ),
    (
        re.compile(r"^is out of range \(minimum (?P<low>.+)\)$"),
        lambda m: f"nilai di bawah batas minimum {m['low']}",
    ),
    (
        re.compile(r"^is out of range \(maximum (?P<high>.+)\)$"),
        lambda m: f"nilai di atas batas maksimum {m['high']}",
    ),
    (
        re.compile(r"^does not have the form (?P<form>.+)$"),
        lambda m: f"nilai tidak berbentuk {_FORMS_ID.get(m['form'], m['form'])}",
    ),
    (
        re.compile(r"^is a duplicate (?P<name>\S+) \(also in rows? (?P<rows>.+)\)$"),
        lambda m: f"{m['name']} ganda (juga di baris {_and(m['rows'])})",
    ),
    (re.compile(r"^is a duplicate (?P<name>\S+)$"), lambda m: f"{m['name']} ganda"),
    (re.compile(r"^required column is missing"), lambda m: "kolom wajib tidak ada"),
    (re.compile(r"^column is not in the contract"), lambda m: "kolom tidak ada di kontrak data"),
    (
        re.compile(r"^column appears (?P<n>\d+) times in the header \(columns (?P<at>.+)\)"),
        lambda m: f"kolom muncul {m['n']} kali di baris judul (kolom ke-{m['at']}); simpan satu",
    ),
    (
        re.compile(r"^fails the check (?P<check>.+)$"),
        lambda m: f"tidak lolos pemeriksaan {m['check']}",
    ),
)


def _and(rows: str) -> str:
    return rows.replace(" and ", " dan ").replace(" more", " lainnya")


def translate_reason(reason: str, language: Language, *, whole_file: bool) -> str:
    """The reason in `language`; a row-level reason reads as a sentence about the cell's value."""
    if language == "en":
        return reason if whole_file else f"value {reason}"
    for pattern, render in _RULES_ID:
        match = pattern.search(reason)
        if match is not None:
            return render(match)
    return reason
