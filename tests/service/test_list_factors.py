"""A list issued through POST /v1/lists keeps its selected MSMEs' top factors, as a list made on
the page does (store revision 0007), once its answer is sent: every selected MSME's (explored
slots too), none for the others; an idempotent replay finds none again; reopened on the page
after another model became champion, the list still shows its reasons; a store that refuses them
costs the answer nothing and is logged without a profile's values. On the real program store
and the session's real model (the test client runs background tasks before it answers)."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from mlflow import MlflowClient
from sqlalchemy import Connection, text

from data.store.repository import ProgramStore
from service.app import create_app
from service.program_schemas import ListMsme
from service.scoring import factors_by_msme
from service.settings import Settings
from service.web.issued import reopened_list
from tests.service.support import ADMIN, AUTH, TestClient, register_copy_as_champion


def _issue(
    client: TestClient, profiles: list[dict[str, Any]], headers: dict[str, str] = AUTH
) -> Any:
    body = {"msmes": profiles[:40], "capacity": 10, "exploration_seed": 7}
    return client.post("/v1/lists", json=body, headers=headers)


def _store(client: TestClient) -> ProgramStore:
    store: ProgramStore = client.app.state.program_store  # type: ignore[attr-defined]
    return store


def test_a_list_keeps_the_factors_of_every_selected_msme_and_of_no_other(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    made = _issue(client, profiles)
    assert made.status_code == 201, made.text

    issued = _store(client).get_list(made.json()["list_id"])
    selected = [member for member in issued.members if member.selected]
    assert {member.selected_by for member in selected} == {"model", "exploration"}
    assert all(member.factors for member in selected)
    assert all(member.factors is None for member in issued.members if not member.selected)
    # The factors the model gives each selected profile, under its own MSME id.
    loaded = client.app.state.model_store.current  # type: ignore[attr-defined]
    chosen = {member.msme_id for member in selected}
    sent = [ListMsme.model_validate(p) for p in profiles[:40] if p["msme_id"] in chosen]
    expected = factors_by_msme(loaded, sent)
    kept = {member.msme_id: member.factors for member in selected}
    assert kept.keys() == expected.keys()
    for msme_id, factors in kept.items():  # the same factors; contributions to the last bits
        assert factors is not None
        assert [(name, value) for name, value, _ in factors] == [
            (name, value) for name, value, _ in expected[msme_id]
        ]
        assert [c for _, _, c in factors] == pytest.approx([c for _, _, c in expected[msme_id]])


def test_a_replayed_request_finds_no_factors_again(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    keyed = AUTH | {"Idempotency-Key": "factors-once"}
    first = _issue(client, profiles, keyed)
    list_id = first.json()["list_id"]
    store = _store(client)
    assert all(m.factors for m in store.get_list(list_id).members if m.selected)
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE listed_msmes SET factors = NULL WHERE list_id = :id"), {"id": list_id}
        )

    again = _issue(client, profiles, keyed)

    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    assert all(member.factors is None for member in store.get_list(list_id).members)


@pytest.fixture
def new_champion(registered_model: Any) -> Iterator[Callable[[], str]]:
    """Called, registers a copy of the session's model as the champion and gives its version;
    the alias is put back on the session's version afterwards."""
    registry = MlflowClient(tracking_uri=registered_model.tracking_uri)
    original = registry.get_model_version_by_alias(registered_model.name, "champion").version
    yield partial(register_copy_as_champion, registered_model, "service-test-list-factors")
    registry.set_registered_model_alias(registered_model.name, "champion", original)


def test_an_api_list_reopened_under_another_champion_keeps_its_reasons(
    make_settings: Callable[..., Settings],
    new_champion: Callable[[], str],
    profiles: list[dict[str, Any]],
) -> None:
    """Without its factors, an API list is explained again only while its own model serves."""
    with TestClient(create_app(make_settings())) as running:
        made = _issue(running, profiles).json()
        maker = running.app.state.model_store.current  # type: ignore[attr-defined]
        view = f"/v1/lists/{made['list_id']}/view"
        before = running.get(view, headers=AUTH).json()

        version = new_champion()
        assert running.post("/v1/admin/reload", headers=ADMIN).json()["changed"] is True
        after = running.get(view, headers=AUTH)
        issued = _store(running).get_list(made["list_id"])

    assert after.status_code == 200, after.text
    assert version != maker.ref.version == made["model"]["version"]
    reasons = [item["reasons"] for item in after.json()["selected"]]
    assert reasons == [item["reasons"] for item in before["selected"]]
    assert all(reasons) and len(reasons) == 10
    # The reasons the model that made the list gives, as a list without factors is explained
    # while that model serves; under another, such a list has none.
    without = dataclasses.replace(
        issued, members=tuple(dataclasses.replace(m, factors=None) for m in issued.members)
    )
    again = reopened_list(without, maker, "id").model_dump(mode="json")
    assert reasons == [item["reasons"] for item in again["selected"]]
    assert all(not item.reasons for item in reopened_list(without, None, "id").selected)


def _refuse_factors(connection: Connection) -> None:
    """A trigger that refuses any write of `listed_msmes.factors` (the database's own refusal)."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(
                "CREATE FUNCTION refuse_factors() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'factors refused'; END $$"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER refuse_factors BEFORE UPDATE OF factors ON listed_msmes "
                "FOR EACH ROW EXECUTE FUNCTION refuse_factors()"
            )
        )
    else:
        connection.execute(
            text(
                "CREATE TRIGGER refuse_factors BEFORE UPDATE OF factors ON listed_msmes "
                "BEGIN SELECT RAISE(ABORT, 'factors refused'); END"
            )
        )


def _allow_factors(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("DROP TRIGGER refuse_factors ON listed_msmes"))
        connection.execute(text("DROP FUNCTION refuse_factors()"))
    else:
        connection.execute(text("DROP TRIGGER refuse_factors"))


def test_factors_the_store_refuses_leave_the_answer_and_are_logged_without_values(
    client: TestClient, profiles: list[dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    store = _store(client)
    with store.engine.begin() as connection:
        _refuse_factors(connection)
    try:
        with caplog.at_level(logging.WARNING, logger="service.program"):
            made = _issue(client, profiles)
    finally:
        with store.engine.begin() as connection:
            _allow_factors(connection)

    assert made.status_code == 201, made.text
    list_id = made.json()["list_id"]
    assert all(member.factors is None for member in store.get_list(list_id).members)
    [record] = [r for r in caplog.records if r.name == "service.program"]
    assert record.levelno == logging.WARNING
    logged = record.getMessage()
    # The list's id and the error's kind, nothing of the database's message or the profiles.
    assert re.fullmatch(rf"factors of list {list_id} not kept .*: [A-Za-z]+Error", logged)
    sent = {str(value) for profile in profiles[:40] for value in profile.values()}
    assert not [value for value in sent if len(value) > 3 and value in logged]
    # The list reopens as one recorded without factors: explained again by its own model.
    view = client.get(f"/v1/lists/{list_id}/view", headers=AUTH)
    assert view.status_code == 200 and all(item["reasons"] for item in view.json()["selected"])
