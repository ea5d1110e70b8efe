"""Two reserve MSME worlds (I, J): own profiles, own structural story of how mentoring works.

Written on 2026-12-05 by a helper session without sight of the modelling pipeline, its results or
the other benchmark worlds (only the domain brief, the data contract, the reference data and the
`World` / `_finish_msme` interface were read). One slip, stated plainly: a line range printed
while reading `_finish_msme` ran on into the first world function of `zoo_worlds.py`
(`msme_access`) and showed the helpers above it; nothing here was taken from it.

HELD IN RESERVE. Do not run a model on these worlds, and do not tune anything on them, until a
change that was tuned on the other worlds needs an independent check.

Profiles (both worlds; `_draw_profiles`), all offline MSMEs:
- Province: island shares of the 2016 Economic Census, provinces within an island by population
  (ASSUMPTION, as the brief says). Urban share by island: ASSUMPTION (Jawa 60%, Jakarta all urban).
- Sector: trade 46%, food 17%, manufacturing 16.5% (fashion 6, craft 4, agri-processing 4, other
  2.5), services 20.5% (Economic Census 2016, manufacturing split: ASSUMPTION).
- Owner gender: 49.4% women (the 2024 ministry registry, chosen over the 2021 claim), tilted by
  sector (ASSUMPTION). Education: BPS IMK 2023 marginal (48.6 / 20.2 / 26.6 / 4.7%, diploma+ split
  2.2 / 2.5: ASSUMPTION), more for urban, younger owners and larger firms.
- Workers: 1.8 on average (Kemenkop 2019: 1.7), 55% one-person (ASSUMPTION). Revenue: lognormal,
  mean Rp6.2 million a month, median Rp3.6 million (micro Rp76 million a year, Kemenkop 2019).
- Urban 54%; smartphone 77%; internet good / weak / none 52 / 36 / 12%; bank account 46%; NIB
  23%; prior digital training 8%: all ASSUMPTION (figures measured on 60,000 drawn profiles).

World I, `msme_reserve_i` ("mentor hubs"):
- Alone: 3.1-3.2% of unmentored firms go digital in 12 months; education (secondary or more)
  is the strongest driver, then smartphone and internet, urban, Java, youth, size, services and
  food (training too). An unobserved local market shock per province-sector cell (logit sd
  0.45) moves both the base rate and the gain.
- Gains: the mentor network's reach (by island, jittered per province, lower in rural areas) times
  a sector gain, steepest for agri-processing (needs logistics: reach squared), flattest for
  services; largest at a middle business age (about 5-12 years), small for new and very old firms;
  cut to a quarter without a smartphone. True gain (evaluation rows): mean 2.9-3.3 points, sd
  2.8-3.3, 90th percentile about 7 points.
- Harmed: one-person businesses of owners aged 55+ without a smartphone (3.8%): -2 points.
- Mentored: the network picks firms near its hubs with NIB, bank account, schooling and younger
  owners: 26-30% mentored; mentored firms go digital at 8.8-9.5% (brief: 4-10%).
- Blank: revenue for 12% (20% of informal firms without NIB and bank, 5% otherwise); business
  age for 6.5% (13% for owners 60+).

World J, `msme_reserve_j` ("stacked conditions, women's groups, provincial quotas"):
- Alone: 3.3-3.6% of unmentored firms go digital; the same drivers as in world I plus a bank
  account and an unobserved growth motivation (which also drives selection and gains).
- Gains: enabling conditions stack with diminishing returns (smartphone required; then internet,
  junior secondary or more, bank account, NIB, prior training: gain ∝ 1 - exp(-0.55 × count));
  women-run home businesses (1-2 workers) in food, fashion and craft gain twice as much; motivated
  owners gain more, owners 55+ less. Without a smartphone the gain is 0.8 points. True gain:
  mean 3.0-3.1 points, sd 2.5, 90th percentile about 5.9 points.
- Harmed: rural perishable-goods firms (food, agri-processing) with no internet (2.0-2.1%):
  -2.5 points (failed courier deliveries put them off online selling).
- Mentored: a programme quota per province: 5 pilot provinces outside Jawa (drawn per seed) are
  mentored at about 85%, the rest at 3-20%; within a province motivated owners, NIB holders and
  women's home businesses are picked first. 13-19% mentored overall (depends on which provinces
  the seed makes pilots); mentored firms go digital at 7.7-8.2%.
- Blank: business age for 30% of owners 50+ with primary schooling, 3% otherwise (8% overall);
  revenue for 25% of women's home businesses (the group that gains most), 6% otherwise (8.5%).

Figures measured on seeds 0-2 with rows=20,000 (history 20,000, evaluation 40,000).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, logit
from zoo_worlds import EVAL_ROWS, World, _finish_msme

from data.calibration import ISLAND_SHARES
from data.contract import EDUCATION_LEVELS, GENDERS, PROFILE_COLUMNS, SECTORS
from data.reference import province_figures as provinces

# Economic Census 2016 non-farm sector mix; the split of manufacturing: ASSUMPTION.
_SECTOR_SHARES: Mapping[str, float] = {
    "retail_trade": 0.46,
    "food_beverage": 0.17,
    "fashion_textile": 0.06,
    "craft": 0.04,
    "agri_processing": 0.04,
    "other_manufacturing": 0.025,
    "services": 0.205,
}
# Share of women owners by sector: ASSUMPTION, weighted to about 49.4% (2024 registry).
_FEMALE_BY_SECTOR: Mapping[str, float] = {
    "retail_trade": 0.50,
    "food_beverage": 0.68,
    "fashion_textile": 0.70,
    "craft": 0.55,
    "agri_processing": 0.40,
    "other_manufacturing": 0.25,
    "services": 0.30,
}
# Urban share of offline MSMEs by island: ASSUMPTION (no official split found).
_URBAN_BY_ISLAND: Mapping[str, float] = {
    "Jawa": 0.60,
    "Sumatera": 0.40,
    "Sulawesi": 0.35,
    "Bali-Nusa Tenggara": 0.38,
    "Kalimantan": 0.45,
    "Maluku-Papua": 0.30,
}
# Internet remoteness by island (shifts toward weak / none): ASSUMPTION.
_REMOTE_BY_ISLAND: Mapping[str, float] = {
    "Jawa": 0.0,
    "Sumatera": 0.3,
    "Sulawesi": 0.4,
    "Bali-Nusa Tenggara": 0.4,
    "Kalimantan": 0.5,
    "Maluku-Papua": 1.0,
}
# Owner education, micro/small manufacturers (BPS IMK 2023); diploma+ 4.7% split: ASSUMPTION.
_EDUCATION_SHARES = (0.486, 0.202, 0.266, 0.022, 0.025)
_SECTOR_BASE_LOGIT: Mapping[str, float] = {  # services and food lead (brief): sizes ASSUMPTION
    "retail_trade": 0.1,
    "food_beverage": 0.3,
    "fashion_textile": 0.2,
    "craft": 0.0,
    "agri_processing": -0.3,
    "other_manufacturing": -0.2,
    "services": 0.3,
}


@dataclass(frozen=True)
class _Draw:
    """Offline profiles and the arrays the worlds build on."""

    frame: pd.DataFrame
    province: np.ndarray  # index into the 38 provinces, per row
    island: np.ndarray  # island group name, per row
    n_provinces: int
    province_island: np.ndarray  # island group name, per province
    edu: np.ndarray  # education order 0..4
    urban: np.ndarray  # bool
    female: np.ndarray  # bool
    age: np.ndarray  # owner age, float
    biz_age: np.ndarray  # business age, float (before any blanking)
    workers: np.ndarray  # float
    sector: np.ndarray  # sector name
    phone: np.ndarray  # bool
    internet: np.ndarray  # "none" / "weak" / "good"
    bank: np.ndarray  # bool
    nib: np.ndarray  # bool
    training: np.ndarray  # bool


def _draw_profiles(n: int, rng: np.random.Generator) -> _Draw:
    """`n` offline MSME profiles following the data contract (msme_id a placeholder)."""
    table = provinces()
    codes = table["province_code"].astype(str).to_numpy()
    groups = table["island_group"].astype(str).to_numpy()
    population = table["population"].to_numpy(float)
    group_pop = pd.Series(population).groupby(groups).transform("sum").to_numpy(float)
    island_share = np.array([ISLAND_SHARES[g] for g in groups], float)
    probs = island_share / island_share.sum() * population / group_pop
    province = rng.choice(len(codes), size=n, p=probs / probs.sum())
    island = groups[province]

    urban_p = np.array([_URBAN_BY_ISLAND[g] for g in groups])
    urban_p[codes == "31"] = 1.0  # DKI Jakarta
    urban = rng.random(n) < urban_p[province]

    sector_shares = np.array([_SECTOR_SHARES[s] for s in SECTORS])
    sector = np.array(SECTORS)[rng.choice(len(SECTORS), size=n, p=sector_shares)]
    female = rng.random(n) < _sector_map(sector, _FEMALE_BY_SECTOR)

    age = np.clip(np.round(rng.normal(44.0, 11.0, n)), 18, 80)
    one_person = rng.random(n) < 0.55
    workers = np.where(one_person, 1, 1 + rng.geometric(0.643, n)).astype(float)
    big = rng.random(n) < 0.004  # a few small firms (BPS: 5-19 workers)
    workers = np.where(big, rng.integers(5, 40, n), workers)
    workers = np.minimum(workers, 99.0)

    latent = 0.5 * urban - 0.025 * (age - 44.0) + 0.15 * np.log(workers) + rng.normal(0, 1, n)
    cuts = np.quantile(latent, np.cumsum(_EDUCATION_SHARES)[:-1])
    edu = np.searchsorted(cuts, latent).astype(float)

    biz_age = np.minimum(rng.gamma(1.5, 6.0, n), np.maximum(age - 15.0, 0.5))
    biz_age = np.round(biz_age, 1)

    sector_rev = np.where(np.isin(sector, ["services", "craft"]), 0.85, 1.0)
    log_rev = (
        np.log(2.2e6)
        + 0.8 * np.log(workers)
        + 0.25 * urban
        + 0.1 * edu
        + np.log(sector_rev)
        + rng.normal(0, 0.9, n)
    )
    revenue = np.clip(np.round(np.exp(log_rev), -3), 0.0, 9.0e9)

    phone = rng.random(n) < expit(0.7 + 0.6 * urban + 0.4 * edu - 0.05 * (age - 44.0))
    remote = np.array([_REMOTE_BY_ISLAND[g] for g in island])
    net_score = 0.9 * urban - 0.9 * remote + rng.normal(0, 1, n)
    internet = np.where(net_score > 0.3, "good", np.where(net_score > -1.0, "weak", "none"))
    bank = rng.random(n) < expit(-0.95 + 0.45 * edu + 0.5 * urban + 0.3 * np.log(workers))
    nib = rng.random(n) < expit(-2.0 + 0.5 * bank + 0.3 * edu + 0.5 * np.log(workers))
    training = rng.random(n) < expit(-3.1 + 0.35 * edu + 0.5 * nib + 0.3 * urban)

    frame = pd.DataFrame(
        {
            "msme_id": [f"tmp{i}" for i in range(n)],
            "province_code": codes[province],
            "area_type": np.where(urban, "urban", "rural"),
            "sector": sector,
            "business_age_years": biz_age,
            "workers": workers.astype(np.int64),
            "monthly_revenue_idr": revenue,
            "owner_age": age.astype(np.int64),
            "owner_gender": np.where(female, GENDERS[0], GENDERS[1]),
            "owner_education": np.array(EDUCATION_LEVELS)[edu.astype(int)],
            "has_smartphone": phone,
            "has_bank_account": bank,
            "has_business_id": nib,
            "prior_digital_training": training,
            "internet_access": internet,
            "digital_status": "offline",
        }
    )
    assert list(frame.columns) == [spec.name for spec in PROFILE_COLUMNS]
    return _Draw(
        frame=frame,
        province=province,
        island=island,
        n_provinces=len(codes),
        province_island=groups,
        edu=edu,
        urban=urban,
        female=female,
        age=age,
        biz_age=biz_age,
        workers=workers,
        sector=sector,
        phone=phone,
        internet=internet,
        bank=bank,
        nib=nib,
        training=training,
    )


def _sector_map(sector: np.ndarray, values: Mapping[str, float]) -> np.ndarray:
    return pd.Series(sector).map(values).to_numpy(float)


def _base_logit(d: _Draw) -> np.ndarray:
    """Drivers of going digital alone shared by both worlds (directions from the brief)."""
    internet = np.select([d.internet == "good", d.internet == "weak"], [0.5, 0.2], 0.0)
    total: np.ndarray = (
        0.45 * (d.edu >= 2)
        + 0.15 * d.edu
        - 0.03 * (d.age - 44.0)
        + 0.45 * d.urban
        + 0.25 * (d.island == "Jawa")
        + 0.6 * d.phone
        + internet
        + 0.25 * np.log(d.workers)
        + 0.45 * d.training
        + _sector_map(d.sector, _SECTOR_BASE_LOGIT)
    )
    return total


def msme_reserve_i(rows: int, seed: int) -> World:
    """Mentor hubs: reach × sector, gains peak at a middle business age, local market shocks."""
    rng = np.random.default_rng(140_000 + seed)
    d = _draw_profiles(rows + EVAL_ROWS, rng)
    n = len(d.frame)

    # Mentor-network reach per province: island base × jitter (ASSUMPTION), less in rural areas.
    reach_base = {
        "Jawa": 0.85,
        "Bali-Nusa Tenggara": 0.7,
        "Sumatera": 0.6,
        "Sulawesi": 0.5,
        "Kalimantan": 0.45,
        "Maluku-Papua": 0.25,
    }
    prov_reach = np.array([reach_base[g] for g in d.province_island])
    prov_reach = np.clip(prov_reach * np.exp(rng.normal(0, 0.25, d.n_provinces)), 0.05, 1.0)
    reach = prov_reach[d.province] * np.where(d.urban, 1.0, 0.6)

    # Unobserved local market shock per province × sector cell (courier hubs, a marketplace push).
    sector_codes = pd.Series(d.sector).map({s: i for i, s in enumerate(SECTORS)}).to_numpy(int)
    shock = rng.normal(0, 0.45, (d.n_provinces, len(SECTORS)))[d.province, sector_codes]

    p0 = expit(-5.45 + _base_logit(d) + shock)

    sector_gain = {
        "food_beverage": 0.17,
        "fashion_textile": 0.18,
        "craft": 0.15,
        "retail_trade": 0.095,
        "services": 0.08,
        "agri_processing": 0.17,
        "other_manufacturing": 0.06,
    }
    reach_power = dict.fromkeys(SECTORS, 1.0) | {"agri_processing": 2.0, "services": 0.5}
    reach_term = reach ** _sector_map(d.sector, reach_power)
    hump = np.exp(-((np.log1p(d.biz_age) - np.log(8.0)) ** 2) / (2 * 0.7**2))
    age_term = 0.15 + 0.85 * hump
    access = np.where(
        ~d.phone, 0.25, np.select([d.internet == "good", d.internet == "weak"], [1.0, 0.7], 0.3)
    )
    schooling = 0.75 + 0.12 * np.minimum(d.edu, 3.0)
    uplift = (
        _sector_map(d.sector, sector_gain)
        * reach_term
        * age_term
        * access
        * schooling
        * np.exp(0.4 * shock)
    )
    harmed = ~d.phone & (d.age >= 55) & (d.workers == 1)
    uplift = np.where(harmed, -0.02, uplift)

    propensity = expit(
        -3.1
        + 2.0 * prov_reach[d.province]
        + 0.4 * d.urban
        + 0.6 * d.nib
        + 0.3 * d.bank
        + 0.25 * d.edu
        - 0.015 * (d.age - 44.0)
        - 0.3 * ~d.phone
    )

    frame = d.frame
    informal = ~d.nib & ~d.bank
    blank_rev = rng.random(n) < np.where(informal, 0.20, 0.05)
    frame.loc[blank_rev, "monthly_revenue_idr"] = np.nan
    blank_age = rng.random(n) < np.where(d.age >= 60, 0.13, 0.06)
    frame.loc[blank_age, "business_age_years"] = np.nan
    return _finish_msme(
        frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_reserve_i"
    )


def msme_reserve_j(rows: int, seed: int) -> World:
    """Stacked enabling conditions, women's home businesses, a programme quota per province."""
    rng = np.random.default_rng(150_000 + seed)
    d = _draw_profiles(rows + EVAL_ROWS, rng)
    n = len(d.frame)

    motivation = rng.normal(0, 1, n)  # unobserved growth motivation (brief: growth goal +0.30)
    p0 = expit(-5.55 + _base_logit(d) + 0.25 * d.bank + 0.3 * motivation)

    conditions = (
        (d.internet != "none").astype(float)
        + (d.edu >= 1)
        + d.bank
        + d.nib
        + d.training
        + np.ones(n)  # the smartphone itself (required)
    )
    sector_gain = {
        "food_beverage": 0.055,
        "fashion_textile": 0.055,
        "craft": 0.05,
        "retail_trade": 0.04,
        "services": 0.035,
        "agri_processing": 0.035,
        "other_manufacturing": 0.03,
    }
    stacked = 1.0 - np.exp(-0.55 * conditions)
    home_women = (
        d.female
        & (d.workers <= 2)
        & np.isin(d.sector, ["food_beverage", "fashion_textile", "craft"])
    )
    gain = (
        _sector_map(d.sector, sector_gain)
        * stacked
        * np.where(home_women, 2.0, 1.0)
        * np.clip(1.0 + 0.25 * motivation, 0.3, None)
        * np.where(d.age >= 55, 0.6, 1.0)
    )
    uplift = np.where(d.phone, gain, 0.008)
    harmed = (
        ~d.urban & (d.internet == "none") & np.isin(d.sector, ["food_beverage", "agri_processing"])
    )
    uplift = np.where(harmed, -0.025, uplift)

    # Programme quota per province: 5 pilots outside Jawa nearly all mentored (ASSUMPTION).
    outside_java = np.flatnonzero(d.province_island != "Jawa")
    pilots = rng.choice(outside_java, size=5, replace=False)
    share = rng.uniform(0.03, 0.20, d.n_provinces)
    share[pilots] = 0.85
    score = 0.8 * motivation + 0.6 * d.nib + 0.5 * home_women + 0.2 * d.edu
    score = score - score.mean()
    propensity = expit(logit(share)[d.province] + score)

    frame = d.frame
    blank_age = rng.random(n) < np.where((d.age >= 50) & (d.edu == 0), 0.30, 0.03)
    frame.loc[blank_age, "business_age_years"] = np.nan
    blank_rev = rng.random(n) < np.where(home_women, 0.25, 0.06)
    frame.loc[blank_rev, "monthly_revenue_idr"] = np.nan
    return _finish_msme(
        frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_reserve_j"
    )
