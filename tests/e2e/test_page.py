"""The program managers' page in a real headless Chromium, against the real app and model.

A user's path: open the page, give the API key, upload the candidates, set the slots, read the
ranked list, download it, switch language; and the messages for bad files and a wrong key.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from tests.conftest import RegisteredModel
from tests.e2e.browser import choose_language, enter_key, upload
from tests.e2e.conftest import LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

CAPACITY = 50
QUOTA = 6  # per province: binds for the provinces with most high-uplift candidates
ERROR_BOX = "#error-box:not([hidden])"
ID_PERCENT = re.compile(r"^\d{1,3},\d%$")  # 12,3%
EN_PERCENT = re.compile(r"^\d{1,3}\.\d%$")  # 12.3%


def _column(page: Page, index: int) -> list[str]:
    """Texts of one column of the result table, top to bottom (1-based index)."""
    return page.locator(f"#list tbody tr td:nth-child({index})").all_inner_texts()


def _ranks(page: Page) -> list[int]:
    """The ranks (a slot drawn at random has its mark on a second line of the cell)."""
    return [
        int(text.splitlines()[0].replace(".", "").replace(",", "")) for text in _column(page, 1)
    ]


def _download(page: Page, button: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.click(button)
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def _problem_rows(page: Page) -> list[list[str]]:
    rows = page.locator("#problems tbody tr")
    return [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]


def test_csv_upload_gives_ranked_list_in_bahasa_indonesia(
    page: Page, live_server: LiveServer, candidate_files: dict[str, Path]
) -> None:
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Daftar Pendampingan UMKM"
    assert live_server.key not in page.content()

    enter_key(page, live_server.key)
    assert page.evaluate("sessionStorage.getItem('umkm.apiKey')") == live_server.key
    assert page.evaluate("localStorage.getItem('umkm.apiKey')") is None
    upload(page, candidate_files["csv"], CAPACITY)

    assert _ranks(page) == list(range(1, CAPACITY + 1))
    gains = [float(text.replace(",", ".")) for text in _column(page, 7)]
    assert gains == sorted(gains, reverse=True)
    assert ID_PERCENT.match(page.inner_text("#kpi-success"))
    assert page.inner_text("#kpi-filled") == f"{CAPACITY} dari {CAPACITY}"
    provinces = _column(page, 3)
    assert all(name and not name.isdigit() for name in provinces)  # names, not codes
    reasons = page.locator("#list tbody tr:first-child ul.reasons li").all_inner_texts()
    assert 1 <= len(reasons) <= 3
    assert all("pendampingan" in reason for reason in reasons)
    assert page.locator("#chart-cumulative svg polyline").count() == 1
    assert page.locator("#chart-segments svg rect").count() >= 4
    gender_slots = page.locator("#spread-gender tbody td:nth-child(2)").all_inner_texts()
    assert sum(int(text) for text in gender_slots) == CAPACITY

    # Sorting: rank descending, then by expected gain (largest first).
    page.click("#list th[data-key='rank'] button")
    assert _ranks(page)[0] == CAPACITY
    assert page.get_attribute("#list th[data-key='rank']", "aria-sort") == "descending"
    page.click("#list th[data-key='expected_gain'] button")
    assert _ranks(page)[0] == 1


def test_downloads_hold_the_list_and_everyone_left_out_with_reasons(
    page: Page,
    live_server: LiveServer,
    candidate_files: dict[str, Path],
    registered_model: RegisteredModel,
    tmp_path: Path,
) -> None:
    enter_key(page, live_server.key)
    # A tighter limit for one province, and at least half the slots for women-owned businesses.
    page.click("#quota-add")
    page.select_option(".quota-row .quota-province", "35")
    page.fill(".quota-row .quota-slots", "2")
    page.click("#share-add")  # owner gender = female, 50% by default
    upload(page, candidate_files["csv"], CAPACITY, quota_all=QUOTA)
    assert len(_ranks(page)) == CAPACITY
    all_ids = set(registered_model.candidates["msme_id"])

    workbook = _download(page, "#download-xlsx", tmp_path)
    assert workbook.suffix == ".xlsx"
    sheets = pd.read_excel(workbook, sheet_name=None, dtype={"Kode provinsi": str})
    assert list(sheets) == ["Terpilih", "Tidak terpilih", "Ringkasan"]
    chosen, left_out = sheets["Terpilih"], sheets["Tidak terpilih"]
    assert list(chosen["Peringkat"]) == list(range(1, CAPACITY + 1))
    per_province = chosen["Kode provinsi"].value_counts()
    assert per_province.max() <= QUOTA and per_province.get("35", 0) <= 2
    assert (chosen["Jenis kelamin pemilik"] == "Perempuan").sum() >= CAPACITY / 2
    assert chosen["Alasan 1"].str.contains("pendampingan").all()
    assert set(chosen["ID UMKM"]) | set(left_out["ID UMKM"]) == all_ids
    assert len(chosen) + len(left_out) == len(all_ids)
    assert left_out["Alasan tidak terpilih"].str.len().gt(0).all()
    # Issue 12: the reason's kind in words (no untranslated code in a Bahasa export).
    assert "Provinsinya sudah mencapai batas slot" in set(left_out["Jenis alasan"])

    # On the Bahasa page, CSV as Excel set to Indonesian reads it: semicolons, decimal commas.
    selected_csv = _download(page, "#download-csv-selected", tmp_path)
    listed = pd.read_csv(
        selected_csv, sep=";", decimal=",", encoding="utf-8-sig", dtype={"Kode provinsi": str}
    )
    assert list(listed["ID UMKM"]) == list(chosen["ID UMKM"])
    assert list(listed.columns) == list(chosen.columns)
    for points in ("Peluang digital jika didampingi (%)", "Tambahan peluang (poin %)"):
        assert listed[points].tolist() == pytest.approx(chosen[points].tolist())

    others_csv = _download(page, "#download-csv-not-selected", tmp_path)
    assert others_csv.name != selected_csv.name
    others = pd.read_csv(others_csv, sep=";", decimal=",", encoding="utf-8-sig")
    assert set(others["ID UMKM"]) == all_ids - set(chosen["ID UMKM"])
    assert others["Alasan tidak terpilih"].notna().all()


def test_english_switch_changes_labels_numbers_and_reasons_and_is_remembered(
    page: Page, live_server: LiveServer, candidate_files: dict[str, Path], tmp_path: Path
) -> None:
    enter_key(page, live_server.key)
    upload(page, candidate_files["csv"], CAPACITY)
    id_success = page.inner_text("#kpi-success")
    assert ID_PERCENT.match(id_success)

    assert "kode provinsi" in page.inner_text("#upload-help")
    choose_language(page, "en")
    assert "Required columns: msme_id, province_code," in page.inner_text("#upload-help")
    assert page.inner_text("#submit") == "Issue the list (recorded)"
    assert page.inner_text("#preview") == "Preview (not recorded)"
    assert page.inner_text("#kpi-filled") == f"{CAPACITY} of {CAPACITY}"
    assert EN_PERCENT.match(page.inner_text("#kpi-success"))
    assert page.inner_text("#kpi-success") == id_success.replace(",", ".")
    # The reasons are worded by the API, which the page asks again in English.
    page.locator("#list tbody li", has_text="gain from mentoring").first.wait_for()
    assert len(_ranks(page)) == CAPACITY
    # In English, the CSV is comma-separated with decimal points (the standard style).
    listed = pd.read_csv(_download(page, "#download-csv-selected", tmp_path), encoding="utf-8-sig")
    assert list(listed["Rank"]) == list(range(1, CAPACITY + 1))
    assert listed["Expected gain (% points)"].dtype == float

    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.inner_text("h1") == "MSME mentoring list"
    assert page.inner_text("#key-status") == "Key kept for this session."


def test_bad_files_name_rows_and_columns_and_nothing_is_applied(
    page: Page, live_server: LiveServer, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    from data.contract import PROFILE_COLUMNS
    from data.writing import write_table

    enter_key(page, live_server.key)
    frame = registered_model.candidates[[spec.name for spec in PROFILE_COLUMNS]].head(20)
    broken = frame.astype(object).copy()
    broken.loc[1, "owner_age"] = 130  # spreadsheet row 3
    broken.loc[3, "sector"] = "bakery"  # spreadsheet row 5
    bad_values = write_table(broken, tmp_path / "nilai_salah.csv")
    upload(page, bad_values, 5, wait_for=ERROR_BOX)
    assert page.locator("#result").is_hidden()
    problems = _problem_rows(page)
    assert [row[:2] for row in problems] == [["3", "owner_age"], ["5", "sector"]]
    # As the file heads them, in every table of the box (and in its downloads).
    groups = page.locator("#problem-groups tbody tr td:first-child").all_inner_texts()
    assert groups == ["owner_age", "sector"]
    assert "15 dan 100" in problems[0][3]  # how to fix, from the contract
    assert "Makanan dan minuman" in problems[1][3]  # the values as a Bahasa file may hold them
    assert "2 masalah pada 2 dari 20 baris" in page.inner_text("#error-message")

    choose_language(page, "en")  # the message is asked for again, in English
    page.locator("#error-message", has_text="File refused").wait_for()
    assert "between 15 and 100" in _problem_rows(page)[0][3]

    missing = write_table(frame.drop(columns=["internet_access"]), tmp_path / "kurang.xlsx")
    upload(page, missing, 5, wait_for=ERROR_BOX)
    page.locator("#error-message", has_text="columns do not match").wait_for()
    first = _problem_rows(page)[0]
    assert first[1] == "internet_access"
    assert "Add a column" in first[3]

    not_a_sheet = tmp_path / "laporan.pdf"
    not_a_sheet.write_bytes(b"%PDF-1.4 not a spreadsheet")
    upload(page, not_a_sheet, 5, wait_for=ERROR_BOX)
    page.locator("#error-message", has_text="laporan.pdf").wait_for()
    assert "CSV" in page.inner_text("#error-message")

    choose_language(page, "id")
    empty = tmp_path / "kosong.csv"
    empty.write_text(",".join(spec.name for spec in PROFILE_COLUMNS) + "\n", encoding="utf-8")
    upload(page, empty, 5, wait_for=ERROR_BOX)
    page.locator("#error-message", has_text="tidak berisi baris data").wait_for()
    assert page.locator("#result").is_hidden()


def test_settings_refusals_are_headed_as_settings_not_the_file(
    page: Page, live_server: LiveServer, candidate_files: dict[str, Path], tmp_path: Path
) -> None:
    enter_key(page, live_server.key)
    page.set_input_files("#file", str(candidate_files["csv"]))

    def build(capacity: str, exploration: str = "") -> None:
        page.fill("#capacity", capacity)
        page.fill("#exploration", exploration)
        page.evaluate("document.getElementById('error-box').hidden = true")
        page.click("#submit")
        page.wait_for_selector(ERROR_BOX)
        page.locator("#submit:not([disabled])").wait_for(state="attached")

    def heading() -> tuple[str, str]:
        return page.inner_text("#error-title"), page.inner_text("#error-nothing")

    build("")  # no slots: the page refuses the settings itself
    assert heading() == (
        "Pengaturan tidak dapat dipakai",
        "Tidak ada yang diterapkan: ubah pengaturan lalu buat daftar lagi; berkasnya tetap "
        "terpilih.",
    )
    assert "jumlah slot" in page.inner_text("#error-message")
    build("10", "sepuluh")  # a share drawn at random that is not a percentage
    assert heading()[0] == "Pengaturan tidak dapat dipakai"
    assert '"sepuluh" bukan angka antara 0 dan 100' in page.inner_text("#error-message")

    # Refused by the service: each setting named as the form labels it, not as a place in the
    # file (no rows, no columns, nothing to download) and not by its API field.
    build("abc")
    assert heading()[0] == "Pengaturan tidak dapat dipakai"
    settings = page.locator("#setting-problems tbody tr td").all_inner_texts()
    assert settings[0] == "Jumlah slot pendampingan" and '"abc"' in settings[1], settings
    assert "options." not in page.inner_text("#error-box")
    assert page.locator("#problems").is_hidden()
    assert page.locator("#problem-groups-box").is_hidden()
    page.fill("#cost-column", "biaya")  # a cost column the file does not have
    build("10")
    settings = page.locator("#setting-problems tbody tr td").all_inner_texts()
    assert settings[0] == "Kolom biaya di berkas" and '"biaya"' in settings[1], settings
    assert heading()[0] == "Pengaturan tidak dapat dipakai"
    page.fill("#cost-column", "")
    choose_language(page, "en")
    assert heading() == (
        "The settings cannot be used",
        "Nothing was applied: change the settings and build the list again; the file is kept.",
    )

    # Refused by the service: a quota of 0 in every province leaves no slot to fill.
    page.fill("#quota-all", "0")
    build("10")
    page.locator("#error-message", has_text="constraints cannot all hold").wait_for()
    assert heading()[0] == "The settings cannot be used"
    named = page.locator("#setting-problems tbody td:first-child").all_inner_texts()
    assert named == ["Maximum slots per province"], named
    choose_language(page, "id")  # asked again, in Bahasa
    page.locator("#error-message", has_text="tidak dapat dipenuhi").wait_for()
    assert heading()[0] == "Pengaturan tidak dapat dipakai"

    # A problem of the file keeps the file's heading.
    page.fill("#quota-all", "")
    not_a_sheet = tmp_path / "laporan.pdf"
    not_a_sheet.write_bytes(b"%PDF-1.4 not a spreadsheet")
    page.set_input_files("#file", str(not_a_sheet))
    build("10")
    assert heading() == (
        "Berkas tidak diproses",
        "Tidak ada yang diterapkan: perbaiki berkas lalu unggah lagi.",
    )


def test_xlsx_upload_works_too(
    page: Page, live_server: LiveServer, candidate_files: dict[str, Path]
) -> None:
    enter_key(page, live_server.key)
    upload(page, candidate_files["xlsx"], 30)
    assert _ranks(page) == list(range(1, 31))
    assert "kandidat.xlsx" in page.inner_text("#result-file")


def test_wrong_key_gets_a_clear_message(page: Page, candidate_files: dict[str, Path]) -> None:
    enter_key(page, "not-the-right-key-000000")
    upload(page, candidate_files["csv"], 10, wait_for=ERROR_BOX)
    assert "401" in page.inner_text("#error-message")
    assert "Kunci API" in page.inner_text("#error-message")
    assert page.locator("#problems").is_hidden()
