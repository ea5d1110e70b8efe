"""What the docs and `umkm score --help` say of training and scoring is what the code does:
every training setting is in docs/targeting.md's list of fields (`fold_models_min_folds` was
missing), and the quarantine file of `umkm score` is named as `quarantine_path_for` names it
(they said `<output>.quarantine.csv`: `s_wt.csv.quarantine.csv`, not `s_wt.quarantine.csv`)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from training.config import TrainConfig
from training.score import quarantine_path_for
from umkm.cli import app

DOCS = Path(__file__).resolve().parents[2] / "docs"
FIELDS_START = "Fields (unknown keys refused"


def test_every_setting_is_in_the_documented_list() -> None:
    text = (DOCS / "targeting.md").read_text(encoding="utf-8")
    listed = text[text.index(FIELDS_START) :].split("\n\n", 1)[0]
    named = set(re.findall(r"`\[*([a-z_]+)\]*`", listed))  # `seed`, `[tuning]`, `[[features]]`

    assert sorted(set(TrainConfig.model_fields) - named) == []


def test_the_score_quarantine_file_is_named_as_scoring_names_it() -> None:
    help_text = CliRunner().invoke(app, ["score", "--help"], env={"COLUMNS": "200"}).stdout
    guide = (DOCS / "guides" / "data-scientists.md").read_text(encoding="utf-8")
    said = " ".join(help_text.split())

    assert quarantine_path_for(Path("s_wt.csv")).name == "s_wt.quarantine.csv"
    assert quarantine_path_for(Path("scores.csv")).name == "scores.quarantine.csv"
    assert "<stem>.quarantine.csv beside the output (scores.csv: scores.quarantine.csv" in said
    assert "`--output s_wt.csv`: `s_wt.quarantine.csv`" in guide
    assert "<output>.quarantine.csv" not in said + guide
