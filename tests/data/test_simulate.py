"""The simulator: reproducible, on contract, and calibrated to its sources within stated tolerances.

Calibration checks run on one 200,000-row sample (about a second to simulate); every tolerance
below is also listed in data/README.md ("Calibration achieved").
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import data.calibration as cal
import data.simulate as sim
from data.contract import (
    COHORT_PATTERN,
    EDUCATION_LEVELS,
    HISTORY_COLUMNS,
    PROFILE_COLUMNS,
    SECTORS,
    ColumnSpec,
)
from data.reference import island_group_by_province, province_codes
from data.segments import SEGMENTS, STIMULUS_GROUP, assign_segments
from tests.data.contract_table import contract_table

REPO = Path(__file__).resolve().parents[2]
LARGE_ROWS = 200_000
LARGE_SEED = 2024

# Tolerances (absolute, as shares) of the calibration checks; data/README.md lists the same.
TOL_MICRO = 0.001
TOL_MICRO_WORKERS = 0.05
TOL_MICRO_REVENUE_RELATIVE = 0.05
TOL_SECTOR = 0.01
TOL_ISLAND = 0.01
TOL_EDUCATION = 0.01
TOL_DIPLOMA_OR_MORE = 0.005
TOL_FEMALE = 0.01
TOL_INTERNET = 0.01
TOL_DIGITAL = 0.01
TOL_MENTORED = 0.02
TOL_SUCCESS = 0.01  # around 7%, and always inside the ministry's 4–10%
TOL_NULLS = 0.005
MIN_SEGMENT_SHARE = 0.005
RESPONSE_RANKING_MAX_CAPTURE = 0.70


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def large() -> sim.Simulation:
    return sim.simulate(LARGE_ROWS, LARGE_SEED)


@pytest.fixture(scope="module")
def history(large: sim.Simulation) -> pd.DataFrame:
    """History rows with their truth joined in."""
    return large.history.merge(large.truth, on="msme_id", how="left", validate="one_to_one")


@pytest.fixture(scope="module")
def offline(history: pd.DataFrame) -> pd.DataFrame:
    return history[history["digital_status"] == "offline"]


def _share(mask: pd.Series) -> float:
    return float(mask.mean())


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- reproducibility ----------------------------------------------------------------------------


def test_same_seed_same_frames() -> None:
    first = sim.simulate(3_000, seed=7)
    second = sim.simulate(3_000, seed=7)
    for name in ("history", "candidates", "truth"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))


def test_different_seeds_differ() -> None:
    first = sim.simulate(3_000, seed=7)
    other = sim.simulate(3_000, seed=8)
    assert not first.history.drop(columns="msme_id").equals(other.history.drop(columns="msme_id"))
    assert not first.truth["p_digital_if_not"].equals(other.truth["p_digital_if_not"])


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_files_are_byte_identical_for_a_seed(tmp_path: Path, fmt: sim.FileFormat) -> None:
    first = sim.simulate_to_dir(2_000, seed=3, output=tmp_path / "a", fmt=fmt)
    second = sim.simulate_to_dir(2_000, seed=3, output=tmp_path / "b", fmt=fmt)
    assert set(first) == {"history", "candidates", "truth"}
    for name, path in first.items():
        assert path.name == f"{name}.{fmt}"
        assert _digest(path) == _digest(second[name])
    assert not list((tmp_path / "a").glob("*.partial"))


def test_files_hold_the_in_memory_simulation(tmp_path: Path) -> None:
    paths = sim.simulate_to_dir(2_500, seed=5, output=tmp_path, candidates=300)
    expected = sim.simulate(2_500, seed=5, candidates=300)
    for name, path in paths.items():
        pd.testing.assert_frame_equal(pq.read_table(path).to_pandas(), getattr(expected, name))


def test_chunks_join_into_one_id_sequence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sim, "CHUNK_ROWS", 1_000)
    result = sim.simulate(2_500, seed=1, candidates=2_100)
    assert list(result.history["msme_id"]) == [f"H1-{i:07d}" for i in range(1, 2_501)]
    assert list(result.candidates["msme_id"]) == [f"C1-{i:07d}" for i in range(1, 2_101)]


# --- contract -----------------------------------------------------------------------------------

_DTYPES = {"integer": "int64", "number": "float64", "boolean": "bool"}


def _check_against_contract(frame: pd.DataFrame, specs: tuple[ColumnSpec, ...]) -> None:
    assert list(frame.columns) == [spec.name for spec in specs]
    for spec in specs:
        values = frame[spec.name]
        if spec.kind in _DTYPES:
            assert str(values.dtype) == _DTYPES[spec.kind], spec.name
        else:
            assert all(isinstance(value, str) for value in values), spec.name
        if not spec.nullable:
            assert values.notna().all(), spec.name
        if spec.allowed:
            assert set(values.unique()) <= set(spec.allowed), spec.name
        if spec.minimum is not None:
            assert values.min() >= spec.minimum, spec.name
        if spec.maximum is not None:
            assert values.max() <= spec.maximum, spec.name
        if spec.pattern:
            assert values.dropna().str.fullmatch(spec.pattern.strip("^$")).all(), spec.name
    assert set(frame["province_code"]) <= set(province_codes())


def test_history_and_candidates_follow_the_contract(large: sim.Simulation) -> None:
    _check_against_contract(large.history, HISTORY_COLUMNS)
    _check_against_contract(large.candidates, PROFILE_COLUMNS)
    assert list(large.truth.columns) == list(sim.TRUTH_COLUMNS)


def test_ids_are_unique_across_files_and_truth_covers_both(large: sim.Simulation) -> None:
    ids = pd.concat([large.history["msme_id"], large.candidates["msme_id"]], ignore_index=True)
    assert ids.is_unique
    assert list(large.truth["msme_id"]) == list(ids)
    assert large.history["msme_id"].str.startswith("H").all()
    assert large.candidates["msme_id"].str.startswith("C").all()


def test_candidates_are_offline_and_default_to_a_tenth(large: sim.Simulation) -> None:
    assert len(large.candidates) == LARGE_ROWS // 10
    assert (large.candidates["digital_status"] == "offline").all()


def test_already_digital_rows_are_not_mentored_and_count_as_digitalized(
    history: pd.DataFrame,
) -> None:
    digital = history[history["digital_status"] == "digital"]
    assert not digital["mentored"].any()
    assert digital["digitalized"].all()
    assert (digital["true_segment"] == STIMULUS_GROUP).all()
    assert digital[["p_digital_if_mentored", "p_digital_if_not", "true_uplift"]].isna().all().all()


def test_cohorts_are_months_of_2023_and_2024(large: sim.Simulation) -> None:
    cohorts = large.history["cohort"]
    assert cohorts.str.fullmatch(COHORT_PATTERN.strip("^$")).all()
    assert cohorts.min() == "2023-01"
    assert cohorts.max() == "2024-12"


def test_nulls_only_where_documented(large: sim.Simulation) -> None:
    history = large.history
    assert abs(_share(history["business_age_years"].isna()) - cal.NULL_BUSINESS_AGE_SHARE) <= (
        TOL_NULLS
    )
    assert abs(_share(history["monthly_revenue_idr"].isna()) - cal.NULL_REVENUE_SHARE) <= TOL_NULLS
    others = history.drop(columns=["business_age_years", "monthly_revenue_idr"])
    assert others.notna().all().all()


def test_csv_spells_booleans_and_keeps_province_codes_as_text(tmp_path: Path) -> None:
    paths = sim.simulate_to_dir(1_000, seed=2, output=tmp_path, fmt="csv")
    text = pd.read_csv(paths["history"], dtype=str, keep_default_na=False)
    for name in ("has_smartphone", "mentored", "digitalized"):
        assert set(text[name]) == {"true", "false"}
    assert text["province_code"].str.fullmatch(r"\d{2}").all()
    assert (text["business_age_years"] == "").any()  # missing values are empty cells
    assert text["msme_id"].iloc[0] == "H2-0000001"


def test_simulated_files_pass_validation(tmp_path: Path) -> None:
    validation = pytest.importorskip("data.validation", reason="data.validation not written yet")
    for fmt in ("csv", "parquet"):
        paths = sim.simulate_to_dir(3_000, seed=9, output=tmp_path / fmt, fmt=fmt)
        history = validation.validate_file(paths["history"], "history", extra_columns="forbid")
        candidates = validation.validate_file(
            paths["candidates"], "profile", extra_columns="forbid"
        )
        assert history.ok, [str(problem) for problem in history.problems[:5]]
        assert candidates.ok, [str(problem) for problem in candidates.problems[:5]]
        assert (history.n_valid, candidates.n_valid) == (3_000, 300)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rows": 0}, "rows must be at least 1"),
        ({"seed": -1}, "seed must be 0 or more"),
        ({"candidates": 0}, "candidates must be at least 1"),
        ({"fmt": "xlsx"}, "format must be 'parquet' or 'csv'"),
    ],
)
def test_bad_arguments_are_refused(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"rows": 10, "seed": 0, "output": tmp_path} | kwargs
    with pytest.raises(ValueError, match=re.escape(message)):
        sim.simulate_to_dir(**arguments)  # type: ignore[arg-type]


# --- calibration to the sources -----------------------------------------------------------------


def test_size_mix_matches_kemenkop_and_bps_bands(history: pd.DataFrame) -> None:
    micro = history["workers"] < 5
    assert abs(_share(micro) - cal.SIZE_SHARES[0]) <= TOL_MICRO
    assert abs(history.loc[micro, "workers"].mean() - 1.7) <= TOL_MICRO_WORKERS
    annual = history.loc[micro, "monthly_revenue_idr"].dropna() * 12
    assert abs(annual.mean() / 76e6 - 1) <= TOL_MICRO_REVENUE_RELATIVE
    assert annual.max() <= cal.MICRO_MAX_ANNUAL_IDR  # PP 7/2021 micro ceiling
    small = (history["workers"] >= 5) & (history["workers"] < 20)
    small_annual = history.loc[small, "monthly_revenue_idr"].dropna() * 12
    assert small_annual.between(*cal.SMALL_ANNUAL_IDR).all()
    assert history["workers"].max() <= 99


def test_sector_mix_matches_economic_census(history: pd.DataFrame) -> None:
    shares = history["sector"].value_counts(normalize=True)
    total = sum(cal.SECTOR_SHARES.values())
    for sector in SECTORS:
        assert abs(shares[sector] - cal.SECTOR_SHARES[sector] / total) <= TOL_SECTOR, sector
    census_trade = 0.462
    assert abs(shares["retail_trade"] - census_trade) <= TOL_SECTOR


def test_island_shares_match_economic_census(history: pd.DataFrame) -> None:
    islands = history["province_code"].map(island_group_by_province())
    shares = islands.value_counts(normalize=True)
    total = sum(cal.ISLAND_SHARES.values())
    for island, share in cal.ISLAND_SHARES.items():
        assert abs(shares[island] - share / total) <= TOL_ISLAND, island


def test_owner_education_matches_bps_imk(history: pd.DataFrame) -> None:
    shares = history["owner_education"].value_counts(normalize=True)
    for level, target in zip(EDUCATION_LEVELS[:3], (0.486, 0.202, 0.266), strict=True):
        assert abs(shares[level] - target) <= TOL_EDUCATION, level
    diploma_or_more = shares["diploma"] + shares["bachelor_or_higher"]
    assert abs(diploma_or_more - 0.047) <= TOL_DIPLOMA_OR_MORE
    urban = history["area_type"] == "urban"
    primary = history["owner_education"] == "primary_or_less"
    assert _share(primary[urban]) < _share(primary[~urban])  # urban owners more educated


def test_owner_gender_uses_the_2024_registry(history: pd.DataFrame) -> None:
    assert abs(_share(history["owner_gender"] == "female") - 0.494) <= TOL_FEMALE


def test_internet_access_matches_bps_urban_and_rural_use(history: pd.DataFrame) -> None:
    connected = history["internet_access"] != "none"
    urban = history["area_type"] == "urban"
    assert abs(_share(connected[urban]) - 0.763) <= TOL_INTERNET
    assert abs(_share(connected[~urban]) - 0.593) <= TOL_INTERNET


def test_thirteen_percent_already_digital(history: pd.DataFrame) -> None:
    assert (
        abs(_share(history["digital_status"] == "digital") - cal.ALREADY_DIGITAL_SHARE)
        <= TOL_DIGITAL
    )


def test_mentoring_is_scarce_and_succeeds_for_four_to_ten_percent(offline: pd.DataFrame) -> None:
    mentored = offline["mentored"]
    assert abs(_share(mentored) - 0.15) <= TOL_MENTORED
    success = _share(offline.loc[mentored, "digitalized"])
    assert 0.04 <= success <= 0.10
    assert abs(success - 0.07) <= TOL_SUCCESS
    expected = offline.loc[mentored, "p_digital_if_mentored"].mean()
    assert abs(expected - 0.07) <= TOL_SUCCESS


def test_mentoring_is_confounded(offline: pd.DataFrame) -> None:
    rate = offline.groupby("area_type")["mentored"].mean()
    assert rate["urban"] >= 1.5 * rate["rural"]
    by_id = offline.groupby("has_business_id")["mentored"].mean()
    assert by_id[True] >= 1.5 * by_id[False]
    # Mentors pick easier businesses: connected, educated owners.
    connected = offline["has_smartphone"] & (offline["internet_access"] != "none")
    by_connection = offline.groupby(connected)["mentored"].mean()
    assert by_connection[True] >= 1.3 * by_connection[False]
    by_education = offline.groupby("owner_education")["mentored"].mean()
    assert by_education["senior_secondary"] >= 1.5 * by_education["primary_or_less"]


def test_adoption_drivers_point_the_literature_s_way(offline: pd.DataFrame) -> None:
    p_not = offline["p_digital_if_not"]
    by_education = p_not.groupby(offline["owner_education"]).mean()
    assert by_education["bachelor_or_higher"] > by_education["primary_or_less"]
    assert list(by_education[list(EDUCATION_LEVELS[:3])]) == sorted(
        by_education[list(EDUCATION_LEVELS[:3])]
    )
    by_area = p_not.groupby(offline["area_type"]).mean()
    assert by_area["urban"] > by_area["rural"]
    by_island = p_not.groupby(offline["province_code"].map(island_group_by_province())).mean()
    assert by_island["Jawa"] > by_island["Maluku-Papua"]
    ages = pd.cut(offline["owner_age"], [14, 30, 40, 50, 60, 100])
    by_age = p_not.groupby(ages, observed=True).mean()
    assert by_age.is_monotonic_decreasing
    connected = offline["has_smartphone"] & (offline["internet_access"] != "none")
    assert p_not[connected].mean() > 5 * p_not[~connected].mean()
    assert (
        p_not[offline["prior_digital_training"]].mean()
        > p_not[~offline["prior_digital_training"]].mean()
    )
    assert p_not[offline["workers"] >= 2].mean() > p_not[offline["workers"] == 1].mean()
    by_sector = p_not.groupby(offline["sector"]).mean()
    assert (
        by_sector[["services", "food_beverage"]].min()
        > by_sector.drop(["services", "food_beverage"]).max()
    )
    by_gender = p_not.groupby(offline["owner_gender"]).mean()
    assert abs(by_gender["female"] - by_gender["male"]) < 0.005  # small gap


# --- the true effect ----------------------------------------------------------------------------


def test_truth_is_consistent(large: sim.Simulation) -> None:
    truth = large.truth.dropna()
    pd.testing.assert_series_equal(
        truth["true_uplift"],
        truth["p_digital_if_mentored"] - truth["p_digital_if_not"],
        check_names=False,
    )
    probabilities = truth[["p_digital_if_mentored", "p_digital_if_not"]].to_numpy()
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    segments = assign_segments(
        truth["p_digital_if_mentored"].to_numpy(), truth["p_digital_if_not"].to_numpy()
    )
    assert list(truth["true_segment"]) == list(segments)


def test_truth_segments_use_the_models_default_rules(offline: pd.DataFrame) -> None:
    predicted_rules = assign_segments(
        offline["p_digital_if_mentored"].to_numpy(), offline["p_digital_if_not"].to_numpy()
    )
    assert list(predicted_rules) == list(offline["true_segment"])


def test_all_four_kinds_of_effect_are_present(offline: pd.DataFrame) -> None:
    shares = offline["true_segment"].value_counts(normalize=True)
    assert set(shares.index) == set(SEGMENTS)
    assert shares.min() >= MIN_SEGMENT_SHARE
    uplift = offline.groupby("true_segment")["true_uplift"].mean()
    p_not = offline.groupby("true_segment")["p_digital_if_not"].mean()
    assert uplift["persuadable"] >= 0.05  # sizeable
    assert p_not["sure_thing"] >= 0.30
    assert uplift["sure_thing"] <= 0.01  # go digital anyway, little to gain
    assert -0.10 < uplift["do_not_disturb"] < 0  # harmed, slightly


def test_no_phone_or_no_internet_means_almost_no_chance(offline: pd.DataFrame) -> None:
    unconnected = ~offline["has_smartphone"] | (offline["internet_access"] == "none")
    rows = offline[unconnected]
    assert rows["p_digital_if_mentored"].quantile(0.99) < 0.02
    assert _share(rows["true_segment"] == "lost_cause") >= 0.99


def test_do_not_disturb_rows_are_the_documented_subgroups(offline: pd.DataFrame) -> None:
    harmed = offline[offline["true_segment"] == "do_not_disturb"]
    graduate = harmed["owner_education"].isin(["diploma", "bachelor_or_higher"])
    trained_graduate = harmed["prior_digital_training"] & graduate
    older = harmed["owner_age"] >= cal.HARM_MIN_OWNER_AGE
    assert (trained_graduate | older).all()
    assert harmed["has_smartphone"].all()
    assert (harmed["internet_access"] != "none").all()


def test_most_likely_if_mentored_is_not_who_gains_most(offline: pd.DataFrame) -> None:
    uplift = offline["true_uplift"].to_numpy()
    k = len(uplift) // 10
    oracle = np.sort(uplift)[::-1][:k].sum()
    by_response = np.argsort(-offline["p_digital_if_mentored"].to_numpy(), kind="stable")[:k]
    assert uplift[by_response].sum() < RESPONSE_RANKING_MAX_CAPTURE * oracle


# --- documentation and reference data -----------------------------------------------------------


def test_sectors_reference_maps_every_contract_sector_to_kbli_2020() -> None:
    sectors = pd.read_csv(REPO / "data" / "reference" / "sectors.csv", dtype=str)
    assert list(sectors["sector"]) == list(SECTORS)
    assert sectors["kbli_2020"].str.len().gt(0).all()
    assert sectors["nama_sektor"].str.len().gt(0).all()


def test_readme_holds_the_contract_table() -> None:
    readme = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    assert contract_table() in readme
