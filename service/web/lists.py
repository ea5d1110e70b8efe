"""From an uploaded spreadsheet to a readable mentoring list, with no HTTP in sight: `make_list`
is the whole path (the file read and checked by `service.web.upload_file`); this module builds
the list and adds what a person needs to read it (names, reasons, notes, the summary).

The list is built by `service.scoring.prioritize_profiles`, the function behind
`POST /v1/prioritize`, which scores every candidate once; the listed MSMEs' reasons come from
`service.scoring.explain_profiles`, as `POST /v1/scores` gives them. Nothing is half-applied: any
invalid row refuses the whole file, with every problem listed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import pandas as pd

from allocation import AllocationError, AllocationResult
from allocation.explain import BindingConstraint, Note, NotSelectedReasons, shortfall_code
from data.contract import GENDERS, PROFILE_COLUMNS, SECTORS
from data.io import ReadLimits
from data.messages import (
    CATALOGS,
    Language,
    format_percents,
    placeholders,
    render,
    shares_read_alike,
)
from data.reference import island_group_by_province, province_name_by_code
from data.segments import SCORED_SEGMENTS, SEGMENTS
from data.store.extras import PROFILE_FIELDS
from service.errors import allocation_refusal
from service.model_store import LoadedModel
from service.program_schemas import ListMsme
from service.schemas import (
    BindingConstraintOut,
    PrioritizeMsme,
    PrioritizeRequest,
    PrioritizeResponse,
)
from service.scoring import (
    Factor,
    factors_by_msme,
    prioritize_profiles_with_result,
    shortfall_note,
    worded_reasons,
)
from service.web.i18n import counted, format_number, message
from service.web.problems import PageProblem, UploadError
from service.web.schemas import (
    InputCell,
    LeftOutMsme,
    ListedMsme,
    ListSummary,
    ReasonCount,
    SegmentCount,
    SourceFile,
    SpreadItem,
    UploadOptions,
    UploadResponse,
)
from service.web.upload_file import (
    COST_COLUMN,
    checked_candidates,
    input_columns,
    invalid_file,
    own_column_problems,
    read_upload,
    source_file,
    upload_format,
)

PROFILE_NAMES = tuple(spec.name for spec in PROFILE_COLUMNS)
# An allocation refusal's words on the page: message key, fix key and the field to change.
REFUSAL_WORDS: dict[str, tuple[str, str | None, str]] = {
    "infeasible_constraints": ("error.infeasible", "error.infeasible_fix", "options"),
    "invalid_candidates": ("error.invalid_candidates", "fix.generic", "file"),
    "solver_time_limit": ("error.solver", None, "options"),
}
# What builds the list from the request, the file's columns (in the file's order) and each
# MSME's spreadsheet row (in the request's order): `unrecorded`, or a caller's function that
# also records it (the answer then carries `list_id`).
Prioritize = Callable[
    [LoadedModel, PrioritizeRequest, SourceFile, Sequence[int]],
    tuple[PrioritizeResponse, AllocationResult],
]


# Keeps a recorded list's selected MSMEs' factors (`ProgramStore.attach_factors`): the list's id,
# then (feature, value, contribution) of each, by MSME id.
KeepFactors = Callable[[str, Mapping[str, Sequence[Factor]]], None]


def unrecorded(
    loaded: LoadedModel, body: PrioritizeRequest, source: SourceFile, rows: Sequence[int]
) -> tuple[PrioritizeResponse, AllocationResult]:
    """The list as POST /v1/prioritize builds it, recorded nowhere (the file and its rows
    unneeded)."""
    return prioritize_profiles_with_result(loaded, body)


# --------------------------------------------------------------------------- the whole path


def make_list(
    path: Path,
    filename: str,
    *,
    options: UploadOptions,
    loaded: LoadedModel,
    language: Language,
    max_rows: int,
    prioritize: Prioritize = unrecorded,
    recorded: bool = False,
    keep_factors: KeepFactors | None = None,
) -> UploadResponse:
    """File in, list out; every refusal (file, rows, constraints) as an UploadError. A list to be
    `recorded` keeps the file's own columns, within the store's bounds (`own_column_problems`),
    and its selected MSMEs' factors (`keep_factors`)."""
    fmt = upload_format(filename, language)
    read = read_upload(path, filename, language, ReadLimits.for_upload(max_rows))
    raw = read.frame
    frame = checked_candidates(raw, options, language, max_rows, source=read.info)
    columns = input_columns(frame, options)
    if recorded:
        problems = own_column_problems(frame, columns, language)
        if problems:
            raise invalid_file(problems, len(frame), language)
    source = source_file(filename, fmt, read, columns)
    try:
        return build_list(
            loaded,
            frame,
            options,
            language,
            source,
            prioritize=prioritize,
            keep_factors=keep_factors,
        )
    except AllocationError as error:
        raise _refused(error, language) from None


def _refused(error: AllocationError, language: Language) -> UploadError:
    """The API's refusal (`allocation_refusal`), worded in `language` for the page: columns and
    options named as the page labels them, each problem's field the option at fault when one is
    (`options.min_share.0`)."""
    refusal = allocation_refusal(
        error, language, spell_option=lambda params: _page_spelling(params, language)
    )
    text_key, fix_key, field = REFUSAL_WORDS[refusal.error]
    fix = "" if fix_key is None else message(language, fix_key)
    fields = refusal.fields or [None] * len(refusal.problems)
    problems = [
        PageProblem(
            row=None,
            column=None,
            reason=reason,
            fix=fix,
            field=f"{field}.{at}" if at is not None and field == "options" else field,
        )
        for reason, at in zip(refusal.problems, fields, strict=True)
    ]
    return UploadError(refusal.status, refusal.error, message(language, text_key), problems)


# A list option an allocation problem names (`option`) -> the page's name of its field, as a
# sentence says it ("kecilkan porsi slot yang diundi acak"; the form's label adds its unit).
OPTION_LABELS = {"exploration_share": "options.exploration_name"}


def _page_spelling(params: Mapping[str, object], language: Language) -> Mapping[str, object]:
    """An allocation problem's column and option as the page's form labels them (`jenis kelamin
    pemilik`, not `owner_gender`); others as they are."""
    labels = {
        "column": f"dim.{params.get('column')}",
        "option": OPTION_LABELS.get(str(params.get("option")), f"options.{params.get('option')}"),
    }
    spelled = dict(params)
    for name, key in labels.items():
        label = message(language, key)
        if name in params and label != key:
            spelled[name] = label[:1].lower() + label[1:]
    return spelled


# --------------------------------------------------------------------------- building the list


def build_list(
    loaded: LoadedModel,
    frame: pd.DataFrame,
    options: UploadOptions,
    language: Language,
    source: SourceFile,
    *,
    prioritize: Prioritize = unrecorded,
    keep_factors: KeepFactors | None = None,
) -> UploadResponse:
    """The list `POST /v1/prioritize` would give for these rows, with display fields and reasons.

    Raises allocation's errors like that route. Each candidate is scored once, by the list;
    the listed ones are explained for their reasons. Each carries the file's own columns
    (`ListMsme.extra`), for a list that is recorded to keep.
    """
    has_cost = COST_COLUMN in frame.columns
    names = (*PROFILE_NAMES, COST_COLUMN) if has_cost else PROFILE_NAMES
    records = cast(list[dict[str, Any]], frame[list(names)].to_dict("records"))
    inputs = input_cells(frame[source.columns])
    own = [name for name in source.columns if name not in PROFILE_FIELDS]
    profiles = [
        cast(
            PrioritizeMsme,
            ListMsme.model_construct(
                **_plain(record), extra={name: cells[name] for name in own} if own else None
            ),
        )
        for record, cells in zip(records, inputs, strict=True)
    ]
    body = PrioritizeRequest.model_construct(
        msmes=profiles,
        capacity=options.capacity,
        quotas=options.quotas,
        min_share=options.min_share,
        budget=options.budget,
        exclude_digital=options.exclude_digital,
        only_beneficial=options.only_beneficial,
        exploration_share=options.exploration_share,
        exploration_seed=options.exploration_seed,
        time_limit_seconds=options.time_limit_seconds,
    )
    rows = [int(row) for row in frame.index]  # the spreadsheet's rows
    answer, result = prioritize(loaded, body, source, rows)

    position = {msme_id: i for i, msme_id in enumerate(frame["msme_id"])}
    chosen = [position[item.msme_id] for item in answer.selected]
    factors = factors_by_msme(loaded, [profiles[i] for i in chosen])
    explained = worded_reasons(list(factors.values()), language)
    list_id = getattr(answer, "list_id", None)
    if keep_factors is not None and list_id is not None:
        # Kept with the recorded list: it reopens with these reasons, whatever model serves.
        keep_factors(list_id, factors)
    names_by_code = _province_names()
    islands = _islands()

    selected = [
        ListedMsme.model_construct(
            **item.__dict__,
            row=rows[i],
            province_name=names_by_code.get(item.province_code, item.province_code),
            sector=records[i]["sector"],
            owner_gender=records[i]["owner_gender"],
            area_type=records[i]["area_type"],
            island_group=islands.get(item.province_code, ""),
            reasons=reasons,
            input=inputs[i],
        )
        for item, i, reasons in zip(answer.selected, chosen, explained, strict=True)
    ]
    cutoff = math.nan if result.reasons.cutoff is None else result.reasons.cutoff
    not_selected = []
    for item in answer.not_selected:
        i = position[item.msme_id]
        record = records[i]
        fields = {**item.__dict__}
        fields["reason"] = not_selected_reason(
            item.reason_code,
            item.uplift,
            record,
            cutoff=cutoff,
            options=options,
            language=language,
            reasons=result.reasons,
        )
        not_selected.append(
            LeftOutMsme.model_construct(
                **fields,
                row=rows[i],
                province_code=record["province_code"],
                province_name=names_by_code.get(record["province_code"], record["province_code"]),
                sector=record["sector"],
                owner_gender=record["owner_gender"],
                p_digital_if_mentored=None,
                p_digital_if_not=None,
                input=inputs[i],
            )
        )
    _fill_probabilities(not_selected, result.not_selected)
    common = {
        name: getattr(answer, name)
        for name in PrioritizeResponse.model_fields
        if name
        not in (
            "selected",
            "not_selected",
            "binding_constraints",
            "shortfall_note",
            "notes",
            "evidence_warning",
        )
    }
    exploration = answer.exploration  # the draw made, when the list explored
    if exploration is not None:  # the options as applied, not as sent
        options = options.model_copy(
            update={"exploration_share": exploration.share, "exploration_seed": exploration.seed}
        )
    return UploadResponse.model_construct(
        **common,
        binding_constraints=[
            _binding(item, coded, language)
            for item, coded in zip(answer.binding_constraints, result.binding, strict=True)
        ],
        shortfall_note=shortfall_note(result, language),
        notes=page_notes(result.coded_notes, language),
        evidence_warning=None
        if answer.evidence_code is None
        else render(answer.evidence_code, answer.evidence_params, language),
        selected=selected,
        not_selected=not_selected,
        language=language,
        source=source,
        options=options,
        summary=summarize(selected, not_selected, language),
        list_id=getattr(answer, "list_id", None),
        issued_at=getattr(answer, "created_at", None),
    )


# Notes the page words itself: the option they name is a checkbox of the page's form.
NOT_BENEFICIAL_NOTES = ("note_not_beneficial", "note_not_beneficial_one")


def page_notes(notes: Sequence[Note], language: Language) -> list[str]:
    """A list's notes in `language` (as `service.scoring.list_notes`), fresh or reopened; the one
    on MSMEs not expected to benefit names the page's checkbox, not the API's `only_beneficial`."""
    worded = []
    for note in notes:
        if note.code in NOT_BENEFICIAL_NOTES:
            count = cast(int, note.params.get("count", 0))
            key = counted("note.not_beneficial", count)
            worded.append(message(language, key, n=format_number(count, language, 0)))
        else:
            worded.append(render(note.code, note.params, language))
    return worded


def input_cells(frame: pd.DataFrame) -> list[dict[str, InputCell]]:
    """Every column of each row as JSON values (NaN as None), keys in the file's order."""
    return [_plain(record) for record in cast(list[dict[str, Any]], frame.to_dict("records"))]


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """Numpy scalars as Python values and NaN as None, as a JSON request would carry them."""
    out: dict[str, Any] = {}
    for name, value in record.items():
        missing = value is None or value is pd.NA or value is pd.NaT
        if missing or (isinstance(value, float) and math.isnan(value)):
            out[name] = None
        elif hasattr(value, "item"):
            out[name] = value.item()
        else:
            out[name] = value
    return out


def _fill_probabilities(not_selected: list[LeftOutMsme], scored: pd.DataFrame) -> None:
    """Both chances for the MSMEs left out too, so the second sheet shows why (in place);
    `scored` is the allocation's not-selected table, in the same order."""
    for item, p1, p0 in zip(
        not_selected,
        scored["p_digital_if_mentored"].tolist(),
        scored["p_digital_if_not"].tolist(),
        strict=True,
    ):
        item.p_digital_if_mentored = None if math.isnan(p1) else float(p1)
        item.p_digital_if_not = None if math.isnan(p0) else float(p0)


def _percents(values: Sequence[float | None], language: Language) -> list[str]:
    """Shares shown together, as the page shows them (one decimal, 35,0%; -0.0001 as 0,0%), with
    more decimals where two would otherwise read the same (`format_percents`); none as –."""
    known = [value for value in values if value is not None and math.isfinite(value)]
    shown = iter(format_percents(known, language, fixed=True))
    return [next(shown) if value is not None and math.isfinite(value) else "–" for value in values]


def not_selected_reason(
    code: str,
    uplift: float | None,
    record: dict[str, Any],
    *,
    cutoff: float,
    options: UploadOptions,
    language: Language,
    reasons: NotSelectedReasons | None = None,
) -> str:
    """The page's words for one left-out MSME, fresh or reopened (`service.web.issued`);
    `reasons` (the list's figures) word the codes the page leaves to the message catalog."""
    if code == "below_rank_cutoff" and uplift is not None and shares_read_alike(uplift, cutoff):
        [gain] = _percents([uplift], language)
        return message(language, "reason.below_rank_cutoff_tied", uplift=gain)
    if code == "below_rank_cutoff":  # side by side: never the same figure for two uplifts
        gain, lowest = _percents([uplift, cutoff], language)
        return message(language, "reason.below_rank_cutoff", uplift=gain, cutoff=lowest)
    [gain] = _percents([uplift], language)
    if code == "not_beneficial":
        return message(language, "reason.not_beneficial", uplift=gain)
    if code == "province_quota_full":
        province = str(record["province_code"])
        quota = (options.quotas or {}).get(province, 0)
        return message(
            language,
            counted("reason.province_quota_full", quota),
            province=_province_names().get(province, province),
            quota=quota,
        )
    if code in ("already_digital", "missing_uplift"):
        return message(language, f"reason.{code}")
    if reasons is None:
        return reason_generic(code, language)
    # min_share_reserved, over_budget, not_drawn and any code the page has no wording of: the
    # message catalog's, with the list's figures (the shares, the money left; never English on
    # the Bahasa page: the catalog test holds every reason code)
    province = record["province_code"]
    worded, params = reasons.message(code, math.nan if uplift is None else uplift, province)
    return render(worded, params, language)


def reason_generic(code: str, language: Language) -> str:
    """A reason code in general words (for counts), in `language`: the page's general wording,
    else the message catalog's (`data.messages`) when it needs no parameters."""
    for key in (f"reason.{code}.generic", f"reason.{code}"):
        text = message(language, key)
        if text != key:
            return text
    template = CATALOGS[language].get(code)
    if template is not None and not placeholders(template):
        return render(code, {}, language)
    return code


def _binding(
    item: BindingConstraintOut, coded: BindingConstraint, language: Language
) -> BindingConstraintOut:
    """The constraint's message in `language`, rendered from its code (data.messages)."""
    text = render(coded.code, coded.params, language)
    return BindingConstraintOut.model_construct(**{**item.__dict__, "message": text})


def shortfall_text(eligible: int, capacity: int, filled: int, language: Language) -> str:
    """Why slots stay free: fewer eligible MSMEs than the capacity, in `language`, as the list
    itself words it (a recorded list has its counts, not its notes)."""
    free = capacity - filled
    params = {"eligible": eligible, "capacity": capacity, "free": free}
    return render(shortfall_code(eligible, free), params, language)


# --------------------------------------------------------------------------- the summary


def summarize(
    selected: Sequence[ListedMsme], not_selected: Sequence[LeftOutMsme], language: Language
) -> ListSummary:
    """How the slots spread over provinces, sectors and owner gender; segments; reasons."""
    segments = Counter[str](item.segment for item in selected)
    reasons = Counter(item.reason_code for item in not_selected)
    return ListSummary.model_construct(
        by_province=_spread([item.province_code for item in selected], ()),
        by_sector=_spread([item.sector for item in selected], SECTORS),
        by_owner_gender=_spread([item.owner_gender for item in selected], GENDERS),
        segments=[
            SegmentCount.model_construct(segment=segment, count=segments.get(segment, 0))
            for segment in SCORED_SEGMENTS
            if segment in SEGMENTS or segments.get(segment, 0)
        ],
        not_selected_reasons=[
            ReasonCount.model_construct(
                reason_code=code, reason=reason_generic(code, language), count=n
            )
            for code, n in reasons.most_common()
        ],
    )


def _spread(values: Sequence[str], always: Sequence[str]) -> list[SpreadItem]:
    """Slots per value, most first (ties by value); `always` values appear even with none."""
    counts = Counter(values)
    for value in always:
        counts.setdefault(value, 0)
    total = max(len(values), 1)
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return [
        SpreadItem.model_construct(value=value, slots=n, share=n / total) for value, n in ordered
    ]


def _province_names() -> dict[str, str]:
    return province_name_by_code()


def _islands() -> dict[str, str]:
    return island_group_by_province()
