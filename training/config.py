"""Typed training configuration, read from TOML. The MSME data contract is the default.

Any table with a binary treatment and a binary outcome can be trained with a config that names its
columns and features (see `training/configs/hillstrom.toml`).
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import io
import os
import re
import sys
import tomllib
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from data.contract import (
    DEFAULT_MODEL_NAME,
    ID_COLUMN,
    MIN_EVENTS_PER_ARM,
    OUTCOME_COLUMN,
    TREATMENT_COLUMN,
)
from data.limits import read_at_most
from training.errors import TrainingError

CONFIG_DIR = Path(__file__).parent / "configs"
LearnerName = Literal["s", "t", "x", "dr", "r"]
FeatureKind = Literal["numeric", "categorical", "boolean"]
LIGHTGBM_PARAMETERS = "https://lightgbm.readthedocs.io/en/stable/Parameters.html"
# Where a LightGBM check failed in its C++ sources: of no use to whoever wrote the config.
_SOURCE_LOCATION = re.compile(r"\s+at \S+, line \d+\s*\.?\s*$")
# A config is a few kilobytes of TOML: a larger file is refused before it is read.
CONFIG_MAX_BYTES = 1024 * 1024  # 1 MB


class ConfigError(TrainingError, ValueError):
    """A config file that cannot be read or does not make sense; the message names the field."""


class FeatureConfig(BaseModel):
    """One model input: its column, its kind and (for categories) the levels in a fixed order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    kind: FeatureKind
    categories: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _categories_only_for_categorical(self) -> FeatureConfig:
        if self.categories is not None and self.kind != "categorical":
            raise ValueError(f"feature {self.name!r}: categories are only for kind 'categorical'")
        return self


class TuningConfig(BaseModel):
    """Hyper-parameter search with optuna: a seeded TPE sampler, capped by trials AND seconds.

    Results are reproducible when the trial cap binds before the time budget; the run logs how many
    trials completed so a time-capped search is visible.
    """

    model_config = ConfigDict(extra="forbid")

    trials: int = Field(
        default=0,
        ge=0,
        description="Trials per learner, each judged by cross-validated Qini; 0 (default) turns "
        "tuning off: the fixed defaults did better in the evaluation zoo than a noisy search.",
    )
    timeout_seconds: float = Field(
        default=300.0, gt=0, description="Time budget per learner (a safety cap)."
    )


class TrainConfig(BaseModel):
    """Everything one training run needs; defaults follow the MSME data contract."""

    model_config = ConfigDict(extra="forbid")

    data_path: Path | None = None
    contract: Literal["msme", "none"] = Field(
        default="msme",
        description="msme: validate with the MSME data contract; none: basic checks only.",
    )
    id_column: str | None = ID_COLUMN
    treatment_column: str = TREATMENT_COLUMN
    treated_value: str | None = None
    control_value: str | None = None
    outcome_column: str = OUTCOME_COLUMN
    features: tuple[FeatureConfig, ...] | None = Field(
        default=None, description="None: the MSME feature list from models.features."
    )
    group_columns: tuple[str, ...] = Field(
        default=("island_group", "sector", "owner_gender"),
        description="Columns to break the headline numbers down by (weak spots).",
    )
    model_name: str = Field(default=DEFAULT_MODEL_NAME, min_length=1)
    experiment_name: str = Field(default=DEFAULT_MODEL_NAME, min_length=1)
    learners: tuple[LearnerName, ...] = Field(
        default=("s", "x", "t"),
        description="Candidates, each judged by cross-fitting.",
    )
    ensemble: bool = Field(
        default=True,
        description="Serve a stacked average of the core learners and of the best candidate "
        "(training.stacking); false: the candidate with the highest cross-validated Qini.",
    )
    ensemble_core: tuple[LearnerName, ...] = Field(
        default=("s", "x"),
        description="Learners always in the ensemble when they rank better than chance (S and "
        "X led the evaluation zoo); another candidate joins when its cross-validated Qini is "
        "the highest.",
    )
    ensemble_when_large: tuple[LearnerName, ...] = Field(
        default=("t",),
        validation_alias=AliasChoices("ensemble_when_large", "ensemble_when_sampled"),
        description="Learners that join the stacking whatever their cross-validated Qini when "
        "the history has more than large_history_rows rows, with no prior weight (they keep "
        "the weight the R-loss gives them): T (each arm fit alone) gains most from many rows "
        "and led the evaluation zoo's 200,000-row worlds whose arms differ most. "
        "(ensemble_when_sampled: its name until 2026-12-04.)",
    )
    ensemble_joining: tuple[LearnerName, ...] = Field(
        default=(),
        description="Learners that join the stacking whatever their cross-validated Qini, at "
        "every size, with no prior weight (they keep the weight the R-loss gives them).",
    )
    stack_prior_rows: int = Field(
        default=20_000,
        ge=0,
        description="How much the equal weights count against the stacked R-loss weights, in "
        "history rows: the weights move prior / (prior + rows) of the way back to equal weights "
        "(half way at 20,000 cross-fitting rows, a quarter at 60,000); 0 keeps the R-loss "
        "weights.",
    )
    learner_params: dict[str, Any] = Field(
        default_factory=dict, description="LightGBM parameters shared by every learner."
    )
    categorical_encoding: Literal["codes", "native"] = Field(
        default="codes",
        description="codes: categories as ordered integer codes (province codes in BPS order keep "
        "geography, education its order); native: LightGBM's categorical splits.",
    )
    folds: int = Field(
        default=5,
        ge=2,
        le=20,
        description="Cross-fitting folds (learner choice, stacking and evaluation) for "
        "histories up to large_history_rows rows.",
    )
    large_history_rows: int = Field(
        default=60_000,
        ge=1_000,
        description="Above this many rows the folds shrink so that each learner's fitting work "
        "stays that of `folds` folds on this many rows (`crossfit_folds`), down to min_folds: "
        "every row still judges every learner, nothing is set aside or sampled.",
    )
    min_folds: int = Field(
        default=2,
        ge=2,
        le=20,
        description="The fewest cross-fitting folds of a large history (two from 120,000 rows "
        "with the defaults: each fold model sees half the rows).",
    )
    selection_rows: int | None = Field(
        default=300_000,
        ge=1_000,
        description="Cross-fit on a stratified sample of at most this many rows (every row when "
        "the history is smaller); the served model is then refit on every row. Empty: never "
        "sample.",
    )
    serve_fold_models: bool = Field(
        default=True,
        description="When cross-fitting used every row in at least fold_models_min_folds "
        "folds, serve each chosen learner as the average of its k fold models instead of "
        "fitting it again on all rows (the average ranked better in the evaluation zoo); "
        "false: always refit.",
    )
    fold_models_min_folds: int = Field(
        default=3,
        ge=2,
        le=20,
        description="The fewest folds whose models are served averaged: with fewer (two, from "
        "about 120,000 rows with the defaults) each fold model saw half the rows, and a refit "
        "on every row ranked better in the zoo.",
    )
    distill_served_model: bool | Literal["auto"] = Field(
        default="auto",
        description="Serve a copy of the chosen model in two LightGBM regressions fit to its "
        "uplift and its chance without mentoring on the training rows "
        "(`models.combined_learners.DistilledLearner`): faster scores and reasons, and in the "
        "evaluation zoo a ranking level with or a little above what it copies; the ranking is "
        "judged on the recipe, and the copy's fidelity is reported. auto: copy the fold "
        "models' average (k models per learner), not a refit (one per learner, already fast).",
    )
    min_events_per_arm: int = Field(
        default=MIN_EVENTS_PER_ARM,
        ge=1,
        description="Fewer outcome events than this in either arm: weak evidence (warned, never "
        "promoted).",
    )
    seed: int = 0
    capacities: tuple[float, ...] = (0.05, 0.1, 0.2, 0.3)
    tuning: TuningConfig = Field(default_factory=TuningConfig)
    calibration: Literal["auto", "platt", "isotonic", "identity"] = Field(
        default="auto",
        description="Per-arm calibration (models.calibration); auto: isotonic with many events.",
    )
    bootstrap_resamples: int = Field(default=200, ge=0)
    truth_path: Path | None = Field(
        default=None, description="Simulator truth file (msme_id, true_uplift ...), if known."
    )
    sample_rows: int | None = Field(
        default=None, ge=100, description="Use a seeded random sample of this many rows (tests)."
    )
    output_dir: Path = Field(
        default=Path("training-output"),
        description="Quarantine file, plots and report go here (also logged to MLflow).",
    )
    references: bool = Field(default=True, description="Also evaluate random/response/T refs.")

    @field_validator("id_column", "truth_path", "data_path", "selection_rows", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        # TOML has no null: an empty string means "none" (e.g. a table without an id column).
        return None if value == "" else value

    @field_validator("learners")
    @classmethod
    def _learners_unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("at least one learner is needed")
        if len(set(value)) != len(value):
            raise ValueError(f"learners repeat: {list(value)}")
        return value

    @field_validator("learner_params")
    @classmethod
    def _learner_params_fit_lightgbm(cls, value: dict[str, Any]) -> dict[str, Any]:
        if value:
            check_learner_params(value)
        return value

    @field_validator("capacities")
    @classmethod
    def _capacities_are_fractions(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if not value:
            raise ValueError("at least one capacity is needed")
        bad = [c for c in value if not 0 < c < 1]
        if bad:
            raise ValueError(f"capacities are fractions of the candidates in (0, 1); got {bad}")
        return tuple(sorted(value))

    @model_validator(mode="after")
    def _consistent(self) -> TrainConfig:
        if (self.treated_value is None) != (self.control_value is None):
            raise ValueError("give both treated_value and control_value, or neither")
        if self.treated_value is not None and self.treated_value == self.control_value:
            raise ValueError("treated_value and control_value must differ")
        if self.contract == "none" and self.features is None:
            raise ValueError("contract = 'none' needs an explicit [[features]] list")
        if self.features is not None:
            names = [f.name for f in self.features]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"features repeat: {dupes}")
            used = {self.treatment_column, self.outcome_column, self.id_column or ""}
            clash = sorted(used & set(names))
            if clash:
                raise ValueError(f"features include the id/treatment/outcome column: {clash}")
        return self

    @property
    def is_msme(self) -> bool:
        """True when the table follows the MSME data contract."""
        return self.contract == "msme"

    def crossfit_folds(self, rows: int) -> int:
        """Folds for a history of ``rows`` cross-fitted rows: `folds` up to
        `large_history_rows`; above, as many as keep each learner's fitting work (rows seen
        over all folds, ``(k - 1) * rows``) within that of `folds` folds on
        `large_history_rows` rows, and at least `min_folds` (5, 4, 3, 2 folds at 60,000,
        80,000, 100,000 and 200,000 rows with the defaults)."""
        if rows <= self.large_history_rows:
            return self.folds
        affordable = 1 + (self.folds - 1) * self.large_history_rows // rows
        return max(self.min_folds, min(self.folds, affordable))

    def with_overrides(self, **changes: Any) -> TrainConfig:
        """A validated copy with some fields changed (CLI options such as --data)."""
        return parse_config(self.model_dump() | changes, source="config with overrides")


# `learner_params` already checked (by their repr) -> what is wrong with them ("" for nothing):
# a config is validated again on every `with_overrides`, and LightGBM need not check them again.
_CHECKED_LEARNER_PARAMS: dict[str, str] = {}


def check_learner_params(params: Mapping[str, Any]) -> None:
    """Check `learner_params` as the learners will read them, before any training: role prefixes
    and controls (`models.boosting.parse_params`), names LightGBM does not know (LightGBM itself
    only warns of them, and fits without them), then each role's parameters by LightGBM itself,
    on a booster built over a few rows. ValueError saying what is wrong."""
    key = repr(sorted(params.items()))
    if key not in _CHECKED_LEARNER_PARAMS:
        _CHECKED_LEARNER_PARAMS[key] = _learner_params_problem(params)
    if problem := _CHECKED_LEARNER_PARAMS[key]:
        raise ValueError(problem)


def _learner_params_problem(params: Mapping[str, Any]) -> str:
    from models.boosting import CONTROL_KEYS, ROLES, parse_params

    try:
        options = parse_params(params)
    except ValueError as error:
        return str(error)
    known = lightgbm_parameter_names()
    for key in params:
        _, prefixed, rest = key.partition("__")  # a role prefix, known by now (parse_params)
        name = rest if prefixed else key
        if name in known or name in CONTROL_KEYS:
            continue
        close = difflib.get_close_matches(name, sorted(known | set(CONTROL_KEYS)), n=3)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        subject = f"{key}: {name}" if prefixed else key
        return (
            f"{subject} is not a LightGBM parameter{hint}; LightGBM's parameters and their "
            f"aliases: {LIGHTGBM_PARAMETERS}; besides them: {', '.join(CONTROL_KEYS)}"
        )
    refused = {
        role: reason
        for role in ROLES
        if (reason := _lightgbm_refusal(options.lgb_params[role], binary=role != "effect"))
    }
    if not refused:
        return ""
    if len(refused) == len(ROLES) and len(set(refused.values())) == 1:
        return f"LightGBM refuses them: {next(iter(refused.values()))}"
    by_role = "; ".join(f"{role} models: {reason}" for role, reason in refused.items())
    return f"LightGBM refuses them for the {by_role}"


@functools.cache
def lightgbm_parameter_names() -> frozenset[str]:
    """Every parameter name and alias LightGBM knows, as its library lists them
    (`LGBM_DumpParamAliases`, read by the Python package's `_ConfigAliases`: LightGBM has no
    public list of them)."""
    from lightgbm.basic import _ConfigAliases

    aliases = _ConfigAliases._get_all_param_aliases()
    return frozenset(name for main, names in aliases.items() for name in (main, *names))


def _lightgbm_refusal(params: Mapping[str, Any], *, binary: bool) -> str:
    """LightGBM's own objection to a model's parameters ("" for none), from building a booster
    over a few rows (milliseconds: nothing is trained). Its checks of values, types and
    combinations are the ones a training run would meet minutes in."""
    import lightgbm as lgb

    rows = np.arange(40, dtype=np.float64)
    X = np.column_stack([rows % 7, rows % 5])
    y = (rows % 2).astype(np.float64)
    objective = {"objective": "binary" if binary else "regression"}
    # The error says it all: what LightGBM prints or warns on the way is kept off the terminal.
    with (
        _native_stderr_silenced(),
        contextlib.redirect_stdout(io.StringIO()),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        try:
            lgb.Booster(params={**objective, **params}, train_set=lgb.Dataset(X, y))
        except lgb.basic.LightGBMError as error:
            return _SOURCE_LOCATION.sub("", str(error)).strip()
    return ""


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """LightGBM's library prints a refusal to the process's stderr (C `fprintf`, past Python's
    `sys.stderr`) before raising it; for these few milliseconds that stream goes nowhere."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to silence
        yield
        return
    try:
        with Path(os.devnull).open("w") as nowhere:
            os.dup2(nowhere.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _format_error(error: ValidationError, source: str) -> str:
    """One line: `config.toml: invalid training config: field folds: ...; field seed: ...`."""
    fields = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        rule = str(item["msg"]).removeprefix("Value error, ")
        fields.append(f"field {where}: {rule}")
    return f"{source}: invalid training config: " + "; ".join(fields)


def parse_config(values: dict[str, Any], source: str = "config") -> TrainConfig:
    """Validate a mapping (a parsed TOML document) into a TrainConfig; errors name the field."""
    try:
        return TrainConfig.model_validate(values)
    except ValidationError as error:
        raise ConfigError(_format_error(error, source)) from error


def load_config(path: Path | str | None = None) -> TrainConfig:
    """Read a TOML config; None gives the MSME defaults. Relative paths in it are resolved
    against the config file's folder."""
    if path is None:
        return TrainConfig()
    path = Path(path)
    try:
        values = tomllib.loads(_config_text(path))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    for key in ("data_path", "truth_path"):
        value = values.get(key)
        if isinstance(value, str) and value and not Path(value).is_absolute():
            values[key] = str((path.parent / value).resolve())
    return parse_config(values, source=str(path))


def _config_text(path: Path) -> str:
    """A config file's text (newlines as `Path.read_text` gives them), read only when it
    holds at most CONFIG_MAX_BYTES: its size is checked before reading, and no more than one
    byte past the limit is read (a file that grows meanwhile, or a device, is caught too)."""
    limit = CONFIG_MAX_BYTES
    try:
        content = read_at_most(path, limit)
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: config file not found") from error
    except OSError as error:
        raise ConfigError(
            f"{path}: config file cannot be read: {error.strerror or error}"
        ) from error
    if content is None:
        raise ConfigError(
            f"{path}: config file too large: it holds more than {limit:,} bytes (1 MB), the "
            "most a config may hold"
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{path}: config file is not UTF-8 text (byte {error.start}); save it as UTF-8"
        ) from error
    return text.replace("\r\n", "\n").replace("\r", "\n")  # universal newlines, as read_text
