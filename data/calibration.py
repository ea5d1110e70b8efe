"""The figures the mentoring-history simulator (`data.simulate`) is calibrated to.

Each figure cites its public source in a comment (Kemenkop, BPS, PP 7/2021, the MAP2 2024 survey,
...: the project's domain brief, `../shared/docs/domain.md`, tabled in `data/README.md` under
"Calibration figures") or is an ASSUMPTION listed there (A1-A28). Only data: `data.population`
draws the MSMEs from these figures (`data.simulate` their cohorts), so a figure is changed here
and nowhere else, and changing one changes every simulated file.
"""

from __future__ import annotations

from collections.abc import Mapping

# --- Population: sourced figures -------------------------------------------------------------
# Size classes: micro 99.62%, small 0.30%, medium 0.07% of 64.2 million MSMEs (Kemenkop 2021).
SIZE_SHARES = (0.9962, 0.0030, 0.0007)
# Workers per size class follow the BPS bands (micro < 5, small 5-19, medium 20-99). Within micro
# the mix gives 1.69 workers per firm, near Kemenkop 2019's "about 1.7"; the shape is an ASSUMPTION.
MICRO_WORKER_PROBS = (0.55, 0.27, 0.12, 0.06)  # 1, 2, 3, 4 workers
# Annual sales bands of PP 7/2021 (IDR): micro <= 2 bn, small 2-15 bn, medium 15-50 bn.
MICRO_MAX_ANNUAL_IDR = 2e9
SMALL_ANNUAL_IDR = (2e9, 15e9)
MEDIUM_ANNUAL_IDR = (15e9, 50e9)
# Micro firms average Rp76 million a year (Kemenkop 2019): lognormal, sigma 1.0 (ASSUMPTION),
# median scaled with sqrt(workers); 36.6 m x E[sqrt(workers)] 1.26 x e^0.5 = 76 m.
MICRO_MEDIAN_ANNUAL_IDR_ONE_WORKER = 36.6e6
MICRO_REVENUE_SIGMA = 1.0

# Economic Census 2016, non-farm firms: trade 46.2%, accommodation & food 16.7%, manufacturing
# 16.5%, rest 20.6%. Manufacturing is split by an ASSUMPTION (food 35%, fashion/textile 20%,
# craft 20%, agri-processing 15%, other 10%); all of accommodation & food goes to food_beverage and
# the rest to services (see data/README.md).
_MANUFACTURING = 16.5
SECTOR_SHARES: Mapping[str, float] = {
    "food_beverage": 16.7 + 0.35 * _MANUFACTURING,
    "retail_trade": 46.2,
    "fashion_textile": 0.20 * _MANUFACTURING,
    "craft": 0.20 * _MANUFACTURING,
    "agri_processing": 0.15 * _MANUFACTURING,
    "services": 20.6,
    "other_manufacturing": 0.10 * _MANUFACTURING,
}

# Economic Census 2016, share of firms by island group (sums to 99.8%, normalised). Provinces
# within a group by 2024 civil-registry population: ASSUMPTION (no MSME count by province found);
# equally where the shared data folder with the population is absent (`province_weighting`).
ISLAND_SHARES: Mapping[str, float] = {
    "Jawa": 60.7,
    "Sumatera": 18.6,
    "Sulawesi": 8.1,
    "Bali-Nusa Tenggara": 5.6,
    "Kalimantan": 5.0,
    "Maluku-Papua": 1.8,
}
# Urban share of MSMEs by island group: ASSUMPTION (no official split found); Jakarta all urban.
URBAN_SHARE_BY_ISLAND: Mapping[str, float] = {
    "Jawa": 0.62,
    "Sumatera": 0.42,
    "Sulawesi": 0.38,
    "Bali-Nusa Tenggara": 0.40,
    "Kalimantan": 0.45,
    "Maluku-Papua": 0.30,
}
ALL_URBAN_PROVINCES = ("31",)  # DKI Jakarta

# Owner education of micro and small manufacturers (BPS IMK 2023): primary or less 48.6%, junior
# secondary 20.2%, senior secondary 26.6%, diploma or more 4.7%. "Diploma or more" is split 35/65
# into diploma / bachelor (ASSUMPTION). Urban owners are more educated (latent shift, ASSUMPTION)
# while the overall mix stays the census one.
_DIPLOMA_OR_MORE = 4.7
EDUCATION_SHARES = (48.6, 20.2, 26.6, 0.35 * _DIPLOMA_OR_MORE, 0.65 * _DIPLOMA_OR_MORE)
EDUCATION_URBAN_SHIFT = 0.5

# Owner gender: 49.4% women, the 2024 ministry registry (chosen over a 2021 claim of 64.5%).
FEMALE_SHARE = 0.494

# Internet use of persons aged 5+ (BPS telecommunication statistics 2023): urban 76.3%, rural
# 59.3%; taken as the share of MSMEs whose location has any internet (weak or good).
INTERNET_USE = {"urban": 0.763, "rural": 0.593}
# Among connected MSMEs, the share with good (not weak) internet: ASSUMPTION.
GOOD_INTERNET_SHARE = {"urban": 0.70, "rural": 0.45}
GOOD_INTERNET_ISLAND_PENALTY: Mapping[str, float] = {"Maluku-Papua": 0.20, "Jawa": 0.0}
GOOD_INTERNET_OTHER_ISLAND_PENALTY = 0.05

# Already digital: 13% of MSMEs (Kemenkop, July 2020); DIGITAL_INTERCEPT is tuned to give 13%.
# Having gone digital earlier follows the same drivers, less sharply (weight: ASSUMPTION), so some
# firms with a high chance of adopting this year are still offline (the sure things).
ALREADY_DIGITAL_SHARE = 0.13
DIGITAL_INTERCEPT = 0.088
DIGITAL_BASELINE_WEIGHT = 0.4

# --- Adoption without mentoring (logit of p_digital_if_not); directions from the literature,
# sizes are ASSUMPTIONS -----------------------------------------------------------------------
BASELINE_INTERCEPT = -6.3  # offline MSMEs go digital at ~2.6% a year without mentoring
BASELINE_EDUCATION = (0.0, 0.35, 0.8, 1.1, 1.3)  # education: the strongest driver (MAP2 2024)
BASELINE_AGE_PER_YEAR = -0.03  # owner age: -0.15 points per 5 years on a 0-10 score (MAP2 2024)
BASELINE_URBAN = 0.35
BASELINE_ISLAND: Mapping[str, float] = {"Jawa": 0.25, "Maluku-Papua": -0.35}
BASELINE_GOOD_INTERNET = 0.5
BASELINE_PRIOR_TRAINING = 3.3
BASELINE_LOG_WORKERS = 0.5  # size: 2-10 workers 41% vs one-person 22% digital payments
BASELINE_SECTOR: Mapping[str, float] = {  # services and food lead; trade the largest group online
    "food_beverage": 0.30,
    "retail_trade": 0.15,
    "fashion_textile": 0.15,
    "craft": 0.0,
    "agri_processing": -0.20,
    "services": 0.35,
    "other_manufacturing": -0.10,
}
BASELINE_FEMALE = -0.05  # small once other factors are controlled (MAP2 2024: -0.03, n.s.)
BASELINE_BANK_ACCOUNT = 0.2
BASELINE_BUSINESS_ID = 0.15
BASELINE_BUSINESS_AGE_PER_YEAR = -0.01  # young firms go online more (IFLS5 studies)
BASELINE_NOISE_SD = 0.3  # unobserved drive
# No smartphone or no internet: almost no chance either way (lost causes).
UNCONNECTED_LOGIT_PENALTY = -4.0
UNCONNECTED_UPLIFT_FACTOR = 0.1

# --- Effect of mentoring (probability points); ASSUMPTIONS -------------------------------------
UPLIFT_MAX = 0.106  # tuned: ~7% of mentored offline MSMEs go digital (ministry: 4-10%)
UPLIFT_INTERCEPT = 0.0
UPLIFT_EDUCATION = (-3.0, 1.0, 1.5, 1.2, 0.5)  # secondary-educated owners gain most
UPLIFT_AGE_PEAK = 42.0  # middle-aged owners gain most; the young go digital on their own
UPLIFT_AGE_CURVATURE = -0.005  # per year squared
UPLIFT_GOOD_INTERNET = 0.8
UPLIFT_SECTOR: Mapping[str, float] = {
    "food_beverage": 1.2,
    "retail_trade": 0.6,
    "fashion_textile": 0.6,
    "craft": 0.0,
    "agri_processing": -1.0,
    "services": 1.2,
    "other_manufacturing": -1.0,
}
UPLIFT_PRIOR_TRAINING = -4.0  # trained owners need mentoring less
UPLIFT_LOG_WORKERS = 0.8
# Sure things: uplift fades once the baseline passes ~15% (they go digital anyway).
HEADROOM_CENTRE_P = 0.15
HEADROOM_SLOPE = 2.5
UPLIFT_NOISE_SD = 0.07  # multiplicative, unobserved
# Do-not-disturb, two documented subgroups (ASSUMPTIONS): connected owners with prior digital
# training and a diploma or degree lose a quarter of their own chance (generic mentoring repeats
# what they know and delays their own launch); connected owners aged 60+ lose 40% of theirs
# (sessions take the owner away from the business).
HARM_TRAINED_GRADUATE_SHARE = 0.12
HARM_MIN_OWNER_AGE = 60
HARM_OLDER_OWNER_SHARE = 0.40

# --- Mentoring assignment (confounded, only on observed columns); ASSUMPTIONS -------------------
MENTORING_INTERCEPT = -3.236  # tuned: ~15% of offline MSMEs in the history are mentored
MENTORING_URBAN = 0.8
MENTORING_BUSINESS_ID = 0.9
MENTORING_EDUCATION_PER_LEVEL = 0.25
MENTORING_AGE_PER_YEAR = -0.02
MENTORING_SMARTPHONE = 0.5
MENTORING_GOOD_INTERNET = 0.4
MENTORING_PRIOR_TRAINING = -1.0  # programs skip owners already trained (ASSUMPTION)

# --- Other profile columns; ASSUMPTIONS ----------------------------------------------------------
OWNER_AGE_MEAN_BY_EDUCATION = (50.0, 45.0, 41.0, 39.0, 40.0)
OWNER_AGE_SD = 10.0
OWNER_AGE_RANGE = (18, 80)
BUSINESS_AGE_GAMMA = (1.8, 5.0)  # shape, scale: mean 9 years
SMARTPHONE_IF_NO_INTERNET = 0.40
NULL_BUSINESS_AGE_SHARE = 0.02
NULL_REVENUE_SHARE = 0.05
COHORTS = tuple(f"{year}-{month:02d}" for year in (2023, 2024) for month in range(1, 13))
