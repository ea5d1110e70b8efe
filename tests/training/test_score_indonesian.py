"""`umkm score` reads a file as Indonesian Excel saves it, as `umkm validate` and `umkm prioritize`
do: title rows above a Bahasa header, semicolons, decimal commas, thousands dots, `Rp`."""

from __future__ import annotations

from pathlib import Path

import mlflow.pyfunc
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from data.contract import SCORE_FIELDS
from data.contract import column as contract_column
from data.numbers import render
from data.reference import value_label
from tests.conftest import RegisteredModel
from umkm.cli import app

TITLES = ("Daftar Kandidat Pendampingan UMKM 2025", "Dinas Koperasi dan UKM")
FIRST_ROW_IN_SHEET = len(TITLES) + 2  # below the titles and the header
BROKEN = {3: ("usia pemilik", "151"), 7: ("omzet bulanan", "1,5 juta")}  # positions in the file


def _bahasa_cell(name: str, value: object) -> str:
    """A cell as a person in Indonesia types it: names, ya/tidak, 1.500.000 and 2,5."""
    kind = contract_column(name).kind
    if kind == "category":
        return value_label(name, str(value), "id")
    if kind == "boolean":
        return "ya" if value else "tidak"
    if name == "monthly_revenue_idr":
        return render(float(str(value)), "money", "id")  # Rp 1.500.000
    if kind == "number":
        return render(float(str(value)), "number", "id")
    return str(value)


def _indonesian_csv(profiles: pd.DataFrame, path: Path) -> Path:
    """Title rows, a Bahasa header (the contract's terms) and Bahasa cells, separated by `;`."""
    names = [str(name) for name in profiles.columns]
    header = [contract_column(name).term_id for name in names]
    rows = [
        [_bahasa_cell(name, value) for name, value in zip(names, row, strict=True)]
        for row in profiles.itertuples(index=False)
    ]
    for position, (term, text) in BROKEN.items():
        rows[position][header.index(term)] = text
    lines = [*TITLES, ";".join(header), *(";".join(row) for row in rows)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


@pytest.fixture
def profiles(registered_model: RegisteredModel) -> pd.DataFrame:
    return registered_model.candidates.head(20).reset_index(drop=True)


def test_score_reads_title_rows_bahasa_headers_and_indonesian_numbers(
    registered_model: RegisteredModel, profiles: pd.DataFrame, tmp_path: Path
) -> None:
    source = _indonesian_csv(profiles, tmp_path / "kandidat.csv")
    output = tmp_path / "scores.csv"

    result = CliRunner().invoke(
        app,
        [
            "score",
            "--data",
            str(source),
            "--output",
            str(output),
            "--model",
            registered_model.model_uri,
        ],
    )

    assert result.exit_code == 0, result.output
    assert "20 rows read: 18 scored" in result.output
    assert "2 rejected" in result.output
    clean = profiles.drop(index=list(BROKEN)).reset_index(drop=True)
    scores = pd.read_csv(output, dtype={"msme_id": str})
    assert list(scores.columns) == ["msme_id", *SCORE_FIELDS]
    assert list(scores["msme_id"]) == list(clean["msme_id"])
    # The same scores as the file the model was trained from: every cell was read right.
    expected = mlflow.pyfunc.load_model(registered_model.model_uri).predict(clean)
    np.testing.assert_allclose(
        scores["uplift"].to_numpy(dtype=float), expected["uplift"].to_numpy(dtype=float)
    )

    quarantine = pd.read_csv(tmp_path / "scores.quarantine.csv")
    assert quarantine["row"].tolist() == [FIRST_ROW_IN_SHEET + p for p in BROKEN]  # as in the sheet
    assert quarantine["reasons"].tolist() == [
        "column owner_age: value is out of range 15–100",
        "column monthly_revenue_idr: value is not a number (use a comma for decimals and a dot "
        "or nothing between thousands, digits only, like 1.500.000 or 2,5)",
    ]


def test_score_names_the_header_it_could_not_find(tmp_path: Path) -> None:
    source = tmp_path / "laporan.csv"
    source.write_text("Laporan;;\nNama;Alamat;Provinsi\nA;B;Aceh\n", encoding="utf-8")

    result = CliRunner().invoke(
        app, ["score", "--data", str(source), "--output", str(tmp_path / "s.csv")]
    )

    assert result.exit_code == 2
    assert (
        f"{source}: the file does not follow the profile contract: header: no row among the "
        "first 3 names enough of the contract's columns" in " ".join(result.output.split())
    )
