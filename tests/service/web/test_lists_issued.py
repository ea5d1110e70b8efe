"""The page's lists issued: a file made into a recorded list, reopened and downloaded from the
store, and outcomes uploaded against it (the same file twice stores them once)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from data.messages import WIB, Language, format_date, format_param, render
from data.outcomes_file import outcome_header
from service.web.i18n import message
from tests.service.support import AUTH, TestClient, assert_the_models_reasons, upload_outcomes
from tests.service.web.conftest import csv_bytes


def _issue(client: TestClient, content: bytes, options: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        "/v1/lists/upload",
        files={"file": ("kandidat_jabar.csv", content)},
        data={"options": json.dumps(options), "repeat": "true"},
        headers=AUTH,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _outcomes(
    client: TestClient,
    list_id: str,
    content: bytes,
    name: str = "hasil.csv",
    language: Language = "id",
) -> Any:
    return upload_outcomes(client, list_id, content, name, language)


def _day(offset: int = 0) -> dt.date:
    """Today in UTC (the day the tests' lists are issued), moved by `offset` days."""
    return dt.datetime.now(dt.UTC).date() + dt.timedelta(days=offset)


def test_a_list_made_on_the_page_is_recorded_reopened_and_downloaded(
    client: TestClient, candidates_csv: bytes
) -> None:
    made = _issue(client, candidates_csv, {"capacity": 20})
    list_id = made["list_id"]
    assert list_id
    assert sum(item["selected_by"] == "exploration" for item in made["selected"]) == 2  # 10 %
    lists = client.get("/v1/lists", headers=AUTH).json()["items"]
    issued = next(item for item in lists if item["list_id"] == list_id)
    assert issued["source_file"] == "kandidat_jabar.csv"
    assert issued["exploration_share"] == 0.1
    assert issued["selected"] == 20
    # The answer's options are those applied: the default share and the seed drawn, as recorded.
    recorded = client.get(f"/v1/lists/{list_id}", headers=AUTH).json()
    assert made["options"]["exploration_share"] == 0.1
    assert made["options"]["exploration_seed"] == recorded["options"]["exploration_seed"]
    assert isinstance(made["options"]["exploration_seed"], int)

    view = client.get(f"/v1/lists/{list_id}/view", headers=AUTH)
    assert view.status_code == 200, view.text
    reopened = view.json()
    assert reopened["list_id"] == list_id
    assert [i["msme_id"] for i in reopened["selected"]] == [i["msme_id"] for i in made["selected"]]
    assert reopened["total_expected_gain"] == pytest.approx(made["total_expected_gain"])
    assert reopened["selected"][0]["reasons"]  # same model: reasons explained again

    exported = client.get(f"/v1/lists/{list_id}/export?format=csv&part=selected", headers=AUTH)
    assert exported.status_code == 200
    assert len(exported.text.strip().splitlines()) == 21
    # Who was picked by the model and who was drawn at random (2 of 20: 10%).
    table = pd.read_csv(io.StringIO(exported.text.lstrip("\ufeff")), dtype=str)
    assert table["Dipilih oleh"].value_counts().to_dict() == {"model": 18, "undian": 2}
    drawn = {i["msme_id"] for i in made["selected"] if i["selected_by"] == "exploration"}
    assert set(table.loc[table["Dipilih oleh"] == "undian", "ID UMKM"]) == drawn
    workbook = client.get(f"/v1/lists/{list_id}/export", headers=AUTH)
    assert workbook.content[:2] == b"PK"
    # Named and dated by the list (its number, when it was made), not by the download.
    created = dt.datetime.fromisoformat(issued["created_at"]).astimezone(WIB)
    for answer in (exported, workbook):
        disposition = answer.headers["content-disposition"]
        assert f"{created:%Y-%m-%d-%H%M}-{list_id[:8]}" in disposition, disposition
    assert client.get("/v1/lists/nope/view", headers=AUTH).status_code == 404


@pytest.mark.parametrize("path", ["/v1/lists/{}/view", "/v1/lists/{}/export?format=csv"])
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("id", "Tidak ada daftar pendampingan dengan id nope."),
        ("en", "No mentoring list has id nope."),
    ],
)
def test_an_unknown_list_is_refused_in_the_pages_language(
    client: TestClient, path: str, language: str, message: str
) -> None:
    refused = client.get(path.format("nope"), headers=AUTH | {"Accept-Language": language})
    assert refused.status_code == 404
    body = refused.json()
    assert body["message"] == message
    assert body["error"] == "list_not_found"
    assert [problem["type"] for problem in body["problems"]] == ["list_not_found"]


def test_exploration_share_zero_is_recorded(client: TestClient, candidates_csv: bytes) -> None:
    made = _issue(client, candidates_csv, {"capacity": 10, "exploration_share": 0})
    assert {item["selected_by"] for item in made["selected"]} == {"model"}
    issued = client.get(f"/v1/lists/{made['list_id']}", headers=AUTH).json()
    assert issued["exploration_share"] == 0


def test_the_lists_issued_give_the_slots_asked_for_beside_those_filled(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path
) -> None:
    """Fewer eligible MSMEs than slots: the page shows "filled / asked" from this."""
    made = _issue(client, csv_bytes(candidate_frame.head(12), tmp_path), {"capacity": 50})
    lists = client.get("/v1/lists", headers=AUTH).json()["items"]
    issued = next(item for item in lists if item["list_id"] == made["list_id"])
    assert issued["capacity"] == 50
    assert issued["selected"] == len(made["selected"]) <= 12


def test_outcomes_file_twice_is_stored_once(
    client: TestClient, candidates_csv: bytes, tmp_path: Path
) -> None:
    made = _issue(client, candidates_csv, {"capacity": 5})
    ids = [item["msme_id"] for item in made["selected"]]
    frame = pd.DataFrame(
        {
            "id_umkm": ids,
            "didampingi": ["ya"] * len(ids),
            "go_digital": ["tidak", "ya", "ya", "tidak", "ya"],
            "tanggal": [f"{_day():%d/%m/%Y}"] * len(ids),
        }
    )
    content = csv_bytes(frame, tmp_path, "hasil.csv")
    first = _outcomes(client, made["list_id"], content)
    assert first.status_code == 200, first.text
    assert (first.json()["inserted"], first.json()["unchanged"]) == (5, 0)
    assert "5 baru" in first.json()["message"]
    second = _outcomes(client, made["list_id"], content).json()
    assert (second["inserted"], second["updated"], second["unchanged"]) == (0, 0, 5)
    assert second["outcomes"] == 5


def test_outcomes_file_problems_are_grouped_by_row_and_column(
    client: TestClient, candidates_csv: bytes, tmp_path: Path
) -> None:
    made = _issue(client, candidates_csv, {"capacity": 3})
    frame = pd.DataFrame(
        {
            "msme_id": ["A", "B", "C"],
            "mentored": ["ya", "mungkin", "barangkali"],
            "digitalized": ["ya", "ya", "ya"],
            "tanggal": ["2026-01-01", "2026-01-01", "kemarin"],
        }
    )
    refused = _outcomes(client, made["list_id"], csv_bytes(frame, tmp_path, "hasil.csv"))
    assert refused.status_code == 422
    groups = {(g["column"], g["count"]): g["rows"] for g in refused.json()["groups"]}
    assert groups[("mentored", 2)] == [3, 4]
    assert groups[("tanggal", 1)] == [4]  # the date column as the file heads it
    assert "bukan" in refused.json()["groups"][0]["reason"].lower() or refused.json()["groups"]


def test_outcomes_for_msmes_not_on_the_list_are_named(
    client: TestClient, candidates_csv: bytes, tmp_path: Path
) -> None:
    made = _issue(client, candidates_csv, {"capacity": 3})
    frame = pd.DataFrame(
        {
            "msme_id": ["NOT-LISTED-1"],
            "mentored": ["ya"],
            "digitalized": ["ya"],
            "date": ["2026-01-01"],
        }
    )
    refused = _outcomes(client, made["list_id"], csv_bytes(frame, tmp_path, "hasil.csv"))
    assert refused.status_code == 404
    problem = refused.json()["problems"][0]
    assert (problem["row"], problem["column"]) == (2, "msme_id")
    assert "NOT-LISTED-1" in problem["reason"]
    bahasa = frame.rename(columns={"msme_id": "id_umkm", "mentored": "didampingi"})
    refused = _outcomes(client, made["list_id"], csv_bytes(bahasa, tmp_path, "hasil.csv"))
    assert [(p["row"], p["column"]) for p in refused.json()["problems"]] == [(2, "id_umkm")]


@pytest.mark.parametrize("language", ["id", "en"])
def test_outcomes_file_problems_name_columns_as_the_file_heads_them(
    client: TestClient, candidates_csv: bytes, tmp_path: Path, language: Language
) -> None:
    made = _issue(client, candidates_csv, {"capacity": 3})
    ids = [item["msme_id"] for item in made["selected"]]
    frame = pd.DataFrame(
        {
            "ID UMKM": [ids[0], ids[0]],
            "didampingi": ["mungkin", "ya"],
            "go digital": ["ya", "ya"],
            "Tanggal": ["kemarin", f"{_day():%d/%m/%Y}"],
        }
    )

    def refused(table: pd.DataFrame) -> list[dict[str, Any]]:
        content = csv_bytes(table, tmp_path, "hasil.csv")
        answer = _outcomes(client, made["list_id"], content, language=language)
        assert answer.status_code == 422
        problems: list[dict[str, Any]] = answer.json()["problems"]
        return problems

    by_place = {(p["row"], p["column"]): p for p in refused(frame)}
    assert set(by_place) == {(2, "didampingi"), (2, "Tanggal"), (3, "ID UMKM")}
    assert "ID UMKM" in by_place[(3, "ID UMKM")]["reason"]  # a duplicate in the file's column
    assert "ya/tidak" in by_place[(2, "didampingi")]["fix"]  # how to write yes and no

    (lacking,) = refused(frame.drop(columns=["go digital"]))
    missing = "go_digital" if language == "id" else "digitalized"  # as a file in the language
    assert (lacking["row"], lacking["column"]) == (None, missing)
    assert f'"{missing}"' in lacking["fix"]  # add the column, spelled so


# The page's refusal of a date in the future: message, reason and fix, by language.
FUTURE_FILE = {
    "id": (
        "1 tanggal tidak mungkin benar, disebutkan di bawah; tidak ada hasil yang dicatat.",
        "{date} ada di masa depan",
        "paling lambat {latest}",
    ),
    "en": (
        "1 date cannot be right, named below; no outcome was recorded.",
        "{date} is in the future",
        "no later than {latest}",
    ),
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_an_outcomes_file_dated_in_the_future_is_refused_by_row(
    client: TestClient, candidates_csv: bytes, tmp_path: Path, language: Language
) -> None:
    made = _issue(client, candidates_csv, {"capacity": 3})
    ids = [item["msme_id"] for item in made["selected"]]
    future = _day(3)
    frame = pd.DataFrame(
        {
            "id_umkm": ids,
            "didampingi": ["ya"] * 3,
            "go_digital": ["ya", "tidak", "ya"],
            "tanggal": [f"{_day():%d/%m/%Y}", f"{future:%d/%m/%Y}", _day(1).isoformat()],
        }
    )
    refused = _outcomes(
        client, made["list_id"], csv_bytes(frame, tmp_path, "hasil.csv"), language=language
    )

    assert refused.status_code == 422, refused.text
    body = refused.json()
    message, reason, fix = FUTURE_FILE[language]
    assert (body["error"], body["message"]) == ("invalid_outcome_dates", message)
    (problem,) = body["problems"]
    assert (problem["row"], problem["column"]) == (3, "tanggal")
    assert reason.format(date=format_date(future, language)) in problem["reason"]
    assert fix.format(latest=format_date(_day(1), language)) in problem["fix"]
    assert ids[1] not in problem["reason"]  # the row names the MSME; no other cell is repeated
    assert [(g["column"], g["rows"]) for g in body["groups"]] == [("tanggal", [3])]
    issued = client.get(f"/v1/lists/{made['list_id']}", headers=AUTH).json()
    assert issued["outcomes"]["outcomes"] == 0  # the whole file, not only row 3


def test_an_outcomes_file_observed_before_mentoring_or_before_the_list_is_refused(
    client: TestClient, candidates_csv: bytes, tmp_path: Path
) -> None:
    made = _issue(client, candidates_csv, {"capacity": 3})
    ids = [item["msme_id"] for item in made["selected"]]
    frame = pd.DataFrame(
        {
            "id_umkm": ids,
            "didampingi": ["ya"] * 3,
            "go_digital": ["ya", "tidak", "ya"],
            "tanggal_pendampingan": [_day(-20).isoformat(), _day().isoformat(), ""],
            "tanggal": [_day().isoformat(), _day(-1).isoformat(), _day().isoformat()],
        }
    )
    refused = _outcomes(
        client, made["list_id"], csv_bytes(frame, tmp_path, "hasil.csv"), language="en"
    )

    assert refused.status_code == 422, refused.text
    problems = [(p["row"], p["column"], p["reason"]) for p in refused.json()["problems"]]
    assert [(row, column) for row, column, _ in problems] == [
        (2, "tanggal_pendampingan"),
        (3, "tanggal"),
    ]
    today, yesterday = format_date(_day(), "en"), format_date(_day(-1), "en")
    assert f"before the list was issued on {today}" in problems[0][2]
    assert problems[1][2] == f"observed on {yesterday} (before the mentoring on {today})"


# The one answer to a file with every kind of problem (the auditor's hasil_bad.csv): its message
# and the words of the date's fix, by language.
EVERY_PROBLEM = {
    "id": ("Berkas ditolak: 6 masalah pada 5 dari 6 baris.", "Unggah hasil pendampingan"),
    "en": ("File refused: 6 problems in 5 of 6 rows.", "Upload outcomes"),
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_an_outcomes_file_names_its_own_problems_unknown_msmes_and_wrong_dates_at_once(
    client: TestClient, candidates_csv: bytes, tmp_path: Path, language: Language
) -> None:
    """A bad yes/no, an impossible date and a blank (the file's own problems), MSMEs not on
    the list (in any row) and a date in the future (on the rows read right): one answer."""
    made = _issue(client, candidates_csv, {"capacity": 5})
    ids = [item["msme_id"] for item in made["selected"]]
    today = f"{_day():%d/%m/%Y}"
    frame = pd.DataFrame(
        {
            "id_umkm": [ids[0], "YYY888", ids[2], "ZZZ999", ids[3], ids[4]],
            "didampingi": ["ya", "mungkin", "ya", "ya", "ya", "ya"],
            "go_digital": ["ya", "ya", "tidak", "ya", "tidak", ""],
            "tanggal": [today, today, "31/02/2026", today, "01/01/2030", today],
        }
    )
    content = csv_bytes(frame, tmp_path, "hasil.csv")
    refused = _outcomes(client, made["list_id"], content, language=language)

    assert refused.status_code == 422, refused.text
    body = refused.json()
    text, section = EVERY_PROBLEM[language]
    assert (body["error"], body["message"]) == ("invalid_file", text)
    problems = {(p["row"], p["column"]): p for p in body["problems"]}
    assert list(problems) == [
        (3, "didampingi"),
        (3, "id_umkm"),  # not on the list, named beside the row's own problem
        (4, "tanggal"),
        (5, "id_umkm"),
        (6, "tanggal"),
        (7, "go_digital"),
    ]
    assert "ZZZ999" in problems[(5, "id_umkm")]["reason"]
    # In the future, the date said as the page's language writes it, not as ISO (2030-01-01).
    future = problems[(6, "tanggal")]["reason"]
    assert {"id": "1 Januari 2030", "en": "1 January 2030"}[language] in future, future
    assert "2030-01-01" not in future
    impossible = problems[(4, "tanggal")]
    # A day that does not exist is said as such (not as a wrong form); the fix shows the forms
    # the reader takes, as the section's help does, and the help to turn to.
    words = {"id": "Februari 2026 hanya 28 hari", "en": "February 2026 has 28 days"}[language]
    assert words in impossible["reason"], impossible["reason"]
    assert "27/02/2026" in impossible["fix"] and section in impossible["fix"]
    assert "bagian 1" not in impossible["fix"] and "part 1" not in impossible["fix"]
    issued = client.get(f"/v1/lists/{made['list_id']}", headers=AUTH).json()
    assert issued["outcomes"]["outcomes"] == 0

    # Once the file's own problems are fixed, the list's checks still come in one answer.
    fixed = csv_bytes(frame.drop(index=[1, 2, 5]), tmp_path, "hasil.csv")
    refused = _outcomes(client, made["list_id"], fixed, language=language)
    assert refused.status_code == 404, refused.text
    assert refused.json()["message"].startswith(text.split(":")[0])  # "File refused", 2 kinds
    assert [(p["row"], p["column"]) for p in refused.json()["problems"]] == [
        (3, "id_umkm"),
        (4, "tanggal"),
    ]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "1 MSME of the file is not on this list; nothing was recorded."),
        ("id", "1 UMKM dalam berkas tidak ada di daftar ini; tidak ada yang dicatat."),
    ],
)
def test_outcomes_refusals_count_one_in_the_singular(
    client: TestClient, candidates_csv: bytes, tmp_path: Path, language: Language, words: str
) -> None:
    made = _issue(client, candidates_csv, {"capacity": 3})
    ids = [item["msme_id"] for item in made["selected"]]
    frame = pd.DataFrame(
        {
            "msme_id": [ids[0], "NOT-LISTED-1", ids[1]],
            "mentored": ["ya", "ya", "ya"],
            "digitalized": ["ya", "ya", "ya"],
            "date": [_day().isoformat()] * 3,
        }
    )
    content = csv_bytes(frame, tmp_path, "hasil.csv")
    refused = _outcomes(client, made["list_id"], content, language=language)
    assert (refused.status_code, refused.json()["message"]) == (404, words)

    frame.loc[0, "mentored"] = "mungkin"
    content = csv_bytes(frame.iloc[[0]], tmp_path, "hasil.csv")
    refused = _outcomes(client, made["list_id"], content, language="en").json()
    assert refused["message"] == "File refused: 1 problem in 1 of 1 rows."


@pytest.mark.parametrize("language", ["id", "en"])
def test_an_outcomes_file_without_its_columns_points_to_the_outcomes_help(
    client: TestClient, candidates_csv: bytes, tmp_path: Path, language: Language
) -> None:
    made = _issue(client, candidates_csv, {"capacity": 3})
    frame = pd.DataFrame({"id_umkm": ["A"], "didampingi": ["ya"]})
    content = csv_bytes(frame, tmp_path, "hasil.csv")
    refused = _outcomes(client, made["list_id"], content, language=language)
    assert refused.status_code == 422
    body = refused.json()
    assert body["message"] == message(language, "outcomes.invalid_columns")
    assert message(language, "outcomes.title") in body["message"]
    assert {p["column"] for p in body["problems"]} == {
        outcome_header("digitalized", language),
        outcome_header("observed_on", language),
    }


@pytest.mark.parametrize("language", ["id", "en"])
def test_an_outcomes_file_with_mentored_msmes_not_selected_is_recorded_with_a_warning(
    client: TestClient, candidates_csv: bytes, tmp_path: Path, language: Language
) -> None:
    made = _issue(client, candidates_csv, {"capacity": 3})
    chosen = [item["msme_id"] for item in made["selected"]]
    left_out = [item["msme_id"] for item in made["not_selected"]][:2]
    frame = pd.DataFrame(
        {
            "id_umkm": [*chosen, *left_out],
            "didampingi": ["ya"] * 5,
            "go_digital": ["ya", "tidak", "ya", "tidak", "tidak"],
            "tanggal": [_day().isoformat()] * 5,
        }
    )
    answer = _outcomes(
        client, made["list_id"], csv_bytes(frame, tmp_path, "hasil.csv"), language=language
    )

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["inserted"], body["mentored_not_selected"]) == (5, 2)
    params = {"count": 2, "list_number": made["list_id"][:8]}
    assert body["warnings"] == [render("warning_mentored_not_selected", params, language)]
    assert made["list_id"][:8] in body["warnings"][0]


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_pages_cutoff_is_the_lowest_model_pick_not_a_random_draw(
    client: TestClient, candidate_frame: pd.DataFrame, tmp_path: Path, language: Language
) -> None:
    """As the API: an MSME below the cutoff ranked below the last MSME the model picked; the
    slots drawn at random, lower still, set no cutoff."""
    from data.messages import format_percents
    from service.web.i18n import format_number, message

    frame = candidate_frame.head(40)
    busiest = str(frame["province_code"].astype(str).value_counts().index[0])
    response = client.post(
        "/v1/lists/upload",
        files={"file": ("kandidat.csv", csv_bytes(frame, tmp_path))},
        data={
            "options": json.dumps(
                {
                    "capacity": 10,
                    "quotas": {busiest: 0},  # its MSMEs stay out of the draw: ranked, not drawn
                    "exploration_share": 0.5,
                    "exploration_seed": 5,
                }
            ),
            "repeat": "true",
        },
        headers=AUTH | {"Accept-Language": language},
    )
    assert response.status_code == 200, response.text
    made = response.json()
    gains = [(item["expected_gain"], item["selected_by"]) for item in made["selected"]]
    model_cutoff = min(gain for gain, by in gains if by == "model")
    list_cutoff = min(gain for gain, _ in gains)
    below = [item for item in made["not_selected"] if item["reason_code"] == "below_rank_cutoff"]
    assert below  # the case is there to word

    def percent(value: float) -> str:
        return f"{format_number(100 * value, language)}%"

    assert percent(list_cutoff) != percent(model_cutoff)  # a draw sits below the model's picks
    for item in below:  # as the page shows figures side by side: apart when they differ
        gain, cutoff = format_percents([item["uplift"], model_cutoff], language, fixed=True)
        assert item["reason"] == message(
            language, "reason.below_rank_cutoff", uplift=gain, cutoff=cutoff
        )


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "id",
            "Bisa terpilih untuk slot undian acak, tetapi tidak terundi (1 dari {} UMKM terundi)",
        ),
        ("en", "could have been drawn for a random slot, but was not (1 of {} drawn)"),
    ],
)
def test_the_page_tells_an_msme_not_drawn_its_chance(
    client: TestClient, candidates_csv: bytes, language: Language, words: str
) -> None:
    """One slot of ten drawn at random from a pool of m: each MSME of the pool left out has the
    chance 1/m (`selection_probability`) and is told why the model passed it by, in the page's
    language. Only when every slot is drawn (the model picked nobody) is it told it was not
    drawn: 1 of m."""
    from service.web.i18n import message

    def issue(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, float]]:
        response = client.post(
            "/v1/lists/upload",
            files={"file": ("kandidat.csv", candidates_csv)},
            data={"options": json.dumps(options), "repeat": "true"},
            headers=AUTH | {"Accept-Language": language},
        )
        assert response.status_code == 200, response.text
        made: dict[str, Any] = response.json()
        recorded = client.get(f"/v1/lists/{made['list_id']}", headers=AUTH).json()
        chances = {m["msme_id"]: m["selection_probability"] for m in recorded["members"]}
        return made, chances

    made, chances = issue({"capacity": 10, "exploration_seed": 4})
    [drawn] = [item for item in made["selected"] if item["selected_by"] == "exploration"]
    pool = round(1 / drawn["selection_probability"])
    chance = drawn["selection_probability"]
    undrawn = [item for item in made["not_selected"] if chances[item["msme_id"]] == chance]
    assert len(undrawn) == pool - 1 > 0
    assert {chances[item["msme_id"]] for item in made["not_selected"]} <= {chance, 0.0}
    cutoff = min(e["expected_gain"] for e in made["selected"] if e["selected_by"] == "model")
    assert_the_models_reasons(((item["reason_code"], item["uplift"]) for item in undrawn), cutoff)
    assert "not_drawn" not in {item["reason_code"] for item in made["not_selected"]}
    counted = {
        item["reason_code"]: item["reason"] for item in made["summary"]["not_selected_reasons"]
    }
    assert "not_drawn" not in counted and counted["below_rank_cutoff"]

    made, chances = issue({"capacity": 1, "exploration_share": 1.0, "exploration_seed": 4})
    [drawn] = made["selected"]
    assert drawn["selected_by"] == "exploration"
    pool = round(1 / drawn["selection_probability"])
    not_drawn = [item for item in made["not_selected"] if item["reason_code"] == "not_drawn"]
    assert len(not_drawn) == pool - 1 > 0
    assert {chances[item["msme_id"]] for item in not_drawn} == {drawn["selection_probability"]}
    shown = format_param("pool", pool, language)  # 1.234 in Bahasa, 1,234 in English
    assert {item["reason"] for item in not_drawn} == {words.format(shown)}
    counted = {
        item["reason_code"]: item["reason"] for item in made["summary"]["not_selected_reasons"]
    }
    assert counted["not_drawn"] == message(language, "reason.not_drawn.generic")
