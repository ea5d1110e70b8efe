"""FORMERLY HELD IN RESERVE: these worlds checked a lever and were run once at every size with
the default on 2026-12-07 (docs/results-log.md, 2026-12-07 "e"). Their scores are seen now, so
they are ordinary zoo worlds; a lever tuned on them must say so.

Two more MSME worlds, ``msme_reserve_q`` and ``msme_reserve_r``, written blind on 2026-12-07 by a
helper session started for this purpose (not by whoever wrote the pipeline, the models or the
other worlds). They are not registered anywhere: the maintainer adds them to the registry.

What was read, and nothing else of the project:
  * ``../shared/docs/domain.md`` (the domain brief), ``data/contract.py`` (the data contract),
    ``data/reference.py`` and ``../shared/data/provinces_38.csv``;
  * ``pyproject.toml``: ``grep -n -A15 "tool.ruff\\|tool.mypy"`` and lines 130-140 (the rest of
    ruff's ignore list, which the grep had cut);
  * ``ls benchmarks/`` (file names only);
  * in ``benchmarks/zoo_worlds.py``: the ``grep`` of ``class World`` / ``EVAL_ROWS`` /
    ``_finish_msme`` and ``sed -n`` of lines 79-96 (``EVAL_ROWS = 40_000``, the ``World``
    dataclass and the section comment after it) and 124-152 (``_finish_msme``). To find where
    those definitions end I also grepped the top-level ``def``/``class``/constant lines between
    79 and 200: SLIP (small), this showed the *names* ``_profiles``, ``_island``,
    ``_education_level`` and ``msme_access(rows, seed, *, lottery=False)``, nothing of their
    bodies. ``_finish_msme`` as printed does not validate the frame, so the helper wrote its
    own contract check from ``data/contract.py``'s specs, without reading or running
    ``data/validation.py``; the maintainer then replaced it with the project's validator
    (``data.validation.validate_frame``, which accepts every history below) in
    ``_contract_problems``, touching nothing of the worlds' laws;
  * in ``benchmarks/zoo_reserve_op_worlds.py``: its first 40 and last 60 lines, as allowed. The
    first 40 hold the O/P author's own list of reads, which describes ``msme_access`` (a step
    gain where smartphone-and-internet access meets know-how, under-50 owners gaining most,
    long-standing retailers with access harmed, propensity on NIB/bank/east/revenue, rural
    revenue blanks) and O's laws in one sentence (a diagonal age-by-education frontier, a
    sector-by-island fit table, headroom a smooth factor of p0, harm on older informal WhatsApp
    sellers). The last 60 show the end of its ``_segments`` (one segment: at least 2 workers and
    business age 3-12 years), its ``_measure`` and ``__main__`` block; the "explained" statistic
    and the ``__main__`` table here follow that form. Q and R avoid those laws: Q's gate is
    paperwork (bank account / NIB) by turnover band by phone, R's gain follows an unrecorded
    social-media habit and a per-province mentor load; neither harms retailers or WhatsApp
    sellers as such;
  * SLIP (small): ``head -5 data/reference/provinces.csv`` and ``ls data/reference/``: the header
    ``kode_prov,nama,island_group``, four Sumatera rows (the same as provinces_38.csv) and the
    file names ``README.md``, ``province_aliases.csv``, ``provinces.csv``, ``sectors.csv``;
  * at run time: the contract's ``HISTORY_COLUMNS`` printed (name, kind, nullable, required,
    allowed, bounds, pattern, unique), the columns of ``province_figures()`` and the numpy,
    pandas, ruff and mypy versions;
  * SLIP (small): one read-only ``git status --short`` at the end, to see that this file was the
    only one of mine, showed the names of files others have changed (``CHANGELOG.md``,
    ``docs/results-log.md``, ``docs/results.md``, ``docs/targeting.md``, ``models/boosting.py``,
    ``tests/models/test_boosting.py``, ``benchmarks/effect_baseline_probe.py`` renamed to
    ``benchmarks/override_probe.py``, an untracked ``benchmarks/results/override-probe-
    2026-12-07-extra-trees.txt``): names only, none of them was opened.

Nothing in ``models/``, ``training/``, ``service/``, ``tests/``, ``docs/``, ``benchmarks/results``
or any other world was read, no git command but that status was run, and no model, learner or
``zoo.py`` was run on these worlds: only this generator and numpy/pandas statistics on its arrays
("Measured").

Shared profile draw (``_draw_traits``), offline MSMEs only (the mentoring target; the brief: 87%
offline in 2020), so ``digital_status`` is ``offline`` in every row; ``cohort`` (optional in the
contract, and history-only, so it would make the evaluation population look like a history) is
left out:
  * province: the Economic Census 2016 island shares (Java 60.7%, Sumatra 18.6%, Sulawesi 8.1%,
    Bali-Nusa Tenggara 5.6%, Kalimantan 5.0%, Maluku-Papua 1.8%), within an island by province
    population (civil registry 2024, ``provinces_38.csv``): ASSUMPTION, as the brief says;
  * urban share of offline firms by island (Java 52%, Sumatra 36%, Sulawesi 33%, Bali-NT 38%,
    Kalimantan 40%, Maluku-Papua 27%; DKI Jakarta 100%, Kepulauan Riau 75%): ASSUMPTION;
  * sector: Economic Census 2016 non-farm mix (trade 46.2%, food 16.7%, manufacturing 16.5% split
    by ASSUMPTION into fashion 5.5, agri-processing 4.0, craft 3.5, other 3.5; services 20.6%),
    tilted by ASSUMPTION (rural: agri-processing x2, craft x1.2, services x0.8; urban:
    agri-processing x0.4, services x1.15);
  * owner gender: ASSUMPTION by sector (food 70% women .. other manufacturing 25%), about 51%
    women in all: the 2024 ministry registry's 49.4% chosen, a little higher for offline firms
    (the brief's raw gaps);
  * owner age: normal(44, 11) in 18-80 (ASSUMPTION); education: BPS IMK 2023 shares (48.6 /
    20.2 / 26.6 / 4.7, the 4.7 split 2.0 diploma and 2.7 bachelor by ASSUMPTION), cut from a
    latent that younger, urban, Java/Sumatra and services owners have higher (ASSUMPTION);
  * business age: gamma(1.6, 6) years, at most owner age - 16, whole years from 2 up
    (ASSUMPTION); workers: 1 (58%), 2 (24%), 3 (9%), 4 (4.5%), 5-9, 10-19, 20-99 (mean about
    2.0; the brief: about 1.7 per micro firm; ASSUMPTION);
  * monthly revenue: lognormal, median Rp2.6 million x workers^0.7 x sector x 1.35 urban x 1.1
    Java, sigma 0.85, rounded to Rp50,000: mean about Rp83 million a year (the brief: micro
    Rp76 million);
  * smartphone (about 72%), internet none / weak / good (urban 6/34/60%, rural 22/48/30%, 15
    points moved from good to none in Maluku-Papua, NTT, Kalimantan Tengah and Utara), bank
    account (about 50%), NIB (about 21%), prior digital training (about 10%): logistic in age,
    education, area and revenue, all ASSUMPTION (the brief gives internet use 76% urban / 59%
    rural for persons, and that 88% of MSMEs have no bank credit, which is not an account).

The shared baseline logit (``_baseline_logit``, the brief's directions): education (secondary
+0.4, diploma or more +0.3 more), owner age -0.03 a year, urban +0.35, Java +0.25, smartphone
+0.45, internet none -0.6 / good +0.3, food +0.25, services and fashion +0.15, agri-processing
-0.3, 2+ workers +0.3, bank account +0.25, prior training +0.35. Each world adds its own
intercept, unrecorded terms and noise.

World Q, "payment onboarding" (``msme_reserve_q``). The mentors' real work is getting a firm to
take payments and orders online (QRIS, a marketplace shop), so the gain passes three gates, all
ASSUMPTION: paperwork (a bank account: full; no account but an NIB, with which the mentor can
open one: 0.6; neither: 0.25), turnover (monthly revenue Rp2.5-40 million: full; below: 0.35, too
little trade to bother; above: 0.5, own channels already), and a phone (none: 0.15). An
unrecorded growth goal (about 28% of owners, more among the educated and young; the brief's
MAP2 +0.30) raises p0 (+0.5 logit), doubles the gain (x1.6 against x0.8) and the chance of being
mentored. Those who would manage alone gain less: prior digital training x0.5, a bachelor's
degree x0.6, and urban Java x0.6 (banks' and e-wallets' own agents canvass city markets for
QRIS anyway). Scale 0.15 times a unit-mean lognormal(0.3) spread. Baseline: intercept -4.15,
growth +0.5, unrecorded normal(0, 0.45) noise. Harmed: informal firms (no NIB) with revenue of
Rp12 million a month or more whose owner is wary of tax (unrecorded, 60% of them): being put on
a traceable payment rail makes them avoid digital channels, gain -(0.02 + 0.3 p0). Who is
mentored: the programme recruits from the OSS (NIB) and bank partner lists: logit -2.3 + 1.1 NIB
+ 0.5 bank + 0.45 growth goal + 0.3 urban + 0.15 (2+ workers); in DKI Jakarta NIB holders are
nearly all taken (0.86); Papua's six provinces had no mentors (0.4%): limited overlap at both
ends. Blanks: revenue 6% + 8% without a bank account + 40% in the harmed group (they do not
tell), so a blank revenue marks lower gain; business age 4% + 10% for owners 55+ + 5% rural.

World R, "the online form" (``msme_reserve_r``). Applications came through a Google Form link
passed around WhatsApp groups, so owners who use social media personally (unrecorded, only
smartphone owners: about 46% of all, more among young, educated, urban and women owners) apply
far more (+1.4 logit), would go digital alone more (+0.9 logit) and gain more (x1.6; a smartphone
without that habit x1.0, no smartphone x0.25): the gain rides on the same hidden trait as p0 and
assignment. The gain is a smooth product, all ASSUMPTION: owner age bell peaking at 35 (0.35 +
0.65 exp(-((age-35)/13)^2)), education inverted U (0.45 / 1.0 / 1.15 / 0.8 / 0.5: primary
struggle, graduates manage alone), sector (food 1.35, fashion 1.25, craft 1.0, services 0.8,
retail 0.65, other manufacturing 0.7, agri-processing 0.55), team (1 worker 0.75, 2-9 1.2, 10+
0.9: someone to answer orders), internet (weak 0.75, none 0.3), place (urban Java 0.75, crowded
with other programmes; rural outside Java 1.15), a per-province mentor load drawn per world
(lognormal(0, 0.35), Java x1.15 else x0.95: the brief's 35 to 180 firms a mentor; recorded only
through the province) and a unit-mean lognormal(0.4) spread; scale 0.10. Baseline: intercept
-4.45, social media +0.9, noise normal(0, 0.35). Harmed: no internet where the business is, a
business 8+ years old and an owner 45+: an app-heavy curriculum that cannot work there sours
them on the simple channels, gain -(0.012 + 0.3 p0). Who is mentored: logit -2.6 + 1.4 social
media + 0.5 smartphone + 0.2 secondary education + 0.35 (revenue Rp5m+) - 0.015 a year of age +
0.3 urban + 0.2 women (PKK and cooperative groups); the link never reached rural Kalimantan and
Maluku-Papua (-3 logit): limited overlap there. Blanks: business age 3% + 30% for firms 20+ years
old (inherited, founding year unknown) + 4% rural; revenue 5% + 22% for one-woman home kitchens
(household and business money mixed) + 5% without a smartphone.

Measured (``python benchmarks/zoo_reserve_qr_worlds.py``; seeds 0-2, 60,000 history rows plus
the 40,000 evaluation rows, generator arrays only; mean over seeds, range where it moves):

  ============================================  ===================  ===================
  figure                                        Q                    R
  ============================================  ===================  ===================
  mean p0 (all rows)                            0.079                0.086
  mentored share (history)                      0.203                0.276
  digitalized, mentored / not (history)         0.152 / 0.076        0.179 / 0.070
  mean true gain, evaluation                    0.046                0.037 (0.031-0.044)
  mean true gain, mentored (history)            0.058                0.053 (0.044-0.062)
  naive arm gap minus true mentored gain        +0.018               +0.056
  share harmed (gain < 0)                       0.055                0.037
  mean gain of the harmed group                 -0.045               -0.016
  share of net gain in top 10% (evaluation)     0.42                 0.42
  mean gain in top 10% (evaluation)             0.19                 0.16 (0.13-0.19)
  corr(true gain, p0)                           0.21                 0.51
  propensity < 0.02 / > 0.8 (share of rows)     0.011 / 0.010        0.026 / 0.000
  blank monthly_revenue_idr (history)           0.122                0.078
  blank business_age_years (history)            0.082                0.075
  gain variance explained by the profile        0.64                 0.74
  ============================================  ===================  ===================

Q by group (share of rows, mean gain, mentored share): bank account 50%, 0.072, 26%; NIB without
an account 7.5%, 0.047, 30%; neither 43%, 0.014, 12%; no smartphone 28%, 0.007, 18%; revenue
Rp2.5-40m 71%, 0.056; growth-minded (unrecorded) 28%, 0.075, 25%; urban Java 34%, 0.037, 25%;
Papua 1.1%, 0.046, 0.45% mentored. Gain where revenue is blank 0.020, where given 0.049.
R by group: social-media users (unrecorded) 46%, 0.061, 45% mentored; smartphone without that
habit 25%, 0.029, 15%; no smartphone 28%, 0.006, 9.5%; food or fashion 22%, 0.059; owners 28-44
45%, 0.054; junior or senior secondary 47%, 0.058; rural Kalimantan and Maluku-Papua 4.3%, 0.027,
1.7% mentored. Gain where revenue is blank 0.033, where given 0.038. "Explained" is
Var(E[gain | drawn profile]) / Var(gain) over 12 redraws of the unrecorded parts, the profile
taken before blanks (so the loss from blanks is not counted); R's province load counts as
recorded. Every history drawn here kept the contract (``_contract_problems``, the project's
validator since the maintainer's edit; the helper's own check of kinds, blanks, allowed values,
bounds, patterns and unique ids agreed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from zoo_worlds import EVAL_ROWS, World, _finish_msme

Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]

# ------------------------------------------------------------------------------ profile draw

# Economic Census 2016, island shares of firms (the domain brief).
ISLAND_SHARES = {
    "Jawa": 0.607,
    "Sumatera": 0.186,
    "Sulawesi": 0.081,
    "Bali-Nusa Tenggara": 0.056,
    "Kalimantan": 0.050,
    "Maluku-Papua": 0.018,
}
# ASSUMPTION: urban share of *offline* firms by island (no official split was found); DKI
# Jakarta is all urban and Kepulauan Riau mostly so.
URBAN_SHARES = {
    "Jawa": 0.52,
    "Sumatera": 0.36,
    "Sulawesi": 0.33,
    "Bali-Nusa Tenggara": 0.38,
    "Kalimantan": 0.40,
    "Maluku-Papua": 0.27,
}
URBAN_PROVINCES = {"31": 1.0, "21": 0.75}
# Economic Census 2016 non-farm mix: trade 46.2%, accommodation & food 16.7%, manufacturing
# 16.5% (ASSUMPTION: split into fashion 5.5, agri-processing 4.0, craft 3.5, other 3.5), rest
# 20.6% (services).
SECTOR_SHARES = {
    "retail_trade": 0.462,
    "food_beverage": 0.167,
    "fashion_textile": 0.055,
    "craft": 0.035,
    "agri_processing": 0.040,
    "other_manufacturing": 0.035,
    "services": 0.206,
}
# ASSUMPTION: rural firms process more farm produce and sell fewer services.
RURAL_SECTOR_TILT = {"agri_processing": 2.0, "craft": 1.2, "services": 0.8}
URBAN_SECTOR_TILT = {"agri_processing": 0.4, "services": 1.15}
# ASSUMPTION: share of women owners by sector, chosen so the whole is near the 2024 ministry
# registry's 49.4% (the brief's lower figure), a little above it as offline firms lean female.
FEMALE_BY_SECTOR = {
    "food_beverage": 0.70,
    "fashion_textile": 0.66,
    "retail_trade": 0.52,
    "craft": 0.48,
    "agri_processing": 0.42,
    "services": 0.36,
    "other_manufacturing": 0.25,
}
EDUCATION = (
    "primary_or_less",
    "junior_secondary",
    "senior_secondary",
    "diploma",
    "bachelor_or_higher",
)
# BPS IMK 2023 (micro/small manufacturers): 48.6 / 20.2 / 26.6 / 4.7, the 4.7 split 2.0 diploma
# and 2.7 bachelor (ASSUMPTION), used for all offline firms (ASSUMPTION).
EDUCATION_SHARES = (0.486, 0.202, 0.266, 0.020, 0.026)
# ASSUMPTION: workers per offline firm (mean near 2; the brief: about 1.7 per micro firm, BPS
# micro < 5 workers, small 5-19, medium 20-99).
WORKER_BANDS = ((1, 1, 0.58), (2, 2, 0.24), (3, 3, 0.09), (4, 4, 0.045), (5, 9, 0.033))
WORKER_BANDS_LARGE = ((10, 19, 0.010), (20, 99, 0.002))
# ASSUMPTION: median monthly revenue of a one-person firm, Rp million, and sector factors (the
# brief: micro firms average Rp76 million a year, about Rp6.3 million a month).
REVENUE_MEDIAN_M = 2.6
REVENUE_SECTOR = {
    "food_beverage": 1.0,
    "retail_trade": 1.15,
    "fashion_textile": 1.0,
    "craft": 0.8,
    "agri_processing": 0.85,
    "services": 0.9,
    "other_manufacturing": 1.1,
}


@dataclass(frozen=True)
class _Traits:
    """A drawn profile as arrays, before any blank is made (revenue and age are the true ones)."""

    province: npt.NDArray[np.str_]
    island: npt.NDArray[np.str_]
    urban: Flags
    sector: npt.NDArray[np.str_]
    female: Flags
    age: Ints
    edu: Ints  # 0 primary or less .. 4 bachelor or higher
    bage: Floats  # business age, years
    workers: Ints
    revenue_m: Floats  # monthly revenue, Rp million
    smartphone: Flags
    internet: Ints  # 0 none, 1 weak, 2 good
    bank: Flags
    nib: Flags
    training: Flags

    @property
    def rows(self) -> int:
        return len(self.age)

    def is_sector(self, *names: str) -> Flags:
        return np.isin(self.sector, names)

    def is_island(self, *names: str) -> Flags:
        return np.isin(self.island, names)


def _expit(x: Floats) -> Floats:
    return 1.0 / (1.0 + np.exp(-x))


def _pick(rng: np.random.Generator, probs: Floats) -> Ints:
    """One category index per row from a (rows, k) table of probabilities."""
    cumulative = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probs))
    index: Ints = np.minimum((u[:, None] > cumulative).sum(axis=1), probs.shape[1] - 1)
    return index.astype(np.int64)


def _draw_traits(rng: np.random.Generator, n: int) -> _Traits:
    """Offline MSME profiles (the mentoring target: the brief's 87% offline)."""
    from data.reference import province_figures

    provinces = province_figures()
    codes = provinces["province_code"].to_numpy(str)
    islands = provinces["island_group"].to_numpy(str)
    population = provinces["population"].to_numpy(float)
    # ASSUMPTION: within an island, firms follow the provinces' population (civil registry 2024).
    island_total = pd.Series(population).groupby(islands).transform("sum").to_numpy(float)
    weight = np.array([ISLAND_SHARES[i] for i in islands]) * population / island_total
    which = rng.choice(len(codes), size=n, p=weight / weight.sum())
    province, island = codes[which], islands[which]

    urban_p = np.array([URBAN_SHARES[i] for i in island])
    for code, share in URBAN_PROVINCES.items():
        urban_p[province == code] = share
    urban = rng.random(n) < urban_p

    names = tuple(SECTOR_SHARES)
    base = np.array([SECTOR_SHARES[s] for s in names])
    rural_row = base * np.array([RURAL_SECTOR_TILT.get(s, 1.0) for s in names])
    urban_row = base * np.array([URBAN_SECTOR_TILT.get(s, 1.0) for s in names])
    sector = np.array(names)[_pick(rng, np.where(urban[:, None], urban_row, rural_row))]

    female = rng.random(n) < np.array([FEMALE_BY_SECTOR[s] for s in sector])
    age = np.clip(np.round(rng.normal(44.0, 11.0, n)), 18, 80).astype(np.int64)

    # Education: an ordered latent (younger, urban, western and service owners higher) cut at
    # the quantiles that give the BPS shares.
    java_sumatra = np.isin(island, ("Jawa", "Sumatera"))
    latent = (
        -0.035 * (age - 44)
        + 0.45 * urban
        + 0.2 * java_sumatra
        + 0.3 * (sector == "services")
        + rng.logistic(0.0, 1.0, n)
    )
    cuts = np.quantile(latent, np.cumsum(EDUCATION_SHARES)[:-1])
    edu = np.searchsorted(cuts, latent).astype(np.int64)

    bage = rng.gamma(1.6, 6.0, n)
    bage = np.minimum(bage, np.maximum(age - 16.0, 0.5))
    bage = np.where(bage < 2.0, np.round(bage, 1), np.round(bage))
    bage = np.maximum(bage, 0.1)

    bands = WORKER_BANDS + WORKER_BANDS_LARGE
    band = _pick(rng, np.tile(np.array([b[2] for b in bands]), (n, 1)))
    low = np.array([b[0] for b in bands])[band]
    high = np.array([b[1] for b in bands])[band]
    spread = np.floor(np.exp(rng.uniform(np.log(low), np.log(high + 1.0))))
    workers: Ints = np.clip(spread, low, high).astype(np.int64)

    median = (
        REVENUE_MEDIAN_M
        * workers**0.7
        * np.array([REVENUE_SECTOR[s] for s in sector])
        * np.where(urban, 1.35, 1.0)
        * np.where(island == "Jawa", 1.1, 1.0)
    )
    revenue_m = np.clip(median * rng.lognormal(0.0, 0.85, n), 0.1, 9_000.0)
    revenue_m = np.round(revenue_m * 20.0) / 20.0  # people report round sums (Rp50,000)

    # ASSUMPTION: access among offline owners (the brief: internet use 76% urban, 59% rural).
    smartphone = rng.random(n) < _expit(
        0.5 - 0.05 * (age - 44) + 0.35 * edu + 0.5 * urban - 0.4 * (island == "Maluku-Papua")
    )
    remote = np.isin(island, ("Maluku-Papua",)) | np.isin(province, ("53", "62", "65"))
    p_none = np.where(urban, 0.06, 0.22) + 0.15 * remote
    p_good = np.where(urban, 0.60, 0.30) - 0.15 * remote
    p_weak = 1.0 - p_none - p_good
    internet = _pick(rng, np.column_stack([p_none, p_weak, p_good]))

    log_rev = np.log(revenue_m / 3.0)
    bank = rng.random(n) < _expit(
        -1.0 + 0.45 * edu + 0.5 * urban + 0.35 * log_rev + 0.3 * smartphone
    )
    nib = rng.random(n) < _expit(
        -2.4
        + 0.5 * log_rev
        + 0.3 * (workers >= 3)
        + 0.5 * bank
        + 0.03 * np.minimum(bage, 20.0)
        + 0.2 * edu
    )
    training = rng.random(n) < _expit(
        -2.9 + 0.35 * edu + 0.3 * urban - 0.02 * (age - 44) + 0.4 * nib
    )
    return _Traits(
        province=province,
        island=island,
        urban=urban,
        sector=sector,
        female=female,
        age=age,
        edu=edu,
        bage=bage.astype(np.float64),
        workers=workers,
        revenue_m=revenue_m.astype(np.float64),
        smartphone=smartphone,
        internet=internet,
        bank=bank,
        nib=nib,
        training=training,
    )


def _frame(t: _Traits, revenue_blank: Flags, age_blank: Flags) -> pd.DataFrame:
    """The contract's profile columns (msme_id is added by `_finish_msme`)."""
    return pd.DataFrame(
        {
            "province_code": t.province.astype(object),
            "area_type": np.where(t.urban, "urban", "rural").astype(object),
            "sector": t.sector.astype(object),
            "business_age_years": np.where(age_blank, np.nan, t.bage),
            "workers": t.workers,
            "monthly_revenue_idr": np.where(revenue_blank, np.nan, t.revenue_m * 1e6),
            "owner_age": t.age,
            "owner_gender": np.where(t.female, "female", "male").astype(object),
            "owner_education": np.array(EDUCATION)[t.edu].astype(object),
            "has_smartphone": t.smartphone,
            "has_bank_account": t.bank,
            "has_business_id": t.nib,
            "prior_digital_training": t.training,
            "internet_access": np.array(("none", "weak", "good"))[t.internet].astype(object),
            "digital_status": np.full(t.rows, "offline", dtype=object),
        }
    )


def _baseline_logit(t: _Traits) -> Floats:
    """The recorded drivers of going digital alone, as the brief orders them (shared)."""
    sector_shift = {
        "food_beverage": 0.25,
        "services": 0.15,
        "fashion_textile": 0.15,
        "retail_trade": 0.0,
        "craft": 0.0,
        "agri_processing": -0.3,
        "other_manufacturing": -0.1,
    }
    logit: Floats = (
        0.4 * (t.edu >= 2)
        + 0.3 * (t.edu >= 3)
        - 0.03 * (t.age - 45)
        + 0.35 * t.urban
        + 0.25 * t.is_island("Jawa")
        + 0.45 * t.smartphone
        + np.array([-0.6, 0.0, 0.3])[t.internet]
        + np.array([sector_shift[s] for s in t.sector])
        + 0.3 * (t.workers >= 2)
        + 0.25 * t.bank
        + 0.35 * t.training
    )
    return logit


Unrecorded = dict[str, Floats]
Laws = tuple[Floats, Floats, Floats]  # p0, uplift (before clipping), propensity


# ----------------------------------------------------------------------------------- world Q


def _unrecorded_q(rng: np.random.Generator, t: _Traits) -> Unrecorded:
    n = t.rows
    growth = rng.random(n) < _expit(-1.1 + 0.4 * (t.edu >= 2) - 0.02 * (t.age - 44))
    return {
        "growth": growth.astype(np.float64),
        "tax_wary": (rng.random(n) < 0.6).astype(np.float64),
        "noise": rng.normal(0.0, 0.45, n),
        "spread": rng.lognormal(-0.045, 0.3, n),
    }


def _harmed_q(t: _Traits, u: Unrecorded) -> Flags:
    return (~t.nib) & (t.revenue_m >= 12.0) & (u["tax_wary"] > 0.5)


def _laws_q(t: _Traits, u: Unrecorded) -> Laws:
    growth = u["growth"] > 0.5
    p0 = _expit(-4.15 + _baseline_logit(t) + 0.5 * growth + u["noise"])

    paperwork = np.where(t.bank, 1.0, np.where(t.nib, 0.6, 0.25))
    volume = np.where(t.revenue_m < 2.5, 0.35, np.where(t.revenue_m > 40.0, 0.5, 1.0))
    device = np.where(t.smartphone, 1.0, 0.15)
    drive = np.where(growth, 1.6, 0.8)
    repeat = np.where(t.training, 0.5, 1.0) * np.where(t.edu == 4, 0.6, 1.0)
    canvassed = np.where(t.urban & t.is_island("Jawa"), 0.6, 1.0)
    gain = 0.15 * paperwork * volume * device * drive * repeat * canvassed * u["spread"]
    harm = -(0.02 + 0.3 * p0)
    uplift = np.where(_harmed_q(t, u), harm, gain)

    logit = (
        -2.3 + 1.1 * t.nib + 0.5 * t.bank + 0.45 * growth + 0.3 * t.urban + 0.15 * (t.workers >= 2)
    )
    jakarta_formal = (t.province == "31") & t.nib
    logit = np.where(jakarta_formal, 1.8, logit)
    propensity = _expit(logit)
    papua = np.isin(t.province, ("91", "92", "93", "94", "95", "96"))
    propensity = np.where(papua, 0.004, propensity)
    return p0, uplift, propensity


def _blanks_q(rng: np.random.Generator, t: _Traits, u: Unrecorded) -> tuple[Flags, Flags]:
    revenue_p = 0.06 + 0.08 * (~t.bank) + 0.40 * _harmed_q(t, u)
    age_p = 0.04 + 0.10 * (t.age >= 55) + 0.05 * (~t.urban)
    return rng.random(t.rows) < revenue_p, rng.random(t.rows) < age_p


# ----------------------------------------------------------------------------------- world R

R_SECTOR = {
    "food_beverage": 1.35,
    "fashion_textile": 1.25,
    "craft": 1.0,
    "services": 0.8,
    "retail_trade": 0.65,
    "agri_processing": 0.55,
    "other_manufacturing": 0.7,
}
R_EDUCATION = np.array([0.45, 1.0, 1.15, 0.8, 0.5])


def _mentor_load_r(rng: np.random.Generator, t: _Traits) -> Floats:
    """Per province: how much mentoring a mentored firm gets (mentors per firm, the brief's 35 to
    180 firms per mentor); ASSUMPTION: drawn per world, Java's programmes a little richer."""
    from data.reference import province_codes

    codes = np.array(province_codes())
    load = rng.lognormal(0.0, 0.35, len(codes))
    by_code = dict(zip(codes.tolist(), load.tolist(), strict=True))
    intensity = np.array([by_code[c] for c in t.province])
    return intensity * np.where(t.is_island("Jawa"), 1.15, 0.95)


def _unrecorded_r(rng: np.random.Generator, t: _Traits) -> Unrecorded:
    n = t.rows
    social = t.smartphone & (
        rng.random(n)
        < _expit(0.2 - 0.06 * (t.age - 40) + 0.3 * t.edu + 0.3 * t.urban + 0.3 * t.female)
    )
    return {
        "social": social.astype(np.float64),
        "noise": rng.normal(0.0, 0.35, n),
        "spread": rng.lognormal(-0.08, 0.4, n),
    }


def _harmed_r(t: _Traits) -> Flags:
    harmed: Flags = (t.internet == 0) & (t.bage >= 8.0) & (t.age >= 45)
    return harmed


def _laws_r(t: _Traits, u: Unrecorded, load: Floats) -> Laws:
    social = u["social"] > 0.5
    p0 = _expit(-4.45 + _baseline_logit(t) + 0.9 * social + u["noise"])

    f_age = 0.35 + 0.65 * np.exp(-(((t.age - 35.0) / 13.0) ** 2))
    f_edu = R_EDUCATION[t.edu]
    f_sector = np.array([R_SECTOR[s] for s in t.sector])
    f_team = np.where(t.workers == 1, 0.75, np.where(t.workers >= 10, 0.9, 1.2))
    f_device = np.where(social, 1.6, np.where(t.smartphone, 1.0, 0.25))
    f_net = np.array([0.3, 0.75, 1.0])[t.internet]
    crowded = t.urban & t.is_island("Jawa")
    f_place = np.where(crowded, 0.75, np.where(~t.urban & ~t.is_island("Jawa"), 1.15, 1.0))
    gain = (0.10 * f_age * f_edu * f_sector * f_team * f_device * f_net * f_place * load) * u[
        "spread"
    ]
    harm = -(0.012 + 0.3 * p0)
    uplift = np.where(_harmed_r(t), harm, gain)

    logit = (
        -2.6
        + 1.4 * social
        + 0.5 * t.smartphone
        + 0.2 * (t.edu >= 2)
        + 0.35 * (t.revenue_m >= 5.0)
        - 0.015 * (t.age - 44)
        + 0.3 * t.urban
        + 0.2 * t.female
    )
    unreached = ~t.urban & t.is_island("Kalimantan", "Maluku-Papua")
    logit = np.where(unreached, logit - 3.0, logit)
    return p0, uplift, _expit(logit)


def _blanks_r(rng: np.random.Generator, t: _Traits) -> tuple[Flags, Flags]:
    home_kitchen = t.female & t.is_sector("food_beverage") & (t.workers == 1)
    revenue_p = 0.05 + 0.22 * home_kitchen + 0.05 * (~t.smartphone)
    age_p = 0.03 + 0.30 * (t.bage >= 20.0) + 0.04 * (~t.urban)
    return rng.random(t.rows) < revenue_p, rng.random(t.rows) < age_p


# ------------------------------------------------------------------------------------ builds


@dataclass(frozen=True)
class _Build:
    world: World
    traits: _Traits
    unrecorded: Unrecorded
    p0: Floats
    uplift: Floats
    propensity: Floats
    load: Floats | None = None


def _build_q(rows: int, seed: int) -> _Build:
    rng = np.random.default_rng([seed, 7_317])
    t = _draw_traits(rng, rows + EVAL_ROWS)
    u = _unrecorded_q(rng, t)
    p0, uplift, propensity = _laws_q(t, u)
    revenue_blank, age_blank = _blanks_q(rng, t, u)
    world = _finish_msme(
        _frame(t, revenue_blank, age_blank),
        p0,
        uplift,
        propensity,
        rng=rng,
        n_history=rows,
        family="msme_reserve_q",
    )
    return _Build(world, t, u, p0, uplift, propensity)


def _build_r(rows: int, seed: int) -> _Build:
    rng = np.random.default_rng([seed, 7_318])
    t = _draw_traits(rng, rows + EVAL_ROWS)
    load = _mentor_load_r(rng, t)
    u = _unrecorded_r(rng, t)
    p0, uplift, propensity = _laws_r(t, u, load)
    revenue_blank, age_blank = _blanks_r(rng, t)
    world = _finish_msme(
        _frame(t, revenue_blank, age_blank),
        p0,
        uplift,
        propensity,
        rng=rng,
        n_history=rows,
        family="msme_reserve_r",
    )
    return _Build(world, t, u, p0, uplift, propensity, load)


def msme_reserve_q(rows: int, seed: int) -> World:
    """World Q: mentoring as payment onboarding, gated by paperwork, turnover and a phone."""
    return _build_q(rows, seed).world


def msme_reserve_r(rows: int, seed: int) -> World:
    """World R: an online application form, social-media natives and uneven mentor load."""
    return _build_r(rows, seed).world


# ------------------------------------------------------------------------------ measurements


def _contract_problems(frame: pd.DataFrame) -> list[str]:
    """Where a history breaks the data contract, as the project's validator reports it (added by
    the maintainer after the worlds were written: the helper checked with a copy of the rules);
    empty when it keeps the contract."""
    from data.validation import validate_frame

    result = validate_frame(frame, "history")
    return [str(problem) for problem in result.problems] + (
        [f"{len(result.rejected)} rows rejected"] if len(result.rejected) else []
    )


def _segments(name: str, build: _Build) -> dict[str, Flags]:
    """Groups whose share and mean true gain the docstring reports."""
    t, u = build.traits, build.unrecorded
    if name == "q":
        return {
            "bank account": t.bank,
            "NIB, no bank account": t.nib & ~t.bank,
            "neither": ~t.nib & ~t.bank,
            "no smartphone": ~t.smartphone,
            "revenue Rp2.5-40m": (t.revenue_m >= 2.5) & (t.revenue_m <= 40.0),
            "growth-minded (unrecorded)": u["growth"] > 0.5,
            "urban Java": t.urban & t.is_island("Jawa"),
            "harmed group": _harmed_q(t, u),
            "Papua provinces": np.isin(t.province, ("91", "92", "93", "94", "95", "96")),
        }
    social = u["social"] > 0.5
    return {
        "social-media user (unrecorded)": social,
        "smartphone, not social": t.smartphone & ~social,
        "no smartphone": ~t.smartphone,
        "food or fashion": t.is_sector("food_beverage", "fashion_textile"),
        "owner 28-44": (t.age >= 28) & (t.age <= 44),
        "junior/senior secondary": (t.edu == 1) | (t.edu == 2),
        "harmed group": _harmed_r(t),
        "rural Kalimantan/Maluku-Papua": ~t.urban & t.is_island("Kalimantan", "Maluku-Papua"),
    }


def _measure(name: str, seed: int, rows: int = 60_000, redraws: int = 12) -> dict[str, float]:
    """The docstring's figures for one world and seed (generator arrays only, no model)."""
    build = (_build_q if name == "q" else _build_r)(rows, seed)
    problems = _contract_problems(build.world.history)
    if problems:
        raise ValueError(f"world {name}, seed {seed}: {'; '.join(problems)}")
    t, p0 = build.traits, build.p0
    true = np.clip(p0 + build.uplift, 0.0, 1.0) - p0
    hist = build.world.history
    mentored = hist["mentored"].to_numpy(bool)
    digital = hist["digitalized"].to_numpy(bool)
    evaluation = true[rows:]
    order = np.sort(evaluation)[::-1]
    top = order[: len(order) // 10]
    harmed = _harmed_q(t, build.unrecorded) if name == "q" else _harmed_r(t)
    out = {
        "mean p0": float(p0.mean()),
        "mentored share (history)": float(mentored.mean()),
        "digital rate, mentored": float(digital[mentored].mean()),
        "digital rate, not mentored": float(digital[~mentored].mean()),
        "mean true gain (evaluation)": float(evaluation.mean()),
        "mean true gain, mentored (history)": float(true[:rows][mentored].mean()),
        "share harmed (gain < 0)": float((true < 0).mean()),
        "mean gain of the harmed group": float(true[harmed].mean()),
        "share of gain in top 10% (evaluation)": float(top.sum() / evaluation.sum()),
        "mean gain, top 10% (evaluation)": float(top.mean()),
        "corr(gain, p0)": float(np.corrcoef(true, p0)[0, 1]),
        "propensity < 0.02 (share)": float((build.propensity < 0.02).mean()),
        "propensity > 0.8 (share)": float((build.propensity > 0.8).mean()),
    }
    out["naive gap (mentored - not) - mean gain, mentored"] = (
        out["digital rate, mentored"]
        - out["digital rate, not mentored"]
        - out["mean true gain, mentored (history)"]
    )
    for label, mask in _segments(name, build).items():
        out[f"share {label}"] = float(mask.mean())
        out[f"mean gain, {label}"] = float(true[mask].mean())
        out[f"mentored share, {label}"] = float(mentored[mask[:rows]].mean())
    for column in ("monthly_revenue_idr", "business_age_years"):
        blank = hist[column].isna().to_numpy(bool)
        out[f"blank {column}"] = float(blank.mean())
        out[f"gain where {column} blank"] = float(true[:rows][blank].mean())
        out[f"gain where {column} given"] = float(true[:rows][~blank].mean())
    # explained: Var(E[gain | profile]) / Var(gain), E[. | profile] as the mean over redraws of
    # the unrecorded parts (less the finite-redraw part of its variance); the profile is the
    # one drawn, before blanks (so blanks' loss is not counted here).
    rng = np.random.default_rng([seed, 99_017])
    draws = np.empty((redraws, len(true)))
    for r in range(redraws):
        if name == "q":
            u = _unrecorded_q(rng, t)
            p0_r, uplift_r, _ = _laws_q(t, u)
        else:
            assert build.load is not None
            u = _unrecorded_r(rng, t)
            p0_r, uplift_r, _ = _laws_r(t, u, build.load)
        draws[r] = np.clip(p0_r + uplift_r, 0.0, 1.0) - p0_r
    within = float(draws.var(axis=0, ddof=1).mean())
    total = float(draws.var(axis=1).mean())
    out["explained by the profile"] = (float(draws.mean(axis=0).var()) - within / redraws) / total
    return out


if __name__ == "__main__":
    import sys

    names = sys.argv[1:] or ["q", "r"]
    for world_name in names:
        table = pd.DataFrame({s: _measure(world_name, s) for s in range(3)})
        table["mean"] = table.mean(axis=1)
        print(f"world {world_name}")
        print(table.round(4).to_string())
