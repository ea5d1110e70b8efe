"""Training config: defaults, shipped TOML files, and errors that name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from training.config import (
    CONFIG_DIR,
    LIGHTGBM_PARAMETERS,
    ConfigError,
    TrainConfig,
    lightgbm_parameter_names,
    load_config,
    parse_config,
)


def test_defaults_follow_the_msme_contract() -> None:
    config = load_config(None)
    assert config.is_msme
    assert (config.id_column, config.treatment_column, config.outcome_column) == (
        "msme_id",
        "mentored",
        "digitalized",
    )
    assert config.model_name == "umkm-uplift"
    assert config.learners == ("s", "x", "t")
    assert config.ensemble_core == ("s", "x")
    assert config.ensemble and config.categorical_encoding == "codes"
    assert config.capacities == (0.05, 0.1, 0.2, 0.3)


@pytest.mark.parametrize("name", ["msme.toml", "fast.toml", "hillstrom.toml"])
def test_shipped_configs_parse(name: str) -> None:
    config = load_config(CONFIG_DIR / name)
    assert config.learners


def test_hillstrom_config() -> None:
    config = load_config(CONFIG_DIR / "hillstrom.toml")
    assert not config.is_msme
    assert config.id_column is None  # "" in TOML
    assert (config.treated_value, config.control_value) == ("Womens E-Mail", "No E-Mail")
    assert config.outcome_column == "visit"
    assert config.folds == 5
    assert config.model_name != "umkm-uplift"
    # the relative data path is resolved against the config file's folder
    assert config.data_path is not None and config.data_path.is_absolute()
    assert config.data_path.parts[-3:] == ("shared", "data", "hillstrom.csv")
    assert config.features is not None
    kinds = {f.name: f.kind for f in config.features}
    assert kinds["zip_code"] == "categorical" and kinds["newbie"] == "boolean"


def test_large_histories_are_cross_fitted_on_every_row_with_two_folds() -> None:
    """Above 60,000 rows: two folds over every row (up to 300,000; a sample of that many
    above), T joining the stacking. The former name of `ensemble_when_large` still reads, and
    an empty `selection_rows` (TOML has no null) means never sample."""
    config = load_config(None)
    assert (config.folds, config.large_history_rows, config.min_folds) == (5, 60_000, 2)
    assert config.selection_rows == 300_000 and config.ensemble_when_large == ("t",)
    old = parse_config({"ensemble_when_sampled": ["x"], "selection_rows": ""})
    assert old.ensemble_when_large == ("x",) and old.selection_rows is None
    assert old.with_overrides(folds=4).ensemble_when_large == ("x",)


@pytest.mark.parametrize(
    ("rows", "folds"),
    [
        (1_000, 5),
        (60_000, 5),
        (60_001, 4),
        (80_000, 4),
        (80_001, 3),
        (120_000, 3),
        (120_001, 2),
        (200_000, 2),
        (300_000, 2),
    ],
)
def test_large_histories_get_fewer_folds_for_the_same_fitting_work(rows: int, folds: int) -> None:
    """Each learner sees (k - 1) x rows rows over its k folds: above 60,000 rows k shrinks so
    that this stays within five folds' work on 60,000 rows (240,000), never below two."""
    config = load_config(None)
    assert config.crossfit_folds(rows) == folds
    assert (folds - 1) * rows <= 4 * 60_000 or folds == 2
    assert parse_config({"folds": 10, "min_folds": 3}).crossfit_folds(1_000_000) == 3


def test_capacities_are_sorted_fractions() -> None:
    assert parse_config({"capacities": [0.3, 0.1]}).capacities == (0.1, 0.3)
    with pytest.raises(ConfigError, match=r"field capacities: .*fractions"):
        parse_config({"capacities": [10, 20]})


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"learners": ["t", "q"]}, r"field learners\.1"),
        ({"learners": ["t", "t"]}, "learners repeat"),
        ({"learners": []}, "at least one learner"),
        ({"treated_value": "A"}, "both treated_value and control_value"),
        ({"treated_value": "A", "control_value": "A"}, "must differ"),
        ({"contract": "none"}, r"explicit \[\[features\]\]"),
        ({"folds": 1}, "field folds"),
        ({"min_folds": 1}, "field min_folds"),
        ({"large_history_rows": 10}, "field large_history_rows"),
        ({"selection_rows": 10}, "field selection_rows"),
        ({"test_fraction": 0.3}, "field test_fraction"),  # gone: every row is cross-fitted
        ({"categorical_encoding": "onehot"}, "field categorical_encoding"),
        ({"colour": "blue"}, "field colour"),
        ({"features": [{"name": "x", "kind": "numeric", "categories": ["a"]}]}, "categories"),
        ({"features": [{"name": "mentored", "kind": "boolean"}]}, "treatment/outcome"),
        ({"tuning": {"trials": -1}}, r"field tuning\.trials"),
    ],
)
def test_bad_values_name_the_field(values: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(values)


def test_bad_toml_and_missing_file_are_clear(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("learners = [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "absent.toml")


def test_a_config_over_1_mb_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its size is looked at first: the file is not opened (valid TOML: comments)."""
    path = tmp_path / "huge.toml"
    path.write_text("# padding\n" * 200_000 + "seed = 3\n", encoding="utf-8")  # 2 MB

    def not_read(self: Path, *args: object, **kwargs: object) -> None:
        raise AssertionError(f"{self} was opened")

    monkeypatch.setattr(Path, "open", not_read)
    monkeypatch.setattr(Path, "read_text", not_read)
    monkeypatch.setattr(Path, "read_bytes", not_read)
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(refused.value) == (
        f"{path}: config file too large: it holds more than 1,048,576 bytes (1 MB), the most a "
        "config may hold"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_config_that_never_ends_is_read_only_to_the_limit(tmp_path: Path) -> None:
    """A device (or a file growing while read) says size 0: at most the limit and one byte
    are read, then it is refused."""
    path = tmp_path / "endless.toml"
    path.symlink_to("/dev/zero")
    with pytest.raises(
        ConfigError, match=r"more than 1,048,576 bytes \(1 MB\), the most a config may hold"
    ):
        load_config(path)


def test_a_config_of_1_mb_or_less_is_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "windows.toml"
    text = "seed = 7\r\nfolds = 4\r\n"
    path.write_bytes(text.encode("utf-8") + b"#" * (1024 * 1024 - len(text) - 1) + b"\n")
    config = load_config(path)
    assert (config.seed, config.folds) == (7, 4)
    path.write_bytes("# catatan: \xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"windows.toml: config file is not UTF-8 text"):
        load_config(path)


def test_error_message_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('seed = "abc"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value)
    assert "field seed" in str(caught.value)


def test_with_overrides_validates() -> None:
    config = TrainConfig().with_overrides(data_path=Path("x.csv"), seed=3)
    assert config.data_path == Path("x.csv") and config.seed == 3
    with pytest.raises(ConfigError, match="field capacities"):
        TrainConfig().with_overrides(capacities=[2.0])


# --- learner_params, checked by LightGBM before any training --------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        # Was a LightGBMError traceback minutes into `umkm train`.
        ({"num_leaves": -3}, r"LightGBM refuses them: Check failed: \(num_leaves\) > \(1\)$"),
        (
            {"effect__num_leaves": 1},
            r"LightGBM refuses them for the effect models: Check failed: \(num_leaves\) > \(1\)$",
        ),
        (
            {"outcome__learning_rate": "fast"},
            "for the outcome models: Unknown token fast",
        ),
        ({"objective": "multiclass"}, "Number of classes should be specified"),
        ({"effect__is_unbalance": True}, "effect__is_unbalance is refused"),
        # A fit on LightGBM's default thread count beside threaded folds crashes the process.
        ({"num_threads": 0}, r"num_threads = 0 is refused: the thread count must be a whole"),
        ({"outcome__num_threads": -1}, r"outcome__num_threads = -1 is refused"),
        ({"num_threads": 1.5}, r"num_threads = 1.5 is refused"),
        ({"n_jobs": 2}, r"'n_jobs': set the thread count as num_threads"),
        ({"tree__num_leaves": 7}, "unknown role prefix"),
        ({"num_leafs": 7}, r"num_leafs is not a LightGBM parameter \(did you mean num_leaf or "),
        ({"effect__min_child_sample": 7}, r"effect__min_child_sample: min_child_sample is not a "),
    ],
)
def test_learner_params_lightgbm_refuses_are_a_config_error(
    params: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        parse_config({"learner_params": params})
    assert str(caught.value).startswith("config: invalid training config: field learner_params: ")
    assert " at /" not in str(caught.value)  # not where in LightGBM's C++ sources it failed


def test_unknown_learner_params_point_to_the_parameters_and_the_controls() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"learner_params": {"learning_rat": 0.1}})
    message = str(caught.value)
    assert "(did you mean learning_rate" in message
    assert LIGHTGBM_PARAMETERS in message
    assert "num_boost_round, early_stopping_rounds" in message


@pytest.mark.parametrize(
    "params",
    [
        {"num_leaves": 31, "min_child_samples": 50, "lambda_l2": 1.0},
        {"outcome__num_leaves": 7, "effect__reg_lambda": 2.0, "propensity__max_depth": 3},
        {"num_boost_round": 100, "outcome_models": "separate", "num_threads": 2},
        {"verbosity": 1, "seed": 3},  # LightGBM's messages do not reach the terminal
    ],
)
def test_learner_params_lightgbm_accepts_pass(
    params: dict[str, object], capfd: pytest.CaptureFixture[str]
) -> None:
    assert parse_config({"learner_params": params}).learner_params == params
    assert capfd.readouterr() == ("", "")


def test_lightgbm_s_refusal_is_the_only_line_umkm_train_prints(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """LightGBM prints its refusal to the process's stderr before raising it: kept off it."""
    from typer.testing import CliRunner

    from umkm.cli import app

    path = tmp_path / "leaves.toml"
    path.write_text("[learner_params]\nnum_leaves = -4\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["train", "--config", str(path), "--quiet"])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1
    assert " ".join(result.stderr.split()) == (
        f"error: {path}: invalid training config: field learner_params: LightGBM refuses "
        "them: Check failed: (num_leaves) > (1)"
    )
    assert "LightGBM" not in capfd.readouterr().err


def test_lightgbm_parameter_names_include_aliases() -> None:
    """Read from LightGBM's own list (a private helper of its Python package): a LightGBM that
    moved it fails here, not in a data scientist's config."""
    names = lightgbm_parameter_names()
    assert {"num_leaves", "num_leaf", "min_child_samples", "lambda_l2", "reg_lambda"} <= names
    assert len(names) > 200
