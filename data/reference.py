"""Reference data shipped in `data/reference/`: provinces and sectors."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

REFERENCE_DIR = Path(__file__).parent / "reference"


@cache
def provinces() -> pd.DataFrame:
    """The 38 provinces: code (2-digit string), name, island group, population, area."""
    frame = pd.read_csv(REFERENCE_DIR / "provinces.csv", dtype={"kode_prov": str})
    return frame.rename(
        columns={
            "kode_prov": "province_code",
            "nama": "province_name",
            "penduduk_dukcapil_2024s2": "population",
            "luas_km2": "area_km2",
        }
    )


@cache
def province_codes() -> tuple[str, ...]:
    """The 38 valid province codes, as strings."""
    return tuple(provinces()["province_code"])


@cache
def island_groups() -> tuple[str, ...]:
    """The island groups the provinces belong to (as named in the reference file)."""
    return tuple(sorted(provinces()["island_group"].unique()))


@cache
def island_group_by_province() -> dict[str, str]:
    """Province code -> island group."""
    frame = provinces()
    return dict(zip(frame["province_code"], frame["island_group"], strict=True))


@cache
def province_name_by_code() -> dict[str, str]:
    """Province code -> province name."""
    frame = provinces()
    return dict(zip(frame["province_code"], frame["province_name"], strict=True))


@cache
def province_aliases() -> dict[str, str]:
    """Other names of provinces people write (`Jabar`, `Daerah Istimewa Yogyakarta`) -> code,
    from `reference/province_aliases.csv`, the one list of them."""
    frame = pd.read_csv(REFERENCE_DIR / "province_aliases.csv", dtype=str)
    return dict(zip(frame["alias"], frame["kode_prov"], strict=True))


def allowed_values(column: str) -> tuple[str, ...]:
    """The values a contract column (or the derived `island_group`) may take."""
    from data.contract import column as contract_column

    if column == "province_code":
        return province_codes()
    if column == "island_group":
        return island_groups()
    allowed = contract_column(column).allowed
    if allowed is None:
        raise ValueError(f"column {column} has no fixed list of values")
    return allowed


@cache
def sector_name_by_code() -> dict[str, str]:
    """Sector code -> its Bahasa Indonesia name (`food_beverage` -> `Makanan dan minuman`)."""
    frame = pd.read_csv(REFERENCE_DIR / "sectors.csv", dtype=str)
    return dict(zip(frame["sector"], frame["nama_sektor"], strict=True))


@cache
def value_codes(column: str) -> dict[str, str]:
    """`header_key` of every accepted spelling of a category column's values -> its code: the
    codes, the contract's `value_aliases`, and the Bahasa names of sectors and provinces (and the
    provinces' other names, `province_aliases`)."""
    from data.contract import column as contract_column
    from data.contract import header_key

    spec = contract_column(column)
    names: dict[str, str] = {}
    if column == "province_code":
        names = {name: code for code, name in province_name_by_code().items()}
        names |= province_aliases()
    elif column == "sector":
        names = {name: code for code, name in sector_name_by_code().items()}
    spellings = [(code, code) for code in allowed_values(column)]
    spellings += list(names.items()) + list(spec.value_aliases)
    found: dict[str, str] = {}
    for spelling, code in spellings:
        found.setdefault(header_key(spelling), code)
    return found


def value_label(column: str, code: str, language: str) -> str:
    """How a value is offered to a person (the template's drop-downs): in Bahasa, the sector or
    province name or the contract's first Bahasa spelling; in English, the code (provinces:
    their name, which is the same in both languages)."""
    from data.contract import bahasa_label
    from data.contract import column as contract_column

    if column == "province_code":
        return province_name_by_code()[code]
    if language != "id":
        return code
    if column == "sector":
        return sector_name_by_code()[code]
    return bahasa_label(contract_column(column), code)
