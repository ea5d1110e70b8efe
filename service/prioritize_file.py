"""`umkm prioritize`: a file of candidate profiles in, a mentoring list and its left-outs out.

Rows are validated against the profile contract; rejected rows (and, with a budget, rows whose
cost is missing or negative) go to `<output stem>.quarantine.csv` with their reasons. The rest are
scored with the registered model in chunks, allocated by `allocation.allocate`, and
written: the list to the output file, everyone else with a reason code to
`<output stem>_not_selected.<ext>` (for .xlsx: a second sheet, plus a summary sheet). The files
of a list (and its quarantine, when rows were rejected) are renamed into place together once all
are written; a list that rejects no rows removes the quarantine file an earlier run left beside
the same output, once the list is in place (`ListFiles.stale_quarantine_removed`). The reason's
words and the summary sheet follow the chosen language, as `POST /v1/prioritize` words them; a
model trained on weak evidence puts its warning in the summary sheet, as the API's summary does.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from allocation import (
    MIN_SHARE_COLUMNS,
    REASON_CODES,
    AllocationRequest,
    AllocationResult,
    allocate,
)
from data.contract import (
    DEFAULT_MODEL_URI,
    FIRST_DATA_ROW,
    PROFILE_COLUMNS,
    SCORE_FIELDS,
    spreadsheet_error,
)
from data.io import DataFileError, money_texts, read_table_info, table_format
from data.limits import read_at_most
from data.messages import Language, format_param, render
from data.read_info import ReadInfo
from data.validation import (
    REASONS_COLUMN,
    ROW_COLUMN,
    ValidationResult,
    quarantine_frame,
    remove_stale_quarantine,
    validate_frame,
)
from data.writing import atomic_outputs, write_table_to
from data.xlsx import write_workbook
from models.features import FeatureError
from models.pyfunc import load_uplift_model
from models.scoring import score_frame
from models.uplift_model import UpliftModel
from service.exceptions import ServiceError
from service.request_problems import problem_reason
from service.scoring import not_selected_reasons

SCORING_CHUNK_ROWS = 200_000
XLSX_MAX_ROWS = 1_048_575  # a worksheet's rows below the header
INPUT_ROW = "input_row"  # spreadsheet row of the MSME in the input file
COST = "cost"
# Columns the list computes; an input column of the same name is replaced, not kept twice.
COMPUTED_COLUMNS = (*SCORE_FIELDS, "rank", "expected_gain", "reason_code", "reason", INPUT_ROW)


class PrioritizeFileError(ServiceError, ValueError):
    """Input or options that cannot make a list; the message says what and where. With a
    catalog `code` (`PrioritizeFileError.of`) it is worded in any language by `worded`."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
        wording: Callable[[Language], str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.params: Mapping[str, object] = params or {}
        self.wording = wording  # the message in a language, when more than `code` words it

    @classmethod
    def of(cls, code: str, **params: object) -> PrioritizeFileError:
        """The refusal `code` with its parameters (its English text for logs)."""
        return cls(render(code, params, "en"), code=code, params=params)

    @classmethod
    def about_file(
        cls, path: Path, code: str, params: Mapping[str, object], message: str | None = None
    ) -> PrioritizeFileError:
        """A refusal about the file at `path`: `code` worded in any language after the file's
        name (`message`: the English text for logs, when it is not the catalogue's)."""

        def wording(language: Language) -> str:
            return f"{path}: {render(code, params, language)}"

        return cls(message or wording("en"), code=code, params=params, wording=wording)

    @classmethod
    def unreadable(cls, path: Path, error: DataFileError) -> PrioritizeFileError:
        """A file that cannot be read or written, from the reader's coded error."""
        return cls.about_file(path, error.code, error.params, str(error))

    @classmethod
    def not_contract(cls, path: Path, checked: ValidationResult) -> PrioritizeFileError:
        """A file whose header breaks the profile contract (a column missing or repeated): its
        first ten such problems, each worded in the language asked."""

        def wording(language: Language) -> str:
            listed = checked.file_problems(language)
            return f"{path}: {render('prioritize_not_contract', {'problems': listed}, language)}"

        return cls(wording("en"), wording=wording)

    def worded(self, language: Language) -> str:
        """The message in `language` (English when the error has no code)."""
        if self.wording is not None:
            return self.wording(language)
        return str(self) if self.code is None else render(self.code, self.params, language)


@dataclass(frozen=True)
class ListFiles:
    """What `prioritize_file` wrote and counted."""

    selected_path: Path
    not_selected_path: Path  # the same .xlsx as selected_path for workbooks
    quarantine_path: Path | None
    rows_read: int
    rows_rejected: int
    replaced_columns: list[str]
    result: AllocationResult
    # The model's weak-evidence warning (`UpliftModel.evidence_warning`): code and parameters.
    evidence_warning: tuple[str, dict[str, int]] | None = None
    # An earlier run's quarantine file beside the output, removed: this run rejected no rows.
    stale_quarantine_removed: Path | None = None


Progress = Callable[[int, int], None]  # (rows scored so far, rows to score)


# ------------------------------------------------------------------------------ options


# The options' refusals name the option and the item's number (from 1, in the order given),
# never the text typed: it may be anything, and the user has it in front of them.
QUOTAS_OPTION = "--quotas"
MIN_SHARE_OPTION = "--min-share"
# A quotas file holds at most 38 provinces' slots, a few hundred bytes: more is not read.
QUOTAS_FILE_MAX_BYTES = 1024 * 1024  # 1 MB


def parse_quotas(text: str | None) -> dict[str, int] | None:
    """`31=40,32=60`, or a JSON file holding `{"31": 40, "32": 60}`."""
    if text is None or not text.strip():
        return None
    option = QUOTAS_OPTION
    path = Path(text)
    if path.suffix.lower() == ".json":
        try:
            loaded = json.loads(_quotas_file_text(path))
        except json.JSONDecodeError as error:
            raise PrioritizeFileError.of(
                "prioritize_quota_file_invalid",
                option=option,
                line=error.lineno,
                column=error.colno,
            ) from error
        if not isinstance(loaded, dict):
            raise PrioritizeFileError.of("prioritize_quota_file_not_object", option=option)
        pairs = [(str(code), value) for code, value in loaded.items()]
    else:
        pairs = []
        for position, item in enumerate(text.split(","), start=1):
            code, sep, value = item.partition("=")
            if not sep:
                raise PrioritizeFileError.of(
                    "prioritize_quota_form", option=option, position=position
                )
            pairs.append((code.strip(), value.strip()))
    quotas: dict[str, int] = {}
    positions: dict[str, int] = {}
    for position, (code, value) in enumerate(pairs, start=1):
        try:
            slots = _whole(value)
        except (TypeError, ValueError):
            raise PrioritizeFileError.of(
                "prioritize_quota_not_whole", option=option, position=position
            ) from None
        if code in quotas:
            raise PrioritizeFileError.of(
                "prioritize_quota_twice", option=option, position=position, first=positions[code]
            )
        quotas[code] = slots
        positions[code] = position
    return quotas


def _quotas_file_text(path: Path) -> str:
    """A quotas file's text, read only when it holds at most QUOTAS_FILE_MAX_BYTES: its size
    is checked before reading, and no more than one byte past the limit is read (a file that
    grows meanwhile, or a device, is caught too)."""
    try:
        content = read_at_most(path, QUOTAS_FILE_MAX_BYTES)
    except OSError as error:
        raise PrioritizeFileError.of(
            "prioritize_quota_file_unreadable", option=QUOTAS_OPTION
        ) from error
    if content is None:
        raise PrioritizeFileError.of(
            "prioritize_quota_file_too_large",
            option=QUOTAS_OPTION,
            path=str(path),
            limit=QUOTAS_FILE_MAX_BYTES,
        )
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PrioritizeFileError.of(
            "prioritize_quota_file_unreadable", option=QUOTAS_OPTION
        ) from error


def _whole(value: object) -> int:
    """A whole number of slots: an integer, a whole JSON number (40.0) or its text; 4.5, true
    and the like raise ValueError (``int()`` alone would read them as 4 and 1)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    if isinstance(value, str):
        return int(value)
    raise TypeError(value)


def parse_min_shares(items: Sequence[str]) -> list[dict[str, Any]]:
    """`owner_gender=female:0.5` (or `:50%`); several per option, comma-separated, or repeated."""
    shares: list[dict[str, Any]] = []
    option = MIN_SHARE_OPTION
    parts = [part.strip() for entry in items for part in entry.split(",")]
    for position, item in enumerate((part for part in parts if part), start=1):
        condition, sep, amount = item.rpartition(":")
        column, eq, value = condition.partition("=")
        if not sep or not eq:
            raise PrioritizeFileError.of("prioritize_share_form", option=option, position=position)
        try:
            share = float(amount.rstrip("%")) / 100 if amount.endswith("%") else float(amount)
        except ValueError:
            raise PrioritizeFileError.of(
                "prioritize_share_not_number", option=option, position=position
            ) from None
        if column.strip() not in MIN_SHARE_COLUMNS:
            raise PrioritizeFileError.of(
                "prioritize_share_column",
                option=option,
                position=position,
                allowed=list(MIN_SHARE_COLUMNS),
            )
        shares.append({"column": column.strip(), "value": value.strip(), "share": share})
    return shares


def build_request(*, language: Language = "en", **fields: Any) -> AllocationRequest:
    """The allocation request; pydantic's complaints and the options' own rules worded in
    `language` from their codes, each naming its option (`--capacity`, `--time-limit`; an item
    as the API names it, `quotas["99"]`, `min_share[0]`) and never the value given. The
    command's options carry no ranges of their own: this is where they are checked, so that
    the refusal follows `--lang`."""
    try:
        return AllocationRequest.model_validate(fields)
    except ValidationError as error:
        reasons = [
            problem_reason(problem, language, field=_flag(problem)) for problem in error.errors()
        ]
        raise PrioritizeFileError("; ".join(reasons)) from None


def _flag(problem: Mapping[str, Any]) -> str | None:
    """A whole option's name as the command takes it (`capacity`: `--capacity`,
    `time_limit_seconds`: `--time-limit`); None for an item of one, which keeps the API's name
    for it (`quotas["99"]`, `min_share[0]`)."""
    loc = tuple(problem.get("loc", ()))
    if len(loc) != 1 or not isinstance(loc[0], str):
        return None
    return str(command_line_option({"option": loc[0]})["option"])


# ------------------------------------------------------------------------------ the work


def output_paths(output: Path) -> tuple[Path, Path, Path]:
    """List file, not-selected file (the same workbook for .xlsx) and quarantine file."""
    try:
        fmt = table_format(output)
    except DataFileError as error:
        raise PrioritizeFileError.unreadable(output, error) from error
    rest = (
        output if fmt == "xlsx" else output.with_name(f"{output.stem}_not_selected{output.suffix}")
    )
    return output, rest, output.with_name(f"{output.stem}.quarantine.csv")


def prioritize_file(
    data: Path,
    output: Path,
    request: AllocationRequest,
    *,
    model_uri: str = DEFAULT_MODEL_URI,
    cost_column: str = COST,
    progress: Progress | None = None,
    language: Language = "en",
) -> ListFiles:
    """Read, validate, score, allocate and write; see the module docstring. The not-selected
    MSMEs' `reason` and an .xlsx output's summary sheet are worded in `language`.

    Raises PrioritizeFileError (bad input), and allocation's InfeasibleConstraints,
    CandidateError and SolverError.
    """
    selected_path, rest_path, quarantine_path = output_paths(output)
    try:
        read = read_table_info(data, duplicate_columns="keep")
    except DataFileError as error:
        raise PrioritizeFileError.unreadable(data, error) from error
    raw, info = read.frame, read.info
    checked = validate_frame(raw, "profile", extra_columns="ignore", source=info)
    if checked.file_problems() is not None:
        raise PrioritizeFileError.not_contract(data, checked)

    valid = checked.valid
    rejected = checked.rejected
    if request.budget is not None:
        valid, cost_rejected = _with_costs(raw, valid, cost_column, info, info.first_data_row)
        rejected = pd.concat([rejected, cost_rejected], ignore_index=True)
    quarantined = None  # the rejected rows, written with the list
    if len(rejected):
        rejected = rejected.sort_values(ROW_COLUMN, kind="stable").reset_index(drop=True)
        quarantined = dataclasses.replace(checked, rejected=rejected)

    replaced = [name for name in valid.columns if name in COMPUTED_COLUMNS]
    profiles = valid.drop(columns=replaced)
    profiles.insert(len(profiles.columns), INPUT_ROW, valid.index.to_numpy())
    profiles = profiles.reset_index(drop=True)
    model = load_uplift_model(model_uri)
    scores = _score(profiles, model, progress) if len(profiles) else _no_scores()
    candidates = pd.concat([profiles, scores], axis=1)
    result = allocate(candidates, request)
    evidence = model.evidence_warning

    selected = _ordered(result.selected, first=("rank", "msme_id", "expected_gain"))
    reasons = not_selected_reasons(result, language)
    rest = _ordered(
        result.not_selected.assign(reason=reasons), first=("msme_id", "reason_code", "reason")
    )
    _write(
        selected,
        rest,
        result,
        selected_path,
        rest_path,
        language=language,
        evidence=evidence,
        quarantine=None if quarantined is None else (quarantined, quarantine_path),
    )
    stale = None if quarantined is not None else _remove_stale(quarantine_path, selected_path)
    return ListFiles(
        selected_path=selected_path,
        not_selected_path=rest_path,
        quarantine_path=None if quarantined is None else quarantine_path,
        rows_read=len(raw),
        rows_rejected=len(rejected),
        replaced_columns=replaced,
        result=result,
        evidence_warning=evidence,
        stale_quarantine_removed=stale,
    )


def _remove_stale(quarantine: Path, output: Path) -> Path | None:
    """Remove an earlier run's quarantine file beside the list (this run rejected no rows); the
    path when one was there."""
    try:
        removed = remove_stale_quarantine(quarantine)
    except OSError as error:
        reason = error.strerror or str(error)
        raise PrioritizeFileError(
            f"{quarantine}: cannot remove this quarantine file of an earlier run ({reason}); "
            f"this run rejected no rows: the list is in {output}, delete it by hand"
        ) from error
    return quarantine if removed else None


def _with_costs(
    raw: pd.DataFrame,
    valid: pd.DataFrame,
    cost_column: str,
    info: ReadInfo | None,
    first_data_row: int = FIRST_DATA_ROW,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Valid rows with a usable `cost` (`Rp 1.500.000` too: read in the format the column's own
    cells show, else the file's, as the page reads it: `data.io.money_texts`); the others as
    quarantine rows (raw cells + reasons)."""
    if cost_column not in valid.columns:
        raise PrioritizeFileError.of(
            "prioritize_cost_column_missing", column=cost_column, option="--cost-column"
        )
    text = valid[cost_column].astype(str).str.strip()
    cost = pd.to_numeric(money_texts(valid[cost_column], info), errors="coerce")
    bad = ~np.isfinite(cost.to_numpy(dtype=float)) | (cost < 0).to_numpy()
    missing = (valid[cost_column].isna() | (text == "")).to_numpy()
    # In English, as the rest of the quarantine file (data.validation words it so).
    worded = [
        render(code, {}, "en") for code in ("prioritize_cost_missing", "prioritize_cost_invalid")
    ]
    reasons = np.where(missing, *worded).astype(object)
    for position in np.flatnonzero(bad):  # a formula that failed, not a cost mistyped
        failed = spreadsheet_error(text.iloc[position])
        if failed is not None:
            reasons[position] = render("value_spreadsheet_error", {"error": failed}, "en")
    reasons = reasons[bad]
    kept = valid.loc[~bad].copy()
    kept[COST] = cost[~bad].astype(float)
    if cost_column != COST:
        kept = kept.drop(columns=cost_column)
    rows = valid.index[bad].to_numpy()
    out = raw.iloc[rows - first_data_row].reset_index(drop=True)
    out.insert(0, REASONS_COLUMN, [f"column {cost_column}: value {r}" for r in reasons])
    out.insert(0, ROW_COLUMN, rows)
    return kept, out


def _score(profiles: pd.DataFrame, model: UpliftModel, progress: Progress | None) -> pd.DataFrame:
    """Scores in input order, `SCORING_CHUNK_ROWS` rows at a time (memory stays flat)."""
    parts = []
    for start in range(0, len(profiles), SCORING_CHUNK_ROWS):
        chunk = profiles.iloc[start : start + SCORING_CHUNK_ROWS]
        try:
            parts.append(score_frame(model, chunk))
        except FeatureError as error:
            row = None if error.position is None else int(chunk[INPUT_ROW].iloc[error.position])
            raise PrioritizeFileError(
                error.worded("en", row), wording=functools.partial(error.worded, row=row)
            ) from error
        if progress is not None:
            progress(min(start + SCORING_CHUNK_ROWS, len(profiles)), len(profiles))
    return pd.concat(parts).reset_index(drop=True)[list(SCORE_FIELDS)]


def _no_scores() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=float) for name in SCORE_FIELDS})


def _ordered(frame: pd.DataFrame, first: Sequence[str]) -> pd.DataFrame:
    """Computed columns first, then the contract's, then the file's own, then its row."""
    scores = ("uplift", "p_digital_if_mentored", "p_digital_if_not", "segment")
    place = ("province_code", "island_group", COST)
    contract = [spec.name for spec in PROFILE_COLUMNS]
    head = [*first, *scores, *place, *contract]
    ordered = [name for name in dict.fromkeys(head) if name in frame.columns]
    tail = [name for name in frame.columns if name not in ordered and name != INPUT_ROW]
    return frame[[*ordered, *tail, INPUT_ROW]]


# The list's table as `summary_rows` and `umkm prioritize` word it (data.messages code -> params).
SUMMARY_CODES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        (
            "summary_title",
            "summary_slots",
            "summary_filled",
            "summary_candidates",
            "summary_eligible",
            "summary_expected_gain",
            "summary_random_gain",
            "summary_success_rate",
            "summary_cost",
            "summary_method",
            "summary_optimality_gap",
            "summary_binding",
            "summary_note",
            "summary_figure",
            "summary_value",
            "summary_evidence",
        ),
        (),
    ),
    "summary_cost_of_budget": ("cost", "budget"),
    "summary_not_selected": ("reason",),
    # a reason code in a few words, the `reason` of `summary_not_selected`
    **{f"summary_reason.{code}": () for code in REASON_CODES},
}


# `ListOptions` / `AllocationRequest` fields whose `umkm prioritize` flag is not the field's name.
COMMAND_LINE_FLAGS = {"time_limit_seconds": "--time-limit"}


def command_line_option(params: Mapping[str, object]) -> Mapping[str, object]:
    """A message's parameters with the list option it names (`option`, a `ListOptions` field
    such as `only_beneficial`) spelled as `umkm prioritize` takes it: `--only-beneficial`,
    `--time-limit`."""
    option = params.get("option")
    if not isinstance(option, str):
        return params
    flag = COMMAND_LINE_FLAGS.get(option, "--" + option.replace("_", "-"))
    return {**params, "option": flag}


def summary_rows(
    result: AllocationResult,
    language: Language = "en",
    *,
    cells: bool = False,
    evidence: tuple[str, Mapping[str, int]] | None = None,
) -> list[tuple[str, object]]:
    """The list's figures as (label, value) pairs, for the console and the workbook; labels,
    binding constraints and notes worded in `language` from their codes, as the API words
    them. Counts and gains stay numbers in English and for a workbook's `cells`; on a Bahasa
    console they are text with its separators (2,53). `evidence`: the model's weak-evidence
    warning (`UpliftModel.evidence_warning`), worded beside the gains it qualifies."""

    def label(code: str, **params: object) -> str:
        return render(code, params, language)

    def figure(value: float) -> object:
        return value if language == "en" or cells else format_param("figure", value, language)

    rows: list[tuple[str, object]] = [
        (label("summary_slots"), figure(result.capacity)),
        (label("summary_filled"), figure(result.filled)),
        (label("summary_candidates"), figure(result.candidates)),
        (label("summary_eligible"), figure(result.eligible)),
        (label("summary_expected_gain"), figure(round(result.total_expected_gain, 2))),
        (label("summary_random_gain"), figure(round(result.random_expected_gain, 2))),
    ]
    if evidence is not None:
        code, params = evidence
        rows.append((label("summary_evidence"), label(code, **params)))
    if result.expected_success_rate is not None:
        rate = f"{result.expected_success_rate:.1%}"
        if language != "en":
            rate = format_param("fraction", result.expected_success_rate, language)
        rows.append((label("summary_success_rate"), rate))
    if result.total_cost is not None:
        if result.budget is None:
            cost = format_param("cost", result.total_cost, language)
        else:
            cost = label("summary_cost_of_budget", cost=result.total_cost, budget=result.budget)
        rows.append((label("summary_cost"), cost))
    rows.append((label("summary_method"), result.method))
    if result.optimality_gap > 0:
        rows.append((label("summary_optimality_gap"), f"{result.optimality_gap:.2e}"))
    binding, note = label("summary_binding"), label("summary_note")
    rows += [(binding, render(item.code, item.params, language)) for item in result.binding]
    rows += [
        (note, render(item.code, command_line_option(item.params), language))
        for item in result.coded_notes
    ]
    rows += [
        (label("summary_not_selected", reason=label(f"summary_reason.{code}")), figure(n))
        for code, n in result.reason_counts.items()
    ]
    return rows


def _write(
    selected: pd.DataFrame,
    rest: pd.DataFrame,
    result: AllocationResult,
    selected_path: Path,
    rest_path: Path,
    *,
    language: Language,
    evidence: tuple[str, Mapping[str, int]] | None = None,
    quarantine: tuple[ValidationResult, Path] | None = None,
) -> None:
    """The list, everyone else and the `quarantine` (the rejected rows and their file, when
    there are some), renamed into place together once all are complete; a workbook's summary
    sheet worded in `language`, with the model's weak-evidence warning."""
    paths = [selected_path]
    try:
        fmt = table_format(selected_path)
        sheets: list[tuple[str, pd.DataFrame]] = []
        if fmt == "xlsx":
            if len(rest) > XLSX_MAX_ROWS:
                raise PrioritizeFileError.about_file(
                    selected_path, "prioritize_too_many_for_sheet", {"count": len(rest)}
                )
            header = [render(code, {}, language) for code in ("summary_figure", "summary_value")]
            summary = pd.DataFrame(
                summary_rows(result, language, cells=True, evidence=evidence), columns=header
            )
            sheets = [("selected", selected), ("not_selected", rest), ("summary", summary)]
        if fmt != "xlsx":  # a workbook holds everyone else too: rest_path is selected_path
            paths.append(rest_path)
        if quarantine is not None:
            paths.append(quarantine[1])
        with atomic_outputs(paths) as temporaries:
            if sheets:
                write_workbook(temporaries[0], sheets)
            else:
                write_table_to(selected, temporaries[0], fmt)
                write_table_to(rest, temporaries[1], fmt)
            if quarantine is not None:
                write_table_to(quarantine_frame(quarantine[0]), temporaries[-1], "csv")
    except DataFileError as error:
        # The file the error is about (its message starts with it), to word it in any language.
        failed = next((path for path in paths if str(error).startswith(f"{path}:")), selected_path)
        raise PrioritizeFileError.unreadable(failed, error) from error
