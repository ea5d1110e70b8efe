"""Issue 13 on the page in a real Chromium: a list issued on the Bahasa page is still there after
the service restarts on the same database, reopens with its table and downloads; an outcomes file
in Bahasa recorded twice is stored once, and a bad row is shown by its row number; the drift
warning appears once a shifted population has been scored; axe-core finds nothing serious in
the new sections, in Bahasa and in English; a refused outcomes file shows every problem by its
row, as a refused candidates file does, with the download of every one."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.conftest import RegisteredModel
from tests.e2e.browser import RESULT_TIMEOUT_MS, choose_language, enter_key, upload
from tests.e2e.conftest import LiveServer, open_page, serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

pytestmark = pytest.mark.e2e

CANDIDATES = 40
SLOTS = 10
ISSUED_ROWS = "#issued-table tbody tr"
OUTCOMES_ERROR = "#outcomes-error:not([hidden])"


@dataclass(frozen=True)
class IssuedOnPage:
    """A list issued on the Bahasa page of a server since stopped, and what the page showed."""

    database_url: str
    filename: str
    selected_ids: list[str]
    row_cells: list[str]


@pytest.fixture(scope="module")
def issued(
    browser: Browser,
    registered_model: RegisteredModel,
    tmp_path_factory: pytest.TempPathFactory,
) -> IssuedOnPage:
    """A small candidates file made into a list on the Bahasa page; the server then stops."""
    from data.contract import PROFILE_COLUMNS
    from data.writing import write_table

    folder = tmp_path_factory.mktemp("lists_page")
    database_url = f"sqlite:///{folder / 'umkm.db'}"
    frame = registered_model.candidates[[spec.name for spec in PROFILE_COLUMNS]].head(CANDIDATES)
    path = write_table(frame.reset_index(drop=True), folder / "kandidat_kecil.csv")
    with serve(registered_model, database_url) as server, open_page(browser, server.url) as page:
        assert page.get_attribute("html", "lang") == "id"
        assert page.input_value("#exploration") == "10"
        enter_key(page, server.key)
        page.locator("#issued-empty:not([hidden])").wait_for()  # nothing issued yet
        upload(page, path, SLOTS)
        page.locator(ISSUED_ROWS).first.wait_for()
        assert page.locator(ISSUED_ROWS).count() == 1
        ids = page.locator("#list tbody td.id-cell").all_inner_texts()
        cells = page.locator(f"{ISSUED_ROWS} td").all_inner_texts()
    assert len(ids) == SLOTS
    return IssuedOnPage(database_url, path.name, ids, cells)


@pytest.fixture(scope="module")
def restarted(issued: IssuedOnPage, registered_model: RegisteredModel) -> Iterator[LiveServer]:
    """A new server process on the same database file: the service restarted."""
    with serve(registered_model, issued.database_url) as server:
        yield server


@pytest.fixture
def restarted_page(browser: Browser, restarted: LiveServer) -> Iterator[Page]:
    with open_page(browser, restarted.url) as page:
        enter_key(page, restarted.key)
        page.locator(ISSUED_ROWS).first.wait_for()
        yield page


def _open_first_list(page: Page) -> None:
    page.locator(f"{ISSUED_ROWS} button.issued-open").first.click()
    page.wait_for_selector("#result:not([hidden])", timeout=RESULT_TIMEOUT_MS)
    page.locator("#list tbody td.id-cell").first.wait_for()


def _download(page: Page, selector: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.click(selector)
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def _outcomes_file(folder: Path, name: str, rows: list[tuple[str, str, str, str]]) -> Path:
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_umkm", "didampingi", "go_digital", "tanggal"])
        writer.writerows(rows)
    return path


@dataclass(frozen=True)
class OutcomesSending:
    """An outcomes file the page sent: checked only (`dry_run`) or to be recorded, and its key."""

    dry_run: bool
    idempotency_key: str | None


def _outcomes_sendings(page: Page) -> list[OutcomesSending]:
    """The outcomes files the page sends from now on, in order, seen on their way out (a
    route: the request event of a body with a file carries none of it) and sent on as they
    were."""
    sent: list[OutcomesSending] = []

    def seen(route: Route) -> None:
        request = route.request
        checked = b'name="dry_run"\r\n\r\ntrue\r\n' in (request.post_data_buffer or b"")
        sent.append(OutcomesSending(checked, request.headers.get("idempotency-key")))
        route.continue_()

    page.route("**/v1/outcomes/upload", seen)
    return sent


def _assert_success_notice(page: Page, selector: str) -> None:
    """A confirmation as a visible success notice (a box, not grey small print) that screen
    readers announce."""
    notice = page.locator(selector)
    assert notice.get_attribute("role") == "status" and notice.is_visible()
    style = notice.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return [s.backgroundColor, s.borderLeftWidth, s.fontWeight, s.color]; }"
    )
    background, border, weight, color = style
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), style
    assert float(border.removesuffix("px")) >= 3 and int(weight) >= 600, style
    assert color != "rgb(91, 103, 117)", style  # not the muted grey of help text


def _record_outcomes(page: Page, path: Path) -> str:
    page.set_input_files("#outcomes-file", str(path))
    page.evaluate("document.getElementById('outcomes-result').textContent = ''")
    page.click("#outcomes-submit")
    page.locator("#outcomes-result:not(:empty), " + OUTCOMES_ERROR).first.wait_for(
        timeout=RESULT_TIMEOUT_MS
    )
    page.locator("#outcomes-submit:not([disabled])").wait_for(state="attached")
    return page.inner_text("#outcomes-result")


def test_a_list_issued_on_the_page_is_there_after_a_restart(
    issued: IssuedOnPage,
    registered_model: RegisteredModel,
    restarted_page: Page,
    tmp_path: Path,
) -> None:
    model = f"{registered_model.name} v{registered_model.version}"
    before = issued.row_cells
    assert model in before and issued.filename in before and f"{SLOTS} / {SLOTS}" in before

    page = restarted_page
    assert page.locator(ISSUED_ROWS).count() == 1
    after = page.locator(f"{ISSUED_ROWS} td").all_inner_texts()
    assert after[:6] == before[:6]  # number, date, model, slots, file, outcomes
    assert page.inner_text("#outcomes-list option").endswith(issued.filename)

    _open_first_list(page)
    shown = page.locator("#list tbody td.id-cell").all_inner_texts()
    assert sorted(shown) == sorted(issued.selected_ids)
    assert page.evaluate("document.activeElement.id") == "result-title"
    assert "dibuka kembali" in page.inner_text("#announce")

    saved = _download(page, "#download-csv-selected", tmp_path)
    assert saved.exists() and saved.suffix == ".csv"
    lines = list(csv.reader(saved.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    body = [line for line in lines[1:] if any(line)]
    assert len(body) >= SLOTS
    text = saved.read_text(encoding="utf-8-sig")
    assert all(msme_id in text for msme_id in issued.selected_ids)
    workbook = _download(page, "#download-xlsx", tmp_path)
    assert workbook.suffix == ".xlsx" and workbook.stat().st_size > 0


def test_a_language_switch_rewords_the_list_on_screen_and_records_nothing(
    issued: IssuedOnPage, restarted: LiveServer, restarted_page: Page
) -> None:
    """Switching to English rereads the recorded list (sending its file again would record a
    second list with another draw); the list's number and its drawn slot are shown."""
    page = restarted_page

    def recorded() -> list[str]:
        answer = httpx.get(f"{restarted.url}/v1/lists", headers={"X-API-Key": restarted.key})
        return [item["list_id"] for item in answer.json()["items"]]

    before = recorded()
    _open_first_list(page)
    number = page.locator(f"{ISSUED_ROWS} td").first.inner_text()
    assert len(number) == 8 and any(list_id.startswith(number) for list_id in before)
    # That it is recorded, and its number, is a success notice of its own above the notes.
    page.locator("#recorded-notice", has_text=f"nomor {number}").wait_for()
    _assert_success_notice(page, "#recorded-notice")
    # One note a line, each a sentence, in the page's words (no API field such as only_beneficial).
    notes = page.inner_text("#notes").splitlines()
    assert notes and all(note.endswith(".") for note in notes), notes
    assert any(note.startswith("Undian acak:") for note in notes) and "_" not in "".join(notes)
    assert "seed" not in "".join(notes).lower() and "nomor undian" in "".join(notes)
    assert page.locator("#list tbody .drawn").all_inner_texts() == ["diundi"]  # 10% of 10
    # Reopened, the list still says what it was built with.
    assert page.inner_text("#result-options").startswith(f"Dibuat dengan: {SLOTS} slot")

    choose_language(page, "en")
    # The page rewords its own labels at once and the list's words when the reread answers:
    # wait for those (the settings line is the server's `understood`, in the new language).
    page.locator("#result-options", has_text=f"Built with: {SLOTS} slots").wait_for(
        timeout=RESULT_TIMEOUT_MS
    )
    page.locator("#recorded-notice", has_text=f"number {number}").wait_for(
        timeout=RESULT_TIMEOUT_MS
    )
    assert page.locator("#list tbody .drawn").all_inner_texts() == ["drawn at random"]
    assert any(line.startswith("Random draw:") for line in page.inner_text("#notes").splitlines())
    shown = page.locator("#list tbody td.id-cell").all_inner_texts()
    assert sorted(shown) == sorted(issued.selected_ids)
    assert recorded() == before


def test_the_lists_issued_show_the_slots_filled_of_those_asked_for(
    page: Page, live_server: LiveServer, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    """A file with fewer eligible MSMEs than slots: the table says "filled / asked"."""
    from data.contract import PROFILE_COLUMNS
    from data.writing import write_table

    frame = registered_model.candidates[[spec.name for spec in PROFILE_COLUMNS]].head(6)
    path = write_table(frame.reset_index(drop=True), tmp_path / "kandidat_sedikit.csv")
    enter_key(page, live_server.key)
    upload(page, path, 50)
    filled = page.locator("#list tbody td.id-cell").count()
    assert 0 < filled <= 6
    newest = page.locator(f"{ISSUED_ROWS} td", has_text="kandidat_sedikit.csv").first
    newest.wait_for()
    header = page.locator("#issued-table thead th").nth(3)
    slots = page.locator(f"{ISSUED_ROWS}").first.locator("td").nth(3)
    assert header.inner_text() == "Slot terisi / diminta"
    assert slots.inner_text() == f"{filled} / 50"
    choose_language(page, "en")
    assert header.inner_text() == "Slots filled / asked"
    page.locator(f"{ISSUED_ROWS} td", has_text=f"{filled} / 50").first.wait_for()


def test_outcomes_posted_twice_are_stored_once(
    issued: IssuedOnPage, registered_model: RegisteredModel, restarted_page: Page, tmp_path: Path
) -> None:
    page = restarted_page
    today = f"{dt.datetime.now(dt.UTC).date():%d/%m/%Y}"  # the list was issued today
    rows = [
        (msme_id, "ya" if i % 2 == 0 else "tidak", "ya" if i % 3 == 0 else "tidak", today)
        for i, msme_id in enumerate(issued.selected_ids)
    ]
    n = len(rows)
    path = _outcomes_file(tmp_path, "hasil_pendampingan.csv", rows)
    # The file picker is the page's own, as the candidates' (not the browser's English words).
    assert page.inner_text("label[for='outcomes-file']") == "Pilih berkas…"
    assert page.inner_text("#outcomes-file-name") == "Belum ada berkas dipilih."

    first = _record_outcomes(page, path)
    assert page.inner_text("#outcomes-file-name").startswith("hasil_pendampingan.csv (")
    assert first.startswith(f"{n} baru, 0 berubah, 0 tetap"), first
    assert f"{n} hasil" in first
    # Said where the person is: the focus stays on the button (not back at the page's top), and
    # the answer is a success notice screen readers announce.
    assert page.evaluate("document.activeElement.id") == "outcomes-submit"
    _assert_success_notice(page, "#outcomes-result")
    page.locator(f"{ISSUED_ROWS} td.num:nth-child(7)", has_text=str(n)).wait_for()

    second = _record_outcomes(page, path)
    assert second.startswith(f"0 baru, 0 berubah, {n} tetap"), second
    assert f"{n} hasil" in second
    page.locator(f"{ISSUED_ROWS} td.num:nth-child(7)", has_text=str(n)).wait_for()
    assert page.locator(f"{ISSUED_ROWS} td").nth(6).inner_text() == str(n)

    bad = [*rows[:2], (rows[2][0], "mungkin", "ya", today), *rows[3:]]
    broken = _outcomes_file(tmp_path, "hasil_salah.csv", bad)
    assert _record_outcomes(page, broken) == ""
    page.locator(OUTCOMES_ERROR).wait_for()
    groups = page.locator("#outcomes-problem-groups tbody tr")
    assert page.locator("#outcomes-problem-groups").is_visible() and groups.count() == 1
    cells = groups.first.locator("td").all_inner_texts()
    # The column as the file heads it (`didampingi`), not the contract's `mentored`.
    assert cells[0] == "didampingi" and "ya/tidak" in cells[1], cells
    # The Bahasa page lists its own yes/no spelling before the English true/false.
    assert cells[1].index("ya/tidak") < cells[1].index("true/false"), cells
    assert cells[2] == "1" and cells[3] == "4", cells  # the header is row 1, the third MSME row 4
    assert page.evaluate("document.activeElement.id") == "outcomes-submit"  # a refusal too
    assert page.locator(f"{ISSUED_ROWS} td").nth(6).inner_text() == str(n)  # nothing recorded

    # An MSME the list left out, said to be mentored: recorded, with a warning naming the list.
    candidates = registered_model.candidates["msme_id"].head(CANDIDATES).astype(str)
    left_out = next(msme_id for msme_id in candidates if msme_id not in issued.selected_ids)
    other = _outcomes_file(tmp_path, "hasil_lain.csv", [*rows, (left_out, "ya", "tidak", today)])
    third = _record_outcomes(page, other)
    assert third.startswith(f"1 baru, 0 berubah, {n} tetap"), third
    number = issued.row_cells[0]
    assert f"tidak dipilih daftar {number}" in third, third
    assert page.locator("#outcomes-result .outcomes-warning").count() == 1


def test_a_refused_outcomes_file_shows_every_problem_by_row_and_downloads_them(
    issued: IssuedOnPage, restarted_page: Page, tmp_path: Path
) -> None:
    """As a refused candidates file: every problem by its spreadsheet row (the header is row 1),
    the repeated ones grouped, every one in the file the download button gives; a language
    switch rewords them; nothing is recorded."""
    from openpyxl import load_workbook

    page = restarted_page
    today = f"{dt.datetime.now(dt.UTC).date():%d/%m/%Y}"
    rows = [(msme_id, "ya", "tidak", today) for msme_id in issued.selected_ids]
    for index in (1, 3, 5):
        rows[index] = (rows[index][0], "mungkin", "tidak", today)
    rows[6] = (rows[6][0], "ya", "tidak", "31/02/2026")
    rows[8] = ("BUKAN-ANGGOTA", "ya", "tidak", today)
    expected = [
        ("3", "didampingi"),
        ("5", "didampingi"),
        ("7", "didampingi"),
        ("8", "tanggal"),
        ("10", "id_umkm"),
    ]
    recorded = page.locator(f"{ISSUED_ROWS} td").nth(6).inner_text()
    path = _outcomes_file(tmp_path, "hasil_banyak_salah.csv", rows)
    sendings = _outcomes_sendings(page)
    assert _record_outcomes(page, path) == ""
    page.locator(OUTCOMES_ERROR).wait_for()
    assert page.inner_text("#outcomes-error-message").startswith("Berkas ditolak: 5 masalah")
    assert page.locator("#error-box").is_hidden()  # the candidates' refusal box stays as it was

    table = page.locator("#outcomes-problems tbody tr")
    shown = [tuple(row.locator("td").all_inner_texts()) for row in table.all()]
    assert [(row, column) for row, column, _, _ in shown] == expected
    assert all(reason and fix for _, _, reason, fix in shown), shown
    assert "ya/tidak" in shown[0][2] and "BUKAN-ANGGOTA" in shown[4][2]
    groups = page.locator("#outcomes-problem-groups tbody tr")
    assert groups.count() == 3
    first = groups.first.locator("td").all_inner_texts()
    assert (first[0], first[2], first[3]) == ("didampingi", "3", "3, 5, 7")

    saved = _download(page, "#outcomes-problems-csv", tmp_path)
    assert saved.name.startswith("masalah-berkas-") and saved.suffix == ".csv"
    lines = list(csv.reader(saved.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert lines[0] == ["Baris", "Kolom", "Masalah", "Cara memperbaiki"]
    assert [tuple(line) for line in lines[1:]] == shown
    workbook = _download(page, "#outcomes-problems-xlsx", tmp_path)
    sheet = load_workbook(workbook).worksheets[0]
    assert [str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        row for row, _ in expected
    ]

    choose_language(page, "en")  # the service words the problems again, in English
    page.locator("#outcomes-error-message", has_text="File refused: 5 problems").wait_for(
        timeout=RESULT_TIMEOUT_MS
    )
    english = [tuple(row.locator("td").all_inner_texts()) for row in table.all()]
    assert [(row, column) for row, column, _, _ in english] == expected
    assert english[0][2].startswith("value") and english[0][2] != shown[0][2]
    headers = page.locator("#outcomes-problems thead th").all_inner_texts()
    assert headers == ["Row", "Column", "Problem", "How to fix"]
    assert page.locator(f"{ISSUED_ROWS} td").nth(6).inner_text() == recorded  # nothing recorded
    # The switch sent the file to be checked only, without a key: a switch never records.
    assert sendings[0].dry_run is False and sendings[0].idempotency_key is not None
    assert sendings[1:] == [OutcomesSending(dry_run=True, idempotency_key=None)]


@pytest.mark.parametrize("language", ["id", "en"])
def test_axe_finds_nothing_serious_in_the_lists_and_outcomes_sections(
    restarted_page: Page, tmp_path: Path, language: str
) -> None:
    page = restarted_page
    if language == "en":
        choose_language(page, "en")
    _open_first_list(page)
    assert page.locator("#issued-wrap").is_visible()
    assert page.locator("#outcomes-form").is_visible()
    assert _serious_violations(page) == []
    page.set_input_files(
        "#outcomes-file", str(_outcomes_file(tmp_path, "x.csv", [("?", "mungkin", "", "")]))
    )
    page.click("#outcomes-submit")
    page.locator(OUTCOMES_ERROR).wait_for(timeout=RESULT_TIMEOUT_MS)
    assert _serious_violations(page) == []


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


def _shifted_profiles(registered_model: RegisteredModel, count: int) -> list[dict[str, Any]]:
    """Offline candidates made richer, older and without smartphones."""
    from data.contract import PROFILE_COLUMNS

    frame = registered_model.candidates[[spec.name for spec in PROFILE_COLUMNS]]
    profiles: list[dict[str, Any]] = json.loads(frame.to_json(orient="records"))
    offline = [p for p in profiles if p.get("digital_status") != "digital"][:count]
    return [
        p
        | {
            "monthly_revenue_idr": min((p["monthly_revenue_idr"] or 1e6) * 20, 9e9),
            "owner_age": 90,
            "has_smartphone": False,
        }
        for p in offline
    ]


def test_the_drift_warning_shows_after_a_shifted_population_is_scored(
    browser: Browser, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    from models.drift import MIN_ROWS_FOR_STATUS

    shifted = _shifted_profiles(registered_model, 2 * MIN_ROWS_FOR_STATUS)
    assert len(shifted) >= MIN_ROWS_FOR_STATUS
    # A server of its own: drift is counted per served model since it loaded.
    database_url = f"sqlite:///{tmp_path / 'umkm.db'}"
    with serve(registered_model, database_url) as server, open_page(browser, server.url) as page:
        enter_key(page, server.key)
        page.locator("#issued-empty:not([hidden])").wait_for()
        headers = {"X-API-Key": server.key}
        drift = httpx.get(f"{server.url}/v1/model", headers=headers).json()["drift"]
        assert drift["status"] == "collecting"
        page.reload()
        page.wait_for_load_state("networkidle")  # the page has asked /v1/model
        assert page.locator("#drift-warning").is_hidden()

        response = httpx.post(
            f"{server.url}/v1/scores", json={"msmes": shifted}, headers=headers, timeout=60
        )
        assert response.status_code == 200, response.text
        drift = httpx.get(f"{server.url}/v1/model", headers=headers).json()["drift"]
        assert drift["status"] == "major", drift

        page.reload()
        warning = page.locator("#drift-warning")
        warning.wait_for(state="visible")
        assert page.inner_text("#drift-title").startswith("UMKM yang dinilai belakangan ini")
        assert "indeks stabilitas populasi di atas 0,25" in page.inner_text("#drift-text")
        assert warning.get_attribute("role") == "alert"
        choose_language(page, "en")
        assert "population stability index" in page.inner_text("#drift-text").lower()


def test_a_wrong_key_says_so_where_the_lists_should_be(
    browser: Browser, restarted: LiveServer
) -> None:
    with open_page(browser, restarted.url) as page:
        enter_key(page, "not-the-key")
        page.locator("#issued-status", has_text="tidak menerima kunci API ini").wait_for()
        assert page.locator("#issued-empty").is_hidden()  # not "no list yet" as well


class AnswerLostOnce:
    """ASGI middleware: the first answer of `POST /v1/lists/upload`, and the first of
    `POST /v1/outcomes/upload`, is lost on the way back (its head leaves with the body's length,
    the body never does, the connection drops), after the app has recorded what was sent."""

    PATHS = frozenset({"/v1/lists/upload", "/v1/outcomes/upload"})

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.dropped: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path")
        if scope["type"] != "http" or path not in self.PATHS or path in self.dropped:
            await self.app(scope, receive, send)
            return
        self.dropped.add(path)

        async def head_only(message: Message) -> None:
            if message["type"] == "http.response.start":
                await send(message)

        await self.app(scope, receive, head_only)
        raise ConnectionResetError("the answer was lost on the way (a test's fault)")


def test_an_upload_whose_answer_was_lost_is_not_recorded_twice(
    browser: Browser, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    """The list is recorded but its answer never reaches the page: the page says the service
    could not be reached, and building the same file again shows that list instead of
    recording a second one (the same Idempotency-Key); other settings make a new list. The same
    for an outcomes file: sent again after a correction made meanwhile, it is answered as the
    first time and the correction stands."""
    from data.contract import PROFILE_COLUMNS
    from data.writing import write_table

    frame = registered_model.candidates[[spec.name for spec in PROFILE_COLUMNS]].head(CANDIDATES)
    path = write_table(frame.reset_index(drop=True), tmp_path / "kandidat_putus.csv")
    keys: list[str | None] = []
    outcome_keys: list[str | None] = []
    database_url = f"sqlite:///{tmp_path / 'umkm.db'}"
    with (
        serve(registered_model, database_url, wrap=AnswerLostOnce) as server,
        open_page(browser, server.url) as page,
    ):

        def recorded() -> list[str]:
            answer = httpx.get(f"{server.url}/v1/lists", headers={"X-API-Key": server.key})
            return [item["list_id"] for item in answer.json()["items"]]

        page.on(
            "request",
            lambda request: (
                keys.append(request.headers.get("idempotency-key"))
                if request.url.endswith("/v1/lists/upload")
                else outcome_keys.append(request.headers.get("idempotency-key"))
                if request.url.endswith("/v1/outcomes/upload")
                else None
            ),
        )
        enter_key(page, server.key)
        upload(page, path, SLOTS, wait_for="#error-box:not([hidden])")
        assert "tidak akan dicatat dua kali" in page.inner_text("#error-box")
        [first] = recorded()  # recorded, though the page never heard of it

        upload(page, path, SLOTS)
        assert page.locator("#list tbody td.id-cell").count() == SLOTS
        assert recorded() == [first]
        assert keys[0] is not None and keys[1] == keys[0]
        page.locator(ISSUED_ROWS).first.wait_for()
        assert first.startswith(page.locator(f"{ISSUED_ROWS} td").first.inner_text())

        upload(page, path, SLOTS - 1)  # other settings: a new list, with a new key
        assert len(recorded()) == 2
        assert len(set(keys)) == 2

        # Outcomes for the newest list: the answer is lost, a correction is made meanwhile
        # through the API, and the page sends the same file again.
        newest = recorded()[0]
        ids = page.locator("#list tbody td.id-cell").all_inner_texts()
        today = f"{dt.datetime.now(dt.UTC).date():%d/%m/%Y}"
        outcomes = _outcomes_file(
            tmp_path, "hasil_putus.csv", [(msme_id, "ya", "tidak", today) for msme_id in ids]
        )
        page.select_option("#outcomes-list", newest)
        assert _record_outcomes(page, outcomes) == ""
        assert "tidak akan dicatat dua kali" in page.inner_text("#outcomes-error")
        auth = {"X-API-Key": server.key}
        correction = {"list_id": newest, "msme_id": ids[0], "mentored": True, "digitalized": True}
        fixed = httpx.post(
            f"{server.url}/v1/outcomes", json={"outcomes": [correction]}, headers=auth
        )
        assert fixed.json()["updated"] == 1, fixed.text

        again = _record_outcomes(page, outcomes)
        assert again.startswith(f"{len(ids)} baru, 0 berubah, 0 tetap"), again  # the first answer
        assert outcome_keys[0] is not None and outcome_keys == [outcome_keys[0]] * 2
        read = httpx.get(f"{server.url}/v1/lists/{newest}/outcomes", headers=auth).json()
        digital = {item["msme_id"]: item["digitalized"] for item in read["items"]}
        assert digital[ids[0]] is True and sum(digital.values()) == 1  # the correction stands


class SentDaysEarlierOnce:
    """ASGI middleware: the first outcomes file reaches the app with the dates `written` as
    `later` (as long): the file as the service saw it days earlier, when they were later than
    tomorrow. The days between are not waited for."""

    PATH = "/v1/outcomes/upload"

    def __init__(self, app: ASGIApp, written: str, later: str) -> None:
        self.app = app
        self.written, self.later = written.encode(), later.encode()
        self.done = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") != self.PATH or self.done:
            await self.app(scope, receive, send)
            return
        self.done = True
        chunks: list[bytes] = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        body = b"".join(chunks).replace(self.written, self.later)
        given = False

        async def dated_later() -> Message:
            nonlocal given
            if given:
                return await receive()
            given = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, dated_later, send)


def test_a_language_switch_never_records_a_refused_outcomes_file_that_now_passes(
    browser: Browser, registered_model: RegisteredModel, tmp_path: Path
) -> None:
    """A file refused only for a date later than tomorrow passes days later. A language switch
    sends it to be checked only (`dry_run`, no key): the page says it passes and is not
    recorded yet, the old problems go, and nothing is recorded until *Catat hasil*."""
    from data.contract import PROFILE_COLUMNS
    from data.writing import write_table

    frame = registered_model.candidates[[spec.name for spec in PROFILE_COLUMNS]].head(8)
    path = write_table(frame.reset_index(drop=True), tmp_path / "kandidat_cek.csv")
    today = dt.datetime.now(dt.UTC).date()
    written, later = f"{today:%d/%m/%Y}", f"{today + dt.timedelta(days=3):%d/%m/%Y}"
    database_url = f"sqlite:///{tmp_path / 'umkm.db'}"
    with (
        serve(
            registered_model,
            database_url,
            wrap=lambda app: SentDaysEarlierOnce(app, written, later),
        ) as server,
        open_page(browser, server.url) as page,
    ):
        auth = {"X-API-Key": server.key}

        def stored(list_id: str) -> dict[str, bool]:
            read = httpx.get(f"{server.url}/v1/lists/{list_id}/outcomes", headers=auth).json()
            return {item["msme_id"]: item["digitalized"] for item in read["items"]}

        enter_key(page, server.key)
        upload(page, path, 3)
        ids = page.locator("#list tbody td.id-cell").all_inner_texts()
        [listed] = httpx.get(f"{server.url}/v1/lists", headers=auth).json()["items"]
        rows = [(msme_id, "ya", "ya", written) for msme_id in ids]
        outcomes = _outcomes_file(tmp_path, "hasil_cek.csv", rows)
        sendings = _outcomes_sendings(page)
        page.select_option("#outcomes-list", listed["list_id"])
        assert _record_outcomes(page, outcomes) == ""
        page.locator(OUTCOMES_ERROR).wait_for()
        shown = page.locator("#outcomes-problems tbody tr td:nth-child(2)").all_inner_texts()
        assert shown and set(shown) == {"tanggal"}, shown  # refused for its dates alone

        choose_language(page, "en")
        page.locator("#outcomes-result", has_text="now passes every check").wait_for(
            timeout=RESULT_TIMEOUT_MS
        )
        assert page.locator("#outcomes-error").is_hidden()
        assert page.locator("#outcomes-problems tbody tr").count() == 0
        assert sendings[1:] == [OutcomesSending(dry_run=True, idempotency_key=None)]
        assert stored(listed["list_id"]) == {}  # the switch recorded nothing

        choose_language(page, "id")  # the notice is the page's own: reworded, nothing sent
        assert page.inner_text("#outcomes-result") == (
            "Berkas ini kini lolos pemeriksaan dan belum dicatat. "
            "Tekan Catat hasil untuk mencatatnya."
        )
        assert len(sendings) == 2 and page.locator("#outcomes-error").is_hidden()
        # Not a success yet: a plain notice, without the tick of a recorded one.
        assert "success" not in (page.get_attribute("#outcomes-result", "class") or "")

        recorded = _record_outcomes(page, outcomes)  # *Catat hasil* records, as always
        assert recorded.startswith(f"{len(ids)} baru, 0 berubah, 0 tetap"), recorded
        assert sendings[2].dry_run is False and sendings[2].idempotency_key is not None
        assert stored(listed["list_id"]) == dict.fromkeys(ids, True)
        assert "success" in (page.get_attribute("#outcomes-result", "class") or "")
