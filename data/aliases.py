"""Headers and category values as people write them, read as the contract's names and codes.

The spellings live in the contract table (`ColumnSpec.aliases`, `.value_aliases`) and in the
reference data (sector and province names); this module applies them. Validation calls these
functions, so every reader (CSV, XLSX, Parquet, the API's frames) gets the same reading.
"""

from __future__ import annotations

import difflib
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from data.contract import PROVINCE_NAME_HEADERS, contract_name, header_key
from data.reference import allowed_values, province_codes, value_codes

# How alike (difflib's ratio, 0–1) a text and a spelling must be for `closest_code` to suggest
# it: `Jawa Tenga` and `Jawa Tengah` are 0.95 alike, `Jawa` and `Jawa Barat` only 0.57.
SUGGESTION_CUTOFF = 0.8
PROVINCE_COLUMN = "province_code"


def contract_headers(columns: pd.Index[Any] | list[object]) -> dict[str, str]:
    """File header -> contract column, for the headers that are an alias (`jenis_kelamin` ->
    `owner_gender`); headers already named as the contract, and others, are left out. Beside a
    province code column (`Kode provinsi`), a province name column (`Provinsi`) is no alias but
    an extra column, as the page's own downloads hold both (validation checks the two agree)."""
    read_as = {
        str(header): name
        for header in columns
        if isinstance(header, str) and (name := contract_name(header)) is not None
    }
    province_headers = [header for header, name in read_as.items() if name == PROVINCE_COLUMN]
    if any(not names_provinces(header) for header in province_headers):
        for header in province_headers:
            if names_provinces(header):
                del read_as[header]
    return {header: name for header, name in read_as.items() if name != header}


def names_provinces(header: str) -> bool:
    """Whether a header is one of a column of province names (`PROVINCE_NAME_HEADERS`)."""
    return header_key(header) in {header_key(name) for name in PROVINCE_NAME_HEADERS}


def with_contract_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame (not copied) under contract names where a header is an alias."""
    renamed = contract_headers(list(frame.columns))
    if not renamed:
        return frame
    out = frame.copy(deep=False)
    out.columns = pd.Index([renamed.get(str(name), name) for name in frame.columns], dtype=object)
    return out


def canonical_codes(
    column: str,
    codes: np.ndarray[Any, np.dtype[np.intp]],
    texts: np.ndarray[Any, np.dtype[np.object_]],
) -> tuple[np.ndarray[Any, np.dtype[np.intp]], np.ndarray[Any, np.dtype[np.object_]]]:
    """A category column as codes into distinct texts (-1 = missing), with every accepted
    spelling (`Perempuan`, ` laki-laki `, `Makanan dan minuman`) replaced by its contract code.
    A text no spelling matches is kept as it is, for validation to report."""
    spellings = value_codes(column)
    mapped = np.array(
        [
            spellings.get(header_key(text), text) if isinstance(text, str) else text
            for text in texts
        ],
        dtype=object,
    )
    if len(mapped) == 0 or (mapped == texts).all():
        return codes, texts
    new_codes, distinct = pd.factorize(pd.Series(mapped, dtype=object), use_na_sentinel=True)
    return np.append(new_codes, -1)[codes], np.asarray(distinct, dtype=object)


def named_provinces(
    texts: np.ndarray[Any, np.dtype[np.object_]],
) -> np.ndarray[Any, np.dtype[np.intp]]:
    """Per distinct text of a province name column, the position in `province_codes()` of the
    province it names (a name, an alias such as `Jabar`, or a code, any case), -1 for none:
    compared with the code column beside it row by row as integers."""
    spellings = value_codes(PROVINCE_COLUMN)
    position = {code: i for i, code in enumerate(province_codes())}
    return np.array(
        [
            position.get(spellings.get(header_key(text), ""), -1) if isinstance(text, str) else -1
            for text in texts
        ],
        dtype=np.intp,
    )


def closest_code(column: str, text: str, cutoff: float = SUGGESTION_CUTOFF) -> str | None:
    """The code whose written-out spelling (a name or an alias, compared as `header_key`) is
    closest to a text no spelling matches: `Jawa Tenga` -> `33`; None when none is `cutoff`
    alike. Codes are not candidates: `331` is not a misspelt `33`."""
    spellings = _named_spellings(column)
    found = difflib.get_close_matches(header_key(text), list(spellings), n=1, cutoff=cutoff)
    return spellings[found[0]] if found else None


@cache
def _named_spellings(column: str) -> dict[str, str]:
    """`header_key` of every accepted spelling of a column's values but the codes -> code."""
    codes = {header_key(code) for code in allowed_values(column)}
    return {key: code for key, code in value_codes(column).items() if key not in codes}
