"""The domain calls behind the program routes: issue a list and record it, read lists back,
record outcomes. Plain functions over a `ProgramStore`; the routes only parse and answer."""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Hashable, Mapping, Sequence
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from allocation import AllocationRequest, AllocationResult, Exploration
from allocation.explain import BindingConstraint, Note, NotSelectedReasons
from data.messages import Language, render
from data.store.extras import candidate_columns, check_extras, extra_names
from data.store.records import (
    IssuedListRecord,
    ListedMsmeIn,
    ListedMsmeRecord,
    OutcomeIn,
    OutcomeRecord,
    OutcomeSummary,
    OutcomeVersionRecord,
    SelectedBy,
    outcome_fields,
)
from data.store.repository import ProgramStore, new_list_id
from data.store.requests import Answer, RequestKey
from data.store.schema import utc_now
from service.list_settings import settings_summary
from service.model_store import LoadedModel
from service.program_schemas import (
    IssuedListOut,
    IssuedListResponse,
    ListedSelectedMsme,
    ListMemberOut,
    ListPage,
    ListRequest,
    ListSummaryOut,
    OutcomeCountsOut,
    OutcomesRequest,
    OutcomesSummary,
    OutcomeVersionOut,
    RecordedOutcomeOut,
    RecordedOutcomesPage,
)
from service.schemas import ExplorationOut, ModelRef, PrioritizeMsme
from service.scoring import exploration_out, factors_by_msme, prioritize_profiles_with_result

# Options of the list as asked, and the constraints it respected, as the store keeps them.
OPTION_FIELDS = ("capacity", "exclude_digital", "only_beneficial", "exploration_share")
CONSTRAINT_FIELDS = ("quotas", "min_share", "budget")
EXTRA_FIELD = "extra"  # a candidate's own columns (`ListMsme.extra`), kept beside its profile
logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class IssuedReply:
    """A list issued and recorded, as `POST /v1/lists` answers it: its id and the JSON body;
    and the profiles of its selected MSMEs (by rank), whose factors the list is to keep
    (`keep_selected_factors`)."""

    list_id: str
    payload: bytes
    selected: tuple[BaseModel, ...] = ()


def issue_list(
    loaded: LoadedModel,
    body: ListRequest,
    store: ProgramStore,
    *,
    created_by: str,
    language: Language = "en",
    request: RequestKey | None = None,
) -> IssuedReply:
    """Build the list as POST /v1/prioritize does (with its exploration slots), record it with
    every candidate, and answer it with its id (raises allocation's and the store's errors).
    `request`: the claimed `Idempotency-Key` (`data.store.requests.claim`); the answer is then
    kept with the list, in the same transaction, for the same request sent again."""
    issued, _, payload = _issue(
        loaded, body, store, created_by=created_by, language=language, request=request
    )
    profiles: dict[str, BaseModel] = {str(msme.__dict__["msme_id"]): msme for msme in body.msmes}
    return IssuedReply(
        issued.list_id,
        payload or issued.model_dump_json().encode(),
        tuple(profiles[entry.msme_id] for entry in issued.selected),
    )


def keep_selected_factors(
    store: ProgramStore, loaded: LoadedModel, list_id: str, selected: Sequence[BaseModel]
) -> None:
    """Keep with a recorded list its selected MSMEs' top factors, as a list made on the page
    keeps them (`factors_by_msme`), for it to reopen with its reasons whatever model serves.
    Run after the answer is sent, it never raises: a failure (store down, list gone) is logged
    by the list's id and the error's kind only (never a profile's values), and the list reopens
    as one recorded without factors."""
    try:
        store.attach_factors(list_id, factors_by_msme(loaded, selected))
    except Exception as exc:
        logger.warning(
            "factors of list %s not kept (it reopens without them): %s",
            list_id,
            type(exc).__name__,
        )


def issue_list_with_result(
    loaded: LoadedModel,
    body: ListRequest,
    store: ProgramStore,
    *,
    created_by: str,
    language: Language = "en",
    input_columns: Sequence[str] | None = None,
    source_rows: Sequence[int] | None = None,
    cost_column: str | None = None,
    source_read: Mapping[str, Any] | None = None,
    request: RequestKey | None = None,
    source_digest: str | None = None,
    refuse_repeat_within: timedelta | None = None,
) -> tuple[IssuedListResponse, AllocationResult]:
    """`issue_list`, plus the allocation's own result, for a caller that shows every candidate's
    scores (the page) without scoring anyone again. `input_columns`: the candidates' columns in
    the order they came (the page's file); default: the profile's fields, then the own columns
    (`extra`) as they first appear. Own columns past the store's bounds are refused
    (`InvalidListError`) before anyone is scored. The page's file also gives each MSME's
    spreadsheet row (`source_rows`, in `body.msmes` order), the name of its cost column and how
    it was read (`source_read`: header row, delimiter, number format), recorded for the list to
    reopen as it was shown. `request`: the page's claimed `Idempotency-Key`, kept with the list
    (without the answer: the page's retry reopens the list from the store); `source_digest`: the
    digest of the page's file and settings (`service.web.repeats.issue_digest`), and with
    `refuse_repeat_within`, a list issued from the same within that time refuses this one
    (`ListAlreadyIssuedError`, nothing recorded)."""
    issued, result, _ = _issue(
        loaded,
        body,
        store,
        created_by=created_by,
        language=language,
        input_columns=input_columns,
        source_rows=source_rows,
        cost_column=cost_column,
        source_read=source_read,
        request=request,
        keep_answer=False,
        source_digest=source_digest,
        refuse_repeat_within=refuse_repeat_within,
    )
    return issued, result


def _issue(
    loaded: LoadedModel,
    body: ListRequest,
    store: ProgramStore,
    *,
    created_by: str,
    language: Language,
    input_columns: Sequence[str] | None = None,
    source_rows: Sequence[int] | None = None,
    cost_column: str | None = None,
    source_read: Mapping[str, Any] | None = None,
    request: RequestKey | None = None,
    keep_answer: bool = True,
    source_digest: str | None = None,
    refuse_repeat_within: timedelta | None = None,
) -> tuple[IssuedListResponse, AllocationResult, bytes | None]:
    """Build, answer and record the list; with `request`, its key too, and the answer's JSON
    when `keep_answer` (an empty answer otherwise)."""
    columns = _input_columns(body, input_columns)
    response, result = prioritize_profiles_with_result(loaded, body, language)
    exploration = result.exploration
    request_options = AllocationRequest.model_validate(body, from_attributes=True)
    options = request_options.model_dump(mode="json", include=set(OPTION_FIELDS))
    options["exploration_seed"] = exploration.seed if exploration is not None else None
    if cost_column is not None:
        options["cost_column"] = cost_column
    if source_read is not None:
        options["source_read"] = dict(source_read)
    selected = [
        ListedSelectedMsme.model_construct(
            **entry.__dict__
            | {
                "selected_by": _selected_by(exploration, entry.msme_id),
                "selection_probability": _probability(exploration, entry.msme_id, selected=True),
            }
        )
        for entry in response.selected
    ]
    fields = response.__dict__ | {
        "selected": selected,
        "exploration": _exploration_out(exploration, body),
    }
    list_id = new_list_id()
    created_at = utc_now()  # the answer states the time the store keeps
    issued = IssuedListResponse.model_construct(**fields, list_id=list_id, created_at=created_at)
    payload = issued.model_dump_json().encode() if request is not None and keep_answer else None
    store.record_list(
        list_id=list_id,
        created_by=created_by,
        model_name=loaded.ref.name,
        model_version=loaded.ref.version,
        members=listed_members(body, result, source_rows),
        options=options,
        constraints=request_options.model_dump(mode="json", include=set(CONSTRAINT_FIELDS)),
        source_file=body.source_file,
        exploration_share=body.exploration_share,
        created_at=created_at,
        input_columns=columns,
        reason_figures=reason_figures(result.reasons),
        explanation=list_explanation(result),
        request=request,
        reply=payload or b"",
        reply_language=language if payload is not None else None,
        source_digest=source_digest,
        refuse_repeat_within=refuse_repeat_within,
    )
    return issued, result, payload


def _input_columns(body: ListRequest, given: Sequence[str] | None) -> list[str]:
    """The columns the list is recorded with, its own columns checked against the store's
    bounds (before scoring: a refusal costs nothing)."""
    extras = [(str(msme.__dict__["msme_id"]), msme.extra) for msme in body.msmes]
    if given is not None:
        columns = list(given)
    else:
        names = extra_names(extra for _, extra in extras)
        columns = candidate_columns([msme.__dict__ for msme in body.msmes], names)
    check_extras(extras, columns)
    return columns


def listed_members(
    body: ListRequest, result: AllocationResult, source_rows: Sequence[int] | None = None
) -> list[ListedMsmeIn]:
    """Every candidate as the store keeps it: profile as sent, scores, rank, how selected, the
    catalogue code wording a left-out MSME's reason, its spreadsheet row (`source_rows`, in
    `body.msmes` order) when it came from a file."""
    profiles = {str(profile.__dict__["msme_id"]): profile.__dict__ for profile in body.msmes}
    rows: dict[str, int] = {}
    if source_rows is not None:
        rows = {
            str(profile.__dict__["msme_id"]): int(row)
            for profile, row in zip(body.msmes, source_rows, strict=True)
        }
    exploration = result.exploration
    members = [
        _member(row, profiles, exploration, rows, selected=True)
        for row in result.selected.to_dict("records")
    ]
    members += [
        _member(row, profiles, exploration, rows, selected=False, wording=words)
        for row, words in zip(
            result.not_selected.to_dict("records"), result.reasons.codes.tolist(), strict=True
        )
    ]
    return members


def reason_figures(reasons: NotSelectedReasons) -> dict[str, Any]:
    """The list's figures the left-out MSMEs' reasons name, as the store keeps them (the
    quotas are the list's constraints, kept there)."""
    return {
        "cutoff": reasons.cutoff,
        "budget_left": reasons.budget_left,
        "min_shares": [dict(share) for share in reasons.min_shares],
        "drawn": reasons.drawn,
        "pool": reasons.pool,
    }


def list_explanation(result: AllocationResult) -> dict[str, Any]:
    """The list's binding constraints and notes as codes and parameters, as the store keeps
    them (`recorded_explanation` makes them the list's own again; the words are the reader's
    language, so only codes are kept)."""
    binding = [
        {name: value for name, value in dataclasses.asdict(item).items() if name != "message"}
        for item in result.binding
    ]
    notes = [{"code": note.code, "params": dict(note.params)} for note in result.coded_notes]
    return {"binding": binding, "notes": notes}


def recorded_explanation(
    issued: IssuedListRecord,
) -> tuple[list[BindingConstraint], list[Note]] | None:
    """A recorded list's binding constraints and notes as it was issued; None for a list
    recorded before the store kept them."""
    explanation = issued.explanation
    if explanation is None:
        return None
    binding = [
        BindingConstraint(**item, message=render(item["code"], item["params"], "en"))
        for item in explanation.get("binding") or ()
    ]
    notes = [
        Note(note["code"], dict(note["params"]), render(note["code"], note["params"], "en"))
        for note in explanation.get("notes") or ()
    ]
    return binding, notes


def recorded_reasons(
    issued: IssuedListRecord, left_out: Sequence[ListedMsmeRecord]
) -> NotSelectedReasons | None:
    """The reasons of a recorded list's `left_out` MSMEs (in that order) with the list's figures
    as they were issued; None for a list recorded before the store kept them."""
    figures = issued.reason_figures
    if figures is None:
        return None
    words = [member.reason_wording or member.reason_code or "" for member in left_out]
    codes = np.empty(len(words), dtype=object)
    codes[:] = words
    quotas = issued.constraints.get("quotas") or {}
    return NotSelectedReasons(
        codes=codes,
        cutoff=_optional_number(figures.get("cutoff")),
        budget_left=_optional_number(figures.get("budget_left")),
        min_shares=tuple(dict(share) for share in figures.get("min_shares") or ()),
        quotas={str(province): int(quota) for province, quota in quotas.items()},
        drawn=_optional_count(figures.get("drawn")),
        pool=_optional_count(figures.get("pool")),
    )


def _optional_number(value: Any) -> float | None:
    return None if value is None else float(value)


def _optional_count(value: Any) -> int | None:
    return None if value is None else int(value)


def _member(
    row: Mapping[Hashable, Any],
    profiles: Mapping[str, dict[str, Any]],
    exploration: Exploration | None,
    source_rows: Mapping[str, int],
    *,
    selected: bool,
    wording: str | None = None,
) -> ListedMsmeIn:
    msme_id = str(row["msme_id"])
    profile = profiles[msme_id]
    return ListedMsmeIn(
        msme_id=msme_id,
        profile={
            name: value
            for name, value in profile.items()
            if value is not None and name != EXTRA_FIELD
        },
        extra=profile.get(EXTRA_FIELD),
        selected=selected,
        selected_by=_selected_by(exploration, msme_id) if selected else None,
        selection_probability=_probability(exploration, msme_id, selected=selected),
        rank=int(row["rank"]) if selected else None,
        p_if_mentored=_number(row.get("p_digital_if_mentored")),
        p_if_not=_number(row.get("p_digital_if_not")),
        uplift=_number(row.get("uplift")),
        segment=None if pd.isna(row.get("segment")) else str(row["segment"]),
        reason_code=None if selected else str(row["reason_code"]),
        reason_wording=None if wording == row.get("reason_code") else wording,
        source_row=source_rows.get(msme_id),
    )


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _selected_by(exploration: Exploration | None, msme_id: str) -> SelectedBy:
    return "model" if exploration is None else exploration.selected_by(msme_id)


def _probability(exploration: Exploration | None, msme_id: str, *, selected: bool) -> float:
    if exploration is None:
        return 1.0 if selected else 0.0
    return exploration.selection_probability(msme_id, selected)


def _exploration_out(exploration: Exploration | None, body: ListRequest) -> ExplorationOut:
    """A recorded list always says how it explored, a share of 0 included."""
    return exploration_out(exploration) or ExplorationOut(
        share=body.exploration_share, seed=None, slots=0, drawn=0, pool=0, probability=0.0
    )


def list_page(
    store: ProgramStore, page: int, page_size: int, language: Language = "en"
) -> ListPage:
    """One page of the lists issued, newest first, each with its settings in `language`."""
    items, total = store.list_lists(page=page, page_size=page_size)
    return ListPage(
        items=[
            ListSummaryOut(
                list_id=item.id,
                created_at=item.created_at,
                created_by=item.created_by,
                model=ModelRef(name=item.model_name, version=item.model_version),
                source_file=item.source_file,
                exploration_share=item.exploration_share,
                candidates=item.candidates,
                selected=item.selected,
                capacity=item.capacity,
                outcomes=item.outcomes,
                settings=settings_summary(item.options, item.constraints, language),
            )
            for item in items
        ],
        total=total,
        page=page,
        page_size=page_size,
    )


def list_detail(store: ProgramStore, list_id: str) -> IssuedListOut:
    """An issued list with every candidate and its outcome counts (ListNotFoundError if none)."""
    issued: IssuedListRecord = store.get_list(list_id)
    counts = store.outcome_counts(list_id)
    return IssuedListOut(
        list_id=issued.id,
        created_at=issued.created_at,
        created_by=issued.created_by,
        model=ModelRef(name=issued.model_name, version=issued.model_version),
        options=dict(issued.options),
        constraints=dict(issued.constraints),
        source_file=issued.source_file,
        exploration_share=issued.exploration_share,
        candidates=counts.candidates,
        selected=counts.selected,
        outcomes=OutcomeCountsOut(
            outcomes=counts.outcomes,
            outcomes_selected=counts.outcomes_selected,
            mentored=counts.mentored,
            digitalized=counts.digitalized,
        ),
        extra_columns=recorded_extra_columns(issued),
        members=[
            ListMemberOut(
                msme_id=member.msme_id,
                selected=member.selected,
                selected_by=member.selected_by,
                selection_probability=member.selection_probability,
                rank=member.rank,
                p_digital_if_mentored=member.p_if_mentored,
                p_digital_if_not=member.p_if_not,
                uplift=member.uplift,
                segment=member.segment,
                reason_code=member.reason_code,
                profile=_every_field(member.profile),
                extra=None if member.extra is None else dict(member.extra),
            )
            for member in issued.members
        ],
    )


def _every_field(profile: Mapping[str, Any]) -> dict[str, Any]:
    """A stored profile with every field of the request's profile, null where it was null or
    not sent (the store keeps only the values), then any other field it holds."""
    fields = {name: profile.get(name) for name in PrioritizeMsme.model_fields}
    return fields | {name: value for name, value in profile.items() if name not in fields}


def recorded_columns(issued: IssuedListRecord) -> list[str]:
    """Every column of a recorded list's candidates in the order they came; for a list recorded
    before the order was kept, the profiles' fields as they were stored."""
    if issued.input_columns is not None:
        return list(issued.input_columns)
    columns: dict[str, None] = {}
    for member in issued.members:
        columns.update(dict.fromkeys(member.profile))
    return list(columns)


def recorded_extra_columns(issued: IssuedListRecord) -> list[str]:
    """A recorded list's own columns (each member's `extra`), in the order they came."""
    names = set(extra_names(member.extra for member in issued.members))
    return [name for name in recorded_columns(issued) if name in names]


# Warnings of a batch of outcomes (data.messages code -> parameters), worded in either language.
OUTCOME_WARNING_CODES: dict[str, tuple[str, ...]] = {
    "warning_mentored_not_selected": ("count", "list_number"),
    "warning_mentored_not_selected_one": ("count", "list_number"),
    "warning_mentored_not_selected_checked": ("count", "list_number"),
    "warning_mentored_not_selected_checked_one": ("count", "list_number"),
}
LIST_NUMBER_LENGTH = 8  # a list's number as people read it: the first characters of its id


def record_outcomes(
    store: ProgramStore,
    body: OutcomesRequest,
    *,
    recorded_by: str,
    language: Language = "en",
    request: RequestKey | None = None,
) -> OutcomesSummary:
    """Record a batch all or nothing (UnknownIdsError, InvalidOutcomeDatesError,
    ConflictingOutcomesError refuse it), warning in `language` of outcomes that say mentored for
    MSMEs their list did not select. `request`: the batch's claimed `Idempotency-Key`, answered
    with this summary in the same transaction."""

    def answer(summary: OutcomeSummary) -> Answer:
        worded = outcomes_summary(summary, language)
        return Answer(worded.model_dump_json().encode(), language)

    summary = store.record_outcomes(
        (OutcomeIn(**item.model_dump()) for item in body.outcomes),
        recorded_by=recorded_by,
        request=request,
        answer=answer,
    )
    return outcomes_summary(summary, language)


def outcomes_summary(summary: OutcomeSummary, language: Language) -> OutcomesSummary:
    """The store's summary of a batch as `POST /v1/outcomes` answers it, warnings in
    `language`."""
    return OutcomesSummary(
        received=summary.received,
        inserted=summary.created,
        updated=summary.updated,
        unchanged=summary.unchanged,
        mentored_not_selected=sum(summary.mentored_not_selected.values()),
        warnings=mentored_not_selected_warnings(summary.mentored_not_selected, language),
    )


def outcome_positions(body: OutcomesRequest) -> dict[tuple[str, str], int]:
    """Each (list_id, msme_id)'s first index in the request, for a refusal to name its field."""
    positions: dict[tuple[str, str], int] = {}
    for index, item in enumerate(body.outcomes):
        positions.setdefault((item.list_id, item.msme_id), index)
    return positions


def mentored_not_selected_warnings(
    counts: Mapping[str, int], language: Language, *, checked: bool = False
) -> list[str]:
    """One warning per list with outcomes that say mentored for MSMEs it did not select, naming
    the list by its number and saying how many; `checked`: a check that recorded nothing (they
    would be recorded)."""
    code = "warning_mentored_not_selected" + ("_checked" if checked else "")
    return [
        render(
            f"{code}_one" if count == 1 else code,
            {"count": count, "list_number": list_number(list_id)},
            language,
        )
        for list_id, count in sorted(counts.items())
        if count > 0
    ]


def list_number(list_id: str) -> str:
    """A list's number as the page shows it: the first characters of its id."""
    return list_id[:LIST_NUMBER_LENGTH]


# ---------------------------------------------------------------- GET /v1/lists/{id}/outcomes


def outcomes_page(
    store: ProgramStore,
    list_id: str,
    page: int,
    page_size: int,
    *,
    msme_id: str | None = None,
    history: bool = False,
) -> RecordedOutcomesPage:
    """One page of a list's current outcomes by MSME id (only `msme_id`'s, when given), each
    with the versions it replaced when `history` is asked (ListNotFoundError if no such list)."""
    outcomes, total = store.outcome_page(list_id, page, page_size, msme_id=msme_id)
    earlier = (
        store.outcome_versions(list_id, [outcome.msme_id for outcome in outcomes])
        if history
        else None
    )
    return RecordedOutcomesPage(
        list_id=list_id,
        items=[
            recorded_outcome(outcome, None if earlier is None else earlier.get(outcome.msme_id, []))
            for outcome in outcomes
        ],
        total=total,
        page=page,
        page_size=page_size,
    )


def recorded_outcome(
    outcome: OutcomeRecord, history: Sequence[OutcomeVersionRecord] | None
) -> RecordedOutcomeOut:
    """An outcome with every field it was recorded with, and the versions it replaced, oldest
    first (`history` None: not asked for)."""
    return RecordedOutcomeOut(
        msme_id=outcome.msme_id,
        **outcome_fields(outcome),
        recorded_at=outcome.recorded_at,
        recorded_by=outcome.recorded_by,
        history=None
        if history is None
        else [
            OutcomeVersionOut(
                **outcome_fields(version.outcome),
                recorded_at=version.outcome.recorded_at,
                recorded_by=version.outcome.recorded_by,
                replaced_at=version.replaced_at,
            )
            for version in history
        ],
    )
