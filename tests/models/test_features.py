"""Feature specs and encoding: contract coverage, unknown levels, JSON-style values, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.contract import PROFILE_COLUMNS
from data.reference import island_group_by_province
from models.features import (
    FeatureError,
    FeatureSpec,
    feature_matrix,
    frame_to_matrix,
    hillstrom_feature_specs,
    msme_feature_specs,
    prepare_features,
    resolve_specs,
)
from tests.models.synthetic import simulate_msme


def test_msme_specs_cover_every_profile_column_but_id_and_status_plus_island_group() -> None:
    names = [spec.name for spec in msme_feature_specs()]
    expected = [c.name for c in PROFILE_COLUMNS if c.name not in ("msme_id", "digital_status")]
    assert names == [*expected, "island_group"]
    kinds = {spec.name: spec.kind for spec in msme_feature_specs()}
    assert kinds["workers"] == "numeric"
    assert kinds["has_smartphone"] == "boolean"
    assert kinds["sector"] == "categorical"


def test_island_group_is_derived_from_province_code() -> None:
    frame = simulate_msme(50, seed=1).frame
    prepared = prepare_features(frame, msme_feature_specs())
    mapping = island_group_by_province()
    expected = [mapping[code] for code in frame["province_code"]]
    assert prepared["island_group"].astype(str).tolist() == expected


def test_none_is_a_real_internet_access_level_not_missing() -> None:
    frame = simulate_msme(200, seed=2).frame
    prepared = prepare_features(frame, msme_feature_specs())
    none_rows = frame["internet_access"] == "none"
    assert none_rows.any()
    assert (prepared.loc[none_rows, "internet_access"] == "none").all()


def test_unknown_levels_become_missing_without_error() -> None:
    frame = simulate_msme(5, seed=3).frame
    frame.loc[0, "sector"] = "space_tourism"
    frame.loc[1, "province_code"] = "99"
    prepared = prepare_features(frame, msme_feature_specs())
    assert prepared["sector"].isna().tolist()[:2] == [True, False]
    assert prepared["province_code"].isna().tolist()[:2] == [False, True]
    assert prepared["island_group"].isna().tolist()[:2] == [False, True]
    assert prepared.loc[2:, "sector"].notna().all()


def test_json_style_values_encode_like_typed_values() -> None:
    frame = simulate_msme(8, seed=4).frame
    as_json = frame.astype(object).copy()
    as_json["province_code"] = [int(code) for code in frame["province_code"]]
    as_json["has_smartphone"] = ["ya" if v else "tidak" for v in frame["has_smartphone"]]
    as_json["has_bank_account"] = [int(v) for v in frame["has_bank_account"]]
    as_json["workers"] = [str(v) for v in frame["workers"]]
    as_json["business_age_years"] = [None if pd.isna(v) else v for v in frame["business_age_years"]]
    specs = msme_feature_specs()
    np.testing.assert_array_equal(feature_matrix(as_json, specs), feature_matrix(frame, specs))


def test_small_and_large_batches_encode_identically() -> None:
    frame = simulate_msme(300, seed=5).frame
    specs = msme_feature_specs()
    whole = feature_matrix(frame, specs)
    pieces = np.vstack([feature_matrix(frame.iloc[i : i + 10], specs) for i in range(0, 300, 10)])
    np.testing.assert_array_equal(whole, pieces)


def test_unreadable_number_names_row_and_column() -> None:
    frame = simulate_msme(4, seed=6).frame.astype(object)
    frame.loc[2, "workers"] = "banyak"
    with pytest.raises(
        FeatureError, match=r"row 4, column workers: value 'banyak' is not a number"
    ):
        feature_matrix(frame, msme_feature_specs())


def test_unreadable_boolean_names_row_and_column() -> None:
    frame = simulate_msme(3, seed=6).frame.astype(object)
    frame.loc[0, "has_smartphone"] = "maybe"
    with pytest.raises(FeatureError, match=r"row 2, column has_smartphone"):
        feature_matrix(frame, msme_feature_specs())


def test_missing_column_is_named() -> None:
    frame = simulate_msme(3, seed=6).frame.drop(columns="owner_age")
    with pytest.raises(FeatureError, match="column owner_age: missing"):
        feature_matrix(frame, msme_feature_specs())


def test_generic_specs_learn_levels_at_fit_time_and_map_unseen_levels_to_missing() -> None:
    train = pd.DataFrame(
        {
            "recency": [1, 5, 10],
            "history": [10.0, 200.5, 35.0],
            "mens": [1, 0, 1],
            "womens": [0, 1, 1],
            "newbie": [1, 1, 0],
            "zip_code": ["Urban", "Rural", "Surburban"],
            "channel": ["Web", "Phone", "Multichannel"],
            "history_segment": ["1) $0 - $100", "3) $200 - $350", "1) $0 - $100"],
        }
    )
    specs = resolve_specs(train, hillstrom_feature_specs())
    by_name = {spec.name: spec for spec in specs}
    assert by_name["zip_code"].categories == ("Rural", "Surburban", "Urban")
    new = train.iloc[:1].copy()
    new["channel"] = "Carrier pigeon"
    prepared = prepare_features(new, specs)
    assert prepared["channel"].isna().all()
    assert prepared.loc[0, "zip_code"] == "Urban"


def test_prepared_frame_round_trips_to_the_matrix() -> None:
    frame = simulate_msme(40, seed=7).frame
    specs = msme_feature_specs()
    prepared = prepare_features(frame, specs)
    assert isinstance(prepared["sector"].dtype, pd.CategoricalDtype)
    assert list(prepared["sector"].cat.categories) == list(specs[2].categories or ())
    np.testing.assert_array_equal(frame_to_matrix(prepared), feature_matrix(frame, specs))


def test_derived_feature_without_known_derivation_is_refused() -> None:
    frame = pd.DataFrame({"a": ["x"]})
    with pytest.raises(ValueError, match="no known derivation"):
        resolve_specs(frame, [FeatureSpec("b", "categorical", derived_from="a")])
