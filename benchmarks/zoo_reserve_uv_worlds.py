"""FORMERLY HELD IN RESERVE: these worlds were run once at every size on 2026-12-07 to check the
served copy made the default (docs/results-log.md, 2026-12-07 "i"). Their scores are seen now,
so they are ordinary zoo worlds; a lever tuned on them must say so.

Two more MSME worlds, ``msme_reserve_u`` and ``msme_reserve_v``, written blind by a helper
session started for this purpose (not by whoever wrote the pipeline, the models or the other
worlds), on branch ``reserve-uv`` in its own worktree, on 2026-12-07. Not registered: the
maintainer registers them (``zoo_worlds`` was not edited).

What was read, and nothing else of the project:
  * ``/work/shared/docs/domain.md`` and ``/work/shared/data/provinces_38.csv`` (each whole);
  * ``data/contract.py`` and ``data/reference.py`` (each whole);
  * ``benchmarks/zoo_reserve_st_worlds.py`` (whole: the template; its profile draw is copied
    here, its ``_contract_problems`` unchanged, its ``_explained`` and ``_measure`` adapted);
  * in ``benchmarks/zoo_worlds.py``: a ``grep -n`` for the lines of ``class World``,
    ``EVAL_ROWS`` and ``def _finish_msme``, then ``sed -n 93,115p`` and ``sed -n 138,170p``.
    SLIP (small): these ranges ran a few lines past the bodies: the first lines of ``_profiles``
    (its docstring, ``from data.simulate import simulate`` and a call of ``simulate(rows=1,
    seed=seed, candidates=...)``) and of ``msme_access`` (its signature with ``lottery``, its
    docstring "Interactions and thresholds: mentoring works where access meets know-how.", its
    rng seed and a call of ``_profiles``); nothing of them is used here;
  * ``data/validation.py``: ``grep -n "def validate_frame"`` and ``sed -n 184,190p`` (the
    signature: ``df``, ``kind``, keyword ``extra_columns`` and ``source``), nothing more;
  * SLIP (small): an ``ls`` of the worktree root, of ``benchmarks/`` and of ``data/`` (file
    names only: the other world modules' and probes' names, and ``data``'s first module names
    such as ``aliases.py``, ``calibration.py``, ``csv_reading.py``); ``ls data/reference/``
    (``README.md``, ``province_aliases.csv``, ``provinces.csv``, ``sectors.csv``) and the first
    three lines of ``data/reference/provinces.csv`` (its header and Aceh, Sumatera Utara); and
    ``git worktree add`` printed the subject line of the HEAD commit (about MLflow's event
    lines during model registration). None of these was opened further;
  * at run time: the numpy (2.4.6), pandas (2.3.3), ruff and mypy versions, ``nproc`` and the
    load average;
  * ``git status --short`` / ``git add`` / ``git commit`` of this file only.

Nothing in ``models/``, ``training/``, ``service/``, ``allocation/``, ``tests/``, ``docs/``,
``benchmarks/results`` or any other benchmark module was read, no git history was looked at,
and no model, learner, probe or ``zoo.py`` was run on these worlds: only this generator, the
project's validator and numpy/pandas statistics on the generator's own arrays ("Measured"
below). Run it from the worktree with ``PYTHONPATH=<worktree>:<worktree>/benchmarks`` and,
outside ``/work/main``, ``UMKM_SHARED_DATA=/work/shared/data``.

Profile draw: S/T's (``_draw_traits``, copied so this file stands alone; all its figures and
ASSUMPTIONs are those of S/T's docstring: provinces by domain.md's island shares and
population, urban share from density, the Census 2016 sector mix, 64.5% women CHOSEN,
education at BPS IMK 2023 shares, workers mean about 1.9, lognormal revenue with heaping,
smartphone / internet / bank / NIB / training logistic). Changes:
  * the logits of smartphone, bank account and NIB are factored out (same numbers), so that a
    blank revenue can be drawn given what those three columns tell of it (``_explained``);
  * world U draws the WHOLE population (digital and offline), gives every firm a chance of
    being already digital (below), and keeps the offline firms only; about 32% of all firms
    are already digital (domain.md: BPS 32.2% selling online in 2021, 34.1% in 2022), so U's
    offline firms are poorer in equipment than S/T's (smartphone 61% against 68%, secondary
    schooling or more 24% against 31%, Java 55% against 61%, urban 46% against 52%);
  * world V uses S/T's offline draw unchanged;
  * ``digital_status`` is ``offline`` in every row and ``cohort`` is left out, as in S/T.

World U, "crowded cells" (``msme_reserve_u``). Structural assumptions (all sizes ASSUMPTION,
directions from domain.md where it has them):
  * PEERS: each (province, sector) cell has a share of firms already digital, computed from the
    population: the mean chance of being digital over a fixed reference population of 400,000
    firms (a small cell shrunk towards its province's share with 25 pseudo-firms). A firm's
    chance of being digital: logit -2.45 + 0.5 secondary + 0.4 diploma or more - 0.03 per
    year of age + 0.45 urban + 0.4 infrastructure + 0.9 smartphone + internet (none -0.8,
    good +0.4) + sector (fashion +0.5, food +0.4, services +0.35, trade +0.1, other
    manufacturing -0.2, agri-processing -0.5) + 0.3 for 2+ workers + 0.2 bank + a fixed
    cell term normal(0, 0.5) (local history: a delivery app that came to one city's food
    stalls, a marketplace drive for one province's batik). The cell term is part of the law
    (a fixed seed), the same for every seed of the world. Among offline firms the cell share
    runs from 0.14 (10th percentile) to 0.52 (90th);
  * the gain SATURATES with peers: 0.18 / (1 + (share / 0.2)^2.2) x (smartphone 1, none 0.45)
    x internet (none 0.5, weak 0.9, good 1.05) x (owner 60 or over 0.6) x (1 + 0.25
    tanh(eagerness)) x lognormal noise (sd 0.35). Where few peers are digital, a mentor opens
    a door no neighbour has shown; where most are, the offline ones left have heard it all and
    chose not to (domain.md: "prefer offline 71%"), so mentoring adds little. The same
    equipped profile gains 0.126 in a thin cell (share < 0.2) and 0.028 in a crowded one
    (>= 0.35). Meanwhile p0 RISES with peers (imitation), so at the cell level base chance and
    gain move apart; within a cell their drivers differ (corr(gain, p0) overall -0.06);
  * harm: in crowded cells (share >= 0.42) a small seller (TRUE turnover below Rp2m a month)
    is advised by the mentor against entering a crowded online market, and loses 30-80%
    (uniform) of its base chance, which comes largely from peers: about 5% of firms, mean -0.03;
  * p0: logit -4.4 + 0.4 secondary + 0.3 diploma or more - 0.025 per year of age + 0.25 urban
    + 0.45 smartphone + internet (none -0.6, good +0.3) + sector (food +0.25, services and
    fashion +0.2, agri-processing -0.25) + 0.2 for 2+ workers + 0.2 bank + 0.45 training +
    2.2 x (cell share - 0.3) + 0.45 x eagerness + 0.4 x normal noise; mean about 4%
    ("a few percent a year");
  * who is mentored: MENTOR CAPACITY RUNS OUT IN ORDER OF APPLICATION. An unrecorded eagerness
    (standard normal) drives applying (logit -1.45 + 1.0 eagerness + 0.5 smartphone + 0.35
    NIB + 0.3 urban + 0.35 training + 0.2 secondary + 2.0 x (cell share - 0.3): word of mouth
    from digital peers, so applicants crowd where the gain is small) and the application day
    (lognormal around day 30, earlier by e^-0.6 per sd of eagerness and by e^-0.25 with a
    smartphone, sd 0.6). Each province has slots for 0.23 x (0.35 / (38 x its share of
    firms) + 0.65) of its firms (a third of the mentors spread equally over the provinces,
    the rest by size; domain.md: about 35-180 firms per mentor), and they go to its applicants
    by date until they run out: a hard cut in an unrecorded variable. Mentored share by
    province 0.16-0.34; the mentored have mean eagerness +0.85, the others -0.22, so the naive
    gap overstates the gain by about 2.4 points (hidden confounding through p0, and slightly
    through the gain);
  * blanks, NOT AT RANDOM and in TWO columns, driven by the same eagerness: revenue blank
    (logit -2.45 - 0.75 eagerness + 0.35 log true revenue / Rp2.45m + 0.5 unbanked: the
    unhurried, the better-off and the unbanked; about 14%) and business age blank (logit -3.05
    - 0.75 eagerness + 0.05 per year over 8: about 6%). Both blank together 1.45 times as often
    as if independent; a blank revenue marks the less eager (mentored share 0.12 against 0.22
    where told) and hides the turnover on which the harm depends. Told revenue is heaped as in
    S/T, otherwise honest.

World V, "the middle-sized firm" (``msme_reserve_v``). Structural assumptions (sizes
ASSUMPTION):
  * the gain is NON-MONOTONE IN A COUNT: a hump in log workers, exp(-0.5 ((ln workers - ln
    3.2) / 0.7)^2): one-person firms have no time to run a chat shop beside the stall, firms of
    2-5 have a family member or employee to take it on, firms of 10+ already have someone who
    does it or a way of selling that does not need it (domain.md: 2-10 worker firms use digital
    payments 41% against 22% for one-person firms; the hump is an ASSUMPTION);
  * times a COST/BENEFIT THRESHOLD in the TRUE monthly turnover: going digital costs data,
    fees, packaging and hours against the margin it adds, so it pays above a break-even
    turnover by sector (services Rp2.0m, food and craft 2.5m, fashion 3.0m, agri-processing
    and other manufacturing 3.5m, trade 4.5m: thin trade margins need more turnover), a soft
    step (logistic in log turnover / break-even, scale 0.2); 52% of firms are above it;
  * gain = 0.23 x hump x step x (smartphone 1, none 0.55) x internet (none 0.5, weak 0.9,
    good 1.05) x lognormal noise (sd 0.35);
  * harm as PURE NOISE: 7% of firms, drawn at random and independent of every column and of
    p0, got a mentor who was a poor match (pushy, or promising what the platform did not give)
    and were put off online selling for the year: they lose 40-100% (uniform) of their base
    chance and gain nothing. No recorded feature predicts them (their mean p0 is everyone's);
  * p0: logit -4.7 + 0.4 secondary + 0.3 diploma or more - 0.025 per year of age + 0.3 urban
    + 0.3 infrastructure + 0.5 smartphone + internet (none -0.6, good +0.3) + sector (food
    +0.3, services +0.25, fashion +0.2, agri-processing -0.3) + 0.35 for 2-10 workers + 0.2
    for 11+ + 0.2 x log(true revenue / Rp2m) (clipped to -2..3) + 0.2 NIB + 0.45 training +
    0.5 x normal noise; mean about 4.4%;
  * who is mentored: the year's programme ran UNEVENLY ACROSS PROVINCES. Six pilot provinces
    (Jawa Tengah, DI Yogyakarta, NTB, NTT, Sulawesi Selatan, Maluku) had many mentors (base
    logit +0.1), thirteen had no programme that year (Sumatera Utara, Riau, DKI Jakarta,
    Banten, Kalimantan Barat and Timur, Sulawesi Tengah and the six Papua provinces; base
    logit -5.6: a stray private scheme only), the rest a thin one (base logit -2.05 + a fixed
    normal(0, 0.5) per province). Within a province: + 0.5 NIB (on the cooperative office's
    register) + 0.3 for 2+ workers + 0.25 women + 0.3 rural + 0.2 log revenue. Mentored share
    by province runs from 0% to about 69%; 11-12 provinces are under 2% and 6 over 45%,
    holding 45% of the history's rows between them: overlap is poor there. Assignment is on
    recorded columns only (no hidden confounding): the naive gap is close to the gain;
  * blanks: revenue blank for about 8% (rural, unbanked and older owners, at random given
    those), business age for about 4.5% (S/T's rule); revenue told honestly, heaped as S/T.

How U and V differ from what came before (from S/T's docstring): earlier gains were functions
of a firm's own columns (a step where access meets know-how; opposite to the baseline; smooth
and logit; a diagonal age-by-education frontier; a sector-by-island table; a paperwork x
turnover x phone gate; an unrecorded social-media habit; S's province-dependent age hump; T's
two of three ingredients). U's gain is a function of a POPULATION AGGREGATE, the digital share
of the firm's province x sector cell (266 cells), saturating: the same profile gains four
times more in a thin cell than in a crowded one; its assignment is a QUEUE against per-province
CAPACITY (a hard cut in an unrecorded application date, hidden confounding through eagerness)
rather than a propensity, and its blanks are jointly not at random in two columns through the
same unrecorded trait. Overlap with earlier worlds, said plainly: at the cell level U's p0 and
gain move apart (as in the "opposite to the baseline" world), though not within a cell. V's
gain is a hump in a COUNT (workers) times a sector-specific break-even step in turnover
(T had a turnover cut as one of three ingredients; here it is a multiplicative threshold whose
level depends on the sector, with the turnover told honestly); its harm is UNPREDICTABLE noise
(earlier harms fell on recognisable groups), which caps what any model can explain; its
history has near-violations of positivity by PROVINCE (whole provinces near 0% and others
near 70% mentored) with no hidden confounding.

Measured (``python benchmarks/zoo_reserve_uv_worlds.py``: 20,000 history rows and 40,000
evaluation rows, seeds 0-2, the mean of the three):

====================================================  ================  ================
figure                                                U                 V
====================================================  ================  ================
mean p0 (history)                                     0.038             0.044
mentored share                                        0.204             0.254
mentored share by province, min / max                 0.159 / 0.339     0.000 / 0.692
digital rate, mentored / not mentored                 0.111 / 0.034     0.103 / 0.045
mean true gain among the mentored (history)           0.053             0.056
mean true gain, all (evaluation)                      0.044             0.049
share harmed (gain < 0, evaluation)                   0.053             0.069
harmed group: share / mean gain                       0.053 / -0.032    0.069 / -0.031
naive gap minus the mentored's mean gain              +0.024            +0.002
mean gain of the top 10% (evaluation)                 0.141             0.228
corr(gain, p0)                                        -0.06             +0.33
blank revenue / business age                          0.137 / 0.059     0.083 / 0.044
blank in every other column                           0                 0
explained by the recorded profile (``_explained``)    0.72              0.65
====================================================  ================  ================

U by the cell's digital share (< 0.2 / 0.2-0.35 / >= 0.35): firms 24% / 47% / 29%, mean gain
0.080 / 0.046 / 0.010, mean p0 0.022 / 0.034 / 0.059; an equipped profile (smartphone, good
internet, owner under 60, true turnover >= Rp2m) gains 0.126 where the share is < 0.2 and
0.028 where it is >= 0.35. Eagerness of the mentored +0.85, of the others -0.22. V by workers
(not harmed): 1 (58% of firms) 0.019, 2 (24%) 0.092, 3-4 (14%) 0.137, 5-9 (3.8%) 0.092, 10+
(0.9%) 0.016; below the sector's break-even turnover 0.009, above it 0.098; mean p0 of the
harmed 0.044 (everyone's 0.044); 11.3 provinces under 2% mentored and 6 over 45%, holding 45%
of the history's rows. The minimum by province is over provinces with 30+ history rows.
"Explained" is Var(E[gain | recorded profile]) / Var(gain) on the evaluation rows, with
E[. | profile] the mean over 12 redraws of the unrecorded parts given the recorded profile (U:
eagerness and a blank revenue and business age, drawn by rejection on the row's blanks and its
recorded smartphone, bank account and NIB, and the noises; V: the mismatch harm, a blank
revenue the same way, and the noises; heaping ignored). The history keeps the contract
(``validate_frame``: no problems) at 5,000 and 60,000 rows, seeds 0 and 1. 200,000
rows draw in about a second (U's reference population, drawn once, in about another second).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from functools import cache

import numpy as np
import numpy.typing as npt
import pandas as pd
from zoo_worlds import EVAL_ROWS, World, _finish_msme

from data.contract import EDUCATION_LEVELS, INTERNET_ACCESS, SECTORS
from data.reference import province_figures

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
Texts = npt.NDArray[np.str_]

# ------------------------------------------------------------------------------ population
# As S/T's (benchmarks/zoo_reserve_st_worlds.py), copied so that this file stands alone; the
# changes are the factored `_phone_logit`, `_bank_logit`, `_nib_logit` (used again to weigh
# draws of a blank revenue) and `_Traits.take`.

# Economic Census 2016 island shares of firms (domain.md); they sum to 99.8%, normalised.
ISLAND_SHARES = {
    "Jawa": 0.607,
    "Sumatera": 0.186,
    "Sulawesi": 0.081,
    "Bali-Nusa Tenggara": 0.056,
    "Kalimantan": 0.050,
    "Maluku-Papua": 0.018,
}
# ASSUMPTION: the provinces' digital infrastructure, an island term beside population density.
ISLAND_INFRA = {
    "Jawa": 0.5,
    "Sumatera": 0.0,
    "Sulawesi": -0.1,
    "Bali-Nusa Tenggara": -0.1,
    "Kalimantan": -0.2,
    "Maluku-Papua": -0.8,
}
PROVINCE_INFRA_EXTRA = {"51": 0.6, "21": 0.4, "64": 0.3}  # Bali, Kepulauan Riau, Kaltim
# ASSUMPTION: urban share of firms by province, from density; these three set by hand.
URBAN_OVERRIDE = {"31": 1.0, "21": 0.80, "64": 0.60}  # DKI Jakarta, Kepulauan Riau, Kaltim

# Sector codes, in the contract's order.
FOOD, RETAIL, FASHION, CRAFT, AGRI, SERVICES, OTHER_MANUF = range(7)
# Economic Census 2016 non-farm mix (domain.md): trade 46.2, food 16.7, manufacturing 16.5 (split
# by ASSUMPTION: fashion 4.5, agri-processing 5.0, craft 3.5, other 3.5), rest 20.6 (services).
SECTOR_MIX = np.array([0.167, 0.462, 0.045, 0.035, 0.050, 0.206, 0.035])
# ASSUMPTION: tilts by area (rural firms process crops and make crafts; towns have services).
SECTOR_TILT_RURAL = np.array([0.95, 1.0, 0.85, 1.3, 2.2, 0.75, 0.9])
SECTOR_TILT_URBAN = np.array([1.05, 1.0, 1.2, 0.8, 0.35, 1.2, 1.1])
# ASSUMPTION: share of women owners by sector; about 64% of all (the 2021 claim of 64.5% women
# is chosen, not the registry's 49.4%: offline micro firms are the most female part).
FEMALE_BY_SECTOR = np.array([0.78, 0.71, 0.75, 0.50, 0.55, 0.45, 0.30])
# BPS IMK 2023 owner education (domain.md): 48.6 / 20.2 / 26.6 / 4.7, the 4.7 split by
# ASSUMPTION 1.7 diploma and 3.0 bachelor or higher.
EDUCATION_SHARES = np.array([0.486, 0.202, 0.266, 0.017, 0.030])
# ASSUMPTION: workers (owner included) 1, 2, 3, 4, 5-9, 10-19, 20-60 for trade and services;
# food and manufacturing have fewer one-person firms (domain.md: about 1.7 per micro firm;
# small firms are in the population too).
WORKER_SHARES = np.array([0.62, 0.22, 0.08, 0.04, 0.032, 0.006, 0.002])
WORKER_SHARES_MAKERS = np.array([0.50, 0.27, 0.11, 0.055, 0.052, 0.010, 0.003])
WORKER_LOW = np.array([1, 2, 3, 4, 5, 10, 20])
WORKER_HIGH = np.array([1, 2, 3, 4, 9, 19, 60])
# ASSUMPTION: log monthly revenue (Rp) = log 1.75m + 0.75 log workers + sector + 0.28 urban
# + 0.12 Java + 0.07 per education step + normal(0, 0.9) (domain.md: micro Rp76m a year).
REVENUE_MEDIAN = 1.75e6
REVENUE_SIGMA = 0.9
SECTOR_REVENUE = np.array([0.10, 0.15, 0.05, -0.15, -0.10, 0.0, 0.10])
MAX_REVENUE = 4e9  # per month: below the contract's Rp10 billion bound


def _sigmoid(x: Floats) -> Floats:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float64)


def _z(x: Floats) -> Floats:
    return np.asarray((x - x.mean()) / x.std(), dtype=np.float64)


@dataclass(frozen=True)
class _Provinces:
    codes: Texts
    island: Texts
    weight: Floats  # share of firms (island share x population share in the island)
    urban: Floats  # chance a firm there is urban
    infra: Floats  # digital infrastructure, mean 0 and sd 1 over firms


@cache
def _provinces() -> _Provinces:
    figures = province_figures().sort_values("province_code").reset_index(drop=True)
    codes = figures["province_code"].to_numpy(str)
    island = figures["island_group"].to_numpy(str)
    population = figures["population"].to_numpy(np.float64)
    island_population = figures.groupby("island_group")["population"].transform("sum")
    share = np.array([ISLAND_SHARES[name] for name in island])
    weight = share * population / island_population.to_numpy(np.float64)
    weight = weight / weight.sum()
    log_density = np.log10(population / figures["area_km2"].to_numpy(np.float64))
    urban = _sigmoid(-2.32 + 0.866 * log_density)
    for code, value in URBAN_OVERRIDE.items():
        urban[codes == code] = value
    infra = 0.6 * _z(log_density) + np.array([ISLAND_INFRA[name] for name in island])
    for code, value in PROVINCE_INFRA_EXTRA.items():
        infra[codes == code] += value
    mean = float(np.sum(weight * infra))
    sd = float(np.sqrt(np.sum(weight * (infra - mean) ** 2)))
    return _Provinces(codes, island, weight, urban, (infra - mean) / sd)


def _province_index(code: str) -> int:
    return int(np.flatnonzero(_provinces().codes == code)[0])


@dataclass(frozen=True)
class _Traits:
    """One population's drawn profile, the truth behind the recorded columns."""

    province: Ints  # index into _provinces()
    urban: Flags
    sector: Ints
    female: Flags
    age: Ints
    edu: Ints  # index into EDUCATION_LEVELS
    business_age: Floats
    workers: Ints
    revenue_mu: Floats  # the log revenue's mean given the rest of the profile
    revenue: Floats  # true monthly revenue, Rp
    smartphone: Flags
    internet: Ints  # 0 none, 1 weak, 2 good
    bank: Flags
    nib: Flags
    training: Flags

    @property
    def infra(self) -> Floats:
        return _provinces().infra[self.province]

    @property
    def java(self) -> Flags:
        return np.asarray(_provinces().island[self.province] == "Jawa", dtype=np.bool_)

    def in_sector(self, *codes: int) -> Flags:
        return np.isin(self.sector, codes)

    def take(self, index: Ints) -> _Traits:
        """These rows only, in this order."""
        return _Traits(
            **{column.name: getattr(self, column.name)[index] for column in fields(self)}
        )

    def frame(self, revenue: Floats, business_age: Floats) -> pd.DataFrame:
        """The contract's profile columns (offline firms), with these recorded values."""
        return pd.DataFrame(
            {
                "province_code": _provinces().codes[self.province],
                "area_type": np.where(self.urban, "urban", "rural"),
                "sector": np.asarray(SECTORS)[self.sector],
                "business_age_years": business_age,
                "workers": self.workers,
                "monthly_revenue_idr": revenue,
                "owner_age": self.age,
                "owner_gender": np.where(self.female, "female", "male"),
                "owner_education": np.asarray(EDUCATION_LEVELS)[self.edu],
                "has_smartphone": self.smartphone,
                "has_bank_account": self.bank,
                "has_business_id": self.nib,
                "prior_digital_training": self.training,
                "internet_access": np.asarray(INTERNET_ACCESS)[self.internet],
                "digital_status": np.full(len(self.age), "offline"),
            }
        )


def _pick(rng: np.random.Generator, probabilities: Floats) -> Ints:
    """One category per row from its row of probabilities."""
    cumulative = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probabilities))[:, None]
    chosen = np.minimum((u > cumulative).sum(axis=1), probabilities.shape[1] - 1)
    return np.asarray(chosen, dtype=np.int64)


def _rev_z(revenue: Floats) -> Floats:
    return np.asarray(np.log(revenue) - np.log(REVENUE_MEDIAN * 1.4), dtype=np.float64)


def _phone_logit(
    *, age: Ints, edu: Ints, urban: Flags, revenue: Floats, workers: Ints, female: Flags
) -> Floats:
    return np.asarray(
        0.3
        - 0.055 * (age - 45)
        + 0.3 * edu
        + 0.4 * urban
        + 0.25 * _rev_z(revenue)
        + 0.2 * (workers >= 2)
        - 0.15 * female,
        dtype=np.float64,
    )


def _bank_logit(age: Ints, edu: Ints, urban: Flags, revenue: Floats, workers: Ints) -> Floats:
    return np.asarray(
        -0.85
        + 0.35 * edu
        + 0.45 * _rev_z(revenue)
        + 0.35 * urban
        - 0.01 * (age - 45)
        + 0.3 * (workers >= 2),
        dtype=np.float64,
    )


def _nib_logit(
    *, edu: Ints, urban: Flags, revenue: Floats, workers: Ints, bank: Flags, business_age: Floats
) -> Floats:
    return np.asarray(
        -3.0
        + 0.35 * _rev_z(revenue)
        + 0.45 * (workers >= 2)
        + 0.6 * bank
        + 0.2 * edu
        + 0.3 * urban
        + 0.02 * np.minimum(business_age, 20.0),
        dtype=np.float64,
    )


def _revenue_evidence(t: _Traits, revenue: Floats) -> Floats:
    """The chance of the recorded smartphone, bank account and NIB given a revenue: they were
    drawn from it, so they tell of a revenue left blank."""

    def chance(logit: Floats, held: Flags) -> Floats:
        p = _sigmoid(logit)
        return np.asarray(np.where(held, p, 1.0 - p), dtype=np.float64)

    return (
        chance(
            _phone_logit(
                age=t.age,
                edu=t.edu,
                urban=t.urban,
                revenue=revenue,
                workers=t.workers,
                female=t.female,
            ),
            t.smartphone,
        )
        * chance(_bank_logit(t.age, t.edu, t.urban, revenue, t.workers), t.bank)
        * chance(
            _nib_logit(
                edu=t.edu,
                urban=t.urban,
                revenue=revenue,
                workers=t.workers,
                bank=t.bank,
                business_age=t.business_age,
            ),
            t.nib,
        )
    )


def _draw_traits(rng: np.random.Generator, n: int) -> _Traits:
    """The shared profile draw (figures in the docstring; S/T's, unchanged)."""
    prov = _provinces()
    province = rng.choice(len(prov.codes), size=n, p=prov.weight).astype(np.int64)
    urban = rng.random(n) < prov.urban[province]
    java = np.isin(prov.island[province], ("Jawa",))
    tilt = np.where(urban[:, None], SECTOR_TILT_URBAN, SECTOR_TILT_RURAL)
    sector = _pick(rng, SECTOR_MIX * tilt)
    female = rng.random(n) < FEMALE_BY_SECTOR[sector]
    age = np.minimum(18 + rng.gamma(6.0, 4.5, n), 85).astype(np.int64)
    latent = (
        -0.035 * (age - 45)
        + 0.45 * urban
        + 0.2 * java
        + 0.25 * (sector == SERVICES)
        + 0.15 * (sector == FASHION)
        + rng.normal(0.0, 1.0, n)
    )
    cuts = np.quantile(latent, np.cumsum(EDUCATION_SHARES)[:-1])
    edu = np.searchsorted(cuts, latent).astype(np.int64)
    makers = np.isin(sector, (FOOD, FASHION, CRAFT, AGRI, OTHER_MANUF))
    band = _pick(rng, np.where(makers[:, None], WORKER_SHARES_MAKERS, WORKER_SHARES))
    workers = rng.integers(WORKER_LOW[band], WORKER_HIGH[band] + 1).astype(np.int64)
    years = np.minimum(rng.gamma(1.4, 6.0, n), age - 15.0)
    business_age = np.where(years >= 2, np.floor(years), np.round(years * 12) / 12)
    revenue_mu = (
        np.log(REVENUE_MEDIAN)
        + 0.75 * np.log(workers)
        + SECTOR_REVENUE[sector]
        + 0.28 * urban
        + 0.12 * java
        + 0.07 * edu
    )
    revenue = np.minimum(np.exp(revenue_mu + rng.normal(0.0, REVENUE_SIGMA, n)), MAX_REVENUE)
    smartphone = rng.random(n) < _sigmoid(
        _phone_logit(age=age, edu=edu, urban=urban, revenue=revenue, workers=workers, female=female)
    )
    infra = prov.infra[province]
    p_none = _sigmoid(-1.6 - 0.9 * urban - 0.5 * infra)
    p_good = _sigmoid(-0.5 + 1.1 * urban + 0.45 * infra)
    u = rng.random(n)
    internet = np.where(u < p_none, 0, np.where(u > 1.0 - p_good, 2, 1)).astype(np.int64)
    bank = rng.random(n) < _sigmoid(_bank_logit(age, edu, urban, revenue, workers))
    nib = rng.random(n) < _sigmoid(
        _nib_logit(
            edu=edu,
            urban=urban,
            revenue=revenue,
            workers=workers,
            bank=bank,
            business_age=business_age,
        )
    )
    training = rng.random(n) < _sigmoid(
        -3.3 + 0.3 * edu + 0.5 * nib + 0.3 * smartphone + 0.25 * female - 0.02 * (age - 45)
    )
    return _Traits(
        province=province,
        urban=urban,
        sector=sector,
        female=female,
        age=age,
        edu=edu,
        business_age=business_age,
        workers=workers,
        revenue_mu=revenue_mu,
        revenue=revenue,
        smartphone=smartphone,
        internet=internet,
        bank=bank,
        nib=nib,
        training=training,
    )


def _heaped(revenue: Floats) -> Floats:
    """Revenue as people say it: to Rp100k below Rp2m, 500k below 10m, 1m below 50m, 5m above."""
    step = np.select([revenue < 2e6, revenue < 1e7, revenue < 5e7], [1e5, 5e5, 1e6], default=5e6)
    return np.asarray(np.maximum(np.round(revenue / step) * step, 1e5), dtype=np.float64)


def _sector_effect(sector: Ints, effects: dict[int, float]) -> Floats:
    table = np.zeros(len(SECTORS))
    for code, value in effects.items():
        table[code] = value
    return np.asarray(table[sector], dtype=np.float64)


def _internet_effect(internet: Ints, none: float, weak: float, good: float) -> Floats:
    return np.asarray(np.array([none, weak, good])[internet], dtype=np.float64)


def _business_age_prior(rng: np.random.Generator, age: Ints) -> Floats:
    years = np.minimum(rng.gamma(1.4, 6.0, len(age)), age - 15.0)
    return np.asarray(
        np.where(years >= 2, np.floor(years), np.round(years * 12) / 12), dtype=np.float64
    )


@dataclass(frozen=True)
class _Build:
    world: World
    traits: _Traits
    p0: Floats
    uplift: Floats  # before p1 is clipped to [0, 1]
    propensity: Floats
    harmed: Flags  # the world's harmed group
    recorded_revenue: Floats
    recorded_business_age: Floats
    extra: dict[str, Floats] = field(default_factory=dict)


# ------------------------------------------------------------------------------ world U

U_TAG, V_TAG = 34_061, 34_062
U_LAW_SEED = 20_261_210  # fixes the cell terms and the reference population (the law)
U_REFERENCE_FIRMS = 400_000
U_CELL_SD = 0.5  # ASSUMPTION: local history of a province x sector cell, on the logit
U_SHRINK = 25.0  # a tiny cell's share leans on its province's (pseudo-firms)
# The gain saturates with the cell's share of digital firms: U_PEAK / (1 + (share / U_HALF)^k)
U_PEAK, U_HALF, U_POWER = 0.18, 0.2, 2.2
U_CROWDED = 0.42  # cells at least this digital: mentors advise small sellers against going online
U_SMALL_SELLER = 2e6  # true turnover below Rp2m a month
U_CAPACITY = 0.23  # mentor slots per firm, before the per-province split (calibrated)
U_BASE_QUOTA = 0.35  # share of mentors spread equally over the 38 provinces


@cache
def _cell_term_u() -> Floats:
    """A fixed (province, sector) term of the already-digital logit: part of the law."""
    rng = np.random.default_rng([U_LAW_SEED, 0])
    return np.asarray(rng.normal(0.0, U_CELL_SD, (len(_provinces().codes), len(SECTORS))))


def _already_digital_logit_u(t: _Traits) -> Floats:
    """Chance (logit) that a firm of the whole population already sells or takes payments
    online: about 30% of all firms (domain.md: BPS 32-34% in 2021-22)."""
    return np.asarray(
        -2.45
        + 0.50 * (t.edu >= 2)
        + 0.40 * (t.edu >= 3)
        - 0.030 * (t.age - 45)
        + 0.45 * t.urban
        + 0.40 * t.infra
        + 0.90 * t.smartphone
        + _internet_effect(t.internet, -0.8, 0.0, 0.4)
        + _sector_effect(
            t.sector,
            {FOOD: 0.4, SERVICES: 0.35, FASHION: 0.5, RETAIL: 0.1, AGRI: -0.5, OTHER_MANUF: -0.2},
        )
        + 0.30 * (t.workers >= 2)
        + 0.20 * t.bank
        + _cell_term_u()[t.province, t.sector],
        dtype=np.float64,
    )


@cache
def _peer_share_u() -> Floats:
    """Share of already-digital firms in each (province, sector) cell of the whole population:
    the mean chance over a fixed reference population of 400,000 firms, a small cell shrunk
    towards its province's share."""
    rng = np.random.default_rng([U_LAW_SEED, 1])
    t = _draw_traits(rng, U_REFERENCE_FIRMS)
    chance = _sigmoid(_already_digital_logit_u(t))
    shape = (len(_provinces().codes), len(SECTORS))
    cell = t.province * len(SECTORS) + t.sector
    sums = np.bincount(cell, chance, shape[0] * shape[1]).reshape(shape)
    counts = np.bincount(cell, minlength=shape[0] * shape[1]).reshape(shape)
    province = sums.sum(axis=1, keepdims=True) / counts.sum(axis=1, keepdims=True)
    return np.asarray((sums + U_SHRINK * province) / (counts + U_SHRINK), dtype=np.float64)


def _draw_offline_u(rng: np.random.Generator, n: int) -> _Traits:
    """The whole population is drawn; the firms already digital are dropped (they are not
    mentored) and the first n offline firms kept."""
    factor = 1.6
    while True:
        t = _draw_traits(rng, int(n * factor) + 1_000)
        digital = rng.random(len(t.age)) < _sigmoid(_already_digital_logit_u(t))
        offline = np.flatnonzero(~digital)
        if len(offline) >= n:
            return t.take(offline[:n])
        factor *= 1.3


def _unrecorded_u(rng: np.random.Generator, n: int) -> dict[str, Floats]:
    return {
        "eager": rng.normal(0.0, 1.0, n),
        "p0": rng.normal(0.0, 1.0, n),
        "gain": rng.lognormal(-0.5 * 0.35**2, 0.35, n),
        "advice": rng.uniform(0.3, 0.8, n),
    }


def _harmed_u(t: _Traits, revenue: Floats) -> Flags:
    """Small sellers in crowded cells: the mentor advises them against going online."""
    share = _peer_share_u()[t.province, t.sector]
    return np.asarray((share >= U_CROWDED) & (revenue < U_SMALL_SELLER), dtype=np.bool_)


def _laws_u(t: _Traits, u: dict[str, Floats], revenue: Floats) -> tuple[Floats, Floats]:
    """World U's p0 and uplift given the true revenue."""
    share = _peer_share_u()[t.province, t.sector]
    logit0 = (
        -4.4
        + 0.40 * (t.edu >= 2)
        + 0.30 * (t.edu >= 3)
        - 0.025 * (t.age - 45)
        + 0.25 * t.urban
        + 0.45 * t.smartphone
        + _internet_effect(t.internet, -0.6, 0.0, 0.3)
        + _sector_effect(t.sector, {FOOD: 0.25, SERVICES: 0.2, FASHION: 0.2, AGRI: -0.25})
        + 0.20 * (t.workers >= 2)
        + 0.20 * t.bank
        + 0.45 * t.training
        + 2.2 * (share - 0.3)
        + 0.45 * u["eager"]
        + 0.40 * u["p0"]
    )
    p0 = _sigmoid(logit0)
    room = U_PEAK / (1.0 + (share / U_HALF) ** U_POWER)
    able = (
        np.where(t.smartphone, 1.0, 0.45)
        * _internet_effect(t.internet, 0.5, 0.9, 1.05)
        * np.where(t.age >= 60, 0.6, 1.0)
    )
    gain = room * able * (1.0 + 0.25 * np.tanh(u["eager"])) * u["gain"]
    uplift = np.where(_harmed_u(t, revenue), -p0 * u["advice"], gain)
    return p0, np.asarray(uplift, dtype=np.float64)


def _blank_chances_u(
    t: _Traits, eager: Floats, revenue: Floats, business_age: Floats
) -> tuple[Floats, Floats]:
    """Chance that revenue and business age are left blank: the unhurried leave more blanks
    (both columns), the better-off and the unbanked hide the revenue, old firms do not know
    their start."""
    revenue_blank = _sigmoid(-2.45 - 0.75 * eager + 0.35 * _rev_z(revenue) + 0.5 * ~t.bank)
    age_blank = _sigmoid(-3.05 - 0.75 * eager + 0.05 * (business_age - 8.0))
    return revenue_blank, age_blank


def _assign_u(rng: np.random.Generator, t: _Traits, eager: Floats, rows: int) -> Floats:
    """Who is mentored (history rows; 0 for the evaluation rows): firms apply, and each
    province's mentor slots go in order of application date until they run out."""
    n = len(t.age)
    share = _peer_share_u()[t.province, t.sector]
    applies = rng.random(n) < _sigmoid(
        -1.45
        + 1.0 * eager
        + 0.5 * t.smartphone
        + 0.35 * t.nib
        + 0.3 * t.urban
        + 0.35 * t.training
        + 0.2 * (t.edu >= 2)
        + 2.0 * (share - 0.3)
    )
    day = np.exp(np.log(30.0) - 0.6 * eager - 0.25 * t.smartphone + rng.normal(0.0, 0.6, n))
    weight = _provinces().weight
    rate = U_CAPACITY * (U_BASE_QUOTA / (len(weight) * weight) + (1.0 - U_BASE_QUOTA))
    mentored = np.zeros(n, dtype=np.float64)
    history = np.arange(rows)
    for p in range(len(weight)):
        here = history[t.province[:rows] == p]
        slots = round(float(rate[p]) * len(here))
        queue = here[applies[here]]
        queue = queue[np.argsort(day[queue], kind="stable")]
        mentored[queue[:slots]] = 1.0
    return mentored


def _build_u(rows: int, seed: int) -> _Build:
    rng = np.random.default_rng([seed, U_TAG])
    t = _draw_offline_u(rng, rows + EVAL_ROWS)
    u = _unrecorded_u(rng, len(t.age))
    p0, uplift = _laws_u(t, u, t.revenue)
    propensity = _assign_u(rng, t, u["eager"], rows)
    revenue_blank, age_blank = _blank_chances_u(t, u["eager"], t.revenue, t.business_age)
    recorded = np.where(rng.random(len(p0)) < revenue_blank, np.nan, _heaped(t.revenue))
    business_age = np.where(rng.random(len(p0)) < age_blank, np.nan, t.business_age)
    frame = t.frame(recorded, business_age)
    world = _finish_msme(
        frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_reserve_u"
    )
    share = _peer_share_u()[t.province, t.sector]
    return _Build(
        world,
        t,
        p0,
        uplift,
        propensity,
        _harmed_u(t, t.revenue),
        recorded,
        business_age,
        {"peer share": share, "eager": u["eager"]},
    )


# ------------------------------------------------------------------------------ world V

V_LAW_SEED = 20_261_211
# The gain is a hump in log workers, peak at 3.2 workers, sd 0.7 on the log scale
V_PEAK, V_WORKERS_PEAK, V_WORKERS_WIDTH = 0.23, 3.2, 0.7
# ASSUMPTION: monthly turnover at which going digital pays (data, fees, packaging and hours
# against margin), by sector: thin trade margins need more turnover
V_BREAK_EVEN = np.array([2.5e6, 4.5e6, 3.0e6, 2.5e6, 3.5e6, 2.0e6, 3.5e6])
V_BREAK_EVEN_SOFTNESS = 0.2  # on the log scale
V_MISMATCH = 0.07  # share put off by their mentor, at random
# ASSUMPTION: where the year's programme ran. Pilot provinces: many mentors per firm; none:
# no programme that year (a firm there is mentored only by a stray private scheme).
V_PILOT = ("33", "34", "52", "53", "73", "81")
V_NONE = ("12", "14", "31", "36", "61", "64", "72", "91", "92", "93", "94", "95", "96")
V_PILOT_LOGIT, V_NONE_LOGIT, V_REGULAR_LOGIT, V_REGULAR_SD = 0.1, -5.6, -2.05, 0.5


@cache
def _programme_logit_v() -> Floats:
    """Each province's base assignment logit: pilot, none, or regular with a fixed spread."""
    prov = _provinces()
    spread = np.random.default_rng([V_LAW_SEED, 0]).normal(0.0, V_REGULAR_SD, len(prov.codes))
    base = V_REGULAR_LOGIT + spread
    base[np.isin(prov.codes, V_PILOT)] = V_PILOT_LOGIT
    base[np.isin(prov.codes, V_NONE)] = V_NONE_LOGIT
    return np.asarray(base, dtype=np.float64)


def _unrecorded_v(rng: np.random.Generator, n: int) -> dict[str, Floats]:
    return {
        "p0": rng.normal(0.0, 1.0, n),
        "gain": rng.lognormal(-0.5 * 0.35**2, 0.35, n),
        "mismatch": (rng.random(n) < V_MISMATCH).astype(np.float64),
        "loss": rng.uniform(0.4, 1.0, n),
    }


def _workers_hump_v(workers: Ints) -> Floats:
    return np.asarray(
        np.exp(-0.5 * ((np.log(workers) - np.log(V_WORKERS_PEAK)) / V_WORKERS_WIDTH) ** 2),
        dtype=np.float64,
    )


def _pays_v(t: _Traits, revenue: Floats) -> Floats:
    """How far going digital pays: a soft step at the sector's break-even turnover."""
    gap = np.log(revenue / V_BREAK_EVEN[t.sector]) / V_BREAK_EVEN_SOFTNESS
    return _sigmoid(np.asarray(gap, dtype=np.float64))


def _laws_v(t: _Traits, u: dict[str, Floats], revenue: Floats) -> tuple[Floats, Floats]:
    """World V's p0 and uplift given the true revenue."""
    logit0 = (
        -4.7
        + 0.40 * (t.edu >= 2)
        + 0.30 * (t.edu >= 3)
        - 0.025 * (t.age - 45)
        + 0.30 * t.urban
        + 0.30 * t.infra
        + 0.50 * t.smartphone
        + _internet_effect(t.internet, -0.6, 0.0, 0.3)
        + _sector_effect(t.sector, {FOOD: 0.3, SERVICES: 0.25, FASHION: 0.2, AGRI: -0.3})
        + 0.35 * ((t.workers >= 2) & (t.workers <= 10))
        + 0.20 * (t.workers > 10)
        + 0.20 * np.clip(np.log(revenue / 2e6), -2.0, 3.0)
        + 0.20 * t.nib
        + 0.45 * t.training
        + 0.50 * u["p0"]
    )
    p0 = _sigmoid(logit0)
    access = np.where(t.smartphone, 1.0, 0.55) * _internet_effect(t.internet, 0.5, 0.9, 1.05)
    gain = V_PEAK * _workers_hump_v(t.workers) * _pays_v(t, revenue) * access * u["gain"]
    uplift = np.where(u["mismatch"] > 0, -p0 * u["loss"], gain)
    return p0, np.asarray(uplift, dtype=np.float64)


def _propensity_v(t: _Traits) -> Floats:
    return _sigmoid(
        _programme_logit_v()[t.province]
        + 0.5 * t.nib
        + 0.3 * (t.workers >= 2)
        + 0.25 * t.female
        + 0.3 * ~t.urban
        + 0.2 * _rev_z(t.revenue)
    )


def _revenue_blank_v(t: _Traits) -> Floats:
    """ASSUMPTION: about 9% blank, more for rural, unbanked and older owners (given those, at
    random)."""
    return _sigmoid(-2.95 + 0.5 * ~t.urban + 0.5 * ~t.bank + 0.02 * (t.age - 45))


def _business_age_blank(t: _Traits) -> Floats:
    """S/T's: about 5% blank, more for old firms ("sudah lama") and older owners."""
    return _sigmoid(-3.1 + 0.04 * (t.business_age - 8.0) + 0.02 * (t.age - 45))


def _build_v(rows: int, seed: int) -> _Build:
    rng = np.random.default_rng([seed, V_TAG])
    t = _draw_traits(rng, rows + EVAL_ROWS)
    n = len(t.age)
    u = _unrecorded_v(rng, n)
    p0, uplift = _laws_v(t, u, t.revenue)
    propensity = _propensity_v(t)
    recorded = np.where(rng.random(n) < _revenue_blank_v(t), np.nan, _heaped(t.revenue))
    business_age = np.where(rng.random(n) < _business_age_blank(t), np.nan, t.business_age)
    frame = t.frame(recorded, business_age)
    world = _finish_msme(
        frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_reserve_v"
    )
    return _Build(world, t, p0, uplift, propensity, u["mismatch"] > 0, recorded, business_age)


# ------------------------------------------------------------------------------ public


def msme_reserve_u(rows: int, seed: int) -> World:
    """World U: a gain that saturates with the digital share of the firm's province x sector
    cell, mentor slots that run out in order of application (an unrecorded eagerness), and
    blanks left by the same eagerness."""
    return _build_u(rows, seed).world


def msme_reserve_v(rows: int, seed: int) -> World:
    """World V: a gain humped in the number of workers above a sector's break-even turnover,
    harm by a random mentor mismatch, and a programme that ran in some provinces only."""
    return _build_v(rows, seed).world


# ------------------------------------------------------------------------------ measurements


def _contract_problems(frame: pd.DataFrame) -> list[str]:
    """Where a history breaks the data contract, as the project's validator reports it; empty
    when it keeps the contract (S/T's, unchanged)."""
    from data.validation import validate_frame

    result = validate_frame(frame, "history")
    return [str(problem) for problem in result.problems] + (
        [f"{len(result.rejected)} rows rejected"] if len(result.rejected) else []
    )


def _posterior_u(
    rng: np.random.Generator, t: _Traits, recorded: Floats, business_age: Floats
) -> tuple[Floats, Floats]:
    """A draw of (eagerness, true revenue) given the recorded profile (world U), by rejection:
    eagerness from its prior, a blank revenue from its prior given the profile and a blank
    business age from its prior, kept with the chance of the row's blanks and of its recorded
    smartphone, bank account and NIB. A recorded revenue is taken as the truth (heaping
    ignored)."""
    n = len(t.age)
    revenue_told = ~np.isnan(recorded)
    age_told = ~np.isnan(business_age)
    eager_out, revenue_out = np.zeros(n), np.where(revenue_told, recorded, 0.0)
    pending = np.ones(n, dtype=np.bool_)
    for _ in range(600):
        idx = np.flatnonzero(pending)
        if not len(idx):
            break
        part = t.take(idx)
        eager = rng.normal(0.0, 1.0, len(idx))
        revenue = np.where(
            revenue_told[idx],
            recorded[idx],
            np.minimum(
                np.exp(part.revenue_mu + REVENUE_SIGMA * rng.normal(size=len(idx))), MAX_REVENUE
            ),
        )
        years = np.where(age_told[idx], business_age[idx], _business_age_prior(rng, part.age))
        revenue_blank, age_blank = _blank_chances_u(part, eager, revenue, years)
        evidence = _revenue_evidence(replace(part, business_age=years), revenue)
        chance = (
            np.where(revenue_told[idx], 1.0 - revenue_blank, revenue_blank)
            * np.where(age_told[idx], 1.0 - age_blank, age_blank)
            * evidence
        )
        accept = rng.random(len(idx)) < chance
        eager_out[idx] = eager
        revenue_out[idx] = revenue
        pending[idx[accept]] = False
    return eager_out, revenue_out


def _posterior_revenue_v(rng: np.random.Generator, t: _Traits, recorded: Floats) -> Floats:
    """A draw of the true revenue given the recorded profile (world V): a recorded one as the
    truth (heaping ignored); a blank one (blank at random given recorded columns) from its prior
    given the profile, kept with the chance of the recorded smartphone, bank account and NIB."""
    out = np.where(np.isnan(recorded), 0.0, recorded)
    pending = np.isnan(recorded)
    for _ in range(600):
        idx = np.flatnonzero(pending)
        if not len(idx):
            break
        part = t.take(idx)
        proposal = np.minimum(
            np.exp(part.revenue_mu + REVENUE_SIGMA * rng.normal(size=len(idx))), MAX_REVENUE
        )
        accept = rng.random(len(idx)) < _revenue_evidence(part, proposal)
        out[idx] = proposal
        pending[idx[accept]] = False
    return np.asarray(out, dtype=np.float64)


def _explained(build: _Build, name: str, seed: int, redraws: int = 12) -> float:
    """Var(E[gain | recorded profile]) / Var(gain) on the evaluation rows, E[. | profile] as
    the mean over redraws of the unrecorded parts given the recorded profile (less the
    finite-redraw part of its variance). Blank cells count as recorded (a blank is a value a
    model sees). As S/T's `_explained`."""
    rng = np.random.default_rng([seed, 99_034])
    rows = len(build.world.history)
    evaluation = np.arange(rows, len(build.traits.age))
    t = build.traits.take(evaluation)
    recorded = build.recorded_revenue[evaluation]
    draws = np.empty((redraws, len(evaluation)))
    for r in range(redraws):
        if name == "u":
            years = build.recorded_business_age[evaluation]
            eager, revenue = _posterior_u(rng, t, recorded, years)
            u = _unrecorded_u(rng, len(evaluation))
            u["eager"] = eager
            p0_r, up_r = _laws_u(t, u, revenue)
        else:
            revenue = _posterior_revenue_v(rng, t, recorded)
            p0_r, up_r = _laws_v(t, _unrecorded_v(rng, len(evaluation)), revenue)
        draws[r] = np.clip(p0_r + up_r, 0.0, 1.0) - p0_r
    within = float(draws.var(axis=0, ddof=1).mean())
    total = float(draws.var(axis=1).mean())
    return (float(draws.mean(axis=0).var()) - within / redraws) / total


def _by_province(rows: int, province: Ints, values: Floats) -> Floats:
    counts = np.bincount(province[:rows], minlength=len(_provinces().codes))
    sums = np.bincount(province[:rows], values[:rows], len(_provinces().codes))
    return np.asarray(sums / np.maximum(counts, 1), dtype=np.float64)


def _measure(name: str, seed: int, rows: int = 20_000) -> dict[str, float]:
    """The docstring's figures for one world and seed (generator arrays only, no model)."""
    build = (_build_u if name == "u" else _build_v)(rows, seed)
    hist = build.world.history
    mentored = hist["mentored"].to_numpy(bool)
    digital = hist["digitalized"].to_numpy(bool)
    true = np.clip(build.p0 + build.uplift, 0.0, 1.0) - build.p0
    evaluation = build.world.true_uplift
    assert evaluation is not None
    out = {
        "mean p0 (history)": float(build.p0[:rows].mean()),
        "mentored share": float(mentored.mean()),
        "digital rate, mentored": float(digital[mentored].mean()),
        "digital rate, not mentored": float(digital[~mentored].mean()),
        "mean true gain, mentored (history)": float(true[:rows][mentored].mean()),
        "mean true gain, all (evaluation)": float(evaluation.mean()),
        "share harmed (gain < 0, evaluation)": float((evaluation < 0).mean()),
        "share of the harmed group": float(build.harmed.mean()),
        "mean gain of the harmed group": float(true[build.harmed].mean()),
        "corr(gain, p0)": float(np.corrcoef(true, build.p0)[0, 1]),
    }
    out["naive gap - mean gain, mentored"] = (
        out["digital rate, mentored"]
        - out["digital rate, not mentored"]
        - out["mean true gain, mentored (history)"]
    )
    order = np.sort(evaluation)[::-1]
    out["mean gain, top 10% (evaluation)"] = float(order[: len(order) // 10].mean())
    t = build.traits
    by_province = _by_province(rows, t.province, mentored.astype(np.float64))
    counts = np.bincount(t.province[:rows], minlength=len(by_province))
    out["mentored share by province, min"] = float(by_province[counts >= 30].min())
    out["mentored share by province, max"] = float(by_province.max())
    out["provinces with < 2% mentored"] = float((by_province < 0.02).sum())
    out["provinces with > 45% mentored"] = float((by_province > 0.45).sum())
    row_share = by_province[t.province[:rows]]
    out["history rows in such provinces"] = float(((row_share < 0.02) | (row_share > 0.45)).mean())
    if name == "u":
        share = build.extra["peer share"]
        eager = build.extra["eager"]
        out["peer share, 10th pct (firms)"] = float(np.quantile(share, 0.1))
        out["peer share, 90th pct (firms)"] = float(np.quantile(share, 0.9))
        for label, lo, hi in (("< 0.2", 0.0, 0.2), ("0.2-0.35", 0.2, 0.35), (">= 0.35", 0.35, 1.0)):
            cell = (share >= lo) & (share < hi)
            out[f"firms, peer share {label}"] = float(cell.mean())
            out[f"mean gain, peer share {label}"] = float(true[cell].mean())
            out[f"mean p0, peer share {label}"] = float(build.p0[cell].mean())
        able = t.smartphone & (t.internet == 2) & (t.age < 60) & (t.revenue >= U_SMALL_SELLER)
        out["same profile (equipped), peer share < 0.2"] = float(true[able & (share < 0.2)].mean())
        out["same profile (equipped), peer share >= 0.35"] = float(
            true[able & (share >= 0.35)].mean()
        )
        out["mean eagerness, mentored"] = float(eager[:rows][mentored].mean())
        out["mean eagerness, not mentored"] = float(eager[:rows][~mentored].mean())
        blank = np.isnan(build.recorded_revenue[:rows])
        out["mentored share, revenue blank"] = float(mentored[blank].mean())
        out["mentored share, revenue told"] = float(mentored[~blank].mean())
        both = blank & np.isnan(build.recorded_business_age[:rows])
        out["both blank / product of the blank shares"] = float(
            both.mean() / (blank.mean() * np.isnan(build.recorded_business_age[:rows]).mean())
        )
    else:
        for label, lo, hi in (
            ("1", 1, 1),
            ("2", 2, 2),
            ("3-4", 3, 4),
            ("5-9", 5, 9),
            ("10+", 10, 10**6),
        ):
            cell = (t.workers >= lo) & (t.workers <= hi)
            out[f"firms, workers {label}"] = float(cell.mean())
            out[f"mean gain, workers {label}"] = float(true[cell & ~build.harmed].mean())
        pays = t.revenue >= V_BREAK_EVEN[t.sector]
        out["mean gain, below break-even (not harmed)"] = float(true[~pays & ~build.harmed].mean())
        out["mean gain, above break-even (not harmed)"] = float(true[pays & ~build.harmed].mean())
        out["harmed: mean p0"] = float(build.p0[build.harmed].mean())
        out["mean p0, pilot provinces"] = float(
            build.p0[np.isin(_provinces().codes[t.province], V_PILOT)].mean()
        )
        out["mean p0, no-programme provinces"] = float(
            build.p0[np.isin(_provinces().codes[t.province], V_NONE)].mean()
        )
    for column in hist.columns:
        out[f"blank {column}"] = float(hist[column].isna().mean())
    out["explained by the recorded profile"] = _explained(build, name, seed)
    return out


if __name__ == "__main__":
    import sys
    import time

    names = sys.argv[1:] or ["u", "v"]
    for world_name in names:
        table = pd.DataFrame({f"seed {s}": _measure(world_name, s) for s in range(3)})
        table["mean"] = table.mean(axis=1)
        print(f"world {world_name} (20,000 history rows, {EVAL_ROWS:,} evaluation rows)")
        print(table.round(4).to_string())
        for size in (5_000, 60_000):
            for seed in (0, 1):
                build = (_build_u if world_name == "u" else _build_v)(size, seed)
                problems = _contract_problems(build.world.history)
                verdict = "no problems" if not problems else "; ".join(problems[:5])
                print(f"contract, {size:,} rows, seed {seed}: {verdict}")
        start = time.perf_counter()
        (msme_reserve_u if world_name == "u" else msme_reserve_v)(200_000, 0)
        print(f"200,000 rows drawn in {time.perf_counter() - start:.1f} s\n")
