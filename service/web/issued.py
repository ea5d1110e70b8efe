"""The page's lists issued: a file made into a recorded list, a recorded list reopened as the page
shows it, and an outcomes file recorded against a list. No HTTP here.

Recording is `service.program.issue_list_with_result`, the function behind `POST /v1/lists`;
reopening reads the store, never scores the list again (the reasons of the listed MSMEs are
worded from the factors the list kept, page and API lists alike; a list without them is explained
again only by the very model version that made it). A reopened list reads as the fresh one:
each MSME's spreadsheet row, the left-out MSMEs in the list's order with their reasons worded
from the recorded figures, the cost column under its own name. Lists recorded before the store
kept these show rows as 0 and the reasons in general words.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from allocation import AllocationResult
from allocation.explain import NotSelectedReasons
from data.contract import ID_COLUMN
from data.io import ReadLimits
from data.messages import Language, render
from data.numbers import NumberKind, ParsedNumber
from data.numbers import render as render_number
from data.outcomes_file import (
    DATE_COLUMN,
    LABEL_COLUMNS,
    MAX_LABEL_LENGTH,
    MENTORED_ON_COLUMN,
    OutcomesFile,
    parse_outcomes,
)
from data.reference import island_group_by_province, province_name_by_code
from data.segments import ScoredSegment
from data.store.errors import (
    InvalidOutcomeDatesError,
    ListNotFoundError,
    OutcomeDateProblem,
    UnknownIdsError,
)
from data.store.outcome_checks import date_problems, issued_day
from data.store.records import (
    IssuedListRecord,
    ListedMsmeRecord,
    OutcomeIn,
    OutcomeSummary,
    outcome_fields,
)
from data.store.repository import ProgramStore
from data.store.requests import Answer, RequestKey
from data.validation import SPREADSHEET_ERROR
from service.model_store import LoadedModel
from service.program import (
    issue_list_with_result,
    mentored_not_selected_warnings,
    recorded_columns,
    recorded_explanation,
    recorded_reasons,
)
from service.program_schemas import DEFAULT_EXPLORATION_SHARE, ListRequest
from service.schemas import (
    MSME_ID_MAX_LENGTH,
    ModelRef,
    PrioritizeMsme,
    PrioritizeRequest,
    PrioritizeResponse,
)
from service.scoring import binding_out, explain_profiles, worded_reasons
from service.web.form_numbers import understood_text
from service.web.i18n import counted, format_number, message
from service.web.lists import (
    Prioritize,
    not_selected_reason,
    page_notes,
    reason_generic,
    shortfall_text,
    summarize,
)
from service.web.problems import PageProblem, UploadError, page_problems
from service.web.schemas import (
    LeftOutMsme,
    ListedMsme,
    OutcomesUploadResponse,
    SourceFile,
    UploadOptions,
    UploadResponse,
)
from service.web.upload_file import COST_COLUMN, UPLOAD_SUFFIXES, read_upload, upload_format

# Reopened lists whose rows the store does not have (made by the API, or recorded before 0004).
UNKNOWN_ROW = 0


def page_exploration_share(options: UploadOptions) -> float:
    """The page's share of slots drawn at random: as set, else the program's default (0.1)."""
    if "exploration_share" in options.model_fields_set:
        return options.exploration_share
    return DEFAULT_EXPLORATION_SHARE


# How the page's file was read, kept with a recorded list for it to reopen stating the same.
SOURCE_READ = {
    "sheet",
    "header_row",
    "first_data_row",
    "delimiter",
    "encoding",
    "decimal",
    "thousands",
    "columns_read_as",
}


def recording(
    store: ProgramStore,
    options: UploadOptions,
    source_file: str,
    *,
    created_by: str,
    request: RequestKey | None = None,
    source_digest: str | None = None,
    refuse_repeat_within: dt.timedelta | None = None,
) -> Prioritize:
    """A `Prioritize` for `service.web.lists.make_list` that also records the list, as
    `POST /v1/lists` does (its answer carries `list_id`), with the page's share of slots drawn
    at random (`page_exploration_share`), the file's own columns in the file's order, each
    MSME's spreadsheet row and the cost column's name; `request`, the claimed `Idempotency-Key`
    of the upload, and `source_digest`, the digest of its file and settings
    (`service.web.repeats.issue_digest`), kept with the list; with `refuse_repeat_within`, a
    list issued from the same within that time refuses this one as it is recorded
    (`ListAlreadyIssuedError`)."""
    exploration_share = page_exploration_share(options)

    def prioritize(
        loaded: LoadedModel, body: PrioritizeRequest, source: SourceFile, rows: Sequence[int]
    ) -> tuple[PrioritizeResponse, AllocationResult]:
        fields = {**body.__dict__, "exploration_share": exploration_share}
        asked = ListRequest.model_construct(**fields, source_file=source_file[-200:])
        return issue_list_with_result(
            loaded,
            asked,
            store,
            created_by=created_by,
            input_columns=source.columns,
            source_rows=rows,
            cost_column=options.cost_column,
            source_read=source.model_dump(mode="json", include=SOURCE_READ),
            request=request,
            source_digest=source_digest,
            refuse_repeat_within=refuse_repeat_within,
        )

    return prioritize


# --------------------------------------------------------------------------- reopening


def reopened_list(
    issued: IssuedListRecord, loaded: LoadedModel | None, language: Language
) -> UploadResponse:
    """A recorded list as the page shows it (table, figures, downloads), from the store alone."""
    options = _options(issued)
    selected_members = [member for member in issued.members if member.selected]
    left_out = sorted((member for member in issued.members if not member.selected), key=_order)
    reasons = recorded_reasons(issued, left_out)
    same_model = loaded is not None and (loaded.ref.name, loaded.ref.version) == (
        issued.model_name,
        issued.model_version,
    )
    explained: list[Any] = [[] for _ in selected_members]
    kept = [member.factors for member in selected_members]
    if selected_members and all(factors is not None for factors in kept):
        # The factors the list was shown with, worded in the reader's language: no model
        # needed, and the reasons stay the list's own after the champion changes.
        explained = worded_reasons([factors or () for factors in kept], language)
    elif same_model and selected_members:
        assert loaded is not None
        profiles = [
            cast(PrioritizeMsme, PrioritizeMsme.model_construct(**member.profile))
            for member in selected_members
        ]
        explained = list(explain_profiles(loaded, profiles, language))
    names = province_name_by_code()
    islands = island_group_by_province()
    columns = recorded_columns(issued)
    selected = [
        _listed(member, reasons, names, islands, columns)
        for member, reasons in zip(selected_members, explained, strict=True)
    ]
    not_selected = [
        _left_out(member, names, language, columns, options=options, reasons=reasons)
        for member in left_out
    ]
    gains = [item.expected_gain for item in selected]
    eligible = [m.uplift for m in issued.members if m.uplift is not None and not _excluded(m)]
    mean_gain = sum(eligible) / len(eligible) if eligible else 0.0
    chances = [item.p_digital_if_mentored for item in selected]
    costs = [item.cost for item in selected if item.cost is not None]
    capacity = int(issued.options.get("capacity", len(selected)))
    # What shaped the list and its notes, as issued (none for lists recorded before 0005).
    binding, notes = recorded_explanation(issued) or ([], [])
    shortfall = None
    if len(eligible) < capacity:
        shortfall = shortfall_text(len(eligible), capacity, len(selected), language)
    return UploadResponse.model_construct(
        model=ModelRef(name=issued.model_name, version=issued.model_version),
        capacity=capacity,
        filled=len(selected),
        candidates=len(issued.members),
        eligible=len(eligible),
        total_expected_gain=sum(gains),
        random_expected_gain=mean_gain * len(selected),
        expected_success_rate=(
            None
            if not chances or None in chances
            else sum(cast(list[float], chances)) / len(chances)
        ),
        total_cost=sum(costs) if costs else None,
        budget=options.budget,
        binding_constraints=[binding_out(item, language) for item in binding],
        shortfall_note=shortfall,
        notes=page_notes(notes, language),
        evidence_warning=None,
        method="recorded",
        selected=selected,
        not_selected=not_selected,
        language=language,
        source=_source(issued, columns),
        options=options,
        summary=summarize(selected, not_selected, language),
        understood=_understood(options, language),
        list_id=issued.id,
        issued_at=issued.created_at,
    )


def _understood(options: UploadOptions, language: Language) -> dict[str, str]:
    """The list's numbers as the page echoes what it read (`capacity`: `60 slot`, `quotas.31`,
    `min_share.0`, `budget`), in `language`: a reopened list states what it was built with, as
    the fresh one did."""
    numbers: list[tuple[str, float, NumberKind]] = [("capacity", options.capacity, "integer")]
    numbers += [(f"quotas.{code}", n, "integer") for code, n in (options.quotas or {}).items()]
    numbers += [(f"min_share.{i}", item.share, "share") for i, item in enumerate(options.min_share)]
    if options.budget is not None:
        numbers.append(("budget", options.budget, "money"))
    shown = {}
    for path, value, kind in numbers:
        exact = Decimal(str(value))
        texts = {language: render_number(exact, kind, language)}
        shown[path] = understood_text(ParsedNumber(value, exact, kind, understood=texts), language)
    return shown


def _options(issued: IssuedListRecord) -> UploadOptions:
    values = {
        name: issued.options[name]
        for name in ("capacity", "exclude_digital", "only_beneficial", "exploration_share")
        if name in issued.options
    }
    constraints = {name: value for name, value in issued.constraints.items() if value is not None}
    if issued.options.get("exploration_seed") is not None:
        values["exploration_seed"] = issued.options["exploration_seed"]
    if issued.options.get("cost_column") is not None:  # the page's file's own name for it
        constraints["cost_column"] = issued.options["cost_column"]
    elif constraints.get("budget") is not None:
        constraints["cost_column"] = COST_COLUMN
    return UploadOptions.model_validate(values | constraints)


def _order(member: ListedMsmeRecord) -> tuple[float, str]:
    """The left-out MSMEs' order on the fresh list (`allocation.candidates.canonical_order`):
    uplift highest first, unscored last, ties by msme_id."""
    uplift = _finite(member.uplift)
    return (math.inf if uplift is None else -uplift, member.msme_id)


def _row(member: ListedMsmeRecord) -> int:
    return UNKNOWN_ROW if member.source_row is None else member.source_row


def _source(issued: IssuedListRecord, columns: list[str]) -> SourceFile:
    """The file as the fresh list stated it: how it was read (header row, delimiter, number
    format, columns read as contract fields) when the list was recorded with it. A list
    recorded before that, but with its MSMEs' rows, still knows its header row: the page
    takes a file only when every row is valid, so the first MSME is on the row below it."""
    filename = issued.source_file or ""
    fmt = UPLOAD_SUFFIXES.get(Path(filename).suffix.lower(), "csv")
    read = dict(issued.options.get("source_read") or {})
    rows = [member.source_row for member in issued.members if member.source_row]
    if not read and rows:
        read = {"header_row": min(rows) - 1, "first_data_row": min(rows)}
    return SourceFile.model_validate(
        {
            **read,
            "filename": filename,
            "format": fmt,
            "rows": len(issued.members),
            "columns": columns,
        }
    )


def _input(member: ListedMsmeRecord, columns: Sequence[str]) -> dict[str, Any]:
    """The member's cells as the fresh list carried them: profile and own columns, in order."""
    cells: Mapping[str, Any] = {**member.profile, **(member.extra or {})}
    return {name: cells.get(name) for name in columns}


def _excluded(member: ListedMsmeRecord) -> bool:
    return member.reason_code in ("already_digital", "missing_uplift")


def _listed(
    member: ListedMsmeRecord,
    reasons: Any,
    names: dict[str, str],
    islands: dict[str, str],
    columns: Sequence[str],
) -> ListedMsme:
    profile = member.profile
    province = str(profile.get("province_code", ""))
    return ListedMsme.model_construct(
        rank=member.rank or 0,
        msme_id=member.msme_id,
        expected_gain=_finite(member.uplift) or 0.0,
        p_digital_if_mentored=_finite(member.p_if_mentored),
        p_digital_if_not=_finite(member.p_if_not),
        segment=cast(ScoredSegment, member.segment),
        province_code=province,
        cost=_finite(profile.get("cost")),
        row=_row(member),
        province_name=names.get(province, province),
        sector=str(profile.get("sector", "")),
        owner_gender=str(profile.get("owner_gender", "")),
        area_type=str(profile.get("area_type", "")),
        island_group=islands.get(province, ""),
        reasons=reasons,
        input=_input(member, columns),
        selected_by=member.selected_by,
        selection_probability=member.selection_probability,
    )


def _left_out(
    member: ListedMsmeRecord,
    names: dict[str, str],
    language: Language,
    columns: Sequence[str],
    *,
    options: UploadOptions,
    reasons: NotSelectedReasons | None,
) -> LeftOutMsme:
    profile = member.profile
    province = str(profile.get("province_code", ""))
    code = member.reason_code or ""
    uplift = _finite(member.uplift)
    if reasons is None:  # recorded before the store kept the list's figures
        reason = reason_generic(code, language)
    else:
        cutoff = math.nan if reasons.cutoff is None else reasons.cutoff
        reason = not_selected_reason(
            code,
            uplift,
            dict(profile),
            cutoff=cutoff,
            options=options,
            language=language,
            reasons=reasons,
        )
    return LeftOutMsme.model_construct(
        msme_id=member.msme_id,
        reason_code=code,
        reason=reason,
        uplift=uplift,
        segment=cast(ScoredSegment, member.segment),
        row=_row(member),
        province_code=province,
        province_name=names.get(province, province),
        sector=str(profile.get("sector", "")),
        owner_gender=str(profile.get("owner_gender", "")),
        p_digital_if_mentored=_finite(member.p_if_mentored),
        p_digital_if_not=_finite(member.p_if_not),
        input=_input(member, columns),
    )


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


# --------------------------------------------------------------------------- outcomes


def read_outcomes_file(
    path: Path, filename: str, language: Language, max_rows: int
) -> OutcomesFile:
    """The outcomes of an uploaded file, read within the upload limits; UploadError when it is
    no table to read. Its problems (rows, columns) travel with it: `record_outcomes_file`
    refuses it naming them together with what the list finds among its other rows."""
    upload_format(filename, language)
    read = read_upload(path, filename, language, ReadLimits.for_upload(max_rows))
    return parse_outcomes(read.frame, read.info)


def record_outcomes_file(
    store: ProgramStore,
    list_id: str,
    parsed: OutcomesFile,
    *,
    filename: str,
    recorded_by: str,
    language: Language,
    request: RequestKey | None = None,
    dry_run: bool = False,
) -> OutcomesUploadResponse:
    """Record the file's outcomes for `list_id`, all or nothing. A file is refused in one answer
    naming every problem with its row (column as the file heads it): its own (422), MSMEs not
    on the list (404) and dates that cannot be right (422), the last two for every row read
    right; a file whose columns are wrong, for its columns alone. An unknown list refuses it
    too (404). Outcomes that say mentored for MSMEs the list did not select are recorded, with
    a warning. `request`: the upload's claimed `Idempotency-Key`, answered with this answer in
    the same transaction. `dry_run`: checked by the store as it records (`ProgramStore.
    record_outcomes(dry_run=True)`), refused alike, answered with what recording would do, and
    nothing recorded."""
    if parsed.problems:
        raise _refused(store, list_id, parsed, language)
    items = [
        OutcomeIn(list_id=list_id, msme_id=row.msme_id, **outcome_fields(row))
        for row in parsed.rows
    ]

    def answer(summary: OutcomeSummary) -> Answer:
        worded = _outcomes_answer(summary, list_id, filename, len(parsed.rows), language)
        return Answer(worded.model_dump_json().encode(), language)

    try:
        summary = store.record_outcomes(
            items, recorded_by=recorded_by, request=request, answer=answer, dry_run=dry_run
        )
    except UnknownIdsError as error:
        if error.unknown_lists:
            raise _list_unknown(language) from None
        raise _refused(store, list_id, parsed, language) from None  # with the dates, if any
    except InvalidOutcomeDatesError as error:
        raise _wrong_dates(error, parsed, language) from None
    return _outcomes_answer(summary, list_id, filename, len(parsed.rows), language, dry_run=dry_run)


def _outcomes_answer(
    summary: OutcomeSummary,
    list_id: str,
    filename: str,
    rows: int,
    language: Language,
    *,
    dry_run: bool = False,
) -> OutcomesUploadResponse:
    stored = summary.stored.get(list_id, 0)
    return OutcomesUploadResponse(
        list_id=list_id,
        filename=filename,
        rows=rows,
        inserted=summary.created,
        updated=summary.updated,
        unchanged=summary.unchanged,
        outcomes=stored,
        message=message(
            language,
            "outcomes.checked" if dry_run else "outcomes.done",
            inserted=format_number(summary.created, language, 0),
            updated=format_number(summary.updated, language, 0),
            unchanged=format_number(summary.unchanged, language, 0),
            total=format_number(stored, language, 0),
        ),
        mentored_not_selected=sum(summary.mentored_not_selected.values()),
        warnings=mentored_not_selected_warnings(
            summary.mentored_not_selected, language, checked=dry_run
        ),
        dry_run=dry_run,
    )


def _list_unknown(language: Language) -> UploadError:
    return UploadError(404, "list_not_found", message(language, "outcomes.list_unknown"), [])


def _refused(
    store: ProgramStore, list_id: str, parsed: OutcomesFile, language: Language
) -> UploadError:
    """The file refused with every problem in one answer: its own, then those the list finds
    (`_list_problems`: ids not on it in every row, impossible dates among the rows read right).
    Wrong columns leave no row to check: they are named alone, with the outcomes section's help
    to turn to."""
    own = _own_problems(parsed, language)
    if any(problem.row is None for problem in own):
        return UploadError(422, "invalid_file", message(language, "outcomes.invalid_columns"), own)
    unknown: list[PageProblem] = []
    dates: list[PageProblem] = []
    try:
        unknown, dates = _list_problems(store.get_list(list_id), parsed, language)
    except ListNotFoundError:
        if not own:
            return _list_unknown(language)
    problems = sorted([*own, *unknown, *dates], key=lambda problem: problem.row or 0)
    if not problems:  # nothing left to name (the list went meanwhile): as for an unknown list
        return _list_unknown(language)

    def count(number: int) -> str:
        return format_number(number, language, 0)

    if own or (unknown and dates):
        text = message(
            language,
            counted("error.invalid_rows", len(problems)),
            n=count(len(problems)),
            rows=count(len({problem.row for problem in problems})),
            total=count(parsed.row_count),
        )
    elif unknown:
        text = message(language, counted("outcomes.unknown", len(unknown)), n=count(len(unknown)))
    else:
        return _dates_refusal(InvalidOutcomeDatesError.code, dates, language)
    if own:
        return UploadError(422, "invalid_file", text, problems)
    return UploadError(404, UnknownIdsError.code, text, problems)


def _list_problems(
    issued: IssuedListRecord, parsed: OutcomesFile, language: Language
) -> tuple[list[PageProblem], list[PageProblem]]:
    """The MSMEs not on the list (every row naming one, read right or not, so that one answer
    names them all), and among the rows read right the dates that cannot be right, checked as
    the store checks them (`data.store.outcome_checks`), without recording anything."""
    listed = {member.msme_id for member in issued.members}
    column = parsed.headed(language)[ID_COLUMN]
    unknown = [
        _not_on_list(msme_id, row, column, language)
        for row, msme_id in parsed.named_rows
        if msme_id not in listed
    ]
    on_list = [
        OutcomeIn(list_id=issued.id, msme_id=row.msme_id, **outcome_fields(row))
        for row in parsed.sound_rows
        if row.msme_id in listed
    ]
    today = dt.datetime.now(dt.UTC).date()  # the store's clock: UTC
    wrong = date_problems(on_list, {issued.id: issued_day(issued.created_at)}, today)
    return unknown, _date_problems(wrong, parsed, language)


def _own_problems(parsed: OutcomesFile, language: Language) -> list[PageProblem]:
    """The file's own problems, worded as a candidates file's; a date's or a label's fix, which
    the contract has none of, in the words of the outcomes section's help (a spreadsheet error's
    fix, the formula, is the candidates file's)."""
    worded = page_problems(
        parsed.problems, language, parsed.headed(language), header_row=parsed.header_row
    )
    fixes = {
        DATE_COLUMN: message(language, "outcomes.fix_date"),
        MENTORED_ON_COLUMN: message(language, "outcomes.fix_date"),
        **dict.fromkeys(
            LABEL_COLUMNS,
            message(language, "outcomes.fix_label", n=format_number(MAX_LABEL_LENGTH, language, 0)),
        ),
    }
    return [
        replace(page, fix=fixes.get(problem.column or "", page.fix))
        if problem.row and problem.code != SPREADSHEET_ERROR
        else page
        for problem, page in zip(parsed.problems, worded, strict=True)
    ]


def _not_on_list(msme_id: str, row: int | None, column: str, language: Language) -> PageProblem:
    """The id as the file gives it, cut after the longest id a list can hold: the problem still
    fits what POST /v1/problems/export takes back."""
    shown = msme_id if len(msme_id) <= MSME_ID_MAX_LENGTH else msme_id[:MSME_ID_MAX_LENGTH] + "…"
    return PageProblem(
        row=row,
        column=column,
        reason=message(language, "outcomes.not_on_list", msme_id=shown),
        fix=message(language, "outcomes.not_on_list_fix"),
    )


def _wrong_dates(
    error: InvalidOutcomeDatesError, parsed: OutcomesFile, language: Language
) -> UploadError:
    """The store's refusal of dates as the file's problems."""
    return _dates_refusal(error.code, _date_problems(error.problems, parsed, language), language)


def _date_problems(
    problems: Sequence[OutcomeDateProblem], parsed: OutcomesFile, language: Language
) -> list[PageProblem]:
    """Dates that cannot be right as the file's problems: each date by its row and its column
    as the file heads it, why (naming the dates) and how to fix it."""
    rows = {row.msme_id: row.row for row in parsed.sound_rows}
    headed = parsed.headed(language)
    worded = [
        PageProblem(
            row=rows.get(problem.msme_id),
            column=headed[problem.field],
            reason=render(problem.reason, problem.params, language),
            fix=render(f"{problem.reason}_fix", problem.params, language),
        )
        for problem in problems
    ]
    return sorted(worded, key=lambda problem: problem.row or 0)


def _dates_refusal(error: str, problems: list[PageProblem], language: Language) -> UploadError:
    count = len(problems)
    code = "refusal_impossible_date" if count == 1 else "refusal_impossible_dates"
    return UploadError(422, error, render(code, {"count": count}, language), problems)
