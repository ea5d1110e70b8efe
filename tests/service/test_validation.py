"""Bad requests: 422 listing every problem with its field path, never echoing submitted values;
unknown fields, empty and over-long lists refused."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.app import create_app
from service.request_problems import readable_field
from service.settings import Settings
from tests.service.support import AUTH, TestClient


def _problems(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "invalid_request"
    return {problem["field"]: problem["type"] for problem in body["problems"]}


def test_every_problem_is_listed_with_its_path_and_no_value_is_echoed(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    secret_id = "SECRET-ID-7f3a9"
    bad = [
        profiles[0],
        profiles[1] | {"owner_age": 130},
        profiles[2] | {"province_code": "99", "sector": "fishing-boats-xyz"},
        profiles[3] | {"owner_age": 7, "workers": 0, "has_smartphone": "maybe-yes-xyz"},
        profiles[4] | {"msme_id": secret_id, "monthly_revenue_idr": -5.5},
    ]
    response = client.post("/v1/scores", json={"msmes": bad}, headers=AUTH)

    problems = _problems(response)
    assert set(problems) == {
        "msmes.1.owner_age",
        "msmes.2.province_code",
        "msmes.2.sector",
        "msmes.3.owner_age",
        "msmes.3.workers",
        "msmes.3.has_smartphone",
        "msmes.4.monthly_revenue_idr",
    }
    text = response.text
    for submitted in ("130", "fishing-boats-xyz", "maybe-yes-xyz", "-5.5", secret_id, '"99"'):
        assert submitted not in text
    assert "input" not in text and "ctx" not in text


def test_unknown_fields_are_refused_at_every_level(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    response = client.post(
        "/v1/scores",
        json={"msmes": [profiles[0] | {"nik": "3201..."}], "debug": True},
        headers=AUTH,
    )
    assert _problems(response) == {"msmes.0.nik": "extra_forbidden", "debug": "extra_forbidden"}


def test_missing_fields_are_named(client: TestClient, profiles: list[dict[str, Any]]) -> None:
    profile = {k: v for k, v in profiles[0].items() if k not in ("owner_gender", "digital_status")}
    response = client.post("/v1/scores", json={"msmes": [profile]}, headers=AUTH)
    assert _problems(response) == {
        "msmes.0.owner_gender": "missing",
        "msmes.0.digital_status": "missing",
    }


def test_an_empty_list_is_refused(client: TestClient) -> None:
    assert _problems(client.post("/v1/scores", json={"msmes": []}, headers=AUTH)) == {
        "msmes": "too_short"
    }
    response = client.post("/v1/prioritize", json={"msmes": [], "capacity": 1}, headers=AUTH)
    assert _problems(response) == {"msmes": "too_short"}


def test_a_list_over_the_maximum_is_refused(
    make_settings: Callable[..., Settings], profiles: list[dict[str, Any]]
) -> None:
    with TestClient(create_app(make_settings(max_score_msmes=3))) as small:
        response = small.post("/v1/scores", json={"msmes": profiles[:4]}, headers=AUTH)
        assert _problems(response) == {"msmes": "too_long"}
        assert small.post("/v1/scores", json={"msmes": profiles[:3]}, headers=AUTH).is_success


def test_the_schema_maximum_of_scores_is_ten_thousand(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert schema["ScoreRequest"]["properties"]["msmes"]["maxItems"] == 10_000
    assert schema["PrioritizeRequest"]["properties"]["msmes"]["maxItems"] == 100_000


def test_duplicate_ids_are_refused_with_both_places(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    batch = [profiles[0], profiles[1], profiles[0]]
    response = client.post("/v1/scores", json={"msmes": batch}, headers=AUTH)
    assert _problems(response) == {"msmes.2.msme_id": "duplicate"}
    assert "msmes[0].msme_id" in response.json()["problems"][0]["reason"]


def test_broken_json_is_a_422_without_the_body(client: TestClient) -> None:
    response = client.post(
        "/v1/scores",
        content=b'{"msmes": [{"msme_id": "LEAK-ME-123", ',
        headers=AUTH | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["type"] == "json_invalid"
    assert "LEAK-ME-123" not in response.text


_FIELD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(min_size=0, max_size=12),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.dictionaries(
        st.sampled_from(
            [
                "msme_id",
                "province_code",
                "area_type",
                "sector",
                "business_age_years",
                "workers",
                "monthly_revenue_idr",
                "owner_age",
                "owner_gender",
                "owner_education",
                "has_smartphone",
                "internet_access",
                "digital_status",
                "unknown_field",
            ]
        ),
        _FIELD_VALUES,
        min_size=1,
        max_size=4,
    )
)
def test_fuzzed_profiles_get_200_or_a_422_that_echoes_nothing(
    client: TestClient, profiles: list[dict[str, Any]], changes: dict[str, Any]
) -> None:
    profile = profiles[0] | changes
    response = client.post("/v1/scores", json={"msmes": [profile]}, headers=AUTH)

    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        problems = response.json()["problems"]
        assert problems and all(p["field"].startswith("msmes.0.") for p in problems)
        # Each reason names its field (`msmes[0].sector`): the rest must not show the value.
        reasons = json.dumps(
            [p["reason"].replace(readable_field(p["field"]), "") for p in problems]
        )
        for value in changes.values():
            if isinstance(value, str) and len(value) >= 3:
                assert json.dumps(value)[1:-1] not in reasons


def test_a_body_that_is_not_json_is_refused(client: TestClient) -> None:
    response = client.post(
        "/v1/scores",
        content=b"msme_id,owner_age\nA,30\n",
        headers=AUTH | {"Content-Type": "text/csv"},
    )
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"
    assert response.json()["message"] == (
        "Kirim isi permintaan sebagai JSON (Content-Type: application/json)."
    )


def test_a_compressed_body_is_refused_as_such_in_the_callers_language(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    """The service does not decode Content-Encoding: a gzip body is a 415 that says so, not a
    422 about broken JSON, and a plain body labelled `br` is not read as if it were plain."""
    plain = json.dumps({"msmes": profiles[:1]}).encode()
    for encoding, body in (("gzip", gzip.compress(plain)), ("br", plain), ("GZIP, br", plain)):
        response = client.post(
            "/v1/scores",
            content=body,
            headers=AUTH | {"Content-Type": "application/json", "Content-Encoding": encoding},
        )
        assert response.status_code == 415, (encoding, response.text)
        assert response.json()["error"] == "unsupported_media_type"
        assert "Content-Encoding" in response.json()["message"]
    english = client.post(
        "/v1/outcomes",
        content=gzip.compress(b'{"outcomes": []}'),
        headers=AUTH
        | {"Content-Type": "application/json", "Content-Encoding": "gzip", "Accept-Language": "en"},
    )
    assert english.status_code == 415
    assert english.json()["message"].startswith("The body came compressed")
    assert english.headers["content-language"] == "en"
    identity = client.post(
        "/v1/scores",
        content=plain,
        headers=AUTH | {"Content-Type": "application/json", "Content-Encoding": "identity"},
    )
    assert identity.status_code == 200, identity.text


def test_openapi_documents_both_bodies_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, model in (("/v1/scores", "ScoreRequest"), ("/v1/prioritize", "PrioritizeRequest")):
        body = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert body["schema"] == {"$ref": f"#/components/schemas/{model}"}
        assert spec["components"]["schemas"][model]["examples"]
    profile = spec["components"]["schemas"]["MsmeProfile"]
    assert profile["additionalProperties"] is False
    assert len(profile["properties"]["province_code"]["enum"]) == 38
    assert spec["paths"]["/v1/scores"]["post"]["security"] == [{"APIKeyHeader": []}]
    parameters = spec["paths"]["/v1/scores"]["post"]["parameters"]
    assert [(p["name"], p["in"]) for p in parameters] == [("accept-language", "header")]
    answer = spec["paths"]["/v1/scores"]["post"]["responses"]["200"]["content"]
    assert answer["application/json"]["schema"] == {"$ref": "#/components/schemas/ScoreResponse"}


def test_text_with_a_control_character_is_refused_where_it_enters(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    """The contract's rule for text cells holds at every route that takes an id, a label or an
    own column's name: a list whose files could not be written is never recorded."""
    hidden = ["A\nB", "\t=2+3", "X\x00Y", "Z\x85"]
    msmes = [profile | {"msme_id": ident} for profile, ident in zip(profiles, hidden, strict=False)]
    english = AUTH | {"Accept-Language": "en"}
    scores = client.post("/v1/scores", json={"msmes": msmes}, headers=english)
    assert set(_problems(scores)) == {f"msmes.{i}.msme_id" for i in range(len(hidden))}
    assert "=2+3" not in scores.text
    reasons = {problem["reason"] for problem in scores.json()["problems"]}
    assert reasons == {
        f"msmes[{i}].msme_id holds a control character (tab, line break or another invisible "
        "character)"
        for i in range(len(hidden))
    }

    listed = client.post(
        "/v1/lists",
        json={
            "msmes": [profiles[0] | {"extra": {"nama\tusaha": "Warung"}}, profiles[1]],
            "capacity": 1,
            "source_file": "kandidat\r.csv",
        },
        headers=AUTH,
    )
    assert set(_problems(listed)) == {"source_file", "msmes.0.extra.nama\tusaha"}
    outcome = {"list_id": "x", "msme_id": "A\u009bB", "mentored": True, "digitalized": False}
    recorded = client.post("/v1/outcomes", json={"outcomes": [outcome]}, headers=AUTH)
    assert set(_problems(recorded)) == {"outcomes.0.msme_id"}
    # Printable text in any script is text: accents and Indonesian names pass.
    fine = client.post(
        "/v1/scores", json={"msmes": [profiles[0] | {"msme_id": "UMKM-Bandung-é"}]}, headers=AUTH
    )
    assert fine.status_code == 200, fine.text
