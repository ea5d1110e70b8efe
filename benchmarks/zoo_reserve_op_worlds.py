"""FORMERLY HELD IN RESERVE: these worlds checked a lever on 2026-12-07 (docs/results-log.md,
2026-12-07 "d"). Their scores are seen now, so they are ordinary zoo worlds; a lever tuned on
them must say so.

Two more MSME worlds, ``msme_reserve_o`` and ``msme_reserve_p``, written blind on 2026-12-07 by a
helper session started for this purpose (not by whoever wrote the pipeline or the other worlds).

What was read, and nothing else of the project:
  * ``../shared/docs/domain.md`` (the domain brief), ``data/contract.py`` (the data contract),
    ``data/reference.py`` and ``../shared/data/provinces_38.csv``;
  * ``pyproject.toml`` lines about ruff and mypy (to know the checks these files must pass);
  * ``grep -n -A12 "^ISLAND_SHARES" data/simulate.py``: the Economic Census island shares, and,
    inside those 12 lines, the first three of the simulator's assumed urban shares by island
    (Jawa 0.62, Sumatera 0.42, Sulawesi 0.38); the urban shares here were chosen separately;
  * ``grep -n -A8 "def validate_frame" data/validation.py``: its signature and first docstring line;
  * ``tail -40 benchmarks/zoo_reserve_mn_worlds.py``: how a reserve module ends (N's laws,
    blanks and its call of ``_finish_msme``);
  * in ``benchmarks/zoo_worlds.py``: the ``grep`` of ``class World`` / ``EVAL_ROWS`` /
    ``_finish_msme`` / ``msme_reserve_m|n`` / ``HELD_OUT`` and the lines it named (the M/N
    docstring bullet, the registry, the list of names, ``HELD_OUT``).
  * the file names in ``benchmarks/`` (``ls``), and at run time the attribute names of
    ``validate_frame``'s result and the columns of ``province_figures()``;
  * SLIP (small): ``git diff`` of my own edits to ``zoo_worlds.py`` showed three lines of context
    around each: the next docstring bullets (``cm_classification``, ``nw_*``), neighbouring
    registry entries, the names ``FAMILIES`` / ``MSME_FAMILIES`` and the comment above
    ``HELD_OUT`` (which earlier reserve pairs were released, citing the results log by name);
  * SLIP: reading ``World``, ``EVAL_ROWS`` and ``_finish_msme`` I printed lines 70-200 of
    ``zoo_worlds.py`` in one go, so I also saw ``_profiles`` (offline profiles from
    ``data.simulate``), ``_island``, ``_education_level``, the whole of ``msme_access`` (a step
    gain where smartphone-and-internet access meets know-how, under-50 owners gaining most,
    long-standing retailers with access harmed, propensity on NIB/bank/east/revenue, rural
    revenue blanks) and the docstring line of ``msme_against`` ("the least likely to go digital
    alone gain most"). Neither is copied: O's gate is a diagonal age-by-education frontier on
    top of a sector-by-island fit table, its headroom is a smooth factor of p0, and its harm
    falls on older informal WhatsApp sellers; no model was run and no result was read.

Nothing in ``models/``, ``training/``, ``service/``, ``tests/``, ``docs/``, ``benchmarks/results``
or any other world was read, and no model was run on these worlds: only this generator and
numpy/pandas statistics on its arrays (the "Measured" section).

Shared profile draw (`_draw_profile`): offline MSMEs only (the mentoring target; the brief: 87%
of MSMEs offline in 2020), every column of the contract, ``digital_status`` always "offline", no
``cohort`` column (optional in the contract). Figures in brackets: measured, seed 0, 60,000 rows.
  * province: island group by the Economic Census 2016 shares (brief); inside an island group in
    proportion to the province's population (``provinces_38.csv``): ASSUMPTION, as the brief says.
  * area: urban share by island group, Jakarta all urban, Kepulauan Riau 0.8; ASSUMPTION (no
    official split): Jawa 0.58, Bali-Nusa Tenggara 0.45, Kalimantan 0.45, Sumatera 0.40,
    Sulawesi 0.35, Maluku-Papua 0.28 [urban 52.8%].
  * sector: Economic Census 2016 non-farm mix (brief): trade 46.2% -> retail_trade, accommodation &
    food 16.7% -> food_beverage, manufacturing 16.5% split fashion_textile 6.0 / craft 3.5 /
    agri_processing 3.5 / other_manufacturing 3.5 (ASSUMPTION), the rest 20.6% -> services. Tilted
    (ASSUMPTION): agri processing x1.8 off Java, craft x2 in Bali-Nusa Tenggara, services x1.15
    in towns [retail 45.1, services 21.4, food 16.4, fashion 5.6, agri 4.4, craft 3.6, other 3.5].
  * owner age: normal(44, 11) cut to 17-80 (ASSUMPTION). Business age: gamma(1.6, 5.5) in whole
    years, no longer than the owner's working life (ASSUMPTION) [mean 7.9 years].
  * workers: 1 + geometric with a sector mean, and 0.5% small firms of 5-19 (ASSUMPTION) [mean
    1.74, brief: about 1.7 a micro firm; 59.5% one-person firms; 3.4% with 5 or more].
  * revenue: log-normal (sd 1.1) around Rp2 million a month, rising with workers, towns, Java,
    by sector (ASSUMPTION), rounded to Rp10,000 [mean Rp6.1 million, median 3.1; brief: micro
    average Rp76 million a year, about 6.3 million a month].
  * gender: 49.4% women (the 2024 ministry registry, chosen over the 2021 claim of 64.5% as the
    more recent, registry-based figure), women more in food and fashion (ASSUMPTION) [49.2%].
  * education: BPS IMK 2023 shares (brief: 48.6 / 20.2 / 26.6 / 4.7; the 4.7 split 1.9 diploma,
    2.8 bachelor, ASSUMPTION), younger, urban and Java owners higher (a latent score cut at the
    shares' quantiles, so the marginal holds exactly).
  * smartphone: BPS's internet use of persons 5+ (brief: urban 76.3%, rural 59.3%) taken as the
    owners' smartphone share (ASSUMPTION), falling with age, rising with education [urban 78.2%,
    rural 59.8%].
  * internet at the business: none / weak / good from a latent coverage by area and island
    (ASSUMPTION) [18.4 / 37.4 / 44.1; rural 32 / 45 / 23, urban 6 / 31 / 63].
  * bank account (ASSUMPTION: the brief's 88% is about bank *credit*, not accounts) [45.9%]; NIB
    [20.1%] and prior digital training [8.7%]: ASSUMPTIONS, rising with size, town, education.

Baseline and effect sizes (brief): going digital grew from 13% (2020) to 27 million of 64 million
(2023), some 6 million firms a year or about 13% of the offline ones, while BPS's stricter survey
rose 2-3 points a year; the worlds sit between (mean p0 about 8-9%, ASSUMPTION). Mentoring
"succeeds for only 4-10%": read as the gain among those mentored, so average true effects of a
few points (ASSUMPTION on the reading). Both worlds share `_recorded_logit`, the recorded drivers
of going digital alone in the brief's directions: education (strongest), owner age (negative),
town, Java, smartphone, internet, workers, sector (food and services lead), prior training;
gender none (brief: small once controlled).

World O, "platform fit and the selling season" (`msme_reserve_o`):
  * alone: the recorded logit plus three UNRECORDED parts: growth motivation (brief: growth goal
    positive), informal WhatsApp/social-media selling by the owner (brief: social-media use
    positive; more with a smartphone, less with age), firm noise (sd 0.5); the selling season
    adds a little for consumer sectors.
  * gains: mentoring teaches consumer selling on chat and marketplace apps, so the gain is the
    product of (a) a sector x island fit table (food and fashion on Java and Bali-Nusa Tenggara,
    craft in Bali-Nusa Tenggara, agricultural products off Java, retail middling, other
    manufacturing nowhere: B2B; ASSUMPTION), (b) a sharp age-by-education frontier: the owner
    has a smartphone and is no older than 35 + 7 x education level (primary 35, junior 42,
    senior 49, diploma 56, bachelor 63): 1; smartphone beyond it 0.25; none 0.05, (c) headroom
    clip(1.9 - 9 p0, 0.15, 1.9): inside a segment those least likely to go digital alone gain
    most, (d) the UNRECORDED selling season: a cohort starting before the Ramadan-Lebaran peak
    (40%) lifts food, fashion and craft x1.5, otherwise x0.85, (e) an UNRECORDED log-normal
    factor (sd 0.35) and motivation (x0.6-1.4).
  * harmed: smartphone owners beyond the frontier who already sell informally (unrecorded), with
    weak or no internet, in goods sectors (food, fashion, craft, retail): pushed to a
    marketplace they cannot run, they give up selling online at all (-2 to -4 points).
  * mentored: local officials (Dinas Koperasi) pick promising firms: propensity rises with p0's
    own logit (recorded and unrecorded parts, slope 0.9), NIB, bank, motivation, and a district
    quota per province (normal, sd 0.4, drawn per seed). So the mentored have higher p0 and,
    through headroom, a lower gain than average.
  * blanks: revenue NOT at random: the lower the turnover (no bookkeeping), the more blanks, more
    so without NIB or bank; a few business ages blank, more for older owners.

World P, "networks and infrastructure" (`msme_reserve_p`):
  * alone: the recorded logit plus an UNRECORDED community network score (arisan, PKK,
    cooperative, village WhatsApp groups; more in villages, for women and older firms;
    ASSUMPTION) that raises p0 (0.6 a unit), and firm noise (sd 0.4).
  * gains: gated by infrastructure: smartphone with good internet 1, weak 0.55, none 0.08, no
    smartphone 0.03; a smooth dose in business age (a bell on log age peaking at 6 years: 0.35
    to 1) and workers (1 - exp(-(workers - 0.3) / 1.8): 0.3 to 1); the network lowers the gain
    up to a fifth (peers would have taught them); an UNRECORDED mentor-match factor (log-normal,
    sd 0.5); and for 8% of firms an UNRECORDED jump of +5 points unrelated to anything recorded
    (a relative who comes home and runs the phone): a ceiling on what the features explain.
  * harmed: the most networked (network score > 1.5, unrecorded) lose 1.5-3.5 points: the
    programme's formal route pulls them out of the group's reselling.
  * mentored: community nomination: propensity rises with the network (unrecorded, 1.1 a unit),
    good internet (part online sessions), towns, prior training, bank and NIB, lower in
    Maluku-Papua.
  * blanks: business age blank more for old and unregistered firms, less for networked ones (the
    community keeps lists); revenue blank more without a bank account, in villages, less
    networked: the blanks carry a trace of the unrecorded network.

Measured (`python benchmarks/zoo_reserve_op_worlds.py`: this generator's arrays only, no model;
seeds 0-2 at rows=20,000, mean of the three, the spread over seeds in brackets where it is more
than a rounding). Arms and blanks: the history; effects: all 60,000 rows (history and
evaluation), except "mean effect, evaluation" (`World.true_uplift`). Effect = p1 - p0 after
clipping. "explained" = Var(E[effect | recorded]) / Var(effect), E[. | recorded] taken as the
mean over 30 redraws of the unrecorded parts given the recorded profile (less the finite-redraw
share of its variance), on the profile before blanks: the most the recorded features could
explain.

  ==================================================  ==================  ==================
  figure                                              O                   P
  ==================================================  ==================  ==================
  mentored share                                      14.5% (13.1-15.8)   17.4% (16.9-17.8)
  digital within 12 months, mentored                  23.7%               16.2%
  digital within 12 months, not mentored              7.6%                7.6%
  mean p0                                             9.3%                8.4%
  mean true effect, evaluation rows                   +4.0 points         +3.2 points
  mean true effect among the mentored (history)       +3.6 points         +3.1 points
  share harmed (effect < 0)                           2.5%                4.1%
  corr(effect, p0), all                               -0.07               +0.20
  corr(effect, p0), in O's best / P's open segment    -0.59               -0.05
  mean effect, lowest / highest third of p0           +2.7 / +3.7         +2.0 / +4.3
  O: inside frontier, fit >= 0.7 (9.1% of firms)      +11.5 points
  O: inside frontier, fit < 0.7 (26.4%)               +6.3 points
  O: smartphone, beyond frontier (34.2%)              +3.1 points
  O: no smartphone (30.3%)                            +0.8 points
  P: smartphone + good internet (32.6%)                                   +6.4 points
  P: smartphone + weak internet (25.8%)                                   +3.6 points
  P: no internet or no smartphone (41.6%)                                 +0.5 points
  P: good internet, 2+ workers, 3-12 years (7.9%)                         +9.3 points
  blank monthly_revenue_idr                           16.2%               13.6%
  blank business_age_years                            1.9%                8.6%
  explained                                           0.53                0.53
  ==================================================  ==================  ==================

  The raw gap between arms (O: 16 points, P: 9 points) is several times the true effect among
  the mentored: both worlds are strongly confounded, O through p0 itself, P through the network.
  Validation: `data.validation.validate_frame(history, "history")` passes every row (20,000 of
  20,000, no problem) for seeds 0-2 of both worlds, and the evaluation rows as "profile" too.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import expit
from zoo_worlds import EVAL_ROWS, World, _finish_msme

Arr = npt.NDArray[np.float64]

_SEED_O = 7_310_000
_SEED_P = 7_320_000

ISLANDS = ("Jawa", "Sumatera", "Sulawesi", "Bali-Nusa Tenggara", "Kalimantan", "Maluku-Papua")
# Economic Census 2016 (brief).
ISLAND_SHARE = (60.7, 18.6, 8.1, 5.6, 5.0, 1.8)
# ASSUMPTION: no official urban/rural split of MSMEs (brief).
URBAN_SHARE = {
    "Jawa": 0.58,
    "Sumatera": 0.40,
    "Sulawesi": 0.35,
    "Bali-Nusa Tenggara": 0.45,
    "Kalimantan": 0.45,
    "Maluku-Papua": 0.28,
}
URBAN_BY_PROVINCE = {"31": 1.0, "21": 0.8}  # DKI Jakarta; Kepulauan Riau (ASSUMPTION)
SECTOR_SHARE = {  # Economic Census 2016 non-farm mix; manufacturing split is an ASSUMPTION
    "retail_trade": 46.2,
    "food_beverage": 16.7,
    "fashion_textile": 6.0,
    "craft": 3.5,
    "agri_processing": 3.5,
    "other_manufacturing": 3.5,
    "services": 20.6,
}
SECTORS = tuple(SECTOR_SHARE)
# Extra workers beyond the owner (geometric mean) and share of women owners: ASSUMPTIONS.
EXTRA_WORKERS = {
    "retail_trade": 0.55,
    "food_beverage": 0.8,
    "fashion_textile": 0.9,
    "craft": 0.9,
    "agri_processing": 1.0,
    "other_manufacturing": 1.2,
    "services": 0.6,
}
WOMEN_SHARE = {
    "retail_trade": 0.50,
    "food_beverage": 0.68,
    "fashion_textile": 0.70,
    "craft": 0.50,
    "agri_processing": 0.40,
    "other_manufacturing": 0.22,
    "services": 0.33,
}
REVENUE_SHIFT = {  # log revenue by sector (ASSUMPTION)
    "retail_trade": 0.1,
    "food_beverage": 0.0,
    "fashion_textile": 0.05,
    "craft": -0.2,
    "agri_processing": -0.1,
    "other_manufacturing": 0.2,
    "services": -0.1,
}
# BPS IMK 2023 (brief); diploma / bachelor split of 4.7 is an ASSUMPTION.
EDUCATION = (
    ("primary_or_less", 48.6),
    ("junior_secondary", 20.2),
    ("senior_secondary", 26.6),
    ("diploma", 1.9),
    ("bachelor_or_higher", 2.8),
)
INTERNET_COVER = {  # latent coverage by island (ASSUMPTION)
    "Jawa": 0.5,
    "Sumatera": 0.2,
    "Sulawesi": 0.0,
    "Bali-Nusa Tenggara": 0.2,
    "Kalimantan": 0.0,
    "Maluku-Papua": -0.8,
}


def _draw_profile(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, dict[str, Arr]]:
    """Offline MSME profiles (every contract column) and numeric helpers for the laws."""
    from data.reference import province_figures

    figures = province_figures()
    codes: list[str] = []
    weights: list[float] = []
    for group, share in zip(ISLANDS, ISLAND_SHARE, strict=True):
        part = figures[figures["island_group"] == group]
        pop = part["population"].to_numpy(float)
        codes += list(part["province_code"])
        weights += list(share * pop / pop.sum())
    w = np.asarray(weights)
    province = np.asarray(codes)[rng.choice(len(codes), size=n, p=w / w.sum())]
    island_of = dict(zip(figures["province_code"], figures["island_group"], strict=True))
    island = np.asarray([island_of[c] for c in province])

    urban_p = np.asarray([URBAN_SHARE[i] for i in island])
    for code, share in URBAN_BY_PROVINCE.items():
        urban_p = np.where(province == code, share, urban_p)
    urban = (rng.random(n) < urban_p).astype(float)
    java = (island == "Jawa").astype(float)
    east = (island == "Maluku-Papua").astype(float)

    base = np.asarray([SECTOR_SHARE[s] for s in SECTORS])
    tilt = np.tile(base, (n, 1))
    tilt[:, SECTORS.index("agri_processing")] *= np.where(java > 0, 1.0, 1.8)
    tilt[:, SECTORS.index("craft")] *= np.where(island == "Bali-Nusa Tenggara", 2.0, 1.0)
    tilt[:, SECTORS.index("services")] *= np.where(urban > 0, 1.15, 1.0)
    cum = np.cumsum(tilt / tilt.sum(axis=1, keepdims=True), axis=1)
    sector_ix = np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), len(SECTORS) - 1)
    sector = np.asarray(SECTORS)[sector_ix]

    age = np.clip(np.round(rng.normal(44.0, 11.0, n)), 17, 80)
    bage = np.floor(np.minimum(rng.gamma(1.6, 5.5, n), np.maximum(age - 16.0, 0.0)))
    extra = np.asarray([EXTRA_WORKERS[s] for s in sector])
    workers = rng.geometric(1.0 / (1.0 + extra)).astype(float)
    small = rng.random(n) < 0.005
    workers = np.where(small, rng.integers(5, 20, n), np.minimum(workers, 99)).astype(float)
    female = (rng.random(n) < np.asarray([WOMEN_SHARE[s] for s in sector])).astype(float)

    latent_edu = 0.6 * urban - 0.035 * (age - 45.0) + 0.2 * java + rng.normal(0.0, 1.0, n)
    shares = np.asarray([s for _, s in EDUCATION])
    cuts = np.quantile(latent_edu, np.cumsum(shares / shares.sum())[:-1])
    edu = np.searchsorted(cuts, latent_edu).astype(float)
    education = np.asarray([e for e, _ in EDUCATION])[edu.astype(int)]

    log_rev = (
        np.log(2.0e6)
        + 0.55 * np.log(workers)
        + np.asarray([REVENUE_SHIFT[s] for s in sector])
        + 0.25 * urban
        + 0.15 * java
        + rng.normal(0.0, 1.1, n)
    )
    revenue = np.clip(np.round(np.exp(log_rev), -4), 50_000.0, 9.0e9)
    rev_c = np.log(revenue) - np.log(2.5e6)

    phone = (rng.random(n) < expit(0.2 + 0.8 * urban + 0.35 * edu - 0.055 * (age - 45.0))).astype(
        float
    )
    cover = 1.0 * urban + np.asarray([INTERNET_COVER[i] for i in island]) + rng.normal(0, 1, n)
    net = np.select([cover < -0.2, cover < 1.05], [0.0, 1.0], default=2.0)
    bank = (
        rng.random(n) < expit(-0.95 + 0.3 * edu + 0.5 * urban + 0.4 * np.log(workers) + 0.3 * rev_c)
    ).astype(float)
    nib = (
        rng.random(n)
        < expit(-2.35 + 0.5 * bank + 0.25 * edu + 0.4 * np.log(workers) + 0.3 * urban + 0.3 * rev_c)
    ).astype(float)
    train = (
        rng.random(n) < expit(-3.2 + 0.35 * edu - 0.03 * (age - 45.0) + 0.4 * urban + 0.5 * nib)
    ).astype(float)

    frame = pd.DataFrame(
        {
            "msme_id": [f"X{i:07d}" for i in range(n)],  # replaced by `_finish_msme`
            "province_code": province.astype(object),
            "area_type": np.where(urban > 0, "urban", "rural").astype(object),
            "sector": sector.astype(object),
            "business_age_years": bage,
            "workers": workers.astype(np.int64),
            "monthly_revenue_idr": revenue,
            "owner_age": age.astype(np.int64),
            "owner_gender": np.where(female > 0, "female", "male").astype(object),
            "owner_education": education.astype(object),
            "has_smartphone": phone > 0,
            "has_bank_account": bank > 0,
            "has_business_id": nib > 0,
            "prior_digital_training": train > 0,
            "internet_access": np.asarray(["none", "weak", "good"])[net.astype(int)].astype(object),
            "digital_status": "offline",
        }
    )
    h: dict[str, Arr] = {
        "urban": urban,
        "java": java,
        "east": east,
        "age": age,
        "bage": bage,
        "workers": workers,
        "female": female,
        "edu": edu,
        "revenue": revenue,
        "log_rev": rev_c,
        "phone": phone,
        "net": net,
        "bank": bank,
        "nib": nib,
        "train": train,
        "sector": sector_ix.astype(float),
        "island": np.asarray([ISLANDS.index(i) for i in island], dtype=float),
        "province": province.astype(float),
    }
    return frame, h


def _is(h: dict[str, Arr], *sectors: str) -> Arr:
    return np.isin(h["sector"], [SECTORS.index(s) for s in sectors]).astype(float)


SECTOR_P0 = {  # logit shift of going digital alone; brief: services and food lead
    "retail_trade": 0.1,
    "food_beverage": 0.35,
    "fashion_textile": 0.2,
    "craft": 0.0,
    "agri_processing": -0.3,
    "other_manufacturing": -0.35,
    "services": 0.3,
}


def _recorded_logit(h: dict[str, Arr]) -> Arr:
    """The recorded drivers of going digital alone (brief: directions)."""
    sector_shift = np.asarray([SECTOR_P0[s] for s in SECTORS])[h["sector"].astype(int)]
    return np.asarray(
        0.38 * h["edu"]
        - 0.03 * (h["age"] - 45.0)
        + 0.45 * h["urban"]
        + 0.25 * h["java"]
        + 0.5 * h["phone"]
        + 0.25 * (h["net"] == 1)
        + 0.5 * (h["net"] == 2)
        + 0.3 * np.log(h["workers"])
        + sector_shift
        + 0.45 * h["train"]
    )


# ----------------------------------------------------------------------------- world O

# Consumer platform fit, sector x island (columns in `ISLANDS` order): ASSUMPTION.
FIT_O = {
    "food_beverage": (1.0, 0.8, 0.7, 0.9, 0.7, 0.35),
    "fashion_textile": (1.0, 0.7, 0.6, 0.8, 0.6, 0.3),
    "craft": (0.7, 0.4, 0.4, 1.0, 0.4, 0.3),
    "retail_trade": (0.45, 0.4, 0.35, 0.4, 0.35, 0.15),
    "services": (0.6, 0.5, 0.45, 0.7, 0.45, 0.25),
    "agri_processing": (0.3, 0.7, 0.65, 0.4, 0.5, 0.35),
    "other_manufacturing": (0.15, 0.15, 0.15, 0.15, 0.15, 0.1),
}
CONSUMER = ("food_beverage", "fashion_textile", "craft")


def _unrecorded_o(rng: np.random.Generator, h: dict[str, Arr]) -> dict[str, Arr]:
    """What O's history never records, drawn given the recorded profile."""
    n = len(h["age"])
    provinces = np.unique(h["province"])
    quota = dict(zip(provinces, rng.normal(0.0, 0.4, len(provinces)), strict=True))
    return {
        "motivation": rng.normal(0.0, 1.0, n),
        "social": (
            rng.random(n) < expit(-1.8 + 1.5 * h["phone"] - 0.04 * (h["age"] - 40.0))
        ).astype(float),
        "noise": rng.normal(0.0, 0.5, n),
        "season": (rng.random(n) < 0.4).astype(float),
        "gain": rng.normal(0.0, 0.35, n),
        "harm": rng.random(n),
        "quota": np.asarray([quota[p] for p in h["province"]]),
    }


def _laws_o(h: dict[str, Arr], u: dict[str, Arr]) -> tuple[Arr, Arr, Arr]:
    """p0, uplift (before clipping) and propensity of world O."""
    consumer = _is(h, *CONSUMER)
    season = u["season"] * consumer
    z0 = (
        -4.8
        + _recorded_logit(h)
        + 0.35 * u["motivation"]
        + 0.7 * u["social"]
        + 0.2 * season
        + u["noise"]
    )
    p0 = expit(z0)
    fit = np.asarray([FIT_O[s] for s in SECTORS])[h["sector"].astype(int), h["island"].astype(int)]
    frontier = h["age"] <= 35.0 + 7.0 * h["edu"]
    capable = np.where(h["phone"] > 0, np.where(frontier, 1.0, 0.25), 0.05)
    headroom = np.clip(1.9 - 9.0 * p0, 0.15, 1.9)
    season_mult = np.where(consumer > 0, np.where(u["season"] > 0, 1.5, 0.85), 1.0)
    drive = np.clip(1.0 + 0.15 * u["motivation"], 0.6, 1.4)
    gain = 0.19 * fit * capable * headroom * season_mult * drive * np.exp(u["gain"] - 0.35**2 / 2)
    goods = _is(h, *CONSUMER, "retail_trade") > 0
    harmed = (h["phone"] > 0) & ~frontier & (u["social"] > 0) & (h["net"] < 2) & goods
    harm = np.where(harmed, 0.02 + 0.02 * u["harm"], 0.0)
    propensity = expit(
        -2.6
        + 0.9 * (z0 + 2.75)
        + 0.6 * h["nib"]
        + 0.3 * h["bank"]
        + 0.3 * u["motivation"]
        + u["quota"]
    )
    return np.asarray(p0), np.asarray(gain - harm), np.asarray(propensity)


def _blanks_o(rng: np.random.Generator, frame: pd.DataFrame, h: dict[str, Arr]) -> None:
    n = len(frame)
    blank_rev = rng.random(n) < expit(
        -2.5 - 0.8 * h["log_rev"] + 0.6 * (1.0 - h["nib"]) + 0.4 * (1.0 - h["bank"])
    )
    blank_age = rng.random(n) < expit(-4.0 + 0.04 * (h["age"] - 45.0))
    frame.loc[blank_rev, "monthly_revenue_idr"] = np.nan
    frame.loc[blank_age, "business_age_years"] = np.nan


Built = tuple[World, dict[str, Arr], dict[str, Arr], Arr, Arr]


def _build_o(rows: int, seed: int) -> Built:
    rng = np.random.default_rng(_SEED_O + seed)
    n = rows + EVAL_ROWS
    frame, h = _draw_profile(rng, n)
    u = _unrecorded_o(rng, h)
    p0, uplift, propensity = _laws_o(h, u)
    _blanks_o(rng, frame, h)
    world = _finish_msme(
        frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_reserve_o"
    )
    return world, h, u, p0, uplift


def msme_reserve_o(rows: int, seed: int) -> World:
    """Platform fit and the selling season: sector x island fit, an age-by-education frontier."""
    return _build_o(rows, seed)[0]


# ----------------------------------------------------------------------------- world P


def _unrecorded_p(rng: np.random.Generator, h: dict[str, Arr]) -> dict[str, Arr]:
    """What P's history never records, drawn given the recorded profile."""
    n = len(h["age"])
    network = (
        0.3 * (1.0 - h["urban"])
        + 0.3 * h["female"]
        + 0.2 * np.tanh((h["bage"] - 8.0) / 8.0)
        + rng.normal(0.0, 1.0, n)
        - 0.3
    )
    return {
        "network": network,
        "noise": rng.normal(0.0, 0.4, n),
        "mentor": rng.normal(0.0, 0.5, n),
        "jump": (rng.random(n) < 0.08).astype(float),
        "harm": rng.random(n),
    }


def _laws_p(h: dict[str, Arr], u: dict[str, Arr]) -> tuple[Arr, Arr, Arr]:
    """p0, uplift (before clipping) and propensity of world P."""
    network = u["network"]
    p0 = expit(-4.6 + _recorded_logit(h) + 0.6 * network + u["noise"])
    gate = np.where(h["phone"] > 0, np.asarray([0.08, 0.55, 1.0])[h["net"].astype(int)], 0.03)
    dose_age = np.exp(-0.5 * ((np.log(h["bage"] + 0.5) - np.log(6.0)) / 0.8) ** 2)
    dose_workers = 1.0 - np.exp(-(h["workers"] - 0.3) / 1.8)
    peers = 1.0 - 0.2 * np.tanh(np.maximum(network, 0.0))
    gain = (
        0.13
        * gate
        * (0.35 + 0.65 * dose_age)
        * (0.3 + 0.7 * dose_workers)
        * peers
        * np.exp(u["mentor"] - 0.5**2 / 2)
        + 0.05 * u["jump"]
    )
    harm = np.where(network > 1.5, 0.015 + 0.02 * u["harm"], 0.0)
    propensity = expit(
        -2.55
        + 1.1 * network
        + 0.5 * (h["net"] == 2)
        + 0.3 * h["urban"]
        + 0.5 * h["train"]
        + 0.3 * h["bank"]
        + 0.3 * h["nib"]
        - 0.4 * h["east"]
    )
    return np.asarray(p0), np.asarray(gain - harm), np.asarray(propensity)


def _blanks_p(
    rng: np.random.Generator, frame: pd.DataFrame, h: dict[str, Arr], u: dict[str, Arr]
) -> None:
    n = len(frame)
    blank_age = rng.random(n) < expit(
        -3.3 + 0.04 * h["bage"] + 0.6 * (1.0 - h["nib"]) - 0.5 * u["network"]
    )
    blank_rev = rng.random(n) < expit(
        -2.6 + 0.8 * (1.0 - h["bank"]) + 0.4 * (1.0 - h["urban"]) - 0.4 * u["network"]
    )
    frame.loc[blank_rev, "monthly_revenue_idr"] = np.nan
    frame.loc[blank_age, "business_age_years"] = np.nan


def _build_p(rows: int, seed: int) -> Built:
    rng = np.random.default_rng(_SEED_P + seed)
    n = rows + EVAL_ROWS
    frame, h = _draw_profile(rng, n)
    u = _unrecorded_p(rng, h)
    p0, uplift, propensity = _laws_p(h, u)
    _blanks_p(rng, frame, h, u)
    world = _finish_msme(
        frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_reserve_p"
    )
    return world, h, u, p0, uplift


def msme_reserve_p(rows: int, seed: int) -> World:
    """Networks and infrastructure: a gate on phone and internet, doses in age and workers."""
    return _build_p(rows, seed)[0]


# ----------------------------------------------------------------------------- measuring


def _true(p0: Arr, uplift: Arr) -> Arr:
    return np.asarray(np.clip(p0 + uplift, 0.0, 1.0) - p0)


def _segments(name: str, h: dict[str, Arr]) -> dict[str, npt.NDArray[np.bool_]]:
    if name == "o":
        fit = np.asarray([FIT_O[s] for s in SECTORS])[
            h["sector"].astype(int), h["island"].astype(int)
        ]
        inside = (h["phone"] > 0) & (h["age"] <= 35.0 + 7.0 * h["edu"])
        return {
            "inside frontier, fit >= 0.7": inside & (fit >= 0.7),
            "inside frontier, fit < 0.7": inside & (fit < 0.7),
            "smartphone, beyond frontier": (h["phone"] > 0) & ~inside,
            "no smartphone": h["phone"] == 0,
        }
    phone = h["phone"] > 0
    return {
        "smartphone + good internet": phone & (h["net"] == 2),
        "smartphone + weak internet": phone & (h["net"] == 1),
        "no internet or no smartphone": ~phone | (h["net"] == 0),
        "good, 2+ workers, 3-12 years": phone
        & (h["net"] == 2)
        & (h["workers"] >= 2)
        & (h["bage"] >= 3)
        & (h["bage"] <= 12),
    }


def _measure(name: str, seed: int, rows: int = 20_000, redraws: int = 30) -> dict[str, float]:
    """The docstring's figures for one world and seed (generator arrays only, no model)."""
    build, unrecorded, laws = (
        (_build_o, _unrecorded_o, _laws_o) if name == "o" else (_build_p, _unrecorded_p, _laws_p)
    )
    world, h, _, p0, uplift = build(rows, seed)
    true = _true(p0, uplift)
    truth = world.true_uplift
    assert truth is not None
    hist = world.history
    mentored = hist["mentored"].to_numpy(bool)
    digital = hist["digitalized"].to_numpy(bool)
    out = {
        "mentored share": float(mentored.mean()),
        "digital rate, mentored": float(digital[mentored].mean()),
        "digital rate, not mentored": float(digital[~mentored].mean()),
        "mean p0": float(p0.mean()),
        "mean true effect (evaluation)": float(np.mean(truth)),
        "mean true effect, mentored (history)": float(true[:rows][mentored].mean()),
        "share harmed (effect < 0)": float((true < 0).mean()),
        "corr(effect, p0)": float(np.corrcoef(true, p0)[0, 1]),
    }
    tertile = np.quantile(p0, [1 / 3, 2 / 3])
    out["mean effect, lowest p0 third"] = float(true[p0 < tertile[0]].mean())
    out["mean effect, highest p0 third"] = float(true[p0 >= tertile[1]].mean())
    key, first = next(iter(_segments(name, h).items()))
    out[f"corr(effect, p0), {key}"] = float(np.corrcoef(true[first], p0[first])[0, 1])
    for label, mask in _segments(name, h).items():
        out[f"share {label}"] = float(mask.mean())
        out[f"mean effect, {label}"] = float(true[mask].mean())
    for column in ("monthly_revenue_idr", "business_age_years"):
        out[f"blank {column}"] = float(hist[column].isna().mean())
    # explained: Var(E[effect | recorded]) / Var(effect), E[. | recorded] as the mean over
    # redraws of the unrecorded parts (less the finite-redraw part of its variance).
    rng = np.random.default_rng(99_000 + seed)
    draws = np.empty((redraws, len(true)))
    for r in range(redraws):
        p0_r, uplift_r, _ = laws(h, unrecorded(rng, h))
        draws[r] = _true(p0_r, uplift_r)
    within = float(draws.var(axis=0, ddof=1).mean())
    total = float(draws.var(axis=1).mean())
    out["explained"] = (float(draws.mean(axis=0).var()) - within / redraws) / total
    return out


if __name__ == "__main__":
    import sys

    names = sys.argv[1:] or ["o", "p"]
    for world_name in names:
        table = pd.DataFrame({s: _measure(world_name, s) for s in range(3)})
        table["mean"] = table.mean(axis=1)
        print(f"world {world_name}")
        print(table.round(4).to_string())
