"""Does the calibration floor (2026-12-07) move the ranking? The same trained model, two ways.

Since 2026-12-07 an isotonic step without events is Jeffreys' 0.5 / (n + 1), not 0, and the
chance with mentoring is cut at the control calibration's lowest chance, not at 0
(`models.calibration`, `models.uplift_model`). For Hillstrom splits 0-3 and four MSME worlds at
20,000 rows (seed 0), the default pipeline is trained once and its served uplift is compared
with the uplift the earlier rule gives from the same learner and calibration: the rows whose
uplift differs, and the zoo's scores of both.

    .venv/bin/python benchmarks/calibration_floor_check.py   # from a clone beside ../shared
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import zoo
from zoo_worlds import FAMILIES

CELLS = [("hillstrom", s) for s in range(4)] + [
    (family, 0) for family in ("msme_access", "msme_against", "simulator", "msme_logit")
]


def main() -> None:
    import models.pyfunc

    zoo.require_shared_data([family for family, _ in CELLS])
    loaded: dict[str, Any] = {}
    load = models.pyfunc.load_uplift_model

    def keep(uri: str) -> Any:
        loaded["model"] = load(uri)
        return loaded["model"]

    models.pyfunc.load_uplift_model = keep  # zoo.run_pipeline imports it at call time
    for family, seed in CELLS:
        world = (
            zoo.hillstrom_world(seed) if family == "hillstrom" else FAMILIES[family](20_000, seed)
        )
        served, _ = zoo.run_pipeline(world, {})
        model = loaded["model"]
        raw = model.learner.predict_matrix(model.features(world.evaluation))
        floor = float(model.calibrator_control.transform(np.zeros(1))[0])
        p0 = model.calibrator_control.transform(raw.p0)
        earlier = np.clip(p0 + raw.uplift, 0.0, 1.0) - p0
        # The lowest step was 0 before: there the earlier uplift was the learner's, cut at 0.
        lowest = p0 <= floor
        earlier[lowest] = np.clip(raw.uplift[lowest], 0.0, 1.0)
        before, after = zoo._scores(world, earlier), zoo._scores(world, served)
        scores = ", ".join(f"{k} {before[k]:.5f} -> {after[k]:.5f}" for k in before)
        print(
            f"{family} seed {seed}: {model.calibrator_control.method} control calibration, "
            f"lowest chance {floor:.2g}; {int(np.sum(earlier != served))} of {len(served)} "
            f"uplifts differ; {scores}",
            flush=True,
        )


if __name__ == "__main__":
    main()
