"""Training end to end on small simulated data, in a temporary MLflow store of this module.

One scenario, in order: a first run becomes champion; a deliberately useless model (one constant
feature, so a constant uplift) registers as candidate but does not take champion; `umkm promote`
overrides the gate and is logged. The first run uses the same data and config as the session's
`registered_model`, so its metrics must equal that run's (reproducible across runs and stores).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient
from typer.testing import CliRunner

from data.io import read_table
from data.writing import write_table
from tests.conftest import FAST_CONFIG, RegisteredModel, new_tracking_store, use_tracking_uri
from training.config import load_config
from training.events import DataRead, LearnerChosen, Progress, TrainEvent
from training.pipeline import TrainResult, train
from umkm.cli import app

NAME = "umkm-uplift"
CORRUPTED_ROWS = {3: ("owner_age", "130"), 10: ("province_code", "99")}
UNMATCHED_TRUTH_IDS = 100  # ids of the useless run's --truth file that are not in its history


@dataclass(frozen=True)
class Scenario:
    tracking_uri: str
    first: TrainResult
    useless: TrainResult
    useless_output: str
    useless_stdout: str
    useless_stderr: str
    first_events: list[TrainEvent]
    first_printed: tuple[str, str]
    corrupted_history: Path
    aliases_after_first: dict[str, str]
    aliases_after_useless: dict[str, str]


def _useless_config(folder: Path, history: Path) -> Path:
    """The fast config with one feature, a column that is the same in every row (beyond the
    contract, so validation keeps it): the model cannot rank, every uplift is the same."""
    path = folder / "useless.toml"
    useless_feature = (
        '[[features]]\nname = "programme"\nkind = "categorical"\ncategories = ["level_up"]\n'
    )
    path.write_text(
        f'data_path = "{history}"\noutput_dir = "{folder / "out"}"\n'
        + FAST_CONFIG.read_text(encoding="utf-8")
        + "\n"
        + useless_feature,
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def scenario(
    registered_model: RegisteredModel, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Scenario]:
    root = tmp_path_factory.mktemp("pipeline")
    uri = new_tracking_store(root / "mlflow")
    with use_tracking_uri(uri):
        config = load_config(FAST_CONFIG).with_overrides(
            data_path=registered_model.history_path, output_dir=root / "out"
        )
        events: list[TrainEvent] = []
        printed_out, printed_err = io.StringIO(), io.StringIO()
        with redirect_stdout(printed_out), redirect_stderr(printed_err):
            first = train(config, on_event=events.append)
        after_first = _aliases()

        # A CSV copy of the history with two broken rows, trained through the CLI.
        history = read_table(registered_model.history_path)
        history["programme"] = "level_up"
        for position, (column, value) in CORRUPTED_ROWS.items():
            history[column] = history[column].astype(object)
            history.loc[position, column] = value
        corrupted = write_table(history, root / "history.csv")
        # Another history's truth: only some of its ids are in this one.
        truth = read_table(registered_model.truth_path)
        truth.loc[: UNMATCHED_TRUTH_IDS - 1, "msme_id"] = [
            f"ELSEWHERE-{i}" for i in range(UNMATCHED_TRUTH_IDS)
        ]
        other_truth = write_table(truth, root / "other_truth.parquet")
        runner = CliRunner()
        # Run from `root` with the files named relative to it, as a user in that folder would.
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(root)
            invoked = runner.invoke(
                app,
                [
                    "train",
                    "--config",
                    str(_useless_config(root, corrupted)),
                    "--data",
                    corrupted.name,
                    "--truth",
                    other_truth.name,
                    "--quiet",
                ],
                catch_exceptions=False,
            )
        assert invoked.exit_code == 0, invoked.output
        run_id = MlflowClient().get_model_version(NAME, "2").run_id
        assert run_id is not None
        useless = _result_from_run(run_id)
        yield Scenario(
            tracking_uri=uri,
            first=first,
            useless=useless,
            useless_output=invoked.output,
            useless_stdout=invoked.stdout,
            useless_stderr=invoked.stderr,
            first_events=events,
            first_printed=(printed_out.getvalue(), printed_err.getvalue()),
            corrupted_history=corrupted,
            aliases_after_first=after_first,
            aliases_after_useless=_aliases(),
        )


def _aliases() -> dict[str, str]:
    client = MlflowClient()
    return {
        alias: str(client.get_model_version_by_alias(NAME, alias).version)
        for alias in ("candidate", "champion")
    }


def _result_from_run(run_id: str) -> TrainResult:
    run = MlflowClient().get_run(run_id)
    tags = run.data.tags
    return TrainResult(
        run_id=run_id,
        model_name=tags["registered_model"],
        version=tags["registered_version"],
        promoted=tags["promotion"].startswith("champion"),
        promotion_note=tags["promotion"],
        champion_version=None,
        chosen_learner=run.data.params["learners"],
        metrics=dict(run.data.metrics),
        output_dir=Path(),
        report_path=Path(),
        quarantine_path=None,
        counts={k: int(v) for k, v in run.data.params.items() if k.startswith("data.rows_")},
    )


def test_first_run_is_registered_as_candidate_and_champion(scenario: Scenario) -> None:
    client = MlflowClient(scenario.tracking_uri)
    first = scenario.first
    assert (first.model_name, first.version, first.promoted) == (NAME, "1", True)
    assert scenario.aliases_after_first == {"candidate": "1", "champion": "1"}
    tags = client.get_model_version(NAME, "1").tags
    assert tags["promotion"].startswith("champion: the first version")
    assert tags["run_id"] == first.run_id


def test_run_logs_fingerprint_config_commit_versions_and_artifacts(scenario: Scenario) -> None:
    client = MlflowClient(scenario.tracking_uri)
    run = client.get_run(scenario.first.run_id)
    params, tags = run.data.params, run.data.tags
    assert len(params["data.sha256"]) == 64
    assert int(params["data.rows_used"]) == scenario.first.counts["rows_used"]
    assert float(params["data.outcome_rate_treated"]) > 0
    assert params["learners"] == '["s"]'
    assert tags["git_commit"]  # a commit, or "unknown (not a git checkout)"
    assert tags["version.lightgbm"] and tags["version.mlflow"]
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "evaluation")}
    for name in ("report.md", "qini_curve.png", "uplift_curve.png", "calibration.png"):
        assert f"evaluation/{name}" in artifacts
    assert "evaluation/propensity_overlap.png" in artifacts
    assert "config.json" in {a.path for a in client.list_artifacts(run.info.run_id)}


def test_runs_record_their_name_config_file_and_the_truth_file_used(
    scenario: Scenario, registered_model: RegisteredModel
) -> None:
    """The first run (train() on a simulator history.parquet, no config file) found
    truth.parquet beside it; the useless one (`umkm train --config FILE --truth FILE`)."""
    import hashlib

    client = MlflowClient(scenario.tracking_uri)
    first = client.get_run(scenario.first.run_id)
    assert first.info.run_name == "train"
    params = first.data.params
    assert params["config_path"] == "none"
    assert params["truth_path"] == str(registered_model.truth_path)
    assert params["truth_source"] == "found beside the history"
    logged = mlflow.artifacts.load_dict(f"{first.info.artifact_uri}/config.json")
    assert logged["truth_path"] == str(registered_model.truth_path)
    expected = hashlib.sha256(registered_model.history_path.read_bytes()).hexdigest()
    assert params["data.sha256"] == first.data.tags["data_sha256"] == expected

    useless = client.get_run(scenario.useless.run_id)
    root = scenario.corrupted_history.parent
    assert useless.info.run_name == "train"
    assert useless.data.params["config_path"] == str((root / "useless.toml").resolve())
    assert useless.data.params["truth_source"] == "given"
    assert "error" not in useless.data.tags


def test_a_run_records_its_files_as_absolute_paths_and_its_working_folder(
    scenario: Scenario,
) -> None:
    """`umkm train --data history.csv --truth other_truth.parquet` run in `root`: the record
    names the files wherever it is read, and the folder the run started in."""
    client = MlflowClient(scenario.tracking_uri)
    root = scenario.corrupted_history.parent.resolve()
    params = client.get_run(scenario.useless.run_id).data.params
    assert params["working_dir"] == str(root)
    assert params["data_path"] == params["data.path"] == str(root / "history.csv")
    assert params["truth_path"] == str(root / "other_truth.parquet")
    assert params["output_dir"] == str(root / "out")
    logged = mlflow.artifacts.load_dict(
        f"{client.get_run(scenario.useless.run_id).info.artifact_uri}/config.json"
    )
    assert (logged["data_path"], logged["truth_path"]) == (
        str(root / "history.csv"),
        str(root / "other_truth.parquet"),
    )
    first = client.get_run(scenario.first.run_id).data.params
    assert Path(first["working_dir"]).is_absolute() and Path(first["output_dir"]).is_absolute()


def test_the_report_names_a_quarantine_file_only_when_one_was_written(
    scenario: Scenario,
) -> None:
    first = scenario.first.report_path.read_text("utf-8")
    assert "rows read, 0 rejected, " in first
    assert "quarantine" not in first
    root = scenario.corrupted_history.parent
    useless = (root / "out" / scenario.useless.run_id / "report.md").read_text("utf-8")
    assert f"{len(CORRUPTED_ROWS)} rejected (rows and reasons in `quarantine.csv`)" in useless
    assert (root / "out" / scenario.useless.run_id / "quarantine.csv").is_file()


def test_a_finished_run_has_its_files_under_its_id_and_nothing_half_made_beside(
    scenario: Scenario,
) -> None:
    """Each run's folder is built under a hidden name and renamed to `<output_dir>/<run id>`
    once logged: after two runs, their two folders and nothing else; the result and the
    command's summary name the files where they are."""
    out = scenario.corrupted_history.parent / "out"
    first, useless = scenario.first, scenario.useless
    assert sorted(path.name for path in out.iterdir()) == sorted([first.run_id, useless.run_id])
    assert first.output_dir == out / first.run_id
    assert first.report_path == out / first.run_id / "report.md"
    assert first.report_path.is_file() and first.quarantine_path is None
    assert (first.output_dir / "learners.csv").is_file()
    assert not [path for path in out.rglob("*") if ".partial" in path.name]
    quarantine = out / useless.run_id / "quarantine.csv"
    said = "".join(scenario.useless_stdout.split())  # rich may wrap a long path
    assert f"rejectedrowsandreasons:{quarantine}" in said
    assert f"report:{out / useless.run_id / 'report.md'}" in said


def test_a_truth_file_of_other_ids_is_warned_of_with_the_count_matched(
    scenario: Scenario,
) -> None:
    used = scenario.useless.counts["data.rows_used"]
    assert "oracle_share_10pct" not in scenario.useless.metrics
    warned = " ".join(scenario.useless_stderr.split())
    truth = "other_truth.parquet"  # as given on the command line, relative to its folder
    matched = re.search(
        rf"warning: {re.escape(str(truth))}: only (\d+) of the {used} ids in the history have a "
        r"true uplift there: the oracle metrics are skipped",
        warned,
    )
    assert matched is not None, warned
    assert used - UNMATCHED_TRUTH_IDS <= int(matched[1]) < used


def test_a_run_that_fails_on_bad_input_keeps_its_error(
    registered_model: RegisteredModel, tmp_path: Path
) -> None:
    history = read_table(registered_model.history_path).drop(columns=["owner_age"])
    source = write_table(history, tmp_path / "history.csv")
    uri = new_tracking_store(tmp_path / "mlflow")
    with use_tracking_uri(uri):
        result = CliRunner().invoke(
            app,
            [
                "train",
                "--data",
                str(source),
                "--config",
                str(FAST_CONFIG),
                "--output-dir",
                str(tmp_path / "out"),
                "--quiet",
            ],
        )
    assert result.exit_code == 2, result.output
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("umkm-uplift")
    assert experiment is not None
    [run] = client.search_runs([experiment.experiment_id])
    assert run.info.status == "FAILED"
    error = run.data.tags["error"]
    assert error.startswith("TrainingDataError: ") and "owner_age" in error
    assert "\n" not in error
    assert error.removeprefix("TrainingDataError: ")[:80] in " ".join(result.stderr.split())


def test_metrics_cover_references_truth_intervals_and_groups(scenario: Scenario) -> None:
    metrics = scenario.first.metrics
    for prefix in ("", "ref_random/", "ref_response/"):
        for name in ("qini_coefficient", "auuc", "uplift_at_10pct", "oracle_share_10pct"):
            assert prefix + name in metrics
    low, high = metrics["qini_coefficient_ci05"], metrics["qini_coefficient_ci95"]
    assert low <= metrics["qini_coefficient"] <= high
    assert -1 <= metrics["true_uplift_spearman"] <= 1
    assert any(key.startswith("by_island_group/") for key in metrics)
    assert any(key.startswith("by_owner_gender/") for key in metrics)
    assert 0 <= metrics["overlap/share_outside"] <= 1
    assert 0 < metrics["test/brier_control"] < 0.25


def test_already_digital_rows_are_excluded_and_counted(
    scenario: Scenario, registered_model: RegisteredModel
) -> None:
    history = read_table(registered_model.history_path)
    digital = int((history["digital_status"] == "digital").sum())
    counts = scenario.first.counts
    assert digital > 0
    assert counts["rows_already_digital"] == digital
    assert counts["rows_used"] == len(history) - digital
    assert counts["rows_rejected"] == 0


def test_rejected_rows_are_quarantined_and_counted(scenario: Scenario) -> None:
    counts = scenario.useless.counts
    assert counts["data.rows_rejected"] == len(CORRUPTED_ROWS)
    assert f"{len(CORRUPTED_ROWS)} of" in scenario.useless_output
    client = MlflowClient(scenario.tracking_uri)
    local = client.download_artifacts(scenario.useless.run_id, "quarantine/quarantine.csv")
    quarantine = pd.read_csv(local)
    assert sorted(quarantine["row"]) == [p + 2 for p in CORRUPTED_ROWS]
    assert quarantine["reasons"].str.contains("owner_age").any()


def test_cli_prints_run_id_version_and_headline_metrics(scenario: Scenario) -> None:
    output = scenario.useless_output
    assert f"run id: {scenario.useless.run_id}" in output
    assert "registered: umkm-uplift version 2" in output
    assert "qini_coefficient" in output and "uplift_at_10pct" in output
    flat = " ".join(output.split())  # rich wraps long lines
    assert "candidate only: weak evidence" in flat
    assert "WEAK EVIDENCE" in flat
    # Each weak-evidence reason is printed once (in the warning), not again in `registered:`.
    assert flat.count("includes zero") == 1


def test_the_pipeline_prints_nothing_and_tells_through_events(scenario: Scenario) -> None:
    printed_out, printed_err = scenario.first_printed
    assert printed_out == ""
    assert "rows read" not in printed_err and "Qini" not in printed_err
    events = scenario.first_events
    read = [e for e in events if isinstance(e, DataRead)]
    assert [e.fingerprint["rows_used"] for e in read] == [scenario.first.counts["rows_used"]]
    chosen = [e for e in events if isinstance(e, LearnerChosen)]
    assert ["+".join(e.selection.chosen.members) for e in chosen] == [scenario.first.chosen_learner]
    steps = [e for e in events if isinstance(e, Progress)]
    assert steps[0].completed == 0
    assert steps[-1].completed == steps[-1].total


def test_cli_puts_results_on_stdout_and_messages_on_stderr(scenario: Scenario) -> None:
    out, err = scenario.useless_stdout, scenario.useless_stderr
    assert f"run id: {scenario.useless.run_id}" in out
    assert "cross-validated Qini coefficient (90% interval): s=" in out
    assert "chosen: s: " in out
    assert "uplift_at_10pct" in out
    assert "rejected rows and reasons: " in out
    assert out.splitlines()[-1].startswith("report: ")
    assert out.splitlines()[-1].endswith("report.md")
    messages = err.splitlines()
    assert f"warning: {len(CORRUPTED_ROWS)} of " in err
    assert any(line.startswith("data: ") and "rows read" in line for line in messages)
    weak = "warning: weak evidence: this history cannot show that the ranking beats chance"
    assert weak in messages
    assert any(
        line.startswith("warning: WEAK EVIDENCE (the reasons are above)") for line in messages
    )
    assert "run id" not in err and "qini_coefficient" not in err


def test_useless_model_is_weak_evidence_and_stays_candidate(scenario: Scenario) -> None:
    """A constant feature cannot rank: its out-of-fold Qini is noise around zero, the interval
    includes zero, and the gate refuses it whatever the champion's score."""
    client = MlflowClient(scenario.tracking_uri)
    useless = scenario.useless
    assert useless.metrics["qini_coefficient"] == pytest.approx(0.0, abs=0.05)
    assert useless.metrics["qini_coefficient_ci05"] <= 0 <= useless.metrics["qini_coefficient_ci95"]
    assert useless.metrics["weak_evidence"] == 1.0
    assert not useless.promoted
    assert useless.promotion_note.startswith("candidate only: weak evidence")
    assert scenario.aliases_after_useless == {"candidate": "2", "champion": "1"}
    tags = client.get_model_version(NAME, "2").tags
    assert tags["promotion"] == useless.promotion_note
    # The reasons live in their own tag; the note points there rather than repeating them.
    assert "includes zero" in tags["evidence"]
    assert "includes zero" not in tags["promotion"]
    assert tags["weak_evidence"] == "true"
    assert client.get_model_version(NAME, "1").tags["weak_evidence"] == "false"


def test_same_data_config_and_seed_give_the_same_metrics(
    scenario: Scenario, registered_model: RegisteredModel
) -> None:
    """The session fixture trained the same data and config into another store."""
    reference = MlflowClient(tracking_uri=registered_model.tracking_uri).get_run(
        registered_model.run_id
    )
    ours = MlflowClient(scenario.tracking_uri).get_run(scenario.first.run_id).data.metrics
    theirs = reference.data.metrics
    compared = sorted(k for k in ours if not k.startswith("time/"))
    assert len(compared) > 50
    assert {k: ours[k] for k in compared} == {k: theirs[k] for k in compared}


def test_promote_overrides_the_gate_and_is_logged(scenario: Scenario) -> None:
    """v2 is weak evidence: refused with its Qini and interval, promoted with --force and a
    warning."""
    client = MlflowClient(scenario.tracking_uri)
    promote = ["promote", "--version", "2", "--reason", "field test in Bali"]
    m = scenario.useless.metrics
    qini = (
        f"Qini {m['qini_coefficient']:.4f}, 90% interval [{m['qini_coefficient_ci05']:.4f}, "
        f"{m['qini_coefficient_ci95']:.4f}]"
    )

    refused = CliRunner().invoke(app, promote)
    assert refused.exit_code == 2, refused.output
    assert " ".join(refused.stderr.split()) == (
        f"error: umkm-uplift v2 is not promoted: its ranking is not shown to beat chance (v2 is "
        f"tagged weak_evidence = true; {qini}); promote it anyway with --force"
    )
    assert str(client.get_model_version_by_alias(NAME, "champion").version) == "1"

    result = CliRunner().invoke(app, [*promote, "--force"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "champion is now v2 (was v1)" in result.stdout
    warned = " ".join(result.stderr.split())
    assert warned.startswith(
        f"warning: promoted despite weak evidence (v2 is tagged weak_evidence = true; {qini}): "
    )
    assert client.get_model_version(NAME, "2").tags["promoted_despite_weak_evidence"] == "true"
    assert str(client.get_model_version_by_alias(NAME, "champion").version) == "2"
    tags = client.get_model_version(NAME, "2").tags
    assert tags["promotion_reason"] == "field test in Bali"
    assert tags["promoted_manually"] == "true"
    assert tags["previous_champion"] == "1"
    experiment = client.get_experiment_by_name(f"{NAME}-promotions")
    assert experiment is not None
    runs = mlflow.search_runs([experiment.experiment_id], output_format="list")
    assert [r.data.params["reason"] for r in runs] == ["field test in Bali"]
    assert runs[0].data.params["version"] == "2"
    replaced = client.get_model_version(NAME, "1").tags
    assert replaced["champion_replaced_by"] == "v2" and replaced["champion_replaced_at"]

    again = CliRunner().invoke(app, [*promote, "--force"], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert "v2 is champion already; nothing changed or logged" in again.stdout
    runs = mlflow.search_runs([experiment.experiment_id], output_format="list")
    assert len(runs) == 1


def test_promote_refuses_an_unknown_version(scenario: Scenario) -> None:
    result = CliRunner().invoke(app, ["promote", "--version", "99", "--reason", "x"])
    assert result.exit_code == 2
    assert "has no version 99" in result.output


def test_without_mlflow_tracking_uri_promote_refuses_a_default_store_that_is_not_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No MLFLOW_TRACKING_URI: MLflow 3's default, sqlite:///mlflow.db in the working folder;
    `umkm promote` names it and does not create it (as `umkm score` does)."""
    monkeypatch.chdir(tmp_path)
    with use_tracking_uri(None):
        store = mlflow.get_tracking_uri()
        assert store == f"sqlite:///{tmp_path / 'mlflow.db'}"
        result = CliRunner().invoke(app, ["promote", "--version", "1", "--reason", "x"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1  # one line, no traceback
    assert " ".join(result.stderr.split()).startswith(
        "error: model models:/umkm-uplift/1 not found: there is no MLflow tracking store at "
        f"{tmp_path / 'mlflow.db'} ({store}, MLflow's default in {tmp_path}: "
        "MLFLOW_TRACKING_URI is not set); check the folder you run from"
    )
    assert not (tmp_path / "mlflow.db").exists()


def test_a_large_history_is_cross_fitted_on_every_row_with_two_folds_and_t_joining(
    registered_model: RegisteredModel, tmp_path: Path
) -> None:
    """Above `large_history_rows` rows every row is still cross-fitted, with fewer folds (here
    `min_folds`, two): the propensity, the stacking (where T joins whatever its Qini)
    and the evaluation see every row, and the served model is refit on every row (each of two
    fold models saw only half of them). At or below the threshold the history keeps the usual
    folds, serves their models' average, and T does not join."""
    from models.pyfunc import load_uplift_model

    base = load_config(FAST_CONFIG).with_overrides(
        data_path=registered_model.history_path,
        bootstrap_resamples=0,
        learners=["s", "x", "t"],
        ensemble=True,
        # Outcome leaves unshrunk (the default shrinks them on small histories since
        # 2026-12-05): "T does not join" below needs T not to rank best on this history, which
        # holds for these models; with the shrunk ones T ranks best and joins as the best.
        learner_params={"outcome__lambda_l2": 0.0},
    )
    served = {}
    for label, threshold in (("large", 1_000), ("usual", 1_000_000)):
        with use_tracking_uri(new_tracking_store(tmp_path / label)):
            result = train(
                base.with_overrides(output_dir=tmp_path / label, large_history_rows=threshold)
            )
            served[label] = load_uplift_model(f"models:/{NAME}/{result.version}")
        info = served[label].model_info
        assert info["n_train"] == result.metrics["cv_rows"] > 1_000, label
        assert result.metrics["cv_folds"] == (2 if label == "large" else 3), label
    large, usual = served["large"].model_info, served["usual"].model_info
    assert large["served_as"] == (
        "refit on every row (2 folds, fewer than fold_models_min_folds 3: each fold model saw "
        "50% of the rows)"
    )
    assert usual["served_as"].startswith(
        "distilled from the average of the 3 cross-fitted fold models"
    )
    assert "t" in large["members"] and "t" in large["weights"]
    assert usual["members"] == ["s", "x"]


def test_every_row_cross_fitted_serves_a_copy_of_the_fold_models_average_else_a_refit(
    scenario: Scenario, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    """The first run cross-fitted every row: by default it serves a two-model copy of the
    average of its 3 fold models (`distill_served_model = "auto"`), or the average itself with
    `distill_served_model = false`. A history larger than `selection_rows` is cross-fitted on a
    sample, so the served model is fit again on every row; so is one cross-fitted in fewer
    folds than `fold_models_min_folds` (each fold model saw half the rows), and one trained
    with `serve_fold_models = false`; "auto" serves a refit as it is (one model per learner)."""
    from models.combined_learners import DistilledLearner
    from models.pyfunc import load_uplift_model

    with use_tracking_uri(scenario.tracking_uri):
        served = load_uplift_model(f"models:/{NAME}/1")
    served_as = served.model_info["served_as"]
    assert served_as.startswith("distilled from the average of the 3 cross-fitted fold models")
    tags = MlflowClient(scenario.tracking_uri).get_model_version(NAME, "1").tags
    assert tags["served_as"] == served_as
    assert scenario.first.served_as == served_as
    assert served_as in scenario.first.report_path.read_text("utf-8")
    assert "served as: distilled from the average of the 3 cross-fitted fold models" in (
        scenario.useless_stdout
    )
    assert isinstance(served.learner, DistilledLearner)
    assert served.model_info["distilled"]["teacher"] == "average of the 3 cross-fitted fold models"

    base = load_config(FAST_CONFIG).with_overrides(
        data_path=registered_model.history_path, bootstrap_resamples=0
    )
    for label, overrides in (
        ("sampled", {"selection_rows": 2_000}),
        ("two folds", {"folds": 2}),
        ("asked", {"serve_fold_models": False}),
    ):
        with use_tracking_uri(new_tracking_store(tmp_path / label)):
            result = train(base.with_overrides(output_dir=tmp_path / label, **overrides))
            refit = load_uplift_model(f"models:/{NAME}/{result.version}")
        expected = "refit on every row"
        if label == "two folds":
            expected += (
                " (2 folds, fewer than fold_models_min_folds 3: each fold model saw 50% of the "
                "rows)"
            )
        assert refit.model_info["served_as"] == expected, label
        assert refit.learner.name == "s" and refit.model_info["n_train"] > 2_000, label


def test_the_default_copy_follows_the_fold_models_average_it_replaces(
    scenario: Scenario, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    """With `distill_served_model = false` the served model is the fold models' average; by
    default ("auto") it is two regressions copying that average: the same choice and
    out-of-fold metrics, its fidelity recorded and shown, its scores close to the average's on
    the history's rows."""
    from models.combined_learners import DistilledLearner, EnsembleLearner
    from models.pyfunc import load_uplift_model

    config = load_config(FAST_CONFIG).with_overrides(
        data_path=registered_model.history_path,
        output_dir=tmp_path / "out",
        distill_served_model=False,
    )
    uri = new_tracking_store(tmp_path / "mlflow")
    with use_tracking_uri(uri):
        result = train(config)
        average = load_uplift_model(f"models:/{NAME}/{result.version}")
    with use_tracking_uri(scenario.tracking_uri):
        copy = load_uplift_model(f"models:/{NAME}/1")
    assert result.served_as == "average of the 3 cross-fitted fold models"
    assert average.model_info["distilled"] is None
    assert isinstance(average.learner, EnsembleLearner) and len(average.learner.members) == 3
    assert {member.name for member in average.learner.members} == {"s"}

    assert isinstance(copy.learner, DistilledLearner)
    assert result.metrics == scenario.first.metrics  # judged on the recipe, out of fold
    distilled = copy.model_info["distilled"]
    assert distilled["teacher"] == "average of the 3 cross-fitted fold models"
    assert distilled["uplift_correlation"] > 0.95
    assert "uplift correlation" in scenario.first.served_as
    history = read_table(registered_model.history_path).iloc[:3000]
    ours, theirs = copy.predict(history), average.predict(history)
    assert ours["uplift"].corr(theirs["uplift"]) > 0.95
    assert ours["p_digital_if_not"].corr(theirs["p_digital_if_not"]) > 0.9
