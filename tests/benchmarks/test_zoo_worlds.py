"""The evaluation zoo's MSME worlds (`benchmarks/zoo_worlds.py` and the helper-written modules)
keep the data contract, so that the pipeline trains on them as on a programme's file: every
history row passes validation, the evaluation population carries no outcome, the truth has one
finite value per evaluation row, and a seed gives the same world again. No model is trained."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from data.contract import OUTCOME_COLUMN, TREATMENT_COLUMN
from data.reference import SHARED_PROVINCES, provinces
from data.validation import validate_frame

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
ROWS = 600


@pytest.fixture(scope="module")
def worlds() -> Iterator[tuple[dict[str, Callable[[int, int], Any]], tuple[str, ...]]]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from zoo_worlds import FAMILIES, MSME_FAMILIES

        yield FAMILIES, MSME_FAMILIES
    finally:
        sys.path.remove(str(BENCHMARKS))


# Written out (not read from zoo_worlds): a world added to the zoo must be added here to be checked.
MSME = (
    "simulator",
    "msme_access",
    "msme_against",
    "msme_access_lottery",
    "msme_against_lottery",
    "msme_smooth",
    "msme_logit",
    "msme_blind_a",
    "msme_blind_b",
    "msme_heldout_c",
    "msme_heldout_d",
    "msme_reserve_e",
    "msme_reserve_f",
    "msme_reserve_g",
    "msme_reserve_h",
    "msme_reserve_i",
    "msme_reserve_j",
    "msme_reserve_k",
    "msme_reserve_l",
    "msme_reserve_m",
    "msme_reserve_n",
    "msme_reserve_o",
    "msme_reserve_p",
    "msme_reserve_q",
    "msme_reserve_r",
    "msme_reserve_s",
    "msme_reserve_t",
    "msme_reserve_u",
    "msme_reserve_v",
    "msme_reserve_w",
    "msme_reserve_x",
    "msme_reserve_y",
    "msme_reserve_z",
    "msme_reserve_aa",
    "msme_reserve_ab",
    "msme_reserve_ac",
    "msme_reserve_ad",
    "msme_reserve_ae",
    "msme_reserve_af",
    "msme_reserve_ag",
    "msme_reserve_ah",
)


@pytest.fixture(scope="module")
def province_figures_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A shared data folder whose provinces_38.csv holds made-up populations and areas for the
    contract's 38 provinces (the real file is read from `../shared`, never copied)."""
    folder = tmp_path_factory.mktemp("shared-data")
    table = provinces()
    pd.DataFrame(
        {
            "kode_prov": table["province_code"],
            "nama": table["province_name"],
            "island_group": table["island_group"],
            "penduduk_dukcapil_2024s2": [1_000_000 + 250_000 * i for i in range(len(table))],
            "luas_km2": [5_000.0 + 1_000.0 * i for i in range(len(table))],
        }
    ).to_csv(folder / SHARED_PROVINCES, index=False)
    return folder


def test_every_msme_family_is_listed_as_one(
    worlds: tuple[dict[str, Callable[[int, int], Any]], tuple[str, ...]],
) -> None:
    families, msme = worlds
    assert set(msme) == set(MSME)
    assert set(msme) <= set(families)


@pytest.mark.parametrize("family", MSME)
@pytest.mark.usefixtures("shared_folder_moved")
def test_an_msme_world_keeps_the_contract_and_its_seed(
    family: str,
    worlds: tuple[dict[str, Callable[[int, int], Any]], tuple[str, ...]],
    monkeypatch: pytest.MonkeyPatch,
    province_figures_folder: Path,
) -> None:
    # Worlds that weight provinces by population read it from the shared data folder: here a
    # made-up one, so the check runs with or without `../shared` (the contract is the point).
    monkeypatch.setenv("UMKM_SHARED_DATA", str(province_figures_folder))
    make = worlds[0][family]
    world = make(ROWS, 3)
    history: pd.DataFrame = world.history
    evaluation: pd.DataFrame = world.evaluation
    truth = world.true_uplift

    assert world.msme
    assert len(history) == ROWS
    result = validate_frame(history, "history")
    assert result.problems == [], result.problems[:3]
    assert result.n_valid == ROWS
    assert history[TREATMENT_COLUMN].nunique() == 2  # both arms present
    assert TREATMENT_COLUMN not in evaluation.columns
    assert OUTCOME_COLUMN not in evaluation.columns
    assert validate_frame(evaluation, "profile").problems == []
    assert truth is not None and truth.shape == (len(evaluation),)
    assert np.isfinite(truth).all() and (np.abs(truth) <= 1).all()
    assert truth.std() > 0  # heterogeneous: targeting can matter

    again = make(ROWS, 3)
    pd.testing.assert_frame_equal(again.history, history)
    other = make(ROWS, 4)
    assert not other.history[OUTCOME_COLUMN].equals(history[OUTCOME_COLUMN])
