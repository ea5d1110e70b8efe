"""`umkm evaluate-policy`: its lines, table, notes and refusals come from the message catalog, in
the language of `--lang` (English by default, as `umkm prioritize`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from data.messages import render
from data.store.migrate import upgrade
from data.store.records import ListedMsmeIn, OutcomeIn
from data.store.repository import ProgramStore
from tests.data.store.conftest import members, scored_profiles
from umkm.cli import app


def _store(tmp_path: Path, *, outcomes: bool) -> tuple[str, str]:
    """A program store holding one list of 5 candidates, 3 picked by the model (no exploration);
    with `outcomes`, the three are mentored but one, and the first went digital."""
    url = f"sqlite:///{tmp_path / 'umkm.db'}"
    upgrade(url)
    store = ProgramStore.from_url(url)
    try:
        listed = members(5, 3)
        list_id = store.record_list(
            created_by="page", model_name="umkm-uplift", model_version="1", members=listed
        )
        if outcomes:
            store.record_outcomes(
                OutcomeIn(list_id, m.msme_id, mentored=i != 1, digitalized=i == 0)
                for i, m in enumerate(listed[:3])
            )
    finally:
        store.close()
    return url, list_id


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["evaluate-policy", *args])
    return result.exit_code, result.stdout, " ".join(result.stderr.split())


def test_a_list_without_outcomes_is_noted_in_the_catalogs_english(tmp_path: Path) -> None:
    url, list_id = _store(tmp_path, outcomes=False)

    code, out, err = _run("--list-id", list_id, "--url", url)

    assert code == 0, err
    assert f"note: list {list_id}: no outcome is in for the model's picks yet: nothing to " in err
    assert render("value_status_no_model_outcomes", {}, "en") in err
    assert render("value_status_no_model_outcomes", {}, "id") not in err
    assert f"list {list_id}: 3 model slots (0 outcomes)" in out


# What `umkm evaluate-policy` says in each language: the counts line, the table's title, its
# header, its row labels, an interval, what it cannot estimate, the note and the refusals.
WORDS: dict[str, dict[str, Any]] = {
    "id": {
        "counts": "daftar {list_id}: 3 slot pilihan model (3 hasil), 0 slot acak (0 hasil), "
        "3 kandidat yang memenuhi syarat, tingkat keikutsertaan 66,7%",
        "title": "UMKM go digital per slot, rentang 90%",
        "header": ["perkiraan", "propensitas terbalik", "kokoh ganda"],
        "rows": [
            "slot pilihan model",
            "pemilihan acak",
            "selisih per slot",
            "tambahan UMKM go digital",
        ],
        "interval": "0,3333 [0,0000; 0,8816]",
        "missing": "tidak ada",
        "note": "catatan: daftar {list_id}: daftar ini tidak menyisihkan slot untuk undian acak",
        "which": "galat: sebutkan --list-id ID atau --all",
        "unknown": "galat: tidak ada daftar pendampingan dengan id nope",
        "none_yet": "catatan: belum ada daftar yang diterbitkan",
    },
    "en": {
        "counts": "list {list_id}: 3 model slots (3 outcomes), 0 explored slots (0 outcomes), "
        "3 eligible candidates, take-up 66.7%",
        "title": "digitalizations per slot, 90% intervals",
        "header": ["estimate", "inverse propensity", "doubly robust"],
        "rows": [
            "model's slots",
            "random allocation",
            "difference per slot",
            "extra digitalizations",
        ],
        "interval": "0.3333 [0.0000, 0.8816]",
        "missing": "n/a",
        "note": "note: list {list_id}: the list kept no randomized slots",
        "which": "error: give --list-id ID or --all",
        "unknown": "error: no mentoring list with id nope",
        "none_yet": "note: no lists issued yet",
    },
}


@pytest.mark.parametrize(("lang", "other"), [("id", "en"), ("en", "id")])
def test_the_estimates_are_worded_in_the_chosen_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, other: str
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # no cell wraps
    url, list_id = _store(tmp_path, outcomes=True)
    words, others = WORDS[lang], WORDS[other]

    code, out, err = _run("--list-id", list_id, "--url", url, "--lang", lang)

    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == words["counts"].format(list_id=list_id)
    assert lines[1].strip() == words["title"]
    cells = [
        [cell.strip() for cell in line.split("┃" if "┃" in line else "│")[1:-1]] for line in lines
    ]
    assert words["header"] in cells
    labels = [row[0] for row in cells if row]
    for label in words["rows"]:
        assert label in labels
        assert label not in others["rows"]
    model_row = next(row for row in cells if row and row[0] == words["rows"][0])
    assert model_row[1] == words["interval"]
    random_row = next(row for row in cells if row and row[0] == words["rows"][1])
    assert random_row[1:] == [words["missing"]] * 2
    assert words["note"].format(list_id=list_id) in err
    assert others["note"].format(list_id=list_id) not in err
    assert others["title"] not in out


@pytest.mark.parametrize("lang", ["id", "en"])
def test_refusals_and_the_empty_store_are_worded_in_the_chosen_language(
    tmp_path: Path, lang: str
) -> None:
    url = f"sqlite:///{tmp_path / 'umkm.db'}"
    upgrade(url)
    words = WORDS[lang]

    code, _, err = _run("--url", url, "--lang", lang)
    assert (code, err) == (2, words["which"])
    code, _, err = _run("--list-id", "nope", "--url", url, "--lang", lang)
    assert (code, err) == (2, words["unknown"])
    assert _run("--all", "--url", url, "--lang", lang) == (0, "", words["none_yet"])


def _explored_list(store: ProgramStore, model_hits: int, explored_hits: int, prefix: str) -> str:
    """A list of 200 candidates: the model's 40 picks, then 40 drawn at random (chance 0.25)
    from the other 160; every selected one mentored, `model_hits` and `explored_hits` of them
    went digital."""
    listed = []
    for index, profile in enumerate(scored_profiles(200)):
        msme_id = f"{prefix}{index:05d}"
        by_model, drawn = index < 40, 40 <= index < 80
        listed.append(
            ListedMsmeIn(
                msme_id=msme_id,
                profile=profile | {"msme_id": msme_id},
                selected=by_model or drawn,
                selected_by="model" if by_model else "exploration" if drawn else None,
                selection_probability=1.0 if by_model else 0.25,
                rank=index + 1,
                p_if_mentored=0.3,
                p_if_not=0.1,
                uplift=0.2,
                segment="persuadable",
                reason_code=None if by_model or drawn else "below_rank_cutoff",
            )
        )
    list_id = store.record_list(
        created_by="page",
        model_name="umkm-uplift",
        model_version="1",
        members=listed,
        exploration_share=0.5,
    )
    store.record_outcomes(
        OutcomeIn(
            list_id,
            m.msme_id,
            mentored=True,
            digitalized=i < model_hits if i < 40 else i - 40 < explored_hits,
        )
        for i, m in enumerate(listed[:80])
    )
    return list_id


def test_every_list_gets_a_verdict_against_a_lottery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    url = f"sqlite:///{tmp_path / 'umkm.db'}"
    upgrade(url)
    store = ProgramStore.from_url(url)
    try:
        better = _explored_list(store, model_hits=30, explored_hits=4, prefix="A")
        level = _explored_list(store, model_hits=10, explored_hits=10, prefix="B")
    finally:
        store.close()

    code, out, err = _run("--all", "--url", url)
    assert code == 0, err
    assert (
        f"list {better}: the model's list did better than a lottery: +0.5200 [0.4090, 0.6310] "
        "digitalizations per slot (doubly robust, 90% interval above zero)"
    ) in out.splitlines()
    assert (
        f"list {level}: the model is not shown to do better than a lottery: difference 0.0000 "
        "[-0.1290, 0.1290] includes zero (doubly robust, 90% interval)"
    ) in out.splitlines()

    code, out, _ = _run("--list-id", level, "--url", url, "--lang", "id")
    assert (
        f"daftar {level}: model belum terbukti lebih baik daripada undian: selisih 0,0000 "
        "[-0,1290; 0,1290] mencakup nol (kokoh ganda, rentang 90%)"
    ) in out.splitlines()


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        (
            "en",
            "error: no program store at {missing}; check --url / UMKM_DATABASE_URL, or run "
            "`umkm serve` / `umkm db upgrade` to create one",
        ),
        (
            "id",
            "galat: tidak ada penyimpanan program di {missing}; periksa --url / "
            "UMKM_DATABASE_URL, atau jalankan `umkm serve` / `umkm db upgrade` untuk membuatnya",
        ),
    ],
)
def test_a_store_that_is_not_there_is_named_in_the_chosen_language_and_not_created(
    tmp_path: Path, lang: str, says: str
) -> None:
    missing = tmp_path / "nonexistent.db"

    code, out, err = _run("--all", "--url", f"sqlite:///{missing}", "--lang", lang)

    assert (code, out) == (2, "")
    assert err == says.format(missing=missing)
    assert not missing.exists()


def test_the_url_option_names_its_default() -> None:
    result = CliRunner().invoke(app, ["evaluate-policy", "--help"], env={"COLUMNS": "200"})
    assert "else sqlite:///umkm.db" in " ".join(result.output.split())
