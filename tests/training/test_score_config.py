"""`umkm score` with a model trained from a config of another table (`contract = "none"`): a
small in-test table and config, trained once for the module. Every row a feature cannot read,
or whose category value is none of the levels the model knows, goes to the quarantine file with
all its reasons and is counted; the rest are scored as before."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from data.writing import write_table
from tests.conftest import new_tracking_store, use_tracking_uri
from training.config import load_config
from training.pipeline import train
from umkm.cli import app

CONFIG = """
contract = "none"
id_column = ""
treatment_column = "arm"
treated_value = "mail"
control_value = "none"
outcome_column = "visit"
group_columns = ["area"]
model_name = "shop-uplift"
experiment_name = "shop-uplift"
learners = ["s"]
ensemble = false
folds = 3
calibration = "platt"
bootstrap_resamples = 20
references = false

[[features]]
name = "recency"
kind = "numeric"

[[features]]
name = "member"
kind = "boolean"

[[features]]
name = "area"
kind = "categorical"
categories = ["Rural", "Surburban", "Urban"]

[[features]]
name = "channel"
kind = "categorical"
categories = ["Multichannel", "Phone", "Web"]
"""


@dataclass(frozen=True)
class ShopModel:
    tracking_uri: str
    model_uri: str
    customers: pd.DataFrame  # 40 rows to score, as text like a CSV holds them


def _table(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    recency = rng.integers(1, 13, rows)
    member = rng.integers(0, 2, rows)
    area = rng.choice(["Rural", "Surburban", "Urban"], rows)
    channel = rng.choice(["Multichannel", "Phone", "Web"], rows)
    mailed = rng.integers(0, 2, rows)
    lift = 0.25 * (area == "Urban") + 0.15 * member
    chance = 0.15 + 0.01 * recency + mailed * lift
    return pd.DataFrame(
        {
            "recency": recency.astype(str),
            "member": member.astype(str),
            "area": area,
            "channel": channel,
            "arm": np.where(mailed == 1, "mail", "none"),
            "visit": (rng.random(rows) < chance).astype(int).astype(str),
        }
    )


@pytest.fixture(scope="module")
def shop_model(tmp_path_factory: pytest.TempPathFactory) -> ShopModel:
    root = tmp_path_factory.mktemp("shop")
    history = write_table(_table(4000, seed=1), root / "history.csv")
    (root / "shop.toml").write_text(CONFIG, encoding="utf-8")
    config = load_config(root / "shop.toml").with_overrides(
        data_path=history, output_dir=root / "out"
    )
    tracking_uri = new_tracking_store(root / "mlflow", config.experiment_name)
    with use_tracking_uri(tracking_uri):
        result = train(config)
    customers = _table(40, seed=2).drop(columns=["arm", "visit"])
    return ShopModel(tracking_uri, f"models:/shop-uplift/{result.version}", customers)


def _score(model: ShopModel, frame: pd.DataFrame, folder: Path) -> tuple[int, str, str]:
    source = write_table(frame, folder / "customers.csv")
    with use_tracking_uri(model.tracking_uri):
        output = str(folder / "scores.csv")
        invoked = CliRunner().invoke(
            app, ["score", "--data", str(source), "--output", output, "--model", model.model_uri]
        )
    return invoked.exit_code, invoked.stdout, invoked.stderr


def test_values_the_model_cannot_read_are_quarantined_with_every_reason_and_the_rest_scored(
    shop_model: ShopModel, tmp_path: Path
) -> None:
    """Before: `Suburban` and `Email` (none of the levels) were scored as missing values, and
    `abc` stopped the whole file naming only itself."""
    clean = shop_model.customers
    code, _, err = _score(shop_model, clean, tmp_path)
    assert code == 0, err
    expected = pd.read_csv(tmp_path / "scores.csv").set_index("row_number")["uplift"]

    broken = clean.copy()
    broken.loc[broken["area"] == "Surburban", "area"] = "Suburban"
    broken.loc[[3, 4, 5, 6, 7], "channel"] = "Email"
    broken.loc[8, ["recency", "area"]] = ["abc", "Rural"]
    broken.loc[9, ["recency", "member", "area"]] = ["1.250,50", "2", "Rural"]
    broken.loc[10, ["area", "channel", "recency"]] = ["", "", ""]  # blank: missing, scored
    bad = sorted({*broken.index[broken["area"] == "Suburban"], 3, 4, 5, 6, 7, 8, 9})

    code, out, err = _score(shop_model, broken, tmp_path)

    assert code == 0, err
    assert f"40 rows read: {40 - len(bad)} scored (0 already digital: stimulus group), " in out
    assert f"{len(bad)} rejected" in out
    assert "rejected rows and reasons: " in out
    quarantine = pd.read_csv(tmp_path / "scores.quarantine.csv", dtype=str)
    assert list(quarantine.columns[:2]) == ["row", "reasons"]
    assert list(quarantine["row"].astype(int)) == [position + 2 for position in bad]
    reasons = dict(zip(quarantine["row"].astype(int), quarantine["reasons"], strict=True))
    assert reasons[10] == "column recency: value 'abc' is not a number"
    assert reasons[11] == (
        "column recency: value '1.250,50' is not a number; column member: value '2' is not a "
        "boolean (use yes/no, true/false, 1/0 or ya/tidak, any case)"
    )
    assert reasons[6].endswith(
        "column channel: value 'Email' is not one of the levels the model knows "
        "(Multichannel, Phone, Web)"
    )
    suburban = [position + 2 for position in bad if broken.loc[position, "area"] == "Suburban"]
    assert all(
        "column area: value 'Suburban' is not one of the levels the model knows "
        "(Rural, Surburban, Urban)" in reasons[row]
        for row in suburban
    )
    assert list(quarantine.columns[2:]) == list(clean.columns)  # the cells as read
    assert quarantine.loc[quarantine["row"] == "10", "recency"].item() == "abc"

    scored = pd.read_csv(tmp_path / "scores.csv").set_index("row_number")["uplift"]
    assert list(scored.index) == [p + 2 for p in clean.index if p not in bad]
    unchanged = scored.drop(index=12)  # row 12 (position 10) has blank cells now
    np.testing.assert_array_equal(unchanged, expected.loc[unchanged.index])
    assert np.isfinite(scored.loc[12])


def test_a_file_without_problems_writes_no_quarantine(
    shop_model: ShopModel, tmp_path: Path
) -> None:
    code, out, err = _score(shop_model, shop_model.customers, tmp_path)
    assert code == 0, err
    assert "40 rows read: 40 scored (0 already digital: stimulus group), 0 rejected" in out
    assert not (tmp_path / "scores.quarantine.csv").exists()


def test_training_quarantines_the_same_rows_with_every_reason_and_learns_from_the_rest(
    tmp_path: Path,
) -> None:
    """Before: training such a config stopped at the first unreadable cell, and a category none
    of the config's levels was learnt as a missing value."""
    table = _table(4000, seed=3)
    table.loc[5, ["recency", "member"]] = ["abc", "2"]
    table.loc[6, "area"] = "Suburban"  # none of the config's levels
    table.loc[7, ["recency", "area"]] = ["", ""]  # blank: a missing value, kept
    history = write_table(table, tmp_path / "history.csv")
    (tmp_path / "shop.toml").write_text(CONFIG, encoding="utf-8")
    config = load_config(tmp_path / "shop.toml").with_overrides(
        data_path=history, output_dir=tmp_path / "out"
    )
    with use_tracking_uri(new_tracking_store(tmp_path / "mlflow", config.experiment_name)):
        result = train(config)

    assert result.counts["rows_rejected"] == 2
    assert result.counts["rows_used"] == 3998
    assert result.quarantine_path is not None
    quarantine = pd.read_csv(result.quarantine_path, dtype=str)
    reasons = dict(zip(quarantine["row"].astype(int), quarantine["reasons"], strict=True))
    assert reasons == {
        7: "column recency: value 'abc' is not a number; column member: value '2' is not a "
        "boolean (use yes/no, true/false, 1/0 or ya/tidak, any case)",
        8: "column area: value 'Suburban' is not one of the levels the model knows "
        "(Rural, Surburban, Urban)",
    }
