"""The simulated MSME population: one chunk of MSMEs drawn with their true chances.

`draw_population` draws n MSMEs (offline and already digital) from the figures in
`data.calibration`: where they are, their size, owner and connection, then their true chance of
going digital without mentoring, the true effect of mentoring on it and their chance of being
mentored. `data.simulate` turns chunks of them into history, candidate and truth files. The draws
take the chunk's random stream in a fixed order: reordering them changes every file.

Provinces within an island group are weighted by population, read from the shared data folder
(`data.reference.province_figures`); where that folder is absent, equally (`province_weighting`
says which), so output depends on that too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
import pandas as pd

from data.calibration import (
    ALL_URBAN_PROVINCES,
    BASELINE_AGE_PER_YEAR,
    BASELINE_BANK_ACCOUNT,
    BASELINE_BUSINESS_AGE_PER_YEAR,
    BASELINE_BUSINESS_ID,
    BASELINE_EDUCATION,
    BASELINE_FEMALE,
    BASELINE_GOOD_INTERNET,
    BASELINE_INTERCEPT,
    BASELINE_ISLAND,
    BASELINE_LOG_WORKERS,
    BASELINE_NOISE_SD,
    BASELINE_PRIOR_TRAINING,
    BASELINE_SECTOR,
    BASELINE_URBAN,
    BUSINESS_AGE_GAMMA,
    DIGITAL_BASELINE_WEIGHT,
    DIGITAL_INTERCEPT,
    EDUCATION_SHARES,
    EDUCATION_URBAN_SHIFT,
    FEMALE_SHARE,
    GOOD_INTERNET_ISLAND_PENALTY,
    GOOD_INTERNET_OTHER_ISLAND_PENALTY,
    GOOD_INTERNET_SHARE,
    HARM_MIN_OWNER_AGE,
    HARM_OLDER_OWNER_SHARE,
    HARM_TRAINED_GRADUATE_SHARE,
    HEADROOM_CENTRE_P,
    HEADROOM_SLOPE,
    INTERNET_USE,
    ISLAND_SHARES,
    MEDIUM_ANNUAL_IDR,
    MENTORING_AGE_PER_YEAR,
    MENTORING_BUSINESS_ID,
    MENTORING_EDUCATION_PER_LEVEL,
    MENTORING_GOOD_INTERNET,
    MENTORING_INTERCEPT,
    MENTORING_PRIOR_TRAINING,
    MENTORING_SMARTPHONE,
    MENTORING_URBAN,
    MICRO_MAX_ANNUAL_IDR,
    MICRO_MEDIAN_ANNUAL_IDR_ONE_WORKER,
    MICRO_REVENUE_SIGMA,
    MICRO_WORKER_PROBS,
    NULL_BUSINESS_AGE_SHARE,
    NULL_REVENUE_SHARE,
    OWNER_AGE_MEAN_BY_EDUCATION,
    OWNER_AGE_RANGE,
    OWNER_AGE_SD,
    SECTOR_SHARES,
    SIZE_SHARES,
    SMALL_ANNUAL_IDR,
    SMARTPHONE_IF_NO_INTERNET,
    UNCONNECTED_LOGIT_PENALTY,
    UNCONNECTED_UPLIFT_FACTOR,
    UPLIFT_AGE_CURVATURE,
    UPLIFT_AGE_PEAK,
    UPLIFT_EDUCATION,
    UPLIFT_GOOD_INTERNET,
    UPLIFT_INTERCEPT,
    UPLIFT_LOG_WORKERS,
    UPLIFT_MAX,
    UPLIFT_NOISE_SD,
    UPLIFT_PRIOR_TRAINING,
    UPLIFT_SECTOR,
    URBAN_SHARE_BY_ISLAND,
)
from data.contract import EDUCATION_LEVELS, SECTORS
from data.reference import SharedDataMissingError, province_figures, provinces

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Population:
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

    def take(self, index: IntArray) -> Population:
        """The MSMEs at `index` (candidate chunks keep only the offline ones)."""
        return Population(**{name: value[index] for name, value in vars(self).items()})


def draw_population(rng: np.random.Generator, n: int) -> Population:
    """Draw n MSMEs (offline and already digital) with their true probabilities."""
    ref = reference_arrays()
    province = draw_codes(rng, ref.province_probs, n)
    island = ref.island_of_province[province]
    urban = rng.random(n) < ref.urban_share_of_province[province]

    size = draw_codes(rng, np.asarray(SIZE_SHARES) / sum(SIZE_SHARES), n)
    workers = _workers(rng, size)
    monthly_revenue = _monthly_revenue(rng, size, workers)

    sector = draw_codes(rng, ref.sector_probs, n)
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
    return Population(
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
    micro = 1 + draw_codes(rng, np.asarray(MICRO_WORKER_PROBS), n)
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


# --- Reference arrays ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceArrays:
    """The calibration figures as arrays indexed by the codes drawn (province, island group,
    sector, education level), and how provinces were weighted."""

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
    return reference_arrays().weighting


@cache
def reference_arrays() -> ReferenceArrays:
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
    return ReferenceArrays(
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


def draw_codes(rng: np.random.Generator, probs: FloatArray, n: int) -> IntArray:
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
