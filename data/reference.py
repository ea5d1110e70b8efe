"""Reference data: the contract's provinces and sectors shipped in `data/reference/`, and the
provinces' population and area read from the shared data folder (`../shared/data`), never copied
into the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from data.errors import DataError

REFERENCE_DIR = Path(__file__).parent / "reference"
# The project's shared, read-only data folder, beside the project's root (`../shared/data`).
DEFAULT_SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SHARED_PROVINCES = "provinces_38.csv"


class SharedDataMissingError(DataError, FileNotFoundError):
    """The shared data folder lacks a file a caller cannot do without (`filename`)."""


class ReferenceSettings(BaseSettings):
    """`UMKM_SHARED_DATA`: where the shared data folder is (environment or `.env`)."""

    model_config = SettingsConfigDict(
        env_prefix="UMKM_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    shared_data: Path = Field(
        default=DEFAULT_SHARED_DATA,
        description="Folder of the shared reference data (provinces_38.csv: the provinces' "
        "population and area); default ../shared/data beside the project.",
    )


def shared_provinces_file() -> Path:
    """Where the provinces' population and area are read from (it may not exist)."""
    return ReferenceSettings().shared_data / SHARED_PROVINCES


@cache
def provinces() -> pd.DataFrame:
    """The contract's 38 provinces: code (2-digit string), name and island group."""
    frame = pd.read_csv(REFERENCE_DIR / "provinces.csv", dtype={"kode_prov": str})
    return frame.rename(columns={"kode_prov": "province_code", "nama": "province_name"})


def province_figures(path: Path | None = None) -> pd.DataFrame:
    """`provinces()` with each province's `population` (civil registry, second half of 2024)
    and `area_km2`, read from the shared data folder's `provinces_38.csv` (or `path`).

    Raises `SharedDataMissingError` when the file is absent, and `ValueError` when its province
    codes are not the contract's 38."""
    path = shared_provinces_file() if path is None else path
    if not path.is_file():
        raise SharedDataMissingError(
            2,
            "not found; the provinces' population is read from the shared data folder "
            "(set UMKM_SHARED_DATA to the folder that holds provinces_38.csv)",
            str(path),
        )
    shared = pd.read_csv(
        path,
        dtype={"kode_prov": str},
        usecols=["kode_prov", "penduduk_dukcapil_2024s2", "luas_km2"],
    ).rename(
        columns={
            "kode_prov": "province_code",
            "penduduk_dukcapil_2024s2": "population",
            "luas_km2": "area_km2",
        }
    )
    ours = provinces()
    if sorted(shared["province_code"]) != sorted(ours["province_code"]):
        differ = sorted(set(shared["province_code"]) ^ set(ours["province_code"]))
        raise ValueError(
            f"{path}: its province codes differ from the contract's 38 in {', '.join(differ)}"
        )
    if shared["population"].isna().any() or (shared["population"] <= 0).any():
        raise ValueError(f"{path}: a province's population is missing or not positive")
    figures = ours.merge(shared, on="province_code", how="left", validate="one_to_one")
    figures.attrs["source"] = str(path)
    return figures


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
