"""Stage 6, artifacts: the evaluation's plots and tables written into the run's folder (the
report is `training.report`; the folder is logged to MLflow at the end of the run). Each file
is written to a temporary name and renamed (`data.writing.atomic_write`): complete or absent."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from data.writing import write_table
from training import crossfit, plots
from training.evaluate import Evaluation
from training.metric_kernels import FloatArray
from training.prepare import Prepared


def write_artifacts(
    out: Path,
    prepared: Prepared,
    evaluation: Evaluation,
    *,
    selection: crossfit.Selection,
    propensity: FloatArray,
) -> None:
    """Plots and tables of the evaluation into `out` (logged with the run afterwards)."""
    y, t = prepared.cv_rows.y, prepared.cv_rows.t
    chosen = selection.chosen
    labels = (
        ("chosen", f"chosen ({'+'.join(chosen.members)})"),
        ("ref_response", "response model"),
    )
    shown = {label: evaluation.rankings[key] for key, label in labels if key in evaluation.rankings}
    plots.curves_plot(y, t, shown, out / "qini_curve.png", kind="qini")
    plots.curves_plot(y, t, shown, out / "uplift_curve.png", kind="uplift")
    plots.calibration_plot(evaluation.calibration, out / "calibration.png")
    plots.overlap_plot(propensity, t, out / "propensity_overlap.png")
    write_csv(evaluation.calibration, out / "calibration.csv")
    for group, table in evaluation.groups.items():
        write_csv(table, out / f"by_{group}.csv")
    learners = pd.DataFrame(
        [
            {
                "candidate": c.name,
                "members": "+".join(c.members),
                "cv_qini": c.qini,
                "cv_qini_ci05": c.qini_interval[0],
                "cv_qini_ci95": c.qini_interval[1],
                "seconds": round(c.seconds, 1),
                "params": json.dumps(c.params, sort_keys=True),
            }
            for c in selection.candidates.values()
        ]
    )
    write_csv(learners, out / "learners.csv")


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    """`table` as CSV at `path` (no index), renamed into place once complete, its text safe to
    open in a spreadsheet (a group's value from the data starting with `=` stays text:
    `data.writing.write_table`)."""
    return write_table(table, path)
