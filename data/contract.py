"""The data contract: one table of columns that every other part of the project derives from.

Validation (pandera, in `data.validation_schema`), the service's request schemas and the feature
list all read `PROFILE_COLUMNS` / `HISTORY_COLUMNS`; nothing else lists column rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

ColumnKind = Literal["string", "category", "integer", "number", "boolean"]

AREA_TYPES = ("urban", "rural")
SECTORS = (
    "food_beverage",
    "retail_trade",
    "fashion_textile",
    "craft",
    "agri_processing",
    "services",
    "other_manufacturing",
)
GENDERS = ("female", "male")
EDUCATION_LEVELS = (
    "primary_or_less",
    "junior_secondary",
    "senior_secondary",
    "diploma",
    "bachelor_or_higher",
)
INTERNET_ACCESS = ("none", "weak", "good")
DIGITAL_STATUS = ("offline", "digital")

# Booleans in files: these spellings, any case ("t" in a file column: `column_truths`).
TRUE_STRINGS = ("true", "1", "ya", "yes", "t", "y")
FALSE_STRINGS = ("false", "0", "tidak", "no", "f", "n")
# "T" is *true* beside F (T/F, as PostgreSQL and many exports write booleans) and *tidak* (no)
# beside Y (Y/T, as Indonesian forms shorten Ya/Tidak): read by the column it stands in.
T_SPELLING = "t"
T_IS_TRUE_BESIDE = ("f", "false")
T_IS_FALSE_BESIDE = ("y", "ya", "yes")
# `column_truths` per text: yes, no, not a boolean, a "t" whose column does not say which.
TRUTH_YES, TRUTH_NO, TRUTH_NONE, TRUTH_AMBIGUOUS_T = 1, 0, -1, -2

COHORT_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"  # like 2024-07

# Headers of a column of province *names* (the page's downloads hold `Kode provinsi` and
# `Provinsi` side by side). Read as `province_code` in a file without a code column; beside one,
# the code column is the province and this one an ordinary extra column (`data.aliases`).
PROVINCE_NAME_HEADERS = ("provinsi", "nama_provinsi", "province", "province_name")

# Upper bounds: far above any MSME, so a real row never meets them, and low enough that a typing
# error or a hostile number (1e308 revenue, 10^30 workers) is refused by name instead of scored.
# PP 7/2021 ends "medium" at Rp50 billion a year (about Rp4.2 billion a month); BPS at 99 workers.
MAX_MONTHLY_REVENUE_IDR = 10e9  # Rp10 billion a month: over twice the medium ceiling
MAX_WORKERS = 1_000  # ten times BPS's medium ceiling
MAX_BUSINESS_AGE_YEARS = 150.0  # older family firms exist; older than 150 is a typing error

# Text cells (string and category columns) hold no control character: not tab, line break, NUL
# or the C1 range. They are invisible in a spreadsheet, XML (so .xlsx) cannot hold most of them,
# and a leading tab hides a formula (`\t=2+3`) from a check of the first character.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# What a spreadsheet shows in a cell whose formula failed (a VLOOKUP that found nothing: #N/A),
# or whose value it cannot show (openpyxl reads a date-formatted serial past year 9999 as
# #VALUE!): an XLSX error cell (`data.xlsx`), and the same text in a CSV saved from the sheet.
# Excel's codes (the classic ones, as openpyxl lists them, and those of dynamic arrays and data
# types), Google Sheets' #ERROR! and LibreOffice Calc's numbered codes (`Err:502`, which its CSV
# export writes where Excel's names do not apply: LIBREOFFICE_ERROR). A contract cell holding one,
# whole and in any case, is refused by its own code (`spreadsheet_error`,
# `value_spreadsheet_error`).
SPREADSHEET_ERRORS = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#EXTERNAL!",
        "#PYTHON!",
        "#ERROR!",
    }
)
LIBREOFFICE_ERROR = re.compile(r"ERR:(\d{3})")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the contract."""

    name: str
    kind: ColumnKind
    description: str
    term_id: str  # the Bahasa Indonesia term
    unit: str = ""
    # The description and unit in Bahasa Indonesia (the template's guide sheet); empty: the
    # English ones are used.
    description_id: str = ""
    unit_id: str = ""
    nullable: bool = False
    required: bool = True
    allowed: tuple[str, ...] | None = (
        None  # for categories; province codes come from reference data
    )
    minimum: float | None = None
    maximum: float | None = None
    unique: bool = False
    pattern: str | None = None
    pattern_hint: str | None = None  # the pattern in words, for validation messages
    # Other headers read as this column (Bahasa first); `term_id` and the name itself are
    # always read too. Compared by `header_key`: any case, spaces/dashes as `_`, `(unit)` dropped.
    aliases: tuple[str, ...] = ()
    # Other spellings of allowed values, (spelling, code), compared by `header_key` too; the
    # first spelling of a code is its Bahasa label (the template's drop-down). Sector names in
    # Bahasa come from reference/sectors.csv, province names from reference/provinces.csv.
    value_aliases: tuple[tuple[str, str], ...] = ()


PROFILE_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "msme_id",
        "string",
        "Identifier of the MSME, unique in a file",
        "ID UMKM",
        description_id="Nomor pengenal UMKM, unik dalam satu berkas",
        unique=True,
        aliases=("id_umkm", "kode_umkm", "nomor_umkm"),
    ),
    ColumnSpec(
        "province_code",
        "category",
        "Province code, 2 digits (BPS / Kemendagri), one of the 38 provinces; always a string",
        "kode provinsi",
        description_id=(
            "Kode provinsi 2 angka (BPS / Kemendagri) atau nama provinsinya, salah satu dari "
            "38 provinsi"
        ),
        pattern=r"^\d{2}$",
        pattern_hint="2 digits, like 11",
        aliases=("kode_provinsi", "kode_prov", *PROVINCE_NAME_HEADERS),
    ),
    ColumnSpec(
        "area_type",
        "category",
        "Urban or rural location",
        "tipe wilayah (kota/desa)",
        description_id="Lokasi perkotaan atau perdesaan",
        allowed=AREA_TYPES,
        aliases=("tipe_wilayah", "jenis_wilayah", "wilayah", "kota_desa"),
        value_aliases=(
            ("kota", "urban"),
            ("desa", "rural"),
            ("perkotaan", "urban"),
            ("perdesaan", "rural"),
            ("pedesaan", "rural"),
        ),
    ),
    ColumnSpec(
        "sector",
        "category",
        "Business sector (mapped to KBLI 2020 in reference/sectors.csv)",
        "sektor usaha",
        description_id="Sektor usaha (dipetakan ke KBLI 2020 di reference/sectors.csv)",
        allowed=SECTORS,
        aliases=("sektor", "sektor_usaha", "bidang_usaha"),
        value_aliases=(
            ("kuliner", "food_beverage"),
            ("makanan_minuman", "food_beverage"),
            ("perdagangan", "retail_trade"),
            ("dagang", "retail_trade"),
            ("fesyen", "fashion_textile"),
            ("fashion", "fashion_textile"),
            ("tekstil", "fashion_textile"),
            ("pengolahan_pertanian", "agri_processing"),
            ("manufaktur_lainnya", "other_manufacturing"),
            # the page's and downloads' labels (`Fesyen & tekstil`, `Agricultural processing`)
            ("fesyen & tekstil", "fashion_textile"),
            ("agricultural processing", "agri_processing"),
        ),
    ),
    ColumnSpec(
        "business_age_years",
        "number",
        "Years since the business started",
        "lama usaha",
        description_id="Lama usaha sejak didirikan",
        unit_id="tahun",
        unit="years",
        nullable=True,
        minimum=0,
        maximum=MAX_BUSINESS_AGE_YEARS,
        aliases=("lama_usaha_tahun", "umur_usaha", "business age"),
    ),
    ColumnSpec(
        "workers",
        "integer",
        "People working in the business, owner included",
        "jumlah tenaga kerja",
        description_id="Jumlah orang yang bekerja di usaha ini, termasuk pemilik",
        unit_id="orang",
        unit="persons",
        minimum=1,
        maximum=MAX_WORKERS,
        aliases=("tenaga_kerja", "jumlah_pekerja", "pekerja"),
    ),
    ColumnSpec(
        "monthly_revenue_idr",
        "number",
        "Average monthly revenue (omzet)",
        "omzet bulanan",
        description_id="Rata-rata omzet per bulan",
        unit_id="Rp per bulan",
        unit="IDR per month",
        nullable=True,
        minimum=0,
        maximum=MAX_MONTHLY_REVENUE_IDR,
        aliases=("omzet", "omset_bulanan", "omset", "monthly revenue"),
    ),
    ColumnSpec(
        "owner_age",
        "integer",
        "Age of the owner",
        "usia pemilik",
        description_id="Usia pemilik",
        unit_id="tahun",
        unit="years",
        minimum=15,
        maximum=100,
        aliases=("umur_pemilik",),
    ),
    ColumnSpec(
        "owner_gender",
        "category",
        "Gender of the owner",
        "jenis kelamin pemilik",
        description_id="Jenis kelamin pemilik",
        allowed=GENDERS,
        aliases=("jenis_kelamin", "gender_pemilik"),
        value_aliases=(
            ("perempuan", "female"),
            ("laki-laki", "male"),
            ("wanita", "female"),
            ("pria", "male"),
            ("p", "female"),  # L/P, as on Indonesian forms
            ("l", "male"),
        ),
    ),
    ColumnSpec(
        "owner_education",
        "category",
        "Highest education of the owner",
        "pendidikan terakhir pemilik",
        description_id="Pendidikan tertinggi pemilik",
        allowed=EDUCATION_LEVELS,
        aliases=("pendidikan_terakhir", "pendidikan_pemilik", "pendidikan"),
        value_aliases=(
            ("SD atau lebih rendah", "primary_or_less"),
            ("SMP", "junior_secondary"),
            ("SMA/SMK", "senior_secondary"),
            ("Diploma (D1-D3)", "diploma"),
            ("Sarjana (D4/S1) atau lebih", "bachelor_or_higher"),
            ("SD", "primary_or_less"),
            ("tidak sekolah", "primary_or_less"),
            ("SLTP", "junior_secondary"),
            ("SMA", "senior_secondary"),
            ("SMK", "senior_secondary"),
            ("SLTA", "senior_secondary"),
            ("D1", "diploma"),
            ("D2", "diploma"),
            ("D3", "diploma"),
            ("D4", "bachelor_or_higher"),  # a D4 is a bachelor-level degree
            ("S1", "bachelor_or_higher"),
            ("S2", "bachelor_or_higher"),
            ("S3", "bachelor_or_higher"),
            ("sarjana", "bachelor_or_higher"),
            ("S1 atau lebih tinggi", "bachelor_or_higher"),  # the page's and downloads' label
        ),
    ),
    ColumnSpec(
        "has_smartphone",
        "boolean",
        "The owner has a smartphone",
        "punya ponsel pintar",
        description_id="Pemilik memiliki telepon pintar",
        aliases=("punya_smartphone", "ponsel_pintar", "smartphone", "has a smartphone"),
    ),
    ColumnSpec(
        "has_bank_account",
        "boolean",
        "The business or owner has a bank account",
        "punya rekening bank",
        description_id="Usaha atau pemiliknya memiliki rekening bank",
        aliases=("punya_rekening", "rekening_bank", "has a bank account"),
    ),
    ColumnSpec(
        "has_business_id",
        "boolean",
        "The business has an NIB (business ID from OSS)",
        "punya NIB",
        description_id="Usaha memiliki NIB (Nomor Induk Berusaha dari OSS)",
        aliases=("nib", "has a business ID"),
    ),
    ColumnSpec(
        "prior_digital_training",
        "boolean",
        "The owner had digital-skills training before",
        "pernah ikut pelatihan digital",
        description_id="Pemilik pernah mengikuti pelatihan keterampilan digital",
        aliases=("pelatihan_digital", "had digital training"),
    ),
    ColumnSpec(
        "internet_access",
        "category",
        "Mobile or fixed internet where the business is",
        "akses internet",
        description_id="Akses internet seluler atau tetap di tempat usaha",
        allowed=INTERNET_ACCESS,
        value_aliases=(
            ("tidak ada", "none"),
            ("lemah", "weak"),
            ("baik", "good"),
            ("bagus", "good"),
        ),
    ),
    ColumnSpec(
        "digital_status",
        "category",
        "Whether the MSME already sells or takes payments online",
        "status digital",
        description_id="Apakah UMKM sudah berjualan atau menerima pembayaran secara daring",
        allowed=DIGITAL_STATUS,
        value_aliases=(
            ("luring", "offline"),
            ("daring", "digital"),
            ("belum digital", "offline"),
            ("sudah digital", "digital"),
            ("online", "digital"),
            ("not yet digital", "offline"),  # the English page's and downloads' labels
            ("already digital", "digital"),
        ),
    ),
)

HISTORY_EXTRA_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "mentored",
        "boolean",
        "The MSME was mentored in this cohort",
        "didampingi",
        aliases=("pendampingan",),
    ),
    ColumnSpec(
        "digitalized",
        "boolean",
        "Began selling or taking payments online within 12 months of the cohort start",
        "go digital dalam 12 bulan",
        aliases=("go_digital", "digitalisasi"),
    ),
    ColumnSpec(
        "cohort",
        "string",
        "Cohort start month, like 2024-07",
        "angkatan",
        nullable=True,
        required=False,
        pattern=COHORT_PATTERN,
        pattern_hint="YYYY-MM, like 2024-07",
    ),
)

HISTORY_COLUMNS: tuple[ColumnSpec, ...] = PROFILE_COLUMNS + HISTORY_EXTRA_COLUMNS
# Columns only a history has: a file with any of them is checked as a history (`validate`'s
# `--kind auto`), so a history whose mentoring columns are renamed is told they are missing.
HISTORY_ONLY_COLUMNS: tuple[str, ...] = tuple(spec.name for spec in HISTORY_EXTRA_COLUMNS)

ID_COLUMN = "msme_id"
TREATMENT_COLUMN = "mentored"
OUTCOME_COLUMN = "digitalized"

# Training's default `min_events_per_arm`: with fewer outcome events (successes) than this among
# the mentored or among the not mentored, a history is too thin to learn who benefits (weak
# evidence, never promoted). Here so `umkm export-history` can warn of it too.
MIN_EVENTS_PER_ARM = 50
# Fewer usable rows than this among the mentored or among the not mentored and no uplift can be
# learnt at all: `umkm train` refuses the history and `umkm validate` says so.
MIN_ROWS_PER_ARM = 20

# Fields every scored row carries, whatever the config (also for non-MSME data).
SCORE_FIELDS = ("p_digital_if_mentored", "p_digital_if_not", "uplift", "segment")
# Segment names and the segment rule: `data.segments`.

# Rows in files are named as a spreadsheet names them: the header is row 1.
FIRST_DATA_ROW = 2

# The registered MLflow model that `umkm serve`, `umkm score` and `umkm prioritize` load unless
# the setting `UMKM_MODEL_URI` (or `--model`) names another.
DEFAULT_MODEL_NAME = "umkm-uplift"
CHAMPION = "champion"
DEFAULT_MODEL_URI = f"models:/{DEFAULT_MODEL_NAME}@{CHAMPION}"
MODEL_URI_SETTING = "UMKM_MODEL_URI"

TableKind = Literal["profile", "history"]


def columns_for(kind: TableKind) -> tuple[ColumnSpec, ...]:
    """The contract's columns for a profile file or a mentoring-history file."""
    return PROFILE_COLUMNS if kind == "profile" else HISTORY_COLUMNS


def column(name: str) -> ColumnSpec:
    """Look up one column of the contract by name."""
    for spec in HISTORY_COLUMNS:
        if spec.name == name:
            return spec
    raise KeyError(name)


# --- headers and values as people write them ---------------------------------------------------

_PARENTHESISED = re.compile(r"\([^)]*\)")
_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


def header_key(text: str) -> str:
    """How headers and category values are compared: any case, `(unit)` dropped, every run of
    other characters as one `_`: `Omzet bulanan (Rp)` and `omzet_bulanan` are the same."""
    lowered = _PARENTHESISED.sub(" ", str(text).casefold())
    return _NOT_ALPHANUMERIC.sub("_", lowered).strip("_")


def header_names(spec: ColumnSpec) -> tuple[str, ...]:
    """Every header read as this column: its name, its Bahasa term and its aliases."""
    return (spec.name, spec.term_id, *spec.aliases)


@cache
def column_by_header() -> dict[str, str]:
    """`header_key` of every accepted header -> contract column name (history columns, so
    profile ones too). Import-time checked by a test: no key names two columns."""
    found: dict[str, str] = {}
    for spec in HISTORY_COLUMNS:
        for name in header_names(spec):
            found.setdefault(header_key(name), spec.name)
    return found


def contract_name(header: object) -> str | None:
    """The contract column a header in a file means, or None."""
    return column_by_header().get(header_key(str(header)))


def bahasa_label(spec: ColumnSpec, code: str) -> str:
    """The first Bahasa spelling of an allowed value (the code itself when it has none)."""
    return next((alias for alias, target in spec.value_aliases if target == code), code)


def spreadsheet_error(text: object) -> str | None:
    """The spreadsheet error code a cell's whole text is (trimmed, any case: `#N/A`, LibreOffice's
    `Err:502`), else None. Only a text holding `#` or `:` can be one
    (`may_be_spreadsheet_error`)."""
    if not isinstance(text, str) or not may_be_spreadsheet_error(text):
        return None
    code = text.strip().upper()
    if code in SPREADSHEET_ERRORS:
        return code
    numbered = LIBREOFFICE_ERROR.fullmatch(code)
    return f"Err:{numbered.group(1)}" if numbered else None


def may_be_spreadsheet_error(text: str) -> bool:
    """Whether `text` can be a spreadsheet error code: a cheap test before `spreadsheet_error`."""
    return "#" in text or ":" in text


def column_truths(texts: Sequence[str]) -> list[int]:
    """Per distinct text of one file column (any case, trimmed): `TRUTH_YES`, `TRUTH_NO`,
    `TRUTH_NONE` (no boolean spelling) or `TRUTH_AMBIGUOUS_T`.

    "t" takes its meaning from the column's other answers: true beside f/false, no (*tidak*)
    beside y/ya/yes. A column whose "t" has neither, or both, leaves it ambiguous: refused, not
    guessed (a Bahasa office's Y/T column read as T/F turned every "Tidak" into yes)."""
    lowered = [text.strip().lower() for text in texts]
    present = set(lowered)
    beside_true = bool(present.intersection(T_IS_TRUE_BESIDE))
    beside_false = bool(present.intersection(T_IS_FALSE_BESIDE))
    if beside_true != beside_false:
        t_value = TRUTH_YES if beside_true else TRUTH_NO
    else:
        t_value = TRUTH_AMBIGUOUS_T
    truths = []
    for text in lowered:
        if text == T_SPELLING:
            truths.append(t_value)
        elif text in TRUE_STRINGS:
            truths.append(TRUTH_YES)
        elif text in FALSE_STRINGS:
            truths.append(TRUTH_NO)
        else:
            truths.append(TRUTH_NONE)
    return truths
