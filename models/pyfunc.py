"""The MLflow pyfunc wrapper of `UpliftModel`: log, load, serve.

The logged model carries its own code (``models/`` and ``data/`` as code paths), so
``mlflow.pyfunc.load_model("models:/umkm-uplift@champion")`` and ``mlflow models serve`` need
neither ``training/`` nor the repository on the path. Input: a DataFrame of profile records as a
JSON client sends them (strings, booleans, numbers, nulls); output: `SCORE_FIELDS` per row, with
already-digital MSMEs in the stimulus group (see `models.scoring`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mlflow.pyfunc
import numpy as np
import pandas as pd
from mlflow.pyfunc.model import PythonModel

from data.segments import DIGITAL_STATUS_COLUMN
from models.features import FeatureSpec, encode_column
from models.scoring import score_frame
from models.uplift_model import UpliftModel

if TYPE_CHECKING:
    from mlflow.models.model import ModelInfo
    from mlflow.models.signature import ModelSignature

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent
# The code a served model needs: this package and the data contract it imports.
CODE_PATHS = (str(_PACKAGE_ROOT / "models"), str(_PACKAGE_ROOT / "data"))
# What a served model imports, pinned to the versions it was trained with. Stated, not inferred:
# MLflow's inference starts a subprocess that loads the model (15-20 s per training run).
MODEL_REQUIREMENTS = (
    "mlflow",
    "lightgbm",
    "numpy",
    "pandas",
    "pyarrow",
    "scikit-learn",
    "scipy",
    "pydantic",
    "babel",  # number formats and messages (data.numbers, data.messages)
)


def model_requirements() -> list[str]:
    """``name==version`` for each of `MODEL_REQUIREMENTS` as installed here."""
    from importlib import metadata

    return [f"{name}=={metadata.version(name)}" for name in MODEL_REQUIREMENTS]


class UpliftPyfunc(PythonModel):  # type: ignore[misc]
    """pyfunc face of an `UpliftModel`: ``predict`` returns `SCORE_FIELDS` in input order."""

    def __init__(self, model: UpliftModel | None = None) -> None:
        self.model = model

    def load_context(self, context: Any) -> None:
        """Nothing to load: the `UpliftModel` travels pickled inside this object."""
        if self.model is None:
            raise RuntimeError("UpliftPyfunc was logged without an UpliftModel")

    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None
    ) -> pd.DataFrame:
        """Score profile records (a DataFrame, or a list of dicts / one dict)."""
        if self.model is None:
            raise RuntimeError("UpliftPyfunc has no UpliftModel")
        frame = model_input
        if isinstance(frame, dict):
            frame = pd.DataFrame([frame])
        elif isinstance(frame, list):
            frame = pd.DataFrame(frame)
        return score_frame(self.model, frame).reset_index(drop=True)


def _example_frame(model: UpliftModel, input_example: pd.DataFrame) -> pd.DataFrame:
    """The input example restricted to what the model reads (plus id and digital status), with
    lenient, JSON-friendly types: numbers as floats (so 3 and 3.0 both pass schema checks),
    booleans as bools, everything else as strings."""
    missing = [c for c in model.feature_columns if c not in input_example.columns]
    if missing:
        raise ValueError(f"input_example lacks the model's columns: {', '.join(missing)}")
    kinds = {spec.name: spec.kind for spec in model.specs if spec.derived_from is None}
    columns = [
        c
        for c in (model.id_column, *model.feature_columns, DIGITAL_STATUS_COLUMN)
        if c is not None and c in input_example.columns
    ]
    example = input_example[columns].reset_index(drop=True).copy()
    for column in columns:
        kind = kinds.get(column, "categorical")
        if kind == "numeric":
            example[column] = encode_column(FeatureSpec(column, "numeric"), example)
        elif kind == "boolean":
            values = encode_column(FeatureSpec(column, "boolean"), example)
            if not np.isnan(values).any():
                example[column] = values.astype(bool)
        else:
            example[column] = [None if pd.isna(v) else str(v) for v in example[column]]
    return example


def model_signature(model: UpliftModel, example: pd.DataFrame) -> ModelSignature:
    """Signature inferred from the input example and the model's output on it, then relaxed so
    JSON clients are not refused for spelling a value differently from the example.

    MLflow's schema check refuses an all-integer column declared double ("3" instead of "3.0"),
    and a numeric column declared string (province code 31 instead of "31"). Numeric and boolean
    features, numeric-looking categories and the id are therefore declared ``Any`` (coerced by
    `models.features`, which names column and row when a value is unreadable); other categories
    keep ``string``. The id and ``digital_status`` are optional.
    """
    from mlflow.models import infer_signature
    from mlflow.models.signature import ModelSignature
    from mlflow.types.schema import AnyType, ColSpec, Schema, TensorSpec

    output = UpliftPyfunc(model).predict(None, example)
    inferred = infer_signature(example, output)
    kinds = {spec.name: spec for spec in model.specs if spec.derived_from is None}
    optional = {model.id_column, DIGITAL_STATUS_COLUMN}
    columns: list[ColSpec | TensorSpec] = []
    for col in inferred.inputs.inputs:
        name = col.name
        spec = kinds.get(name)
        lenient = name == model.id_column or (
            spec is not None
            and (
                spec.kind != "categorical"
                or any(level.strip().isdigit() for level in spec.categories or ())
            )
        )
        dtype = AnyType() if lenient else col.type  # type: ignore[no-untyped-call]
        columns.append(ColSpec(dtype, name, required=name not in optional))
    return ModelSignature(inputs=Schema(columns), outputs=inferred.outputs)


def log_uplift_model(
    model: UpliftModel,
    *,
    name: str = "model",
    input_example: pd.DataFrame,
    registered_model_name: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> ModelInfo:
    """Log ``model`` as an MLflow pyfunc in the active run (signature, input example, code).

    MLflow's own event lines while it logs and registers (the CloudPickle caution, "Validating
    input example", "Registered model ... already exists", "Created version ...") are muted:
    the caller reports the registered version in its own words (`umkm train` prints
    ``registered: ...``), and a failure still raises."""
    example = _example_frame(model, input_example)
    signature = model_signature(model, example)
    with mlflow_events_muted():
        info: ModelInfo = mlflow.pyfunc.log_model(
            name=name,
            python_model=UpliftPyfunc(model),
            code_paths=list(CODE_PATHS),
            signature=signature,
            input_example=example,
            registered_model_name=registered_model_name,
            pip_requirements=model_requirements(),
            metadata={"learner": model.learner.name, **(metadata or {})},
        )
    return info


@contextmanager
def mlflow_events_muted() -> Iterator[None]:
    """MLflow's event stream (its loggers' handler and its registry messages) off for the block,
    then as it was (what `mlflow.utils.logging_utils.disable_logging` switches)."""
    from mlflow.utils.logging_utils import MLFLOW_LOGGING_STREAM

    was_enabled = MLFLOW_LOGGING_STREAM.enabled
    MLFLOW_LOGGING_STREAM.enabled = False
    try:
        yield
    finally:
        MLFLOW_LOGGING_STREAM.enabled = was_enabled


def load_uplift_model(uri: str) -> UpliftModel:
    """Load a logged model (``runs:/...``, ``models:/name@alias`` ...) as an `UpliftModel`.

    A URI that names no model (a typo in the name or alias, a tracking store that is not there
    or holds no such model) raises `ModelLookupError`, one line naming the model, the store and
    what to check (`models.model_lookup`), instead of MLflow's exception.
    """
    from mlflow.exceptions import MlflowException

    from models.model_lookup import check_model_uri, masked_uri, not_found

    check_model_uri(uri)
    # MLflow puts the model's own copy of `models/` and `data/` (its code paths) first on
    # sys.path. This process has the project's already imported, but processes it starts later
    # (Dask's workers) inherit sys.path and would import the model's copy, which may be older
    # than the project: the path is put back as it was once the model is loaded.
    path = list(sys.path)
    try:
        loaded = mlflow.pyfunc.load_model(uri)
    except MlflowException as error:
        if error.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        raise not_found(uri, error.message) from None
    finally:
        sys.path[:] = path
    wrapper = loaded.unwrap_python_model()
    if not isinstance(wrapper, UpliftPyfunc) and type(wrapper).__name__ != "UpliftPyfunc":
        shown = masked_uri(uri)
        raise TypeError(f"{shown} is not an uplift model (got {type(wrapper).__name__})")
    model = wrapper.model
    if model is None:
        raise TypeError(f"{masked_uri(uri)} holds no UpliftModel")
    return model  # type: ignore[no-any-return]
