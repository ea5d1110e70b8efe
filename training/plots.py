"""PNG plots of an evaluation: Qini and uplift curves, calibration per arm, propensity overlap.

Each function draws on its own `Figure` with the Agg backend (no display, no pyplot state) and
writes one PNG, complete under its name or not at all (`data.writing.atomic_write`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from data.writing import atomic_write
from training import evaluation as ev
from training.metric_kernels import FloatArray


def _figure(width: float = 7.0, height: float = 4.5) -> Figure:
    matplotlib.use("Agg")
    return Figure(figsize=(width, height), dpi=100)


def _save(figure: Figure, path: Path) -> Path:
    """The figure as a PNG at `path`, drawn to a temporary name beside it and renamed: a run
    killed while drawing leaves no truncated image under the final name."""
    figure.tight_layout()
    with atomic_write(path) as temporary:  # creates the parent folder
        # The temporary's name ends in .partial: the format comes from the final name.
        figure.savefig(temporary, format=path.suffix.lstrip(".").lower() or "png")
    return path


def _thin(x: FloatArray, values: FloatArray, points: int = 400) -> tuple[FloatArray, FloatArray]:
    """At most `points` points of a long curve (for drawing only)."""
    if len(x) <= points:
        return x, values
    keep = np.unique(np.linspace(0, len(x) - 1, points).astype(int))
    return x[keep], values[keep]


def curves_plot(
    y: FloatArray,
    t: FloatArray,
    rankings: Mapping[str, FloatArray],
    path: Path,
    *,
    kind: str = "qini",
) -> Path:
    """Qini (or uplift) curves of several rankings on the same rows, with the random line and
    (for Qini) the perfect curve; x in share of rows targeted."""
    figure = _figure()
    axes = figure.add_subplot(1, 1, 1)
    n = len(y)
    curve = ev.qini_curve if kind == "qini" else ev.uplift_curve
    end = 0.0
    for label, score in rankings.items():
        x, values = curve(y, score, t)
        x, values = _thin(x, values)
        axes.plot(x / n, values, label=label, linewidth=1.4)
        end = float(values[-1])
    axes.plot([0, 1], [0, end], linestyle="--", color="grey", label="random")
    if kind == "qini":
        x, values = ev.perfect_qini_curve(y, t)
        x, values = _thin(x, values)
        axes.plot(x / n, values, linestyle=":", color="black", label="perfect", linewidth=1)
    axes.set_xlabel("share of rows targeted (ranked by score)")
    axes.set_ylabel("extra outcomes (Qini)" if kind == "qini" else "uplift x rows")
    axes.set_title("Qini curve, held-out rows" if kind == "qini" else "Uplift curve, held-out rows")
    axes.legend(loc="best", fontsize=8)
    axes.grid(alpha=0.3)
    return _save(figure, path)


def calibration_plot(table: pd.DataFrame, path: Path) -> Path:
    """Observed against predicted outcome rate per quantile bin, one line per arm."""
    figure = _figure(5.5, 5.0)
    axes = figure.add_subplot(1, 1, 1)
    top = float(max(table["predicted"].max(), table["observed"].max(), 0.01))
    axes.plot([0, top], [0, top], linestyle="--", color="grey", label="perfectly calibrated")
    for arm, part in table.groupby("arm", sort=False):
        axes.plot(part["predicted"], part["observed"], marker="o", label=str(arm))
    axes.set_xlabel("mean predicted probability")
    axes.set_ylabel("observed rate")
    axes.set_title("Calibration per arm, held-out rows")
    axes.legend(loc="best", fontsize=8)
    axes.grid(alpha=0.3)
    return _save(figure, path)


def overlap_plot(propensity: FloatArray, t: FloatArray, path: Path) -> Path:
    """Histogram of cross-fitted propensity scores per arm with the [0.05, 0.95] band."""
    figure = _figure()
    axes = figure.add_subplot(1, 1, 1)
    bins = [i / 50 for i in range(51)]
    for arm, label in ((1, "mentored / treated"), (0, "control")):
        axes.hist(propensity[t == arm], bins=bins, alpha=0.55, density=True, label=label)
    for edge in (0.05, 0.95):
        axes.axvline(edge, color="grey", linestyle="--", linewidth=1)
    axes.set_xlabel("propensity (chance of being treated given the profile), out of fold")
    axes.set_ylabel("density")
    axes.set_title("Propensity overlap")
    axes.legend(loc="best", fontsize=8)
    return _save(figure, path)
