"""The store's commands that only read it (`umkm export-history`, `umkm db current`): a SQLite
store that is not there is named and not created; and the export warns of a history too thin to
train on."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from data.messages import Language, render
from data.store.engine import make_engine
from data.store.errors import StoreMissingError
from data.store.migrate import upgrade
from data.store.records import OutcomeIn
from data.store.repository import ProgramStore
from tests.data.store.conftest import members
from umkm.cli import app

MISSING_HINT = (
    "check --url / UMKM_DATABASE_URL, or run `umkm serve` / `umkm db upgrade` to create one"
)


def test_export_history_names_a_store_that_is_not_there_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    output = tmp_path / "x.parquet"

    result = CliRunner().invoke(
        app, ["export-history", "--output", str(output), "--url", "sqlite:///work/nonexistent.db"]
    )

    assert result.exit_code == 2, result.output
    missing = tmp_path / "work" / "nonexistent.db"
    assert " ".join(result.stderr.split()) == (
        f"error: no program store at {missing}; {MISSING_HINT}"
    )
    assert "db upgrade`?" not in result.stderr  # not "no such table"
    assert not missing.exists() and not missing.parent.exists()
    assert not output.exists()


def test_db_current_names_a_store_that_is_not_there_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "umkm.db"

    result = CliRunner().invoke(app, ["db", "current", "--url", f"sqlite:///{missing}"])

    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert f"no program store at {missing}" in " ".join(result.stderr.split())
    assert not missing.exists()


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "no program store at {path}; " + MISSING_HINT),
        (
            "id",
            "tidak ada penyimpanan program di {path}; periksa --url / UMKM_DATABASE_URL, atau "
            "jalankan `umkm serve` / `umkm db upgrade` untuk membuatnya",
        ),
    ],
)
def test_a_store_that_is_not_there_has_its_own_code_naming_the_path(
    tmp_path: Path, language: Language, said: str
) -> None:
    """`store_missing` with the path, so a command's --lang words it (not `store_error`)."""
    missing = tmp_path / "umkm.db"

    with pytest.raises(StoreMissingError) as raised:
        make_engine(f"sqlite:///{missing}", existing=True)

    error = raised.value
    assert (error.code, dict(error.params)) == ("store_missing", {"path": str(missing)})
    assert str(error) == render(error.code, error.params, "en")
    assert render(error.code, error.params, language) == said.format(path=missing)
    assert not missing.exists()


def test_db_upgrade_still_creates_a_new_store(tmp_path: Path) -> None:
    created = tmp_path / "new.db"
    result = CliRunner().invoke(app, ["db", "upgrade", "--url", f"sqlite:///{created}"])
    assert result.exit_code == 0, result.output
    assert created.is_file()


def _store_with_outcomes(tmp_path: Path, n: int, successes: dict[bool, int]) -> str:
    """A store with one list of `n` candidates, the first half mentored; `successes[mentored]`
    of each half went digital."""
    url = f"sqlite:///{tmp_path / 'umkm.db'}"
    upgrade(url)
    store = ProgramStore.from_url(url)
    try:
        listed = members(n, n // 2)
        list_id = store.record_list(
            created_by="cli", model_name="umkm-uplift", model_version="1", members=listed
        )
        half = n // 2
        store.record_outcomes(
            OutcomeIn(
                list_id,
                m.msme_id,
                mentored=i < half,
                digitalized=(i if i < half else i - half) < successes[i < half],
            )
            for i, m in enumerate(listed)
        )
    finally:
        store.close()
    return url


def test_export_history_warns_when_an_arm_has_too_few_successes(tmp_path: Path) -> None:
    url = _store_with_outcomes(tmp_path, 40, {True: 3, False: 2})
    output = tmp_path / "history.parquet"

    result = CliRunner().invoke(app, ["export-history", "--output", str(output), "--url", url])

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(output)
    err = " ".join(result.stderr.split())
    assert "note: 40 rows exported from the program store" in err
    assert (
        "warning: too few outcome events to train on: 3 successes among mentored and 2 among "
        "not mentored MSMEs (training needs at least 50 per arm"
    ) in err
    assert "train on it together with the earlier history" in err
    assert "one row per msme_id" in err


def test_export_history_does_not_warn_when_both_arms_have_enough_successes(
    tmp_path: Path,
) -> None:
    url = _store_with_outcomes(tmp_path, 120, {True: 50, False: 55})
    output = tmp_path / "history.csv"

    result = CliRunner().invoke(app, ["export-history", "--output", str(output), "--url", url])

    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr


@pytest.mark.parametrize(
    "url", ["notaurl", "mysql://ops:S3cret@db/umkm", "postgresql://o:p@h:x/db"]
)
def test_db_refuses_a_url_it_cannot_use_as_a_setting_mistake(url: str) -> None:
    result = CliRunner().invoke(app, ["db", "current", "--url", url])

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: UMKM_DATABASE_URL")
    assert "S3cret" not in result.output and "Traceback" not in result.output
