"""`umkm score` with the session's champion: order, ids, stimulus group, quarantine, formats."""

from __future__ import annotations

from pathlib import Path

import mlflow.pyfunc
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from data.contract import MODEL_URI_SETTING, SCORE_FIELDS
from data.io import read_table
from data.segments import SEGMENTS
from data.writing import write_table
from tests.conftest import RegisteredModel
from umkm.cli import app

BROKEN = {4: ("owner_age", "abc"), 9: ("sector", "mining")}  # positions in the input
DIGITAL = (0, 7)


@pytest.fixture
def profiles(registered_model: RegisteredModel) -> pd.DataFrame:
    """30 candidate profiles, shuffled, with an extra column, 2 digital and 2 broken rows."""
    frame = registered_model.candidates.head(30).sample(frac=1.0, random_state=3)
    frame = frame.reset_index(drop=True).astype(object)
    frame["catatan"] = "kunjungan lapangan"  # beyond the contract: ignored
    for position in DIGITAL:
        frame.loc[position, "digital_status"] = "digital"
    for position, (column, value) in BROKEN.items():
        frame.loc[position, column] = value
    return frame


def test_score_csv_keeps_input_order_marks_digital_and_quarantines(
    profiles: pd.DataFrame, tmp_path: Path
) -> None:
    source = write_table(profiles, tmp_path / "profiles.csv")
    output = tmp_path / "scores.csv"
    result = CliRunner().invoke(app, ["score", "--data", str(source), "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "30 rows read: 28 scored (2 already digital: stimulus group), 2 rejected" in (
        result.output
    )

    scores = pd.read_csv(output, dtype={"msme_id": str})
    assert list(scores.columns) == ["msme_id", *SCORE_FIELDS]
    kept = [p for p in range(len(profiles)) if p not in BROKEN]
    assert list(scores["msme_id"]) == list(profiles.loc[kept, "msme_id"])
    digital_ids = set(profiles.loc[list(DIGITAL), "msme_id"])
    is_digital = scores["msme_id"].isin(digital_ids)
    assert (scores.loc[is_digital, "segment"] == "stimulus_group").all()
    assert scores.loc[is_digital, "uplift"].isna().all()
    offline = scores.loc[~is_digital]
    assert offline["segment"].isin(SEGMENTS).all()
    np.testing.assert_allclose(
        offline["uplift"], offline["p_digital_if_mentored"] - offline["p_digital_if_not"], atol=1e-9
    )

    quarantine = pd.read_csv(tmp_path / "scores.quarantine.csv")
    assert sorted(quarantine["row"]) == [p + 2 for p in BROKEN]  # spreadsheet rows
    assert quarantine["reasons"].str.contains("owner_age").any()
    assert quarantine["reasons"].str.contains("sector").any()


def test_score_parquet_matches_the_pyfunc_champion(
    registered_model: RegisteredModel, profiles: pd.DataFrame, tmp_path: Path
) -> None:
    clean = profiles.drop(index=list(BROKEN)).reset_index(drop=True)
    source = write_table(clean, tmp_path / "profiles.parquet")
    output = tmp_path / "scores.parquet"
    result = CliRunner().invoke(
        app,
        [
            "score",
            "--data",
            str(source),
            "--output",
            str(output),
            "--model",
            registered_model.model_uri,
        ],
    )
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "scores.quarantine.csv").exists()
    # Trained on enough events: no weak-evidence warning (tests/training/test_weak_evidence.py).
    assert "weak evidence" not in result.stderr
    scores = read_table(output)
    expected = mlflow.pyfunc.load_model(registered_model.model_uri).predict(read_table(source))
    assert list(scores["msme_id"]) == list(clean["msme_id"])
    np.testing.assert_allclose(
        scores["uplift"].to_numpy(dtype=float), expected["uplift"].to_numpy(dtype=float)
    )


def test_score_loads_the_model_named_by_umkm_model_uri(
    profiles: pd.DataFrame, tmp_path: Path
) -> None:
    source = write_table(profiles, tmp_path / "profiles.csv")
    missing = "models:/umkm-no-such-model@champion"
    result = CliRunner().invoke(
        app,
        ["score", "--data", str(source), "--output", str(tmp_path / "scores.csv")],
        env={MODEL_URI_SETTING: missing},
    )
    assert result.exit_code != 0
    assert "umkm-no-such-model" in f"{result.output} {result.exception}"
    assert not (tmp_path / "scores.csv").exists()


def test_score_reads_umkm_model_uri_from_dot_env_as_the_service_does(
    profiles: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_table(profiles, tmp_path / "profiles.csv")
    (tmp_path / ".env").write_text("UMKM_MODEL_URI=models:/umkm-dotenv-model@champion\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(MODEL_URI_SETTING, raising=False)
    result = CliRunner().invoke(
        app, ["score", "--data", str(source), "--output", str(tmp_path / "scores.csv")]
    )
    assert result.exit_code == 2, result.output
    assert "umkm-dotenv-model" in result.output
    # --model wins over the setting.
    again = CliRunner().invoke(
        app,
        [
            *("score", "--data", str(source), "--output", str(tmp_path / "scores.csv")),
            *("--model", "models:/umkm-option-model@champion"),
        ],
    )
    assert "umkm-option-model" in again.output and "umkm-dotenv-model" not in again.output


def test_score_refuses_an_unknown_output_format(profiles: pd.DataFrame, tmp_path: Path) -> None:
    source = write_table(profiles, tmp_path / "profiles.csv")
    result = CliRunner().invoke(
        app, ["score", "--data", str(source), "--output", str(tmp_path / "scores.txt")]
    )
    assert result.exit_code == 2
    assert "write scores as .csv or .parquet" in result.output


def test_score_reports_a_file_without_the_contract_columns(tmp_path: Path) -> None:
    source = write_table(pd.DataFrame({"nama": ["Warung Bu Sri"]}), tmp_path / "other.csv")
    result = CliRunner().invoke(
        app, ["score", "--data", str(source), "--output", str(tmp_path / "s.csv")]
    )
    assert result.exit_code == 2
    assert "msme_id" in result.output


@pytest.mark.parametrize(
    ("model", "says"),
    [
        (
            "models:/umkm-uplfit@champion",
            "no registered model named umkm-uplfit in the tracking store MLFLOW_TRACKING_URI="
            "{store}; registered there: umkm-uplift; check the name",
        ),
        (
            "models:/umkm-uplift@champoin",
            "umkm-uplift has no alias champoin in the tracking store MLFLOW_TRACKING_URI={store}; "
            "its aliases: ",  # which versions they point to depends on the tests run before
        ),
        (
            "models:/umkm-uplift/99",
            "umkm-uplift has no version 99 in the tracking store MLFLOW_TRACKING_URI={store}; "
            "its version",  # other tests of the session may register more versions
        ),
    ],
    ids=["name typo", "alias typo", "no such version"],
)
def test_a_model_uri_naming_no_model_is_one_line_with_exit_code_2(
    registered_model: RegisteredModel, profiles: pd.DataFrame, tmp_path: Path, model: str, says: str
) -> None:
    source = write_table(profiles, tmp_path / "profiles.csv")
    output = tmp_path / "scores.csv"

    result = CliRunner().invoke(
        app, ["score", "--data", str(source), "--output", str(output), "--model", model]
    )

    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1  # one line, no traceback
    error = result.stderr.strip()
    assert error.startswith(f"error: model {model} not found: ")
    assert says.format(store=registered_model.tracking_uri) in error
    assert "Traceback" not in result.output
    assert not output.exists()


def test_a_tracking_store_that_is_not_there_is_named_and_not_created(
    profiles: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import use_tracking_uri

    source = write_table(profiles, tmp_path / "profiles.csv")
    monkeypatch.chdir(tmp_path)  # as from another folder: a relative store URI
    with use_tracking_uri("sqlite:///none.db"):
        result = CliRunner().invoke(
            app, ["score", "--data", str(source), "--output", str(tmp_path / "s.csv")]
        )

    assert result.exit_code == 2, result.output
    error = " ".join(result.stderr.split())
    assert error == (
        "error: model models:/umkm-uplift@champion not found: there is no MLflow tracking "
        f"store at {tmp_path / 'none.db'} (MLFLOW_TRACKING_URI=sqlite:///none.db); check the "
        "folder you run from (MLflow's default store is mlflow.db in the working folder) or set "
        "MLFLOW_TRACKING_URI to the store that holds the model"
    )
    assert not (tmp_path / "none.db").exists()


def test_a_rerun_without_rejected_rows_removes_the_quarantine_of_an_earlier_run(
    registered_model: RegisteredModel, profiles: pd.DataFrame, tmp_path: Path
) -> None:
    """A quarantine file left beside the output by an earlier run would read as this run's
    rejected rows: a run that rejects none removes it, once its scores are in place."""
    from training.score import score_file

    output = tmp_path / "scores.csv"
    broken = write_table(profiles, tmp_path / "profiles.csv")
    first = score_file(broken, output, registered_model.model_uri)
    quarantine = tmp_path / "scores.quarantine.csv"
    assert first.quarantine == quarantine and quarantine.is_file()
    assert first.stale_quarantine_removed is None

    clean = profiles.drop(index=list(BROKEN)).reset_index(drop=True)
    again = score_file(
        write_table(clean, tmp_path / "clean.csv"), output, registered_model.model_uri
    )
    assert (again.quarantine, again.rows_rejected) == (None, 0)
    assert again.stale_quarantine_removed == quarantine
    assert not quarantine.exists()
    assert list(read_table(output)["msme_id"]) == list(clean["msme_id"])
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "clean.csv",
        "profiles.csv",
        "scores.csv",
    ]


def test_scores_and_their_quarantine_appear_together_or_not_at_all(
    registered_model: RegisteredModel,
    profiles: pd.DataFrame,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The run stops while writing the scores: the quarantine of its rejected rows does not
    appear without them (nor a half-written scores file), and no temporary is left."""
    from training.score import score_file

    class KilledError(Exception):
        pass

    to_csv = pd.DataFrame.to_csv

    def killed_on_scores(self: pd.DataFrame, path: object = None, **kwargs: object) -> object:
        if "p_digital_if_mentored" in self.columns:
            Path(str(path)).write_text("msme_id,p_digital", encoding="utf-8")
            raise KilledError
        return to_csv(self, path, **kwargs)  # type: ignore[call-overload]

    source = write_table(profiles, tmp_path / "profiles.csv")
    monkeypatch.setattr(pd.DataFrame, "to_csv", killed_on_scores)
    with pytest.raises(KilledError):
        score_file(source, tmp_path / "scores.csv", registered_model.model_uri)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["profiles.csv"]
