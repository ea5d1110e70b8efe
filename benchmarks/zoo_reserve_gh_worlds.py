"""Reserve MSME worlds G (mentoring speeds up the ready, in hubs) and H (it fills a skill gap).

Written on 2026-12-05 by a helper session without sight of the modelling pipeline, its results or
the other benchmark worlds (only the domain brief, the data contract, the reference data and the
`World` / `_finish_msme` interface were read).

Held in reserve until a change tuned on the other worlds needed an independent check: larger
outcome trees for large histories (not kept). They were run once then, at every size, with
the peers beside ours (docs/results-log.md, 2026-12-05 "k"). Their scores are now seen, so they are
ordinary zoo worlds; no lever has been tuned on them, and one that is must say so. The worlds
held in reserve now are in `zoo_reserve_ij_worlds.py`.

Profiles (both worlds, `_draw_profiles`): province by island share of firms (Economic Census 2016)
times province population (the brief's suggested proxy: an ASSUMPTION); sector mix from the
Economic Census 2016 (the manufacturing 16.5% split into four sectors by ASSUMPTION); owner
education from BPS IMK 2023 (diploma-or-more 4.7% split 2.0 / 2.7 by ASSUMPTION), tilted towards
young and urban owners with the marginal kept; owner gender 49.4% women (the 2024 ministry
registry, chosen over the 2021 claim of 64.5%); about 1.7 workers a firm (Kemenkop 2019); monthly
revenue log-normal with a micro-firm mean near Rp6.3 million (Rp76 million a year, Kemenkop 2019).
Urban shares, smartphone, bank account, NIB, prior training and internet access are round-number
ASSUMPTIONS (measured: urban 54%, smartphone 74%, bank account 46%, NIB 22%, prior training
8%), tilted so that urban firms have better internet (BPS: 76.3% vs 59.3% use it).
Every profile is offline.

World G (`msme_reserve_g`): mentoring speeds up firms that were on their way.
- Digital alone: about 3.5% a year (3.0% among the unmentored in the history), more for
  educated, young, urban owners with a smartphone and good internet, food and services firms,
  firms with staff, Java and owners with prior training; an unobserved readiness adds spread.
- Who gains: mentoring multiplies the hazard of going digital (p1 = 1 - (1 - p0)^k), so the gain
  grows with the base chance (correlation about 0.75) and flattens for the readiest: owners who
  would have gone digital within about 18 months are pulled inside 12, those who never would
  barely move. k is large (about 3) in "mentor hub" kabupaten-like clusters (unobserved: 8 per
  province, 20% of them hubs, 50% in Jawa Barat, DI Yogyakarta, Jawa Timur, Bali and Sulawesi
  Selatan) and small (about 1.7) elsewhere, and needs a smartphone with some internet: a
  three-way interaction of smartphone, internet and cluster. Mean gain about 3.7 points (sd 5.3,
  median 1.7, 90th percentile 9.7, 99th 26); mentored firms succeed at about 10%.
- Who is harmed: nobody (k is never below 1).
- Who is mentored: about 24% of the history; mentors pick ready firms (urban, smartphone, good
  internet, NIB, prior training, education), and hub clusters mentor more, so assignment is
  confounded in the same direction as the gain (correlation about 0.7), partly through the
  unobserved cluster.
- What is blank: revenue for about 13%, mostly rural firms without smartphone or bank account
  (where the gain is small); business age for about 4%, at random.

World H (`msme_reserve_h`): mentoring fills a skill gap in firms with enough trade.
- Digital alone: about 3.2% a year (2.8-3.0% among the unmentored in the history), driven by
  sector (food, fashion, services lead), education, youth, urban, smartphone, internet, size
  and an unobserved growth motivation.
- Who gains: mostly firms past a scale threshold (true revenue at least Rp5 million a month, or
  3+ workers: about +7 points against +1), more so the less educated the owner (educated owners
  do it alone: x1.5 for primary down to x0.3 for a bachelor), half for owners 55 and over and
  for owners without a smartphone; the unobserved motivation raises the gain. The gain runs
  against education, the strongest driver of the base chance, so overall it is only weakly tied
  to the base chance (correlation about 0.15). Mean gain about 3.6 points (sd 3.9, median 1.9,
  90th percentile 9.6, 99th 16); mentored firms succeed at about 8.4%.
- Who is harmed: one-worker food stalls run by owners 50 and over (about 2.8%): mentoring pushes
  them to delivery platforms whose fees put them off going online at all (about -2 points, at
  most -5, never below -p0).
- Who is mentored: about 15%; recruited through banks and the OSS (NIB) registry, urban and
  educated owners (against the skill-gap part of the gain, with the revenue part), plus some
  self-selection on the unobserved motivation; net, propensity and gain correlate weakly (0.1).
- What is blank: revenue for about 18%, concentrated in unregistered firms (no NIB) past the
  threshold, which keep their takings to themselves, and in firms without a bank account: the
  mean gain of rows with revenue blank is about 4.7 points against 3.3 for the rest. Business
  age for about 6.5%, more for owners 55 and over.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import expit
from zoo_worlds import EVAL_ROWS, World, _finish_msme

from data.calibration import ISLAND_SHARES
from data.contract import EDUCATION_LEVELS, GENDERS, INTERNET_ACCESS, SECTORS
from data.reference import province_figures as provinces

FloatArray = npt.NDArray[np.float64]

# Sector mix, non-farm firms (Economic Census 2016): trade 46.2%, accommodation & food 16.7%,
# manufacturing 16.5%, rest 20.6%. The split of manufacturing into four is an ASSUMPTION.
_SECTOR_SHARES: Mapping[str, float] = {
    "retail_trade": 0.462,
    "food_beverage": 0.167,
    "services": 0.206,
    "fashion_textile": 0.060,
    "craft": 0.035,
    "agri_processing": 0.040,
    "other_manufacturing": 0.030,
}
# Women's share of owners by sector: ASSUMPTION, rescaled to the 2024 registry's 49.4% overall.
_FEMALE_BY_SECTOR: Mapping[str, float] = {
    "retail_trade": 0.50,
    "food_beverage": 0.65,
    "services": 0.40,
    "fashion_textile": 0.65,
    "craft": 0.45,
    "agri_processing": 0.40,
    "other_manufacturing": 0.25,
}
_FEMALE_SHARE = 0.494
# Owner education (BPS IMK 2023): 48.6 / 20.2 / 26.6 / 4.7; diploma 2.0 + bachelor 2.7 ASSUMED.
_EDUCATION_SHARES = (0.486, 0.202, 0.266, 0.020, 0.027)
# Urban share of firms by island group: ASSUMPTION (no official split); a few provinces overridden.
_URBAN_BY_ISLAND: Mapping[str, float] = {
    "Jawa": 0.60,
    "Sumatera": 0.40,
    "Sulawesi": 0.35,
    "Bali-Nusa Tenggara": 0.40,
    "Kalimantan": 0.45,
    "Maluku-Papua": 0.30,
}
_URBAN_BY_PROVINCE: Mapping[str, float] = {"31": 1.0, "21": 0.80, "34": 0.70, "51": 0.65}
# Workers, owner included: ASSUMPTION shaped to about 1.7 a firm (Kemenkop 2019) with ~1.5% at
# 5-19 (BPS small) and ~0.2% at 20-99 (BPS medium).
_WORKER_SHARES = (0.600, 0.260, 0.090, 0.033, 0.015, 0.002)  # 1, 2, 3, 4, 5-19, 20-99
# Monthly revenue: log-normal; the scale puts the micro-firm (< 5 workers) mean near Rp6.3 million
# a month (Rp76 million a year, Kemenkop 2019). Elasticities and spread: ASSUMPTION.
_REVENUE_LOG_SCALE = 14.56
_REVENUE_SIGMA = 1.0
_SECTOR_REVENUE: Mapping[str, float] = {
    "retail_trade": 0.15,
    "food_beverage": 0.0,
    "services": -0.10,
    "fashion_textile": 0.05,
    "craft": -0.25,
    "agri_processing": 0.0,
    "other_manufacturing": 0.20,
}
# Provinces with well-known local mentoring programmes (UMKM Juara, the Depok trial...): more
# mentor-hub clusters in world G. ASSUMPTION.
_HUB_PROVINCES = ("32", "34", "35", "51", "73")
_CLUSTERS_PER_PROVINCE = 8


def _pick(rng: np.random.Generator, options: tuple[str, ...], shares: FloatArray, n: int) -> Any:
    """`n` draws from `options` with `shares` (normalised), as a numpy array of strings."""
    return rng.choice(np.array(options, dtype=object), size=n, p=shares / shares.sum())


def _ordered_by_latent(latent: FloatArray, shares: tuple[float, ...]) -> npt.NDArray[np.int64]:
    """Cut `latent` at the quantiles of `shares`: level 0 for the lowest, marginal kept."""
    cuts = np.cumsum(np.asarray(shares, dtype=float) / sum(shares))[:-1]
    thresholds = np.quantile(latent, cuts)
    return np.searchsorted(thresholds, latent, side="right").astype(np.int64)


def _draw_profiles(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, FloatArray]:
    """`n` offline MSME profiles following the contract (no blanks yet), and the true monthly
    revenue (before any blank), for worlds whose gain depends on it."""
    table = provinces().copy()
    population = table["population"].to_numpy(float)
    groups = table["island_group"].to_numpy(str)
    group_population = table.groupby("island_group")["population"].transform("sum").to_numpy(float)
    island_share = np.array([ISLAND_SHARES[g] for g in groups])
    province_p = island_share * population / group_population
    province_p = province_p / province_p.sum()
    index = rng.choice(len(table), size=n, p=province_p)
    codes = table["province_code"].astype(str).to_numpy()
    province = codes[index]
    group = groups[index]

    urban_p = np.array([_URBAN_BY_ISLAND[g] for g in groups])
    urban_p = np.array(
        [_URBAN_BY_PROVINCE.get(c, u) for c, u in zip(codes, urban_p, strict=True)], dtype=float
    )[index]
    urban = rng.random(n) < urban_p

    sector = _pick(rng, tuple(_SECTOR_SHARES), np.array(list(_SECTOR_SHARES.values())), n)
    female_p = pd.Series(sector).map(_FEMALE_BY_SECTOR).to_numpy(float)
    sector_mean = sum(_SECTOR_SHARES[s] * _FEMALE_BY_SECTOR[s] for s in _SECTOR_SHARES)
    female = rng.random(n) < female_p * _FEMALE_SHARE / sector_mean

    owner_age = np.clip(np.rint(rng.normal(43.0, 11.0, n)), 18, 80).astype(np.int64)
    # Education: younger and urban owners more schooled (direction: IFLS5 / BPS), marginal kept.
    edu_latent = rng.normal(0.0, 1.0, n) + 0.45 * urban - 0.025 * (owner_age - 43)
    education = _ordered_by_latent(edu_latent, _EDUCATION_SHARES)

    worker_band = rng.choice(6, size=n, p=np.asarray(_WORKER_SHARES) / sum(_WORKER_SHARES))
    workers = np.where(
        worker_band < 4,
        worker_band + 1,
        np.where(
            worker_band == 4,
            np.clip(np.rint(5 * np.exp(rng.exponential(0.45, n))), 5, 19),
            np.clip(np.rint(20 * np.exp(rng.exponential(0.5, n))), 20, 99),
        ),
    ).astype(np.int64)

    log_revenue = (
        _REVENUE_LOG_SCALE
        + 0.55 * np.log(workers)
        + 1.2 * np.log(np.maximum(workers / 4.0, 1.0))
        + pd.Series(sector).map(_SECTOR_REVENUE).to_numpy(float)
        + 0.25 * urban
        + 0.08 * education
        + 0.15 * (group == "Jawa")
        + rng.normal(0.0, _REVENUE_SIGMA, n)
    )
    revenue = np.clip(np.round(np.exp(log_revenue), -3), 100_000.0, 5e9)

    # Business age: gamma, mean ~9 years (ASSUMPTION), at most the owner's age minus 15.
    business_age = np.minimum(rng.gamma(1.6, 6.0, n), owner_age - 15.0)
    business_age = np.round(np.maximum(business_age, 0.0), 1)

    # Smartphone ~74% overall (ASSUMPTION), fewer for older, rural, less-schooled owners.
    smartphone = rng.random(n) < expit(
        0.55 + 0.6 * urban + 0.35 * education - 0.05 * (owner_age - 43)
    )
    # Bank account ~45% (ASSUMPTION; the brief only has 88% without bank credit).
    bank = rng.random(n) < expit(
        -0.9 + 0.5 * urban + 0.45 * education + 0.35 * (np.log(revenue) - 15.0)
    )
    # NIB ~22% (ASSUMPTION): more for firms with staff, revenue and a bank account.
    nib = rng.random(n) < expit(
        -1.9 + 0.4 * (workers >= 2) + 0.3 * (np.log(revenue) - 15.0) + 0.6 * bank + 0.2 * urban
    )
    # Prior digital training ~8% (ASSUMPTION).
    training = rng.random(n) < expit(-3.15 + 0.35 * education + 0.4 * urban + 0.3 * nib)
    # Internet where the business is (ASSUMPTION): good 70/40%, none 5/20% urban/rural, worse
    # in Maluku-Papua and Nusa Tenggara Timur.
    remote = (group == "Maluku-Papua") | (province == "53")
    u = rng.random(n)
    none_p = np.where(urban, 0.05, 0.20) + 0.15 * remote
    good_p = np.where(urban, 0.70, 0.40) - 0.20 * remote
    internet = np.where(u < none_p, "none", np.where(u < none_p + good_p, "good", "weak"))

    frame = pd.DataFrame(
        {
            "msme_id": np.full(n, "", dtype=object),  # set by `_finish_msme`
            "province_code": province.astype(object),
            "area_type": np.where(urban, "urban", "rural").astype(object),
            "sector": sector,
            "business_age_years": business_age,
            "workers": workers,
            "monthly_revenue_idr": revenue.copy(),
            "owner_age": owner_age,
            "owner_gender": np.where(female, GENDERS[0], GENDERS[1]).astype(object),
            "owner_education": np.array(EDUCATION_LEVELS, dtype=object)[education],
            "has_smartphone": smartphone,
            "has_bank_account": bank,
            "has_business_id": nib,
            "prior_digital_training": training,
            "internet_access": internet.astype(object),
            "digital_status": np.full(n, "offline", dtype=object),
        }
    )
    assert set(frame["sector"]) <= set(SECTORS)
    assert set(frame["internet_access"]) <= set(INTERNET_ACCESS)
    return frame, revenue


def _features(frame: pd.DataFrame) -> dict[str, FloatArray]:
    """Numeric views of a profile frame shared by both worlds."""
    education = frame["owner_education"].map({e: i for i, e in enumerate(EDUCATION_LEVELS)})
    internet = frame["internet_access"].to_numpy(str)
    return {
        "education": education.to_numpy(float),
        "age": frame["owner_age"].to_numpy(float),
        "urban": (frame["area_type"] == "urban").to_numpy(float),
        "smartphone": frame["has_smartphone"].to_numpy(float),
        "bank": frame["has_bank_account"].to_numpy(float),
        "nib": frame["has_business_id"].to_numpy(float),
        "training": frame["prior_digital_training"].to_numpy(float),
        "female": (frame["owner_gender"] == "female").to_numpy(float),
        "workers": frame["workers"].to_numpy(float),
        "java": frame["province_code"].astype(str).str[0].eq("3").to_numpy(float),
        "net_none": (internet == "none").astype(float),
        "net_good": (internet == "good").astype(float),
    }


def _sector_effect(frame: pd.DataFrame, effects: Mapping[str, float]) -> FloatArray:
    return np.asarray(frame["sector"].map(effects), dtype=np.float64)


def _blank(
    frame: pd.DataFrame, column: str, share: npt.ArrayLike, rng: np.random.Generator
) -> None:
    """Blank `column` in place where a uniform draw falls below `share`."""
    mask = rng.random(len(frame)) < np.asarray(share, dtype=np.float64)
    frame.loc[mask, column] = np.nan


def msme_reserve_g(rows: int, seed: int) -> World:
    """Mentoring multiplies the hazard of going digital, strongly in unobserved mentor-hub
    clusters and only with a smartphone and internet; ready firms are mentored more."""
    rng = np.random.default_rng(120_000 + seed)
    n = rows + EVAL_ROWS
    frame, _ = _draw_profiles(n, rng)
    f = _features(frame)

    readiness = rng.normal(0.0, 0.4, n)  # unobserved
    logit_p0 = (
        -5.15
        + 0.35 * f["education"]
        - 0.03 * (f["age"] - 43.0)
        + 0.35 * f["urban"]
        + 0.60 * f["smartphone"]
        - 0.70 * f["net_none"]
        + 0.35 * f["net_good"]
        + 0.40 * (f["workers"] >= 2)
        + _sector_effect(
            frame,
            {
                "food_beverage": 0.30,
                "services": 0.25,
                "fashion_textile": 0.20,
                "retail_trade": 0.0,
                "craft": 0.10,
                "agri_processing": -0.20,
                "other_manufacturing": -0.10,
            },
        )
        + 0.15 * f["java"]
        + 0.40 * f["training"]
        - 0.05 * f["female"]
        + readiness
    )
    p0 = expit(logit_p0)

    # Kabupaten-like clusters inside each province; which are mentor hubs is fixed for the world
    # (not the seed). Hubs: 20% of clusters, 50% in the hub provinces.
    structure = np.random.default_rng(120_999)
    codes = provinces()["province_code"].astype(str).to_numpy()
    hub_p = np.where(np.isin(codes, _HUB_PROVINCES), 0.50, 0.20)
    is_hub = structure.random((len(codes), _CLUSTERS_PER_PROVINCE)) < hub_p[:, None]
    province_index = pd.Series(np.arange(len(codes)), index=codes)
    row_province = province_index.loc[frame["province_code"].to_numpy(str)].to_numpy()
    cluster = rng.integers(0, _CLUSTERS_PER_PROVINCE, n)
    hub = is_hub[row_province, cluster]
    quality = np.where(hub, 1.6, 0.5) * np.exp(rng.normal(0.0, 0.25, n))

    connected = np.where(
        f["smartphone"] == 1.0, np.where(f["net_none"] == 1.0, 0.3, 1.0), 0.15
    ) * np.where(f["net_good"] == 1.0, 1.15, 1.0)
    multiplier = 1.0 + 1.3 * quality * connected  # hazard ratio, >= 1
    p1 = 1.0 - (1.0 - p0) ** multiplier
    uplift = p1 - p0

    propensity = expit(
        -2.6
        + 0.45 * f["urban"]
        + 0.55 * f["smartphone"]
        + 0.35 * f["net_good"]
        + 0.45 * f["nib"]
        + 0.50 * f["training"]
        + 0.15 * f["education"]
        + 0.60 * hub
    )

    _blank(
        frame,
        "monthly_revenue_idr",
        0.03 + 0.10 * (1 - f["urban"]) + 0.10 * (1 - f["smartphone"]) + 0.05 * (1 - f["bank"]),
        rng,
    )
    _blank(frame, "business_age_years", np.full(n, 0.04), rng)
    return _finish_msme(
        frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_reserve_g"
    )


def msme_reserve_h(rows: int, seed: int) -> World:
    """Mentoring adds most for firms past a scale threshold run by less-schooled owners; a few
    old one-person food stalls are harmed; recruitment runs through banks and the NIB registry."""
    rng = np.random.default_rng(130_000 + seed)
    n = rows + EVAL_ROWS
    frame, revenue = _draw_profiles(n, rng)
    f = _features(frame)

    motivation = rng.normal(0.0, 1.0, n)  # unobserved growth motivation (MAP2: growth goal +)
    logit_p0 = (
        -4.75
        + 0.25 * f["education"]
        - 0.025 * (f["age"] - 43.0)
        + 0.30 * f["urban"]
        + 0.50 * f["smartphone"]
        - 0.60 * f["net_none"]
        + 0.25 * f["net_good"]
        + 0.30 * np.log(f["workers"])
        + _sector_effect(
            frame,
            {
                "food_beverage": 0.45,
                "services": 0.20,
                "fashion_textile": 0.35,
                "retail_trade": 0.0,
                "craft": 0.15,
                "agri_processing": -0.25,
                "other_manufacturing": -0.15,
            },
        )
        + 0.30 * f["training"]
        + 0.20 * motivation
    )
    p0 = expit(logit_p0)

    past_threshold = (revenue >= 5_000_000.0) | (f["workers"] >= 3)
    skill_gap = np.array([1.5, 1.25, 0.8, 0.45, 0.3])[f["education"].astype(int)]
    gain = (
        (0.012 + 0.060 * past_threshold)
        * skill_gap
        * np.where(f["age"] >= 55, 0.5, 1.0)
        * np.where(f["smartphone"] == 1.0, 1.0, 0.5)
        * np.clip(1.0 + 0.35 * motivation, 0.2, None)
    )
    harmed = (
        (frame["sector"] == "food_beverage").to_numpy() & (f["workers"] == 1) & (f["age"] >= 50)
    )
    uplift = np.where(harmed, -np.minimum(0.02 * np.exp(rng.normal(0.0, 0.3, n)), p0), gain)

    propensity = expit(
        -2.9
        + 0.90 * f["bank"]
        + 0.80 * f["nib"]
        + 0.40 * f["urban"]
        + 0.45 * (f["education"] >= 2)
        + 0.30 * f["training"]
        + 0.20 * motivation
    )

    _blank(
        frame,
        "monthly_revenue_idr",
        0.04
        + 0.10 * (1 - f["bank"])
        + 0.04 * (1 - f["urban"])
        + 0.22 * (past_threshold & (f["nib"] == 0.0)),  # unregistered firms with trade hide it
        rng,
    )
    _blank(frame, "business_age_years", 0.05 + 0.10 * (f["age"] >= 55), rng)
    return _finish_msme(
        frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_reserve_h"
    )
