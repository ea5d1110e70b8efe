"""UpliftModel: the p1/p0 identity, order, explanations and behavioural tests (style.md)."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from data.contract import SCORE_FIELDS
from data.segments import SEGMENTS
from models.calibration import ProbabilityCalibrator
from models.learners import LEARNER_NAMES
from models.uplift_model import UpliftModel
from tests.models.synthetic import Synthetic

Fitted = Callable[[str], UpliftModel]


@pytest.fixture(scope="module")
def test_frame(synthetic: Synthetic, test_slice: slice) -> pd.DataFrame:
    return synthetic.frame.iloc[test_slice]


@pytest.mark.parametrize("name", LEARNER_NAMES)
def test_uplift_is_exactly_p1_minus_p0(
    name: str, fitted_model: Fitted, test_frame: pd.DataFrame
) -> None:
    scores = fitted_model(name).predict(test_frame)
    assert list(scores.columns) == list(SCORE_FIELDS)
    p1 = scores["p_digital_if_mentored"].to_numpy()
    p0 = scores["p_digital_if_not"].to_numpy()
    np.testing.assert_array_equal(scores["uplift"].to_numpy(), p1 - p0)
    assert ((p1 >= 0) & (p1 <= 1) & (p0 >= 0) & (p0 <= 1)).all()
    assert set(scores["segment"]) <= set(SEGMENTS)


def test_calibrated_arms_mode_keeps_the_identity(
    train_frame: pd.DataFrame, calibration_frame: pd.DataFrame, test_frame: pd.DataFrame
) -> None:
    model = UpliftModel.fit(
        train_frame, calibration_frame, learner="t", seed=0, p1_mode="calibrated_arms"
    )
    scores = model.predict(test_frame)
    np.testing.assert_array_equal(
        scores["uplift"].to_numpy(),
        scores["p_digital_if_mentored"].to_numpy() - scores["p_digital_if_not"].to_numpy(),
    )


def test_no_row_is_told_mentoring_makes_going_digital_impossible(
    fitted_model: Fitted, test_frame: pd.DataFrame
) -> None:
    """Additive p1 is floored at the control calibration's lowest chance, not at 0."""
    model = pickle.loads(pickle.dumps(fitted_model("x")))
    # A control calibration whose lowest step is a small chance (0.01) for a third of the rows.
    raw = model.learner.predict_matrix(model.features(test_frame))
    cut = float(np.quantile(raw.p0, 0.33))
    model.calibrator_control = ProbabilityCalibrator(
        "isotonic", x_knots=(0.0, cut, 1.0), y_knots=(0.01, 0.01, 0.6)
    )
    scores = model.predict(test_frame)
    p1 = scores["p_digital_if_mentored"].to_numpy()
    p0 = scores["p_digital_if_not"].to_numpy()
    below = p0 + raw.uplift < 0.01
    assert below.sum() > 0  # some rows' learner uplift would take p1 under the floor
    assert p1.min() == pytest.approx(0.01)
    np.testing.assert_allclose(p1[below], 0.01)
    np.testing.assert_allclose(p1[~below], p0[~below] + raw.uplift[~below])
    np.testing.assert_array_equal(scores["uplift"].to_numpy(), p1 - p0)


def test_calibration_is_recorded_per_arm(fitted_model: Fitted) -> None:
    info = fitted_model("dr").model_info["calibration"]
    assert info["control"]["method"] == "platt"
    assert info["control"]["n_events"] > 0
    assert info["treated"]["n_rows"] > 0


def test_control_calibration_helps_held_out_rows_when_raw_probabilities_are_off(
    train_frame: pd.DataFrame,
    calibration_frame: pd.DataFrame,
    synthetic: Synthetic,
    test_slice: slice,
) -> None:
    # Train on a history where the controls went digital twice as often as in the calibration
    # and test rows: the raw control model is then off, and calibration must pull it back.
    shifted = train_frame.copy()
    rng = np.random.default_rng(0)
    extra = (~shifted["mentored"]) & (rng.random(len(shifted)) < 0.05)
    shifted.loc[extra, "digitalized"] = True
    model = UpliftModel.fit(shifted, calibration_frame, learner="t", seed=0)
    raw = UpliftModel.fit(shifted, None, learner="t", seed=0)
    test = synthetic.frame.iloc[test_slice]
    control = ~test["mentored"].to_numpy()
    y = test["digitalized"].to_numpy(float)[control]

    def brier(m: UpliftModel) -> float:
        p0 = m.predict(test)["p_digital_if_not"].to_numpy()[control]
        return float(np.mean((p0 - y) ** 2))

    assert brier(model) < brier(raw)


def test_predict_keeps_input_order_and_index(
    fitted_model: Fitted, test_frame: pd.DataFrame
) -> None:
    model = fitted_model("t")
    shuffled = test_frame.sample(frac=1.0, random_state=0)
    scores = model.predict(shuffled)
    assert scores.index.equals(shuffled.index)
    again = model.predict(test_frame).loc[shuffled.index]
    pd.testing.assert_frame_equal(scores, again)


@pytest.mark.parametrize("name", LEARNER_NAMES)
def test_explain_gives_sorted_top_factors(
    name: str, fitted_model: Fitted, test_frame: pd.DataFrame
) -> None:
    model = fitted_model(name)
    rows = test_frame.iloc[:20]
    reasons = model.explain(rows, top_k=3)
    assert len(reasons) == 20
    assert any(reasons)
    for row in reasons:
        assert len(row) <= 3
        sizes = [abs(r.contribution) for r in row]
        assert sizes == sorted(sizes, reverse=True)
        assert all(r.feature in model.feature_names for r in row)
    scores, combined = model.predict_and_explain(rows, top_k=3)
    assert combined == reasons
    pd.testing.assert_frame_equal(scores, model.predict(rows))


def test_explain_reports_values_as_the_model_saw_them(
    fitted_model: Fitted, test_frame: pd.DataFrame
) -> None:
    model = fitted_model("dr")
    row = test_frame.iloc[[0]]
    reasons = model.explain(row, top_k=len(model.feature_names))[0]
    by_feature = {r.feature: r.value for r in reasons}
    for name, value in by_feature.items():
        if name in ("has_smartphone", "sector", "internet_access"):
            assert value == row.iloc[0][name]


def test_no_smartphone_lowers_uplift_reason(fitted_model: Fitted, test_frame: pd.DataFrame) -> None:
    """Offline owners without a phone: the phone factor, when named, lowers the uplift."""
    model = fitted_model("dr")
    rows = test_frame[~test_frame["has_smartphone"]].iloc[:50]
    phone = [
        r for row in model.explain(rows, top_k=3) for r in row if r.feature == "has_smartphone"
    ]
    assert phone
    assert np.mean([r.contribution < 0 for r in phone]) > 0.8


def test_invariance_changing_msme_id_changes_nothing(
    fitted_model: Fitted, test_frame: pd.DataFrame
) -> None:
    model = fitted_model("dr")
    renamed = test_frame.copy()
    renamed["msme_id"] = [f"X{i}" for i in range(len(renamed))]
    pd.testing.assert_frame_equal(model.predict(test_frame), model.predict(renamed))
    assert model.explain(test_frame.iloc[:10]) == model.explain(renamed.iloc[:10])


@pytest.mark.parametrize("name", LEARNER_NAMES)
def test_direction_no_phone_and_no_signal_does_not_raise_uplift(
    name: str, fitted_model: Fitted, test_frame: pd.DataFrame
) -> None:
    model = fitted_model(name)
    cut_off = test_frame.copy()
    cut_off["has_smartphone"] = False
    cut_off["internet_access"] = "none"
    before = model.predict(test_frame)["uplift"].mean()
    after = model.predict(cut_off)["uplift"].mean()
    assert after <= before


@pytest.mark.parametrize("name", LEARNER_NAMES)
def test_minimum_function_persuadables_rank_above_lost_causes(
    name: str, fitted_model: Fitted, synthetic: Synthetic, test_slice: slice
) -> None:
    frame = synthetic.frame.iloc[test_slice]
    truth = synthetic.uplift[test_slice]
    persuadable = truth >= 0.1
    lost = (~frame["has_smartphone"] | (frame["internet_access"] == "none")).to_numpy()
    uplift = fitted_model(name).predict(frame)["uplift"].to_numpy()
    # Probability that a random true persuadable outranks a random lost cause (an AUC).
    a, b = uplift[persuadable], uplift[lost]
    auc = (a[:, None] > b[None, :]).mean() + 0.5 * (a[:, None] == b[None, :]).mean()
    assert auc > 0.7, auc


def test_unknown_categories_score_without_error(
    fitted_model: Fitted, test_frame: pd.DataFrame
) -> None:
    model = fitted_model("x")
    odd = test_frame.iloc[:3].copy()
    odd["sector"] = "space_tourism"
    odd["province_code"] = "00"
    scores = model.predict(odd)
    assert scores["uplift"].notna().all()
    assert len(model.explain(odd)) == 3


def test_model_pickles_with_identical_predictions(
    fitted_model: Fitted, test_frame: pd.DataFrame
) -> None:
    model = fitted_model("x")
    clone = pickle.loads(pickle.dumps(model))
    pd.testing.assert_frame_equal(clone.predict(test_frame), model.predict(test_frame))
    assert clone.feature_columns == model.feature_columns
    assert "island_group" not in clone.feature_columns  # derived from province_code


def test_missing_treatment_values_are_refused(train_frame: pd.DataFrame) -> None:
    broken = train_frame.astype({"mentored": object}).copy()
    broken.loc[broken.index[3], "mentored"] = None
    with pytest.raises(ValueError, match="row 5, column mentored: missing treatment"):
        UpliftModel.fit(broken, None, learner="t")
