"""The candidates template: opens in openpyxl, lists allowed values, and validates as filled."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from data.contract import PROFILE_COLUMNS
from data.io import read_table_info
from data.template import build_candidates_template, choices_for, header_for
from data.validation import validate_frame


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_template_has_headers_lists_and_a_guide(language: str) -> None:
    workbook = load_workbook(io.BytesIO(build_candidates_template(language)))  # type: ignore[arg-type]
    sheet, guide, lists = workbook.worksheets

    headers = [cell.value for cell in sheet[1]]
    assert headers == [header_for(spec, language) for spec in PROFILE_COLUMNS]  # type: ignore[arg-type]
    validated = {
        str(rule.sqref).split(":")[0]: rule for rule in sheet.data_validations.dataValidation
    }
    gender = PROFILE_COLUMNS.index(next(s for s in PROFILE_COLUMNS if s.name == "owner_gender"))
    rule = validated[f"{chr(ord('A') + gender)}2"]
    assert rule.type == "list"
    letter = chr(ord("A") + gender)
    listed = [lists[f"{letter}{row}"].value for row in (1, 2)]
    assert listed == (["perempuan", "laki-laki"] if language == "id" else ["female", "male"])
    assert lists.sheet_state == "hidden"
    assert (
        sum(rule.type == "list" for rule in sheet.data_validations.dataValidation) == 11
    )  # 7 categories, 4 booleans
    assert [row[1].value for row in guide.iter_rows(min_row=2)] == [s.name for s in PROFILE_COLUMNS]
    # The guide speaks the template's language: meaning and unit, and bounds in its digits.
    rows = {row[1].value: row for row in guide.iter_rows(min_row=2)}
    revenue, workers = rows["monthly_revenue_idr"], rows["workers"]
    if language == "id":
        assert (
            revenue[4].value == "Rp per bulan" and revenue[6].value == "Rata-rata omzet per bulan"
        )
        assert workers[3].value == "1 sampai 1.000"
    else:
        assert revenue[4].value == "IDR per month" and workers[3].value == "1 to 1,000"
    assert all(row[6].value for row in rows.values())


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_example_row_validates(tmp_path: Path, language: str) -> None:
    path = tmp_path / "template.xlsx"
    path.write_bytes(build_candidates_template(language))  # type: ignore[arg-type]
    read = read_table_info(path)

    result = validate_frame(read.frame, "profile", source=read.info)

    assert result.problems == []
    assert result.valid.iloc[0]["owner_gender"] == "female"
    assert result.valid.index.tolist() == [2]


def test_every_choice_reads_back_as_an_allowed_code() -> None:
    import numpy as np

    from data.aliases import canonical_codes

    for spec in PROFILE_COLUMNS:
        if spec.kind != "category":
            continue
        for language in ("id", "en"):
            texts = np.array(choices_for(spec, language), dtype=object)  # type: ignore[arg-type]
            codes = np.arange(len(texts))
            _, canonical = canonical_codes(spec.name, codes, texts)
            allowed = spec.allowed or ()
            assert all(code in allowed or spec.name == "province_code" for code in canonical)
            assert len(canonical) == len(texts)  # one code per choice: none merged
