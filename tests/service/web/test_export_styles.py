"""The list's CSV in two styles (`csv_style`: `standard` for other systems, `excel_id` for Excel
set to Indonesian), formulas neutralised in both; the file's own whole-number columns exported as
numbers, ids with leading zeros and 16-digit NIKs as text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from data.writing import FORMULA_TRIGGERS
from service.web.export_files import COUNT_FORMAT, DECIMAL_FORMAT, Sheet, csv_bytes, xlsx_bytes
from service.web.schemas import CsvStyle
from tests.service.support import AUTH, TestClient
from tests.service.web.conftest import csv_bytes as file_bytes

EXPORT = "/v1/lists/export"
POINTS = ["Peluang digital jika didampingi (%)", "Tambahan peluang (poin %)"]


@pytest.fixture(scope="module")
def uploaded(client: TestClient, candidates_csv: bytes) -> dict[str, Any]:
    response = client.post(
        "/v1/prioritize/upload",
        files={"file": ("kandidat.csv", candidates_csv)},
        data={"options": json.dumps({"capacity": 20}), "repeat": "true"},
        headers=AUTH | {"Accept-Language": "id"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _table() -> pd.DataFrame:
    """Whole numbers, decimals (a negative one), missing cells, texts that would start a
    formula, and texts holding either separator."""
    return pd.DataFrame(
        {
            "Peringkat": [1, 2, 3],
            "ID UMKM": ["U-1", "=cmd", "@x"],
            "Peluang (poin %)": [12.35, -0.05, float("nan")],
            "Biaya": [3_000_000.0, 1_250_000.5, None],
            "Catatan": ["+62 812", "-tunai", "\tkotor"],
            "Nama; usaha": ['Warung "Bu" Sari', "Toko, Jaya", None],
        }
    )


def test_a_cost_with_a_fraction_shows_its_decimals_and_a_whole_one_none() -> None:
    """`#,##0` would show 1.750.000,75 as 1,750,001; a whole cost keeps no decimals."""
    table = pd.DataFrame({"Biaya": [3_000_000.0, 1_750_000.75, 2_500_000, None]})
    summary = pd.DataFrame([("Anggaran", 1_000.5, ""), ("Biaya daftar", 7_000.0, "")])
    sheets = [
        Sheet("Terpilih", table, {"Biaya": COUNT_FORMAT}),
        Sheet("Ringkasan", summary, {"Anggaran": COUNT_FORMAT, "Biaya daftar": COUNT_FORMAT}, True),
    ]
    book = load_workbook(io.BytesIO(xlsx_bytes(sheets)))
    costs = [(cell.value, cell.number_format) for (cell,) in book.worksheets[0].iter_rows(2)]
    assert costs[:3] == [
        (3_000_000, COUNT_FORMAT),
        (1_750_000.75, DECIMAL_FORMAT),
        (2_500_000, COUNT_FORMAT),
    ]
    shown = [(row[1].value, row[1].number_format) for row in book.worksheets[1].iter_rows()]
    assert shown == [(1_000.5, DECIMAL_FORMAT), (7_000, COUNT_FORMAT)]


def test_the_standard_csv_is_byte_identical_to_before() -> None:
    """The bytes the export wrote before it had styles (captured from that code)."""
    before = (
        b"\xef\xbb\xbfPeringkat,ID UMKM,Peluang (poin %),Biaya,Catatan,Nama; usaha\n"
        b'1,U-1,12.35,3000000,\'+62 812,"Warung ""Bu"" Sari"\n'
        b"2,'=cmd,-0.05,1250000.5,'-tunai,\"Toko, Jaya\"\n"
        b"3,'@x,,,'\tkotor,\n"
    )
    assert csv_bytes(_table()) == before
    assert csv_bytes(_table(), "standard") == before


def test_the_indonesian_excel_csv_reads_back_with_semicolons_and_decimal_commas() -> None:
    content = csv_bytes(_table(), "excel_id")
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the accents
    table = pd.read_csv(io.BytesIO(content), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(table.columns) == list(_table().columns)
    assert table["Peringkat"].tolist() == [1, 2, 3]
    assert table["Peluang (poin %)"].tolist()[:2] == [12.35, -0.05]
    assert table["Biaya"].tolist()[:2] == [3_000_000, 1_250_000.5]
    assert table["Nama; usaha"].tolist()[:2] == ['Warung "Bu" Sari', "Toko, Jaya"]


@pytest.mark.parametrize(
    ("style", "separator", "decimal"), [("standard", ",", "."), ("excel_id", ";", ",")]
)
def test_no_cell_starts_a_formula_in_either_style(
    style: CsvStyle, separator: str, decimal: str
) -> None:
    text = csv_bytes(_table(), style).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=separator) for cell in row]
    risky = [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)]
    # Only numbers may start with a sign; every text that would is behind a `'`.
    assert risky == [f"-0{decimal}05"]
    assert {"'=cmd", "'@x", "'+62 812", "'-tunai", "'\tkotor"} <= set(cells)


def test_the_export_route_writes_either_style_and_refuses_others(
    client: TestClient, uploaded: dict[str, Any]
) -> None:
    def export(**params: str) -> Any:
        answer = client.post(
            EXPORT, params={"format": "csv", **params}, json=uploaded, headers=AUTH
        )
        assert answer.status_code == 200, answer.text
        return answer

    default, standard, indonesian = (
        export(),
        export(csv_style="standard"),
        export(csv_style="excel_id"),
    )
    assert default.content == standard.content
    assert standard.content.splitlines()[0].count(b";") == 0
    comma = pd.read_csv(io.BytesIO(standard.content), encoding="utf-8-sig")
    semicolon = pd.read_csv(
        io.BytesIO(indonesian.content), sep=";", decimal=",", encoding="utf-8-sig"
    )
    pd.testing.assert_frame_equal(semicolon, comma)
    expected = [round(100 * item["p_digital_if_mentored"], 2) for item in uploaded["selected"]]
    assert semicolon[POINTS[0]].tolist() == pytest.approx(expected)
    assert semicolon[POINTS[0]].dtype == float

    refused = client.post(
        EXPORT, params={"format": "csv", "csv_style": "excel"}, json=uploaded, headers=AUTH
    )
    assert refused.status_code == 422


def test_a_recorded_list_and_a_problem_list_download_in_the_indonesian_style(
    client: TestClient, candidates_csv: bytes
) -> None:
    made = client.post(
        "/v1/lists/upload",
        files={"file": ("kandidat.csv", candidates_csv)},
        data={"options": json.dumps({"capacity": 10}), "repeat": "true"},
        headers=AUTH,
    ).json()
    path = f"/v1/lists/{made['list_id']}/export"
    params = {"format": "csv", "part": "not_selected", "csv_style": "excel_id"}
    exported = client.get(path, params=params, headers=AUTH)
    assert exported.status_code == 200, exported.text
    table = pd.read_csv(io.BytesIO(exported.content), sep=";", decimal=",", encoding="utf-8-sig")
    assert len(table) == len(made["not_selected"])
    assert table["Tambahan peluang (poin %)"].dtype == float

    problems = {
        "language": "id",
        "problems": [{"row": 4, "column": "umur; pemilik", "reason": "=1+2", "fix": None}],
    }
    answer = client.post(
        "/v1/problems/export",
        params={"format": "csv", "csv_style": "excel_id"},
        json=problems,
        headers=AUTH,
    )
    assert answer.status_code == 200, answer.text
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:3] == ["4", "umur; pemilik", "'=1+2"]


# ------------------------------------------------------------------- own whole-number columns


def _own_columns(candidate_frame: pd.DataFrame, n: int = 30) -> pd.DataFrame:
    """Candidates with the program's own columns: a "No." of whole numbers, codes with leading
    zeros, 16-digit NIKs, a column mixing numbers and a text, and one with gaps."""
    frame = candidate_frame.head(n).copy()
    frame.insert(0, "No.", [str(i + 1) for i in range(n)])
    frame["kode_desa"] = [f"{i:04d}" for i in range(n)]
    frame["nik"] = [str(3201010101900000 + i) for i in range(n)]
    frame["kelompok"] = [str(i) for i in range(n - 1)] + ["B-2"]
    frame["anggota"] = [str(10 * i) if i % 4 else None for i in range(n)]
    return frame


@pytest.mark.parametrize("recorded", [False, True])
def test_a_files_whole_number_column_is_exported_as_numbers_and_ids_stay_text(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path, recorded: bool
) -> None:
    frame = _own_columns(candidate_frame)
    path = "/v1/lists/upload" if recorded else "/v1/prioritize/upload"
    made = client.post(
        path,
        files={"file": ("kandidat.csv", file_bytes(frame, tmp_path))},
        data={"options": json.dumps({"capacity": 8}), "repeat": "true"},
        headers=AUTH,
    )
    assert made.status_code == 200, made.text
    body = made.json()
    assert body["selected"][0]["input"]["No."].isdigit()  # read as the file's text
    if recorded:
        workbook = client.get(f"/v1/lists/{body['list_id']}/export", headers=AUTH)
    else:
        workbook = client.post(EXPORT, params={"format": "xlsx"}, json=body, headers=AUTH)
    assert workbook.status_code == 200, workbook.text
    book = load_workbook(io.BytesIO(workbook.content))
    numbers = {str(i + 1) for i in range(len(frame))}
    seen = 0
    for sheet in book.worksheets[:2]:
        header = [cell.value for cell in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            cells = dict(zip(header, row, strict=True))
            number = cells["No."]
            assert isinstance(number.value, int) and number.data_type == "n"
            assert number.number_format == "0" and str(number.value) in numbers
            members = cells["anggota"]
            assert members.value is None or (
                isinstance(members.value, int) and members.value % 10 == 0
            )
            for text in ("kode_desa", "nik", "kelompok"):
                assert isinstance(cells[text].value, str) and cells[text].data_type == "s"
            assert len(cells["kode_desa"].value) == 4 and len(cells["nik"].value) == 16
            seen += 1
    assert seen == len(frame)
