"""FORMERLY HELD IN RESERVE: these worlds were run once at every size with the default on
2026-12-07 (docs/results-log.md, 2026-12-07 "g"). Their scores are seen now, so they are
ordinary zoo worlds; a lever tuned on them must say so.

Two more MSME worlds, ``msme_reserve_s`` and ``msme_reserve_t``, written blind by a helper
session started for this purpose (not by whoever wrote the pipeline, the models or the other
worlds), on branch ``reserve-st`` in its own worktree, on 2026-12-07. The maintainer registered
them in ``zoo_worlds`` (``FAMILIES``, ``MSME_FAMILIES``, ``HELD_OUT``) unrun.

What was read, and nothing else of the project:
  * ``../shared/docs/domain.md`` (all of it), ``data/contract.py``, ``data/reference.py`` and
    ``../shared/data/provinces_38.csv`` (each whole, after a ``wc -l`` of the four);
  * ``ls benchmarks/`` (file names only);
  * ``pyproject.toml``: a ``sed`` from ``[tool.ruff]`` to the next other section, which printed
    lines 110-165 (ruff's settings, ignores and per-file ignores, the mypy section and its
    override for ``locustfile_service``), and a ``grep -n`` of the section headers: SLIP
    (small), the names and line numbers of the other headers (``project``, ``dependency-groups``,
    ``tool.hatch...``, ``tool.uv``, ``tool.pytest.ini_options`` and so on), nothing inside them;
  * in ``benchmarks/zoo_worlds.py``: ``sed -n`` of lines 86-103 (``EVAL_ROWS = 40_000``, the
    ``World`` dataclass, the section comment) and 131-159 (``_finish_msme``). To find them I
    grepped the top-level ``def``/``class``/constant lines of the whole file: SLIP (small), this
    showed the first line of every top-level definition: the names ``_profiles``, ``_island``,
    ``_education_level``, ``msme_access`` and ``msme_against`` (``rows, seed, *, lottery``),
    ``msme_smooth``, ``msme_logit``, ``simulator``, ``_generic``, ``nie_wager(mode, family)``,
    ``cm_classification``, ``_outside(module, name)``, ``MSME_FAMILIES`` and
    ``HELD_OUT = ("msme_reserve_q", "msme_reserve_r")``; no body of any of them;
  * in ``benchmarks/zoo_reserve_qr_worlds.py``: lines 1-90 (its author's reads, which describe
    ``msme_access`` and world O, its shared profile draw and baseline logit), ``wc -l`` (773),
    a ``grep -n`` for ``msme_reserve_q`` / ``_contract_problems`` / ``__main__``, and lines
    648-773: ``msme_reserve_q`` and ``msme_reserve_r`` (one-line docstrings: Q "mentoring as
    payment onboarding, gated by paperwork, turnover and a phone", R "an online application
    form, social-media natives and uneven mentor load"), ``_contract_problems`` (its body
    copied here), and, lying between it and ``__main__``, ``_segments`` and ``_measure`` (the
    names of Q/R's segments and of their helpers ``_harmed_q``, ``_laws_q``, ``_unrecorded_q``
    and so on, and the redraw form of the "explained" figure, which ``_explained`` here
    follows);
  * ``data/validation.py``: ``grep -n "def validate_frame"`` and ``sed -n 184,228p``: SLIP
    (small), meant to show the signature and docstring only, it also showed the first 30 lines
    of the body (header mapping, ``resolve_kind``, ``parse_column``, ``faulty_cells``); nothing
    of it is used here beyond calling ``validate_frame(frame, "history")``;
  * at run time: the numpy, pandas, ruff and mypy versions; the columns, dtypes and island
    names of ``province_figures()``; mypy's ``reveal_type`` of ``_finish_msme`` on a temporary
    copy of this file (deleted), to see that ``zoo_worlds`` resolves for type checking;
  * SLIP (small): ``ls /tmp/s33/`` (looking for a ``shared`` folder beside the worktree, which
    ``data.reference`` looks for by default) showed the names of other sessions' scratch files
    there (``zoo-reserve-qr.jsonl``, ``ceiling-qr.txt``, ``proof_*.txt``, ``wt-*`` worktrees and
    so on), and ``ls -a`` of the worktree root showed its top-level names; none was opened;
  * ``git worktree add`` (as briefed) and, at the end, ``git status --short`` / ``git add`` /
    ``git commit`` of this file only. SLIP (small): a ``git -C /work/main status --short`` and
    ``branch --show-current``, to see that main was untouched, showed the name of one untracked
    file there (``benchmarks/results/override-probe-2026-12-07-tree-settings.txt``), not opened.

Nothing in ``models/``, ``training/``, ``service/``, ``tests/``, ``docs/``,
``benchmarks/results`` or any other world module was read, no git history was looked at, and no
model, learner, probe or ``zoo.py`` was run on these worlds: only this generator, the project's
validator and numpy/pandas statistics on the generator's own arrays ("Measured" below). Run it
from the worktree with ``PYTHONPATH=<worktree>:<worktree>/benchmarks`` and, outside
``/work/main``, ``UMKM_SHARED_DATA=/work/shared/data``.

Shared profile draw (``_draw_traits``), offline MSMEs only (the mentoring target; domain.md: 87%
offline in 2020), so ``digital_status`` is ``offline`` in every row. ``cohort`` (optional and
history-only) is left out: world S's two cohorts are therefore invisible, as in an export that
dropped the column.
  * province: domain.md's island shares (Economic Census 2016: Java 60.7%, Sumatra 18.6%,
    Sulawesi 8.1%, Bali-Nusa Tenggara 5.6%, Kalimantan 5.0%, Maluku-Papua 1.8%), within an
    island by province population (``provinces_38.csv``, civil registry 2024): ASSUMPTION, as
    domain.md asks;
  * urban: ASSUMPTION, logit = -2.32 + 0.866 log10(persons per km2) by province (Jawa Barat
    60%, Sumatera Utara 43%, Papua Selatan 15%), set by hand for DKI Jakarta (100%),
    Kepulauan Riau (80%) and Kalimantan Timur (60%); about 52% of firms urban;
  * a province "infrastructure" index (ASSUMPTION): 0.6 x z(log density) + an island term (Jawa
    +0.5 .. Maluku-Papua -0.8), +0.6 Bali, +0.4 Kepri, +0.3 Kaltim, standardised over firms;
  * sector: domain.md's Census 2016 non-farm mix (trade 46.2, food 16.7, manufacturing 16.5,
    rest 20.6 -> services); manufacturing split by ASSUMPTION (fashion 4.5, agri-processing 5.0,
    craft 3.5, other 3.5); tilted by area by ASSUMPTION (rural agri-processing x2.2, craft x1.3,
    services x0.75; urban agri-processing x0.35, services and fashion x1.2);
  * owner gender: domain.md's figures conflict (64.5% women, 2021 claim; 49.4%, 2024
    registry): the 64.5% is CHOSEN (offline micro firms are the most female part), reached by
    an ASSUMPTION by sector (food 78%, fashion 75%, trade 71% .. other manufacturing 30%);
    measured 64%;
  * owner age: 18 + gamma(6, 4.5), at most 85: mean 44.5, sd 11 (ASSUMPTION);
  * education: domain.md's BPS IMK 2023 shares (48.6 / 20.2 / 26.6 / 4.7; the 4.7 split 1.7
    diploma and 3.0 bachelor or higher by ASSUMPTION), cut at those shares from a latent that
    younger, urban, Java, services and fashion owners have higher (ASSUMPTION);
  * workers: ASSUMPTION, 1 (62%), 2 (22%), 3, 4, 5-9, 10-19, 20-60 for trade and services, fewer
    one-person firms (50%) in food and manufacturing: mean 1.98 (domain.md: about 1.7 per micro
    firm; BPS's small firms, 5-19 workers, are in the population too);
  * monthly revenue: ASSUMPTION, lognormal with median Rp1.75m x workers^0.75 x sector x e^0.28
    urban x e^0.12 Java x e^0.07 per education step, sigma 0.9: mean Rp6.0m a month (Rp72m a
    year; domain.md: micro average Rp76m a year), median Rp3.4m; told to the nearest Rp100k
    below Rp2m, 500k below 10m, 1m below 50m, 5m above (heaping);
  * business age: ASSUMPTION, gamma(1.4, 6) years, at most owner age - 15, whole years from 2 up
    and months below; blank for about 4.5% (more for old firms and older owners);
  * smartphone (68%), internet at the business (none / weak / good: urban 7/26/67%, rural
    20/44/36%, worse where the infrastructure index is low; domain.md gives 76% urban / 59%
    rural internet use for persons), bank account (48%; domain.md's "88% have no bank credit" is
    not about accounts), NIB (15%), prior digital training (8%): logistic in age, education,
    area, revenue and each other, all ASSUMPTION.

World S, "the moving hump" (``msme_reserve_s``). Structural assumptions:
  * p0: logit -4.6 + 0.4 secondary + 0.3 diploma or more - 0.028 per year of age + 0.3 urban
    + 0.35 ecosystem + 0.5 smartphone + internet (none -0.7, good +0.35) + sector (food +0.3,
    services and fashion +0.2, agri-processing -0.25) + 0.25 for 2+ workers + 0.2 bank + 0.2
    NIB + 0.5 training - 0.05 women + 0.3 in the second cohort (adoption rose between cohorts:
    domain.md's 23.9% in 2021 to 27 million in 2023) + normal(0, 0.5) unrecorded; mean about
    5% (ASSUMPTION: "a few percent a year", between BPS's 2 points a year and the ministry's
    counts). Directions from domain.md, sizes ASSUMPTION;
  * gain: a hump in owner age whose PEAK MOVES with the province's digital ecosystem (the
    infrastructure index + 0.6 x a fixed province term, standardised; part of the law, the
    same for every seed): peak = 39 + 8 x ecosystem, within 27-56, width sd 9 years. Where
    couriers, marketplace sellers and QRIS agents are thick (Java), young owners go digital
    alone and mentoring helps the middle-aged who have the customers but not the habit; where
    they are thin (eastern provinces, most of Sumatra and Kalimantan), only young owners can
    use what they are shown. Size 0.19 x hump x (0.45 without smartphone) x (0.5 with no
    internet) x (0.8 primary or less) x lognormal noise (sd 0.4, mean 1). Neither age nor
    province alone carries much of it: the two cells in Measured below;
  * harm, HEAVY-TAILED, for a recognisable group: food and services firms already equipped
    (smartphone, good internet, bank account or prior training; about 8% of firms). The
    programme's marketplace-first course talks them out of the WhatsApp orders or QRIS they
    were about to take up: their gain is 0.15 x the above minus p0 x min(0.95, 0.2 x (1 +
    Lomax(1.3))), so most lose a little and a tail loses nearly all of its base chance;
  * who is mentored: the programme CHANGED ITS TARGETING HALFWAY. Half the history (unrecorded
    cohort 1) was listed from the cooperative office's register: logit -2.75 + 1.3 NIB + 0.7
    bank + 0.5 urban + 0.35 log revenue + 0.4 Java + 0.3 for 2+ workers; after an audit,
    cohort 2 went to the left-behind: logit -1.9 + 0.8 rural + 0.5 primary or less + 0.4 women
    + 0.025 per year of age - 0.5 ecosystem - 0.9 NIB + 0.3 agri-processing or craft. The two
    rules point in opposite directions on the same columns, and cohort 2 also had the higher
    baseline; the evaluation population is under cohort 2's (the current) baseline. All
    ASSUMPTION;
  * blanks: revenue blank for about 10% (rural, no bank account, older owners), at random given
    those.

World T, "the missing ingredient" (``msme_reserve_t``). Structural assumptions:
  * three ingredients, each held by about two thirds of firms: a device (``has_smartphone``),
    time (owner under 49) and a market (TRUE turnover at least Rp2.2m a month). Mentoring
    supplies one missing ingredient: the gain is 0.15 where EXACTLY TWO are held, 0.03 where
    one, 0.025 where all three (they would go alone) and 0 where none, x internet (none 0.4,
    weak 0.9, good 1.1) x lognormal noise (sd 0.45). With shares near 2/3 and weak
    correlations, no ingredient matters much alone (Measured: the gaps by each alone are a
    few tenths of the 15-point gain); only their combination does. Sizes ASSUMPTION;
  * harm (mild, not heavy-tailed): firms with all three and prior training lose 1 + 2 x
    exponential(1) points (the course's schedule delays what they would do sooner): about 4%;
  * the turnover is MISREPORTED: told = true x lognormal(-0.22, 0.5) (under-reported, tax
    fear), 3% write the year's turnover in the monthly column, heaped as above, and blank for
    about 12%, NOT at random: more often by the better-off, the unbanked and rural firms. The
    gain and p0 follow the true turnover; the records hold only the told one (correlation of
    logs about 0.84 where told). All ASSUMPTION;
  * p0: logit -4.7 + 0.55 smartphone + 0.03 per year younger than 45 + 0.4 log(true revenue /
    Rp2m) + 0.3 urban + internet (none -0.6, good +0.3) + 0.35 secondary + 0.25 diploma or more
    + sector (services and fashion +0.25, food +0.2, craft +0.1, agri-processing -0.3, other
    manufacturing -0.1) + 0.2 bank + 0.45 training + 0.45 x an unrecorded "road-facing shop"
    latent + normal(0, 0.45); mean about 5.5%;
  * who is mentored (HIDDEN CONFOUNDING through p0, not the gain): mentors walk the streets and
    pick the shops they see: logit -3.3 + 0.8 urban + 0.5 log TRUE revenue + 0.45 for 2+
    workers + 0.35 Java + 0.35 trade or food + 0.3 smartphone + 0.7 road-facing + 0.35
    infrastructure. The road-facing latent (0.3 urban + 0.3 trade or food + normal) and the true
    turnover raise both the base chance and the chance of being picked, and the records proxy
    them only partly, so the naive mentored-minus-not gap overstates the gain by about 4 points.

How S and T differ from what came before (from Q/R's docstring and the Q/R names above):
``msme_access`` had a step gain where access meets know-how, under-50 owners gaining most,
long-standing retailers with access harmed; O a diagonal age-by-education frontier, a
sector-by-island table, headroom a factor of p0, harm on older informal WhatsApp sellers; Q a
paperwork-by-turnover-band-by-phone gate with an unrecorded growth mindset; R an unrecorded
social-media habit in the gain, self-selection through an online form and per-province mentor
load. Here: S's age effect is non-monotone and its peak is a function of the province (an
interaction, not a frontier or a gate); its harm is heavy-tailed and proportional to the base
chance; its assignment is a mixture of two opposed rules by an unrecorded cohort with a
baseline shift. T's gain is a two-of-three combination that is nearly invisible feature by
feature; its key feature is measured with error (and blank not at random); its confounder (a
road-facing shop, and the true turnover) moves p0 and assignment, not the gain.

Measured (``python benchmarks/zoo_reserve_st_worlds.py``: 20,000 history rows and 40,000
evaluation rows, seeds 0-2, the mean of the three):

====================================================  ================  ================
figure                                                S                 T
====================================================  ================  ================
mean p0 (history)                                     0.052             0.055
mentored share                                        0.253             0.225
digital rate, mentored / not mentored                 0.109 / 0.054     0.153 / 0.048
mean true gain among the mentored (history)           0.060             0.064
mean true gain, all (evaluation)                      0.065             0.064
share harmed (gain < 0, evaluation)                   0.070             0.038
harmed group: share / mean gain                       0.082 / -0.040    0.038 / -0.028
harmed group: 5th percentile of the gain              -0.148            -0.062
naive gap minus the mentored's mean gain              -0.006            +0.041
mean gain of the top 10% (evaluation)                 0.225             0.238
blank revenue / business age                          0.102 / 0.044     0.122 / 0.045
blank in every other column                           0                 0
explained by the recorded profile (``_explained``)    0.73              0.46
====================================================  ================  ================

S, by unrecorded cohort (1 / 2): mentored share 0.23 / 0.28, mean true gain of the mentored
0.067 / 0.055, naive mentored-minus-not gap 0.084 / 0.027 (over- and under-stated, cancelling
in the pooled history). S's mean gain, weak ecosystem (< -0.5): owners under 35 0.117, owners
45-60 0.015; strong ecosystem (> 0.5): under 35 0.019, 45-60 0.095. T: each ingredient's gain
gap alone: smartphone +0.012, owner under 49 -0.001, true turnover >= Rp2.2m -0.016 (against
0.14 where exactly two are held). "Explained" is Var(E[gain | recorded profile]) / Var(gain) on
the evaluation rows, with E[. | profile] the mean over 12 redraws of the unrecorded parts (S:
gain noise, harm tail, p0 noise; T: those, the road latent and the true turnover drawn from its
posterior given the told figure or the blank, heaping ignored). The history keeps the contract
(``validate_frame``: no problems) at 5,000 and 60,000 rows, seeds 0 and 1. 200,000 rows draw in
under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
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
# ASSUMPTION: urban share of offline firms by province, from density; these three set by hand.
URBAN_OVERRIDE = {"31": 1.0, "21": 0.80, "64": 0.60}  # DKI Jakarta, Kepulauan Riau, Kaltim

# Sector codes, in the contract's order.
FOOD, RETAIL, FASHION, CRAFT, AGRI, SERVICES, OTHER_MANUF = range(7)
# Economic Census 2016 non-farm mix (domain.md): trade 46.2, food 16.7, manufacturing 16.5 (split
# by ASSUMPTION: fashion 4.5, agri-processing 5.0, craft 3.5, other 3.5), rest 20.6 (services).
SECTOR_MIX = np.array([0.167, 0.462, 0.045, 0.035, 0.050, 0.206, 0.035])
# ASSUMPTION: tilts by area (rural firms process crops and make crafts; towns have services).
SECTOR_TILT_RURAL = np.array([0.95, 1.0, 0.85, 1.3, 2.2, 0.75, 0.9])
SECTOR_TILT_URBAN = np.array([1.05, 1.0, 1.2, 0.8, 0.35, 1.2, 1.1])
# ASSUMPTION: share of women owners by sector; about 64% of all (the 2021 claim of 64.5%
# women is chosen, not the registry's 49.4%: offline micro firms are the most female part).
FEMALE_BY_SECTOR = np.array([0.78, 0.71, 0.75, 0.50, 0.55, 0.45, 0.30])
# BPS IMK 2023 owner education (domain.md): 48.6 / 20.2 / 26.6 / 4.7, the 4.7 split by
# ASSUMPTION 1.7 diploma and 3.0 bachelor or higher.
EDUCATION_SHARES = np.array([0.486, 0.202, 0.266, 0.017, 0.030])
# ASSUMPTION: workers (owner included) 1, 2, 3, 4, 5-9, 10-19, 20-60 for trade and services;
# food and manufacturing have fewer one-person firms. Mean about 1.9 (domain.md: about 1.7 per
# micro firm; small firms are in the population too).
WORKER_SHARES = np.array([0.62, 0.22, 0.08, 0.04, 0.032, 0.006, 0.002])
WORKER_SHARES_MAKERS = np.array([0.50, 0.27, 0.11, 0.055, 0.052, 0.010, 0.003])
WORKER_LOW = np.array([1, 2, 3, 4, 5, 10, 20])
WORKER_HIGH = np.array([1, 2, 3, 4, 9, 19, 60])
# ASSUMPTION: log monthly revenue (Rp) = log 1.75m + 0.75 log workers + sector + 0.28 urban
# + 0.12 Java + 0.07 per education step + normal(0, 0.9). Mean about Rp5.5m a month, Rp66m a
# year (domain.md: micro Rp76m a year; offline firms are the smaller ones).
REVENUE_MEDIAN = 1.75e6
REVENUE_SIGMA = 0.9
SECTOR_REVENUE = np.array([0.10, 0.15, 0.05, -0.15, -0.10, 0.0, 0.10])
MAX_REVENUE = 4e9  # per month: below the contract's Rp10 billion bound even when x12


def _sigmoid(x: Floats) -> Floats:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float64)


def _z(x: Floats) -> Floats:
    return np.asarray((x - x.mean()) / x.std(), dtype=np.float64)


@dataclass(frozen=True)
class _Provinces:
    codes: Texts
    island: Texts
    weight: Floats  # share of offline firms (island share x population share in the island)
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

    def on_island(self, *names: str) -> Flags:
        return np.isin(_provinces().island[self.province], names)

    def in_sector(self, *codes: int) -> Flags:
        return np.isin(self.sector, codes)

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


def _draw_traits(rng: np.random.Generator, n: int) -> _Traits:
    """Offline MSMEs: the shared profile draw of both worlds (all figures in the docstring)."""
    prov = _provinces()
    province = rng.choice(len(prov.codes), size=n, p=prov.weight).astype(np.int64)
    urban = rng.random(n) < prov.urban[province]
    java = np.isin(prov.island[province], ("Jawa",))
    tilt = np.where(urban[:, None], SECTOR_TILT_URBAN, SECTOR_TILT_RURAL)
    sector = _pick(rng, SECTOR_MIX * tilt)
    female = rng.random(n) < FEMALE_BY_SECTOR[sector]
    age = np.minimum(18 + rng.gamma(6.0, 4.5, n), 85).astype(np.int64)
    # education: a latent that younger, urban, Java and services owners have higher, cut at
    # the census shares (ASSUMPTION)
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
    # business age (ASSUMPTION): gamma(1.4, 6) years, at most owner age - 15; whole years from
    # 2 up, months below
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
    rev_z = (np.log(revenue) - np.log(REVENUE_MEDIAN * 1.4)) / 1.0
    two_plus = workers >= 2
    # ASSUMPTION (the brief gives internet use 76% urban / 59% rural for persons): smartphone
    # about 68%, internet by area and the province's infrastructure, bank account about 48%
    # (not credit: 88% have no bank credit, domain.md), NIB about 14%, training about 8%.
    smartphone = rng.random(n) < _sigmoid(
        0.3
        - 0.055 * (age - 45)
        + 0.3 * edu
        + 0.4 * urban
        + 0.25 * rev_z
        + 0.2 * two_plus
        - 0.15 * female
    )
    infra = prov.infra[province]
    p_none = _sigmoid(-1.6 - 0.9 * urban - 0.5 * infra)
    p_good = _sigmoid(-0.5 + 1.1 * urban + 0.45 * infra)
    u = rng.random(n)
    internet = np.where(u < p_none, 0, np.where(u > 1.0 - p_good, 2, 1)).astype(np.int64)
    bank = rng.random(n) < _sigmoid(
        -0.85 + 0.35 * edu + 0.45 * rev_z + 0.35 * urban - 0.01 * (age - 45) + 0.3 * two_plus
    )
    nib = rng.random(n) < _sigmoid(
        -3.0
        + 0.35 * rev_z
        + 0.45 * two_plus
        + 0.6 * bank
        + 0.2 * edu
        + 0.3 * urban
        + 0.02 * np.minimum(business_age, 20.0)
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


def _blank_business_age(rng: np.random.Generator, t: _Traits) -> Floats:
    """ASSUMPTION: about 5% blank, more for old firms ("sudah lama") and older owners."""
    p = _sigmoid(-3.1 + 0.04 * (t.business_age - 8.0) + 0.02 * (t.age - 45))
    return np.where(rng.random(len(p)) < p, np.nan, t.business_age)


def _sector_effect(sector: Ints, effects: dict[int, float]) -> Floats:
    table = np.zeros(len(SECTORS))
    for code, value in effects.items():
        table[code] = value
    return np.asarray(table[sector], dtype=np.float64)


def _internet_effect(internet: Ints, none: float, weak: float, good: float) -> Floats:
    return np.asarray(np.array([none, weak, good])[internet], dtype=np.float64)


@dataclass(frozen=True)
class _Build:
    world: World
    traits: _Traits
    p0: Floats
    uplift: Floats  # before p1 is clipped to [0, 1]
    propensity: Floats
    harmed: Flags  # the world's recognisable harmed group
    recorded_revenue: Floats
    second_cohort: Flags | None = None  # world S: the row is of the second cohort


# ------------------------------------------------------------------------------ world S

S_TAG, T_TAG = 33_051, 33_052
S_COHORT_ONE = 0.5  # ASSUMPTION: half the history is the first cohort


@cache
def _ecosystem_s() -> Floats:
    """Province digital ecosystem (couriers, marketplace sellers, QRIS agents nearby): the
    infrastructure index plus a fixed province term (part of the world's law, not of a seed),
    mean 0 and sd 1 over firms."""
    prov = _provinces()
    own = np.random.default_rng(20_261_208).normal(0.0, 1.0, len(prov.codes))
    raw = prov.infra + 0.6 * own
    mean = float(np.sum(prov.weight * raw))
    sd = float(np.sqrt(np.sum(prov.weight * (raw - mean) ** 2)))
    return np.asarray((raw - mean) / sd, dtype=np.float64)


def _harmed_s(t: _Traits) -> Flags:
    """Food and services firms already equipped: smartphone, good internet, bank or training."""
    return np.asarray(
        t.in_sector(FOOD, SERVICES) & t.smartphone & (t.internet == 2) & (t.bank | t.training),
        dtype=np.bool_,
    )


def _unrecorded_s(rng: np.random.Generator, n: int) -> dict[str, Floats]:
    return {
        "p0": rng.normal(0.0, 1.0, n),
        "gain": rng.lognormal(-0.5 * 0.4**2, 0.4, n),
        "tail": rng.pareto(1.3, n),
    }


def _laws_s(t: _Traits, u: dict[str, Floats], second: Flags) -> tuple[Floats, Floats, Floats]:
    """World S's p0, uplift and propensity; `second`: the row is of the second cohort (or of
    the evaluation population, which is mentored under the second cohort's conditions)."""
    eco = _ecosystem_s()[t.province]
    logit0 = (
        -4.6
        + 0.40 * (t.edu >= 2)
        + 0.30 * (t.edu >= 3)
        - 0.028 * (t.age - 45)
        + 0.30 * t.urban
        + 0.35 * eco
        + 0.50 * t.smartphone
        + _internet_effect(t.internet, -0.70, 0.0, 0.35)
        + _sector_effect(t.sector, {FOOD: 0.3, SERVICES: 0.2, FASHION: 0.2, AGRI: -0.25})
        + 0.25 * (t.workers >= 2)
        + 0.20 * t.bank
        + 0.20 * t.nib
        + 0.50 * t.training
        - 0.05 * t.female
        + 0.30 * second
        + 0.5 * u["p0"]
    )
    p0 = _sigmoid(logit0)
    # the gain: a hump in owner age whose peak moves with the province's ecosystem
    peak = np.clip(39.0 + 8.0 * eco, 27.0, 56.0)
    hump = np.exp(-0.5 * ((t.age - peak) / 9.0) ** 2)
    access = np.where(t.smartphone, 1.0, 0.45) * np.where(t.internet == 0, 0.5, 1.0)
    schooling = np.where(t.edu == 0, 0.8, 1.0)
    core = 0.19 * hump * access * schooling * u["gain"]
    harm = p0 * np.minimum(0.95, 0.2 * (1.0 + u["tail"]))
    uplift = np.where(_harmed_s(t), 0.15 * core - harm, core)
    # who is mentored: cohort 1 from the cooperative office's register, cohort 2 (after an
    # audit) the left-behind
    rev_z = np.log(t.revenue / (REVENUE_MEDIAN * 1.4))
    first = (
        -2.75
        + 1.3 * t.nib
        + 0.7 * t.bank
        + 0.5 * t.urban
        + 0.35 * rev_z
        + 0.4 * t.on_island("Jawa")
        + 0.3 * (t.workers >= 2)
    )
    later = (
        -1.9
        + 0.8 * ~t.urban
        + 0.5 * (t.edu == 0)
        + 0.4 * t.female
        + 0.025 * (t.age - 45)
        - 0.5 * eco
        - 0.9 * t.nib
        + 0.3 * t.in_sector(AGRI, CRAFT)
    )
    propensity = _sigmoid(np.where(second, later, first))
    return p0, np.asarray(uplift, dtype=np.float64), propensity


def _build_s(rows: int, seed: int) -> _Build:
    rng = np.random.default_rng([seed, S_TAG])
    n = rows + EVAL_ROWS
    t = _draw_traits(rng, n)
    second = np.ones(n, dtype=np.bool_)
    second[:rows] = rng.random(rows) >= S_COHORT_ONE
    u = _unrecorded_s(rng, n)
    p0, uplift, propensity = _laws_s(t, u, second)
    # revenue told honestly but rounded, blank for about 9%: rural, unbanked, older owners
    blank = rng.random(n) < _sigmoid(-2.75 + 0.5 * ~t.urban + 0.5 * ~t.bank + 0.02 * (t.age - 45))
    recorded = np.where(blank, np.nan, _heaped(t.revenue))
    frame = t.frame(recorded, _blank_business_age(rng, t))
    world = _finish_msme(
        frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_reserve_s"
    )
    return _Build(world, t, p0, uplift, propensity, _harmed_s(t), recorded, second)


# ------------------------------------------------------------------------------ world T

T_AGE_CUT = 49  # "time": owners under 49
T_REVENUE_CUT = 2.2e6  # "a market": true turnover at least Rp2.2m a month
T_GAIN_BY_COUNT = np.array([0.0, 0.03, 0.15, 0.025])  # by how many of the three are held
# misreporting (ASSUMPTION): log reported = log true + normal(-0.22, 0.5); 3% write the year's
# turnover in the monthly column
T_MISREPORT_MEAN, T_MISREPORT_SD, T_ANNUAL_SHARE = -0.22, 0.5, 0.03


def _ingredients_t(t: _Traits, revenue: Floats) -> tuple[Flags, Flags, Flags]:
    return t.smartphone, np.asarray(t.age < T_AGE_CUT), np.asarray(revenue >= T_REVENUE_CUT)


def _harmed_t(t: _Traits, revenue: Floats) -> Flags:
    """All three ingredients and prior training: would go digital alone, the course delays it."""
    device, time, market = _ingredients_t(t, revenue)
    return np.asarray(device & time & market & t.training, dtype=np.bool_)


def _blank_probability_t(bank: Flags, urban: Flags, revenue: Floats) -> Floats:
    """Revenue left blank (about 13%): more often by the better-off without a bank account."""
    rev_z = np.log(revenue / (REVENUE_MEDIAN * 1.4))
    return _sigmoid(-2.75 + 0.55 * rev_z + 0.6 * ~bank + 0.35 * ~urban)


def _unrecorded_t(rng: np.random.Generator, t: _Traits) -> dict[str, Floats]:
    n = len(t.age)
    street = t.in_sector(RETAIL, FOOD)
    return {
        "p0": rng.normal(0.0, 1.0, n),
        "gain": rng.lognormal(-0.5 * 0.45**2, 0.45, n),
        "harm": rng.exponential(1.0, n),
        "road": 0.3 * t.urban + 0.3 * street + rng.normal(0.0, 1.0, n),
    }


def _laws_t(t: _Traits, u: dict[str, Floats], revenue: Floats) -> tuple[Floats, Floats, Floats]:
    """World T's p0, uplift and propensity given the true revenue."""
    log_rev = np.log(revenue / 2e6)
    logit0 = (
        -4.7
        + 0.55 * t.smartphone
        + 0.030 * (45 - t.age)
        + 0.40 * log_rev
        + 0.30 * t.urban
        + _internet_effect(t.internet, -0.6, 0.0, 0.3)
        + 0.35 * (t.edu >= 2)
        + 0.25 * (t.edu >= 3)
        + _sector_effect(
            t.sector,
            {SERVICES: 0.25, FOOD: 0.2, FASHION: 0.25, CRAFT: 0.1, AGRI: -0.3, OTHER_MANUF: -0.1},
        )
        + 0.20 * t.bank
        + 0.45 * t.training
        + 0.45 * u["road"]
        + 0.45 * u["p0"]
    )
    p0 = _sigmoid(logit0)
    device, time, market = _ingredients_t(t, revenue)
    count = device.astype(np.int64) + time + market
    signal = _internet_effect(t.internet, 0.4, 0.9, 1.1)
    gain = T_GAIN_BY_COUNT[count] * signal * u["gain"]
    harmed = _harmed_t(t, revenue)
    uplift = np.where(harmed, -0.01 - 0.02 * u["harm"], gain)
    propensity = _sigmoid(
        -3.3
        + 0.8 * t.urban
        + 0.5 * np.log(revenue / (REVENUE_MEDIAN * 1.4))
        + 0.45 * (t.workers >= 2)
        + 0.35 * t.on_island("Jawa")
        + 0.35 * t.in_sector(RETAIL, FOOD)
        + 0.3 * t.smartphone
        + 0.7 * u["road"]
        + 0.35 * t.infra
    )
    return p0, np.asarray(uplift, dtype=np.float64), propensity


def _reported_t(rng: np.random.Generator, t: _Traits) -> Floats:
    n = len(t.age)
    said = t.revenue * np.exp(rng.normal(T_MISREPORT_MEAN, T_MISREPORT_SD, n))
    said = np.where(rng.random(n) < T_ANNUAL_SHARE, 12.0 * said, said)
    blank = rng.random(n) < _blank_probability_t(t.bank, t.urban, t.revenue)
    return np.where(blank, np.nan, _heaped(np.minimum(said, MAX_REVENUE * 2)))


def _build_t(rows: int, seed: int) -> _Build:
    rng = np.random.default_rng([seed, T_TAG])
    t = _draw_traits(rng, rows + EVAL_ROWS)
    u = _unrecorded_t(rng, t)
    p0, uplift, propensity = _laws_t(t, u, t.revenue)
    recorded = _reported_t(rng, t)
    frame = t.frame(recorded, _blank_business_age(rng, t))
    world = _finish_msme(
        frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_reserve_t"
    )
    return _Build(world, t, p0, uplift, propensity, _harmed_t(t, t.revenue), recorded)


# ------------------------------------------------------------------------------ public


def msme_reserve_s(rows: int, seed: int) -> World:
    """World S: an age hump that moves with the province's ecosystem, heavy-tailed harm for
    equipped food and services firms, and a targeting rule that changed halfway."""
    return _build_s(rows, seed).world


def msme_reserve_t(rows: int, seed: int) -> World:
    """World T: the missing ingredient (gain where two of three hold) and a misreported
    turnover that the mentors, not the records, see."""
    return _build_t(rows, seed).world


# ------------------------------------------------------------------------------ measurements


def _contract_problems(frame: pd.DataFrame) -> list[str]:
    """Where a history breaks the data contract, as the project's validator reports it; empty
    when it keeps the contract."""
    from data.validation import validate_frame

    result = validate_frame(frame, "history")
    return [str(problem) for problem in result.problems] + (
        [f"{len(result.rejected)} rows rejected"] if len(result.rejected) else []
    )


def _posterior_revenue(rng: np.random.Generator, t: _Traits, recorded: Floats) -> Floats:
    """A draw of the true revenue given the recorded profile (world T): the Gaussian posterior
    of log revenue given the told figure (a mixture for the annual-in-monthly slip), and for
    every row the chance of its blank or not-blank, by rejection. Heaping is ignored."""
    n = len(recorded)
    told = ~np.isnan(recorded)
    log_told = np.log(np.where(told, recorded, 1.0)) - T_MISREPORT_MEAN
    prior_var, noise_var = REVENUE_SIGMA**2, T_MISREPORT_SD**2
    spread = np.sqrt(prior_var + noise_var)
    annual_weight = T_ANNUAL_SHARE * np.exp(
        -0.5 * ((log_told - np.log(12.0) - t.revenue_mu) / spread) ** 2
    )
    plain_weight = (1.0 - T_ANNUAL_SHARE) * np.exp(-0.5 * ((log_told - t.revenue_mu) / spread) ** 2)
    post_var = 1.0 / (1.0 / prior_var + 1.0 / noise_var)
    out = np.empty(n)
    pending = np.ones(n, dtype=np.bool_)
    for _ in range(200):
        idx = np.flatnonzero(pending)
        if not len(idx):
            break
        annual = rng.random(len(idx)) < annual_weight[idx] / (
            annual_weight[idx] + plain_weight[idx]
        )
        target = log_told[idx] - np.log(12.0) * annual
        mean = post_var * (t.revenue_mu[idx] / prior_var + target / noise_var)
        from_told = mean + np.sqrt(post_var) * rng.normal(size=len(idx))
        from_prior = t.revenue_mu[idx] + REVENUE_SIGMA * rng.normal(size=len(idx))
        proposal = np.minimum(np.exp(np.where(told[idx], from_told, from_prior)), MAX_REVENUE)
        p_blank = _blank_probability_t(t.bank[idx], t.urban[idx], proposal)
        accept = rng.random(len(idx)) < np.where(told[idx], 1.0 - p_blank, p_blank)
        out[idx[accept]] = proposal[accept]
        out[idx[~accept]] = proposal[~accept]  # kept if the loop ends first
        pending[idx[accept]] = False
    return out


def _explained(build: _Build, name: str, seed: int, redraws: int = 12) -> float:
    """Var(E[gain | recorded profile]) / Var(gain) on the evaluation rows, E[. | profile] as
    the mean over redraws of the unrecorded parts (less the finite-redraw part of its
    variance). Blank cells count as recorded (a blank is a value a model sees)."""
    rng = np.random.default_rng([seed, 99_033])
    t = build.traits
    rows = len(build.world.history)
    draws = np.empty((redraws, len(t.age)))
    for r in range(redraws):
        if name == "s":
            second = np.ones(len(t.age), dtype=np.bool_)  # evaluation rows only are used
            p0_r, up_r, _ = _laws_s(t, _unrecorded_s(rng, len(t.age)), second)
        else:
            revenue = _posterior_revenue(rng, t, build.recorded_revenue)
            p0_r, up_r, _ = _laws_t(t, _unrecorded_t(rng, t), revenue)
        draws[r] = np.clip(p0_r + up_r, 0.0, 1.0) - p0_r
    draws = draws[:, rows:]
    within = float(draws.var(axis=0, ddof=1).mean())
    total = float(draws.var(axis=1).mean())
    return (float(draws.mean(axis=0).var()) - within / redraws) / total


def _measure(name: str, seed: int, rows: int = 20_000) -> dict[str, float]:
    """The docstring's figures for one world and seed (generator arrays only, no model)."""
    build = (_build_s if name == "s" else _build_t)(rows, seed)
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
        "5th pct gain of the harmed group": float(np.quantile(true[build.harmed], 0.05)),
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
    if name == "t":
        for label, flag in zip(
            ("smartphone", f"owner under {T_AGE_CUT}", "true revenue >= 2.2m"),
            _ingredients_t(t, t.revenue),
            strict=True,
        ):
            out[f"share {label}"] = float(flag.mean())
            out[f"gain gap by {label} alone"] = float(true[flag].mean() - true[~flag].mean())
        told = ~np.isnan(build.recorded_revenue)
        out["corr(log told, log true revenue)"] = float(
            np.corrcoef(np.log(build.recorded_revenue[told]), np.log(t.revenue[told]))[0, 1]
        )
    else:
        assert build.second_cohort is not None
        for label, cohort in (
            ("cohort 1", ~build.second_cohort),
            ("cohort 2", build.second_cohort),
        ):
            in_history = cohort[:rows]
            out[f"mentored share, {label}"] = float(mentored[in_history].mean())
            out[f"mean true gain, mentored, {label}"] = float(
                true[:rows][in_history & mentored].mean()
            )
            out[f"naive gap, {label}"] = float(
                digital[in_history & mentored].mean() - digital[in_history & ~mentored].mean()
            )
        eco = _ecosystem_s()[t.province]
        for label, mask in (("weak ecosystem (< -0.5)", eco < -0.5), ("strong (> 0.5)", eco > 0.5)):
            for ages, lo, hi in (("owner < 35", 15, 35), ("owner 45-60", 45, 60)):
                cell = mask & (t.age >= lo) & (t.age < hi)
                out[f"mean gain, {label}, {ages}"] = float(true[cell].mean())
    for column in hist.columns:
        out[f"blank {column}"] = float(hist[column].isna().mean())
    out["explained by the recorded profile"] = _explained(build, name, seed)
    return out


if __name__ == "__main__":
    import sys
    import time

    names = sys.argv[1:] or ["s", "t"]
    for world_name in names:
        table = pd.DataFrame({f"seed {s}": _measure(world_name, s) for s in range(3)})
        table["mean"] = table.mean(axis=1)
        print(f"world {world_name} (20,000 history rows, {EVAL_ROWS:,} evaluation rows)")
        print(table.round(4).to_string())
        for size in (5_000, 60_000):
            for seed in (0, 1):
                build = (_build_s if world_name == "s" else _build_t)(size, seed)
                problems = _contract_problems(build.world.history)
                verdict = "no problems" if not problems else "; ".join(problems[:5])
                print(f"contract, {size:,} rows, seed {seed}: {verdict}")
        start = time.perf_counter()
        (msme_reserve_s if world_name == "s" else msme_reserve_t)(200_000, 0)
        print(f"200,000 rows drawn in {time.perf_counter() - start:.1f} s\n")
