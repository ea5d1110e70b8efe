"""The evaluation zoo's tables and goal check (`benchmarks/zoo.py --table`): which lines count,
the paired gap to the best peer, and issue 9's goals cell by cell. No training: result lines are
written by hand."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def zoo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("zoo_under_test", BENCHMARKS / "zoo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _line(family: str, size: int, seed: int, model: str, share: float) -> dict[str, Any]:
    return {"family": family, "size": size, "seed": seed, "model": model, "oracle_0.10": share}


def _write(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_later_file_replaces_a_line_and_peers_from_gives_only_peers(
    zoo: ModuleType, tmp_path: Path
) -> None:
    old = _write(
        tmp_path / "old.jsonl",
        [
            _line("simulator", 20_000, 0, "ours", 0.10),  # an earlier default: must not count
            _line("simulator", 20_000, 0, "causalml_s", 0.50),
        ],
    )
    new = _write(tmp_path / "new.jsonl", [_line("simulator", 20_000, 0, "ours", 0.60)])
    frame = zoo.read_lines([new], peers_from=[old])
    values = dict(zip(frame["model"], frame["oracle_0.10"], strict=True))
    assert values == {"causalml_s": 0.50, "ours": 0.60}

    rerun = _write(tmp_path / "rerun.jsonl", [_line("simulator", 20_000, 0, "ours", 0.70)])
    frame = zoo.read_lines([new, rerun], peers_from=[old])
    assert frame.loc[frame["model"] == "ours", "oracle_0.10"].tolist() == [0.70]


def test_a_seed_without_peers_or_without_ours_is_left_out(zoo: ModuleType, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "lines.jsonl",
        [
            _line("nw_a", 5_000, 0, "ours", 0.9),
            _line("nw_a", 5_000, 0, "causalml_s", 0.8),
            _line("nw_a", 5_000, 1, "ours", 0.1),  # no peer ran this seed
            _line("nw_a", 5_000, 2, "causalml_t", 0.7),  # ours did not run this seed
        ],
    )
    frame = zoo.read_lines([path])
    assert sorted(frame["seed"].unique().tolist()) == [0]


def test_paired_gap_is_the_mean_difference_with_its_standard_error(
    zoo: ModuleType, tmp_path: Path
) -> None:
    ours = [0.80, 0.90, 0.70]
    peer = [0.75, 0.80, 0.72]
    lines = [_line("simulator", 20_000, s, "ours", v) for s, v in enumerate(ours)]
    lines += [_line("simulator", 20_000, s, "causalml_x", v) for s, v in enumerate(peer)]
    frame = zoo.read_lines([_write(tmp_path / "lines.jsonl", lines)])
    gap, se, seeds = zoo.paired_gap(frame, "oracle_0.10", "causalml_x")
    diffs = [a - b for a, b in zip(ours, peer, strict=True)]
    mean = sum(diffs) / 3
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / 2)
    assert seeds == 3
    assert gap == pytest.approx(mean)
    assert se == pytest.approx(sd / math.sqrt(3))


def test_the_goal_check_says_which_goal_each_cell_meets(zoo: ModuleType, tmp_path: Path) -> None:
    lines = []
    for seed, (ours, peer) in enumerate([(0.89, 0.85), (0.88, 0.86)]):
        lines += [
            _line("msme_access", 60_000, seed, "ours", ours),
            _line("msme_access", 60_000, seed, "causalml_x", peer),
        ]
    for seed, (ours, peer) in enumerate([(0.70, 0.73), (0.71, 0.74), (0.69, 0.71)]):
        lines += [
            _line("nw_a", 5_000, seed, "ours", ours),
            _line("nw_a", 5_000, seed, "causalml_s", peer),
        ]
    frame = zoo.read_lines([_write(tmp_path / "lines.jsonl", lines)])
    table = [
        [cell.strip() for cell in line.strip("|").split("|")] for line in zoo.goal_lines(frame)
    ]
    assert table[0] == ["family", "rows", "goal", "ours", "best peer", "ours − best ± se", "met"]
    rows = {(cells[0], cells[1], cells[2]): cells[6] for cells in table[2:]}
    # an MSME-contract world at 60,000 rows: ahead of the peer, but under 0.90
    assert rows[("msme_access", "60,000", "≥ best peer")] == "yes"
    assert rows[("msme_access", "60,000", "≥ 0.90")] == "**no**"
    # 5,000 rows: behind by 0.027 on average, more than the paired spread between seeds (0.006)
    assert rows[("nw_a", "5,000", "≥ best peer − 0.006 (spread)")] == "**no**"
    assert len(rows) == 3  # no "≥ 0.90" for a generic world, no "≥ best peer" at 5,000 rows


def test_msme_worlds_refuse_to_run_without_the_shared_provinces(
    zoo: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without provinces_38.csv the simulator weights provinces equally: other worlds, silently.
    monkeypatch.setenv("UMKM_SHARED_DATA", str(tmp_path))
    with pytest.raises(SystemExit, match=r"provinces_38\.csv not found"):
        zoo.require_shared_data(["nw_a", "msme_access"])
    with pytest.raises(SystemExit, match=r"provinces_38\.csv not found"):
        list(zoo.probe_worlds("msme_reserve_q:5000:0"))
    zoo.require_shared_data(["nw_a", "cm_classification"])  # generated worlds need nothing
