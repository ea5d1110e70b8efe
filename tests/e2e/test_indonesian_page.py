"""Issue 12 in a real Chromium: an Indonesian Excel file on the Bahasa page, numbers typed the
Indonesian way, the template, grouped problems and their download, a phone-sized screen,
filters and paging, the result announced, and axe-core finding nothing serious."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest

from tests.conftest import RegisteredModel
from tests.e2e.browser import choose_language, enter_key, wait_for_list
from tests.e2e.conftest import PHONE_WIDTH, LiveServer
from tests.service.web.indonesian_file import (
    COST_COLUMN,
    business_name,
    indonesian_excel_csv,
    phone,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

RESULT = "#result:not([hidden])"
ERROR_BOX = "#error-box:not([hidden])"


@pytest.fixture(scope="module")
def indonesian_file(
    registered_model: RegisteredModel, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The session's candidates as a regional office's Excel CSV (header on row 3)."""
    from data.contract import PROFILE_COLUMNS

    frame = registered_model.candidates[[spec.name for spec in PROFILE_COLUMNS]].head(150)
    path = tmp_path_factory.mktemp("indonesian") / "usulan_umkm.csv"
    path.write_bytes(indonesian_excel_csv(frame.reset_index(drop=True)))
    return path


def _build(page: Page, file: Path, capacity: str, *, wait_for: str = RESULT) -> None:
    page.set_input_files("#file", str(file))
    page.fill("#capacity", capacity)
    page.click("#submit")
    wait_for_list(page, wait_for)


def _download(page: Page, selector: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.click(selector)
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def _ids(page: Page) -> list[str]:
    return page.locator("#list tbody td.id-cell").all_inner_texts()


def _no_page_overflow(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"the page is {width} px wide"


def _serious_violations(page: Page) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core"  # it ran
    violations: list[dict[str, Any]] = results.response["violations"]
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
        if v.get("impact") in ("serious", "critical")
    ]


def test_an_indonesian_excel_file_on_the_bahasa_page(
    page: Page, live_server: LiveServer, indonesian_file: Path, tmp_path: Path
) -> None:
    enter_key(page, live_server.key)
    page.fill("#cost-column", COST_COLUMN)
    page.fill("#budget", "Rp 500.000.000")
    page.click("#share-add")
    page.select_option(".share-row .share-column", "owner_gender")
    page.select_option(".share-row .share-value", "female")
    page.fill(".share-row .share-percent", "10")
    _build(page, indonesian_file, "40")

    assert len(_ids(page)) == 40
    # The settings line names the group a share is for.
    assert "porsi minimum 10% untuk Perempuan" in page.inner_text("#result-options")
    read = page.inner_text("#result-read")
    assert "dipisah titik koma" in read and "koma desimal" in read
    assert "Windows-1252" in read and "baris 3" in read
    assert "16 judul kolom dalam Bahasa Indonesia dikenali" in read
    assert "Rp 500.000.000" in page.inner_text("#result-options")
    provinces = page.locator("#list tbody tr td:nth-child(3)").all_inner_texts()
    assert all(name and not name.isdigit() for name in provinces)
    assert "Persuadable" not in page.inner_text("#result")

    workbook = _download(page, "#download-xlsx", tmp_path)
    assert workbook.name.startswith("daftar-pendampingan-20")
    chosen = pd.read_excel(workbook, sheet_name="Terpilih", dtype={"telepon": str})
    assert list(chosen["ID UMKM"]) == _ids(page)
    positions = {msme_id: i + 1 for i, msme_id in enumerate(_all_ids(indonesian_file))}
    for msme_id, name, number in zip(
        chosen["ID UMKM"], chosen["nama usaha"], chosen["telepon"], strict=True
    ):
        assert name == business_name(positions[msme_id])
        assert number == phone(positions[msme_id])
    assert COST_COLUMN in chosen.columns
    selected_csv = _download(page, "#download-csv-selected", tmp_path)
    # The Bahasa page's CSV is written for Excel set to Indonesian: semicolons.
    text = selected_csv.read_text(encoding="utf-8-sig").splitlines()
    rows = list(csv.reader(text, delimiter=";"))
    phones = [row[rows[0].index("telepon")] for row in rows[1:]]
    assert all(number.startswith("0812") for number in phones)


def _all_ids(file: Path) -> list[str]:
    lines = file.read_bytes().decode("cp1252").splitlines()
    return [line.split(";")[0] for line in lines[3:]]


def test_number_fields_show_what_they_will_read(
    page: Page, live_server: LiveServer, candidate_files: dict[str, Path]
) -> None:
    page.fill("#capacity", "1.000")
    page.locator("#capacity-understood", has_text="1.000 slot").wait_for()
    page.fill("#budget", "Rp 500.000.000")
    page.locator("#budget-understood", has_text="Rp 500.000.000").wait_for()
    page.click("#share-add")
    share = page.locator(".share-row .share-percent")
    share.fill("70,5")
    page.locator(".share-row .understood", has_text="70,5%").wait_for()
    page.fill("#capacity", "1,000")
    page.locator("#capacity-understood.bad", has_text="dua cara").wait_for()
    assert page.get_attribute("#capacity", "aria-invalid") == "true"

    page.click(".share-row button.secondary")  # remove the share again
    page.fill("#budget", "")
    enter_key(page, live_server.key)
    _build(page, candidate_files["csv"], "1,000", wait_for=ERROR_BOX)
    assert page.inner_text("#error-title") == "Pengaturan tidak dapat dipakai"
    assert "dua cara" in page.inner_text("#setting-problems")
    _build(page, candidate_files["csv"], "1.000")
    assert "1.000 slot" in page.inner_text("#result-options")


def test_the_template_downloads_from_the_page(page: Page, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    template = _download(page, "#template-link", tmp_path)
    assert template.suffix == ".xlsx"
    sheet = load_workbook(template).worksheets[0]
    assert sheet.cell(1, 1).value == "ID UMKM"
    page.click("#columns-box summary")
    assert "perempuan" in page.inner_text("#columns-table").lower()

    choose_language(page, "en")
    assert "female" in page.inner_text("#columns-table")
    english = _download(page, "#template-link", tmp_path)
    assert load_workbook(english).worksheets[0].cell(1, 1).value == "msme_id"


def test_repeated_problems_are_grouped_and_downloadable(
    page: Page, live_server: LiveServer, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    from data.contract import PROFILE_COLUMNS
    from data.writing import write_table

    frame = registered_model.candidates[[spec.name for spec in PROFILE_COLUMNS]].head(250)
    broken = frame.astype(object).copy()
    broken["owner_age"] = 130
    path = write_table(broken, tmp_path / "umur_salah.csv")
    enter_key(page, live_server.key)
    _build(page, path, "5", wait_for=ERROR_BOX)

    groups = page.locator("#problem-groups tbody tr")
    assert groups.count() == 1
    cells = groups.first.locator("td").all_inner_texts()
    assert cells[0] == "owner_age" and cells[2] == "250"
    assert "dan 240 lainnya" in cells[3]
    assert "250 masalah pada 250 dari 250 baris" in page.inner_text("#error-message")
    assert page.evaluate("document.activeElement.id") == "error-box"

    problems = _download(page, "#problems-csv", tmp_path)
    assert problems.name.startswith("masalah-berkas-")
    text = problems.read_text(encoding="utf-8-sig").splitlines()
    lines = list(csv.reader(text, delimiter=";"))
    assert len(lines) == 251 and lines[0][0] == "Baris"
    workbook = _download(page, "#problems-xlsx", tmp_path)
    assert workbook.suffix == ".xlsx"


def test_a_refused_file_reads_as_cards_on_a_phone(
    phone_page: Page, live_server: LiveServer, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    """On a 390 px screen a refused file's problems (the same markup for candidates and
    outcomes) are cards, each value after its column's name: the fix is not cut off."""
    from data.contract import PROFILE_COLUMNS
    from data.writing import write_table

    page = phone_page
    frame = registered_model.candidates[[spec.name for spec in PROFILE_COLUMNS]].head(30)
    broken = frame.astype(object).copy()
    broken["owner_age"] = 130
    path = write_table(broken, tmp_path / "umur_salah_ponsel.csv")
    enter_key(page, live_server.key)
    _build(page, path, "5", wait_for=ERROR_BOX)

    _no_page_overflow(page)
    for table in ("problem-groups", "problems"):
        wrap = page.evaluate(
            f"(() => {{ const box = document.getElementById('{table}').parentElement;"
            " return [box.scrollWidth, box.clientWidth]; })()"
        )
        assert wrap[0] <= wrap[1], (table, wrap)
    fix = page.locator("#problems tbody tr").first.locator("td").nth(3)
    assert fix.get_attribute("data-label") == "Cara memperbaiki"
    box = fix.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE_WIDTH, box


def test_filters_search_and_paging(
    page: Page, live_server: LiveServer, candidate_files: dict[str, Path]
) -> None:
    enter_key(page, live_server.key)
    _build(page, candidate_files["csv"], "120")
    assert len(_ids(page)) == 50
    assert page.inner_text("#page-status") == "Menampilkan 1–50 dari 120 UMKM"
    page.click("#page-next")
    assert page.inner_text("#page-status") == "Menampilkan 51–100 dari 120 UMKM"
    assert page.inner_text("#list tbody tr:first-child td:first-child") == "51"

    province = page.locator("#filter-province option").nth(1)
    name = province.inner_text()
    page.select_option("#filter-province", province.get_attribute("value") or "")
    shown = page.locator("#list tbody tr td:nth-child(3)").all_inner_texts()
    assert shown and set(shown) == {name}

    page.select_option("#filter-province", "")
    first_id = _ids(page)[0]
    page.fill("#filter-search", first_id)
    assert _ids(page) == [first_id]
    page.fill("#filter-search", "tidak ada yang seperti ini")
    assert page.locator("#list-empty").is_visible()
    page.fill("#filter-search", "")

    segment = page.locator("#filter-segment option").nth(1)
    label = segment.inner_text()
    page.select_option("#filter-segment", segment.get_attribute("value") or "")
    badges = page.locator("#list tbody .seg").all_inner_texts()
    assert badges and set(badges) == {label}


def test_the_result_is_focused_and_announced(
    page: Page, live_server: LiveServer, candidate_files: dict[str, Path]
) -> None:
    enter_key(page, live_server.key)
    _build(page, candidate_files["csv"], "30")
    page.locator("#announce", has_text="Daftar pendampingan siap").wait_for(state="attached")
    assert page.evaluate("document.activeElement.id") == "result-title"
    assert page.get_attribute("#announce", "aria-live") == "polite"
    top = page.evaluate("document.getElementById('result-title').getBoundingClientRect().top")
    assert -1 < top < 900  # in view (the page scrolls by whole pixels, its layout is finer)


def test_a_phone_sized_screen_has_no_sideways_scroll(
    phone_page: Page, live_server: LiveServer, indonesian_file: Path
) -> None:
    page = phone_page
    _no_page_overflow(page)
    key = page.locator("#api-key").bounding_box()
    assert key is not None and key["x"] + key["width"] <= PHONE_WIDTH
    enter_key(page, live_server.key)
    page.fill("#cost-column", COST_COLUMN)
    _build(page, indonesian_file, "40")
    _no_page_overflow(page)
    wrap = page.evaluate(
        "[document.getElementById('list-wrap').scrollWidth,"
        " document.getElementById('list-wrap').clientWidth]"
    )
    assert wrap[0] <= wrap[1] <= PHONE_WIDTH  # one card per MSME: nothing to scroll sideways
    page.click("#columns-box summary")
    _no_page_overflow(page)


@pytest.mark.parametrize("language", ["id", "en"])
def test_axe_finds_nothing_serious_before_and_after_a_run(
    page: Page, live_server: LiveServer, candidate_files: dict[str, Path], language: str
) -> None:
    if language == "en":
        choose_language(page, "en")
    assert _serious_violations(page) == []
    enter_key(page, live_server.key)
    _build(page, candidate_files["csv"], "30")
    page.click("#not-selected summary")
    assert _serious_violations(page) == []
    page.goto(f"{live_server.url}/how?lang={language}")
    assert _serious_violations(page) == []


def test_the_how_page_explains_without_marketing_words(page: Page, live_server: LiveServer) -> None:
    page.click("#how-link")
    page.wait_for_url("**/how?lang=id")
    text = page.inner_text("main")
    assert "4–10%" in text and "Kementerian Koperasi" in text
    assert "Persuadable" not in text and "Terbantu pendampingan" in text
    assert page.locator("link[rel=icon]").count() == 1
