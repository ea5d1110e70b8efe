"""Worlds with known effects for the evaluation zoo (`benchmarks/zoo.py`).

Each world gives a training history and a separate evaluation population of the same world with
its true uplift (or, where no truth exists, a randomised evaluation part for the Qini). Families:

* ``simulator``: our own simulator (`data.simulate`), the world the defaults were first built on;
* ``msme_access``: MSME-contract profiles, effects from interactions and thresholds (access times
  know-how, owner age and business size thresholds), assignment confounded by NIB, bank account,
  revenue and island group, informative missing revenue, a few harmed;
* ``msme_against``: effects opposite to the baseline chance of going digital (those least likely to
  go digital alone gain most), a geographic effect through the province code, mentors choosing
  likely successes (assignment follows the baseline), missing business age, harmed older owners;
* ``msme_access_lottery`` / ``msme_against_lottery``: the same two worlds (profiles, adoption,
  effects, missingness) with assignment drawn at random at the same share mentored, as in a
  pilot that drew its participants: the randomised MSME worlds beside the randomised generic
  ones below (added 2026-12-05 to test rules that would treat randomised histories apart);
* ``msme_smooth``: smooth effects (rising with revenue, peaking for mid-career owners, by sector,
  larger in a scattered set of "digital hub" provinces, none without a phone and signal),
  mentors who pick by a noisy guess of the effect, low revenue left blank more often (added
  2026-12-05, after the defaults were set, as a world none of them was tuned on);
* ``msme_logit``: mentoring shifts the log-odds (so it helps most those near an even chance),
  the shift from formality, education, women in crafts and food, small firms and the island
  group; the programme's priorities (regions, women, rural firms) pick who is mentored; young
  owners leave the business age blank more often (added 2026-12-05 afternoon, after every
  default was set, and run once);
* ``msme_blind_a`` / ``msme_blind_b`` (`benchmarks/zoo_blind_worlds.py`): two worlds written on
  2026-12-05 by a helper that saw only the data contract and this module's `World` interface (not
  the pipeline, its results or the other worlds' functions), with their own profile generator,
  run once with the default of that day;
* ``msme_heldout_c`` / ``msme_heldout_d`` (`benchmarks/zoo_heldout_worlds.py`): two more worlds
  written the same way on 2026-12-05, held out until the refit at two folds needed checking,
  run once then (docs/results-log.md, 2026-12-05 "i");
* ``msme_reserve_e`` / ``msme_reserve_f`` (`benchmarks/zoo_reserve_worlds.py`): two more worlds
  written the same way on 2026-12-05 evening, held in reserve until the refit at two folds needed
  checking, run once then (docs/results-log.md, 2026-12-05 "j");
* ``msme_reserve_g`` / ``msme_reserve_h`` (`benchmarks/zoo_reserve_gh_worlds.py`): two more
  worlds written the same way on 2026-12-05 night, held in reserve until a lever needed checking
  (larger outcome trees for large histories, not kept), run once then at every size
  (docs/results-log.md, 2026-12-05 "k");
* ``msme_reserve_i`` / ``msme_reserve_j`` (`benchmarks/zoo_reserve_ij_worlds.py`): two more
  worlds written the same way on 2026-12-05 night, held in reserve, then run once at every size
  to check the default out of sample (docs/results-log.md, 2026-12-05 "m");
* ``msme_reserve_k`` / ``msme_reserve_l`` (`benchmarks/zoo_reserve_kl_worlds.py`): two more
  worlds written the same way on 2026-12-05 night, held in reserve, then run once at every size
  to check the default out of sample (docs/results-log.md, 2026-12-06 "b");
* ``msme_reserve_m`` / ``msme_reserve_n`` (`benchmarks/zoo_reserve_mn_worlds.py`): two more
  worlds written the same way on 2026-12-06, held in reserve until they were run once with the
  default on 2026-12-07 (docs/results-log.md, 2026-12-07 "b");
* ``msme_reserve_o`` / ``msme_reserve_p`` (`benchmarks/zoo_reserve_op_worlds.py`): two more
  reserve worlds written blind on 2026-12-07 (O: sector-by-island platform fit, an
  age-by-education frontier and a selling season; P: a phone-and-internet gate with doses in
  business age and workers, an unrecorded community network), held in reserve until they checked
  a lever on 2026-12-07, random split thresholds for the effect trees of small histories
  (docs/results-log.md, 2026-12-07 "d");
* ``msme_reserve_q`` / ``msme_reserve_r`` (`benchmarks/zoo_reserve_qr_worlds.py`): two more
  reserve worlds written blind on 2026-12-07 (Q: payment onboarding, a gain gated by paperwork,
  turnover band and a smartphone, an unrecorded growth goal, informal firms wary of tax harmed;
  R: an online application form, an unrecorded social-media habit driving who applies, the
  chance alone and the gain, a mentor load per province), held in reserve until a lever was
  checked on them and they were run once at every size with the default on 2026-12-07
  (docs/results-log.md, 2026-12-07 "e");
* ``msme_reserve_s`` / ``msme_reserve_t`` (`benchmarks/zoo_reserve_st_worlds.py`): two more
  reserve worlds written blind on 2026-12-07 (S: a gain peaking at an owner age that moves with
  the province's digital ecosystem, harm in proportion to the base chance for equipped food and
  service firms, targeting that changed between two unrecorded cohorts; T: a gain where exactly
  two of three ingredients are held, misreported turnover, mentors picking visible shops),
  held in reserve until they were run once at every size with the default on 2026-12-07
  (docs/results-log.md, 2026-12-07 "g");
* ``msme_reserve_u`` / ``msme_reserve_v`` (`benchmarks/zoo_reserve_uv_worlds.py`): two more
  reserve worlds written blind on 2026-12-07 (U: a gain that falls with the share of firms
  already online in the province and sector, mentor slots given in order of an unrecorded
  application date, two columns blank together not at random; V: a gain peaking at about three
  workers times a break-even turnover by sector, a random 7% harmed, mentoring very uneven by
  province), held in reserve until they checked the served copy made the default on
  2026-12-07 (docs/results-log.md, 2026-12-07 "i");
* ``msme_reserve_w`` / ``msme_reserve_x`` (`benchmarks/zoo_reserve_wx_worlds.py`): two more
  reserve worlds written blind on 2026-12-07 (W: an unrecorded travel time to the provincial
  courier hub, gains by sector and distance band with spoilage and cash-on-delivery thresholds,
  mentors travelling out from the capital, turnover blank more often far out; X: mentor quality
  by province and an unrecorded cohort, the best mentors given to the easiest cases, gains
  falling with business age and flipping sign for established firms whose owners already use an
  e-wallet, a blank business age marking new firms), held in reserve until they were run once
  at every size with the default on 2026-12-07 (docs/results-log.md, 2026-12-07 "j");
* ``msme_reserve_y`` / ``msme_reserve_z`` (`benchmarks/zoo_reserve_yz_worlds.py`): two more
  reserve worlds written blind on 2026-12-07 (Y: an unrecorded cash buffer with a gain shaped
  as an inverted U in it, two unrecorded seasons by sector, harm for firms with almost no cash,
  mentoring favouring business-ID holders; Z: the gain running through the owner's gender,
  schooling, age and an unrecorded household, with harm for older owners alone, province
  quotas unrelated to the effect, two informative blanks), held in reserve until they were run
  once at every size with the default on 2026-12-07 (docs/results-log.md, 2026-12-07 "l");
* ``msme_reserve_aa`` / ``msme_reserve_ab`` (`benchmarks/zoo_reserve_ab_worlds.py`): two more
  reserve worlds written blind on 2026-12-07 (AA: QR payments whose gain switches on with an
  unrecorded local density of customers who pay by QR, scaled by phone and signal, harm for
  one-person makers where that density is low, two unrecorded intake waves with mentor agencies
  busy on different islands, the evaluation population a later intake; AB: a gain peaking at a
  middle band of turnover per worker against the sector's, in firms of 3-9 workers, falling
  with the owner's age, by sector unrelated to the baseline, an unrecorded growth motivation
  that raises both the gain and the chance of applying, turnover and business age blank not at
  random), held in reserve until they were run once at every size with the default on
  2026-12-07 (docs/results-log.md, 2026-12-07 "n");
* ``msme_reserve_ac`` / ``msme_reserve_ad`` (`benchmarks/zoo_reserve_ad_worlds.py`): two more
  reserve worlds written blind on 2026-12-07 (AC: an unrecorded match between the firm and a
  mentor who speaks its regional language, drawn at the province's share of such mentors, the
  least ready owners gaining most with one and least without, harm for old dependent owners
  given a mentor from elsewhere, local mentors recruiting through their own networks; AD: a
  business-age window for the gain, an unrecorded demand for online orders that raises the
  baseline, shrinks the gain and drives a bank's lead list, harm for rural makers of bulky
  goods in the east, blanks set by the arm in the history, and an evaluation population moved
  east and rural), held in reserve until they were run once at every size with the default on
  2026-12-07 (docs/results-log.md, 2026-12-07 "q");
* ``msme_reserve_ae`` / ``msme_reserve_af`` (`benchmarks/zoo_reserve_af_worlds.py`): two more
  reserve worlds written blind on 2026-12-07 (AE: a smooth gain in turnover and owner age, an
  unrecorded relative who already sells online raising the baseline and the gain, mentoring by
  a cut-off on a readiness score with thin overlap below it, harm for labour-intensive firms
  with thin margins; AF: a gain per province x sector cell shrunk to its island group's, a weak
  signal from few successes, each province mentoring all, by lottery or by an officer's
  choice, harm from a provincial app outside Java, and an evaluation population heavier in
  makers), held in reserve until they were run once at every size with the default on
  2026-12-08 (docs/results-log.md, 2026-12-08 "s");
* ``msme_reserve_ag`` / ``msme_reserve_ah`` (`benchmarks/zoo_reserve_ah_worlds.py`): two more
  reserve worlds written blind on 2026-12-08 (AG: a gain peaking at a middle digital readiness,
  partly unrecorded, unrelated to the baseline, mentoring in three unrecorded waves each
  targeted its own way, a follow-up survey that misses more digital firms among the
  non-mentored, blanks by wave, an evaluation population in a later market; AH: about 8.5% of
  firms, makers of a product that keeps and ships, carrying most of the gain, levelling off at
  four workers, slight harm for old owners without schooling, NIB or bank, district quotas
  filled first-come from a registration link by unrecorded motivation that also raises the
  baseline), **held in reserve**: not run (and left out of the default families, `HELD_OUT`)
  until a change tuned on the other worlds needs checking;
* ``cm_classification``: causalml's `make_uplift_classification` (randomised, no row-level truth:
  Qini on a held-out part);
* ``nw_a`` / ``nw_b`` / ``nw_d``: causalml's Nie–Wager setups A (difficult nuisance, easy effect),
  B (randomised trial) and D (unrelated arms) of `synthetic_data`, outcome binarised through a
  logistic link so that the truth is p1 - p0 per row.

The MSME families reuse the simulator's profile columns only (who the MSMEs are; blind A and B
and reserve K and L draw their own); their
adoption, effect, assignment and missingness are built here, with other structural assumptions
than the simulator. Nothing in the pipeline's defaults was tuned on these worlds' seeds beyond
what the zoo and lever tables of docs/results.md and docs/results-log.md report.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from scipy.special import expit

EVAL_ROWS = 40_000


@dataclass(frozen=True)
class World:
    """A training history and an evaluation population of one world."""

    family: str
    msme: bool  # follows the MSME data contract (else: numeric features x1..xp, w, y)
    history: pd.DataFrame
    evaluation: pd.DataFrame
    true_uplift: np.ndarray | None  # per evaluation row; None: Qini on evaluation's w, y
    features: tuple[str, ...] = ()


# ----------------------------------------------------------------------------- MSME families


def _profiles(rows: int, seed: int) -> pd.DataFrame:
    """Offline MSME profiles drawn from the simulator's population (columns only)."""
    from data.simulate import simulate

    sim = simulate(rows=1, seed=seed, candidates=int(rows * 1.25) + 200)
    frame = sim.candidates
    frame = frame[frame["digital_status"] == "offline"].reset_index(drop=True)
    return frame.iloc[:rows].copy()


def _island(frame: pd.DataFrame) -> np.ndarray:
    first = frame["province_code"].astype(str).str[0].to_numpy()
    return first


def _education_level(frame: pd.DataFrame) -> np.ndarray:
    """Owner education as its order, 0 (primary or less) to 4 (bachelor or higher)."""
    levels = {
        "primary_or_less": 0,
        "junior_secondary": 1,
        "senior_secondary": 2,
        "diploma": 3,
        "bachelor_or_higher": 4,
    }
    return frame["owner_education"].map(levels).to_numpy(float)


def _finish_msme(
    frame: pd.DataFrame,
    p0: np.ndarray,
    uplift: np.ndarray,
    propensity: np.ndarray,
    *,
    rng: np.random.Generator,
    n_history: int,
    family: str,
    lottery: bool = False,
) -> World:
    p1 = np.clip(p0 + uplift, 0.0, 1.0)
    true = p1 - p0
    if lottery:  # a pilot that drew who is mentored: the same share mentored, at random
        propensity = np.full(len(propensity), float(np.mean(propensity)))
        family = f"{family}_lottery"
    mentored = rng.random(len(frame)) < propensity
    y = rng.random(len(frame)) < np.where(mentored, p1, p0)
    frame = frame.copy()
    frame["mentored"] = mentored
    frame["digitalized"] = y
    frame["msme_id"] = [f"{family[:4].upper()}{i:07d}" for i in range(len(frame))]
    history = frame.iloc[:n_history].reset_index(drop=True)
    evaluation = (
        frame.iloc[n_history:].drop(columns=["mentored", "digitalized"]).reset_index(drop=True)
    )
    return World(family, True, history, evaluation, true[n_history:])


def msme_access(rows: int, seed: int, *, lottery: bool = False) -> World:
    """Interactions and thresholds: mentoring works where access meets know-how."""
    rng = np.random.default_rng(10_000 + seed)
    frame = _profiles(rows + EVAL_ROWS, seed + 500)
    edu = _education_level(frame)
    access = (
        frame["has_smartphone"].to_numpy(bool) & (frame["internet_access"] != "none").to_numpy()
    )
    knowhow = (edu >= 2) | frame["prior_digital_training"].to_numpy(bool)
    age = frame["owner_age"].to_numpy(float)
    workers = frame["workers"].to_numpy(float)
    revenue = frame["monthly_revenue_idr"].to_numpy(float)
    log_rev = np.log1p(np.nan_to_num(revenue, nan=np.nanmedian(revenue))) - 15.0
    urban = (frame["area_type"] == "urban").to_numpy(float)
    bank = frame["has_bank_account"].to_numpy(float)
    nib = frame["has_business_id"].to_numpy(float)
    island = _island(frame)
    java = (island == "3").astype(float)
    east = np.isin(island, ["8", "9"]).astype(float)
    p0 = expit(
        -3.6 + 0.7 * urban + 0.35 * np.log(workers) + 0.5 * bank + 0.3 * java + 0.25 * log_rev
    )
    uplift = np.select(
        [
            access & knowhow & (age < 50),
            access & knowhow,
            access & ~knowhow & (workers >= 3),
        ],
        [0.14, 0.06, 0.04],
        default=0.0,
    )
    harmed = (frame["sector"] == "retail_trade").to_numpy() & (
        frame["business_age_years"].fillna(0).to_numpy(float) > 15
    )
    uplift = np.where(harmed & access, -0.03, uplift)
    propensity = expit(-1.8 + 1.0 * nib + 0.7 * bank - 0.6 * east + 0.3 * log_rev)
    # Informative missingness: rural owners leave revenue blank more often.
    missing = rng.random(len(frame)) < np.where(urban > 0, 0.05, 0.18)
    frame.loc[missing, "monthly_revenue_idr"] = np.nan
    return _finish_msme(
        frame,
        p0,
        uplift,
        propensity,
        rng=rng,
        n_history=rows,
        family="msme_access",
        lottery=lottery,
    )


def msme_against(rows: int, seed: int, *, lottery: bool = False) -> World:
    """Effects against the baseline: the least likely to go digital alone gain most."""
    rng = np.random.default_rng(20_000 + seed)
    frame = _profiles(rows + EVAL_ROWS, seed + 900)
    edu = _education_level(frame)
    revenue = frame["monthly_revenue_idr"].to_numpy(float)
    log_rev = np.log1p(np.nan_to_num(revenue, nan=np.nanmedian(revenue))) - 15.0
    urban = (frame["area_type"] == "urban").to_numpy(float)
    connected = frame["has_smartphone"].to_numpy(bool) & (
        frame["internet_access"] != "none"
    ).to_numpy(bool)
    age = frame["owner_age"].to_numpy(float)
    workers = frame["workers"].to_numpy(float)
    female = (frame["owner_gender"] == "female").to_numpy(float)
    island = _island(frame)
    baseline_logit = -3.4 + 0.45 * edu + 0.4 * log_rev + 0.6 * urban - 0.02 * (age - 45)
    p0 = expit(baseline_logit)
    uplift = 0.16 * expit(-(baseline_logit + 2.0) * 1.5)
    uplift = uplift + np.where(np.isin(island, ["1", "6"]), 0.03, 0.0) + 0.025 * female
    uplift = uplift * np.where((workers >= 2) & (workers <= 9), 1.4, 0.8)
    uplift = np.where(connected, uplift, 0.0)
    uplift = np.where(island == "9", 0.2 * uplift, uplift)  # Papua: signal too sparse
    uplift = np.where(age >= 65, -0.02, uplift)  # older owners put off by the programme
    # Mentors pick likely successes: assignment follows the baseline chance and the city.
    propensity = expit(-1.2 + 0.9 * (baseline_logit + 3.0) + 0.4 * urban)
    missing = rng.random(len(frame)) < np.where(age > 55, 0.25, 0.08)
    frame.loc[missing, "business_age_years"] = np.nan
    return _finish_msme(
        frame,
        p0,
        uplift,
        propensity,
        rng=rng,
        n_history=rows,
        family="msme_against",
        lottery=lottery,
    )


def msme_smooth(rows: int, seed: int) -> World:
    """Smooth effects and mentors who guess them: the uplift rises with revenue, peaks for
    owners in mid-career, differs by sector and is larger in a scattered set of "digital hub"
    provinces (not neighbours in code order); assignment follows a noisy guess of the effect."""
    rng = np.random.default_rng(60_000 + seed)
    frame = _profiles(rows + EVAL_ROWS, seed + 1300)
    revenue = frame["monthly_revenue_idr"].to_numpy(float)
    log_rev = np.log(np.nan_to_num(revenue, nan=np.nanmedian(revenue))) - np.log(3.7e6)
    age = frame["owner_age"].to_numpy(float)
    workers = frame["workers"].to_numpy(float)
    business_age = frame["business_age_years"].to_numpy(float)
    urban = (frame["area_type"] == "urban").to_numpy(float)
    female = (frame["owner_gender"] == "female").to_numpy(float)
    trained = frame["prior_digital_training"].to_numpy(float)
    internet = frame["internet_access"].to_numpy(str)
    signal = np.select([internet == "good", internet == "weak"], [1.0, 0.5], default=0.0)
    signal = signal * frame["has_smartphone"].to_numpy(float)
    sector = (
        frame["sector"]
        .map(
            {
                "food_beverage": 1.3,
                "fashion_textile": 1.2,
                "craft": 1.1,
                "services": 1.0,
                "retail_trade": 0.8,
                "other_manufacturing": 0.6,
                "agri_processing": 0.4,
            }
        )
        .to_numpy(float)
    )
    hub = frame["province_code"].astype(str).isin(["12", "18", "31", "34", "51", "64", "72"])
    p0 = expit(
        -3.3
        + 0.5 * log_rev
        + 0.4 * urban
        - 0.0008 * (age - 40) ** 2
        + 0.3 * trained
        + 0.35 * (internet == "good")
    )
    uplift = (
        0.13
        * expit(1.6 * (log_rev + 0.3))
        * np.exp(-(((age - 38) / 16) ** 2))
        * sector
        * (1.0 + 0.6 * hub.to_numpy(float))
        * signal
    )
    harmed = (np.nan_to_num(business_age, nan=0.0) > 20) & (workers >= 5)
    uplift = np.where(harmed, -0.02, uplift)
    guess = uplift + rng.normal(0.0, 0.03, len(frame))
    propensity = expit(-1.6 + 8.0 * guess + 0.4 * female - 0.3 * (1 - urban))
    # Low revenue is left blank more often (missing not at random).
    missing = rng.random(len(frame)) < expit(-2.5 - 1.2 * log_rev)
    frame.loc[missing, "monthly_revenue_idr"] = np.nan
    return _finish_msme(
        frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_smooth"
    )


def msme_logit(rows: int, seed: int) -> World:
    """Mentoring shifts the log-odds: the same shift helps most those near an even chance, so
    the uplift rises and falls with the baseline; the shift comes from formality (NIB or bank
    account), education, women in crafts and food, small firms and the island group (through
    the province code's first digit), and is none without a smartphone; older owners in agri-
    processing are put off. The programme's own priorities pick who is mentored (eastern and
    Sulawesi/Kalimantan provinces, women, rural firms), and young owners leave the business age
    blank more often."""
    rng = np.random.default_rng(70_000 + seed)
    frame = _profiles(rows + EVAL_ROWS, seed + 1700)
    edu = _education_level(frame)
    revenue = frame["monthly_revenue_idr"].to_numpy(float)
    log_rev = np.log(np.nan_to_num(revenue, nan=np.nanmedian(revenue))) - np.log(3.7e6)
    age = frame["owner_age"].to_numpy(float)
    workers = frame["workers"].to_numpy(float)
    urban = (frame["area_type"] == "urban").to_numpy(float)
    female = (frame["owner_gender"] == "female").to_numpy(float)
    phone = frame["has_smartphone"].to_numpy(bool)
    good_signal = (frame["internet_access"] == "good").to_numpy(float)
    formal = frame["has_business_id"].to_numpy(bool) | frame["has_bank_account"].to_numpy(bool)
    sector = frame["sector"].to_numpy(str)
    island = _island(frame)
    baseline_logit = (
        -3.3
        + 0.5 * urban
        + 0.3 * log_rev
        + 0.4 * good_signal * phone
        + 0.2 * edu
        - 0.015 * (age - 45)
    )
    island_shift = pd.Series(island).map({"6": 0.5, "7": 0.5, "5": 0.3, "8": -0.3, "9": -0.3})
    shift = (
        0.8 * formal
        + 0.4 * (edu >= 3)
        + 0.3 * female * np.isin(sector, ["food_beverage", "fashion_textile", "craft"])
        - 0.5 * (workers >= 5)
        + island_shift.fillna(0.0).to_numpy(float)
    )
    shift = np.where(phone, shift, 0.0)
    shift = np.where((age > 62) & (sector == "agri_processing"), -0.5, shift)
    p0 = expit(baseline_logit)
    uplift = expit(baseline_logit + shift) - p0
    # The programme's priorities, not the mentors' guesses: eastern and Sulawesi/Kalimantan
    # provinces, women and rural firms first.
    priority = np.isin(island, ["6", "7", "8", "9"]).astype(float)
    propensity = np.clip(
        expit(-1.4 + 0.8 * priority + 0.5 * female - 0.4 * urban + 0.3 * formal), 0.03, 0.9
    )
    missing = rng.random(len(frame)) < np.where(age < 30, 0.15, 0.03)
    frame.loc[missing, "business_age_years"] = np.nan
    return _finish_msme(frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_logit")


def simulator(rows: int, seed: int) -> World:
    """Our simulator: history and candidates, with the candidates' truth."""
    from data.simulate import simulate

    sim = simulate(rows=rows, seed=seed, candidates=EVAL_ROWS)
    truth = sim.truth.set_index("msme_id")["true_uplift"]
    candidates = sim.candidates[sim.candidates["digital_status"] == "offline"].reset_index(
        drop=True
    )
    true = truth.reindex(candidates["msme_id"]).to_numpy(float)
    return World("simulator", True, sim.history, candidates, true)


# ----------------------------------------------------------------------------- generic families


def _generic(
    family: str,
    X: np.ndarray,
    w: np.ndarray,
    y: np.ndarray,
    true: np.ndarray | None,
    *,
    n_history: int,
) -> World:
    names = tuple(f"x{j + 1}" for j in range(X.shape[1]))
    frame = pd.DataFrame(X, columns=list(names))
    frame["w"] = w.astype(int)
    frame["y"] = y.astype(int)
    history = frame.iloc[:n_history].reset_index(drop=True)
    evaluation = frame.iloc[n_history:].reset_index(drop=True)
    return World(
        family,
        False,
        history,
        evaluation,
        None if true is None else true[n_history:],
        names,
    )


def nie_wager(mode: int, family: str) -> Callable[[int, int], World]:
    def make(rows: int, seed: int) -> World:
        from causalml.dataset import synthetic_data

        np.random.seed(30_000 + 97 * mode + seed)
        n = rows + EVAL_ROWS
        _, X, w, tau, b, _ = synthetic_data(mode=mode, n=n, p=8, sigma=1.0)
        # y = b + (w - 1/2) tau + noise in the paper; binarised through a logistic link with a
        # threshold that makes going to 1 fairly rare (10-25%).
        mu0, mu1 = b - 0.5 * tau, b + 0.5 * tau
        centre = float(np.quantile(b, 0.85))
        p0, p1 = expit(1.5 * (mu0 - centre)), expit(1.5 * (mu1 - centre))
        rng = np.random.default_rng(40_000 + seed)
        y = rng.random(n) < np.where(w == 1, p1, p0)
        return _generic(family, X, w, y, p1 - p0, n_history=rows)

    return make


def cm_classification(rows: int, seed: int) -> World:
    from causalml.dataset import make_uplift_classification

    n = rows + EVAL_ROWS
    df, names = make_uplift_classification(
        n_samples=n // 2,
        treatment_name=["control", "treatment1"],
        n_classification_features=10,
        n_classification_informative=5,
        n_uplift_increase_dict={"treatment1": 3},
        n_uplift_decrease_dict={"treatment1": 1},
        delta_uplift_increase_dict={"treatment1": 0.05},
        delta_uplift_decrease_dict={"treatment1": 0.01},
        n_uplift_increase_mix_informative_dict={"treatment1": 1},
        n_uplift_decrease_mix_informative_dict={"treatment1": 0},
        positive_class_proportion=0.1,
        random_seed=50_000 + seed,
    )
    df = df.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    X = df[names].to_numpy(float)
    w = (df["treatment_group_key"] == "treatment1").to_numpy(int)
    y = df["conversion"].to_numpy(int)
    return _generic(
        "cm_classification", X, w, y, None, n_history=min(rows, len(df) - EVAL_ROWS // 2)
    )


def _outside(module: str, name: str) -> Callable[[int, int], World]:
    """A world written by a helper without sight of the pipeline (`zoo_blind_worlds`,
    `zoo_heldout_worlds`, `zoo_reserve_worlds`), imported when drawn: those modules build on
    this one."""

    def make(rows: int, seed: int) -> World:
        world: Callable[[int, int], World] = getattr(importlib.import_module(module), name)
        return world(rows, seed)

    return make


FAMILIES: dict[str, Callable[[int, int], World]] = {
    "simulator": simulator,
    "msme_access": msme_access,
    "msme_against": msme_against,
    "msme_access_lottery": partial(msme_access, lottery=True),
    "msme_against_lottery": partial(msme_against, lottery=True),
    "msme_smooth": msme_smooth,
    "msme_logit": msme_logit,
    "msme_blind_a": _outside("zoo_blind_worlds", "msme_blind_a"),
    "msme_blind_b": _outside("zoo_blind_worlds", "msme_blind_b"),
    "msme_heldout_c": _outside("zoo_heldout_worlds", "msme_heldout_c"),
    "msme_heldout_d": _outside("zoo_heldout_worlds", "msme_heldout_d"),
    "msme_reserve_e": _outside("zoo_reserve_worlds", "msme_reserve_e"),
    "msme_reserve_f": _outside("zoo_reserve_worlds", "msme_reserve_f"),
    "msme_reserve_g": _outside("zoo_reserve_gh_worlds", "msme_reserve_g"),
    "msme_reserve_h": _outside("zoo_reserve_gh_worlds", "msme_reserve_h"),
    "msme_reserve_i": _outside("zoo_reserve_ij_worlds", "msme_reserve_i"),
    "msme_reserve_j": _outside("zoo_reserve_ij_worlds", "msme_reserve_j"),
    "msme_reserve_k": _outside("zoo_reserve_kl_worlds", "msme_reserve_k"),
    "msme_reserve_l": _outside("zoo_reserve_kl_worlds", "msme_reserve_l"),
    "msme_reserve_m": _outside("zoo_reserve_mn_worlds", "msme_reserve_m"),
    "msme_reserve_n": _outside("zoo_reserve_mn_worlds", "msme_reserve_n"),
    "msme_reserve_o": _outside("zoo_reserve_op_worlds", "msme_reserve_o"),
    "msme_reserve_p": _outside("zoo_reserve_op_worlds", "msme_reserve_p"),
    "msme_reserve_q": _outside("zoo_reserve_qr_worlds", "msme_reserve_q"),
    "msme_reserve_r": _outside("zoo_reserve_qr_worlds", "msme_reserve_r"),
    "msme_reserve_s": _outside("zoo_reserve_st_worlds", "msme_reserve_s"),
    "msme_reserve_t": _outside("zoo_reserve_st_worlds", "msme_reserve_t"),
    "msme_reserve_u": _outside("zoo_reserve_uv_worlds", "msme_reserve_u"),
    "msme_reserve_v": _outside("zoo_reserve_uv_worlds", "msme_reserve_v"),
    "msme_reserve_w": _outside("zoo_reserve_wx_worlds", "msme_reserve_w"),
    "msme_reserve_x": _outside("zoo_reserve_wx_worlds", "msme_reserve_x"),
    "msme_reserve_y": _outside("zoo_reserve_yz_worlds", "msme_reserve_y"),
    "msme_reserve_z": _outside("zoo_reserve_yz_worlds", "msme_reserve_z"),
    "msme_reserve_aa": _outside("zoo_reserve_ab_worlds", "msme_reserve_aa"),
    "msme_reserve_ab": _outside("zoo_reserve_ab_worlds", "msme_reserve_ab"),
    "msme_reserve_ac": _outside("zoo_reserve_ad_worlds", "msme_reserve_ac"),
    "msme_reserve_ad": _outside("zoo_reserve_ad_worlds", "msme_reserve_ad"),
    "msme_reserve_ae": _outside("zoo_reserve_af_worlds", "msme_reserve_ae"),
    "msme_reserve_af": _outside("zoo_reserve_af_worlds", "msme_reserve_af"),
    "msme_reserve_ag": _outside("zoo_reserve_ah_worlds", "msme_reserve_ag"),
    "msme_reserve_ah": _outside("zoo_reserve_ah_worlds", "msme_reserve_ah"),
    "cm_classification": cm_classification,
    "nw_a": nie_wager(1, "nw_a"),
    "nw_b": nie_wager(2, "nw_b"),
    "nw_d": nie_wager(4, "nw_d"),
}
MSME_FAMILIES = (
    "simulator",
    "msme_access",
    "msme_against",
    "msme_access_lottery",
    "msme_against_lottery",
    "msme_smooth",
    "msme_logit",
    "msme_blind_a",
    "msme_blind_b",
    "msme_heldout_c",
    "msme_heldout_d",
    "msme_reserve_e",
    "msme_reserve_f",
    "msme_reserve_g",
    "msme_reserve_h",
    "msme_reserve_i",
    "msme_reserve_j",
    "msme_reserve_k",
    "msme_reserve_l",
    "msme_reserve_m",
    "msme_reserve_n",
    "msme_reserve_o",
    "msme_reserve_p",
    "msme_reserve_q",
    "msme_reserve_r",
    "msme_reserve_s",
    "msme_reserve_t",
    "msme_reserve_u",
    "msme_reserve_v",
    "msme_reserve_w",
    "msme_reserve_x",
    "msme_reserve_y",
    "msme_reserve_z",
    "msme_reserve_aa",
    "msme_reserve_ab",
    "msme_reserve_ac",
    "msme_reserve_ad",
    "msme_reserve_ae",
    "msme_reserve_af",
    "msme_reserve_ag",
    "msme_reserve_ah",
)
# Not run until a change tuned on the other worlds needs checking: left out of the zoo's and the
# ceiling's default families (name them with --families to run them). The held-out pair C and D
# was run once, on 2026-12-05 (docs/results-log.md, "i"), the reserve pair E and F on 2026-12-05
# night (docs/results-log.md, "j"), G and H the same night to check a lever
# (docs/results-log.md, "k"), I and J to check the default out of sample (docs/results-log.md, "m"),
# K and L the same way on 2026-12-06 (docs/results-log.md, 2026-12-06 "b"), M and N on 2026-12-07
# (docs/results-log.md, 2026-12-07 "b"), O and P to check a lever the same day (docs/results-log.md,
# 2026-12-07 "d"), Q and R to check another (docs/results-log.md, 2026-12-07 "e"), S and T
# to check the default out of sample (docs/results-log.md, 2026-12-07 "g"), U and V to check
# the served copy made the default (docs/results-log.md, 2026-12-07 "i"), W and X to check
# the default out of sample again (docs/results-log.md, 2026-12-07 "j"), Y and Z to check
# the copy's depth limit out of sample (docs/results-log.md, 2026-12-07 "l"), AA and AB to
# check the default out of sample again (docs/results-log.md, 2026-12-07 "n"), AC and AD the same
# way (docs/results-log.md, 2026-12-07 "q"), AE and AF the same way on 2026-12-08
# (docs/results-log.md, 2026-12-08 "s"); all are ordinary families now.
HELD_OUT = ("msme_reserve_ag", "msme_reserve_ah")
