"""Feature specs and encoding: contract coverage, unknown levels, JSON-style values, bad input."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    record_matrix,
    resolve_specs,
    unreadable_cells,
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


HILLSTROM_ROW = {
    "recency": "6",
    "history": "329.08",
    "mens": "1",
    "womens": "0",
    "newbie": "1",
    "zip_code": "Rural",
    "channel": "Web",
    "history_segment": "3) $200 - $350",
}
HILLSTROM_LEVELS = {
    "zip_code": ("Rural", "Surburban", "Urban"),
    "channel": ("Multichannel", "Phone", "Web"),
    "history_segment": tuple(f"{k}) level" for k in range(1, 13)),  # more than are listed
}


@pytest.mark.parametrize("rows", [8, 200], ids=["small batch", "large batch"])
def test_unreadable_cells_lists_every_bad_cell_and_with_known_levels_every_unknown_level(
    rows: int,
) -> None:
    """Every problem of every row, in row then feature order, whatever the batch size; blank
    cells and missing spellings are missing values; unknown levels only when asked."""
    specs = tuple(
        FeatureSpec(spec.name, spec.kind, HILLSTROM_LEVELS.get(spec.name))
        for spec in hillstrom_feature_specs()
    )
    frame = pd.DataFrame([HILLSTROM_ROW] * rows, dtype=object)
    frame["history_segment"] = "1) level"
    frame.loc[1, "recency"] = "abc"
    frame.loc[2, "history"] = "1.250,50"
    frame.loc[3, "mens"] = "2"
    frame.loc[4, ["channel", "recency", "zip_code"]] = ["Email", "x", "Suburban"]
    frame.loc[5, ["zip_code", "recency", "newbie", "channel"]] = ["", "n/a", "", "NA"]
    frame.loc[6, "history_segment"] = "13) level"

    unreadable = unreadable_cells(frame, specs)
    assert [(p.position, p.column, p.code) for p in unreadable] == [
        (1, "recency", "feature_value_not_number"),
        (2, "history", "feature_value_not_number"),
        (3, "mens", "feature_value_not_boolean"),
        (4, "recency", "feature_value_not_number"),
    ]
    assert unreadable[2].in_column() == (
        "column mens: value '2' is not a boolean (use yes/no, true/false, 1/0 or ya/tidak, any "
        "case)"
    )
    unknown = unreadable_cells(frame, specs, known_levels=True)
    assert [(p.position, p.column) for p in unknown] == [
        (1, "recency"),
        (2, "history"),
        (3, "mens"),
        (4, "recency"),
        (4, "zip_code"),
        (4, "channel"),
        (6, "history_segment"),
    ]
    assert unknown[4].worded("en") == (
        "row 6, column zip_code: value 'Suburban' is not one of the levels the model knows "
        "(Rural, Surburban, Urban)"
    )
    assert unknown[5].in_column("id") == (
        "kolom channel: nilai 'Email' bukan salah satu kategori yang dikenal model "
        "(Multichannel, Phone, Web)"
    )
    assert unknown[6].in_column() == (
        "column history_segment: value '13) level' is not one of the 12 levels the model knows "
        "(see its training config)"
    )
    # Every other row is one the encoder reads as it is.
    listed = {problem.position for problem in unknown}
    feature_matrix(frame.drop(index=list(listed)), specs)


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


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(key): value for key, value in row.items()}
        for row in frame.astype(object).to_dict("records")
    ]


def _json_style(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as a JSON client might send them: codes as numbers, yes/no words,
    numbers as text, missing as None, and an unknown sector."""
    records = _records(frame)
    for i, record in enumerate(records):
        record["has_smartphone"] = "ya" if record["has_smartphone"] else "tidak"
        if i % 3 == 0:
            record["province_code"] = int(record["province_code"])
            record["workers"] = str(record["workers"])
        if i % 5 == 0:
            record["business_age_years"] = None
            record["has_bank_account"] = int(record["has_bank_account"])
        if i % 7 == 0:
            record["sector"] = "space_tourism"
    return records


@pytest.mark.parametrize("rows", [1, 10, 200])
def test_records_encode_exactly_like_the_frame(rows: int) -> None:
    """The service's path (rows as mappings, no DataFrame) and the files' path agree, in the
    plain-Python small-batch encoding and in the column-wise one."""
    records = _json_style(simulate_msme(200, seed=8).frame)[:rows]
    specs = msme_feature_specs()
    expected = feature_matrix(pd.DataFrame(records), specs)
    np.testing.assert_array_equal(record_matrix(records, specs), expected)
    assert np.isnan(expected[:, [spec.name for spec in specs].index("sector")][0])


_ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 40),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.sampled_from(["", " 3 ", "n/a", "NA", "ya", "tidak", "true", "0", "1", "31", "weak", "x"]),
)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_records_and_frames_agree_on_any_values(data: st.DataObject) -> None:
    """Whatever the values, both paths give the same matrix, or both refuse the rows: the
    frame names the first bad value column by column, the records row by row, and the cell the
    records name is one the frame refuses too."""
    specs = msme_feature_specs()
    base = _records(simulate_msme(3, seed=9).frame)
    columns = sorted({spec.source for spec in specs})
    records = [
        row
        | {column: data.draw(_ANY_VALUE) for column in data.draw(st.sets(st.sampled_from(columns)))}
        for row in base
    ]
    try:
        expected = feature_matrix(pd.DataFrame(records), specs)
    except FeatureError:
        with pytest.raises(FeatureError) as refused:
            record_matrix(records, specs)
        row = refused.value.row
        assert row is not None
        with pytest.raises(FeatureError, match=f"column {refused.value.column}:"):
            feature_matrix(pd.DataFrame([records[row - 2]]), specs)
        return
    np.testing.assert_array_equal(record_matrix(records, specs), expected)
    # The column-wise path (past 64 rows, values encoded once per distinct value) agrees too.
    many = records * 30
    np.testing.assert_array_equal(record_matrix(many, specs), np.tile(expected, (30, 1)))
    np.testing.assert_array_equal(
        feature_matrix(pd.DataFrame(many), specs), np.tile(expected, (30, 1))
    )


def test_records_name_the_row_and_column_of_a_bad_value_and_a_missing_column() -> None:
    records = _records(simulate_msme(4, seed=6).frame)
    records[2]["workers"] = "banyak"
    with pytest.raises(FeatureError, match=r"row 4, column workers: value 'banyak' is not"):
        record_matrix(records, msme_feature_specs())
    del records[1]["owner_age"]
    with pytest.raises(FeatureError, match="column owner_age: missing"):
        record_matrix(records, msme_feature_specs())


def test_an_unreadable_value_is_worded_in_either_language_with_its_row_and_column() -> None:
    frame = simulate_msme(4, seed=6).frame.astype(object)
    frame.loc[2, "workers"] = "banyak"
    with pytest.raises(FeatureError) as refused:
        feature_matrix(frame, msme_feature_specs())
    error = refused.value
    assert (error.code, error.row) == ("feature_value_not_number", 4)
    assert error.worded("id") == "baris 4, kolom workers: nilai 'banyak' bukan angka"
    english = "row 4, column workers: value 'banyak' is not a number"
    assert str(error) == error.worded("en") == english
    # Mapped into a larger frame (or given the input file's own row), the words follow.
    assert error.at(10).worded("id").startswith("baris 12, kolom workers: nilai 'banyak'")
    assert error.worded("id", row=31).startswith("baris 31, kolom workers:")
    missing = simulate_msme(3, seed=6).frame.drop(columns="owner_age")
    with pytest.raises(FeatureError) as absent:
        feature_matrix(missing, msme_feature_specs())
    assert absent.value.worded("id") == (
        "kolom owner_age: tidak ada di masukan (dibutuhkan untuk fitur owner_age)"
    )
