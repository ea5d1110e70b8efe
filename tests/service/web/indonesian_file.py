"""A candidates file as an Indonesian regional office sends it from Excel: semicolons, decimal
commas and thousands dots, Windows-1252, Bahasa headers and values, two title rows above the
header (row 3), and the columns a manager acts on (business name, phone, address, cost)."""

from __future__ import annotations

from typing import Any

import pandas as pd

TITLE_ROWS = ("Daftar usulan UMKM pendampingan digital", "Dinas Koperasi dan UKM; tahun 2026")
HEADER_ROW = len(TITLE_ROWS) + 1  # 3
EXTRA_COLUMNS = ("nama usaha", "telepon", "alamat")
COST_COLUMN = "biaya pendampingan"
YES_NO = {True: "ya", False: "tidak", "true": "ya", "false": "tidak"}


def indonesian_number(value: Any) -> str:
    """`1523456.75` as `1.523.456,75`: every digit kept, Indonesian separators."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = repr(float(value)) if not isinstance(value, int) else str(value)
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups: list[str] = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    fraction = "" if fraction in ("", "0") else fraction
    return sign + ".".join(groups) + (f",{fraction}" if fraction else "")


def phone(position: int) -> str:
    return f"0812{position:08d}"


def business_name(position: int) -> str:
    return f"Warung Kafé Bu Sri {position}"  # é: a Windows-1252 byte


def cost(position: int) -> int:
    return 2_500_000 + 100_000 * (position % 7)


def indonesian_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The contract frame with Bahasa headers and values, Indonesian numbers as text, and the
    columns outside the contract."""
    from data.contract import PROFILE_COLUMNS
    from data.reference import sector_name_by_code, value_label

    out: dict[str, list[str]] = {}
    for spec in PROFILE_COLUMNS:
        values = frame[spec.name].tolist()
        if spec.kind == "boolean":
            texts = [YES_NO.get(v if isinstance(v, bool) else str(v).lower(), "") for v in values]
        elif spec.name == "sector":
            texts = [sector_name_by_code()[v] for v in values]
        elif spec.kind == "category" and spec.name != "province_code":
            texts = [value_label(spec.name, str(v), "id") for v in values]
        elif spec.kind in ("number", "integer"):
            texts = [indonesian_number(v) for v in values]
        else:
            texts = [str(v) for v in values]
        out[spec.term_id] = texts
    positions = range(1, len(frame) + 1)
    out["nama usaha"] = [business_name(i) for i in positions]
    out["telepon"] = [phone(i) for i in positions]
    out["alamat"] = [f"Jl. Merdeka No. {i}, RT 01/RW 02" for i in positions]
    out[COST_COLUMN] = [f"Rp {indonesian_number(cost(i))}" for i in positions]
    return pd.DataFrame(out)


def indonesian_excel_csv(frame: pd.DataFrame) -> bytes:
    """The file's bytes: title rows, the header on row 3, `;` separated, Windows-1252."""
    table = indonesian_frame(frame)
    lines = [*TITLE_ROWS, ";".join(table.columns)]
    lines += [";".join(row) for row in table.itertuples(index=False, name=None)]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")
