"""Two "blind" MSME worlds for the evaluation zoo, built by an outside hand.

Written on 2026-12-05 by a helper session that did not see the pipeline (training/, models/), its
results (docs/results.md), the zoo's evaluation logic or the other worlds' functions: only the
data contract, the reference province list, the `World` dataclass, `EVAL_ROWS` and
`_finish_msme`. The profiles are drawn here with their own marginals and correlations (not by
`data.simulate`); every row is an offline MSME. Both worlds return a history of `rows` rows
(profiles, `mentored`, `digitalized`, `cohort`) and an evaluation population of `EVAL_ROWS`
profiles with the true uplift p1 - p0 of each.

Profiles (both worlds). Provinces drawn by population to a power below one (outer islands a
little over-represented, as programmes reach for them); urban share by island group with city
provinces (Jakarta, Riau Islands, Yogyakarta, Bali) more urban. About 60% of owners are women,
who run food, retail and fashion more often; men retail, agri-processing, services and
manufacturing; rural firms lean to agri-processing. Owner ages 20-70 (about 44 on average);
education follows youth and towns. Workers are 1 plus a negative binomial draw (about half work
alone, few above 10; manufacturing larger). Monthly revenue is lognormal around Rp3 million,
rising with workers, towns, retail and education. Smartphones (about 70%) follow youth, towns and
schooling; bank accounts revenue and schooling; the NIB revenue, size and a bank account; past
digital training schooling, a phone and an NIB. Internet is about the place: good in Java's
towns, often none in rural Maluku-Papua. Business age is tied to the owner's age.

``msme_blind_a`` ("gatekeepers"):
  * baseline adoption (about 6%) rises with revenue, towns, internet, schooling, a phone, past
    training and owners under 35 (logistic);
  * the gain, built on the probability scale as a product of factors (not additive): mentoring
    helps those with a smartphone and a moderate revenue (a bump around Rp4.5 million a month),
    more in food, fashion and craft, most for women in those sectors, little without internet,
    less for the already trained and for owners over 58; a few (larger manufacturing, agri and
    service firms with high revenue, under 5%) are slightly harmed (mentoring distracts);
  * mentors pick towns, the trained, NIB holders and bank-account holders, Java a little, and
    avoid places without internet (about a quarter mentored);
  * revenue is blank more often without a bank account or with little schooling (missing at
    random on observed columns); business age blank for about 4%, more for older owners.

``msme_blind_b`` ("readiness bump"):
  * a latent readiness made of many weak observed signals plus an unobserved part (motivation)
    about as large as a third of its variance; baseline adoption rises steeply with it (the
    ready go digital anyway, about 4% on average);
  * the gain is a bump in readiness: largest for the middle (readiness about half a standard
    deviation above the mean), small for the unready (who cannot) and for the ready (who would
    anyway); scaled by island group (Bali-Nusa Tenggara and Sulawesi high, Maluku-Papua and
    Kalimantan low) and a fixed per-province factor; the very unready without a phone are
    slightly discouraged (harmed, under 5%);
  * assignment by cohort: the 2023 cohorts were a lottery (a quarter mentored at random), later
    cohorts were picked on the observed part of readiness (mentors choose the visibly ready);
  * missingness follows the outcome drivers, including the unobserved part: the less ready leave
    revenue and business age blank more often, high earners hide revenue, and firms without an
    NIB leave business age blank more often.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import expit
from zoo_worlds import EVAL_ROWS, World, _finish_msme

from data.contract import EDUCATION_LEVELS, INTERNET_ACCESS, SECTORS
from data.reference import province_figures as provinces

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

COHORTS = tuple(f"{year}-{month:02d}" for year in (2023, 2024, 2025) for month in range(1, 13))[
    :30
]  # 2023-01 to 2025-06

_URBAN_BY_ISLAND = {
    "Jawa": 0.58,
    "Sumatera": 0.40,
    "Bali-Nusa Tenggara": 0.38,
    "Kalimantan": 0.44,
    "Sulawesi": 0.36,
    "Maluku-Papua": 0.28,
}
_URBAN_BY_PROVINCE = {"31": 0.97, "21": 0.80, "34": 0.68, "51": 0.62}
_INTERNET_BY_ISLAND = {
    "Jawa": 0.65,
    "Sumatera": 0.25,
    "Bali-Nusa Tenggara": 0.05,
    "Kalimantan": 0.0,
    "Sulawesi": 0.05,
    "Maluku-Papua": -0.85,
}
_REVENUE_BY_ISLAND = {
    "Jawa": 0.05,
    "Sumatera": 0.05,
    "Bali-Nusa Tenggara": -0.15,
    "Kalimantan": 0.10,
    "Sulawesi": -0.05,
    "Maluku-Papua": 0.10,
}
# Sector weights (same order as SECTORS) for women and men owners.
_SECTOR_FEMALE = np.array([0.42, 0.25, 0.12, 0.07, 0.06, 0.05, 0.03])
_SECTOR_MALE = np.array([0.21, 0.28, 0.04, 0.08, 0.13, 0.15, 0.11])
_SECTOR_WORKERS = np.array([1.1, 0.8, 1.2, 1.3, 1.4, 1.0, 1.8])
_SECTOR_REVENUE = np.array([0.05, 0.25, 0.0, -0.15, -0.10, 0.0, 0.15])


@dataclass(frozen=True)
class _Profiles:
    frame: pd.DataFrame  # contract columns, nothing blank yet
    island: npt.NDArray[np.object_]  # island group names
    urban: FloatArray
    female: FloatArray
    sector: npt.NDArray[np.int64]
    education: FloatArray  # 0 (primary or less) .. 4 (bachelor or higher)
    internet: FloatArray  # 0 none, 0.5 weak, 1 good
    log_revenue: FloatArray
    owner_age: FloatArray
    workers: FloatArray
    business_age: FloatArray
    smartphone: FloatArray
    bank: FloatArray
    nib: FloatArray
    training: FloatArray


def _categorical(rng: np.random.Generator, weights: FloatArray) -> npt.NDArray[np.int64]:
    """One draw per row from row-wise weights (rows need not sum to one)."""
    cdf = np.cumsum(weights, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(len(weights))[:, None]
    drawn = np.minimum((u > cdf).sum(axis=1), weights.shape[1] - 1)
    return np.asarray(drawn, dtype=np.int64)


def _profiles(rng: np.random.Generator, n: int, *, province_power: float) -> _Profiles:
    """Offline MSME profiles with this module's own marginals and correlations."""
    ref = provinces()
    codes = ref["province_code"].astype(str).to_numpy()
    weights = ref["population"].to_numpy(dtype=float) ** province_power
    province_index = rng.choice(len(codes), size=n, p=weights / weights.sum())
    province = codes[province_index]
    island = ref["island_group"].astype(str).to_numpy()[province_index]

    p_urban = np.array([_URBAN_BY_ISLAND[g] for g in island])
    for code, share in _URBAN_BY_PROVINCE.items():
        p_urban[province == code] = share
    urban = (rng.random(n) < p_urban).astype(float)

    female = (rng.random(n) < 0.60).astype(float)
    sector_weights = np.where(female[:, None] == 1.0, _SECTOR_FEMALE, _SECTOR_MALE)
    sector_weights[:, 4] *= np.where(urban == 1.0, 0.7, 1.8)  # agri-processing: rural
    sector_weights[:, 5] *= np.where(urban == 1.0, 1.4, 0.9)  # services: towns
    sector = _categorical(rng, sector_weights)

    owner_age = np.clip(np.round(rng.normal(44.0, 11.0, n) + 2.0 * rng.standard_t(4, n)), 20, 70)
    edu_latent = (
        -0.035 * (owner_age - 44.0) + 0.55 * urban - 0.10 * female + rng.normal(0.0, 1.0, n)
    )
    education = np.searchsorted(np.array([-0.30, 0.30, 1.25, 1.55]), edu_latent).astype(float)

    extra_mean = 1.05 * _SECTOR_WORKERS[sector] * np.where(female == 1.0, 0.85, 1.15)
    workers = 1.0 + rng.negative_binomial(0.9, 0.9 / (0.9 + extra_mean))
    workers = np.clip(workers, 1, 300).astype(float)

    log_revenue = (
        np.log(2.1e6)
        + 0.55 * np.log(workers)
        + 0.25 * urban
        + _SECTOR_REVENUE[sector]
        + 0.08 * education
        + np.array([_REVENUE_BY_ISLAND[g] for g in island])
        + rng.normal(0.0, 0.85, n)
    )
    log_revenue = np.clip(log_revenue, np.log(5e4), np.log(2e9))
    revenue = np.round(np.exp(log_revenue), -3)
    z_rev = (log_revenue - np.log(3.0e6)) / 0.9

    business_age = np.minimum(owner_age - 16.0, rng.gamma(1.6, 5.0, n) + 0.2)
    business_age = np.asarray(np.round(np.maximum(business_age, 0.2), 1), dtype=np.float64)

    edu_c = education - 1.4
    smartphone = rng.random(n) < expit(
        0.95 - 0.055 * (owner_age - 44.0) + 0.6 * urban + 0.35 * edu_c
    )
    bank = rng.random(n) < expit(-0.75 + 0.5 * z_rev + 0.4 * urban + 0.3 * edu_c + 0.3 * smartphone)
    nib = rng.random(n) < expit(
        -2.2 + 0.5 * z_rev + 0.25 * np.log(workers) + 0.7 * bank + 0.2 * urban
    )
    training = rng.random(n) < expit(
        -2.9 + 0.35 * edu_c + 0.6 * smartphone + 0.4 * urban + 0.4 * nib
    )
    net_latent = (
        np.array([_INTERNET_BY_ISLAND[g] for g in island]) + 1.1 * urban + rng.normal(0.0, 1.0, n)
    )
    internet_code = np.searchsorted(np.array([-0.45, 0.85]), net_latent)

    frame = pd.DataFrame(
        {
            "province_code": province,
            "area_type": np.where(urban == 1.0, "urban", "rural"),
            "sector": np.asarray(SECTORS, dtype=object)[sector],
            "business_age_years": business_age,
            "workers": workers.astype(np.int64),
            "monthly_revenue_idr": revenue,
            "owner_age": owner_age.astype(np.int64),
            "owner_gender": np.where(female == 1.0, "female", "male"),
            "owner_education": np.asarray(EDUCATION_LEVELS, dtype=object)[education.astype(int)],
            "has_smartphone": smartphone,
            "has_bank_account": bank,
            "has_business_id": nib,
            "prior_digital_training": training,
            "internet_access": np.asarray(INTERNET_ACCESS, dtype=object)[internet_code],
            "digital_status": "offline",
        }
    )
    return _Profiles(
        frame=frame,
        island=island,
        urban=urban,
        female=female,
        sector=sector,
        education=education,
        internet=internet_code / 2.0,
        log_revenue=log_revenue,
        owner_age=owner_age,
        workers=workers,
        business_age=business_age,
        smartphone=smartphone.astype(float),
        bank=bank.astype(float),
        nib=nib.astype(float),
        training=training.astype(float),
    )


def _blank(frame: pd.DataFrame, column: str, mask: BoolArray) -> None:
    frame[column] = frame[column].astype(float).where(~mask)


def _finish(
    prof: _Profiles,
    p0: FloatArray,
    uplift: FloatArray,
    propensity: FloatArray,
    cohort: npt.NDArray[np.object_],
    *,
    rng: np.random.Generator,
    rows: int,
    family: str,
) -> World:
    frame = prof.frame.copy()
    frame["cohort"] = cohort
    world = _finish_msme(frame, p0, uplift, propensity, rng=rng, n_history=rows, family=family)
    ids = world.history["msme_id"].str.replace("MSME", "BL" + family[-1].upper(), n=1)
    history = world.history.assign(msme_id=ids)
    evaluation = world.evaluation.drop(columns=["cohort"])
    evaluation["msme_id"] = evaluation["msme_id"].str.replace(
        "MSME", "BL" + family[-1].upper(), n=1
    )
    return World(family, True, history, evaluation, world.true_uplift)


def msme_blind_a(rows: int, seed: int) -> World:
    """Gatekeepers: phone and moderate revenue gate a product-form gain; mentors pick the formal."""
    rng = np.random.default_rng(70_000 + seed)
    n = rows + EVAL_ROWS
    prof = _profiles(rng, n, province_power=0.9)
    edu_c = prof.education - 1.4
    z_rev = (prof.log_revenue - np.log(3.0e6)) / 0.9
    young = (prof.owner_age < 35).astype(float)

    p0 = expit(
        -4.5
        + 0.45 * z_rev
        + 0.45 * prof.urban
        + 0.9 * prof.internet
        + 0.18 * edu_c
        + 0.35 * prof.smartphone
        + 0.45 * prof.training
        + 0.30 * young
    )

    phone_gate = np.where(prof.smartphone == 1.0, 1.0, 0.12)
    revenue_bump = np.exp(-0.5 * ((prof.log_revenue - np.log(4.5e6)) / 0.75) ** 2)
    sector_mod = np.array([1.35, 1.0, 1.25, 1.15, 0.55, 0.85, 0.65])[prof.sector]
    women_sectors = np.isin(prof.sector, [0, 2, 3])  # food, fashion, craft
    gender_mod = np.where((prof.female == 1.0) & women_sectors, 1.3, 1.0)
    internet_mod = np.select([prof.internet == 0.0, prof.internet == 0.5], [0.3, 0.85], 1.0)
    trained_mod = np.where(prof.training == 1.0, 0.7, 1.0)
    age_mod = np.where(prof.owner_age > 58, 0.55, 1.0)
    uplift = 0.004 + 0.095 * (
        phone_gate * revenue_bump * sector_mod * gender_mod * internet_mod * trained_mod * age_mod
    )
    harmed = (
        (prof.workers >= 5)
        & (prof.log_revenue > np.log(12e6))
        & np.isin(prof.sector, [4, 5, 6])  # agri-processing, services, manufacturing
    )
    uplift = np.where(harmed, -np.minimum(0.03, 0.5 * p0), uplift)

    propensity = expit(
        -1.9
        + 0.75 * prof.urban
        + 0.9 * prof.training
        + 0.6 * prof.nib
        + 0.35 * prof.bank
        + 0.15 * edu_c
        - 0.015 * (prof.owner_age - 44.0)
        + 0.2 * (prof.island == "Jawa")
        - 0.4 * (prof.internet == 0.0)
    )
    cohort = np.asarray(COHORTS, dtype=object)[rng.integers(0, len(COHORTS), n)]
    cohort[rng.random(n) < 0.03] = None

    frame = prof.frame
    no_bank = 1.0 - prof.bank
    low_school = (prof.education <= 1).astype(float)
    _blank(
        frame,
        "monthly_revenue_idr",
        rng.random(n) < expit(-3.0 + 0.9 * no_bank + 0.5 * low_school),
    )
    _blank(
        frame,
        "business_age_years",
        rng.random(n) < expit(-3.2 + 0.04 * (prof.owner_age - 44.0)),
    )
    return _finish(prof, p0, uplift, propensity, cohort, rng=rng, rows=rows, family="msme_blind_a")


def msme_blind_b(rows: int, seed: int) -> World:
    """Readiness bump: the middle gains most; cohort lotteries, then picks; blanks by readiness."""
    rng = np.random.default_rng(80_000 + seed)
    n = rows + EVAL_ROWS
    prof = _profiles(rng, n, province_power=0.7)
    z_rev = (prof.log_revenue - np.log(3.0e6)) / 0.9
    sector_ready = np.array([0.10, 0.0, 0.15, 0.0, -0.15, 0.10, -0.10])[prof.sector]

    signals = (
        0.35 * prof.smartphone
        + 0.30 * prof.internet
        + 0.12 * prof.education
        + 0.20 * prof.bank
        + 0.20 * prof.nib
        + 0.25 * prof.training
        + 0.15 * z_rev
        - 0.015 * (prof.owner_age - 44.0)
        + 0.12 * np.log(prof.workers)
        + 0.20 * prof.urban
        + sector_ready
        - 0.01 * np.minimum(prof.business_age, 30.0)
    )
    observed = (signals - signals.mean()) / signals.std()
    motivation = rng.normal(0.0, 1.0, n)  # not in any column
    readiness = 0.82 * observed + 0.57 * motivation

    p0 = expit(-4.1 + 1.5 * readiness)

    island_mult = {
        "Jawa": 1.0,
        "Sumatera": 0.85,
        "Bali-Nusa Tenggara": 1.3,
        "Kalimantan": 0.7,
        "Sulawesi": 1.15,
        "Maluku-Papua": 0.45,
    }
    codes = provinces()["province_code"].astype(str).to_numpy()
    province_mult = dict(
        zip(codes, np.exp(np.random.default_rng(81_000).normal(0.0, 0.15, len(codes))), strict=True)
    )
    region = np.array([island_mult[g] for g in prof.island]) * (
        prof.frame["province_code"].map(province_mult).to_numpy(dtype=float)
    )
    bump = np.exp(-0.5 * ((readiness - 0.5) / 0.75) ** 2)
    uplift = 0.105 * region * bump
    discouraged = (readiness < -1.7) & (prof.smartphone == 0.0)
    uplift = np.where(discouraged, -0.3 * p0, uplift)

    cohort = np.asarray(COHORTS, dtype=object)[rng.integers(0, len(COHORTS), n)]
    lottery = np.array([str(c).startswith("2023") for c in cohort])
    propensity = np.where(lottery, 0.25, expit(-1.45 + 1.0 * observed))
    cohort[rng.random(n) < 0.02] = None  # a few records lost their cohort afterwards

    frame = prof.frame
    _blank(
        frame,
        "monthly_revenue_idr",
        rng.random(n) < expit(-2.6 - 0.7 * readiness + 0.8 * (z_rev > 1.5)),
    )
    _blank(
        frame,
        "business_age_years",
        rng.random(n) < expit(-3.2 - 0.5 * readiness + 0.5 * (1.0 - prof.nib)),
    )
    return _finish(prof, p0, uplift, propensity, cohort, rng=rng, rows=rows, family="msme_blind_b")
