"""`umkm evaluate-policy`: its note on what a list cannot estimate comes from the message catalog
(English: the command has no --lang)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from data.messages import render
from data.store.migrate import upgrade
from data.store.repository import ProgramStore
from tests.data.store.conftest import members
from umkm.cli import app


def test_a_list_without_outcomes_is_noted_in_the_catalogs_english(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'umkm.db'}"
    upgrade(url)
    store = ProgramStore.from_url(url)
    try:
        list_id = store.record_list(
            created_by="page", model_name="umkm-uplift", model_version="1", members=members(5, 3)
        )
    finally:
        store.close()

    result = CliRunner().invoke(app, ["evaluate-policy", "--list-id", list_id, "--url", url])

    assert result.exit_code == 0, result.output
    err = " ".join(result.stderr.split())
    assert f"list {list_id}: no outcome is in for the model's picks yet: nothing to estimate" in err
    assert render("value_status_no_model_outcomes", {}, "en") in err
    assert render("value_status_no_model_outcomes", {}, "id") not in err
    assert f"list {list_id}: 3 model slots (0 outcomes)" in result.stdout
