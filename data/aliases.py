"""Headers and category values as people write them, read as the contract's names and codes.

The spellings live in the contract table (`ColumnSpec.aliases`, `.value_aliases`) and in the
reference data (sector and province names); this module applies them. Validation calls both
functions, so every reader (CSV, XLSX, Parquet, the API's frames) gets the same reading.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from data.contract import contract_name, header_key
from data.reference import value_codes


def contract_headers(columns: pd.Index[Any] | list[object]) -> dict[str, str]:
    """File header -> contract column, for the headers that are an alias (`jenis_kelamin` ->
    `owner_gender`); headers already named as the contract, and others, are left out."""
    found: dict[str, str] = {}
    for header in columns:
        name = contract_name(header) if isinstance(header, str) else None
        if name is not None and name != header:
            found[str(header)] = name
    return found


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
