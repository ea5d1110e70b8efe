"""Preview before issuing, in a real Chromium: a preview records nothing and "Issue this list"
records exactly the list previewed; a preview whose file or settings changed cannot be issued;
after a reload, the same file and settings issued again show the list already issued instead
of recording a second one; on a phone, the list and the lists issued read without sideways
scrolling."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pandas as pd
import pytest

from tests.conftest import RegisteredModel
from tests.e2e.browser import (
    ISSUED_BEFORE,
    RESULT_TIMEOUT_MS,
    choose_language,
    enter_key,
    upload,
)
from tests.e2e.conftest import PHONE_WIDTH, LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

CANDIDATES = 60
SLOTS = 10
RESULT = "#result:not([hidden])"
BANNER = "#preview-banner:not([hidden])"
ISSUED_ROWS = "#issued-table tbody tr"


def _candidates(registered_model: RegisteredModel, folder: Path, name: str) -> Path:
    """A small candidates file of its own name and content (the tests share one server and its
    lists, and the server takes the same content and settings again for a repeat)."""
    from data.contract import PROFILE_COLUMNS
    from data.writing import write_table

    frame = registered_model.candidates[[spec.name for spec in PROFILE_COLUMNS]].head(CANDIDATES)
    frame = frame.reset_index(drop=True)
    frame["msme_id"] = Path(name).stem[-12:] + "-" + frame["msme_id"].astype(str)
    return write_table(frame, folder / name)


def _recorded(server: LiveServer, filename: str) -> list[dict[str, Any]]:
    """The lists issued from `filename`, newest first."""
    answer = httpx.get(
        f"{server.url}/v1/lists", params={"page_size": 1000}, headers={"X-API-Key": server.key}
    )
    assert answer.status_code == 200, answer.text
    return [item for item in answer.json()["items"] if item["source_file"] == filename]


def _shown(page: Page) -> list[tuple[str, bool]]:
    """The list on screen, in rank order: each MSME and whether it was drawn at random."""
    rows = page.locator("#list tbody tr")
    return [
        (
            rows.nth(i).locator("td.id-cell").inner_text(),
            rows.nth(i).locator(".drawn").count() == 1,
        )
        for i in range(rows.count())
    ]


def _issue_keys(page: Page) -> list[str | None]:
    """The Idempotency-Key of every upload the page sends to be issued, as it sends them."""
    keys: list[str | None] = []
    page.on(
        "request",
        lambda request: (
            keys.append(request.headers.get("idempotency-key"))
            if request.url.endswith("/v1/lists/upload")
            else None
        ),
    )
    return keys


def _preview(page: Page, file: Path, capacity: int) -> None:
    page.set_input_files("#file", str(file))
    page.fill("#capacity", str(capacity))
    page.click("#preview")
    page.wait_for_selector(BANNER, timeout=RESULT_TIMEOUT_MS)
    page.locator("#preview:not([disabled])").wait_for(state="attached", timeout=RESULT_TIMEOUT_MS)


def _download(page: Page, selector: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.click(selector)
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_a_preview_records_nothing_and_issuing_it_records_that_list(
    page: Page, live_server: LiveServer, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    file = _candidates(registered_model, tmp_path, "kandidat_pratinjau.csv")
    keys = _issue_keys(page)
    enter_key(page, live_server.key)
    _preview(page, file, SLOTS)

    assert _recorded(live_server, file.name) == []
    assert page.inner_text("#result-title").startswith("3. Pratinjau")
    assert "belum diterbitkan" in page.inner_text("#preview-banner")
    page.locator("#announce", has_text="Pratinjau siap, belum dicatat").wait_for(state="attached")
    assert page.evaluate("document.activeElement.id") == "result-title"
    previewed = _shown(page)
    assert len(previewed) == SLOTS and sum(drawn for _, drawn in previewed) == 1  # 10% of 10

    # Its download says it is a preview, on every row.
    csv = _download(page, "#download-csv-selected", tmp_path)
    assert "pratinjau" in csv.name
    table = pd.read_csv(csv, sep=";", encoding="utf-8-sig")
    assert set(table["Status daftar"]) == {"PRATINJAU – tidak dicatat"}
    assert list(table["ID UMKM"].astype(str)) == [msme_id for msme_id, _ in previewed]

    page.click("#issue-preview")
    page.locator("#recorded-notice", has_text="tercatat (nomor").wait_for(timeout=RESULT_TIMEOUT_MS)
    assert page.locator("#preview-banner").is_hidden()
    assert page.inner_text("#result-title") == "3. Daftar pendampingan"
    assert _shown(page) == previewed
    [issued] = _recorded(live_server, file.name)
    view = httpx.get(
        f"{live_server.url}/v1/lists/{issued['list_id']}/view",
        headers={"X-API-Key": live_server.key},
    ).json()  # the list as the records hold it
    recorded = [
        (item["msme_id"], item["selected_by"] == "exploration") for item in view["selected"]
    ]
    assert recorded == previewed
    assert len(keys) == 1 and keys[0]  # issued once, with a key
    page.locator(ISSUED_ROWS, has_text=file.name).first.wait_for()


def test_the_forms_button_issues_the_preview_on_screen_too(
    page: Page, live_server: LiveServer, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    """Pressing the form's main button rather than the banner's issues the list previewed, not
    a new draw, while the form still holds what the preview was made from."""
    file = _candidates(registered_model, tmp_path, "kandidat_tombol_utama.csv")
    enter_key(page, live_server.key)
    _preview(page, file, SLOTS)
    previewed = _shown(page)
    upload(page, file, SLOTS)  # the form unchanged: the same file and slots
    page.locator("#recorded-notice", has_text="tercatat (nomor").wait_for(timeout=RESULT_TIMEOUT_MS)
    assert _shown(page) == previewed
    assert len(_recorded(live_server, file.name)) == 1


def test_a_preview_out_of_date_cannot_be_issued(
    page: Page, live_server: LiveServer, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    file = _candidates(registered_model, tmp_path, "kandidat_berubah.csv")
    enter_key(page, live_server.key)
    _preview(page, file, SLOTS)
    issue = page.locator("#issue-preview")
    assert issue.is_enabled() and page.locator("#preview-stale").is_hidden()

    page.fill("#capacity", str(SLOTS + 5))  # another capacity: not the list previewed
    page.locator("#issue-preview[disabled]").wait_for(state="attached")
    assert page.locator("#preview-stale").is_visible()
    assert "sudah berubah" in page.inner_text("#preview-stale")
    page.locator("#announce", has_text="tidak lagi sesuai").wait_for(state="attached")
    # Even with the button forced open, the page refuses to issue what the form no longer holds.
    page.evaluate("document.getElementById('issue-preview').disabled = false")
    page.click("#issue-preview")
    assert page.locator("#issue-preview").is_disabled()
    page.wait_for_load_state("networkidle")
    assert _recorded(live_server, file.name) == []

    page.fill("#capacity", str(SLOTS))  # back to what was previewed
    page.locator("#issue-preview:not([disabled])").wait_for(state="attached")
    assert page.locator("#preview-stale").is_hidden()
    page.click("#share-add")  # a setting added (a minimum share of 50% women)
    page.locator("#issue-preview[disabled]").wait_for(state="attached")
    page.click(".share-row button.secondary")  # and removed again
    page.locator("#issue-preview:not([disabled])").wait_for(state="attached")

    choose_language(page, "en")  # the preview is built again in English, with its draw
    page.locator("#result-title", has_text="Preview of the mentoring list").wait_for()
    page.locator("#list tbody li", has_text="mentoring").first.wait_for(timeout=RESULT_TIMEOUT_MS)
    assert _recorded(live_server, file.name) == []
    page.set_input_files("#file", str(_candidates(registered_model, tmp_path, "lain.csv")))
    page.locator("#issue-preview[disabled]").wait_for(state="attached")
    assert "changed after this preview" in page.inner_text("#preview-stale")


def test_the_same_upload_issued_after_a_reload_shows_the_list_already_issued(
    page: Page, live_server: LiveServer, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    file = _candidates(registered_model, tmp_path, "kandidat_ulang_muat.csv")
    keys = _issue_keys(page)
    enter_key(page, live_server.key)
    upload(page, file, SLOTS)
    first = _shown(page)
    [issued] = _recorded(live_server, file.name)

    page.reload()
    page.locator("body[data-ready='true']").wait_for(state="attached")
    assert page.locator("#result").is_hidden()
    upload(page, file, SLOTS, wait_for="#repeat-notice:not([hidden])")

    assert _recorded(live_server, file.name) == [issued]  # no second list
    assert keys[1] == keys[0]  # sent again with its key: the server answered the list recorded
    notice = page.inner_text("#repeat-notice")
    assert "sudah diterbitkan pada" in notice and issued["list_id"][:8] in notice, notice
    page.locator("#announce", has_text="sudah diterbitkan").wait_for(state="attached")
    assert _shown(page) == first

    choose_language(page, "en")
    page.locator("#repeat-notice", has_text="already issued on").wait_for()

    page.click("#issue-new")  # a second list on purpose: a new key, a new draw
    page.locator("#repeat-notice").wait_for(state="hidden", timeout=RESULT_TIMEOUT_MS)
    page.locator("#submit:not([disabled])").wait_for(state="attached", timeout=RESULT_TIMEOUT_MS)
    assert len(_recorded(live_server, file.name)) == 2
    assert len(keys) == 3 and keys[2] != keys[0]


def test_a_preview_of_an_upload_issued_before_says_the_list_shown_is_not_the_preview(
    page: Page, live_server: LiveServer, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    """Issued once, previewed again (a new draw), then "Issue this list": the server answers the
    list issued before, and the page says it is not the preview, and how to record the preview."""
    file = _candidates(registered_model, tmp_path, "kandidat_pratinjau_ulang.csv")
    enter_key(page, live_server.key)
    upload(page, file, SLOTS)
    [issued] = _recorded(live_server, file.name)
    _preview(page, file, SLOTS)
    previewed = _shown(page)

    page.click("#issue-preview")
    page.locator("#repeat-notice:not([hidden])").wait_for(timeout=RESULT_TIMEOUT_MS)
    notice = page.inner_text("#repeat-notice")
    assert "bukan pratinjau Anda" in notice and issued["list_id"][:8] in notice, notice
    assert _recorded(live_server, file.name) == [issued]

    page.click("#issue-new")  # the preview recorded, as it was shown
    page.locator("#repeat-notice").wait_for(state="hidden", timeout=RESULT_TIMEOUT_MS)
    page.locator("#submit:not([disabled])").wait_for(state="attached", timeout=RESULT_TIMEOUT_MS)
    assert len(_recorded(live_server, file.name)) == 2
    assert _shown(page) == previewed


def test_the_same_upload_from_another_device_names_the_list_and_issues_a_new_one_on_request(
    page: Page, live_server: LiveServer, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    """Issued, then issued again from "another device" (the page's own memory of its uploads
    cleared): the server names the list issued before (number, when, by whom); "Open that list"
    shows it, "Issue as a new list" records a second one; the lists issued show their
    settings."""
    file = _candidates(registered_model, tmp_path, "kandidat_dua_perangkat.csv")
    enter_key(page, live_server.key)
    upload(page, file, SLOTS)
    [issued] = _recorded(live_server, file.name)

    page.evaluate("localStorage.removeItem('umkm.issuedUploads')")  # as a second device
    page.reload()
    page.locator("body[data-ready='true']").wait_for(state="attached")
    upload(page, file, SLOTS, wait_for=ISSUED_BEFORE)

    assert _recorded(live_server, file.name) == [issued]  # nothing recorded
    notice = page.inner_text("#server-repeat")
    assert "sudah diterbitkan pada" in notice and issued["list_id"][:8] in notice, notice
    assert issued["created_by"] in notice or "halaman ini" in notice, notice
    assert page.locator("#error-box").is_hidden()
    choose_language(page, "en")
    page.locator("#server-repeat", has_text="already issued on").wait_for()

    page.click("#open-earlier")
    page.locator("#announce", has_text="reopened").wait_for(state="attached")
    assert page.locator("#server-repeat").is_hidden()
    assert page.locator("#result").is_visible()

    page.evaluate("localStorage.removeItem('umkm.issuedUploads')")
    page.click("#submit")
    page.locator("#server-repeat:not([hidden])").wait_for(timeout=RESULT_TIMEOUT_MS)
    page.click("#issue-new-server")  # a second list on purpose
    page.locator("#server-repeat").wait_for(state="hidden", timeout=RESULT_TIMEOUT_MS)
    page.locator("#submit:not([disabled])").wait_for(state="attached", timeout=RESULT_TIMEOUT_MS)
    lists = _recorded(live_server, file.name)
    assert len(lists) == 2 and lists[1] == issued

    # The lists issued say each list's settings, in the page's language.
    row = page.locator(ISSUED_ROWS, has_text=lists[0]["list_id"][:8])
    settings = row.locator("td.settings-cell")
    settings.filter(has_text=f"{SLOTS} slots").wait_for(timeout=RESULT_TIMEOUT_MS)
    assert "random draw" in settings.inner_text()
    assert settings.get_attribute("data-label") == "Settings"
    choose_language(page, "id")
    settings.filter(has_text=f"{SLOTS} slot · undian acak").wait_for(timeout=RESULT_TIMEOUT_MS)
    assert page.locator("#issued-table thead", has_text="Pengaturan").count() == 1


def _fits(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, box


def test_on_a_phone_the_list_and_the_lists_issued_need_no_sideways_scrolling(
    phone_page: Page, live_server: LiveServer, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    page = phone_page
    file = _candidates(registered_model, tmp_path, "kandidat_ponsel_dengan_nama_panjang.csv")
    enter_key(page, live_server.key)
    _preview(page, file, SLOTS)
    _fits(page, "#issue-preview")
    page.click("#issue-preview")
    page.locator(f"{ISSUED_ROWS} button.issued-open").first.wait_for(timeout=RESULT_TIMEOUT_MS)
    page.locator("#list tbody td.id-cell").first.wait_for()
    # The lists issued are drawn again as their answer comes: let the page settle first, or a
    # row may be replaced under the test's hand.
    page.wait_for_load_state("networkidle")

    sizes = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert sizes[0] <= sizes[1] <= PHONE_WIDTH, sizes
    for wrap in ("list-wrap", "issued-wrap"):  # neither table scrolls sideways in its box
        width = page.evaluate(
            f"[document.getElementById('{wrap}').scrollWidth,"
            f" document.getElementById('{wrap}').clientWidth]"
        )
        assert width[0] <= width[1], (wrap, width)
    # Each cell says its column; the reasons read whole; "Open" is within the screen.
    first = page.locator("#list tbody tr").first
    assert first.locator("td").first.get_attribute("data-label") == "Peringkat"
    _fits(page, "#list tbody tr:first-child td.reasons-cell")
    open_button = page.locator(f"{ISSUED_ROWS} button.issued-open").first
    open_button.scroll_into_view_if_needed()
    _fits(page, f"{ISSUED_ROWS}:first-child button.issued-open")
    open_button.click()
    page.locator("#announce", has_text="dibuka kembali").wait_for(state="attached")
    page.locator("#list th[data-key='expected_gain'] button").click()  # sorting still works
    assert page.get_attribute("#list th[data-key='expected_gain']", "aria-sort") == "descending"
