"""POST /v1/lists/export turns the upload's answer into files; GET / serves the page."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pandas as pd
import pytest

from tests.service.support import API_KEY, AUTH, TestClient

EXPORT = "/v1/lists/export"


@pytest.fixture(scope="module")
def uploaded(client: TestClient, candidates_csv: bytes) -> dict[str, Any]:
    response = client.post(
        "/v1/prioritize/upload",
        files={"file": ("kandidat.csv", candidates_csv)},
        data={"options": json.dumps({"capacity": 20})},
        headers=AUTH,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_xlsx_has_the_list_the_others_with_reasons_and_a_summary(
    client: TestClient, uploaded: dict[str, Any]
) -> None:
    response = client.post(EXPORT, params={"format": "xlsx"}, json=uploaded, headers=AUTH)
    assert response.status_code == 200, response.text
    # Issue 12: a new name for every export, with the date and time (and, as this list was not
    # recorded, the preview's mark: tests/service/web/test_preview_exports.py).
    name = r'filename="daftar-pendampingan-\d{4}-\d{2}-\d{2}-\d{4}-pratinjau\.xlsx"'
    assert re.search(name, response.headers["Content-Disposition"])
    sheets = pd.read_excel(io.BytesIO(response.content), sheet_name=None)
    assert list(sheets) == ["Terpilih", "Tidak terpilih", "Ringkasan"]
    chosen, others = sheets["Terpilih"], sheets["Tidak terpilih"]
    assert list(chosen["ID UMKM"]) == [r["msme_id"] for r in uploaded["selected"]]
    assert list(chosen["Peringkat"]) == list(range(1, 21))
    expected_gain = [round(100 * r["expected_gain"], 2) for r in uploaded["selected"]]
    assert list(chosen["Tambahan peluang (poin %)"]) == pytest.approx(expected_gain)
    assert set(others["ID UMKM"]) == {r["msme_id"] for r in uploaded["not_selected"]}
    assert others["Alasan tidak terpilih"].notna().all()
    labels, values = sheets["Ringkasan"].iloc[:, 0], sheets["Ringkasan"].iloc[:, 1]
    summary = dict(zip(labels, values, strict=True))
    assert summary["Jumlah slot"] == 20
    # Every setting: the share of slots drawn at random (none asked here) and the draw's seed.
    assert (summary["Porsi slot yang diundi acak"], summary["Nomor undian"]) == (0, "–")


def test_csv_parts_and_english_headers(client: TestClient, uploaded: dict[str, Any]) -> None:
    english = uploaded | {"language": "en"}
    selected = client.post(
        EXPORT, params={"format": "csv", "part": "selected"}, json=english, headers=AUTH
    )
    others = client.post(
        EXPORT, params={"format": "csv", "part": "not_selected"}, json=english, headers=AUTH
    )
    assert selected.status_code == others.status_code == 200
    assert selected.content.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8 right
    chosen = pd.read_csv(io.BytesIO(selected.content), encoding="utf-8-sig")
    left = pd.read_csv(io.BytesIO(others.content), encoding="utf-8-sig")
    assert list(chosen.columns[:3]) == ["List status", "Rank", "MSME ID"]  # not recorded
    assert len(chosen) == 20 and len(left) == len(uploaded["not_selected"])
    assert "Why not selected" in left.columns
    assert {"Reason 1", "Reason 2", "Reason 3"} <= set(chosen.columns)
    # The kind of reason is general, the reason this MSME's own: never the same words twice.
    assert (left["Kind of reason"] != left["Why not selected"]).all()
    name = r"mentoring-list-\d{4}-\d{2}-\d{2}-\d{4}-preview-selected\.csv"
    assert re.search(name, selected.headers["Content-Disposition"])


def test_export_needs_a_key_and_a_list(client: TestClient, uploaded: dict[str, Any]) -> None:
    assert client.post(EXPORT, json=uploaded).status_code == 401
    assert client.post(EXPORT, json={"selected": []}, headers=AUTH).status_code == 422
    response = client.post(EXPORT, params={"format": "pdf"}, json=uploaded, headers=AUTH)
    assert response.status_code == 422


def test_page_is_served_in_bahasa_indonesia_without_any_key(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="id">' in response.text
    assert "Daftar Pendampingan UMKM" in response.text
    # The required columns as the Bahasa template heads them, not the contract's English names.
    assert "Kolom wajib: ID UMKM, kode provinsi, tipe wilayah (kota/desa)," in response.text
    help_text = response.text.split('id="upload-help"')[1].split(">", 1)[1].split("</p>")[0]
    assert "province_code" not in help_text
    assert API_KEY not in response.text
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/app.css").status_code == 200
    missing = client.get("/static/routes.py")
    assert missing.status_code == 404
    assert missing.json() == {"error": "not_found", "message": "No such file.", "problems": []}


def test_openapi_documents_both_routes_behind_the_api_key(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/v1/prioritize/upload", "/v1/lists/export"):
        operation = spec["paths"][path]["post"]
        assert operation["security"] == [{"APIKeyHeader": []}]
    assert "422" in spec["paths"]["/v1/prioritize/upload"]["post"]["responses"]


def test_the_column_table_says_which_required_columns_may_hold_empty_cells() -> None:
    """The page's "columns and values accepted" marks the contract's nullable columns (lama
    usaha, omzet bulanan) as cells that may be empty, as the template does; both languages
    word it."""
    from data.contract import PROFILE_COLUMNS
    from service.web.i18n import catalog
    from service.web.pages import accepted_columns

    marked = {column["name"] for column in accepted_columns() if column["nullable"]}
    assert marked == {spec.name for spec in PROFILE_COLUMNS if spec.nullable}
    assert {"business_age_years", "monthly_revenue_idr"} <= marked
    worded = {catalog(language)["columns.required_may_be_empty"] for language in ("id", "en")}
    assert worded == {"Ya, sel boleh kosong", "Yes, cells may be empty"}
