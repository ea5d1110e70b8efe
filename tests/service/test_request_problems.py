"""A body that fails validation is answered in the language of Accept-Language (Bahasa Indonesia by
default): every reason names its field as `msmes[3].province_code`, while the error code, each
problem's `field` and pydantic `type` stay the same in every language."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from data.field_rules import FieldRuleError, RuleCode
from data.messages import CATALOGS, LANGUAGES
from service.request_problems import (
    FALLBACK_CODE,
    REQUEST_PROBLEM_CODES,
    TYPE_CODES,
    field_path,
    problem_message,
    problem_reason,
    readable_path,
    request_message,
    request_problems,
)
from service.schemas import MsmeProfile, PrioritizeRequest, ScoreRequest
from tests.service.support import AUTH, TestClient

LIST_ID = "11111111-1111-4111-8111-111111111111"


def _answer(client: TestClient, path: str, body: Any, language: str | None) -> dict[str, Any]:
    headers = AUTH | ({"Accept-Language": language} if language else {})
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 422, response.text
    answer: dict[str, Any] = response.json()
    assert answer["error"] == "invalid_request"
    return answer


def _machine_part(answer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(problem["field"], problem["type"]) for problem in answer["problems"]]


def _reasons(answer: dict[str, Any]) -> dict[str, str]:
    return {problem["field"]: problem["reason"] for problem in answer["problems"]}


def test_scores_speak_the_requested_language_and_keep_every_code(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    bad = [
        profiles[0],
        profiles[1],
        profiles[2],
        profiles[3] | {"province_code": "99", "owner_age": 130, "monthly_revenue_idr": 2e10},
    ]
    del bad[3]["owner_gender"]
    bahasa = _answer(client, "/v1/scores", {"msmes": bad, "debug": True}, "id")
    english = _answer(client, "/v1/scores", {"msmes": bad, "debug": True}, "en")
    default = _answer(client, "/v1/scores", {"msmes": bad, "debug": True}, None)

    assert _machine_part(bahasa) == _machine_part(english) == _machine_part(default)
    assert dict(_machine_part(bahasa)) == {
        "msmes.3.province_code": "value_error",
        "msmes.3.owner_age": "less_than_equal",
        "msmes.3.monthly_revenue_idr": "less_than_equal",
        "msmes.3.owner_gender": "missing",
        "debug": "extra_forbidden",
    }
    assert _reasons(bahasa) == {
        "msmes.3.province_code": (
            "msmes[3].province_code bukan salah satu dari 38 kode provinsi (11 sampai 96)"
        ),
        "msmes.3.owner_age": "msmes[3].owner_age tidak boleh lebih dari 100",
        "msmes.3.monthly_revenue_idr": (
            "msmes[3].monthly_revenue_idr tidak boleh lebih dari 10.000.000.000"
        ),
        "msmes.3.owner_gender": "msmes[3].owner_gender wajib diisi",
        "debug": "debug tidak dikenal dalam permintaan ini; hapus",
    }
    assert _reasons(english) == {
        "msmes.3.province_code": (
            "msmes[3].province_code is not one of the 38 province codes (11 to 96)"
        ),
        "msmes.3.owner_age": "msmes[3].owner_age must be at most 100",
        "msmes.3.monthly_revenue_idr": (
            "msmes[3].monthly_revenue_idr must be at most 10,000,000,000"
        ),
        "msmes.3.owner_gender": "msmes[3].owner_gender is required",
        "debug": "debug is not a field of this request; remove it",
    }
    assert (
        default["message"]
        == bahasa["message"]
        == (
            "Permintaan memiliki 5 masalah; tidak ada yang diproses. Perbaiki setiap masalah yang "
            "tercantum."
        )
    )
    assert english["message"] == (
        "The request has 5 problems; nothing was processed. Fix each field listed."
    )
    assert _reasons(default) == _reasons(bahasa)
    assert "130" not in str(bahasa) + str(english)


def test_prioritize_words_its_constraints_in_bahasa_and_english(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    body = {
        "msmes": profiles[:2],
        "capacity": 1,
        "quotas": {"99": 1, "31": -1},
        "min_share": [{"column": "sector", "value": "fishing", "share": 0.5}],
        "only_beneficial": 0,
        "budget": 1e18,
    }
    bahasa = _answer(client, "/v1/prioritize", body, "id")
    english = _answer(client, "/v1/prioritize", body, "en")

    assert _machine_part(bahasa) == _machine_part(english)
    assert dict(_machine_part(bahasa)) == {
        "quotas.99": "value_error",
        "quotas.31": "greater_than_equal",
        "min_share.0": "value_error",
        "only_beneficial": "bool_type",
        "budget": "less_than_equal",
    }
    sectors = (
        "food_beverage, retail_trade, fashion_textile, craft, agri_processing, services, "
        "other_manufacturing"
    )
    assert _reasons(bahasa) == {
        "quotas.99": ('quotas["99"] bukan salah satu dari 38 kode provinsi (11 sampai 96)'),
        "quotas.31": 'quotas["31"] tidak boleh kurang dari 0',
        "min_share.0": (
            f"min_share[0]: value bukan nilai sector; pakai salah satu dari: {sectors}"
        ),
        "only_beneficial": "only_beneficial harus true atau false",
        "budget": "budget tidak boleh lebih dari 100.000.000.000.000.000",
    }
    assert _reasons(english) == {
        "quotas.99": 'quotas["99"] is not one of the 38 province codes (11 to 96)',
        "quotas.31": 'quotas["31"] must be at least 0',
        "min_share.0": (
            f"min_share[0]: value is not one of the sector values; use one of: {sectors}"
        ),
        "only_beneficial": "only_beneficial must be true or false",
        "budget": "budget must be at most 100,000,000,000,000,000",
    }


def test_lists_and_outcomes_answer_alike_in_each_language(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    profile = profiles[0] | {"sector": "fishing", "workers": 2.5}
    lists_body = {"msmes": [profile, profiles[1]], "capacity": 1, "exploration_share": 1.5}
    outcome = {
        "list_id": LIST_ID,
        "msme_id": "M-1",
        "mentored": "mungkin",  # not one of the contract's spellings (ya/tidak, yes/no, 1/0, ...)
        "digitalized": True,
        "mentored_on": "2025-13-01",
    }
    sectors = (
        "food_beverage, retail_trade, fashion_textile, craft, agri_processing, services, "
        "other_manufacturing"
    )
    expected = {
        "id": (
            {
                "msmes.0.sector": f"msmes[0].sector harus salah satu dari: {sectors}",
                "msmes.0.workers": "msmes[0].workers harus bilangan bulat",
                "exploration_share": "exploration_share tidak boleh lebih dari 1",
            },
            {
                "outcomes.0.mentored": (
                    "outcomes[0].mentored harus ya atau tidak: teks ya/tidak atau 1/0, atau "
                    "true/false"
                ),
                "outcomes.0.mentored_on": (
                    "outcomes[0].mentored_on harus tanggal berbentuk TTTT-BB-HH, mis. 2025-03-01"
                ),
            },
        ),
        "en": (
            {
                "msmes.0.sector": f"msmes[0].sector must be one of: {sectors}",
                "msmes.0.workers": "msmes[0].workers must be a whole number",
                "exploration_share": "exploration_share must be at most 1",
            },
            {
                "outcomes.0.mentored": (
                    "outcomes[0].mentored must be yes or no: yes/no, ya/tidak or 1/0 as text, "
                    "or true/false"
                ),
                "outcomes.0.mentored_on": (
                    "outcomes[0].mentored_on must be a date written YYYY-MM-DD, like 2025-03-01"
                ),
            },
        ),
    }
    answers = {
        language: (
            _answer(client, "/v1/lists", lists_body, language),
            _answer(client, "/v1/outcomes", {"outcomes": [outcome]}, language),
        )
        for language in ("id", "en")
    }
    for language, (lists_answer, outcomes_answer) in answers.items():
        assert (_reasons(lists_answer), _reasons(outcomes_answer)) == expected[language]
    assert [_machine_part(answer) for answer in answers["id"]] == [
        _machine_part(answer) for answer in answers["en"]
    ]
    assert _machine_part(answers["id"][1]) == [
        ("outcomes.0.mentored", "value_error"),  # the contract boolean's own rule
        ("outcomes.0.mentored_on", "date_parsing"),
    ]


def test_the_service_checks_are_worded_too(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    """Duplicates and a budget without costs: the service's own checks, after pydantic's."""
    body = {"msmes": [profiles[0], profiles[1], profiles[0]], "capacity": 1, "budget": 10.0}
    bahasa = _answer(client, "/v1/prioritize", body, "id")
    english = _answer(client, "/v1/prioritize", body, "en")

    assert _machine_part(bahasa) == _machine_part(english)
    assert _reasons(bahasa)["msmes.2.msme_id"] == (
        "msmes[2].msme_id sama dengan msmes[0].msme_id; setiap msme_id harus unik"
    )
    assert _reasons(english)["msmes.2.msme_id"] == (
        "msmes[2].msme_id repeats msmes[0].msme_id; each msme_id must be unique"
    )
    assert _reasons(bahasa)["msmes.1.cost"] == (
        "msmes[1].cost wajib diisi bila permintaan menetapkan anggaran (budget)"
    )
    assert dict(_machine_part(english))["msmes.1.cost"] == "missing"


def test_a_body_that_is_not_json_or_not_an_object_names_the_body(client: TestClient) -> None:
    headers = AUTH | {"Content-Type": "application/json"}
    broken = client.post(
        "/v1/scores", content=b'{"msmes": [', headers=headers | {"Accept-Language": "id"}
    )
    assert broken.status_code == 422
    assert broken.json()["problems"] == [
        {
            "field": None,
            "type": "json_invalid",
            "reason": "isi permintaan bukan JSON yang sah (baris 1, kolom 11)",
        }
    ]
    digits = "9" * 5_000  # well-formed JSON, but no number field holds it
    too_long = client.post(
        "/v1/scores",
        content=b'{"msmes": [{"workers": ' + digits.encode() + b"}]}",
        headers=headers | {"Accept-Language": "en"},
    )
    assert too_long.status_code == 422
    assert too_long.json()["problems"] == [
        {
            "field": None,
            "type": "json_invalid",
            "reason": "the request body holds a number too long to read (line 1, column 4325): "
            "send at most 4,300 digits",
        }
    ]
    assert digits[:50] not in too_long.text
    listed = _answer(client, "/v1/outcomes", [1, 2], "en")
    assert listed["problems"] == [
        {"field": None, "type": "model_type", "reason": "the request body must be a JSON object"}
    ]
    assert listed["message"] == (
        "The request has 1 problem; nothing was processed. Fix each field listed."
    )


# ------------------------------------------------------------------ the mapping, without HTTP


def _errors(model: type[BaseModel], body: Any) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(body, strict=True)
    return [dict(error) for error in raised.value.errors()]


def test_each_mapped_type_names_the_field_in_both_languages() -> None:
    """The schema's own errors, from purpose-built bodies."""
    cases: dict[str, tuple[type[BaseModel], Any, str]] = {
        "string_too_short": (ScoreRequest, {"msmes": [{"msme_id": ""}]}, "msmes[0].msme_id"),
        "too_short": (ScoreRequest, {"msmes": []}, "msmes"),
        "list_type": (ScoreRequest, {"msmes": "x"}, "msmes"),
        "model_type": (ScoreRequest, {"msmes": [7]}, "msmes[0]"),
        "string_type": (ScoreRequest, {"msmes": [{"msme_id": 7}]}, "msmes[0].msme_id"),
        "int_type": (PrioritizeRequest, {"capacity": "3"}, "capacity"),
        "greater_than": (
            PrioritizeRequest,
            {"min_share": [{"column": "sector", "value": "craft", "share": 0}]},
            "min_share[0].share",
        ),
        "literal_error": (
            PrioritizeRequest,
            {"min_share": [{"column": "colour", "value": "x", "share": 0.5}]},
            "min_share[0].column",
        ),
    }
    for kind, (model, body, path) in cases.items():
        [error] = [error for error in _errors(model, body) if error["type"] == kind]
        code, _ = problem_message(error)
        assert code != FALLBACK_CODE, kind
        for language in LANGUAGES:
            reason = problem_reason(error, language)
            assert reason.startswith(path + " "), (kind, language, reason)
        assert problem_reason(error, "id") != problem_reason(error, "en")
    [empty] = _errors(ScoreRequest, {"msmes": []})
    assert problem_reason(empty, "id") == "msmes tidak boleh kosong"
    assert problem_reason(empty, "en") == "msmes must not be empty"


def test_limits_and_lengths_are_numbers_of_the_language() -> None:
    class Limits(BaseModel):
        model_config = ConfigDict(strict=True)

        share: float = Field(le=0.5)
        note: str = Field(max_length=1_500)
        tags: list[str] = Field(max_length=1)

    errors = _errors(Limits, {"share": 0.75, "note": "x" * 1_501, "tags": ["a", "b"]})
    reasons = {language: [problem_reason(e, language) for e in errors] for language in LANGUAGES}
    assert reasons["id"] == [
        "share tidak boleh lebih dari 0,5",
        "note paling panjang 1.500 karakter",
        "tags paling banyak berisi 1 entri",
    ]
    assert reasons["en"] == [
        "share must be at most 0.5",
        "note must have at most 1,500 characters",
        "tags must list at most 1 item",
    ]


def test_an_unmapped_type_still_names_the_field() -> None:
    class Site(BaseModel):
        url: HttpUrl

    [error] = _errors(Site, {"url": "not a url"})
    assert error["type"] not in TYPE_CODES
    assert problem_reason(error, "id") == "url tidak sah"
    assert problem_reason(error, "en") == "url is not valid"
    whole = {"type": "something_new", "loc": (), "msg": "?", "input": None}
    assert problem_reason(whole, "id") == "isi permintaan tidak sah"
    assert problem_reason(whole, "en") == "the request body is not valid"


def test_a_plain_value_error_is_named_without_its_english_text() -> None:
    error = {
        "type": "value_error",
        "loc": ("body", "source_file"),
        "msg": "Value error, some English",
        "ctx": {"error": ValueError("some English")},
    }
    assert problem_reason(error, "id") == "source_file tidak sah"


def test_a_reason_never_shows_the_submitted_value() -> None:
    """`foo` is part of the allowed value `food_beverage`: the reason names the field alone."""
    [error] = [e for e in _errors(MsmeProfile, {"sector": "foo"}) if e["loc"] == ("sector",)]
    assert error["type"] == "literal_error"
    assert problem_reason(error, "en") == "sector is not valid"
    [other] = [e for e in _errors(MsmeProfile, {"sector": "zzz"}) if e["loc"] == ("sector",)]
    assert problem_reason(other, "en").startswith("sector must be one of: food_beverage, ")


@pytest.mark.parametrize(
    ("loc", "shown"),
    [
        (("body", "msmes", 3, "province_code"), "msmes[3].province_code"),
        (("body", "quotas", "31"), 'quotas["31"]'),
        (("quotas", "99", "[key]"), 'quotas["99"]'),
        (("body",), None),
        (("query", "page_size"), "query.page_size"),
    ],
)
def test_paths_read_as_a_person_reads_them(loc: tuple[Any, ...], shown: str | None) -> None:
    assert readable_path(loc) == shown


def test_every_mapped_code_is_in_both_catalogs() -> None:
    mapped = set(TYPE_CODES.values()) | set(get_args(RuleCode)) | {FALLBACK_CODE}
    assert mapped <= REQUEST_PROBLEM_CODES.keys()
    for language in LANGUAGES:
        assert not REQUEST_PROBLEM_CODES.keys() - CATALOGS[language].keys(), language


# ------------------------------------------------------------------ many problems: summarised

BARE_ROWS = 10_000


def _missing_columns() -> list[str]:
    """The profile's required fields besides msme_id, in the schema's order."""
    fields = MsmeProfile.model_fields
    return [name for name, info in fields.items() if info.is_required() and name != "msme_id"]


@pytest.mark.parametrize("path", ["/v1/scores", "/v1/prioritize"])
def test_a_long_body_of_bare_ids_gets_a_short_answer_naming_each_column_once(
    client: TestClient, path: str
) -> None:
    """10,000 rows of `msme_id` only (about 280 KB) had 130,000 problems listed one by one: a 13
    MB answer. A problem repeated in every row is now listed once, naming its rows."""
    body: dict[str, Any] = {"msmes": [{"msme_id": f"M{i:06d}"} for i in range(BARE_ROWS)]}
    if path == "/v1/prioritize":
        body["capacity"] = 10
    missing = _missing_columns()
    total = BARE_ROWS * len(missing)
    for language in ("en", "id"):
        headers = AUTH | {"Accept-Language": language}
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 422
        assert len(response.content) < 20_000  # 13,321,272 bytes before
        answer = response.json()
        assert answer["error"] == "invalid_request"
        assert (answer["problems_total"], answer["problems_left_out"]) == (total, 0)
        assert _machine_part(answer) == [(f"msmes.*.{name}", "missing") for name in missing]
        reasons = _reasons(answer)
        if language == "en":
            assert reasons["msmes.*.province_code"] == (
                "msmes[*].province_code is required: in every row from msmes[0] to "
                "msmes[9999] (10,000 rows)"
            )
            assert answer["message"] == (
                f"The request has {total:,} problems; nothing was processed. A problem "
                "repeated in several rows is listed once, naming its rows: fix each one listed."
            )
        else:
            assert reasons["msmes.*.province_code"] == (
                "msmes[*].province_code wajib diisi: di setiap baris dari msmes[0] sampai "
                "msmes[9999] (10.000 baris)"
            )
            assert answer["message"].startswith(
                f"Permintaan memiliki {total:,} masalah".replace(",", ".")
            )


def test_a_few_problems_are_listed_one_by_one_without_the_summary_fields(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    body = {"msmes": [profiles[0] | {"owner_age": 130}, profiles[1] | {"owner_age": 130}]}
    answer = _answer(client, "/v1/scores", body, "en")
    assert _machine_part(answer) == [
        ("msmes.0.owner_age", "less_than_equal"),
        ("msmes.1.owner_age", "less_than_equal"),
    ]
    assert "problems_total" not in answer and "problems_left_out" not in answer


def _bad_rows(rows: int) -> list[dict[str, Any]]:
    """Rows with every field but sector and owner_age missing: owner_age too high on odd rows,
    sector `zzz` on row 0 and `foo` (inside the allowed `food_beverage`) on the others."""
    return [
        {
            "msme_id": f"M{i}",
            "owner_age": 130 if i % 2 else 40,
            "sector": "zzz" if i == 0 else "foo",
        }
        for i in range(rows)
    ]


def test_problems_beyond_the_limit_are_grouped_by_field_then_cut() -> None:
    errors = _errors(ScoreRequest, {"msmes": _bad_rows(6)})
    found = request_problems(errors, "en", limit=len(errors) - 1)

    assert (found.total, found.left_out) == (len(errors), 0)
    listed = {problem.field: problem for problem in found.problems}
    assert listed["msmes.*.owner_age"].type == "less_than_equal"
    assert listed["msmes.*.owner_age"].reason == (
        "msmes[*].owner_age must be at most 100: in 3 rows, the first msmes[1], the last msmes[5]"
    )
    assert listed["msmes.*.province_code"].reason == (
        "msmes[*].province_code is required: in every row from msmes[0] to msmes[5] (6 rows)"
    )
    # `foo` of rows 1 to 5 is part of `food_beverage`: the field alone is named, as for one row.
    assert listed["msmes.*.sector"].reason == (
        "msmes[*].sector is not valid: in every row from msmes[0] to msmes[5] (6 rows)"
    )
    assert "foo" not in str(found) and "zzz" not in str(found) and "130" not in str(found)

    cut = request_problems(errors, "id", limit=3)
    assert len(cut.problems) == 3
    assert cut.problems == request_problems(errors, "id", limit=len(errors) - 1).problems[:3]
    assert cut.left_out == len(errors) - 3 * 6  # the three listed entries cover six rows each
    assert cut.message == (
        f"Permintaan memiliki {len(errors)} masalah; tidak ada yang diproses. Hanya 3 yang "
        "pertama dicantumkan (masalah yang berulang di beberapa baris sekali, dengan "
        f"baris-barisnya) dan {cut.left_out} tidak dicantumkan: perbaiki yang tercantum lalu "
        "kirim ulang permintaan untuk melihat sisanya."
    )


def test_up_to_the_limit_every_problem_is_listed_as_before() -> None:
    errors = _errors(ScoreRequest, {"msmes": _bad_rows(2)})
    found = request_problems(errors, "en", limit=len(errors))
    assert (found.total, found.left_out) == (None, None)
    assert [problem.field for problem in found.problems] == [
        field_path(error["loc"]) for error in errors
    ]
    assert found.message == request_message(len(errors), "en")


def test_only_the_listed_problems_are_worded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Problems that cannot be grouped (each duplicate names its own first row) are cut at the
    limit, and only those listed are worded: the work stays bounded with the answer."""
    import service.request_problems as module

    errors = [
        {
            "type": "duplicate",
            "loc": ("body", "msmes", 2 * i + 1, "msme_id"),
            "msg": "",
            "ctx": {"error": FieldRuleError("field_duplicate", first=f"msmes[{2 * i}].msme_id")},
        }
        for i in range(5_000)
    ]
    worded = 0
    original = module.problem_reason

    def counted(*args: Any, **kwargs: Any) -> str:
        nonlocal worded
        worded += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, "problem_reason", counted)
    found = request_problems(errors, "en", limit=100)
    assert len(found.problems) == 100 and worded == 100
    assert (found.total, found.left_out) == (5_000, 4_900)
    assert found.problems[0].reason == (
        "msmes[1].msme_id repeats msmes[0].msme_id; each msme_id must be unique"
    )
