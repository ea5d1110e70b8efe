"""A recorded list reopened (`GET /v1/lists/{id}/view` and `.../export`) reads as the fresh list
did, for the same list: each MSME's spreadsheet row, each left-out MSME's reason worded with the
list's figures (and in the list's order), the cost column under the file's own name with its
number format, the constraints that shaped the list and its notes. A list recorded before the
store kept these reopens with rows shown as 0, the reasons in general words and no constraints
or notes.

The file is an Indonesian office's (`indonesian_file`): two title rows above the header, so the
rows are not the positions, and the cost in a column named `biaya pendampingan`.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from data.messages import Language, format_date
from service.web.export_files import COUNT_FORMAT
from service.web.exports import in_wib
from service.web.i18n import message
from service.web.issued import reopened_list
from service.web.lists import reason_generic
from tests.conftest import RegisteredModel
from tests.service.support import AUTH, TestClient
from tests.service.web.indonesian_file import COST_COLUMN, HEADER_ROW, cost, indonesian_excel_csv

CANDIDATES = 60
# Every constraint whose figures a reason names: quotas that fill, a budget that binds, a minimum
# share, and slots drawn at random (seeded: the same list every run). Which provinces fill and
# what binds depends on the data, so both are read from the lists the model makes without them.
EXPLORATION = {"exploration_share": 0.2, "exploration_seed": 3}


def _made(client: TestClient, frame: pd.DataFrame, options: dict[str, Any]) -> list[dict[str, Any]]:
    """The selected MSMEs of the list these options make, recorded nowhere."""
    made = client.post(
        "/v1/prioritize/upload",
        files={"file": ("usulan_umkm.csv", indonesian_excel_csv(frame))},
        data={"options": json.dumps(options), "repeat": "true"},
        headers=AUTH,
    )
    assert made.status_code == 200, made.text
    selected: list[dict[str, Any]] = made.json()["selected"]
    return selected


def _options(client: TestClient, frame: pd.DataFrame) -> dict[str, Any]:
    """Quotas one below what the model would give the provinces it picks twice or more (at
    most three; else a quota of 0 for its first pick's), and a budget 250,000 below what the
    list would cost without one (the costs differ, so cheaper MSMEs fill the slots)."""
    base = {"capacity": 12, "cost_column": COST_COLUMN, "budget": None}
    picks = Counter(str(item["province_code"]) for item in _made(client, frame, base))
    quotas = {code: count - 1 for code, count in picks.most_common(3) if count >= 2}
    if not quotas:
        quotas = {str(_made(client, frame, base)[0]["province_code"]): 0}
    shaped = base | {
        "quotas": quotas,
        "min_share": [{"column": "owner_gender", "value": "female", "share": 0.5}],
    }
    row_of = {msme_id: n for n, msme_id in enumerate(frame["msme_id"], start=1)}
    spent = sum(cost(row_of[item["msme_id"]]) for item in _made(client, frame, shaped))
    budget = spent - 250_000
    assert budget >= 12 * cost(0)  # the cheapest fill the slots within it
    return shaped | {"budget": budget} | EXPLORATION


def _headers(language: Language) -> dict[str, str]:
    return AUTH | {"Accept-Language": language}


def _fresh_and_reopened(
    client: TestClient, frame: pd.DataFrame, language: Language
) -> tuple[dict[str, Any], dict[str, Any]]:
    made = client.post(
        "/v1/lists/upload",
        files={"file": ("usulan_umkm.csv", indonesian_excel_csv(frame))},
        data={"options": json.dumps(_options(client, frame)), "repeat": "true"},
        headers=_headers(language),
    )
    assert made.status_code == 200, made.text
    fresh: dict[str, Any] = made.json()
    view = client.get(f"/v1/lists/{fresh['list_id']}/view", headers=_headers(language))
    assert view.status_code == 200, view.text
    reopened: dict[str, Any] = view.json()
    return fresh, reopened


def _exports(
    client: TestClient, fresh: dict[str, Any], language: Language, fmt: str, part: str
) -> tuple[bytes, bytes]:
    """The fresh list's export (POST /v1/lists/export) and the recorded one's (GET)."""
    before = client.post(
        f"/v1/lists/export?format={fmt}&part={part}", json=fresh, headers=_headers(language)
    )
    after = client.get(
        f"/v1/lists/{fresh['list_id']}/export?format={fmt}&part={part}",
        headers=_headers(language),
    )
    assert before.status_code == after.status_code == 200, after.text
    return before.content, after.content


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def frame(candidate_frame: pd.DataFrame, registered_model: RegisteredModel) -> pd.DataFrame:
    """The first candidates, with two the session model expects no gain from among them, so
    that a gain <= 0 is there to word whatever the model learnt."""
    from models.pyfunc import load_uplift_model

    model = load_uplift_model(registered_model.model_uri)
    uplift = model.predict(candidate_frame)["uplift"].to_numpy(float)
    harmless = np.flatnonzero(uplift <= 0)[:2]
    assert len(harmless) == 2, "the session model expects a gain from nearly every candidate"
    rows = sorted({*range(CANDIDATES - 2), *harmless.tolist()})
    return candidate_frame.iloc[rows].reset_index(drop=True)


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_reopened_list_shows_each_msmes_row_in_the_file(
    client: TestClient, frame: pd.DataFrame, language: Language
) -> None:
    fresh, reopened = _fresh_and_reopened(client, frame, language)
    # How the file was read is stated alike: its header on row 3, semicolons, 1.500.000,5.
    assert fresh["source"]["header_row"] == HEADER_ROW
    assert reopened["source"] == fresh["source"]
    # The file's n-th MSME is on spreadsheet row header + n (two title rows above the header).
    expected = {msme_id: HEADER_ROW + n for n, msme_id in enumerate(frame["msme_id"], start=1)}
    for part in ("selected", "not_selected"):
        fresh_rows = {item["msme_id"]: item["row"] for item in fresh[part]}
        assert fresh_rows == {msme_id: expected[msme_id] for msme_id in fresh_rows}
        assert [(item["msme_id"], item["row"]) for item in reopened[part]] == [
            (item["msme_id"], item["row"]) for item in fresh[part]
        ], part
    for part in ("selected", "not_selected"):
        before, after = _exports(client, fresh, language, "csv", part)
        assert _csv(after) == _csv(before), part


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_reopened_list_words_each_reason_with_the_lists_figures(
    client: TestClient, frame: pd.DataFrame, language: Language
) -> None:
    fresh, reopened = _fresh_and_reopened(client, frame, language)
    codes = Counter(item["reason_code"] for item in fresh["not_selected"])
    # The figures are there to word: a quota that filled, a cutoff, a gain <= 0 (an MSME the
    # draw passed by has the model's reason; `not_drawn`, when every slot is drawn, is reworded
    # from the store in tests/service/test_recorded_reasons.py).
    assert {"province_quota_full", "below_rank_cutoff", "not_beneficial"} <= set(codes), codes
    assert "not_drawn" not in codes
    fresh_reasons = [(i["msme_id"], i["reason_code"], i["reason"]) for i in fresh["not_selected"]]
    reopened_reasons = [
        (i["msme_id"], i["reason_code"], i["reason"]) for i in reopened["not_selected"]
    ]
    assert reopened_reasons == fresh_reasons  # the same words, in the list's order
    for code in ("province_quota_full", "below_rank_cutoff", "not_beneficial"):
        figured = {reason for _, found, reason in reopened_reasons if found == code}
        assert reason_generic(code, language) not in figured, code
    assert reopened["summary"]["not_selected_reasons"] == fresh["summary"]["not_selected_reasons"]

    before, after = _exports(client, fresh, language, "csv", "not_selected")
    assert _csv(after) == _csv(before)
    reason_header = message(language, "col.reason")
    rows = _csv(after)
    shown = [row[rows[0].index(reason_header)] for row in rows[1:]]
    assert shown == [reason for _, _, reason in fresh_reasons]


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_reopened_list_formats_the_cost_column_under_its_own_name(
    client: TestClient, frame: pd.DataFrame, language: Language
) -> None:
    fresh, reopened = _fresh_and_reopened(client, frame, language)
    assert fresh["options"]["cost_column"] == COST_COLUMN
    assert reopened["options"] == fresh["options"]
    for part in ("selected", "not_selected"):
        before, after = _exports(client, fresh, language, "csv", part)
        assert _csv(after) == _csv(before), part

    before, after = _exports(client, fresh, language, "xlsx", "all")
    fresh_book, reopened_book = (load_workbook(io.BytesIO(content)) for content in (before, after))
    for fresh_sheet, reopened_sheet in zip(
        fresh_book.worksheets[:2], reopened_book.worksheets[:2], strict=True
    ):
        header = [cell.value for cell in fresh_sheet[1]]
        column = header.index(COST_COLUMN) + 1
        costs = [
            (cell.value, cell.number_format)
            for (cell,) in reopened_sheet.iter_rows(min_row=2, min_col=column, max_col=column)
        ]
        assert costs == [
            (cell.value, cell.number_format)
            for (cell,) in fresh_sheet.iter_rows(min_row=2, min_col=column, max_col=column)
        ]
        assert {number_format for _, number_format in costs} == {COUNT_FORMAT}
    summary = {row[0].value: row[1].value for row in reopened_book.worksheets[2].iter_rows()}
    assert summary[message(language, "export.cost_column")] == COST_COLUMN
    # The share drawn at random and the seed that redoes the draw, as the fresh list had them.
    for book in (fresh_book, reopened_book):
        cells = {row[0].value: row[1] for row in book.worksheets[2].iter_rows()}
        share = cells[message(language, "export.exploration_share")]
        assert (share.value, share.number_format) == (0.2, "0%")
        assert cells[message(language, "export.exploration_seed")].value == "3"


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_reopened_list_says_which_constraints_shaped_it_and_keeps_its_notes(
    client: TestClient, frame: pd.DataFrame, language: Language
) -> None:
    fresh, reopened = _fresh_and_reopened(client, frame, language)
    # The quotas, the budget and the minimum share all shaped this list; a gain <= 0 is noted.
    kinds = {item["kind"] for item in fresh["binding_constraints"]}
    assert len(fresh["binding_constraints"]) >= 2 and fresh["notes"], fresh["notes"]
    assert reopened["binding_constraints"] == fresh["binding_constraints"], kinds
    assert reopened["notes"] == fresh["notes"]
    # What the list was built with, as the page read it when it was made ("Built with: ...").
    budget = fresh["options"]["budget"]
    built_with = {
        "id": {
            "capacity": "12 slot",
            "budget": f"Rp {budget:,.0f}".replace(",", "."),
            "min_share.0": "50%",
        },
        "en": {"capacity": "12 slots", "budget": f"Rp {budget:,.0f}", "min_share.0": "50%"},
    }
    assert built_with[language].items() <= reopened["understood"].items()
    assert {key for key in reopened["understood"] if key.startswith("quotas.")} == {
        f"quotas.{code}" for code in fresh["options"]["quotas"]
    }
    # Worded in the reader's language: the English words are not the Bahasa ones.
    other: Language = "en" if language == "id" else "id"
    elsewhere = client.get(f"/v1/lists/{fresh['list_id']}/view", headers=_headers(other)).json()
    assert [i["message"] for i in elsewhere["binding_constraints"]] != [
        i["message"] for i in reopened["binding_constraints"]
    ]
    assert [(i["kind"], i["name"]) for i in elsewhere["binding_constraints"]] == [
        (i["kind"], i["name"]) for i in reopened["binding_constraints"]
    ]
    # The workbook's summary sheet names them too, as the fresh one did.
    before, after = _exports(client, fresh, language, "xlsx", "all")
    summaries = [
        {row[0].value: row[1:] for row in load_workbook(io.BytesIO(book)).worksheets[2].iter_rows()}
        for book in (before, after)
    ]
    source = message(language, "export.source")
    assert [cell.value for cell in summaries[1][source]] == [
        cell.value for cell in summaries[0][source]
    ]
    label = message(language, "export.binding")
    named = [
        [row[1].value for row in load_workbook(io.BytesIO(book)).worksheets[2].iter_rows()
         if row[0].value == label]
        for book in (before, after)
    ]  # fmt: skip
    assert named[1] == named[0] == [item["message"] for item in fresh["binding_constraints"]]


def test_a_list_recorded_with_rows_but_not_how_its_file_was_read_still_knows_its_header_row(
    client: TestClient, frame: pd.DataFrame
) -> None:
    """Lists recorded between store revision 0004 and `options.source_read` kept each MSME's
    row: the header is the row above the first (the page takes only files whose rows are all
    valid), not row 1."""
    fresh, _ = _fresh_and_reopened(client, frame, "id")
    store = client.app.state.program_store  # type: ignore[attr-defined]
    issued = store.get_list(fresh["list_id"])
    assert issued.options["source_read"]["header_row"] == HEADER_ROW
    older = dataclasses.replace(
        issued, options={k: v for k, v in issued.options.items() if k != "source_read"}
    )
    source = reopened_list(older, None, "id").source
    assert (source.header_row, source.first_data_row) == (HEADER_ROW, HEADER_ROW + 1)
    assert source.delimiter is None  # not known: not stated


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_list_recorded_before_the_store_kept_rows_and_figures_reopens_in_general_words(
    client: TestClient, frame: pd.DataFrame, language: Language
) -> None:
    fresh, _ = _fresh_and_reopened(client, frame, language)
    list_id = fresh["list_id"]
    store = client.app.state.program_store  # type: ignore[attr-defined]
    with store.engine.begin() as connection:  # as revision 0003 left it
        connection.execute(
            text(
                "UPDATE issued_lists SET reason_figures = NULL, explanation = NULL WHERE id = :id"
            ),
            {"id": list_id},
        )
        connection.execute(
            text(
                "UPDATE listed_msmes SET source_row = NULL, reason_wording = NULL "
                "WHERE list_id = :id"
            ),
            {"id": list_id},
        )

    view = client.get(f"/v1/lists/{list_id}/view", headers=_headers(language))
    assert view.status_code == 200, view.text
    reopened = view.json()
    assert {item["row"] for item in reopened["selected"] + reopened["not_selected"]} == {0}
    assert reopened["binding_constraints"] == [] and reopened["notes"] == []
    assert [(i["msme_id"], i["reason"]) for i in reopened["not_selected"]] == [
        (i["msme_id"], reason_generic(i["reason_code"], language)) for i in fresh["not_selected"]
    ]
    exported = client.get(
        f"/v1/lists/{list_id}/export?format=csv&part=not_selected", headers=_headers(language)
    )
    assert exported.status_code == 200, exported.text


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_reopened_list_keeps_its_reasons_without_the_model_that_made_it(
    client: TestClient, frame: pd.DataFrame, language: Language
) -> None:
    """The factors each selected MSME was shown with are kept (store revision 0007): the list
    reopens with the same reasons, worded in the reader's language, when no model is loaded
    or another one serves; a list recorded without them is explained again by the model that
    made it, and has none under another."""
    fresh, reopened = _fresh_and_reopened(client, frame, language)
    store = client.app.state.program_store  # type: ignore[attr-defined]
    issued = store.get_list(fresh["list_id"])
    assert all(member.factors for member in issued.members if member.selected)
    assert [item["reasons"] for item in reopened["selected"]] == [
        item["reasons"] for item in fresh["selected"]
    ]
    other: Language = "en" if language == "id" else "id"
    without_model = reopened_list(issued, None, language).model_dump(mode="json")
    assert [item["reasons"] for item in without_model["selected"]] == [
        item["reasons"] for item in fresh["selected"]
    ]
    in_other = reopened_list(issued, None, other).model_dump(mode="json")
    codes = [[reason["code"] for reason in item["reasons"]] for item in in_other["selected"]]
    assert codes == [[reason["code"] for reason in item["reasons"]] for item in fresh["selected"]]
    texts = {reason["text"] for item in in_other["selected"] for reason in item["reasons"]}
    assert texts.isdisjoint(
        reason["text"] for item in fresh["selected"] for reason in item["reasons"]
    )

    older = dataclasses.replace(
        issued,
        members=tuple(dataclasses.replace(member, factors=None) for member in issued.members),
    )
    loaded = client.app.state.model_store.current  # type: ignore[attr-defined]
    again = reopened_list(older, loaded, language).model_dump(mode="json")
    assert [item["reasons"] for item in again["selected"]] == [
        item["reasons"] for item in fresh["selected"]
    ]
    assert all(not item.reasons for item in reopened_list(older, None, language).selected)


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_download_of_a_list_is_dated_when_it_was_issued(
    client: TestClient, frame: pd.DataFrame, language: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The summary's "made" line and the file names carry the time the store recorded, not the
    download's: the list just made and the same list reopened (a day later, here) agree."""
    fresh, _ = _fresh_and_reopened(client, frame, language)
    issued = client.app.state.program_store.get_list(fresh["list_id"])  # type: ignore[attr-defined]
    made = in_wib(issued.created_at)
    assert dt.datetime.fromisoformat(fresh["issued_at"]) == issued.created_at
    monkeypatch.setattr("service.web.exports.now", lambda: made + dt.timedelta(days=1, hours=1))
    stamp = made.strftime("%Y-%m-%d-%H%M")
    for fmt, part in (("xlsx", "all"), ("csv", "selected"), ("csv", "not_selected")):
        fresh_file = client.post(
            f"/v1/lists/export?format={fmt}&part={part}", json=fresh, headers=_headers(language)
        )
        reopened_file = client.get(
            f"/v1/lists/{fresh['list_id']}/export?format={fmt}&part={part}",
            headers=_headers(language),
        )
        names = {
            response.headers["content-disposition"] for response in (fresh_file, reopened_file)
        }
        assert len(names) == 1 and f"-{stamp}-{fresh['list_id'][:8]}" in names.pop(), fmt
        if fmt == "xlsx":
            made_cells = [
                {row[0].value: row[1].value for row in book.worksheets[2].iter_rows()}[
                    message(language, "export.made")
                ]
                for book in (
                    load_workbook(io.BytesIO(response.content))
                    for response in (fresh_file, reopened_file)
                )
            ]
            day = format_date(made.date(), language)  # 10 Januari 2026 pukul 15.04 WIB
            shown = {"id": f"{day} pukul {made:%H.%M} WIB", "en": f"{day}, {made:%H:%M} WIB"}
            assert made_cells == [shown[language]] * 2
