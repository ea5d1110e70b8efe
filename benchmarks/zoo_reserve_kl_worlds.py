"""Two reserve MSME worlds (K, L): own profiles, own structural story of how mentoring works.

Written on 2026-12-05 by a helper session without sight of the modelling pipeline, its results or
the other benchmark worlds (only the domain brief, the data contract, the reference data and the
`World` / `_finish_msme` interface were read). Slips: the first five lines of
`shared/docs/style.md` (its title and opening sentence, about code style) were opened by
mistake; the prescribed `grep -A12` of `ISLAND_SHARES` also showed the first three values of the
simulator's urban-share table, and lines 60-139 of `zoo_worlds.py` show its `_profiles`,
`_island` and `_education_level` helpers; none of them is used here. A repo-wide `git status`
(meant for this file only) listed the name of one untracked results file of another reserve
pair; it was not opened. No model code, result or other world's code was seen.

HELD IN RESERVE. Do not run a model on these worlds, and do not tune anything on them, until a
change that was tuned on the other worlds needs an independent check.

Profiles
--------
Drawn here, not by the project's simulator; every row is offline (`digital_status` "offline").
- Province: island-group shares of firms (Economic Census 2016, `ISLAND_SHARES`), split within
  an island group by province population (ASSUMPTION: no MSME count by province exists).
- Area: urban chance rising with the province's population density, Jakarta all urban
  (ASSUMPTION: no urban/rural split of MSMEs exists); about 52% urban.
- Sector: trade 46.2%, food 16.7%, manufacturing 16.5%, rest 20.6% (Economic Census 2016);
  manufacturing split fashion 6.0, agri-processing 4.5, craft 3.5, other 2.5 and the rest all
  services (ASSUMPTION).
- Owner education: primary or less 48.6, junior 20.2, senior 26.6, diploma or more 4.7 (BPS IMK
  2023; diploma 2.0 / bachelor 2.6 is an ASSUMPTION), more for young, urban and Java owners.
- Owner gender: the brief's figures conflict. K takes the 2024 ministry registry (49.4% women),
  L the 2021 claim (64.5% women).
- Owner age (mean about 44) and business age (mean about 9 years, never beyond the owner's
  adult life): ASSUMPTION.
- Workers: about 1.7 per firm (Kemenkop 2019), about 3% with 5 or more, more in food and
  manufacturing (ASSUMPTION for the shape). Monthly revenue: log-normal around Rp6-7 million a
  month on average (micro firms Rp76 million a year, Kemenkop 2019), rising with workers.
- Smartphone: about 79% urban, 63% rural owners (BPS 2023 internet use 76.3% / 59.3%), fewer
  among older, less schooled owners. Internet at the premises: good 57%, weak 32%, none 11%,
  worse in rural places and off Java, worst in Maluku-Papua (ASSUMPTION).
- Bank account about 44% (only 12% have bank credit, Kemendagri 2021; the account share is an
  ASSUMPTION), NIB about 30%, prior digital training about 9% (both ASSUMPTION).

World K, `msme_reserve_k` ("ready but unguided")
------------------------------------------------
- Alone: about 3.0% go digital in 12 months unmentored (2.3-2.9% of the unmentored history
  rows); driven by senior-secondary-or-more schooling, young owners, urban, Java, smartphone,
  good internet, more workers, prior training, a bank account, food/services sectors, and an
  unrecorded owner's drive.
- Gains: a threshold times an interaction. Without a smartphone and at least weak internet the
  gain is about 0.4 points (36% of firms). With access it follows a know-how gap that is
  hump-shaped in schooling (junior/senior secondary most; primary-or-less and graduates
  least), halved by prior training, times the curriculum's fit to the sector (goods and crafts
  over services), a hump in business age (peak near 4-5 years), a step at 2+ workers, and 1.7x
  in six provinces with a QRIS/marketplace drive (13, 35, 51, 52, 64, 73); a log-normal factor
  (sd 0.4) is not in the profile. Mean 3.3 points, sd 4.4, 90th percentile 8.3-8.4, top-decile
  mean 13.4; correlation with the chance alone +0.26.
- Harmed: owners aged 50+ of food or retail firms of 10+ years with staff (80% of them),
  pushed onto marketplaces and burned, drop the channel they would have taken up alone: 1.8%
  of firms, mean -1.7 points (as low as -16).
- Mentored: the district office recruits from the OSS registry (NIB strongly favoured), asks
  for a smartphone, reaches urban, banked and trained owners and owners with drive more, and
  runs bigger cohorts in the six drive provinces: selection on observables that go with both
  the chance alone and the gain, plus the unrecorded drive. 23.8-24.1% mentored; 8.2-8.6% of the
  mentored go digital; the mentored's mean true gain is 3.9-4.0 points vs 3.0 for the rest.
- Blank: monthly revenue 14-15% (more often for high revenue and for firms without NIB: not at
  random), business age 3% (more often for old firms).

World L, `msme_reserve_l` ("late movers")
-----------------------------------------
- Alone: about 3.0% unmentored (2.7-3.0% of the unmentored history rows); schooling (a slope
  per level), young owners, urban, Java, smartphone, internet, size, training, a small gap for
  women; lower for informal firms (no books: unrecorded, linked to no NIB, no bank account and
  low revenue, about 40% of firms) and higher with an unrecorded wish to grow.
- Gains: opposite to the chance alone where the firm can act. A mentor substitutes for what
  the firm lacks: most for primary/junior schooling, rural places and islands off Java; weak
  internet is nearly as good as good (messaging apps), none blocks it, no smartphone cuts it to
  a fifth; a hump in owner age (peak near 48); sector by place (rural agri-processing, urban
  food highest, services lowest); 1.35x for informal firms, 0.6x after prior training; and
  the unrecorded wish to grow scales the gain (0 to 2x, mean 1). Mean 3.1 points, sd 3.8-3.9,
  90th percentile 7.7-7.8, top-decile mean 11.8-12.0; correlation with the chance alone -0.09
  overall, -0.34 among firms with a smartphone and some internet.
- Harmed: urban fashion, craft and other manufacturing firms with good internet and junior
  schooling or more (75% of them), steered onto import-flooded marketplaces, give up: 2.1-2.3%
  of firms, mean -3.7 to -4.0 points (as low as -28).
- Mentored: village facilitators reach rural, women-led and one-person firms (fewer in
  Maluku-Papua); no NIB needed; and owners with the unrecorded wish to grow sign themselves up,
  so selection is confounded with both the outcome alone and the gain. 19.4-19.9% mentored;
  7.0-8.2% of the mentored go digital; the mentored's mean true gain is 4.3 points vs 2.8.
- Blank: not at random, through informality: monthly revenue 25% (55% of informal firms, 5% of
  the rest), business age 14% (30% vs 3%). Firms with blank revenue gain 3.6 points on average
  vs 2.9 and have a lower chance alone (2.3% vs 3.3%).

Figures measured on seeds 0-2 with rows=20,000 (history 20,000, evaluation 40,000).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import expit
from zoo_worlds import EVAL_ROWS, World, _finish_msme

from data.calibration import ISLAND_SHARES
from data.contract import EDUCATION_LEVELS, GENDERS, INTERNET_ACCESS, PROFILE_COLUMNS, SECTORS
from data.reference import province_figures as provinces

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]

# Seeds of the two worlds are derived from the caller's seed, so K and L never share draws.
_WORLD_SALT = {"k": 0x4B_2026_1205, "l": 0x4C_2026_1205}

# Sector mix of non-farm firms (Economic Census 2016): trade 46.2%, accommodation & food 16.7%,
# manufacturing 16.5%, rest 20.6%. ASSUMPTION: manufacturing split fashion 6.0, craft 3.5,
# agri-processing 4.5, other 2.5; "rest" all services.
_SECTOR_SHARES: Mapping[str, float] = {
    "food_beverage": 0.167,
    "retail_trade": 0.462,
    "fashion_textile": 0.060,
    "craft": 0.035,
    "agri_processing": 0.045,
    "services": 0.206,
    "other_manufacturing": 0.025,
}
# Owner education of micro/small manufacturers (BPS IMK 2023): primary or less 48.6, junior
# 20.2, senior 26.6, diploma or more 4.7. ASSUMPTION: diploma 2.0, bachelor or higher 2.6.
_EDUCATION_SHARES = (0.486, 0.202, 0.266, 0.020, 0.026)
# Internet access of the business premises, cut points on a latent scale (ASSUMPTION), with
# island groups shifted by how far the networks reach (ASSUMPTION).
_NETWORK_BY_ISLAND: Mapping[str, float] = {
    "Jawa": 0.35,
    "Bali-Nusa Tenggara": 0.0,
    "Sumatera": 0.0,
    "Sulawesi": -0.15,
    "Kalimantan": -0.3,
    "Maluku-Papua": -0.9,
}


@dataclass(frozen=True)
class _Profiles:
    """Drawn profiles (contract columns) and the same facts as arrays for the world formulas."""

    frame: pd.DataFrame
    island: npt.NDArray[np.str_]
    province: npt.NDArray[np.str_]
    urban: Bools
    education: Ints  # 0 primary or less .. 4 bachelor or higher
    owner_age: Floats
    female: Bools
    business_age: Floats  # true value, before any blanking
    workers: Floats
    revenue: Floats  # true monthly revenue, before any blanking
    smartphone: Bools
    bank: Bools
    business_id: Bools
    training: Bools
    network: Ints  # 0 none, 1 weak, 2 good
    sector: npt.NDArray[np.str_]


@cache
def _province_table() -> pd.DataFrame:
    """Province codes with island group, the share of MSMEs and the chance a firm is urban.

    ASSUMPTION (no official MSME count by province): a province's share of its island group's
    firms follows its population. ASSUMPTION (no official urban/rural split of MSMEs): the
    urban chance rises with population density, about half of firms urban overall, Jakarta all.
    """
    frame = provinces()[["province_code", "island_group", "population", "area_km2"]].copy()
    island_population = frame.groupby("island_group")["population"].transform("sum")
    island_share = frame["island_group"].map(ISLAND_SHARES).astype(float)
    weight = island_share * frame["population"] / island_population
    frame["weight"] = weight / weight.sum()
    density = np.log(frame["population"] / frame["area_km2"])
    urban = expit(0.75 * (density - 6.2))
    frame["urban_chance"] = np.where(frame["province_code"] == "31", 1.0, urban)
    return frame.reset_index(drop=True)


def _ordered(latent: Floats, shares: tuple[float, ...]) -> Ints:
    """Cut a latent score into ordered levels with the given population shares."""
    cuts = np.quantile(latent, np.cumsum(shares)[:-1] / np.sum(shares))
    return np.searchsorted(cuts, latent).astype(np.int64)


def _draw_profiles(n: int, rng: np.random.Generator, *, female_share: float) -> _Profiles:
    """Offline MSME profiles with every contract column (msme_id filled by `_finish_msme`)."""
    table = _province_table()
    pick = rng.choice(len(table), size=n, p=table["weight"].to_numpy(float))
    province = table["province_code"].to_numpy(str)[pick]
    island = table["island_group"].to_numpy(str)[pick]
    urban = rng.random(n) < table["urban_chance"].to_numpy(float)[pick]
    java = island == "Jawa"

    # Owner age: ASSUMPTION, mean about 44, few under 20 or over 75.
    owner_age = np.clip(np.rint(19.0 + rng.gamma(6.0, 4.2, n)), 17, 88)
    female = rng.random(n) < female_share  # the brief's two figures conflict: a world picks one
    # Business age: ASSUMPTION, mean about 9 years, never older than the owner's adult life.
    business_age = np.minimum(rng.gamma(1.4, 6.5, n), owner_age - 16.0)
    business_age = np.round(np.clip(business_age, 0.1, None), 1)

    sector = rng.choice(np.array(SECTORS), size=n, p=[_SECTOR_SHARES[s] for s in SECTORS])
    # Education: the BPS IMK shares overall; younger and urban owners are more schooled.
    schooling = rng.normal(size=n) + 0.55 * urban - 0.035 * (owner_age - 44.0) + 0.2 * java
    education = _ordered(schooling, _EDUCATION_SHARES)

    # Workers, owner included: about 1.7 per micro firm (Kemenkop 2019), about 3% with 5 or more
    # (BPS "small"). ASSUMPTION: negative binomial; food and manufacturing employ more.
    employing = np.isin(sector, ["food_beverage", "fashion_textile", "other_manufacturing"])
    extra_mean = np.where(employing, 1.0, 0.55) * np.exp(0.15 * (education - 1.0))
    size = 0.9
    workers = 1.0 + rng.negative_binomial(size, size / (size + extra_mean))
    workers = workers.astype(float)

    # Monthly revenue: micro firms average Rp76 million a year (Kemenkop 2019), so about Rp6
    # million a month. ASSUMPTION: log-normal, rising with workers and schooling.
    log_revenue = (
        np.log(2.6e6)
        + 0.75 * np.log(workers)
        + 0.12 * education
        + 0.2 * urban
        + rng.normal(0.0, 0.85, n)
    )
    revenue = np.clip(np.round(np.exp(log_revenue), -3), 1e5, 5e9)

    # Smartphone: internet use urban 76.3%, rural 59.3% (BPS 2023); owners' ownership falls
    # with age and rises with schooling (ASSUMPTION for the slopes).
    smartphone = rng.random(n) < expit(
        0.35 + 0.75 * urban + 0.35 * education - 0.05 * (owner_age - 44.0)
    )
    network_latent = (
        rng.normal(size=n) + 1.1 * urban + pd.Series(island).map(_NETWORK_BY_ISLAND).to_numpy(float)
    )
    network = np.searchsorted(np.array([-0.75, 0.55]), network_latent).astype(np.int64)
    # Bank account: 88% of MSMEs have no bank credit (Kemendagri 2021); accounts are commoner.
    # ASSUMPTION: about four in ten firms have one.
    bank = rng.random(n) < expit(
        -1.15 + 0.45 * education + 0.5 * urban + 0.35 * np.log(workers) + 0.2 * java
    )
    # NIB: ASSUMPTION, about a quarter registered in OSS, more of the banked, bigger and older.
    business_id = rng.random(n) < expit(
        -2.0 + 0.9 * bank + 0.5 * np.log(workers) + 0.03 * business_age + 0.25 * education
    )
    # Prior digital-skills training: ASSUMPTION, about 7%, younger and schooled owners.
    training = rng.random(n) < expit(
        -3.3 + 0.4 * education + 0.6 * smartphone - 0.02 * (owner_age - 44.0)
    )

    columns: dict[str, object] = {
        "msme_id": [""] * n,
        "province_code": province,
        "area_type": np.where(urban, "urban", "rural"),
        "sector": sector,
        "business_age_years": business_age,
        "workers": workers.astype(np.int64),
        "monthly_revenue_idr": revenue,
        "owner_age": owner_age.astype(np.int64),
        "owner_gender": np.where(female, GENDERS[0], GENDERS[1]),
        "owner_education": np.array(EDUCATION_LEVELS)[education],
        "has_smartphone": smartphone,
        "has_bank_account": bank,
        "has_business_id": business_id,
        "prior_digital_training": training,
        "internet_access": np.array(INTERNET_ACCESS)[network],
        "digital_status": "offline",
    }
    frame = pd.DataFrame({spec.name: columns[spec.name] for spec in PROFILE_COLUMNS})
    return _Profiles(
        frame=frame,
        island=island,
        province=province,
        urban=urban,
        education=education,
        owner_age=owner_age,
        female=female,
        business_age=business_age,
        workers=workers,
        revenue=revenue,
        smartphone=smartphone,
        bank=bank,
        business_id=business_id,
        training=training,
        network=network,
        sector=sector,
    )


def _blank(frame: pd.DataFrame, column: str, mask: Bools) -> None:
    """Leave a nullable number blank where `mask` holds."""
    values = frame[column].to_numpy(float).copy()
    values[mask] = np.nan
    frame[column] = values


def _by_sector(sector: npt.NDArray[np.str_], values: Mapping[str, float]) -> Floats:
    """Per-row value of a sector table (every sector named in `values`)."""
    order = np.argsort(np.array(SECTORS))
    codes = np.array(SECTORS)[order]
    table = np.array([values[s] for s in codes])
    return table[np.searchsorted(codes, sector)]


def _rng(seed: int, world: str) -> np.random.Generator:
    return np.random.default_rng([seed, _WORLD_SALT[world]])


# ----------------------------------------------------------------------------- world K


# Provinces where, in this world, a provincial bank runs a QRIS merchant drive and local
# marketplace partners take mentored firms onboard (ASSUMPTION, a story of this world only).
_K_ECOSYSTEM = frozenset({"13", "35", "51", "52", "64", "73"})


def msme_reserve_k(rows: int, seed: int) -> World:
    """World K, "ready but unguided": gains need access and a know-how gap, both at once."""
    rng = _rng(seed, "k")
    n = rows + EVAL_ROWS
    p = _draw_profiles(n, rng, female_share=0.494)
    frame = p.frame
    edu = p.education
    java = p.island == "Jawa"
    log_workers = np.log(p.workers)
    drive = rng.normal(0.0, 0.55, n)  # unrecorded: the owner's own drive

    # Alone: education strongest, young owners, urban, Java, phone and internet, size, sector.
    sector_alone = _by_sector(
        p.sector,
        {
            "food_beverage": 0.25,
            "retail_trade": 0.1,
            "fashion_textile": 0.15,
            "craft": 0.0,
            "agri_processing": -0.25,
            "services": 0.2,
            "other_manufacturing": -0.1,
        },
    )
    logit0 = (
        -5.15
        + 0.45 * (edu >= 2)
        + 0.25 * (edu >= 3)
        - 0.025 * (p.owner_age - 44.0)
        + 0.3 * p.urban
        + 0.2 * java
        + 0.65 * p.smartphone
        + np.array([-0.5, 0.0, 0.25])[p.network]
        + 0.25 * log_workers
        + 0.3 * p.training
        + 0.15 * p.bank
        + sector_alone
        + drive
    )
    p0 = expit(logit0)

    # Gains: a threshold and an interaction. Without a smartphone and some network a mentor
    # cannot make a firm sell online (almost no gain). With them, the gain follows the know-how
    # gap, which is hump-shaped in schooling (junior/senior secondary gain most; primary-or-less
    # owners struggle, graduates would manage alone) and halved by prior training.
    access = p.smartphone & (p.network >= 1)
    gap = np.array([0.45, 0.95, 1.0, 0.55, 0.3])[edu] * np.where(p.training, 0.5, 1.0)
    # The curriculum (product photos, marketplace listing, QRIS) suits goods more than services,
    # and firms of 2-8 years most: too new ones have no stable product, old ones do not change.
    suits = _by_sector(
        p.sector,
        {
            "food_beverage": 1.0,
            "retail_trade": 0.7,
            "fashion_textile": 1.1,
            "craft": 1.2,
            "agri_processing": 0.8,
            "services": 0.35,
            "other_manufacturing": 0.6,
        },
    )
    age_fit = 0.3 + 0.7 * np.exp(-((np.log(p.business_age + 0.5) - np.log(4.5)) ** 2) / 0.9)
    ecosystem = np.where(np.isin(p.province, list(_K_ECOSYSTEM)), 1.7, 1.0)
    # Two workers or more: someone can answer the chats (a threshold, not a slope).
    hands = np.where(p.workers >= 2, 1.2, 0.85)
    noise = np.exp(rng.normal(-0.08, 0.4, n))  # what the profile does not show
    gain = np.where(
        access,
        0.125 * gap * suits * age_fit * ecosystem * hands * noise,
        0.004 * noise,
    )

    # Harmed: long-established firms of older owners with staff, pushed onto marketplaces by
    # the mentor, are burned by fees and ratings and drop the WhatsApp orders they would have
    # taken up alone.
    harmed = (
        (p.owner_age >= 50)
        & (p.business_age >= 10)
        & (p.workers >= 2)
        & np.isin(p.sector, ["food_beverage", "retail_trade"])
        & (rng.random(n) < 0.8)
    )
    gain = np.where(harmed, -p0 * rng.uniform(0.4, 0.9, n) - 0.004, gain)

    # Mentored: the district office (dinas) recruits from the OSS registry, so NIB holders are
    # favoured; the programme asks for a smartphone; urban, banked and trained owners are easier
    # to reach; the ecosystem provinces run bigger cohorts; owners with drive answer the call.
    propensity = expit(
        -2.95
        + 1.5 * p.business_id
        + 0.9 * p.smartphone
        + 0.35 * p.urban
        + 0.3 * p.bank
        + 0.45 * p.training
        + 0.4 * np.isin(p.province, list(_K_ECOSYSTEM))
        + 0.6 * drive
    )

    # Blank: owners with high revenue and no NIB keep it to themselves (fear of tax); the start
    # year of old firms is often not known.
    revenue_rank = np.log(p.revenue) - np.log(p.revenue).mean()
    _blank(
        frame,
        "monthly_revenue_idr",
        rng.random(n) < expit(-2.6 + 0.9 * revenue_rank + 0.8 * ~p.business_id),
    )
    _blank(
        frame,
        "business_age_years",
        rng.random(n) < expit(-4.2 + 0.08 * p.business_age),
    )
    return _finish_msme(
        frame, p0, gain, propensity, rng=rng, n_history=rows, family="msme_reserve_k"
    )


# ----------------------------------------------------------------------------- world L


def msme_reserve_l(rows: int, seed: int) -> World:
    """World L, "late movers": mentoring helps those who would not go digital alone."""
    rng = _rng(seed, "l")
    n = rows + EVAL_ROWS
    p = _draw_profiles(n, rng, female_share=0.645)
    frame = p.frame
    edu = p.education
    java = p.island == "Jawa"
    # Unrecorded: the owner's wish to grow (MAP2's growth goal), and informality (a firm that
    # keeps no books), which shows only through blank cells.
    motivation = rng.normal(size=n)
    informal = rng.random(n) < expit(
        0.4 - 1.2 * p.business_id - 0.9 * p.bank - 0.4 * (np.log(p.revenue) - np.log(3e6))
    )

    logit0 = (
        -4.95
        + 0.35 * edu
        - 0.03 * (p.owner_age - 44.0)
        + 0.4 * p.urban
        + 0.3 * java
        + 0.55 * p.smartphone
        + np.array([-0.7, -0.1, 0.3])[p.network]
        + 0.2 * np.log(p.workers)
        + 0.4 * p.training
        - 0.35 * informal
        - 0.15 * p.female
        + 0.3 * motivation
    )
    p0 = expit(logit0)

    # Gains, opposite to the chance alone: a mentor substitutes for what the firm lacks. Low
    # schooling, rural places and islands off Java, where few competitors are online yet (first
    # movers win WhatsApp customers), gain most; messaging needs only a weak network, so "weak"
    # is almost as good as "good", but "none" blocks it. A smartphone is still needed.
    lacks = (
        np.array([1.0, 0.9, 0.6, 0.3, 0.2])[edu]
        * np.where(p.urban, 0.7, 1.0)
        * np.where(java, 0.75, 1.15)
    )
    reach = np.array([0.15, 0.9, 1.0])[p.network] * np.where(p.smartphone, 1.0, 0.2)
    # Owners 35-60 follow through most; young ones would learn alone, the oldest drop out.
    owner_fit = 0.35 + 0.65 * np.exp(-(((p.owner_age - 48.0) / 13.0) ** 2))
    # Sector by place: rural agri-processors reach town buyers, urban food sellers reach
    # delivery apps; services gain little anywhere.
    rural_sector = {
        "food_beverage": 0.8,
        "retail_trade": 0.9,
        "fashion_textile": 0.7,
        "craft": 1.0,
        "agri_processing": 1.6,
        "services": 0.4,
        "other_manufacturing": 0.7,
    }
    urban_sector = {
        "food_beverage": 1.5,
        "retail_trade": 0.8,
        "fashion_textile": 0.9,
        "craft": 0.9,
        "agri_processing": 0.6,
        "services": 0.5,
        "other_manufacturing": 0.6,
    }
    place_sector = np.where(
        p.urban, _by_sector(p.sector, urban_sector), _by_sector(p.sector, rural_sector)
    )
    follow_through = 2.0 * expit(1.1 * motivation)  # mean about 1, unrecorded
    gain = (
        0.115
        * lacks
        * reach
        * owner_fit
        * place_sector
        * np.where(informal, 1.35, 1.0)
        * np.where(p.training, 0.6, 1.0)
        * follow_through
    )

    # Harmed: urban fashion and craft makers with good internet and schooling, steered onto
    # marketplaces flooded with cheap imports, give up selling online within the year.
    harmed = (
        p.urban
        & np.isin(p.sector, ["fashion_textile", "craft", "other_manufacturing"])
        & (p.network == 2)
        & (edu >= 1)
        & (rng.random(n) < 0.75)
    )
    gain = np.where(harmed, -p0 * rng.uniform(0.3, 0.8, n) - 0.003, gain)

    # Mentored: village facilitators (pendamping desa) reach rural, women-led and small firms,
    # and owners who want to grow sign themselves up. No NIB is needed.
    propensity = expit(
        -2.35
        + 0.55 * ~p.urban
        + 0.45 * p.female
        - 0.2 * np.log(p.workers)
        + 0.3 * p.smartphone
        - 0.25 * (p.island == "Maluku-Papua")
        + 0.9 * motivation
    )

    # Blank, not at random: informal firms keep no books (revenue blank for more than half) and
    # many do not know when they started; formal firms leave revenue blank rarely.
    _blank(frame, "monthly_revenue_idr", rng.random(n) < np.where(informal, 0.55, 0.05))
    _blank(frame, "business_age_years", rng.random(n) < np.where(informal, 0.3, 0.03))
    return _finish_msme(
        frame, p0, gain, propensity, rng=rng, n_history=rows, family="msme_reserve_l"
    )
