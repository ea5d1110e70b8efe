"""FORMERLY HELD IN RESERVE: these worlds were run once at every size on 2026-12-07 with the
default of that day (docs/results-log.md, 2026-12-07 "l"). Their scores are seen now, so they
are ordinary zoo worlds; a lever tuned on them must say so.

Two more MSME worlds, ``msme_reserve_y`` and ``msme_reserve_z``, written blind by a helper
session started for this purpose (not by whoever wrote the pipeline, the models or the other
worlds), on branch ``reserve-yz`` in its own worktree (``/work/wt-yz``), on 2026-12-07. Not
registered: the maintainer registers them as the earlier reserve worlds are (``zoo_worlds`` was
not edited).

What was read, and nothing else of the project:
  * ``/work/shared/docs/domain.md`` and ``/work/shared/data/provinces_38.csv`` (each whole, one
    ``cat``);
  * ``data/contract.py`` and ``data/reference.py`` (each whole, one ``cat``);
  * ``benchmarks/zoo_reserve_wx_worlds.py`` (whole: the template). One ``cat``, whose middle
    (lines 186-849) the tool's display cut, then ``sed -n 186,520p`` and ``sed -n 521,850p``
    and ``wc -l`` (1158 lines). Then, in the worktree's copy (the same commit), ``grep -n`` for
    ``^from __future__``, ``^class _Build``, the world-W section comment and ``^W_TAG`` (lines
    201, 567, 579, 581), ``sed -n 560,578p`` (the end of ``_Build``) and ``sed -n 201,577p``,
    copied here: the population section, from the imports to ``_Build``, unchanged but for its
    opening comment (it now names W/X's file); its ``_contract_problems`` and ``_by_province``
    unchanged; its ``_measure`` and ``__main__`` adapted; its ``_business_age_blank`` rule
    (S/T's) rewritten in world Y;
  * in ``benchmarks/zoo_worlds.py``: one ``grep -n`` for the three patterns ``^class World``,
    ``^EVAL_ROWS`` and ``^def _finish_msme`` (joined by ``\\|``; lines 108, 112, 153), then
    ``sed -n 108,122p`` (``EVAL_ROWS = 40_000`` and the ``World`` dataclass: family, msme,
    history, evaluation, true_uplift, features), ``sed -n 153,170p`` and ``sed -n 171,184p``
    (``_finish_msme``: p1 = clip(p0 + uplift, 0, 1), true = p1 - p0, mentored drawn from
    ``propensity``, the outcome from p1 or p0, ids ``family[:4].upper()`` and a 7-digit number,
    the first ``n_history`` rows the history, the rest the evaluation without ``mentored`` and
    ``digitalized``, true uplift of the evaluation rows; a ``lottery`` flag not used here).
    SLIPS (small): ``sed -n 123,124p``, run to see that the dataclass had ended, showed a blank
    line and the section comment "MSME families"; ``sed -n 171,184p`` ran five lines past the
    body: two blank lines, the signature of ``msme_access(rows, seed, *, lottery=False)``, its
    docstring "Interactions and thresholds: mentoring works where access meets know-how." and
    its rng seed line (``default_rng(10_000 + seed)``); nothing of them is used here;
  * ``data/validation.py`` was not opened: ``_contract_problems`` is the template's, calling
    ``validate_frame(frame, "history")`` as the template does;
  * ``git worktree add`` printed the subject line of the HEAD commit (about the app-wide query
    check running on the event loop); not followed up. No ``ls`` of any folder, no git log;
  * at run time: the numpy (2.4.6), pandas (2.3.3), ruff (0.17.6) and mypy (1.20.2) versions,
    ``nproc``, the load average, ``date``, and ``git status --short`` of the worktree;
  * ``git add`` / ``git commit`` of this file only.

Nothing in ``models/``, ``training/``, ``service/``, ``allocation/``, ``tests/``, ``docs/``,
``benchmarks/results`` or any other benchmark module was read, no git history was looked at,
and no model, learner, probe, ceiling script or ``zoo.py`` was run on these worlds. What was
run: this file's ``__main__`` (four times: once for ``z`` only, the last on this final file),
a scratch script in ``/tmp``
printing ``_measure`` for seed 0 at 20,000 rows (five times, to tune: Y's p0 intercept -4.95 to
-4.6, peak gains x 0.77, buffer median 1.0 to 0.85, hump thresholds 0.35/1/3/8 to 0.3/1/2.5/6,
the ample floor 0.2 to 0.15; Z's p0 intercept -5.0 to -4.65 to -4.72, men's gains lowered, the
women term -0.15 to -0.25, p0 noise 0.4 to 0.5, the toddler curve widened, toddler +0.3 on p0
and the under-56 helper factor added, the group centring 0.45 to 0.40), a scratch determinism
script (below; run twice, the second time on this final file), three one-off prints (the quota
rates; the unrecorded shares; a few ``_measure`` figures to more digits, for rounding), small python
text-replacement scripts editing this file, ``ruff format`` (which reformatted it), ``ruff
check``, ``ruff format --check`` and ``mypy`` on this file. Run it from the worktree with
``PYTHONPATH=<worktree>:<worktree>/benchmarks`` and, outside ``/work/main``,
``UMKM_SHARED_DATA=/work/shared/data``.

Profile draw: W/X's ``_draw_traits`` (itself U/V's and S/T's), copied so this file stands alone;
all its figures and ASSUMPTIONs are those of W/X's docstring: provinces by domain.md's island
shares and population, urban share from density, the Census 2016 sector mix, 64.5% women
CHOSEN, education at BPS IMK 2023 shares, workers mean about 1.9, lognormal revenue with
heaping, smartphone / internet / bank / NIB / training logistic. Both worlds draw offline firms
only: ``digital_status`` is ``offline`` in every row, ``cohort`` is left out (Y's seasons are
unrecorded), the evaluation population is ``EVAL_ROWS`` = 40,000 further rows of the same draw,
and true effects are p1 - p0 with p1 clipped to [0, 1], as ``_finish_msme`` makes them.

Base rates (both worlds): mean p0 about 4.1-4.3% a year, CHOSEN as W/X's between domain.md's
two series for offline firms going digital (Kemenkop's counts, roughly 10% of offline firms a
year from 15.2m in Sep 2021 to 20.8m in Dec 2022 of 64.2m; BPS's stricter surveys about 3%), and
below domain.md's 4-10% success of mentoring. The mentored's digital rate is inside 4-10% (Y
8.5%, Z 7.1%) and the extra over control a few points (domain.md, McKenzie & Woodruff 2014:
small, noisy effects of training).

World Y, "cash on hand and the season" (``msme_reserve_y``). Structural assumptions (sizes
ASSUMPTION; directions from domain.md where it has them):
  * an UNRECORDED WORKING-CAPITAL BUFFER B, months of running costs held as cash, savings or
    stock that sells at once (domain.md: 88% of MSMEs have no bank credit, Kemendagri 2021, so
    the buffer is the firm's own cash): log B = log 0.85 + 0.40 (log revenue - log Rp2.45m) +
    0.40 bank + 0.15 for 2+ workers + sector (trade -0.15, fashion -0.05, agri -0.10, services
    +0.25, other manufacturing +0.05) + normal(0, 0.8). Median 1.23 months; the recorded part
    correlates 0.57 with log B (partly predictable);
  * the gain is an INVERTED U in the buffer of the season (below), with thresholds: nothing
    under 0.3 months (no time or cash to spare), 0.15 of the peak at 0.3 rising linearly in
    log B to the full gain at 1 month, full until 2.5 months, falling to 0.15 at 6 months and
    beyond (the firm has alternatives: a paid admin, a nephew, its own ads). Peak gains by
    sector: food 0.085, trade 0.045, fashion 0.085, craft 0.07, agri 0.06, services 0.07,
    other 0.045; x phone (a smartphone 1; without one 0.7 if the buffer reaches 1.5 months, to
    buy one, else 0.1) x internet (none 0.45, weak 0.9, good 1.05) x lognormal noise (sd 0.3);
  * a SEASON DIMENSION BY SECTOR through two unrecorded cohorts: 2024-02 (45%: five weeks
    before Ramadan 1445, which began on 11-12 March 2024, Lebaran 10 April: the calendar, not
    domain.md) and 2024-08 (55%: after the main March-April and second July-August rice
    harvests, ASSUMPTION). In February food and fashion hold their cash in Lebaran stock
    (buffer x 0.6) but Ramadan orders (cookies, hampers, Muslim clothing) come online at once
    (gain x 1.4); agri-processors are in the lean months before the harvest (buffer x 0.5);
    in August agri-processors are flush (buffer x 1.5). History rows carry the uplift of their
    own season; the evaluation's true effect is the expectation over the two seasons in the
    45/55 shares (p1 clipped in each): the effect of being mentored next time;
  * p0 RISES WITH THE BUFFER throughout while the gain peaks in the middle: logit -4.6 + 0.4
    secondary + 0.3 diploma or more - 0.022 per year of owner age + 0.25 urban + 0.25
    infrastructure + 0.45 smartphone + internet (none -0.6, good +0.3) + sector (food +0.3,
    services +0.25, fashion +0.2, agri -0.3) + 0.2 for 2+ workers + 0.15 bank + 0.35 training
    + 0.35 clip(log B, -2, 2) + 0.4 normal noise. So gain and p0 part at the top of the buffer
    (corr(gain, p0) +0.40 under 1 month, +0.17 from 1 month);
  * HARM: a firm with a phone and under 0.3 months of buffer in its season: the mentor's plan
    (a data package, photos, a paid listing or boosted post, free-shipping fees) eats next
    week's stock money and the sessions eat selling hours; the owner drops it, and the
    WhatsApp catalogue she would have started on her own waits a year: a loss of 20-70%
    (uniform) of p0. 4.15% of firms harmed in the evaluation (mean -0.009);
  * who is mentored (confounded by a recorded variable mentors use, and by the hidden buffer):
    logit -1.85 + 0.9 NIB (mentors enrol from the OSS register: easy to find and call) + 0.45
    clip(log B, -1.5, 1.5) (firms with cash to spare can give an afternoon a week) + 0.3
    training + 0.15 secondary + 0.2 urban, clipped to [0.05, 0.92] (measured 0.074-0.593). NIB
    holders (15%) are mentored 2.2 times as often; the mentored's median buffer is 1.52 times
    the others';
  * blanks, NOT AT RANDOM: firms living from day to day ("uang harian": the takings buy
    tomorrow's stock) do not know a month's turnover: revenue blank logit -3.0 + 0.9 (B < 0.5)
    + 0.5 unbanked (a buffer under half a month 2.1 times as common among the blanks, which
    gain 0.82 times as much); business age blank by S/T's rule (more for old firms and older
    owners). Told revenue heaped as S/T.

World Z, "the owner and her household" (``msme_reserve_z``). Structural assumptions (sizes
ASSUMPTION):
  * the HOUSEHOLD, unrecorded: a HELPER (a son, daughter or other adult at home who sells or
    posts online), chance 0.10 + 0.45 exp(-((age - 52) / 11)^2) + 0.05 urban (33% of firms; by
    owner age 20s 0.13, 30s 0.18, 40s 0.40, 50s 0.55, 60s 0.29, 70s 0.15); a CHILD UNDER FIVE,
    chance 0.6 exp(-((age - 30) / 8)^2) (16.5% of owners); a POOLED PURSE (takings not kept
    apart from the household's), logit -0.9 + 0.8 women - 0.35 secondary - 0.5 bank (33%); a
    WOMEN'S GROUP (arisan, PKK, cooperative), logit -1.0 + 0.7 women + 0.3 rural + 0.015 per
    year of age (40%);
  * the gain RUNS THROUGH THE OWNER: by gender and schooling (primary or less / junior
    secondary / senior secondary or more) men 0.020 / 0.030 / 0.045, women 0.035 / 0.075 /
    0.135 (domain.md: secondary education the strongest driver, +1.23 on MAP2's 0-10 score;
    gender small once controlled, -0.03, but raw gaps large, never used e-commerce women 93%
    against men 84%, digital payments 29% against 38%: the ASSUMPTION is that mentoring fills
    that gap most for schooled women); x an OWNER-AGE THRESHOLD at 56 (domain.md: age
    negative): 56 or over with a helper 0.8, alone 0.15; under 56 with a helper 0.7 (the son or
    daughter would have done it anyway); x a woman owner with a child under five 0.55 (the
    sessions' hours); x a pooled purse 0.6 (nothing set aside for data and ads); x phone (a
    smartphone 1; none 0.3, none but a helper's 0.75) x internet (none 0.5, weak 0.9, good
    1.05) x lognormal noise (sd 0.3). Women with senior secondary or more gain 0.077, men
    0.031; women with primary or less 0.015;
  * HARM: owners of 56 or over with a phone and no helper, once listed online, draw fake
    transfer receipts and "wrong number" scams; after a loss they keep off online selling for
    the year, though a grandchild would have set up a WhatsApp catalogue on a visit: a loss of
    25-70% (uniform) of p0. 4.1% of firms (mean -0.010);
  * p0: logit -4.72 + 0.45 secondary + 0.3 diploma or more - 0.03 per year of owner age + 0.25
    urban + 0.25 infrastructure + 0.45 smartphone + internet (none -0.6, good +0.3) + sector
    (food +0.3, services +0.25, fashion +0.2, agri -0.3) + 0.2 for 2+ workers + 0.2 bank + 0.35
    training - 0.25 women (the raw gap) + 0.5 helper + 0.3 group + 0.3 child under five (young
    mothers already sell in WhatsApp groups) + 0.5 noise. So gender parts gain and p0 (women
    gain more from a lower p0), and so do the helper under 56 (p0 0.055, gain 0.029, against
    0.043 and 0.038 without) and the child under five; schooling moves both the same way;
  * who is mentored: PROVINCE QUOTAS unrelated to the effect: the ministry splits the slots as
    (firms in the province)^0.55, between equal per province and proportional to firms, scaled
    to 20% overall and kept within [0.06, 0.55]: Jawa Barat 0.10, Jawa Timur 0.11, DKI Jakarta
    0.20, Sulawesi Selatan 0.22, Bali 0.32, nine small provinces at the cap 0.55. Filled
    locally through women's groups and with women first: logit = logit(quota rate) + 0.9
    (group - 0.40) + 0.4 (women - 0.64), clipped to [0.04, 0.93] (measured 0.058-0.708).
    Group members 1.63 times as common among the mentored (HIDDEN CONFOUNDING: the group
    raises p0), women 1.17 times; the quota sends mentoring to small, low-infrastructure
    provinces with lower p0 (mentored 0.039, others 0.044), which partly cancels the groups;
  * blanks, NOT AT RANDOM and tied to the gain: owner_education, as the brief for these worlds
    suggested, cannot be blank (the contract's ``owner_education`` is not nullable; only
    ``business_age_years``, ``monthly_revenue_idr`` and ``cohort`` are), so the old owner's
    blank is put in the business age: where a son or daughter at home fills in the form the
    founding year is written; an owner of 56 or over alone often writes "sudah lama" (long
    ago): business age blank logit -3.5 + 2.3 (56 or over, no helper) + 0.03 per year of
    business over 8. 47% of the blanks are such owners (8% of the told), and the blanks gain
    0.54 times as much. Takings in a pooled purse are not counted apart: revenue blank logit
    -3.3 + 1.7 pooled + 0.3 unbanked; the blanks gain 0.78 times as much. Told revenue heaped
    as S/T.

How Y and Z differ from what came before (W/X's docstring lists S/T's, U/V's and the zoo's:
a step where access meets know-how; opposite to the baseline; smooth and logit; an
age-by-education frontier; a sector-by-island table; a paperwork x turnover x phone gate; an
unrecorded social-media habit; S's province-dependent age hump; T's two of three ingredients;
U's crowded cells; V's workers hump x break-even turnover, random harm and provinces without a
programme; W's courier hours by sector; X's mentor quality matched to the readiest and harmed
established e-wallet users; X's blank business age marking new firms; lotteries). Y's gain is
an INVERTED U IN AN UNRECORDED, PARTLY PREDICTABLE CONTINUOUS STOCK (cash), moved by an
unrecorded season that acts by sector on both the stock and the gain, with harm at the scarce
end and p0 rising where the gain falls. Overlap, said plainly: the phone-purchase threshold is
an access x resource step (kin to access x know-how), NIB in the assignment appeared in W,
unrecorded cohorts appeared in X (there for mentor quality), and revenue blanks not at random
appeared in W (there by distance). Z's gain runs through the OWNER'S HOUSEHOLD (a helper who
bridges an age threshold and also raises p0, a child under five, a pooled purse), by gender x
schooling; harm falls on old owners alone; assignment by PROVINCE QUOTAS that follow only the
number of firms. Overlap: the gender x schooling table and the age threshold are kin to the
earlier age-by-education frontier; the business-age blank marks a group as X's did (here old
owners alone, who gain least, not new firms); a per-province assignment term appeared in W (a
random budget) and V (provinces without a programme).

Measured (``python benchmarks/zoo_reserve_yz_worlds.py``: 20,000 history rows and 40,000
evaluation rows, seeds 0 and 1, the mean of the two; 5,000 history rows in brackets where it
differs by more than rounding):

=====================================================  =================  =================
figure                                                 Y                  Z
=====================================================  =================  =================
mean p0 (history / evaluation)                         0.041 / 0.040      0.043 / 0.043
mentored share                                         0.206 (0.204)      0.208 (0.213)
mentored share by province, min / max                  0.14 / 0.27        0.11 / 0.67
                                                       (0.09 / 0.30)      (0.10 / 0.57)
propensity, min / max                                  0.074 / 0.593      0.058 / 0.708
digital rate, mentored                                 0.085 (0.092)      0.071 (0.062)
digital rate, not mentored                             0.040 (0.038)      0.044
mean p0, mentored / not mentored (history)             0.050 / 0.0385     0.039 / 0.044
mean true gain among the mentored (history)            0.034 (0.035)      0.031 (0.030)
mean true gain, all (evaluation)                       0.031              0.031
share harmed (gain < 0, evaluation)                    0.0415 (0.043)     0.041 (0.042)
mean gain of the harmed                                -0.009             -0.010
naive gap minus the mentored's mean gain               +0.011 (+0.019)    -0.004 (-0.012)
mean gain of the top 10% (evaluation)                  0.095              0.117
corr(true gain, p0) (evaluation)                       +0.31              +0.31
blank revenue (history)                                0.075 (0.076)      0.094 (0.092)
blank business age (history)                           0.044 (0.045)      0.049 (0.052)
blank in every other column                            0                  0
=====================================================  =================  =================

Y by buffer (evaluation; share of firms, gain / p0): under 0.3 months 7.0%, -0.005 / 0.016;
0.3-1 month 34.3%, 0.022 / 0.026; 1-2.5 months 34.9%, 0.046 / 0.042; 2.5-6 months 18.3%,
0.039 / 0.062; 6 months or more 5.4%, 0.011 / 0.083. By season (history, all rows, gain):
food and fashion 0.053 in 2024-02 against 0.044 in 2024-08 (evaluation 0.048); agri 0.018
against 0.028 (0.024); other sectors 0.027 in both. Smartphone owners gain 0.040, the rest
0.013. Z by gender and schooling (gain / p0): women primary or less 0.015 / 0.026, junior
0.037 / 0.033, senior or more 0.077 / 0.066; men 0.010 / 0.031, 0.017 / 0.040, 0.031 /
0.079; corr(gain, p0) within women +0.37, within men +0.42. By age and household: under 56
without a helper 0.038 / 0.043, with one 0.029 / 0.055; 56 or over with a helper 0.025 /
0.027, alone -0.003 / 0.014 (15% of owners are 56 or over). A woman with a child under five
(10.6% of firms) gains 0.82 times as much as other women owners; a pooled purse (33%) 0.58
times as much as the rest. The naive gap and the digital rates move by about a point between
seeds (a 20% mentored arm at a 7-9% rate). Determinism (scratch script): each world at 5,000
and 200,000 history rows, seeds 0 and 1, drawn twice gives identical history, evaluation and
true uplift; seeds 0 and 1 differ; the columns and dtypes are the template's (``cohort``
absent). The histories keep the contract (``validate_frame``: no problems) at 5,000 and 20,000
rows, seeds 0 and 1. 200,000 rows draw in about 0.6 s (Y) and 0.4-0.6 s (Z).
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
# As W/X's (benchmarks/zoo_reserve_wx_worlds.py, itself U/V's and S/T's with the factored
# `_phone_logit`, `_bank_logit`, `_nib_logit` and `_Traits.take`), copied unchanged so that this
# file stands alone.

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


# ------------------------------------------------------------------------------ world Y

Y_TAG, Z_TAG = 34_081, 34_082
# ASSUMPTION: the working-capital buffer, months of the firm's running costs (stock, gas, the
# helper's pay, the household's draw) held as cash, savings or stock it can sell at once;
# lognormal around a median set by turnover, a bank account, workers and the sector, with a
# large unrecorded part.
Y_BUFFER_MEDIAN = 0.85
Y_BUFFER_SD = 0.8
Y_BUFFER_REVENUE, Y_BUFFER_BANK, Y_BUFFER_WORKERS = 0.40, 0.40, 0.15
# ASSUMPTION: trade and agri-processing hold their cash as stock and crops; services hold none.
Y_BUFFER_SECTOR = np.array([0.0, -0.15, -0.05, 0.0, -0.10, 0.25, 0.05])
# ASSUMPTION: the inverted U, in months of (seasonal) buffer: no gain below Y_SCARCE, rising
# (linear in the log) to the full gain at Y_FULL_LOW, full until Y_FULL_HIGH, falling to
# Y_AMPLE_FLOOR of it at Y_AMPLE and beyond (the firm has alternatives: a paid admin, a nephew,
# its own ads).
Y_SCARCE, Y_FULL_LOW, Y_FULL_HIGH, Y_AMPLE = 0.3, 1.0, 2.5, 6.0
Y_SCARCE_FLOOR, Y_AMPLE_FLOOR = 0.15, 0.15
Y_PHONE_BUFFER = (
    1.5  # ASSUMPTION: months of buffer to buy a smartphone (about Rp1.5m) when one lacks it
)
# ASSUMPTION: peak gain by sector (contract order: food, retail, fashion, craft, agri, services,
# other).
Y_GAIN = np.array([0.085, 0.045, 0.085, 0.07, 0.06, 0.07, 0.045])
# Cohorts (unrecorded): five weeks before Ramadan 1445 (which began on 11-12 March 2024, Lebaran
# on 10 April: the calendar, not domain.md) and after the main (March-April) and second
# (July-August) rice harvests (ASSUMPTION: the usual Java timing); shares ASSUMPTION.
Y_COHORTS = ("2024-02", "2024-08")
Y_COHORT_SHARE = np.array([0.45, 0.55])
# ASSUMPTION: the season, per cohort and sector: a multiplier of the buffer (February: food and
# fashion have their cash in Lebaran stock, agri-processors are in the lean months before the
# harvest; August: agri-processors are flush after it) and of the gain (February: Ramadan orders
# for cookies, hampers and Muslim clothing come online within the first two months).
Y_SEASON_BUFFER = np.array(
    [
        [0.6, 1.0, 0.6, 1.0, 0.5, 1.0, 1.0],
        [1.0, 1.0, 1.0, 1.0, 1.5, 1.0, 1.0],
    ]
)
Y_SEASON_GAIN = np.array(
    [
        [1.4, 1.0, 1.4, 1.0, 1.0, 1.0, 1.0],
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    ]
)
Y_LOSS = (0.2, 0.7)  # ASSUMPTION: share of p0 lost by a cash-starved firm with a phone (uniform)


def _unrecorded_y(rng: np.random.Generator, t: _Traits) -> dict[str, Floats]:
    n = len(t.age)
    mu = (
        np.log(Y_BUFFER_MEDIAN)
        + Y_BUFFER_REVENUE * _rev_z(t.revenue)
        + Y_BUFFER_BANK * t.bank
        + Y_BUFFER_WORKERS * (t.workers >= 2)
        + Y_BUFFER_SECTOR[t.sector]
    )
    return {
        "buffer": np.exp(mu + rng.normal(0.0, Y_BUFFER_SD, n)),
        "p0": rng.normal(0.0, 1.0, n),
        "gain": rng.lognormal(-0.5 * 0.3**2, 0.3, n),
        "loss": rng.uniform(*Y_LOSS, n),
        "cohort": rng.choice(len(Y_COHORTS), n, p=Y_COHORT_SHARE).astype(np.float64),
    }


def _hump_y(buffer: Floats) -> Floats:
    """The inverted U of the gain in months of buffer (0 below Y_SCARCE, 1 at the top)."""
    log_b = np.log(buffer)
    rise = np.interp(log_b, np.log([Y_SCARCE, Y_FULL_LOW]), [Y_SCARCE_FLOOR, 1.0])
    fall = np.interp(log_b, np.log([Y_FULL_HIGH, Y_AMPLE]), [1.0, Y_AMPLE_FLOOR])
    return np.asarray(np.where(buffer < Y_SCARCE, 0.0, np.minimum(rise, fall)), dtype=np.float64)


def _seasonal_buffer_y(t: _Traits, u: dict[str, Floats], cohort: Ints) -> Floats:
    return np.asarray(u["buffer"] * Y_SEASON_BUFFER[cohort, t.sector], dtype=np.float64)


def _starved_y(t: _Traits, buffer: Floats) -> Flags:
    """Cash-starved firms with a phone: the mentor's plan (a data package, photos, a paid
    listing or boosted post, free-shipping fees) eats the money for next week's stock and the
    sessions eat selling hours; the owner drops it, and the WhatsApp catalogue she would have
    started on her own waits another year."""
    return np.asarray((buffer < Y_SCARCE) & t.smartphone, dtype=np.bool_)


def _uplift_y(t: _Traits, u: dict[str, Floats], p0: Floats, cohort: Ints) -> Floats:
    """World Y's uplift for a firm mentored in this cohort (0 or 1 per row)."""
    buffer = _seasonal_buffer_y(t, u, cohort)
    phone = np.where(t.smartphone, 1.0, np.where(buffer >= Y_PHONE_BUFFER, 0.7, 0.1))
    gain = (
        Y_GAIN[t.sector]
        * Y_SEASON_GAIN[cohort, t.sector]
        * _hump_y(buffer)
        * phone
        * _internet_effect(t.internet, 0.45, 0.9, 1.05)
        * u["gain"]
    )
    return np.asarray(np.where(_starved_y(t, buffer), -u["loss"] * p0, gain), dtype=np.float64)


def _expected_uplift_y(t: _Traits, u: dict[str, Floats], p0: Floats) -> Floats:
    """The true effect of being mentored next time: over the two seasons in the history's
    shares (p1 clipped in each)."""
    total = np.zeros(len(p0))
    for c, share in enumerate(Y_COHORT_SHARE):
        cohort = np.full(len(p0), c, dtype=np.int64)
        total += share * (np.clip(p0 + _uplift_y(t, u, p0, cohort), 0.0, 1.0) - p0)
    return np.asarray(total, dtype=np.float64)


def _p0_y(t: _Traits, u: dict[str, Floats]) -> Floats:
    return _sigmoid(
        -4.6
        + 0.40 * (t.edu >= 2)
        + 0.30 * (t.edu >= 3)
        - 0.022 * (t.age - 45)
        + 0.25 * t.urban
        + 0.25 * t.infra
        + 0.45 * t.smartphone
        + _internet_effect(t.internet, -0.6, 0.0, 0.3)
        + _sector_effect(t.sector, {FOOD: 0.3, SERVICES: 0.25, FASHION: 0.2, AGRI: -0.3})
        + 0.20 * (t.workers >= 2)
        + 0.15 * t.bank
        + 0.35 * t.training
        + 0.35 * np.clip(np.log(u["buffer"]), -2.0, 2.0)
        + 0.40 * u["p0"]
    )


def _propensity_y(t: _Traits, buffer: Floats) -> Floats:
    """Mentors enrol from the OSS register (NIB holders are easy to find and to call); firms
    with some cash to spare can give the sessions an afternoon a week; the trained, the
    schooled and town firms come forward."""
    return np.clip(
        _sigmoid(
            -1.85
            + 0.90 * t.nib
            + 0.45 * np.clip(np.log(buffer), -1.5, 1.5)
            + 0.30 * t.training
            + 0.15 * (t.edu >= 2)
            + 0.20 * t.urban
        ),
        0.05,
        0.92,
    )


def _revenue_blank_y(t: _Traits, buffer: Floats) -> Floats:
    """Firms living from day to day ("uang harian": the takings buy tomorrow's stock) do not
    know a month's turnover; the unbanked leave it blank more often too."""
    return _sigmoid(-3.0 + 0.9 * (buffer < 0.5) + 0.5 * ~t.bank)


def _business_age_blank(t: _Traits) -> Floats:
    """S/T's (and W's): about 5% blank, more for old firms ("sudah lama") and older owners."""
    return _sigmoid(-3.1 + 0.04 * (t.business_age - 8.0) + 0.02 * (t.age - 45))


def _build_y(rows: int, seed: int) -> _Build:
    rng = np.random.default_rng([seed, Y_TAG])
    t = _draw_traits(rng, rows + EVAL_ROWS)
    n = len(t.age)
    u = _unrecorded_y(rng, t)
    p0 = _p0_y(t, u)
    cohort = u["cohort"].astype(np.int64)
    # History rows: the uplift in the (unrecorded) season the firm was listed in; evaluation
    # rows: the expected uplift over the seasons.
    uplift = np.where(
        np.arange(n) < rows, _uplift_y(t, u, p0, cohort), _expected_uplift_y(t, u, p0)
    )
    propensity = _propensity_y(t, u["buffer"])
    recorded = np.where(
        rng.random(n) < _revenue_blank_y(t, u["buffer"]), np.nan, _heaped(t.revenue)
    )
    business_age = np.where(rng.random(n) < _business_age_blank(t), np.nan, t.business_age)
    frame = t.frame(recorded, business_age)
    world = _finish_msme(
        frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_reserve_y"
    )
    harmed = _starved_y(t, _seasonal_buffer_y(t, u, cohort))
    return _Build(
        world,
        t,
        p0,
        np.asarray(uplift, dtype=np.float64),
        propensity,
        harmed,
        recorded,
        business_age,
        {"buffer": u["buffer"], "cohort": u["cohort"]},
    )


# ------------------------------------------------------------------------------ world Z

# All figures of world Z are ASSUMPTIONs unless a domain.md source is named.
# Gain by owner gender (rows: male, female) and schooling (columns: primary or less, junior
# secondary, senior secondary or more), before the household terms (ASSUMPTION; domain.md:
# secondary education the strongest driver, raw gender gaps large).
Z_GAIN = np.array([[0.020, 0.030, 0.045], [0.035, 0.075, 0.135]])
Z_OLD_AGE = 56  # the owner-age threshold
Z_OLD_ALONE, Z_OLD_HELPED = 0.15, 0.8  # gain factor at 56+ without / with a household helper
Z_YOUNG_HELPED = 0.7  # under 56 with a helper: the son or daughter would have done it anyway
Z_TODDLER = 0.55  # a woman owner with a child under five: the sessions' hours
Z_POOLED = 0.6  # takings pooled in the household purse: nothing set aside for data and ads
Z_NO_PHONE, Z_NO_PHONE_HELPED = 0.3, 0.75  # no smartphone; no smartphone but a helper's
Z_FRAUD = (0.25, 0.7)  # share of p0 lost by an old owner listed online without a helper
# Province quotas: slots split as firms ** Z_QUOTA_POWER (between equal per province, 0, and
# proportional to firms, 1), scaled to Z_RATE mentored overall, rates kept in Z_RATE_BOUNDS.
Z_QUOTA_POWER, Z_RATE, Z_RATE_BOUNDS = 0.55, 0.20, (0.06, 0.55)


def _unrecorded_z(rng: np.random.Generator, t: _Traits) -> dict[str, Floats]:
    n = len(t.age)
    helper = np.clip(0.10 + 0.45 * np.exp(-(((t.age - 52) / 11.0) ** 2)) + 0.05 * t.urban, 0, 1)
    toddler = 0.6 * np.exp(-(((t.age - 30) / 8.0) ** 2))
    pooled = _sigmoid(-0.9 + 0.8 * t.female - 0.35 * (t.edu >= 2) - 0.5 * t.bank)
    group = _sigmoid(-1.0 + 0.7 * t.female + 0.3 * ~t.urban + 0.015 * (t.age - 45))
    return {
        "helper": (rng.random(n) < helper).astype(np.float64),
        "toddler": (rng.random(n) < toddler).astype(np.float64),
        "pooled": (rng.random(n) < pooled).astype(np.float64),
        "group": (rng.random(n) < group).astype(np.float64),
        "p0": rng.normal(0.0, 1.0, n),
        "gain": rng.lognormal(-0.5 * 0.3**2, 0.3, n),
        "fraud": rng.uniform(*Z_FRAUD, n),
    }


def _exposed_z(t: _Traits, u: dict[str, Floats]) -> Flags:
    """Owners of 56 or more with a phone and nobody at home who sells online: once listed, the
    shop draws fake transfer receipts and "wrong number" scams; after a loss the owner keeps
    off online selling for the year, though a grandchild would have set up her WhatsApp
    catalogue on a visit."""
    return np.asarray((t.age >= Z_OLD_AGE) & (u["helper"] == 0) & t.smartphone, dtype=np.bool_)


def _p0_z(t: _Traits, u: dict[str, Floats]) -> Floats:
    return _sigmoid(
        -4.72
        + 0.45 * (t.edu >= 2)
        + 0.30 * (t.edu >= 3)
        - 0.030 * (t.age - 45)
        + 0.25 * t.urban
        + 0.25 * t.infra
        + 0.45 * t.smartphone
        + _internet_effect(t.internet, -0.6, 0.0, 0.3)
        + _sector_effect(t.sector, {FOOD: 0.3, SERVICES: 0.25, FASHION: 0.2, AGRI: -0.3})
        + 0.20 * (t.workers >= 2)
        + 0.20 * t.bank
        + 0.35 * t.training
        - 0.25 * t.female
        + 0.50 * u["helper"]
        + 0.30 * u["group"]
        + 0.30 * u["toddler"]
        + 0.50 * u["p0"]
    )


def _uplift_z(t: _Traits, u: dict[str, Floats], p0: Floats) -> Floats:
    """World Z's uplift: the owner's gender and schooling, an age threshold a household helper
    bridges, the hours of a mother of small children, a pooled purse, and a phone (or the
    helper's); harm for old owners listed online alone."""
    helper = u["helper"] > 0
    base = Z_GAIN[t.female.astype(np.int64), np.minimum(t.edu, 2)]
    old = np.where(
        t.age >= Z_OLD_AGE,
        np.where(helper, Z_OLD_HELPED, Z_OLD_ALONE),
        np.where(helper, Z_YOUNG_HELPED, 1.0),
    )
    toddler = np.where(t.female & (u["toddler"] > 0), Z_TODDLER, 1.0)
    pooled = np.where(u["pooled"] > 0, Z_POOLED, 1.0)
    phone = np.where(t.smartphone, 1.0, np.where(helper, Z_NO_PHONE_HELPED, Z_NO_PHONE))
    gain = (
        base
        * old
        * toddler
        * pooled
        * phone
        * _internet_effect(t.internet, 0.5, 0.9, 1.05)
        * u["gain"]
    )
    return np.asarray(np.where(_exposed_z(t, u), -u["fraud"] * p0, gain), dtype=np.float64)


@cache
def _quota_rate_z() -> Floats:
    """Each province's mentored share under the quota (fixed: it follows the number of firms
    only, nothing of the gain)."""
    weight = _provinces().weight
    raw = weight ** (Z_QUOTA_POWER - 1.0)
    low, high = 0.0, 10.0
    for _ in range(60):  # the scale that puts Z_RATE of all firms on the list
        mid = 0.5 * (low + high)
        overall = float(np.sum(weight * np.clip(mid * raw / raw.max(), *Z_RATE_BOUNDS)))
        low, high = (mid, high) if overall < Z_RATE else (low, mid)
    return np.asarray(np.clip(low * raw / raw.max(), *Z_RATE_BOUNDS), dtype=np.float64)


def _propensity_z(t: _Traits, u: dict[str, Floats]) -> Floats:
    """The ministry's province quotas, filled locally through women's groups (arisan, PKK,
    cooperatives: unrecorded) and with women owners first (the programme's target)."""
    rate = _quota_rate_z()[t.province]
    logit = np.log(rate / (1.0 - rate)) + 0.9 * (u["group"] - 0.40) + 0.4 * (t.female - 0.64)
    return np.clip(_sigmoid(logit), 0.04, 0.93)


def _revenue_blank_z(t: _Traits, u: dict[str, Floats]) -> Floats:
    """Takings pooled in the household purse are not counted apart: the turnover is left blank
    far more often; the unbanked a little more often too."""
    return _sigmoid(-3.3 + 1.7 * u["pooled"] + 0.3 * ~t.bank)


def _business_age_blank_z(t: _Traits, u: dict[str, Floats]) -> Floats:
    """Where a son or daughter at home fills in the form the founding year is written; an owner
    of 56 or more filling it in alone often writes "sudah lama" (long ago): blank."""
    alone = (t.age >= Z_OLD_AGE) & (u["helper"] == 0)
    return _sigmoid(-3.5 + 2.3 * alone + 0.03 * (t.business_age - 8.0))


def _build_z(rows: int, seed: int) -> _Build:
    rng = np.random.default_rng([seed, Z_TAG])
    t = _draw_traits(rng, rows + EVAL_ROWS)
    n = len(t.age)
    u = _unrecorded_z(rng, t)
    p0 = _p0_z(t, u)
    uplift = _uplift_z(t, u, p0)
    propensity = _propensity_z(t, u)
    recorded = np.where(rng.random(n) < _revenue_blank_z(t, u), np.nan, _heaped(t.revenue))
    business_age = np.where(rng.random(n) < _business_age_blank_z(t, u), np.nan, t.business_age)
    frame = t.frame(recorded, business_age)
    world = _finish_msme(
        frame, p0, uplift, propensity, rng=rng, n_history=rows, family="msme_reserve_z"
    )
    return _Build(
        world,
        t,
        p0,
        uplift,
        propensity,
        _exposed_z(t, u),
        recorded,
        business_age,
        {key: u[key] for key in ("helper", "toddler", "pooled", "group")},
    )


# ------------------------------------------------------------------------------ public


def msme_reserve_y(rows: int, seed: int) -> World:
    """World Y: a gain shaped as an inverted U in an unrecorded working-capital buffer, moved by
    the season (Ramadan stock, the harvest) by sector, harm for cash-starved firms, mentors who
    enrol NIB holders and firms with cash to spare, and turnover left blank by those who live
    from day to day."""
    return _build_y(rows, seed).world


def msme_reserve_z(rows: int, seed: int) -> World:
    """World Z: a gain that runs through the owner and her household (schooled women gain
    most; at 56 and over only with a helper at home; small children and a pooled purse cut
    it; old owners listed online alone are harmed), assignment by province quotas filled
    through women's groups, and blanks that mark the pooled purse and the old owner alone."""
    return _build_z(rows, seed).world


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
    build = (_build_y if name == "y" else _build_z)(rows, seed)
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
        "propensity, min": float(build.propensity.min()),
        "propensity, max": float(build.propensity.max()),
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
    out["mentored share by province, max"] = float(by_province[counts >= 30].max())
    te = t.take(np.arange(rows, len(t.age)))
    if name == "y":
        buffer = build.extra["buffer"]
        be = buffer[rows:]
        out["buffer, median months (evaluation)"] = float(np.median(be))
        out["corr(log buffer, its recorded part) (evaluation)"] = float(
            np.corrcoef(
                np.log(be),
                Y_BUFFER_REVENUE * _rev_z(te.revenue)
                + Y_BUFFER_BANK * te.bank
                + Y_BUFFER_WORKERS * (te.workers >= 2)
                + Y_BUFFER_SECTOR[te.sector],
            )[0, 1]
        )
        for band, lo, hi in (
            ("< 0.3", 0.0, Y_SCARCE),
            ("0.3-1", Y_SCARCE, Y_FULL_LOW),
            ("1-2.5", Y_FULL_LOW, Y_FULL_HIGH),
            ("2.5-6", Y_FULL_HIGH, Y_AMPLE),
            (">= 6", Y_AMPLE, 1e9),
        ):
            cell = (be >= lo) & (be < hi)
            out[f"buffer {band} m: firms"] = float(cell.mean())
            out[f"buffer {band} m: gain"] = float(evaluation[cell].mean())
            out[f"buffer {band} m: p0"] = float(p0_eval[cell].mean())
        for label, cell in (("< 1 m", be < 1.0), (">= 1 m", be >= 1.0)):
            out[f"corr(gain, p0), buffer {label} (evaluation)"] = float(
                np.corrcoef(evaluation[cell], p0_eval[cell])[0, 1]
            )
        out["buffer, mentored / not, median (history)"] = float(
            np.median(buffer[:rows][mentored]) / np.median(buffer[:rows][~mentored])
        )
        nib = t.nib[:rows]
        out["NIB holders (history)"] = float(nib.mean())
        out["mentored share, NIB / no NIB (history)"] = float(
            mentored[nib].mean() / mentored[~nib].mean()
        )
        cohort = build.extra["cohort"][:rows]
        hs = t.take(np.arange(rows))
        for label, codes in (
            ("food+fashion", (FOOD, FASHION)),
            ("agri", (AGRI,)),
            ("others", (RETAIL, CRAFT, SERVICES, OTHER_MANUF)),
        ):
            sector = hs.in_sector(*codes)
            for c, season in enumerate(Y_COHORTS):
                cell = sector & (cohort == c)
                out[f"{label}, season {season}: gain (history, all rows)"] = float(
                    true[:rows][cell].mean()
                )
            out[f"{label}: gain (evaluation)"] = float(evaluation[te.in_sector(*codes)].mean())
        out["gain, smartphone (evaluation)"] = float(evaluation[te.smartphone].mean())
        out["gain, no smartphone (evaluation)"] = float(evaluation[~te.smartphone].mean())
        blank = np.isnan(build.recorded_revenue[rows:])
        out["mean gain, revenue blank / told (evaluation)"] = float(
            evaluation[blank].mean() / evaluation[~blank].mean()
        )
        out["buffer < 0.5 m among revenue blank / told (evaluation)"] = float(
            (be[blank] < 0.5).mean() / (be[~blank] < 0.5).mean()
        )
    else:
        helper = build.extra["helper"] > 0
        he = helper[rows:]
        for gender, female in (("women", True), ("men", False)):
            for label, lo, hi in (("primary-", 0, 1), ("junior", 1, 2), ("senior+", 2, 9)):
                cell = (te.female == female) & (te.edu >= lo) & (te.edu < hi)
                out[f"{gender}, {label}: gain"] = float(evaluation[cell].mean())
                out[f"{gender}, {label}: p0"] = float(p0_eval[cell].mean())
        for gender, cell in (("women", te.female), ("men", ~te.female)):
            out[f"corr(gain, p0), {gender} (evaluation)"] = float(
                np.corrcoef(evaluation[cell], p0_eval[cell])[0, 1]
            )
        old = te.age >= Z_OLD_AGE
        out["owners 56+ (evaluation)"] = float(old.mean())
        for label, cell in (
            ("age < 56, no helper", ~old & ~he),
            ("age < 56, helper", ~old & he),
            ("age 56+, helper", old & he),
            ("age 56+, alone", old & ~he),
        ):
            out[f"{label}: gain"] = float(evaluation[cell].mean())
            out[f"{label}: p0"] = float(p0_eval[cell].mean())
        for label, key in (("toddler (women)", "toddler"), ("pooled purse", "pooled")):
            flag = build.extra[key][rows:] > 0
            if key == "toddler":
                flag = flag & te.female
                rest = te.female & ~flag
            else:
                rest = ~flag
            out[f"{label}: share"] = float(flag.mean())
            out[f"{label}: gain / the rest's"] = float(
                evaluation[flag].mean() / evaluation[rest].mean()
            )
        group = build.extra["group"] > 0
        out["group members, mentored / not (history)"] = float(
            group[:rows][mentored].mean() / group[:rows][~mentored].mean()
        )
        women = t.female[:rows]
        out["women, mentored / not (history)"] = float(
            women[mentored].mean() / women[~mentored].mean()
        )
        revenue_blank = np.isnan(build.recorded_revenue[rows:])
        age_blank = np.isnan(build.recorded_business_age[rows:])
        out["mean gain, revenue blank / told (evaluation)"] = float(
            evaluation[revenue_blank].mean() / evaluation[~revenue_blank].mean()
        )
        out["mean gain, business age blank / told (evaluation)"] = float(
            evaluation[age_blank].mean() / evaluation[~age_blank].mean()
        )
        out["56+ alone among business age blank (evaluation)"] = float(
            (old & ~he)[age_blank].mean()
        )
        out["56+ alone among business age told (evaluation)"] = float(
            (old & ~he)[~age_blank].mean()
        )
    for column in hist.columns:
        out[f"blank {column}"] = float(hist[column].isna().mean())
    return out


if __name__ == "__main__":
    import sys
    import time

    names = sys.argv[1:] or ["y", "z"]
    for world_name in names:
        build_world = _build_y if world_name == "y" else _build_z
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
        (msme_reserve_y if world_name == "y" else msme_reserve_z)(200_000, 0)
        print(f"200,000 rows drawn in {time.perf_counter() - start:.1f} s\n")
