"""Mentoring-history simulator, calibrated to public statistics on Indonesian MSMEs (UMKM).

No public data records who was mentored and who went digital, so the project simulates it and keeps
the true effect of mentoring for every MSME. Each figure below cites its source or is an ASSUMPTION
listed in `data/README.md`. Rows are generated in fixed-size chunks, each from its own random stream
derived from the seed, and streamed to disk, so output depends only on (rows, seed, candidates) and
memory does not grow with the number of rows.

Provinces within an island group are weighted by population, read from the shared data folder
(`data.reference.province_figures`); where that folder is absent, equally (`province_weighting`
says which), so output depends on that too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from statistics import NormalDist
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

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
from data.reference import SharedDataMissingError, province_figures, provinces
from data.segments import STIMULUS_GROUP, assign_segments
from data.writing import atomic_outputs

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FileFormat = Literal["parquet", "csv"]

CHUNK_ROWS = 200_000  # rows per chunk and random stream; changing it changes every file
TRUTH_COLUMNS = (
    "msme_id",
    "p_digital_if_mentored",
    "p_digital_if_not",
    "true_uplift",
    "true_segment",
)

# --- Population: sourced figures -------------------------------------------------------------
# Size classes: micro 99.62%, small 0.30%, medium 0.07% of 64.2 million MSMEs (Kemenkop 2021).
SIZE_SHARES = (0.9962, 0.0030, 0.0007)
# Workers per size class follow the BPS bands (micro < 5, small 5-19, medium 20-99). Within micro
# the mix gives 1.69 workers per firm, near Kemenkop 2019's "about 1.7"; the shape is an ASSUMPTION.
MICRO_WORKER_PROBS = (0.55, 0.27, 0.12, 0.06)  # 1, 2, 3, 4 workers
# Annual sales bands of PP 7/2021 (IDR): micro <= 2 bn, small 2-15 bn, medium 15-50 bn.
MICRO_MAX_ANNUAL_IDR = 2e9
SMALL_ANNUAL_IDR = (2e9, 15e9)
MEDIUM_ANNUAL_IDR = (15e9, 50e9)
# Micro firms average Rp76 million a year (Kemenkop 2019): lognormal, sigma 1.0 (ASSUMPTION),
# median scaled with sqrt(workers); 36.6 m x E[sqrt(workers)] 1.26 x e^0.5 = 76 m.
MICRO_MEDIAN_ANNUAL_IDR_ONE_WORKER = 36.6e6
MICRO_REVENUE_SIGMA = 1.0

# Economic Census 2016, non-farm firms: trade 46.2%, accommodation & food 16.7%, manufacturing
# 16.5%, rest 20.6%. Manufacturing is split by an ASSUMPTION (food 35%, fashion/textile 20%,
# craft 20%, agri-processing 15%, other 10%); all of accommodation & food goes to food_beverage and
# the rest to services (see data/README.md).
_MANUFACTURING = 16.5
SECTOR_SHARES: Mapping[str, float] = {
    "food_beverage": 16.7 + 0.35 * _MANUFACTURING,
    "retail_trade": 46.2,
    "fashion_textile": 0.20 * _MANUFACTURING,
    "craft": 0.20 * _MANUFACTURING,
    "agri_processing": 0.15 * _MANUFACTURING,
    "services": 20.6,
    "other_manufacturing": 0.10 * _MANUFACTURING,
}

# Economic Census 2016, share of firms by island group (sums to 99.8%, normalised). Provinces
# within a group by 2024 civil-registry population: ASSUMPTION (no MSME count by province found);
# equally where the shared data folder with the population is absent (`province_weighting`).
ISLAND_SHARES: Mapping[str, float] = {
    "Jawa": 60.7,
    "Sumatera": 18.6,
    "Sulawesi": 8.1,
    "Bali-Nusa Tenggara": 5.6,
    "Kalimantan": 5.0,
    "Maluku-Papua": 1.8,
}
# Urban share of MSMEs by island group: ASSUMPTION (no official split found); Jakarta all urban.
URBAN_SHARE_BY_ISLAND: Mapping[str, float] = {
    "Jawa": 0.62,
    "Sumatera": 0.42,
    "Sulawesi": 0.38,
    "Bali-Nusa Tenggara": 0.40,
    "Kalimantan": 0.45,
    "Maluku-Papua": 0.30,
}
ALL_URBAN_PROVINCES = ("31",)  # DKI Jakarta

# Owner education of micro and small manufacturers (BPS IMK 2023): primary or less 48.6%, junior
# secondary 20.2%, senior secondary 26.6%, diploma or more 4.7%. "Diploma or more" is split 35/65
# into diploma / bachelor (ASSUMPTION). Urban owners are more educated (latent shift, ASSUMPTION)
# while the overall mix stays the census one.
_DIPLOMA_OR_MORE = 4.7
EDUCATION_SHARES = (48.6, 20.2, 26.6, 0.35 * _DIPLOMA_OR_MORE, 0.65 * _DIPLOMA_OR_MORE)
EDUCATION_URBAN_SHIFT = 0.5

# Owner gender: 49.4% women, the 2024 ministry registry (chosen over a 2021 claim of 64.5%).
FEMALE_SHARE = 0.494

# Internet use of persons aged 5+ (BPS telecommunication statistics 2023): urban 76.3%, rural
# 59.3%; taken as the share of MSMEs whose location has any internet (weak or good).
INTERNET_USE = {"urban": 0.763, "rural": 0.593}
# Among connected MSMEs, the share with good (not weak) internet: ASSUMPTION.
GOOD_INTERNET_SHARE = {"urban": 0.70, "rural": 0.45}
GOOD_INTERNET_ISLAND_PENALTY: Mapping[str, float] = {"Maluku-Papua": 0.20, "Jawa": 0.0}
GOOD_INTERNET_OTHER_ISLAND_PENALTY = 0.05

# Already digital: 13% of MSMEs (Kemenkop, July 2020); DIGITAL_INTERCEPT is tuned to give 13%.
# Having gone digital earlier follows the same drivers, less sharply (weight: ASSUMPTION), so some
# firms with a high chance of adopting this year are still offline (the sure things).
ALREADY_DIGITAL_SHARE = 0.13
DIGITAL_INTERCEPT = 0.088
DIGITAL_BASELINE_WEIGHT = 0.4

# --- Adoption without mentoring (logit of p_digital_if_not); directions from the literature,
# sizes are ASSUMPTIONS -----------------------------------------------------------------------
BASELINE_INTERCEPT = -6.3  # offline MSMEs go digital at ~2.6% a year without mentoring
BASELINE_EDUCATION = (0.0, 0.35, 0.8, 1.1, 1.3)  # education: the strongest driver (MAP2 2024)
BASELINE_AGE_PER_YEAR = -0.03  # owner age: -0.15 points per 5 years on a 0-10 score (MAP2 2024)
BASELINE_URBAN = 0.35
BASELINE_ISLAND: Mapping[str, float] = {"Jawa": 0.25, "Maluku-Papua": -0.35}
BASELINE_GOOD_INTERNET = 0.5
BASELINE_PRIOR_TRAINING = 3.3
BASELINE_LOG_WORKERS = 0.5  # size: 2-10 workers 41% vs one-person 22% digital payments
BASELINE_SECTOR: Mapping[str, float] = {  # services and food lead; trade the largest group online
    "food_beverage": 0.30,
    "retail_trade": 0.15,
    "fashion_textile": 0.15,
    "craft": 0.0,
    "agri_processing": -0.20,
    "services": 0.35,
    "other_manufacturing": -0.10,
}
BASELINE_FEMALE = -0.05  # small once other factors are controlled (MAP2 2024: -0.03, n.s.)
BASELINE_BANK_ACCOUNT = 0.2
BASELINE_BUSINESS_ID = 0.15
BASELINE_BUSINESS_AGE_PER_YEAR = -0.01  # young firms go online more (IFLS5 studies)
BASELINE_NOISE_SD = 0.3  # unobserved drive
# No smartphone or no internet: almost no chance either way (lost causes).
UNCONNECTED_LOGIT_PENALTY = -4.0
UNCONNECTED_UPLIFT_FACTOR = 0.1

# --- Effect of mentoring (probability points); ASSUMPTIONS -------------------------------------
UPLIFT_MAX = 0.106  # tuned: ~7% of mentored offline MSMEs go digital (ministry: 4-10%)
UPLIFT_INTERCEPT = 0.0
UPLIFT_EDUCATION = (-3.0, 1.0, 1.5, 1.2, 0.5)  # secondary-educated owners gain most
UPLIFT_AGE_PEAK = 42.0  # middle-aged owners gain most; the young go digital on their own
UPLIFT_AGE_CURVATURE = -0.005  # per year squared
UPLIFT_GOOD_INTERNET = 0.8
UPLIFT_SECTOR: Mapping[str, float] = {
    "food_beverage": 1.2,
    "retail_trade": 0.6,
    "fashion_textile": 0.6,
    "craft": 0.0,
    "agri_processing": -1.0,
    "services": 1.2,
    "other_manufacturing": -1.0,
}
UPLIFT_PRIOR_TRAINING = -4.0  # trained owners need mentoring less
UPLIFT_LOG_WORKERS = 0.8
# Sure things: uplift fades once the baseline passes ~15% (they go digital anyway).
HEADROOM_CENTRE_P = 0.15
HEADROOM_SLOPE = 2.5
UPLIFT_NOISE_SD = 0.07  # multiplicative, unobserved
# Do-not-disturb, two documented subgroups (ASSUMPTIONS): connected owners with prior digital
# training and a diploma or degree lose a quarter of their own chance (generic mentoring repeats
# what they know and delays their own launch); connected owners aged 60+ lose 40% of theirs
# (sessions take the owner away from the business).
HARM_TRAINED_GRADUATE_SHARE = 0.12
HARM_MIN_OWNER_AGE = 60
HARM_OLDER_OWNER_SHARE = 0.40

# --- Mentoring assignment (confounded, only on observed columns); ASSUMPTIONS -------------------
MENTORING_INTERCEPT = -3.236  # tuned: ~15% of offline MSMEs in the history are mentored
MENTORING_URBAN = 0.8
MENTORING_BUSINESS_ID = 0.9
MENTORING_EDUCATION_PER_LEVEL = 0.25
MENTORING_AGE_PER_YEAR = -0.02
MENTORING_SMARTPHONE = 0.5
MENTORING_GOOD_INTERNET = 0.4
MENTORING_PRIOR_TRAINING = -1.0  # programs skip owners already trained (ASSUMPTION)

# --- Other profile columns; ASSUMPTIONS ----------------------------------------------------------
OWNER_AGE_MEAN_BY_EDUCATION = (50.0, 45.0, 41.0, 39.0, 40.0)
OWNER_AGE_SD = 10.0
OWNER_AGE_RANGE = (18, 80)
BUSINESS_AGE_GAMMA = (1.8, 5.0)  # shape, scale: mean 9 years
SMARTPHONE_IF_NO_INTERNET = 0.40
NULL_BUSINESS_AGE_SHARE = 0.02
NULL_REVENUE_SHARE = 0.05
COHORTS = tuple(f"{year}-{month:02d}" for year in (2023, 2024) for month in range(1, 13))


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
        population = _population(rng, n)
        yield _history_chunk(rng, population, _ids(history_prefix, start, n, width))
    made = 0
    index = 0
    while made < n_candidates:
        rng = _rng(seed, stream=1, chunk=index)
        # Draw enough MSMEs that ~87% offline usually fills the rest in one go.
        population = _population(rng, min(CHUNK_ROWS, (n_candidates - made) * 5 // 4 + 64))
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


@dataclass(frozen=True)
class _Population:
    """One chunk of MSMEs: observed columns as codes, plus the true (unobserved) quantities."""

    province: IntArray
    urban: BoolArray
    sector: IntArray
    business_age: FloatArray
    workers: IntArray
    monthly_revenue: FloatArray
    owner_age: IntArray
    female: BoolArray
    education: IntArray
    smartphone: BoolArray
    bank_account: BoolArray
    business_id: BoolArray
    training: BoolArray
    internet: IntArray
    digital: BoolArray
    business_age_missing: BoolArray
    revenue_missing: BoolArray
    p_not: FloatArray
    p_mentored: FloatArray
    mentoring_propensity: FloatArray

    def take(self, index: IntArray) -> _Population:
        return _Population(**{name: value[index] for name, value in vars(self).items()})


def _population(rng: np.random.Generator, n: int) -> _Population:
    """Draw n MSMEs (offline and already digital) with their true probabilities."""
    ref = _reference()
    province = _draw(rng, ref.province_probs, n)
    island = ref.island_of_province[province]
    urban = rng.random(n) < ref.urban_share_of_province[province]

    size = _draw(rng, np.asarray(SIZE_SHARES) / sum(SIZE_SHARES), n)
    workers = _workers(rng, size)
    monthly_revenue = _monthly_revenue(rng, size, workers)

    sector = _draw(rng, ref.sector_probs, n)
    female = rng.random(n) < FEMALE_SHARE
    latent = rng.standard_normal(n) + EDUCATION_URBAN_SHIFT * urban
    education = np.searchsorted(ref.education_cutoffs, latent).astype(np.int64)
    owner_age = np.clip(
        np.rint(ref.age_mean_by_education[education] + OWNER_AGE_SD * rng.standard_normal(n)),
        *OWNER_AGE_RANGE,
    ).astype(np.int64)
    business_age = np.minimum(np.round(rng.gamma(*BUSINESS_AGE_GAMMA, size=n), 1), owner_age - 15.0)

    connected_share = np.where(urban, INTERNET_USE["urban"], INTERNET_USE["rural"])
    good_share = (
        np.where(urban, GOOD_INTERNET_SHARE["urban"], GOOD_INTERNET_SHARE["rural"])
        - ref.good_internet_penalty[island]
    )
    u = rng.random(n)
    internet = np.where(u >= connected_share, 0, np.where(u < connected_share * good_share, 2, 1))
    good = internet == 2
    age_c = owner_age - 45.0
    # Phone, bank account, NIB and prior training: coefficients are ASSUMPTIONS (data/README.md).
    smartphone = rng.random(n) < np.where(
        internet == 0,
        SMARTPHONE_IF_NO_INTERNET,
        _sigmoid(2.0 + 0.35 * (education - 1) - 0.05 * age_c),
    )
    log_workers = np.log(workers)
    log_revenue_ratio = np.log(monthly_revenue * 12.0 / 76e6)
    bank_account = rng.random(n) < _sigmoid(
        -0.5 + 0.45 * education + 0.4 * urban + 0.5 * log_workers + 0.3 * log_revenue_ratio
    )
    business_id = rng.random(n) < _sigmoid(
        -2.1 + 0.25 * education + 0.5 * urban + 0.7 * log_workers + 0.6 * bank_account
    )
    connected = smartphone & (internet > 0)
    training = rng.random(n) < _sigmoid(
        -3.0 + 0.35 * education - 0.03 * age_c + 0.3 * urban + 1.0 * connected
    )

    # Adoption without mentoring (the true p_digital_if_not).
    baseline = (
        BASELINE_INTERCEPT
        + ref.baseline_education[education]
        + BASELINE_AGE_PER_YEAR * age_c
        + BASELINE_URBAN * urban
        + ref.baseline_island[island]
        + BASELINE_GOOD_INTERNET * good
        + BASELINE_PRIOR_TRAINING * training
        + BASELINE_LOG_WORKERS * log_workers
        + ref.baseline_sector[sector]
        + BASELINE_FEMALE * female
        + BASELINE_BANK_ACCOUNT * bank_account
        + BASELINE_BUSINESS_ID * business_id
        + BASELINE_BUSINESS_AGE_PER_YEAR * (business_age - 9.0)
        + UNCONNECTED_LOGIT_PENALTY * ~connected
    )
    p_not = _sigmoid(baseline + BASELINE_NOISE_SD * rng.standard_normal(n))

    # Effect of mentoring: smooth in observed columns, fading for sure things.
    score = (
        UPLIFT_INTERCEPT
        + ref.uplift_education[education]
        + UPLIFT_AGE_CURVATURE * (owner_age - UPLIFT_AGE_PEAK) ** 2
        + UPLIFT_GOOD_INTERNET * good
        + ref.uplift_sector[sector]
        + UPLIFT_PRIOR_TRAINING * training
        + UPLIFT_LOG_WORKERS * log_workers
    )
    headroom = _sigmoid(-HEADROOM_SLOPE * (baseline - _logit(HEADROOM_CENTRE_P)))  # observed part
    noise = np.exp(UPLIFT_NOISE_SD * rng.standard_normal(n))
    uplift = UPLIFT_MAX * _sigmoid(score) * headroom * noise
    uplift = np.where(connected, uplift, UNCONNECTED_UPLIFT_FACTOR * p_not)
    harm = np.select(
        [
            connected & training & (education >= EDUCATION_LEVELS.index("diploma")),
            connected & (owner_age >= HARM_MIN_OWNER_AGE),
        ],
        [HARM_TRAINED_GRADUATE_SHARE, HARM_OLDER_OWNER_SHARE],
        default=0.0,
    )
    uplift = np.where(harm > 0, -harm * p_not, uplift)
    p_mentored = np.clip(p_not + uplift, 0.0, 0.995)

    digital = rng.random(n) < _sigmoid(
        DIGITAL_BASELINE_WEIGHT * _logit_array(p_not) + DIGITAL_INTERCEPT
    )
    mentoring_propensity = _sigmoid(
        MENTORING_INTERCEPT
        + MENTORING_URBAN * urban
        + MENTORING_BUSINESS_ID * business_id
        + MENTORING_EDUCATION_PER_LEVEL * education
        + MENTORING_AGE_PER_YEAR * age_c
        + MENTORING_SMARTPHONE * smartphone
        + MENTORING_GOOD_INTERNET * good
        + MENTORING_PRIOR_TRAINING * training
    )
    return _Population(
        province=province,
        urban=urban,
        sector=sector,
        business_age=business_age,
        workers=workers,
        monthly_revenue=monthly_revenue,
        owner_age=owner_age,
        female=female,
        education=education,
        smartphone=smartphone,
        bank_account=bank_account,
        business_id=business_id,
        training=training,
        internet=internet.astype(np.int64),
        digital=digital,
        business_age_missing=rng.random(n) < NULL_BUSINESS_AGE_SHARE,
        revenue_missing=rng.random(n) < NULL_REVENUE_SHARE,
        p_not=p_not,
        p_mentored=p_mentored,
        mentoring_propensity=mentoring_propensity,
    )


def _workers(rng: np.random.Generator, size: IntArray) -> IntArray:
    n = len(size)
    micro = 1 + _draw(rng, np.asarray(MICRO_WORKER_PROBS), n)
    small = np.minimum(5 + np.floor(rng.exponential(4.0, n)), 19).astype(np.int64)
    medium = np.minimum(20 + np.floor(rng.exponential(15.0, n)), 99).astype(np.int64)
    return np.select([size == 0, size == 1], [micro, small], default=medium)


def _annual_revenue(rng: np.random.Generator, size: IntArray, workers: IntArray) -> FloatArray:
    n = len(size)
    micro = np.minimum(
        MICRO_MEDIAN_ANNUAL_IDR_ONE_WORKER
        * np.sqrt(workers)
        * np.exp(MICRO_REVENUE_SIGMA * rng.standard_normal(n)),
        MICRO_MAX_ANNUAL_IDR,
    )
    u = rng.random(n)
    small = _log_uniform(u, *SMALL_ANNUAL_IDR)
    medium = _log_uniform(u, *MEDIUM_ANNUAL_IDR)
    return np.select([size == 0, size == 1], [micro, small], default=medium)


def _monthly_revenue(rng: np.random.Generator, size: IntArray, workers: IntArray) -> FloatArray:
    """Monthly revenue to the nearest Rp1,000, kept inside the size class's PP 7/2021 band."""
    bands = np.array([(0.0, MICRO_MAX_ANNUAL_IDR), SMALL_ANNUAL_IDR, MEDIUM_ANNUAL_IDR]) / 12e3
    low, high = np.ceil(bands[:, 0]) * 1e3, np.floor(bands[:, 1]) * 1e3
    monthly = np.round(_annual_revenue(rng, size, workers) / 12.0, -3)
    return np.clip(monthly, low[size], high[size])


def _log_uniform(u: FloatArray, low: float, high: float) -> FloatArray:
    return np.asarray(np.exp(np.log(low) + u * (np.log(high) - np.log(low))))


def _history_chunk(
    rng: np.random.Generator, population: _Population, ids: pa.Array
) -> tuple[str, pa.Table, pa.Table]:
    n = len(population.province)
    offline = ~population.digital
    mentored = offline & (rng.random(n) < population.mentoring_propensity)
    p_outcome = np.where(mentored, population.p_mentored, population.p_not)
    digitalized = np.where(offline, rng.random(n) < p_outcome, True)
    cohort = _draw(rng, np.full(len(COHORTS), 1.0 / len(COHORTS)), n)
    columns = _profile_arrays(population, ids)
    columns["mentored"] = pa.array(mentored)
    columns["digitalized"] = pa.array(digitalized)
    columns["cohort"] = _categories(cohort, COHORTS)
    table = pa.Table.from_pydict(columns, schema=_schema(HISTORY_COLUMNS))
    return "history", table, _truth(population, ids)


def _candidate_chunk(population: _Population, ids: pa.Array) -> tuple[pa.Table, pa.Table]:
    table = pa.Table.from_pydict(_profile_arrays(population, ids), schema=_schema(PROFILE_COLUMNS))
    return table, _truth(population, ids)


def _profile_arrays(population: _Population, ids: pa.Array) -> dict[str, pa.Array]:
    ref = _reference()
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


def _truth(population: _Population, ids: pa.Array) -> pa.Table:
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


# --- Reference arrays ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reference:
    weighting: str  # how provinces within an island group are weighted (`province_weighting`)
    province_codes: tuple[str, ...]
    province_probs: FloatArray
    island_of_province: IntArray
    urban_share_of_province: FloatArray
    good_internet_penalty: FloatArray  # per island group
    baseline_island: FloatArray
    sector_probs: FloatArray
    baseline_sector: FloatArray
    uplift_sector: FloatArray
    education_cutoffs: FloatArray
    age_mean_by_education: FloatArray
    baseline_education: FloatArray
    uplift_education: FloatArray


def province_weighting() -> str:
    """How this process's simulations weight provinces within an island group: by population
    from the shared data folder, or equally where it is absent (naming the file)."""
    return _reference().weighting


@cache
def _reference() -> _Reference:
    """Lookup arrays built once from the calibration figures and the province table."""
    table = provinces()
    islands = tuple(ISLAND_SHARES)
    unknown = set(table["island_group"]) - set(islands)
    if unknown:
        raise ValueError(f"provinces.csv has island groups without a share: {sorted(unknown)}")
    island_of_province = np.array([islands.index(g) for g in table["island_group"]])
    try:
        figures = province_figures()
    except SharedDataMissingError as missing:
        weighting = f"equally within each island group ({missing.filename} not found)"
        population = np.ones(len(table))
    else:
        weighting = f"by population within each island group ({figures.attrs['source']})"
        population = figures["population"].to_numpy(dtype=np.float64)
    group_population = (
        pd.Series(population).groupby(table["island_group"].to_numpy()).transform("sum").to_numpy()
    )
    island_share = np.array([ISLAND_SHARES[g] for g in table["island_group"]])
    province_probs = island_share / sum(ISLAND_SHARES.values()) * population / group_population
    codes = tuple(str(code) for code in table["province_code"])
    urban_share = np.array(
        [
            1.0 if code in ALL_URBAN_PROVINCES else URBAN_SHARE_BY_ISLAND[group]
            for code, group in zip(codes, table["island_group"], strict=True)
        ]
    )
    urban_total = float(province_probs @ urban_share)
    sector_shares = np.array([SECTOR_SHARES[s] for s in SECTORS])
    return _Reference(
        weighting=weighting,
        province_codes=codes,
        province_probs=province_probs / province_probs.sum(),
        island_of_province=island_of_province.astype(np.int64),
        urban_share_of_province=urban_share,
        good_internet_penalty=np.array(
            [
                GOOD_INTERNET_ISLAND_PENALTY.get(g, GOOD_INTERNET_OTHER_ISLAND_PENALTY)
                for g in islands
            ]
        ),
        baseline_island=np.array([BASELINE_ISLAND.get(g, 0.0) for g in islands]),
        sector_probs=sector_shares / sector_shares.sum(),
        baseline_sector=np.array([BASELINE_SECTOR[s] for s in SECTORS]),
        uplift_sector=np.array([UPLIFT_SECTOR[s] for s in SECTORS]),
        education_cutoffs=_mixture_cutoffs(
            np.asarray(EDUCATION_SHARES), urban_total, EDUCATION_URBAN_SHIFT
        ),
        age_mean_by_education=np.asarray(OWNER_AGE_MEAN_BY_EDUCATION),
        baseline_education=np.asarray(BASELINE_EDUCATION),
        uplift_education=np.asarray(UPLIFT_EDUCATION),
    )


def _mixture_cutoffs(shares: FloatArray, urban: float, shift: float) -> FloatArray:
    """Cutoffs on a latent N(shift * urban, 1) so the levels keep the given overall shares."""
    normal = NormalDist()
    targets = np.cumsum(shares / shares.sum())[:-1]
    cutoffs = []
    for target in targets:
        low, high = -10.0, 10.0
        for _ in range(80):  # bisection on a monotone mixture CDF
            mid = (low + high) / 2
            cdf = urban * normal.cdf(mid - shift) + (1 - urban) * normal.cdf(mid)
            low, high = (mid, high) if cdf < target else (low, mid)
        cutoffs.append((low + high) / 2)
    return np.asarray(cutoffs)


def _draw(rng: np.random.Generator, probs: FloatArray, n: int) -> IntArray:
    """Category codes 0..k-1 with the given probabilities."""
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(probs) - 1).astype(
        np.int64
    )


def _sigmoid(x: npt.ArrayLike) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64))))


def _logit_array(p: FloatArray) -> FloatArray:
    return np.asarray(np.log(p / (1 - p)))


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))
