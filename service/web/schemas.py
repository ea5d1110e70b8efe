"""Bodies of the page's API routes (`service.web.uploads`, `service.web.downloads`): the
upload's options and answer, the outcomes upload's answer, and the export requests.

The upload answers with exactly what `POST /v1/prioritize` answers (`PrioritizeResponse`), plus
the fields a person needs to read the list: province names, sector, owner gender, the reasons in
the requested language, and the spread of the slots.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from data.field_rules import FieldRuleError
from data.messages import Language
from service.program_schemas import MentoredNotSelected, OutcomeWarnings
from service.schemas import (
    ListOptionsBody,
    NotSelectedMsme,
    PrioritizeResponse,
    Reason,
    RecordedSeed,
    SelectedMsme,
)

UploadFormat = Literal["csv", "xlsx", "parquet"]
# One cell of the uploaded file as the list carries it: contract columns typed (codes, numbers,
# booleans), the file's other columns as the text it holds (a phone keeps its leading 0).
InputCell = str | int | float | bool | None
ExportFormat = Literal["csv", "xlsx"]
ExportPart = Literal["all", "selected", "not_selected"]
# A CSV export's separator and decimal mark (`service.web.export_files.CSV_STYLES`): `standard`
# (comma, dot) for other systems, `excel_id` (semicolon, comma) for Excel set to Indonesian.
CsvStyle = Literal["standard", "excel_id"]


class UploadOptions(ListOptionsBody):
    """The options of `POST /v1/prioritize` (without `msmes`, which come from the file), plus the
    name of the file's cost column when a budget applies."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "capacity": 300,
                    "quotas": {"31": 40, "32": 60},
                    "min_share": [{"column": "owner_gender", "value": "female", "share": 0.5}],
                    "exclude_digital": True,
                }
            ],
            # A budget needs the name of the file's cost column (`_cost_column_named` enforces it).
            "if": {"required": ["budget"], "properties": {"budget": {"type": "number"}}},
            "then": {
                "required": ["cost_column"],
                "properties": {"cost_column": {"type": "string"}},
            },
        },
    )

    # They also describe a recorded list, reopened and sent back to be exported: a list recorded
    # before 2026-12-06 may carry a seed above 2^53, kept as it was.
    exploration_seed: RecordedSeed | None = Field(
        default=None,
        description="Seed of the random draw, so a list can be made again; unset: a fresh one. "
        "New seeds are below 2^53; a list recorded before 2026-12-06 may carry a larger one.",
    )
    cost_column: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Column of the file holding each MSME's mentoring cost (needed with budget).",
    )

    @model_validator(mode="after")
    def _cost_column_named(self) -> UploadOptions:
        if self.budget is not None and self.cost_column is None:
            raise FieldRuleError("field_cost_column_needed")
        return self


class ListedMsme(SelectedMsme):
    """One MSME on the list, with what the page and the exported files show."""

    row: int = Field(description="Spreadsheet row of the MSME in the uploaded file (header = 1).")
    province_name: str
    sector: str
    owner_gender: str
    area_type: str
    island_group: str
    reasons: list[Reason] = Field(description="Top three factors, in the requested language.")
    input: dict[str, InputCell] = Field(
        default_factory=dict,
        description="Every column of the MSME's row (`source.columns` order): contract columns "
        "under their contract name, typed; the file's other columns as written.",
    )
    selected_by: Literal["model", "exploration"] | None = Field(
        default=None,
        description="Recorded lists, and lists that explore: model (picked by the ranking) or "
        "exploration (drawn at random).",
    )
    selection_probability: float | None = Field(
        default=None,
        description="Recorded lists, and lists that explore: the MSME's exact chance of selection.",
    )


class LeftOutMsme(NotSelectedMsme):
    """One MSME left off the list, with its reason in the requested language."""

    row: int = Field(description="Spreadsheet row of the MSME in the uploaded file (header = 1).")
    province_code: str
    province_name: str
    sector: str
    owner_gender: str
    p_digital_if_mentored: float | None
    p_digital_if_not: float | None
    input: dict[str, InputCell] = Field(
        default_factory=dict, description="Every column of the MSME's row, as in `ListedMsme`."
    )


class SpreadItem(BaseModel):
    """How many slots went to one value of a column (a province, a sector, a gender)."""

    value: str
    slots: int
    share: float = Field(description="Share of the filled slots, 0 to 1.")


class SegmentCount(BaseModel):
    """Selected MSMEs of one segment."""

    segment: str
    count: int


class ReasonCount(BaseModel):
    """Not-selected MSMEs with one reason code, and the reason in general words."""

    reason_code: str
    reason: str
    count: int


class ListSummary(BaseModel):
    """The spread of the slots, the segment mix and why the others were left out."""

    by_province: list[SpreadItem]
    by_sector: list[SpreadItem]
    by_owner_gender: list[SpreadItem]
    segments: list[SegmentCount]
    not_selected_reasons: list[ReasonCount]


class ColumnRead(BaseModel):
    """A header of the file that was read as a contract column (`jenis_kelamin` as
    `owner_gender`)."""

    header: str
    column: str


class SourceFile(BaseModel):
    """The uploaded file, and how it was read (for the result to state)."""

    filename: str
    format: UploadFormat
    rows: int = Field(description="Data rows read (all of them valid, or the upload is refused).")
    sheet: str | None = Field(
        default=None,
        description="XLSX only: the sheet read, when not the first (the first sheet held no "
        "header row, and this is the first one that does); null: the first sheet.",
    )
    header_row: int = Field(default=1, description="Spreadsheet row of the header.")
    first_data_row: int = Field(default=2, description="Spreadsheet row of the first MSME.")
    delimiter: str | None = Field(default=None, description="CSV only: , ; or a tab.")
    encoding: str | None = Field(default=None, description="CSV only: utf-8 or cp1252.")
    decimal: str | None = Field(default=None, description="Decimal mark of the numbers.")
    thousands: str | None = Field(default=None, description="Thousands separator, '' for none.")
    columns_read_as: list[ColumnRead] = Field(default_factory=list)
    columns: list[str] = Field(
        default_factory=list,
        description="Keys of each MSME's `input`, in the file's column order.",
    )


class UploadResponse(PrioritizeResponse):
    """`PrioritizeResponse` plus the fields a person reads; send it back to /v1/lists/export."""

    language: Language
    source: SourceFile
    options: UploadOptions
    selected: list[ListedMsme]  # type: ignore[assignment]
    not_selected: list[LeftOutMsme]  # type: ignore[assignment]
    summary: ListSummary
    understood: dict[str, str] = Field(
        default_factory=dict,
        description="Each number typed in the options, as it was understood, in the list's "
        "language (`capacity`: `1.000`, `budget`: `Rp 500.000.000`, `min_share.0`: `70,5%`).",
    )
    list_id: str | None = Field(
        default=None,
        description="The recorded list's id (POST /v1/lists/upload); null when not recorded.",
    )
    issued_at: datetime | None = Field(
        default=None,
        description="When the recorded list was issued (the program store's time, UTC); null "
        "when not recorded. Its files are dated by it, however often they are downloaded.",
    )


class ProblemRow(BaseModel):
    """One problem of a refused file, as the upload's refusal listed it."""

    row: int | None = None
    column: str | None = Field(default=None, max_length=200)
    reason: str = Field(max_length=2_000)
    fix: str | None = Field(default=None, max_length=2_000)


class ProblemsExport(BaseModel):
    """The problems of a refused upload, sent back to be written as a file."""

    language: Language
    problems: list[ProblemRow] = Field(min_length=1)


class OutcomesUploadResponse(BaseModel):
    """What an outcomes file did to its list: new, changed and repeated outcomes (or, checked
    only, what it would do)."""

    list_id: str
    filename: str
    rows: int = Field(description="Data rows read (all of them valid, or the file is refused).")
    inserted: int
    updated: int
    unchanged: int
    outcomes: int = Field(
        description="Outcomes of the list now stored (checked only: once the file is recorded)."
    )
    message: str = Field(description="What happened, in the requested language.")
    mentored_not_selected: MentoredNotSelected = 0
    warnings: OutcomeWarnings = Field(default_factory=list)
    dry_run: bool = Field(
        default=False,
        description="The file was checked only (`dry_run`): the counts are what recording it "
        "would give now; nothing was recorded.",
    )
