"""The page's lists issued: a file made into a recorded list, a recorded list reopened as the page
shows it, and an outcomes file recorded against a list. No HTTP here.

Recording is `service.program.issue_list_with_result`, the function behind `POST /v1/lists`;
reopening reads the store, never scores the list again (the reasons of the listed MSMEs are
explained again only by the very model version that made the list). A reopened list reads as the
fresh one: each MSME's spreadsheet row, the left-out MSMEs in the list's order with their reasons
worded from the recorded figures, the cost column under its own name. Lists recorded before the
store kept these show rows as 0 and the reasons in general words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from allocation import AllocationResult
from allocation.explain import NotSelectedReasons
from data.contract import ID_COLUMN
from data.io import ReadLimits
from data.messages import Language, render
from data.outcomes_file import OutcomesFile, parse_outcomes
from data.reference import island_group_by_province, province_name_by_code
from data.segments import ScoredSegment
from data.store.errors import InvalidOutcomeDatesError, UnknownIdsError
from data.store.records import (
    IssuedListRecord,
    ListedMsmeRecord,
    OutcomeIn,
    OutcomeSummary,
    outcome_fields,
)
from data.store.repository import ProgramStore
from data.store.requests import Answer, RequestKey
from service.model_store import LoadedModel
from service.program import (
    issue_list_with_result,
    mentored_not_selected_warnings,
    recorded_columns,
    recorded_explanation,
    recorded_reasons,
)
from service.program_schemas import DEFAULT_EXPLORATION_SHARE, ListRequest
from service.schemas import ModelRef, PrioritizeMsme, PrioritizeRequest, PrioritizeResponse
from service.scoring import binding_out, explain_profiles
from service.web.i18n import format_number, message
from service.web.lists import (
    COST_COLUMN,
    UPLOAD_SUFFIXES,
    Prioritize,
    UploadError,
    invalid_file,
    not_selected_reason,
    read_upload,
    reason_generic,
    shortfall_text,
    summarize,
    upload_format,
)
from service.web.problems import PageProblem, page_problems
from service.web.schemas import (
    LeftOutMsme,
    ListedMsme,
    OutcomesUploadResponse,
    SourceFile,
    UploadOptions,
    UploadResponse,
)

# Reopened lists whose rows the store does not have (made by the API, or recorded before 0004).
UNKNOWN_ROW = 0


def page_exploration_share(options: UploadOptions) -> float:
    """The page's share of slots drawn at random: as set, else the program's default (0.1)."""
    if "exploration_share" in options.model_fields_set:
        return options.exploration_share
    return DEFAULT_EXPLORATION_SHARE


# How the page's file was read, kept with a recorded list for it to reopen stating the same.
SOURCE_READ = {
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
) -> Prioritize:
    """A `Prioritize` for `service.web.lists.make_list` that also records the list, as
    `POST /v1/lists` does (its answer carries `list_id`), with the page's share of slots drawn
    at random (`page_exploration_share`), the file's own columns in the file's order, each
    MSME's spreadsheet row and the cost column's name; `request`, the claimed `Idempotency-Key`
    of the upload, kept with the list."""
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
    if same_model and selected_members:
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
        notes=[render(note.code, note.params, language) for note in notes],
        evidence_warning=None,
        method="recorded",
        selected=selected,
        not_selected=not_selected,
        language=language,
        source=_source(issued, columns),
        options=options,
        summary=summarize(selected, not_selected, language),
        understood={},
        list_id=issued.id,
    )


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
    """The outcomes of an uploaded file, read within the upload limits; every problem (row as
    the user sees it, column as the file heads it, reason) as an UploadError, like a candidates
    file's."""
    upload_format(filename, language)
    read = read_upload(path, filename, language, ReadLimits.for_upload(max_rows))
    parsed = parse_outcomes(read.frame, read.info)
    if parsed.problems:
        problems = page_problems(parsed.problems, language, parsed.headed(language))
        raise invalid_file(problems, len(read.frame), language)
    return parsed


def record_outcomes_file(
    store: ProgramStore,
    list_id: str,
    parsed: OutcomesFile,
    *,
    filename: str,
    recorded_by: str,
    language: Language,
    request: RequestKey | None = None,
) -> OutcomesUploadResponse:
    """Record the file's outcomes for `list_id`, all or nothing; an unknown list, or MSMEs not
    on it, refuse the file (404), and dates that cannot be right refuse it too (422), each
    named with its row. Outcomes that say mentored for MSMEs the list did not select are
    recorded, with a warning. `request`: the upload's claimed `Idempotency-Key`, answered with
    this answer in the same transaction."""
    items = [
        OutcomeIn(list_id=list_id, msme_id=row.msme_id, **outcome_fields(row))
        for row in parsed.rows
    ]

    def answer(summary: OutcomeSummary) -> Answer:
        worded = _outcomes_answer(summary, list_id, filename, len(parsed.rows), language)
        return Answer(worded.model_dump_json().encode(), language)

    try:
        summary = store.record_outcomes(
            items, recorded_by=recorded_by, request=request, answer=answer
        )
    except UnknownIdsError as error:
        raise _unknown(error, parsed, language) from None
    except InvalidOutcomeDatesError as error:
        raise _wrong_dates(error, parsed, language) from None
    return _outcomes_answer(summary, list_id, filename, len(parsed.rows), language)


def _outcomes_answer(
    summary: OutcomeSummary, list_id: str, filename: str, rows: int, language: Language
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
            "outcomes.done",
            inserted=format_number(summary.created, language, 0),
            updated=format_number(summary.updated, language, 0),
            unchanged=format_number(summary.unchanged, language, 0),
            total=format_number(stored, language, 0),
        ),
        mentored_not_selected=sum(summary.mentored_not_selected.values()),
        warnings=mentored_not_selected_warnings(summary.mentored_not_selected, language),
    )


def _unknown(error: UnknownIdsError, parsed: OutcomesFile, language: Language) -> UploadError:
    if error.unknown_lists:
        text = message(language, "outcomes.list_unknown")
        return UploadError(404, "list_not_found", text, [])
    rows = {row.msme_id: row.row for row in parsed.rows}
    column = parsed.headed(language)[ID_COLUMN]
    problems = [
        PageProblem(
            row=rows.get(msme_id),
            column=column,
            reason=message(language, "outcomes.not_on_list", msme_id=msme_id),
            fix=message(language, "outcomes.not_on_list_fix"),
        )
        for _, msme_id in error.unknown_msmes
    ]
    problems.sort(key=lambda problem: problem.row or 0)
    text = message(language, "outcomes.unknown", n=format_number(len(problems), language, 0))
    return UploadError(404, "unknown_ids", text, problems)


def _wrong_dates(
    error: InvalidOutcomeDatesError, parsed: OutcomesFile, language: Language
) -> UploadError:
    """The store's refusal of dates as the file's problems: each date by its row and its
    column as the file heads it, why (naming the dates) and how to fix it."""
    rows = {row.msme_id: row.row for row in parsed.rows}
    headed = parsed.headed(language)
    problems = [
        PageProblem(
            row=rows.get(problem.msme_id),
            column=headed[problem.field],
            reason=render(problem.reason, problem.params, language),
            fix=render(f"{problem.reason}_fix", problem.params, language),
        )
        for problem in error.problems
    ]
    problems.sort(key=lambda problem: problem.row or 0)
    count = len(problems)
    code = "refusal_impossible_date" if count == 1 else "refusal_impossible_dates"
    return UploadError(422, error.code, render(code, {"count": count}, language), problems)
