"""The data contract as one Markdown table, generated from `data.contract` for data/README.md.

Print it with `uv run python -m tests.data.contract_table`; a test checks the README holds it, and
the docs site renders it at build time (docs/hooks.py).
"""

from __future__ import annotations

from data.contract import HISTORY_EXTRA_COLUMNS, PROFILE_COLUMNS, ColumnSpec

HEADER = (
    "| column | files | type | allowed values | unit | nullable | Bahasa Indonesia | meaning |\n"
    "|---|---|---|---|---|---|---|---|"
)


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _allowed(spec: ColumnSpec) -> str:
    if spec.allowed:
        return ", ".join(f"`{value}`" for value in spec.allowed)
    if spec.name == "province_code":
        return "one of the 38 codes in `reference/provinces.csv` (11–96)"
    if spec.kind == "boolean":
        return "`true`, `false` (more spellings accepted, see below)"
    parts = []
    if spec.unique:
        parts.append("unique in a file")
    if spec.minimum is not None and spec.maximum is not None:
        parts.append(f"{_number(spec.minimum)}–{_number(spec.maximum)}")
    elif spec.minimum is not None:
        parts.append(f"≥ {spec.minimum:g}")
    if spec.pattern_hint:
        parts.append(spec.pattern_hint)
    return "; ".join(parts) or "any text"


def _nullable(spec: ColumnSpec) -> str:
    if not spec.required:
        return "yes (optional column)"
    return "yes" if spec.nullable else "no"


def _row(spec: ColumnSpec, files: str) -> str:
    cells = [
        f"`{spec.name}`",
        files,
        spec.kind,
        _allowed(spec),
        spec.unit or "–",
        _nullable(spec),
        spec.term_id,
        spec.description,
    ]
    return "| " + " | ".join(cells) + " |"


def contract_table() -> str:
    """One row per contract column: profile columns (in both files), then history-only ones."""
    rows = [_row(spec, "profile, history") for spec in PROFILE_COLUMNS]
    rows += [_row(spec, "history") for spec in HISTORY_EXTRA_COLUMNS]
    return "\n".join([HEADER, *rows])


ALIAS_HEADER = (
    "| column | headers also read (any case; spaces, dashes and `(unit)` ignored) "
    "| values also read (any case) |\n|---|---|---|"
)


def _values(spec: ColumnSpec) -> str:
    extra = {
        "sector": "the Bahasa names in `reference/sectors.csv`; ",
        "province_code": (
            "province names in `reference/provinces.csv` (`Aceh`) and their other names in "
            "`reference/province_aliases.csv` (`Jabar`, `DIY`, `Daerah Khusus Jakarta`); "
        ),
    }.get(spec.name, "")
    listed = ", ".join(f"`{alias}` → `{code}`" for alias, code in spec.value_aliases)
    if spec.kind == "boolean":
        listed = "`ya`/`tidak` and the spellings below"
    return (extra + listed).strip("; ") or "–"


def alias_table() -> str:
    """The Bahasa headers and values read as each contract column (`ColumnSpec.aliases`)."""
    rows = [
        "| "
        + " | ".join(
            [
                f"`{spec.name}`",
                ", ".join(f"`{name}`" for name in (spec.term_id, *spec.aliases)),
                _values(spec),
            ]
        )
        + " |"
        for spec in (*PROFILE_COLUMNS, *HISTORY_EXTRA_COLUMNS)
    ]
    return "\n".join([ALIAS_HEADER, *rows])


if __name__ == "__main__":
    print(contract_table())
    print()
    print(alias_table())
