"""How training's commands show what they did (`data.console`'s style): progress bar, tables,
lines and verdicts; apart, so that `training.cli` stays options and calls to typed functions."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from data import console

if TYPE_CHECKING:
    from data.messages import Language
    from models.policy_value import Interval, Method, PolicyValue
    from training.config import TrainConfig
    from training.events import TrainEvent
    from training.pipeline import TrainResult
    from training.registry import PromotionResult
    from training.retrain import RetrainResult
    from training.score import ScoreFileResult
    from training.score_dask import DatasetScoreResult

REFERENCE_NAMES = ("random", "response")

# ----------------------------------------------------------------------------- `umkm train`'s words


@contextmanager
def progress(err: Console, *, enabled: bool) -> Iterator[Progress | None]:
    """A transient progress bar over the run's steps on stderr (none for --quiet)."""
    if not enabled:
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        yield bar


class TrainView:
    """Renders the pipeline's events: the bar and messages on stderr, the learner choice on
    stdout."""

    def __init__(self, err: Console, out: Console, progress: Progress | None) -> None:
        self.err, self.out, self.progress = err, out, progress
        self.task: TaskID | None = None

    def show(self, event: TrainEvent) -> None:
        from training import events

        err = self.err
        match event:
            case events.Progress(description=description, completed=done, total=total):
                if self.progress is not None:
                    if self.task is None:
                        self.task = self.progress.add_task(description, total=total)
                    self.progress.update(
                        self.task, description=description, completed=done, total=total
                    )
            case events.InterruptedRunMarked(run_id=run_id):
                console.note(f"run {run_id} was interrupted earlier: marked failed", err)
            case events.RowsRejected() as rejected:
                console.warning(
                    f"{rejected.rejected} of {rejected.rows} rows rejected "
                    f"(reasons per row in {rejected.quarantine_path})",
                    err,
                )
                for problem in rejected.first_problems:
                    console.detail(problem, err)
            case events.DataNote(text=text):
                console.note(text, err)
            case events.DataRead(fingerprint=fp):
                err.print(
                    Text(
                        f"data: {fp['rows_read']} rows read, {fp['rows_rejected']} rejected, "
                        f"{fp['rows_used']} used ({fp['treated_rows']} treated, "
                        f"{fp['control_rows']} control; outcome rate "
                        f"{fp['outcome_rate_treated']:.3f} treated, "
                        f"{fp['outcome_rate_control']:.3f} control)"
                    )
                )
            case events.SelectionSampled(sample_rows=sample, rows=rows):
                console.note(
                    f"cross-fitting on a stratified sample of {sample} of {rows} rows "
                    "(selection_rows); the served model is fit again on every row",
                    err,
                )
            case events.PoorOverlap(text=text):
                console.warning(text, err)
            case events.TruthUnmatched(path=path, matched=matched, rows=rows):
                console.warning(
                    f"{path}: only {matched} of the {rows} ids in the history have a true uplift "
                    "there: the oracle metrics are skipped (is it the truth file of this "
                    "history?)",
                    err,
                )
            case events.RecordedPropensities() as recorded:
                console.note(
                    f"recorded chances of selection used in place of the estimated propensity "
                    f"for {recorded.rows} of {recorded.of_rows} rows"
                    + (
                        f" ({recorded.selection_differs} of them selected but not mentored, or "
                        "mentored without being selected: there the chance of selection is not "
                        "the chance of mentoring)"
                        if recorded.selection_differs
                        else ""
                    ),
                    err,
                )
            case events.LearnerChosen(selection=selection):
                from training.crossfit import qini_text

                console.line(
                    "cross-validated Qini coefficient (90% interval): "
                    + ", ".join(f"{c.name}={qini_text(c)}" for c in selection.candidates.values()),
                    self.out,
                )
                chosen = "+".join(selection.chosen.members)
                self.out.print(Text.assemble("chosen: ", (chosen, "bold"), f": {selection.reason}"))
            case events.WeakEvidence(evidence=evidence):
                from training.evidence import WEAK_EVIDENCE_ADVICE

                console.warning(
                    "weak evidence: this history cannot show that the ranking beats chance", err
                )
                for reason in evidence.reasons:
                    console.detail(f"- {reason}", err)
                console.detail(WEAK_EVIDENCE_ADVICE, err)


def show_summary(result: TrainResult, config: TrainConfig, err: Console, out: Console) -> None:
    """Run id, registered name and version, the headline metrics and the files (stdout); the
    weak-evidence reminder (stderr)."""
    from training import evaluation as ev
    from training.registry import CANDIDATE

    m = result.metrics
    out.print(Text.assemble("run id: ", (result.run_id, "bold")))
    out.print(
        Text.assemble(
            "registered: ",
            (result.model_name, "bold"),
            " version ",
            (result.version, "bold"),
            f" (alias {CANDIDATE}); {result.promotion_note}",
        )
    )
    if result.served_as:
        console.line(f"served as: {result.served_as}", out)
    table = Table(
        title=f"out-of-fold predictions ({int(m.get('cv_folds', 0))} folds, "
        f"{int(m.get('cv_rows', 0))} rows), chosen: {result.chosen_learner}"
    )
    table.add_column("metric")
    table.add_column("chosen", justify="right")
    for ref in REFERENCE_NAMES:
        table.add_column(ref.replace("_", " "), justify="right")
    names = ["qini_coefficient", "auuc"]
    names += [f"uplift_at_{ev.capacity_tag(k)}" for k in config.capacities]
    if "oracle_share_10pct" in m or any(k.startswith("oracle_share_") for k in m):
        names += [f"oracle_share_{ev.capacity_tag(k)}" for k in config.capacities]

    def cell(key: str) -> str:
        value = m.get(key)
        return "n/a" if value is None or not math.isfinite(value) else f"{value:.4f}"

    for name in names:
        table.add_row(name, cell(name), *(cell(f"ref_{r}/{name}") for r in REFERENCE_NAMES))
    out.print(table)
    low, high = m.get("qini_coefficient_ci05"), m.get("qini_coefficient_ci95")
    if low is not None and high is not None:
        console.line(
            f"Qini coefficient {m['qini_coefficient']:.4f}, 90% interval [{low:.4f}, {high:.4f}]",
            out,
        )
    if result.evidence is not None and result.evidence.weak:
        console.warning(
            "WEAK EVIDENCE (the reasons are above): this model's list is not shown to be "
            "better than chance",
            err,
        )
    if result.quarantine_path is not None:
        console.line(f"rejected rows and reasons: {result.quarantine_path}", out)
    console.line(f"report: {result.report_path}", out)


def show_retrained(result: RetrainResult, config: TrainConfig, err: Console, out: Console) -> None:
    """The exported history, the run's summary, and whether the candidate became champion."""
    console.line(f"history: {result.history_path} ({result.history_rows} rows from the store)", out)
    show_summary(result.trained, config, err, out)
    trained = result.trained
    if trained.promoted:
        console.line(
            f"champion: {trained.model_name} v{trained.version}; a running service switches to "
            "it on its next alias check (UMKM_MODEL_POLL_SECONDS, default 60 s)",
            out,
        )
    else:
        kept = f"v{trained.champion_version}" if trained.champion_version else "none"
        console.line(f"champion unchanged ({kept}); v{trained.version} stays a candidate", out)


# ------------------------------------------------------------------- `umkm promote` and `score`


def show_promotion(name: str, result: PromotionResult) -> None:
    """The new champion and the run that logged it (stdout); promoted on weak evidence, a
    warning (stderr)."""
    if result.unchanged:
        console.line(f"{name}: v{result.version} is champion already; nothing changed or logged")
        return
    if result.weak_evidence is not None:
        from training.evidence import WEAK_EVIDENCE_ADVICE

        console.warning(
            f"promoted despite weak evidence ({result.weak_evidence}): the list it makes is not "
            f"shown to be better than chance; {WEAK_EVIDENCE_ADVICE}"
        )
    before = f"v{result.previous_champion}" if result.previous_champion else "none"
    console.line(
        f"{name}: champion is now v{result.version} (was {before}); logged in run {result.run_id}"
    )


def show_scored_file(result: ScoreFileResult) -> None:
    """The counts and files of `umkm score` (stdout), the weak-evidence warning (stderr)."""
    out = console.stdout()
    console.line(
        f"{result.rows_read} rows read: {result.rows_scored} scored "
        f"({result.rows_stimulus_group} already digital: stimulus group), "
        f"{result.rows_rejected} rejected",
        out,
    )
    if result.quarantine is not None:
        console.line(f"rejected rows and reasons: {result.quarantine}", out)
    if result.stale_quarantine_removed is not None:
        console.line(
            f"no rows rejected: removed {result.stale_quarantine_removed}, an earlier run's", out
        )
    console.line(f"scores: {result.output}", out)
    _warn_weak_evidence(result.evidence_warning)


def show_scored_dataset(
    result: DatasetScoreResult, evidence_warning: tuple[str, dict[str, int]] | None
) -> None:
    """The counts and folders of `umkm score --dask` (stdout), the model's weak-evidence warning
    (stderr)."""
    out = console.stdout()
    console.line(
        f"{result.partitions} partitions, {result.rows_read} rows read: {result.rows_scored} "
        f"scored ({result.rows_stimulus_group} already digital: stimulus group), "
        f"{result.rows_rejected} rejected",
        out,
    )
    if result.quarantine_parts:
        console.line(f"rejected rows and reasons: {result.output / 'quarantine'}", out)
    console.line(f"scores: {result.output}/part-*.parquet", out)
    _warn_weak_evidence(evidence_warning)


def _warn_weak_evidence(warning: tuple[str, dict[str, int]] | None) -> None:
    """The warning every list of a model trained on weak evidence carries (`data.messages`),
    on scores too: their ranking is not shown to beat chance."""
    from data.messages import render

    if warning is not None:
        code, params = warning
        console.warning(render(code, params, "en"))


# ----------------------------------------------------------------------------- policy value's words

# The table's rows: label code, PolicyValue method attribute, decimals.
_POLICY_ROWS = (
    ("policy_model_rate", "model_rate", 4),
    ("policy_random_rate", "random_rate", 4),
    ("policy_difference", "difference", 4),
    ("policy_extra", "extra_digitalizations", 1),
)


def show_policy_value(value: PolicyValue, out: Console, err: Console, language: Language) -> None:
    """One list's estimates as a table (stdout); what cannot be estimated, as a note (stderr);
    words and decimal separators in `language`."""
    from data.messages import render
    from models.policy_value import status_note

    def say(code: str, **params: object) -> str:
        return render(code, params, language)

    counts: dict[str, object] = {
        "list_id": value.list_id,
        "model_slots": value.model_slots,
        "model_outcomes": value.model_outcomes,
        "explored_slots": value.explored_slots,
        "explored_outcomes": value.explored_outcomes,
        "eligible": value.eligible,
    }
    if value.take_up is None:
        console.line(say("policy_counts", **counts), out)
    else:
        take_up = _fixed(100 * value.take_up, 1, language) + "%"
        console.line(say("policy_counts_take_up", **counts, take_up=take_up), out)
    note = status_note(value.status, language)
    if note is not None:
        console.note(say("policy_status", list_id=value.list_id, note=note), err, language)
    if not value.methods:
        return
    table = Table(title=say("policy_title", level=f"{value.level:.0%}"))
    table.add_column(say("policy_estimate"))
    for method in value.methods:
        table.add_column(say("policy_ips" if method == "ips" else "policy_dr"))

    def cell(found: Interval | None, digits: int) -> str:
        if found is None:
            return say("policy_not_available")
        low, high = (_fixed(bound, digits, language) for bound in (found.low, found.high))
        return say(
            "policy_interval", value=_fixed(found.value, digits, language), low=low, high=high
        )

    for code, attribute, digits in _POLICY_ROWS:
        cells = (cell(getattr(m, attribute), digits) for m in value.methods.values())
        table.add_row(say(code), *cells)
    out.print(table)
    verdict = policy_verdict(value, language)
    if verdict is not None:
        console.line(verdict, out)


def policy_verdict(value: PolicyValue, language: Language = "en") -> str | None:
    """One plain line: did the model's list beat a lottery for the same slots? Judged on the
    difference per slot, doubly robust when estimated (the tighter), else inverse propensity;
    None when no difference could be estimated (the status note says why)."""
    from data.messages import render

    judged: tuple[Method, ...] = ("dr", "ips")
    estimated = [
        (method, found.difference)
        for method in judged
        if (found := value.methods.get(method)) is not None and found.difference is not None
    ]
    if not estimated:
        return None
    method, difference = estimated[0]
    if difference.low > 0:
        kind = "better"
    elif difference.high < 0:
        kind = "worse"
    else:
        kind = "unclear"
    estimate = _fixed(difference.value, 4, language)
    sign = "+" if float(_fixed(difference.value, 4, "en")) > 0 else ""  # no +0.0000
    low, high = (_fixed(bound, 4, language) for bound in (difference.low, difference.high))
    shown = render(
        "policy_interval", {"value": sign + estimate, "low": low, "high": high}, language
    )
    params = {
        "list_id": value.list_id,
        "difference": shown,
        "method": render("policy_dr" if method == "dr" else "policy_ips", {}, language),
        "level": f"{value.level:.0%}",
    }
    return render(f"policy_verdict_{kind}", params, language)


def _fixed(number: float, digits: int, language: Language) -> str:
    """`number` with `digits` decimals and no grouping: 0.1234, or 0,1234 in Bahasa."""
    text = f"{number:.{digits}f}"
    return text if language == "en" else text.replace(".", ",")
