"""FORMERLY HELD IN RESERVE: these worlds were run once at every size on 2026-12-07 with the
default of that day (docs/results-log.md, 2026-12-07 "j"). Their scores are seen now, so they
are ordinary zoo worlds; a lever tuned on them must say so.

Two more MSME worlds, ``msme_reserve_w`` and ``msme_reserve_x``, written blind by a helper
session started for this purpose (not by whoever wrote the pipeline, the models or the other
worlds), on branch ``reserve-wx`` in its own worktree, on 2026-12-07. Not registered: the
maintainer registers them as U and V are (``zoo_worlds`` was not edited).

What was read, and nothing else of the project:
  * ``/work/shared/docs/domain.md`` and ``/work/shared/data/provinces_38.csv`` (each whole);
  * ``data/contract.py`` and ``data/reference.py`` (each whole);
  * ``benchmarks/zoo_reserve_uv_worlds.py`` (whole: the template; its population section, from
    the imports to ``_Build``, is copied here unchanged but for one comment and the unused
    ``replace`` import; its ``_contract_problems`` and ``_by_province`` unchanged; its
    ``_measure`` and ``__main__`` adapted; its ``_explained`` not used);
  * in ``benchmarks/zoo_worlds.py``: one ``grep -n`` for the three patterns ``^class World``,
    ``^EVAL_ROWS`` and ``^def _finish_msme`` (joined by ``\\|``; lines 100, 104, 145), then
    ``sed -n 100,114p`` (``EVAL_ROWS = 40_000`` and the ``World`` dataclass),
    ``sed -n 145,168p`` and ``sed -n 169,176p`` (``_finish_msme``: p1 = clip(p0 +
    uplift), mentored drawn from ``propensity``, the outcome from p1 or p0, ids from the
    family, the first ``n_history`` rows the history, the rest the evaluation without the two
    history columns, true uplift p1 - p0 of the evaluation rows; a ``lottery`` flag).
    SLIP (small, as the template's): ``sed -n 169,176p`` ran three lines past the body: the
    signature of ``msme_access(rows, seed, *, lottery=False)``, its docstring "Interactions and
    thresholds: mentoring works where access meets know-how." and its rng seed line
    (``default_rng(10_000 + seed)``); nothing of them is used here;
  * ``data/validation.py`` was not opened: ``_contract_problems`` is the template's, calling
    ``validate_frame(frame, "history")`` as the template does;
  * ``git worktree add`` printed the subject line of the HEAD commit (about the budget and
    minimum-share reason cases in tests); not followed up. No ``ls`` of any folder;
  * at run time: the numpy (2.4.6), pandas (2.3.3), ruff (0.17.6) and mypy (1.20.2) versions,
    ``nproc`` and the load average;
  * ``git add`` / ``git commit`` of this file only.

Nothing in ``models/``, ``training/``, ``service/``, ``allocation/``, ``tests/``, ``docs/``,
``benchmarks/results`` or any other benchmark module was read, no git history was looked at,
and no model, learner, probe, ceiling script or ``zoo.py`` was run on these worlds: only this
generator, the project's validator and numpy/pandas statistics on the generator's own arrays
("Measured" below). Run it from the worktree with ``PYTHONPATH=<worktree>:<worktree>/benchmarks``
and, outside ``/work/main``, ``UMKM_SHARED_DATA=/work/shared/data``.

Profile draw: U/V's ``_draw_traits`` (itself S/T's), copied so this file stands alone; all its
figures and ASSUMPTIONs are those of U/V's and S/T's docstrings: provinces by domain.md's
island shares and population, urban share from density, the Census 2016 sector mix, 64.5%
women CHOSEN, education at BPS IMK 2023 shares, workers mean about 1.9, lognormal revenue with
heaping, smartphone / internet / bank / NIB / training logistic. Both worlds draw offline firms
only (S/T's and V's convention): ``digital_status`` is ``offline`` in every row, ``cohort`` is
left out (X's cohorts are unrecorded), the evaluation population is ``EVAL_ROWS`` = 40,000
further rows of the same draw, and true effects are p1 - p0 with p1 clipped to [0, 1], as
``_finish_msme`` makes them.

Base rates (both worlds): mean p0 about 4.3% a year, CHOSEN between domain.md's two series for
offline firms going digital: Kemenkop's counts (15.2m in Sep 2021 to 20.8m in Dec 2022 of 64.2m
MSMEs) give roughly 10% of offline firms a year, BPS's stricter surveys (32.2% to 34.1% selling
online, 2021 to 2022) about 3%; it must also sit below domain.md's 4-10% success of mentoring.
Both worlds put the mentored's digital rate inside 4-10% (8-9%) and the extra over control at
a few points.

World W, "the courier's reach" (``msme_reserve_w``). Structural assumptions (all sizes
ASSUMPTION; directions from domain.md where it has them):
  * an UNRECORDED DISTANCE: hours from the firm to its province's courier hub (the capital),
    lognormal (sd 0.65) around a median of 1.3 h for rural firms x island factor (Jawa 0.8,
    Sumatera 1.0, Sulawesi 1.15, Bali-Nusa Tenggara 1.25, Kalimantan 1.3, Maluku-Papua 2.0:
    sea crossings and roads) x exp(-0.3 z(log10 density of the province)) (provinces_38.csv),
    and 0.35 h x sqrt(island factor) for urban firms. Median 0.53 h; 6% of firms 2.5 h or more;
  * the gain depends on WHAT THE SECTOR SHIPS x HOW FAR, with thresholds: food travels well
    within 1.2 h (logistic, width 0.25 h) and spoils beyond 2 h; light goods (fashion, craft)
    GAIN MORE WITH DISTANCE (0.3 + 0.7 min(h, 4) / 4: a thin local market, the city's buyers
    online) until no regular courier goes (6 h); beyond cash-on-delivery reach (2 h) a light
    goods seller needs a bank account for buyers' transfers (x 0.35 without: domain.md: 82% of
    online payments are cash on delivery); services gain near town (bookings, 1 h) and a
    quarter of that far; retail gains the same everywhere (small: resale competes with
    marketplaces); agri-processing until 3.5 h (wet goods: tempe, tofu, wet crackers); other
    manufacturing until 6 h. Peak gains by sector: food 0.11, trade 0.035, fashion and craft
    0.12, agri 0.065, services 0.075, other manufacturing 0.05; times access (smartphone 1,
    none 0.35; internet none 0.4, weak 0.85, good 1.05) and lognormal noise (sd 0.3);
  * p0 FALLS with distance (-0.45 per log hour, clipped), so in the distance dimension gain and
    base chance part: light goods gain 0.033 / 0.040 / 0.037 under 1 h / 1-2.5 h / 2.5 h+
    while their p0 is 0.056 / 0.019 / 0.010; retail gains 0.026 / 0.022 / 0.020 while its p0
    falls from 0.047 to 0.008. Within a sector gain and p0 still share the access terms
    (corr +0.20 light goods, +0.36 retail), and overall corr(gain, p0) is +0.41: near-town
    food and services have both. p0: logit -4.85 + 0.4 secondary + 0.3 diploma or more -
    0.025 per year of owner age + 0.25 urban + 0.25 infrastructure + 0.5 smartphone +
    internet (none -0.6, good +0.3) + sector (food +0.3, services and fashion +0.25, agri
    -0.3) + 0.2 for 2+ workers + 0.2 bank + 0.4 training - 0.45 log hours + 0.5 normal noise;
  * HARM: food sellers beyond 2 h and wet agri-processors beyond 3.5 h, listed online by the
    mentor, send orders that arrive spoilt or late; reviews and refunds put them off for the
    year: they lose 30-80% (uniform) of p0 and gain nothing. 1.8% of firms; as their p0 is low
    (about 1%) the harm is small (mean -0.006);
  * who is mentored: mentors travel out from the capital (HIDDEN CONFOUNDING through the
    unrecorded hours): logit -1.55 - 0.75 log(hours + 0.3) + a fixed per-province budget term
    normal(0, 0.4) + 0.5 NIB (the cooperative office's register) + 0.3 secondary + 0.35
    training + 0.3 for the flagship sectors (food and fashion: "kuliner dan fesyen"). The
    mentored sit at 0.72 times the hours of the others (median);
  * blanks, NOT AT RANDOM: firms over 2 hours out were interviewed by phone, which leaves the
    turnover blank far more often: revenue blank logit -3.0 + 1.5 (hours > 2) + 0.4 unbanked
    (3.7 times as often beyond 2 h; blank-revenue firms gain 0.87 times as much); business age
    blank by S/T's rule (more for old firms and older owners). Told revenue heaped as S/T.

World X, "star mentors and the marketplace push" (``msme_reserve_x``). Structural assumptions
(sizes ASSUMPTION):
  * the TREATMENT VARIES: a mentor's quality multiplies the gain. Each province has a pool
    (fixed lognormal, sd 0.2, Java's pools x 1.1), two unrecorded cohorts (2024-01, 40% of the
    mentored: experienced mentors x 1.15; 2024-07, 60%: the programme grew and hired new ones,
    x 0.8), and individual mentors lognormal around that (sd 0.4); scaled so that a mentor
    drawn at random averages 1 (domain.md: one mentor per 35-180 firms, so mentors differ);
  * MENTORS GIVEN TO EASY CASES: the office interviews applicants and ranks them on a score =
    readiness (unrecorded, standard normal) + 0.6 secondary + 0.4 smartphone + 0.3 urban + 0.3
    NIB + normal(0, 0.7) noise; within each province and cohort the best mentor goes to the
    best score. In the history a mentored firm's outcome comes from the mentor it HAD; the
    evaluation's true effect is the mean over 16 mentors drawn at random from the province's
    pool (cohort in the history's shares): the effect of being mentored next time. So the
    history overstates the gain of schooled, equipped firms (1.29 times their random-mentor
    gain) and understates it for the less schooled (0.94 times); the top quarter of the
    mentored by readiness had mentors 2.1 times as good as the bottom quarter;
  * the gain with a mentor of quality 1 is a product of THRESHOLDS: 0.115 x newness (business
    under 2 years 1, 2-5 years 0.6, older 0.3: a new firm is still finding customers, an
    established one has its regulars) x helper (an owner 55 or over working alone 0.35: nobody
    to run the phone; domain.md: age negative, one-person firms lag) x phone (none 0.3) x
    sector (food 1.15, fashion 1.1, craft and services 1.0, trade and agri 0.8, other
    manufacturing 0.7) x lognormal noise (sd 0.3);
  * the SIGN FLIPS for established owners who already use an e-wallet personally (unrecorded:
    logit -2.3 + 1.6 smartphone - 0.045 per year of age over 40 + 0.5 urban + 0.25 per
    education step + 0.4 bank - 0.35 women; 33% of offline owners; domain.md: digital payments
    men 38%, women 29%). They have the tools (0.6 of the gain) and, with a business of 3+
    years, would move their regulars to chat and QRIS on their own (p0 +0.9 on the logit;
    domain.md: 94% of online sellers sell through messaging apps, 21% on marketplaces); the
    programme's marketplace push (listing fees, commissions) stalls them: a loss of 2-30%
    (uniform) of p0, x clip(1.6 - 0.6 quality, 0.3, 1.6) (a good mentor adapts to chat
    selling). Of that group (26% of firms, mean p0 0.077) 24% are harmed: 6.2% of all firms,
    mean -0.012; in it corr(gain, p0) is -0.41, OPPOSITE to the baseline; overall -0.04;
  * p0: logit -4.95 + 0.4 secondary + 0.3 diploma or more - 0.02 per year of owner age + 0.25
    urban + 0.3 infrastructure + 0.35 smartphone + internet (none -0.6, good +0.3) + sector
    (food +0.3, services +0.25, fashion +0.2, agri -0.3) + 0.2 for 2+ workers + 0.2 bank + 0.35
    training + 0.9 e-wallet + 0.25 for a business under 3 years + 0.45 readiness + 0.35 noise;
  * who is mentored (HIDDEN CONFOUNDING through readiness and the e-wallet): logit -2.0 + 0.85
    readiness + 0.45 e-wallet (they saw the call on social media) + 0.4 NIB + 0.3 smartphone
    + 0.3 training + 0.25 women (the programme's target); readiness of the mentored +0.57, of
    the others -0.17; e-wallet users 1.34 times as common among the mentored;
  * blanks, NOT AT RANDOM and tied to the gain: new firms write "baru mulai" (just started)
    instead of a number: business age blank logit -3.3 + 1.9 (under 2 years) + 0.04 per year
    over 8, so a blank business age marks a firm that gains 1.5 times the average; revenue
    blank logit -3.0 + 1.3 (under 1 year: no average turnover yet) + 0.5 unbanked. Told
    revenue heaped as S/T.

How W and X differ from what came before (U/V's docstring lists S/T's and the zoo's: a step
where access meets know-how; opposite to the baseline; smooth and logit; an age-by-education
frontier; a sector-by-island table; a paperwork x turnover x phone gate; an unrecorded
social-media habit; S's province-dependent age hump; T's two of three ingredients; U's
saturating province x sector peer share with a capacity queue; V's workers hump x break-even
turnover, random harm and provinces without a programme). W's gain turns on an UNRECORDED
CONTINUOUS DISTANCE, with thresholds whose place and sign depend on the sector (food's gain
ends and turns to harm where light goods' gain is still rising), a distance x bank-account
interaction, and the same distance driving who is mentored and which turnovers are blank.
Overlap, said plainly: the sector-by-island table is kin (W's distance partly follows the
island group), and W's overall corr(gain, p0) is positive. X's novelty is a TREATMENT THAT
VARIES with the mentor, matched to the easiest cases, so the history's gains are not the
evaluation's; a sign flip for an unrecorded habit (personal e-wallet) on established firms, the
harmed having HIGH p0; and blanks that mark the firms that gain most. Overlap: U's harm also
fell on a recognisable group, and the e-wallet habit is kin to the earlier unrecorded
social-media habit.

Measured (``python benchmarks/zoo_reserve_wx_worlds.py``: 20,000 history rows and 40,000
evaluation rows, seeds 0 and 1, the mean of the two; 5,000 history rows in brackets where it
differs by more than rounding):

=====================================================  =================  =================
figure                                                 W                  X
=====================================================  =================  =================
mean p0 (history / evaluation)                         0.044 / 0.044      0.042 / 0.042
mentored share                                         0.209 (0.208)      0.233 (0.226)
mentored share by province, min / max                  0.08 / 0.33        0.15 / 0.31
digital rate, mentored                                 0.090 (0.086)      0.083 (0.097)
digital rate, not mentored                             0.041 (0.042)      0.036 (0.038)
mean p0, mentored / not mentored (history)             0.054 / 0.041      0.060 / 0.037
mean true gain among the mentored (history)            0.041              0.028
mean true gain, all (evaluation)                       0.037              0.028
share harmed (gain < 0, evaluation)                    0.018              0.062
mean gain of the harmed                                -0.006             -0.012
naive gap minus the mentored's mean gain               +0.008 (+0.003)    +0.019 (+0.030)
mean gain of the top 10% (evaluation)                  0.106              0.101
corr(true gain, p0) (evaluation)                       +0.41              -0.04
blank revenue (history)                                0.073 (0.079)      0.070 (0.070)
blank business age (history)                           0.045 (0.042)      0.063 (0.062)
blank in every other column                            0                  0
=====================================================  =================  =================

W by sector and hours (evaluation; gain / p0): food < 1 h 0.077 / 0.065, 1-2.5 h 0.020 /
0.022, 2.5 h+ -0.006 / 0.011; light goods 0.033 / 0.056, 0.040 / 0.019, 0.037 / 0.010; services
0.051 / 0.065, 0.021 / 0.024, 0.011 / 0.011; retail 0.026 / 0.047, 0.022 / 0.016, 0.020 /
0.008; agri and other manufacturing 0.042 / 0.036, 0.037 / 0.012, 0.017 / 0.007. Light goods
2-5 h out: banked 0.058, unbanked 0.020. X by business age (no e-wallet): under 2 years 0.068,
2-5 years 0.041, older 0.021; e-wallet users: new firms 0.050, established 0.009; the
mentored's gain with the mentor they had 0.028 against 0.027 with a random mentor; cohort
2024-01 0.035, 2024-07 0.023. The naive gap and the digital rates move by about a point
between seeds at 20,000 rows (a 20% mentored arm at an 8% rate). The histories keep the
contract (``validate_frame``: no problems) at 5,000 and 20,000 rows, seeds 0 and 1. 200,000
rows draw in about 1.5 s (W) and 1.8 s (X).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
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
# As U/V's (benchmarks/zoo_reserve_uv_worlds.py, itself S/T's with the factored `_phone_logit`,
# `_bank_logit`, `_nib_logit` and `_Traits.take`), copied unchanged so that this file stands
# alone.

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


# ------------------------------------------------------------------------------ world W

W_TAG, X_TAG = 34_071, 34_072
W_LAW_SEED = 20_261_220  # fixes the provinces' programme budgets (the law)
# ASSUMPTION: hours from the firm to its province's courier hub (the capital): lognormal around
# a median set by island group (sea crossings, roads) and, for rural firms, by how sparse the
# province is.
W_ISLAND_HOURS = {
    "Jawa": 0.8,
    "Sumatera": 1.0,
    "Sulawesi": 1.15,
    "Bali-Nusa Tenggara": 1.25,
    "Kalimantan": 1.3,
    "Maluku-Papua": 2.0,
}
W_RURAL_HOURS, W_URBAN_HOURS, W_HOURS_SD, W_SPARSE = 1.3, 0.35, 0.65, 0.3
# Reach of the courier network from the hub (hours): cash on delivery within W_COD_REACH, no
# regular courier beyond W_NO_COURIER (ASSUMPTION).
W_COD_REACH, W_NO_COURIER = 2.0, 6.0
W_FOOD_NEAR, W_FOOD_SPOILS = 1.2, 2.0  # food travels well within 1.2 h; spoils beyond 2 h
W_AGRI_SPOILS = 3.5  # wet processed crops (tempe, tofu, wet crackers) spoil beyond 3.5 h
# Peak gain by sector (ASSUMPTION), shaped by the hours below.
W_GAIN = np.array([0.11, 0.035, 0.12, 0.12, 0.065, 0.075, 0.05])


@cache
def _hours_median_w() -> tuple[Floats, Floats]:
    """Median hours to the courier hub for (rural, urban) firms of each province."""
    prov = _provinces()
    figures = province_figures().sort_values("province_code").reset_index(drop=True)
    density = np.log10(
        figures["population"].to_numpy(np.float64) / figures["area_km2"].to_numpy(np.float64)
    )
    island = np.array([W_ISLAND_HOURS[name] for name in prov.island])
    rural = W_RURAL_HOURS * island * np.exp(-W_SPARSE * _z(density))
    urban = W_URBAN_HOURS * np.sqrt(island)
    return np.asarray(rural, dtype=np.float64), np.asarray(urban, dtype=np.float64)


@cache
def _budget_w() -> Floats:
    """A fixed per-province term of the assignment logit (the provinces' programme budgets)."""
    rng = np.random.default_rng([W_LAW_SEED, 0])
    return np.asarray(rng.normal(0.0, 0.4, len(_provinces().codes)), dtype=np.float64)


def _unrecorded_w(rng: np.random.Generator, t: _Traits) -> dict[str, Floats]:
    n = len(t.age)
    rural, urban = _hours_median_w()
    median = np.where(t.urban, urban[t.province], rural[t.province])
    return {
        "hours": median * np.exp(rng.normal(0.0, W_HOURS_SD, n)),
        "p0": rng.normal(0.0, 1.0, n),
        "gain": rng.lognormal(-0.5 * 0.3**2, 0.3, n),
        "spoil": rng.uniform(0.3, 0.8, n),
    }


def _soft_below(x: Floats, cut: float, scale: float) -> Floats:
    """About 1 below `cut`, about 0 above it (a logistic step of width `scale`)."""
    return _sigmoid(np.asarray((cut - x) / scale, dtype=np.float64))


def _harmed_w(t: _Traits, hours: Floats) -> Flags:
    """Food and wet agri-processing sellers beyond the distance their goods survive: listed
    online by the mentor, their orders arrive spoilt or late, and the reviews and refunds put
    them off for the year."""
    return np.asarray(
        (t.in_sector(FOOD) & (hours > W_FOOD_SPOILS))
        | (t.in_sector(AGRI) & (hours > W_AGRI_SPOILS)),
        dtype=np.bool_,
    )


def _reach_w(t: _Traits, hours: Floats) -> Floats:
    """How far online selling pays, by sector and hours to the courier hub (before access)."""
    light = (0.3 + 0.7 * np.minimum(hours, 4.0) / 4.0) * np.where(
        (hours > W_COD_REACH) & ~t.bank, 0.35, 1.0
    )
    reach = np.select(
        [
            t.in_sector(FOOD),
            t.in_sector(FASHION, CRAFT),
            t.in_sector(SERVICES),
            t.in_sector(RETAIL),
            t.in_sector(AGRI),
        ],
        [
            _soft_below(hours, W_FOOD_NEAR, 0.25),
            light * _soft_below(hours, W_NO_COURIER, 0.4),
            0.25 + 0.75 * _soft_below(hours, 1.0, 0.3),
            np.ones(len(hours)),
            _soft_below(hours, W_AGRI_SPOILS, 0.5),
        ],
        default=_soft_below(hours, W_NO_COURIER, 0.4),
    )
    return np.asarray(W_GAIN[t.sector] * reach, dtype=np.float64)


def _laws_w(t: _Traits, u: dict[str, Floats]) -> tuple[Floats, Floats]:
    """World W's p0 and uplift."""
    hours = u["hours"]
    logit0 = (
        -4.85
        + 0.40 * (t.edu >= 2)
        + 0.30 * (t.edu >= 3)
        - 0.025 * (t.age - 45)
        + 0.25 * t.urban
        + 0.25 * t.infra
        + 0.50 * t.smartphone
        + _internet_effect(t.internet, -0.6, 0.0, 0.3)
        + _sector_effect(t.sector, {FOOD: 0.3, SERVICES: 0.25, FASHION: 0.25, AGRI: -0.3})
        + 0.20 * (t.workers >= 2)
        + 0.20 * t.bank
        + 0.40 * t.training
        - 0.45 * np.clip(np.log(hours), -1.5, 2.0)
        + 0.50 * u["p0"]
    )
    p0 = _sigmoid(logit0)
    access = np.where(t.smartphone, 1.0, 0.35) * _internet_effect(t.internet, 0.4, 0.85, 1.05)
    gain = _reach_w(t, hours) * access * u["gain"]
    uplift = np.where(_harmed_w(t, hours), -p0 * u["spoil"], gain)
    return p0, np.asarray(uplift, dtype=np.float64)


def _propensity_w(t: _Traits, hours: Floats) -> Floats:
    """Mentors travel out from the capital: near firms are visited more; the cooperative office
    puts forward firms on its register (NIB), the schooled and the trained, and the programme's
    flagship sectors (culinary and fashion)."""
    return _sigmoid(
        -1.55
        - 0.75 * np.log(hours + 0.3)
        + _budget_w()[t.province]
        + 0.50 * t.nib
        + 0.30 * (t.edu >= 2)
        + 0.35 * t.training
        + 0.30 * t.in_sector(FOOD, FASHION)
    )


def _revenue_blank_w(t: _Traits, hours: Floats) -> Floats:
    """Firms over 2 hours out were interviewed by phone, which leaves the turnover blank far
    more often; the unbanked leave it blank more often too."""
    return _sigmoid(-3.0 + 1.5 * (hours > 2.0) + 0.4 * ~t.bank)


def _business_age_blank(t: _Traits) -> Floats:
    """S/T's: about 5% blank, more for old firms ("sudah lama") and older owners."""
    return _sigmoid(-3.1 + 0.04 * (t.business_age - 8.0) + 0.02 * (t.age - 45))


def _build_w(rows: int, seed: int) -> _Build:
    rng = np.random.default_rng([seed, W_TAG])
    t = _draw_traits(rng, rows + EVAL_ROWS)
    n = len(t.age)
    u = _unrecorded_w(rng, t)
    p0, uplift = _laws_w(t, u)
    propensity = _propensity_w(t, u["hours"])
    revenue_blank = _revenue_blank_w(t, u["hours"])
    recorded = np.where(rng.random(n) < revenue_blank, np.nan, _heaped(t.revenue))
    business_age = np.where(rng.random(n) < _business_age_blank(t), np.nan, t.business_age)
    frame = t.frame(recorded, business_age)
    world = _finish_msme(
        frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_reserve_w"
    )
    harmed = _harmed_w(t, u["hours"])
    return _Build(
        world, t, p0, uplift, propensity, harmed, recorded, business_age, {"hours": u["hours"]}
    )


# ------------------------------------------------------------------------------ world X

X_LAW_SEED = 20_261_221  # fixes the provinces' mentor pools (the law)
X_PEAK = 0.115  # ASSUMPTION: gain of a new, equipped firm with an average mentor
X_SECTOR = np.array([1.15, 0.8, 1.1, 1.0, 0.8, 1.0, 0.7])
X_POOL_SD, X_JAVA_POOL = 0.2, 1.1  # provinces' mean mentor quality: lognormal, Java x 1.1
X_MENTOR_SD = 0.4  # individual mentors within a pool (log scale)
# Cohorts (unrecorded): the first wave's experienced mentors, the second wave's new recruits.
X_COHORTS = ("2024-01", "2024-07")
X_COHORT_QUALITY = np.array([1.15, 0.8])
X_COHORT_SHARE = np.array([0.4, 0.6])
X_INTERVIEW_SD = 0.7  # noise of the office's interview score around readiness
X_PUSH = (0.02, 0.3)  # share of p0 lost by an established e-wallet user pushed to a marketplace
X_EVAL_DRAWS = 16  # mentors drawn per evaluation firm to take the expected gain


@cache
def _pool_x() -> Floats:
    """Each province's mean mentor quality (fixed; Java's pools 10% better)."""
    prov = _provinces()
    rng = np.random.default_rng([X_LAW_SEED, 0])
    pool = np.exp(rng.normal(0.0, X_POOL_SD, len(prov.codes)))
    pool = pool * np.where(prov.island == "Jawa", X_JAVA_POOL, 1.0)
    # Scaled so that a mentor drawn at random (firm-weighted, cohort in its share) averages 1.
    scale = float(np.sum(prov.weight * pool) * np.sum(X_COHORT_SHARE * X_COHORT_QUALITY))
    return np.asarray(pool / scale, dtype=np.float64)


def _ewallet_x(rng: np.random.Generator, t: _Traits) -> Flags:
    """Whether the owner uses an e-wallet personally (unrecorded): about a third of offline
    owners, more for the young, urban, schooled and banked, fewer women (domain.md: digital
    payments men 38%, women 29%)."""
    logit = (
        -2.3
        + 1.6 * t.smartphone
        - 0.045 * (t.age - 40)
        + 0.5 * t.urban
        + 0.25 * t.edu
        + 0.4 * t.bank
        - 0.35 * t.female
    )
    return np.asarray(rng.random(len(t.age)) < _sigmoid(logit), dtype=np.bool_)


def _unrecorded_x(rng: np.random.Generator, t: _Traits) -> dict[str, Floats]:
    n = len(t.age)
    return {
        "ready": rng.normal(0.0, 1.0, n),
        "p0": rng.normal(0.0, 1.0, n),
        "ewallet": _ewallet_x(rng, t).astype(np.float64),
        "gain": rng.lognormal(-0.5 * 0.3**2, 0.3, n),
        "push": rng.uniform(*X_PUSH, n),
    }


def _mentor_quality(rng: np.random.Generator, province: Ints, cohort: Ints) -> Floats:
    """Quality of a mentor drawn from a province's pool in a cohort (mean about 1)."""
    spread = rng.lognormal(-0.5 * X_MENTOR_SD**2, X_MENTOR_SD, len(province))
    return np.asarray(_pool_x()[province] * X_COHORT_QUALITY[cohort] * spread, dtype=np.float64)


def _p0_x(t: _Traits, u: dict[str, Floats]) -> Floats:
    return _sigmoid(
        -4.95
        + 0.40 * (t.edu >= 2)
        + 0.30 * (t.edu >= 3)
        - 0.020 * (t.age - 45)
        + 0.25 * t.urban
        + 0.30 * t.infra
        + 0.35 * t.smartphone
        + _internet_effect(t.internet, -0.6, 0.0, 0.3)
        + _sector_effect(t.sector, {FOOD: 0.3, SERVICES: 0.25, FASHION: 0.2, AGRI: -0.3})
        + 0.20 * (t.workers >= 2)
        + 0.20 * t.bank
        + 0.35 * t.training
        + 0.90 * u["ewallet"]
        + 0.25 * (t.business_age < 3)
        + 0.45 * u["ready"]
        + 0.35 * u["p0"]
    )


def _base_gain_x(t: _Traits, u: dict[str, Floats]) -> Floats:
    """The gain with a mentor of quality 1: new firms (still finding customers) gain most, an
    older owner working alone has nobody to run the phone, and a phone is needed."""
    newness = np.select([t.business_age < 2, t.business_age < 5], [1.0, 0.6], default=0.3)
    helper = np.where((t.age >= 55) & (t.workers == 1), 0.35, 1.0)
    phone = np.where(t.smartphone, 1.0, 0.3)
    return np.asarray(
        X_PEAK * newness * helper * phone * X_SECTOR[t.sector] * u["gain"], dtype=np.float64
    )


def _established_ewallet_x(t: _Traits, u: dict[str, Floats]) -> Flags:
    return np.asarray((u["ewallet"] > 0) & (t.business_age >= 3), dtype=np.bool_)


def _uplift_x(t: _Traits, u: dict[str, Floats], p0: Floats, quality: Floats) -> Floats:
    """World X's uplift with a mentor of this quality. E-wallet users already have the tools
    (0.6 of the gain); an established one would have moved its regulars to chat and QRIS on
    its own, and the programme's marketplace push (listing fees, commissions) stalls it: a loss
    of a share of p0 that a better mentor, who adapts to chat selling, softens."""
    ewallet = u["ewallet"] > 0
    gain = _base_gain_x(t, u) * quality * np.where(ewallet, 0.6, 1.0)
    softened = np.clip(1.6 - 0.6 * quality, 0.3, 1.6)
    loss = np.minimum(u["push"] * softened, 0.95) * p0
    return np.asarray(gain - np.where(_established_ewallet_x(t, u), loss, 0.0), dtype=np.float64)


def _assign_x(
    rng: np.random.Generator, t: _Traits, u: dict[str, Floats], rows: int
) -> tuple[Floats, Ints, Floats]:
    """Who is mentored in the history (0/1), their cohort (-1: not mentored) and interview
    score: the office selects on an interview (readiness, unrecorded) and recorded columns, and
    within each province and cohort gives the best mentors to the highest interview scores
    (readiness, schooling, a phone, a town address and an NIB: the look of an easy case)."""
    n = len(t.age)
    score = (
        u["ready"]
        + 0.6 * (t.edu >= 2)
        + 0.4 * t.smartphone
        + 0.3 * t.urban
        + 0.3 * t.nib
        + rng.normal(0.0, X_INTERVIEW_SD, n)
    )
    chance = _sigmoid(
        -2.0
        + 0.85 * u["ready"]
        + 0.45 * u["ewallet"]
        + 0.40 * t.nib
        + 0.30 * t.smartphone
        + 0.30 * t.training
        + 0.25 * t.female
    )
    mentored = np.zeros(n, dtype=np.float64)
    mentored[:rows] = rng.random(rows) < chance[:rows]
    cohort = np.where(mentored > 0, rng.choice(2, n, p=X_COHORT_SHARE), -1).astype(np.int64)
    return mentored, cohort, score


def _matched_quality_x(rng: np.random.Generator, t: _Traits, cohort: Ints, score: Floats) -> Floats:
    """The history's mentors: per province and cohort, drawn from the pool and given out in
    order of the interview score (the best mentor to the most promising firm)."""
    quality = np.zeros(len(cohort))
    mentored = np.flatnonzero(cohort >= 0)
    draws = _mentor_quality(rng, t.province[mentored], cohort[mentored])
    quality[mentored] = draws
    group = t.province[mentored] * len(X_COHORTS) + cohort[mentored]
    for g in np.unique(group):
        idx = mentored[group == g]
        by_score = idx[np.argsort(-score[idx], kind="stable")]
        quality[by_score] = np.sort(quality[idx])[::-1]
    return np.asarray(quality, dtype=np.float64)


def _expected_uplift_x(
    rng: np.random.Generator, t: _Traits, u: dict[str, Floats], p0: Floats
) -> Floats:
    """The uplift of a firm given a mentor at random from its province's pool (the cohort at
    random, in the history's shares): the mean over X_EVAL_DRAWS mentors."""
    total = np.zeros(len(p0))
    for _ in range(X_EVAL_DRAWS):
        cohort = rng.choice(2, len(p0), p=X_COHORT_SHARE).astype(np.int64)
        quality = _mentor_quality(rng, t.province, cohort)
        total += np.clip(p0 + _uplift_x(t, u, p0, quality), 0.0, 1.0) - p0
    return np.asarray(total / X_EVAL_DRAWS, dtype=np.float64)


def _revenue_blank_x(t: _Traits) -> Floats:
    """Firms under a year old do not know their average turnover yet; the unbanked leave it
    blank more often."""
    return _sigmoid(-3.0 + 1.3 * (t.business_age < 1) + 0.5 * ~t.bank)


def _business_age_blank_x(t: _Traits) -> Floats:
    """New firms write "baru mulai" (just started) instead of a number: blank far more often
    under 2 years; old firms ("sudah lama") a little more often."""
    return _sigmoid(-3.3 + 1.9 * (t.business_age < 2) + 0.04 * np.maximum(t.business_age - 8, 0))


def _build_x(rows: int, seed: int) -> _Build:
    rng = np.random.default_rng([seed, X_TAG])
    t = _draw_traits(rng, rows + EVAL_ROWS)
    n = len(t.age)
    u = _unrecorded_x(rng, t)
    p0 = _p0_x(t, u)
    mentored, cohort, score = _assign_x(rng, t, u, rows)
    quality = _matched_quality_x(rng, t, cohort, score)
    expected = _expected_uplift_x(rng, t, u, p0)
    # History's mentored firms: the uplift with the mentor they had; every other row: expected.
    uplift = np.where(cohort >= 0, _uplift_x(t, u, p0, quality), expected)
    recorded = np.where(rng.random(n) < _revenue_blank_x(t), np.nan, _heaped(t.revenue))
    business_age = np.where(rng.random(n) < _business_age_blank_x(t), np.nan, t.business_age)
    frame = t.frame(recorded, business_age)
    world = _finish_msme(
        frame, p0, uplift, mentored, rng=rng, n_history=rows, family="msme_reserve_x"
    )
    return _Build(
        world,
        t,
        p0,
        np.asarray(uplift, dtype=np.float64),
        mentored,
        _established_ewallet_x(t, u),
        recorded,
        business_age,
        {
            "ewallet": u["ewallet"],
            "ready": u["ready"],
            "quality": quality,
            "cohort": cohort.astype(np.float64),
            "expected": expected,
        },
    )


# ------------------------------------------------------------------------------ public


def msme_reserve_w(rows: int, seed: int) -> World:
    """World W: a gain set by the (unrecorded) hours to the courier hub and by what the sector
    sells (food spoils beyond reach, light goods gain with distance until couriers stop), with
    mentors who visit the near firms, and turnover left blank by phone interviews of far ones."""
    return _build_w(rows, seed).world


def msme_reserve_x(rows: int, seed: int) -> World:
    """World X: mentors of uneven quality given to the easiest cases, a gain for new firms
    that flips to a loss for established owners who already use e-wallets, and business ages
    left blank by new firms."""
    return _build_x(rows, seed).world


# ------------------------------------------------------------------------------ measurements


def _contract_problems(frame: pd.DataFrame) -> list[str]:
    """Where a history breaks the data contract, as the project's validator reports it; empty
    when it keeps the contract (S/T's, unchanged)."""
    from data.validation import validate_frame

    result = validate_frame(frame, "history")
    return [str(problem) for problem in result.problems] + (
        [f"{len(result.rejected)} rows rejected"] if len(result.rejected) else []
    )


def _by_province(rows: int, province: Ints, values: Floats) -> Floats:
    counts = np.bincount(province[:rows], minlength=len(_provinces().codes))
    sums = np.bincount(province[:rows], values[:rows], len(_provinces().codes))
    return np.asarray(sums / np.maximum(counts, 1), dtype=np.float64)


def _measure(name: str, seed: int, rows: int = 20_000) -> dict[str, float]:
    """The docstring's figures for one world and seed (generator arrays only, no model)."""
    build = (_build_w if name == "w" else _build_x)(rows, seed)
    hist = build.world.history
    mentored = hist["mentored"].to_numpy(bool)
    digital = hist["digitalized"].to_numpy(bool)
    true = np.clip(build.p0 + build.uplift, 0.0, 1.0) - build.p0
    evaluation = build.world.true_uplift
    assert evaluation is not None
    p0_eval = build.p0[rows:]
    out = {
        "mean p0 (history)": float(build.p0[:rows].mean()),
        "mean p0 (evaluation)": float(p0_eval.mean()),
        "mentored share": float(mentored.mean()),
        "digital rate, mentored": float(digital[mentored].mean()),
        "digital rate, not mentored": float(digital[~mentored].mean()),
        "mean p0, mentored (history)": float(build.p0[:rows][mentored].mean()),
        "mean p0, not mentored (history)": float(build.p0[:rows][~mentored].mean()),
        "mean true gain, mentored (history)": float(true[:rows][mentored].mean()),
        "mean true gain, all (evaluation)": float(evaluation.mean()),
        "share harmed (gain < 0, evaluation)": float((evaluation < 0).mean()),
        "mean gain of the harmed (evaluation)": float(evaluation[evaluation < 0].mean()),
        "share of the harm group (evaluation)": float(build.harmed[rows:].mean()),
        "corr(gain, p0) (evaluation)": float(np.corrcoef(evaluation, p0_eval)[0, 1]),
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
    te = t.take(np.arange(rows, len(t.age)))
    if name == "w":
        hours = build.extra["hours"]
        he = hours[rows:]
        out["hours to hub, median (evaluation)"] = float(np.median(he))
        out["hours > 2.5, share (evaluation)"] = float((he > 2.5).mean())
        out["hours, mentored / not, median (history)"] = float(
            np.median(hours[:rows][mentored]) / np.median(hours[:rows][~mentored])
        )
        for label, codes in (
            ("food", (FOOD,)),
            ("fashion+craft", (FASHION, CRAFT)),
            ("services", (SERVICES,)),
            ("retail", (RETAIL,)),
            ("agri+other", (AGRI, OTHER_MANUF)),
        ):
            sector = te.in_sector(*codes)
            for band, lo, hi in (
                ("< 1 h", 0.0, 1.0),
                ("1-2.5 h", 1.0, 2.5),
                (">= 2.5 h", 2.5, 1e9),
            ):
                cell = sector & (he >= lo) & (he < hi)
                out[f"{label}, {band}: firms"] = float(cell.mean())
                out[f"{label}, {band}: gain"] = float(evaluation[cell].mean())
                out[f"{label}, {band}: p0"] = float(p0_eval[cell].mean())
        for label, codes in (("fashion+craft", (FASHION, CRAFT)), ("retail", (RETAIL,))):
            sector = te.in_sector(*codes)
            out[f"corr(gain, p0), {label} (evaluation)"] = float(
                np.corrcoef(evaluation[sector], p0_eval[sector])[0, 1]
            )
        light = te.in_sector(FASHION, CRAFT) & (he > 2.0) & (he < 5.0)
        out["light goods 2-5 h, banked: gain"] = float(evaluation[light & te.bank].mean())
        out["light goods 2-5 h, unbanked: gain"] = float(evaluation[light & ~te.bank].mean())
        blank = np.isnan(build.recorded_revenue[:rows])
        out["blank revenue, hours > 2 / <= 2"] = float(
            blank[hours[:rows] > 2.0].mean() / blank[hours[:rows] <= 2.0].mean()
        )
        out["mean gain, revenue blank / told (evaluation)"] = float(
            evaluation[np.isnan(build.recorded_revenue[rows:])].mean()
            / evaluation[~np.isnan(build.recorded_revenue[rows:])].mean()
        )
    else:
        ewallet = build.extra["ewallet"] > 0
        ready = build.extra["ready"]
        quality = build.extra["quality"]
        expected = build.extra["expected"]
        ee = ewallet[rows:]
        established = build.harmed[rows:]
        out["e-wallet users (evaluation)"] = float(ee.mean())
        out["e-wallet users, mentored / not (history)"] = float(
            ewallet[:rows][mentored].mean() / ewallet[:rows][~mentored].mean()
        )
        out["mean gain, no e-wallet (evaluation)"] = float(evaluation[~ee].mean())
        out["mean gain, e-wallet, new firm (evaluation)"] = float(
            evaluation[ee & ~established].mean()
        )
        out["mean gain, e-wallet, established (evaluation)"] = float(evaluation[established].mean())
        out["mean p0, e-wallet, established (evaluation)"] = float(p0_eval[established].mean())
        out["share harmed among established e-wallet users"] = float(
            (evaluation[established] < 0).mean()
        )
        out["corr(gain, p0), e-wallet users (evaluation)"] = float(
            np.corrcoef(evaluation[ee], p0_eval[ee])[0, 1]
        )
        out["corr(gain, p0), established e-wallet users (evaluation)"] = float(
            np.corrcoef(evaluation[established], p0_eval[established])[0, 1]
        )
        for band, lo, hi in (("< 2 y", 0, 2), ("2-5 y", 2, 5), (">= 5 y", 5, 1e9)):
            cell = (te.business_age >= lo) & (te.business_age < hi) & ~ee
            out[f"no e-wallet, business age {band}: gain"] = float(evaluation[cell].mean())
        out["readiness, mentored (history)"] = float(ready[:rows][mentored].mean())
        out["readiness, not mentored (history)"] = float(ready[:rows][~mentored].mean())
        out["mentor quality of the mentored, mean"] = float(quality[:rows][mentored].mean())
        top = mentored & (ready[:rows] > np.quantile(ready[:rows][mentored], 0.75))
        bottom = mentored & (ready[:rows] < np.quantile(ready[:rows][mentored], 0.25))
        out["mentor quality, top / bottom readiness quarter"] = float(
            quality[:rows][top].mean() / quality[:rows][bottom].mean()
        )
        out["mean expected gain, mentored (history)"] = float(expected[:rows][mentored].mean())
        schooled = t.edu[:rows] >= 2
        for label, group in (("secondary+", schooled), ("less schooled", ~schooled)):
            cell = mentored & group
            out[f"mentored {label}: had / random-mentor gain"] = float(
                true[:rows][cell].mean() / expected[:rows][cell].mean()
            )
        cohort = build.extra["cohort"][:rows]
        for c, label in enumerate(X_COHORTS):
            out[f"mean true gain, mentored in cohort {label}"] = float(
                true[:rows][cohort == c].mean()
            )
        age_blank = np.isnan(build.recorded_business_age[rows:])
        out["mean gain, business age blank / told (evaluation)"] = float(
            evaluation[age_blank].mean() / evaluation[~age_blank].mean()
        )
    for column in hist.columns:
        out[f"blank {column}"] = float(hist[column].isna().mean())
    return out


if __name__ == "__main__":
    import sys
    import time

    names = sys.argv[1:] or ["w", "x"]
    for world_name in names:
        build_world = _build_w if world_name == "w" else _build_x
        for size in (5_000, 20_000):
            table = pd.DataFrame({f"seed {s}": _measure(world_name, s, size) for s in (0, 1)})
            table["mean"] = table.mean(axis=1)
            print(f"world {world_name} ({size:,} history rows, {EVAL_ROWS:,} evaluation rows)")
            print(table.round(4).to_string())
            for seed in (0, 1):
                problems = _contract_problems(build_world(size, seed).world.history)
                verdict = "no problems" if not problems else "; ".join(problems[:5])
                print(f"contract, {size:,} rows, seed {seed}: {verdict}")
        start = time.perf_counter()
        (msme_reserve_w if world_name == "w" else msme_reserve_x)(200_000, 0)
        print(f"200,000 rows drawn in {time.perf_counter() - start:.1f} s\n")
