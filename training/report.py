"""A short Markdown report of one training run (logged with the plots)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from data.writing import atomic_write
from training.evaluation import capacity_tag

if TYPE_CHECKING:
    from training.config import TrainConfig
    from training.crossfit import Selection
    from training.evidence import Evidence

REFERENCES = (
    ("ref_random/", "random"),
    ("ref_response/", "response model (p(y | treated))"),
)


def _num(value: float | None, digits: int = 4) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:.{digits}f}"


def _interval(metrics: Mapping[str, float], key: str) -> str:
    low, high = metrics.get(f"{key}_ci05"), metrics.get(f"{key}_ci95")
    if low is None or high is None:
        return ""
    return f" [{_num(low)}, {_num(high)}]"


def _markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for value in row:
            if isinstance(value, float):
                cells.append(_num(value))
            else:
                cells.append(str(value))
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join([header, rule, *rows])


def write_report(
    path: Path,
    *,
    config: TrainConfig,
    fingerprint: Mapping[str, Any],
    notes: Sequence[str],
    selection: Selection,
    metrics: Mapping[str, float],
    groups: Mapping[str, pd.DataFrame],
    version: str,
    promotion: str,
    truth_known: bool,
    overlap_warning: str | None,
    evidence: Evidence,
    cv_rows: int,
    served_as: str,
    quarantine_path: Path | None = None,
) -> Path:
    """Write report.md: data, learner choice, out-of-fold metrics with intervals, references,
    groups. `quarantine_path`: the file of rejected rows, when some were (named only then)."""
    fp = fingerprint
    chosen = selection.chosen.name
    rejected = f"{fp['rows_rejected']} rejected"
    if quarantine_path is not None:
        rejected += f" (rows and reasons in `{quarantine_path.name}`)"
    lines = [
        f"# Training report: {config.model_name} version {version}",
        "",
        f"Promotion: {promotion}.",
        "",
        "## Data",
        "",
        f"- file `{fp['path']}` (sha256 `{fp['sha256'][:16]}…`)",
        f"- {fp['rows_read']} rows read, {rejected}, "
        f"{fp['rows_used']} used: {fp['treated_rows']} treated, {fp['control_rows']} control",
        f"- outcome rate: treated {_num(fp['outcome_rate_treated'])}, "
        f"control {_num(fp['outcome_rate_control'])}",
        *[f"- {note}" for note in notes],
        f"- cross-fitting: {selection.folds} folds stratified by arm x outcome over {cv_rows} "
        "rows; every number below is from out-of-fold predictions; the served model is the "
        f"chosen recipe, {served_as}",
        "",
        "## Evidence",
        "",
        *(
            [f"- **weak evidence**: {reason}" for reason in evidence.reasons]
            or ["- the ranking beats chance (the Qini interval is above zero)"]
        ),
        f"- outcome events: {evidence.events_treated} mentored, {evidence.events_control} not",
        "",
        "## Learner choice (out-of-fold Qini coefficient, 90% bootstrap interval)",
        "",
        f"{selection.reason}.",
        "",
        "| candidate | members | Qini [90% interval] | seconds |",
        "|---|---|---|---|",
        *[
            f"| {c.name}{' (chosen)' if c.name == chosen else ''} | {'+'.join(c.members)} "
            f"| {_num(c.qini)} [{_num(c.qini_interval[0])}, {_num(c.qini_interval[1])}] "
            f"| {c.seconds:.1f} |"
            for c in selection.candidates.values()
        ],
        "",
        "## Out-of-fold predictions (90% bootstrap intervals)",
        "",
        "| metric | chosen | " + " | ".join(label for _, label in REFERENCES) + " |",
        "|---|---|" + "---|" * len(REFERENCES),
    ]
    names = ["qini_coefficient", "auuc"]
    names += [f"uplift_at_{capacity_tag(k)}" for k in config.capacities]
    names += [f"extra_top_{capacity_tag(k)}" for k in config.capacities]
    if truth_known:
        names += [f"oracle_share_{capacity_tag(k)}" for k in config.capacities]
        names += ["true_uplift_spearman"]
    for name in names:
        cells = [_num(metrics.get(name)) + _interval(metrics, name)]
        cells += [_num(metrics.get(prefix + name)) for prefix, _ in REFERENCES]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "uplift@k: treated rate minus control rate among the top k by predicted uplift "
        "(sklift strategy `by_group`). extra_top_k: extra outcomes expected when treating the "
        "top K = k x rows instead of nobody; random K gives "
        + ", ".join(
            f"{_num(metrics.get(f'extra_random_{capacity_tag(k)}'), 1)} at {k:.0%}"
            for k in config.capacities
        )
        + ".",
        "",
        "## Each candidate, out of fold",
        "",
        "| learner | Qini coefficient | "
        + " | ".join(f"uplift@{k:.0%}" for k in config.capacities)
        + (" | oracle share @10%" if truth_known else "")
        + " |",
        "|---|---|" + "---|" * len(config.capacities) + ("---|" if truth_known else ""),
    ]
    for name in selection.candidates:
        prefix = f"learner_{name}/"
        cells = [_num(metrics.get(prefix + "qini_coefficient"))]
        cells += [
            _num(metrics.get(f"{prefix}uplift_at_{capacity_tag(k)}")) for k in config.capacities
        ]
        if truth_known:
            cells.append(_num(metrics.get(prefix + "oracle_share_10pct")))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Outcome models per arm (out-of-fold probabilities, before calibration)",
        "",
        f"- AUC treated {_num(metrics.get('test/auc_treated'))}, "
        f"control {_num(metrics.get('test/auc_control'))}",
        f"- Brier treated {_num(metrics.get('test/brier_treated'))}, "
        f"control {_num(metrics.get('test/brier_control'))}",
        f"- mean predicted vs observed: treated {_num(metrics.get('test/mean_predicted_treated'))}"
        f" vs {_num(metrics.get('test/observed_rate_treated'))}, control "
        f"{_num(metrics.get('test/mean_predicted_control'))} vs "
        f"{_num(metrics.get('test/observed_rate_control'))}",
        "",
        "![calibration](calibration.png)",
        "",
        "## Propensity overlap (cross-fitted)",
        "",
        f"- share outside [0.05, 0.95]: {_num(metrics.get('overlap/share_outside'))}",
        f"- {overlap_warning}" if overlap_warning else "- overlap: no warning",
        "",
        "![overlap](propensity_overlap.png)",
        "",
        "## Curves",
        "",
        "![qini](qini_curve.png)",
        "",
        "![uplift](uplift_curve.png)",
        "",
        "## By group (out of fold; small groups are noisy)",
        "",
    ]
    for column, table in groups.items():
        shown = table.drop(columns=["group"])
        keep = [
            c
            for c in shown.columns
            if c in ("value", "rows", "treated", "qini_coefficient")
            or c.startswith(("uplift_at_10", "oracle_share_10"))
        ]
        lines += [f"### {column}", "", _markdown_table(shown[keep]), ""]
    with atomic_write(path) as temporary:  # complete under its name, or not there
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
