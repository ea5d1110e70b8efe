"""Feature specifications and the one function that turns raw rows into LightGBM input.

Training and serving both call `feature_matrix`, so the served model cannot disagree with training
about encodings. Categories have fixed levels (from the contract, or learnt once at fit time);
a level never seen at fit time becomes missing (NaN), never an error, so a new sector spelling in a
request degrades gracefully instead of crashing the service. Values that cannot be a number or a
boolean at all (``"abc"`` for ``workers``) are bad input and raise `FeatureError` naming the
column and the spreadsheet row. Files are checked before they are scored (`unreadable_cells`):
every such cell, and for models of other tables than the MSME contract's (whose validation
refuses unknown values first) every category value none of the feature's levels, so that a file's
bad rows are set aside with their reasons rather than scored as missing or stopping the file.
"""

from __future__ import annotations

import contextlib
import functools
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from data.contract import (
    FALSE_STRINGS,
    FIRST_DATA_ROW,
    PROFILE_COLUMNS,
    TRUE_STRINGS,
)
from data.messages import Language, render
from data.reference import island_group_by_province, island_groups, province_codes
from models.errors import ModelError

FeatureKind = Literal["numeric", "categorical", "boolean"]
FloatArray = npt.NDArray[np.float64]

# Below this many rows, plain Python loops over the column values beat pandas' vectorised
# machinery (fixed cost per call: tens of microseconds); keeps single-MSME requests fast.
_SMALL_BATCH = 64

_TRUE = frozenset(TRUE_STRINGS)
_FALSE = frozenset(FALSE_STRINGS)
_MISSING_STRINGS = frozenset({"", "nan", "none", "null", "na", "n/a"})


# What a `FeatureError` says, as `data.messages` codes with parameters (worded in either language).
FEATURE_CODES: dict[str, tuple[str, ...]] = {
    "feature_missing": ("feature",),
    "feature_value_not_number": ("text",),
    "feature_value_not_boolean": ("text",),
    "feature_value_unknown_level": ("text", "levels"),
    "feature_value_unknown_level_many": ("text", "count"),
}
# A value that is none of a feature's levels names them all up to this many (else their number).
LEVELS_LISTED = 10


class FeatureError(ModelError, ValueError):
    """A value that cannot be read as its feature's kind; names the column and the row.

    ``position`` is the 0-based position in the frame given; the message shows the spreadsheet
    row number (from `FIRST_DATA_ROW`). ``code`` and ``params`` say what is wrong as a
    `FEATURE_CODES` entry; `worded` gives the whole message in either language.
    """

    def __init__(
        self,
        column: str,
        code: str,
        params: Mapping[str, object],
        position: int | None = None,
    ) -> None:
        self.column = column
        self.code = code
        self.params = MappingProxyType(dict(params))
        self.position = position
        super().__init__(self.worded("en"))

    @property
    def row(self) -> int | None:
        """Spreadsheet row number, when the error is about one row."""
        return None if self.position is None else self.position + FIRST_DATA_ROW

    def at(self, position: int) -> FeatureError:
        """The same error with the row position mapped into a larger frame."""
        return FeatureError(self.column, self.code, self.params, position)

    def worded(self, language: Language, row: int | None = None) -> str:
        """Where (`row`, else this error's own row, and the column) and what, in `language`."""
        row = self.row if row is None else row
        if row is None:
            return self.in_column(language)
        where = render("cli_where_row_column", {"row": row, "column": self.column}, language)
        return f"{where}: {render(self.code, self.params, language)}"

    def in_column(self, language: Language = "en") -> str:
        """The column and what is wrong, without the row (a quarantine file's reason)."""
        where = render("cli_where_column", {"column": self.column}, language)
        return f"{where}: {render(self.code, self.params, language)}"


@dataclass(frozen=True)
class FeatureSpec:
    """One model feature.

    ``categories`` fixes the levels of a categorical feature; ``None`` means "learn them from the
    training data" (see `resolve_specs`). ``derived_from`` names the raw column a derived feature is
    computed from, through ``mapping`` (raw value, derived value) pairs; when ``mapping`` is None it
    is looked up in `DERIVATIONS` by the feature's name (``island_group`` from ``province_code``).
    The mapping is stored in the spec so a served model needs no reference files.
    """

    name: str
    kind: FeatureKind
    categories: tuple[str, ...] | None = None
    derived_from: str | None = None
    mapping: tuple[tuple[str, str], ...] | None = None

    @property
    def source(self) -> str:
        """The raw input column this feature is read from."""
        return self.derived_from or self.name


def _island_group_mapping() -> Mapping[str, str]:
    return island_group_by_province()


# Derived feature name -> function returning {raw value -> derived value}.
DERIVATIONS: dict[str, Callable[[], Mapping[str, str]]] = {"island_group": _island_group_mapping}

_NON_FEATURE_PROFILE_COLUMNS = ("msme_id", "digital_status")


def msme_feature_specs() -> tuple[FeatureSpec, ...]:
    """The MSME contract's features: every profile column but the id and digital status, plus
    ``island_group`` derived from ``province_code``."""
    specs: list[FeatureSpec] = []
    for column in PROFILE_COLUMNS:
        if column.name in _NON_FEATURE_PROFILE_COLUMNS:
            continue
        if column.kind in ("integer", "number"):
            specs.append(FeatureSpec(column.name, "numeric"))
        elif column.kind == "boolean":
            specs.append(FeatureSpec(column.name, "boolean"))
        else:
            levels = province_codes() if column.name == "province_code" else column.allowed
            specs.append(FeatureSpec(column.name, "categorical", levels))
    specs.append(
        FeatureSpec(
            "island_group",
            "categorical",
            island_groups(),
            derived_from="province_code",
            mapping=tuple(sorted(_island_group_mapping().items())),
        )
    )
    return tuple(specs)


def _category_text(value: Any) -> str | None:
    """A raw category value as the text it is compared by (``31`` and ``31.0`` -> ``"31"``)."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None
        if float(value).is_integer():
            return str(int(value))
    text = str(value).strip()
    # Only blank text is missing here: "none" is a real level (internet_access), and any other
    # text that is not a known level becomes missing when encoded anyway.
    return text or None


def _derived_source_values(spec: FeatureSpec, raw: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Map a raw source column to the derived feature's values (unknown -> None)."""
    mapping = _derivation(spec)
    return map_distinct(raw, lambda v: mapping.get(_category_text(v) or ""), bools=True)


def map_distinct(
    raw: npt.NDArray[Any], fn: Callable[[Any], Any], *, bools: bool
) -> npt.NDArray[Any]:
    """``[fn(v) for v in raw]``, calling ``fn`` once per distinct value of a long column.

    Distinct values come from `pandas.factorize`, which treats ``True`` and ``1`` as one value
    and every missing value (None, NaN) as ``fn(None)``; with ``bools=True`` (``fn`` tells True
    from 1, as category text does) a column holding booleans is mapped value by value instead.
    """
    if len(raw) <= _SMALL_BATCH or (bools and _holds_bools(raw)):
        values = [fn(v) for v in raw]
    else:
        codes, uniques = pd.factorize(raw)  # missing values get code -1: the table's last entry
        table = np.empty(len(uniques) + 1, dtype=object)
        table[:] = [*(fn(v) for v in uniques), fn(None)]
        return table[codes]
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _holds_bools(raw: npt.NDArray[Any]) -> bool:
    if pd.api.types.infer_dtype(raw, skipna=True) in ("string", "empty"):
        return False  # the usual case, checked at C speed
    kinds = {type(v) for v in raw}
    return bool in kinds or np.bool_ in kinds


def _derivation(spec: FeatureSpec) -> Mapping[str, str]:
    if spec.mapping is not None:
        return _as_dict(spec.mapping)
    if spec.name in DERIVATIONS:
        return DERIVATIONS[spec.name]()
    raise ValueError(f"feature {spec.name}: derived from {spec.derived_from} without a mapping")


@functools.lru_cache(maxsize=256)
def _as_dict(pairs: tuple[tuple[str, str], ...]) -> Mapping[str, str]:
    return MappingProxyType(dict(pairs))


@functools.lru_cache(maxsize=256)
def _level_index(levels: tuple[str, ...]) -> Mapping[str, float]:
    return MappingProxyType({level: float(i) for i, level in enumerate(levels)})


def resolve_specs(df: pd.DataFrame, specs: Sequence[FeatureSpec]) -> tuple[FeatureSpec, ...]:
    """Fix what a spec leaves open, from the (training) frame: the levels of categorical specs
    without categories (sorted) and the mapping of derived features."""
    resolved: list[FeatureSpec] = []
    for given in specs:
        spec = given
        if spec.derived_from is not None and spec.mapping is None:
            if spec.name not in DERIVATIONS:
                raise ValueError(
                    f"feature {spec.name}: no known derivation from {spec.derived_from}"
                )
            spec = replace(spec, mapping=tuple(sorted(DERIVATIONS[spec.name]().items())))
        if spec.kind == "categorical" and spec.categories is None:
            raw = _column(df, spec)
            if spec.derived_from is not None:
                raw = _derived_source_values(spec, raw)
            levels = sorted({t for t in (_category_text(v) for v in raw) if t is not None})
            spec = replace(spec, categories=tuple(levels))
        resolved.append(spec)
    return tuple(resolved)


def _column(df: pd.DataFrame, spec: FeatureSpec) -> npt.NDArray[Any]:
    if spec.source not in df.columns:
        raise FeatureError(spec.source, "feature_missing", {"feature": spec.name})
    return df[spec.source].to_numpy()


def _numeric_value(name: str, value: Any, position: int) -> float:
    """One value of a numeric feature (missing spellings -> NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and text.lower() in _MISSING_STRINGS:
        return math.nan
    try:
        return float(text)
    except (TypeError, ValueError):
        raise FeatureError(
            name, "feature_value_not_number", {"text": repr(value)}, position
        ) from None


def _boolean_value(name: str, value: Any, position: int) -> float:
    """One value of a boolean feature as 0/1 (missing spellings -> NaN)."""
    if value is None:
        return math.nan
    if isinstance(value, bool | np.bool_):
        return 1.0 if value else 0.0
    if isinstance(value, float | np.floating) and math.isnan(value):
        return math.nan
    if isinstance(value, int | float | np.integer | np.floating) and value in (0, 1):
        return float(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return 1.0
    if text in _FALSE:
        return 0.0
    if text in _MISSING_STRINGS:
        return math.nan
    raise FeatureError(name, "feature_value_not_boolean", {"text": repr(value)}, position)


def _encode_numeric(name: str, raw: npt.NDArray[Any]) -> FloatArray:
    if raw.dtype.kind in "fiub":
        return raw.astype(np.float64)
    if len(raw) > _SMALL_BATCH:
        # float() of every value at C speed; text like "n/a" or "abc" falls back to the loop,
        # which reads missing spellings and names the first bad row.
        with contextlib.suppress(TypeError, ValueError):
            return raw.astype(np.float64)
    return np.array(
        [_numeric_value(name, value, i) for i, value in enumerate(raw)], dtype=np.float64
    )


def _encode_boolean(name: str, raw: npt.NDArray[Any]) -> FloatArray:
    if raw.dtype.kind in "biu":
        return raw.astype(np.float64)
    if len(raw) > _SMALL_BATCH:
        # Once per distinct value (True and 1 read the same here); a bad value is looked for
        # again row by row below, so the error names its row.
        with contextlib.suppress(FeatureError):
            return map_distinct(raw, lambda v: _boolean_value(name, v, 0), bools=False).astype(
                np.float64
            )
    return np.array(
        [_boolean_value(name, value, i) for i, value in enumerate(raw)], dtype=np.float64
    )


def _encode_categorical(spec: FeatureSpec, raw: npt.NDArray[Any]) -> FloatArray:
    """Level index as float; unknown or missing -> NaN (LightGBM treats it as missing)."""
    levels = _levels(spec)
    if len(raw) <= _SMALL_BATCH:
        index = _level_index(levels)
        return np.array([index.get(_category_text(v) or "", np.nan) for v in raw], dtype=np.float64)
    index = _level_index(levels)
    codes = map_distinct(raw, lambda v: index.get(_category_text(v) or "", math.nan), bools=True)
    return codes.astype(np.float64)


def _levels(spec: FeatureSpec) -> tuple[str, ...]:
    if spec.categories is None:
        raise ValueError(f"feature {spec.name}: categories not fixed; call resolve_specs first")
    return spec.categories


def encode_column(spec: FeatureSpec, df: pd.DataFrame) -> FloatArray:
    """One feature as a float column, ready for LightGBM."""
    return _encode(spec, _column(df, spec))


def _encode(spec: FeatureSpec, raw: npt.NDArray[Any]) -> FloatArray:
    if spec.derived_from is not None:
        raw = _derived_source_values(spec, raw)
    if spec.kind == "numeric":
        return _encode_numeric(spec.name, raw)
    if spec.kind == "boolean":
        return _encode_boolean(spec.name, raw)
    return _encode_categorical(spec, raw)


def feature_matrix(df: pd.DataFrame, specs: Sequence[FeatureSpec]) -> FloatArray:
    """The features as one C-contiguous float64 matrix (n_rows, n_features), in spec order.

    Categoricals are level indices (NaN when missing or unknown), booleans 0/1, numbers as given.
    This is the fast path used for fitting and scoring; LightGBM is told which columns are
    categorical through `categorical_indices`. A handful of rows (a service request) is read in
    one conversion to an object array instead of one pandas column access per feature.
    """
    out = np.empty((len(df), len(specs)), dtype=np.float64)
    if len(df) <= _SMALL_BATCH:
        position = {name: i for i, name in enumerate(df.columns)}
        values = df.to_numpy(dtype=object)
        for j, spec in enumerate(specs):
            if spec.source not in position:
                _column(df, spec)  # raises the missing-column error
            out[:, j] = _encode(spec, values[:, position[spec.source]])
        return out
    for j, spec in enumerate(specs):
        out[:, j] = encode_column(spec, df)
    return out


def record_matrix(records: Sequence[Mapping[str, Any]], specs: Sequence[FeatureSpec]) -> FloatArray:
    """`feature_matrix` of rows given as mappings of column to value (parsed JSON, validated
    request models' fields), with the same encodings and errors, and no DataFrame in between.

    A handful of rows (a service request) is encoded value by value in plain Python, which for
    one row costs a fraction of even one NumPy call per feature; longer lists column by column.
    """
    try:
        if len(records) <= _SMALL_BATCH:
            encoders = _row_encoders(specs)
            rows = [
                [encode(record[source], i) for source, encode in encoders]
                for i, record in enumerate(records)
            ]
            return np.array(rows, dtype=np.float64).reshape(len(records), len(specs))
        sources = list(dict.fromkeys(spec.source for spec in specs))
        table = np.empty((len(records), len(sources)), dtype=object)
        picked = map(operator.itemgetter(*sources), records)  # one C call per row
        table[:] = list(picked) if len(sources) > 1 else [(value,) for value in picked]
        position = {source: k for k, source in enumerate(sources)}
        out = np.empty((len(records), len(specs)), dtype=np.float64)
        for j, spec in enumerate(specs):
            out[:, j] = _encode(spec, table[:, position[spec.source]])
        return out
    except KeyError as error:
        missing = str(error.args[0])
        needing = next((spec.name for spec in specs if spec.source == missing), None)
        if needing is None:
            raise
        raise FeatureError(missing, "feature_missing", {"feature": needing}) from None


ValueEncoder = Callable[[Any, int], float]
_ENCODER_CACHE: dict[int, tuple[Sequence[FeatureSpec], tuple[tuple[str, ValueEncoder], ...]]] = {}


def _row_encoders(specs: Sequence[FeatureSpec]) -> tuple[tuple[str, ValueEncoder], ...]:
    """(source column, value encoder) per spec; cached by the identity of ``specs`` (a served
    model's specs live as long as the model; hashing them on every request would cost more
    than encoding the row)."""
    cached = _ENCODER_CACHE.get(id(specs))
    if cached is not None and cached[0] is specs:
        return cached[1]
    encoders = tuple((spec.source, _value_encoder(spec)) for spec in specs)
    if len(_ENCODER_CACHE) >= 32:  # models replaced by reloads
        _ENCODER_CACHE.clear()
    _ENCODER_CACHE[id(specs)] = (specs, encoders)
    return encoders


def _value_encoder(spec: FeatureSpec) -> ValueEncoder:
    """The scalar twin of `_encode` for one spec: raw value and row position -> float."""
    name = spec.name
    if spec.kind == "numeric":
        encode: ValueEncoder = functools.partial(_numeric_value, name)
    elif spec.kind == "boolean":
        encode = functools.partial(_boolean_value, name)
    else:
        index = _level_index(_levels(spec))

        def encode(value: Any, position: int) -> float:
            return index.get(_category_text(value) or "", math.nan)

    if spec.derived_from is None:
        return encode
    mapping = _derivation(spec)

    def derived(value: Any, position: int) -> float:
        return encode(mapping.get(_category_text(value) or ""), position)

    return derived


def unreadable_cells(
    df: pd.DataFrame, specs: Sequence[FeatureSpec], *, known_levels: bool = False
) -> list[FeatureError]:
    """Every cell `feature_matrix` would refuse (not a number, not a boolean), each a
    `FeatureError` at its 0-based position, ordered by position then feature; with
    `known_levels`, also every category value none of the feature's levels (the encoder reads it
    as missing). Blank cells and missing spellings are missing values, not problems. Derived
    features are read from a mapping of their source column and are not checked here."""
    found: list[tuple[int, int, FeatureError]] = []  # position, feature, problem
    for j, spec in enumerate(specs):
        check = _cell_check(spec, known_levels=known_levels)
        if check is None or spec.derived_from is not None:
            continue
        raw = _column(df, spec)
        if spec.kind == "numeric" and raw.dtype.kind in "fiub":
            continue  # numbers already: nothing to refuse
        problems = map_distinct(raw, check, bools=spec.kind == "categorical")
        found += [(int(i), j, problems[i]) for i in np.flatnonzero(pd.notna(problems))]
    ordered = sorted(found, key=operator.itemgetter(0, 1))
    return [problem.at(position) for position, _, problem in ordered]


def _cell_check(
    spec: FeatureSpec, *, known_levels: bool
) -> Callable[[Any], FeatureError | None] | None:
    """The check of one raw value of `spec` (None: every value is readable)."""
    name = spec.name
    if spec.kind == "categorical":
        if not known_levels:
            return None
        levels = _levels(spec)
        index = _level_index(levels)
        code, shown = (
            ("feature_value_unknown_level", {"levels": list(levels)})
            if len(levels) <= LEVELS_LISTED
            else ("feature_value_unknown_level_many", {"count": len(levels)})
        )

        def check_level(value: Any) -> FeatureError | None:
            text = _category_text(value)
            if text is None or text in index or text.lower() in _MISSING_STRINGS:
                return None
            return FeatureError(name, code, {"text": repr(value), **shown})

        return check_level
    read = _numeric_value if spec.kind == "numeric" else _boolean_value

    def check_value(value: Any) -> FeatureError | None:
        try:
            read(name, value, 0)
        except FeatureError as error:
            return error
        return None

    return check_value


def categorical_indices(specs: Sequence[FeatureSpec]) -> list[int]:
    """Positions of the categorical features (for LightGBM's ``categorical_feature``)."""
    return [j for j, spec in enumerate(specs) if spec.kind == "categorical"]


def prepare_features(df: pd.DataFrame, specs: Sequence[FeatureSpec]) -> pd.DataFrame:
    """A LightGBM-ready DataFrame: categoricals as pandas Categorical with fixed levels (unknown
    levels -> NaN), booleans 0/1, numbers float; index kept. Derives ``island_group``."""
    matrix = feature_matrix(df, specs)
    columns: dict[str, Any] = {}
    for j, spec in enumerate(specs):
        if spec.kind == "categorical":
            levels = list(spec.categories or ())
            codes = np.where(np.isnan(matrix[:, j]), -1, matrix[:, j]).astype(np.int64)
            columns[spec.name] = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(levels))
        else:
            columns[spec.name] = matrix[:, j]
    return pd.DataFrame(columns, index=df.index)


def frame_to_matrix(frame: pd.DataFrame | FloatArray) -> FloatArray:
    """Turn a `prepare_features` frame (or an already numeric matrix) into the float matrix."""
    if isinstance(frame, np.ndarray):
        return np.ascontiguousarray(frame, dtype=np.float64)
    out = np.empty(frame.shape, dtype=np.float64)
    for j, name in enumerate(frame.columns):
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy().astype(np.float64)
            codes[codes < 0] = np.nan
            out[:, j] = codes
        else:
            out[:, j] = pd.to_numeric(column, errors="raise").to_numpy(dtype=np.float64)
    return out


def display_value(spec: FeatureSpec, encoded: float) -> str | float | bool | None:
    """The human-readable value of one encoded feature (for explanations)."""
    if math.isnan(encoded):
        return None
    if spec.kind == "categorical":
        return (spec.categories or ())[int(encoded)]
    if spec.kind == "boolean":
        return bool(encoded)
    return float(encoded)


def hillstrom_feature_specs() -> tuple[FeatureSpec, ...]:
    """Features of the Hillstrom e-mail table (an example of a non-MSME configuration)."""
    return (
        FeatureSpec("recency", "numeric"),
        FeatureSpec("history", "numeric"),
        FeatureSpec("mens", "boolean"),
        FeatureSpec("womens", "boolean"),
        FeatureSpec("newbie", "boolean"),
        FeatureSpec("zip_code", "categorical"),
        FeatureSpec("channel", "categorical"),
        FeatureSpec("history_segment", "categorical"),
    )
