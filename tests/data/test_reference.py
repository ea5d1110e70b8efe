"""The contract's province list ships with the project; the provinces' population and area are
read from the shared data folder, never copied, and the simulator says how it weighted them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data import population
from data import simulate as sim
from data.reference import (
    SHARED_PROVINCES,
    SharedDataMissingError,
    province_figures,
    provinces,
    shared_provinces_file,
)
from tests.conftest import SHARED_DATA

SHARED_FILE = SHARED_DATA / SHARED_PROVINCES
needs_shared = pytest.mark.skipif(
    not SHARED_FILE.is_file(), reason=f"shared province figures not found at {SHARED_FILE}"
)


def _write_shared(folder: Path, frame: pd.DataFrame) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SHARED_PROVINCES
    frame.to_csv(path, index=False)
    return path


def _shared_like(codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kode_prov": codes,
            "nama": ["x"] * len(codes),
            "island_group": ["Jawa"] * len(codes),
            "penduduk_dukcapil_2024s2": range(1_000, 1_000 + len(codes)),
            "luas_km2": [100.0] * len(codes),
        }
    )


def test_the_shipped_list_holds_the_contract_only() -> None:
    shipped = pd.read_csv(Path(sim.__file__).parent / "reference" / "provinces.csv")
    assert list(shipped.columns) == ["kode_prov", "nama", "island_group"]
    assert len(provinces()) == 38
    assert set(provinces().columns) == {"province_code", "province_name", "island_group"}


def test_the_folder_is_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("UMKM_SHARED_DATA", str(tmp_path))
    assert shared_provinces_file() == tmp_path / SHARED_PROVINCES


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SharedDataMissingError) as raised:
        province_figures(tmp_path / SHARED_PROVINCES)
    assert raised.value.filename == str(tmp_path / SHARED_PROVINCES)
    assert "UMKM_SHARED_DATA" in str(raised.value)


def test_a_file_with_other_provinces_is_refused(tmp_path: Path) -> None:
    codes = list(provinces()["province_code"])
    path = _write_shared(tmp_path, _shared_like([*codes[:-1], "99"]))
    with pytest.raises(ValueError, match=rf"differ from the contract's 38 in {codes[-1]}, 99"):
        province_figures(path)


def test_a_province_without_population_is_refused(tmp_path: Path) -> None:
    frame = _shared_like(list(provinces()["province_code"]))
    frame.loc[3, "penduduk_dukcapil_2024s2"] = 0
    with pytest.raises(ValueError, match="population is missing or not positive"):
        province_figures(_write_shared(tmp_path, frame))


def test_figures_follow_the_contracts_order(tmp_path: Path) -> None:
    codes = list(provinces()["province_code"])
    figures = province_figures(_write_shared(tmp_path, _shared_like(codes[::-1])))
    assert list(figures["province_code"]) == codes
    # Reversed in the file, so the contract's first province got the last population.
    assert figures["population"].iloc[0] == 1_000 + len(codes) - 1
    assert figures.attrs["source"] == str(tmp_path / SHARED_PROVINCES)


@needs_shared
def test_the_shared_figures_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UMKM_SHARED_DATA", str(SHARED_DATA))
    figures = province_figures()
    assert len(figures) == 38 and (figures["population"] > 0).all()
    by_code = figures.set_index("province_code")["population"]
    assert by_code["32"] > by_code["34"]  # Jawa Barat is far more populous than Yogyakarta


@needs_shared
@pytest.mark.usefixtures("shared_folder_moved")
def test_the_simulator_weights_by_population_when_the_folder_is_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("UMKM_SHARED_DATA", str(SHARED_DATA))
    assert population.province_weighting().startswith("by population")
    counts = sim.simulate(20_000, 3).history["province_code"].value_counts()
    assert counts["32"] > 3 * counts["34"]


@pytest.mark.usefixtures("shared_folder_moved")
def test_the_simulator_weights_equally_without_the_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("UMKM_SHARED_DATA", str(tmp_path / "absent"))
    population.reference_arrays.cache_clear()
    weighting = population.province_weighting()
    assert weighting.startswith("equally within each island group")
    assert str(tmp_path / "absent" / SHARED_PROVINCES) in weighting
    counts = sim.simulate(20_000, 3).history["province_code"].value_counts()
    java = [
        code
        for code, island in provinces()[["province_code", "island_group"]].values
        if island == "Jawa"
    ]
    shares = counts[java] / counts[java].sum()
    assert shares.max() - shares.min() < 0.04  # six provinces, about 1/6 each
