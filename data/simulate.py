"""Mentoring-history simulator, calibrated to public statistics on Indonesian MSMEs (UMKM).

No public data records who was mentored and who went digital, so the project simulates it and keeps
the true effect of mentoring for every MSME. The MSMEs and their true chances are drawn by
`data.population` from the figures in `data.calibration`, each of which cites its source or is an
ASSUMPTION listed in `data/README.md`; this module makes rows, ids and files of them. Rows are
generated in fixed-size chunks, each from its own random stream derived from the seed, and
streamed to disk, so output depends only on (rows, seed, candidates) and memory does not grow with
the number of rows.

Provinces within an island group are weighted by population, read from the shared data folder;
where that folder is absent, equally (`data.population.province_weighting` says which), so output
depends on that too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from data.calibration import COHORTS
from data.contract import (
    AREA_TYPES,
    DIGITAL_STATUS,
    EDUCATION_LEVELS,
    GENDERS,
    HISTORY_COLUMNS,
    INTERNET_ACCESS,
    PROFILE_COLUMNS,
    SECTORS,
    ColumnSpec,
)
from data.io import DataFileError
from data.population import IntArray, Population, draw_codes, draw_population, reference_arrays
from data.segments import STIMULUS_GROUP, assign_segments
from data.writing import atomic_outputs

FileFormat = Literal["parquet", "csv"]

CHUNK_ROWS = 200_000  # rows per chunk and random stream; changing it changes every file
TRUTH_COLUMNS = (
    "msme_id",
    "p_digital_if_mentored",
    "p_digital_if_not",
    "true_uplift",
    "true_segment",
)


@dataclass(frozen=True)
class Simulation:
    """A simulated mentoring history, new candidates to score, and the true effects for both."""

    history: pd.DataFrame
    candidates: pd.DataFrame
    truth: pd.DataFrame


def simulate(rows: int, seed: int, candidates: int | None = None) -> Simulation:
    """Simulate in memory (for tests and small runs); the same data `simulate_to_dir` writes."""
    parts: dict[str, list[pa.Table]] = {"history": [], "candidates": [], "truth": []}
    for kind, table, truth in _chunks(rows, seed, candidates):
        parts[kind].append(table)
        parts["truth"].append(truth)
    frames = {
        name: pa.concat_tables(tables).to_pandas() if tables else pd.DataFrame()
        for name, tables in parts.items()
    }
    return Simulation(frames["history"], frames["candidates"], frames["truth"])


def candidate_count(rows: int, candidates: int | None) -> int:
    """The candidates a simulation draws: as asked, else a tenth of the history's rows."""
    return max(1, rows // 10) if candidates is None else candidates


def simulation_paths(output: Path, fmt: FileFormat = "parquet") -> dict[str, Path]:
    """The files `simulate_to_dir` writes into `output`: history, candidates and truth."""
    return {name: Path(output) / f"{name}.{fmt}" for name in ("history", "candidates", "truth")}


def other_format(fmt: FileFormat) -> FileFormat:
    """The simulator's other file format: an earlier simulation's files in it are removed."""
    return "csv" if fmt == "parquet" else "parquet"


def simulate_to_dir(
    rows: int,
    seed: int,
    output: Path,
    fmt: FileFormat = "parquet",
    candidates: int | None = None,
) -> dict[str, Path]:
    """Write history, candidates and truth files into `output`, chunk by chunk.

    A folder holds one simulation: an earlier one's files are replaced, those in the other
    format too (removed once the new files are written, so no 40,000-row `history.parquet` is
    left beside a new `history.csv`). Only these names are touched (`simulation_paths`), and
    only files: other files and folders stay."""
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"format must be 'parquet' or 'csv', not {fmt!r}")
    _check_sizes(rows, seed, candidates)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    paths = simulation_paths(output, fmt)
    schemas = {
        "history": _schema(HISTORY_COLUMNS),
        "candidates": _schema(PROFILE_COLUMNS),
        "truth": _TRUTH_SCHEMA,
    }
    # All three files appear complete, together, or none does (a full disk leaves nothing).
    with atomic_outputs(list(paths.values())) as temporaries:
        writers: dict[str, _Writer] = {}
        try:
            for name, temporary in zip(paths, temporaries, strict=True):
                writers[name] = _Writer(temporary, schemas[name], fmt)
            for kind, table, truth in _chunks(rows, seed, candidates):
                writers[kind].write_table(table)
                writers["truth"].write_table(truth)
        finally:
            for writer in writers.values():
                writer.close()
    for earlier in simulation_paths(output, other_format(fmt)).values():
        if earlier.is_file():
            try:
                earlier.unlink(missing_ok=True)
            except OSError as error:
                raise DataFileError(
                    f"{earlier}: cannot remove this file of an earlier simulation "
                    f"({error.strerror or error}); the new one is written beside it as "
                    f"{fmt}: remove it by hand",
                    code="write_failed",
                ) from error
    return paths


# --- Chunks ---------------------------------------------------------------------------------------


def _check_sizes(rows: int, seed: int, candidates: int | None) -> None:
    if rows < 1:
        raise ValueError(f"rows must be at least 1, not {rows}")
    if candidates is not None and candidates < 1:
        raise ValueError(f"candidates must be at least 1, not {candidates}")
    if seed < 0:
        raise ValueError(f"seed must be 0 or more, not {seed}")


def _chunks(
    rows: int, seed: int, candidates: int | None
) -> Iterator[tuple[str, pa.Table, pa.Table]]:
    """(file, rows, truth rows) per chunk: history chunks first, then candidate chunks."""
    _check_sizes(rows, seed, candidates)
    n_candidates = candidate_count(rows, candidates)
    width = max(7, len(str(max(rows, n_candidates))))
    # The seed is part of every id: another seed draws other MSMEs, and the promotion gate,
    # which leaves out a champion's own training rows by id, must not take them for the same.
    history_prefix, candidate_prefix = f"H{seed}-", f"C{seed}-"
    for index, start in enumerate(range(0, rows, CHUNK_ROWS)):
        rng = _rng(seed, stream=0, chunk=index)
        n = min(CHUNK_ROWS, rows - start)
        population = draw_population(rng, n)
        yield _history_chunk(rng, population, _ids(history_prefix, start, n, width))
    made = 0
    index = 0
    while made < n_candidates:
        rng = _rng(seed, stream=1, chunk=index)
        # Draw enough MSMEs that ~87% offline usually fills the rest in one go.
        population = draw_population(rng, min(CHUNK_ROWS, (n_candidates - made) * 5 // 4 + 64))
        offline = np.flatnonzero(~population.digital)[: n_candidates - made]
        population = population.take(offline)
        table, truth = _candidate_chunk(
            population, _ids(candidate_prefix, made, len(offline), width)
        )
        yield "candidates", table, truth
        made += len(offline)
        index += 1


def _rng(seed: int, *, stream: int, chunk: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stream, chunk)))


def _ids(prefix: str, start: int, n: int, width: int) -> pa.Array:
    numbers = pa.array(np.arange(start + 1, start + n + 1, dtype=np.int64)).cast(pa.string())
    padded = pc.utf8_lpad(numbers, width=width, padding="0")
    return pc.binary_join_element_wise(prefix, padded, "")


def _history_chunk(
    rng: np.random.Generator, population: Population, ids: pa.Array
) -> tuple[str, pa.Table, pa.Table]:
    n = len(population.province)
    offline = ~population.digital
    mentored = offline & (rng.random(n) < population.mentoring_propensity)
    p_outcome = np.where(mentored, population.p_mentored, population.p_not)
    digitalized = np.where(offline, rng.random(n) < p_outcome, True)
    cohort = draw_codes(rng, np.full(len(COHORTS), 1.0 / len(COHORTS)), n)
    columns = _profile_arrays(population, ids)
    columns["mentored"] = pa.array(mentored)
    columns["digitalized"] = pa.array(digitalized)
    columns["cohort"] = _categories(cohort, COHORTS)
    table = pa.Table.from_pydict(columns, schema=_schema(HISTORY_COLUMNS))
    return "history", table, _truth(population, ids)


def _candidate_chunk(population: Population, ids: pa.Array) -> tuple[pa.Table, pa.Table]:
    table = pa.Table.from_pydict(_profile_arrays(population, ids), schema=_schema(PROFILE_COLUMNS))
    return table, _truth(population, ids)


def _profile_arrays(population: Population, ids: pa.Array) -> dict[str, pa.Array]:
    ref = reference_arrays()
    return {
        "msme_id": ids,
        "province_code": _categories(population.province, ref.province_codes),
        "area_type": _categories(np.where(population.urban, 0, 1), AREA_TYPES),
        "sector": _categories(population.sector, SECTORS),
        "business_age_years": pa.array(
            population.business_age, mask=population.business_age_missing
        ),
        "workers": pa.array(population.workers),
        "monthly_revenue_idr": pa.array(
            population.monthly_revenue, mask=population.revenue_missing
        ),
        "owner_age": pa.array(population.owner_age),
        "owner_gender": _categories(np.where(population.female, 0, 1), GENDERS),
        "owner_education": _categories(population.education, EDUCATION_LEVELS),
        "has_smartphone": pa.array(population.smartphone),
        "has_bank_account": pa.array(population.bank_account),
        "has_business_id": pa.array(population.business_id),
        "prior_digital_training": pa.array(population.training),
        "internet_access": _categories(population.internet, INTERNET_ACCESS),
        "digital_status": _categories(np.where(population.digital, 1, 0), DIGITAL_STATUS),
    }


def _truth(population: Population, ids: pa.Array) -> pa.Table:
    digital = population.digital
    p_mentored = np.where(digital, np.nan, population.p_mentored)
    p_not = np.where(digital, np.nan, population.p_not)
    segment = np.where(
        digital, STIMULUS_GROUP, assign_segments(population.p_mentored, population.p_not)
    )
    return pa.Table.from_pydict(
        {
            "msme_id": ids,
            "p_digital_if_mentored": pa.array(p_mentored, from_pandas=True),
            "p_digital_if_not": pa.array(p_not, from_pandas=True),
            "true_uplift": pa.array(p_mentored - p_not, from_pandas=True),
            "true_segment": pa.array(segment),
        },
        schema=_TRUTH_SCHEMA,
    )


def _categories(codes: IntArray, labels: tuple[str, ...]) -> pa.Array:
    dictionary = pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32)), pa.array(labels, pa.string())
    )
    return dictionary.cast(pa.string())


# --- Schemas and writers ------------------------------------------------------------------------

_ARROW_TYPES = {
    "string": pa.string(),
    "category": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
}
_TRUTH_SCHEMA = pa.schema(
    [
        pa.field("msme_id", pa.string(), nullable=False),
        pa.field("p_digital_if_mentored", pa.float64()),
        pa.field("p_digital_if_not", pa.float64()),
        pa.field("true_uplift", pa.float64()),
        pa.field("true_segment", pa.string(), nullable=False),
    ]
)


@cache
def _schema(columns: tuple[ColumnSpec, ...]) -> pa.Schema:
    return pa.schema([pa.field(c.name, _ARROW_TYPES[c.kind], nullable=c.nullable) for c in columns])


class _Writer:
    """One streaming table writer for Parquet or CSV."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: FileFormat) -> None:
        self._parquet: pq.ParquetWriter | None = None
        self._csv: pa_csv.CSVWriter | None = None
        if fmt == "parquet":
            self._parquet = pq.ParquetWriter(path, schema, compression="snappy")
        else:
            options = pa_csv.WriteOptions(quoting_style="none")  # values never hold , " or newlines
            self._csv = pa_csv.CSVWriter(path, schema, write_options=options)

    def write_table(self, table: pa.Table) -> None:
        if self._parquet is not None:
            self._parquet.write_table(table)
        elif self._csv is not None:
            self._csv.write_table(table)

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        if self._csv is not None:
            self._csv.close()
