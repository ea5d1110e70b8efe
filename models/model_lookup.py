"""Why a model URI loads nothing, in one line: which model, in which tracking store, what to check.

`load_uplift_model` asks here before it loads, so `umkm score`, `umkm prioritize` and the service
refuse a name or alias typo, or a store that is not there, without MLflow's traceback; and a
SQLite store that does not exist is not created by the lookup (MLflow would leave an empty
`mlflow.db` in whatever folder the command ran from).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from models.errors import ModelLookupError

if TYPE_CHECKING:
    from mlflow import MlflowClient

TRACKING_URI_VARIABLE = "MLFLOW_TRACKING_URI"
# models:/name@alias and models:/name/version (stages and `latest` are left to MLflow).
_REGISTERED = re.compile(r"^models:/(?P<name>[^/@]+)(?:@(?P<alias>[^/@]+)|/(?P<version>\d+))$")
_SECRET_PARAM = re.compile(
    r"(?P<lead>[?&;])(?P<key>[^=&#;]*(?:pass|secret|token|key|credential|auth)[^=&#;]*)=[^&#;]*",
    re.IGNORECASE,
)
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^:/@\s]*):[^@/\s]*@")
LISTED_NAMES = 10  # registered models named in a message; more are counted


def masked_uri(text: str) -> str:
    """`text` (a URI, or a message holding some) with every URI's password, and every query
    parameter that looks secret, replaced by `***`: `postgresql://mlflow:***@db/mlflow`,
    `?sslmode=require&password=***`. Safe to print; the rest is kept as is."""
    return _SECRET_PARAM.sub(
        r"\g<lead>\g<key>=***", _USERINFO.sub(r"\g<scheme>\g<user>:***@", text)
    )


def describe_store(uri: str) -> str:
    """The store as the user set it: `MLFLOW_TRACKING_URI=sqlite:///none.db`, or MLflow's
    default in the working folder when the variable is unset; credentials masked."""
    shown = masked_uri(uri)
    if os.environ.get(TRACKING_URI_VARIABLE) == uri:
        return f"{TRACKING_URI_VARIABLE}={shown}"
    if not os.environ.get(TRACKING_URI_VARIABLE):
        return f"{shown}, MLflow's default in {Path.cwd()}: {TRACKING_URI_VARIABLE} is not set"
    return shown


_CHECK = (
    f"check the folder you run from (MLflow's default store is mlflow.db in the working folder) "
    f"or set {TRACKING_URI_VARIABLE} to the store that holds the model"
)


def missing_local_store(uri: str) -> Path | None:
    """The file or folder a local store URI (`sqlite:///...`, `file:///...`, a plain path)
    names when it does not exist; None when it exists or the store is not local."""
    scheme = urlsplit(uri).scheme.lower()
    if scheme == "sqlite":
        from sqlalchemy.engine import make_url

        try:
            database = make_url(uri).database
        except Exception:  # an unparsable URL is MLflow's to refuse
            return None
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        path = Path(database)
    elif scheme == "file":
        path = Path(urlsplit(uri).path)
    elif scheme == "" and uri:
        path = Path(uri)
    else:
        return None
    path = path if path.is_absolute() else Path.cwd() / path
    return None if path.exists() else path


def check_model_uri(uri: str) -> None:
    """Raise `ModelLookupError` when `uri` names no model MLflow can find (module docstring);
    return quietly when it does, or when only loading it can tell."""
    import mlflow

    registered = _REGISTERED.match(uri)
    if registered is None and not uri.startswith("runs:/"):
        return
    store = mlflow.get_registry_uri() if registered else mlflow.get_tracking_uri()
    missing = missing_local_store(store)
    if missing is not None:
        raise ModelLookupError(
            f"model {uri} not found: there is no MLflow tracking store at {missing} "
            f"({describe_store(store)}); {_CHECK}"
        )
    if registered is not None:
        _check_registered(
            uri, store, registered["name"], registered["alias"], registered["version"]
        )


def _check_registered(
    uri: str, store: str, name: str, alias: str | None, version: str | None
) -> None:
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient(registry_uri=store)
    try:
        model = client.get_registered_model(name)
    except MlflowException as error:
        if error.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        raise ModelLookupError(
            f"model {uri} not found: no registered model named {name} in the tracking store "
            f"{describe_store(store)}; {_registered_names(client)}; check the name, or {_CHECK}"
        ) from None
    aliases = dict(model.aliases or {})
    if alias is not None and alias not in aliases:
        held = ", ".join(f"{a} (v{v})" for a, v in sorted(aliases.items())) or "none"
        raise ModelLookupError(
            f"model {uri} not found: {name} has no alias {alias} in the tracking store "
            f"{describe_store(store)}; its aliases: {held}; check the alias, or {_CHECK}"
        )
    if version is not None:
        try:
            client.get_model_version(name, version)
        except MlflowException as error:
            if error.error_code != "RESOURCE_DOES_NOT_EXIST":
                raise
            raise ModelLookupError(
                f"model {uri} not found: {name} has no version {version} in the tracking store "
                f"{describe_store(store)}; {_versions(client, name)}; check the version, or "
                f"{_CHECK}"
            ) from None


def _registered_names(client: MlflowClient) -> str:
    """`registered there: umkm-uplift, hillstrom-uplift` (at most `LISTED_NAMES`)."""
    from mlflow.exceptions import MlflowException

    try:
        found = client.search_registered_models(max_results=LISTED_NAMES + 1)
    except MlflowException:  # listing is a courtesy: the error is the name
        return "the registered names could not be listed"
    names = sorted(model.name for model in found)
    if not names:
        return "no model is registered there"
    shown = ", ".join(names[:LISTED_NAMES])
    more = " and more" if len(names) > LISTED_NAMES else ""
    return f"registered there: {shown}{more}"


def _versions(client: MlflowClient, name: str) -> str:
    """`its versions: 1 to 7` (or `its version: 1`, `it has no version`)."""
    from mlflow.exceptions import MlflowException

    try:
        found = client.search_model_versions(f"name = '{name}'", max_results=1000)
    except MlflowException:
        return "its versions could not be listed"
    numbers = sorted(int(v.version) for v in found)
    if not numbers:
        return "it has no version"
    if len(numbers) == 1:
        return f"its version: {numbers[0]}"
    return f"its versions: {numbers[0]} to {numbers[-1]}"


def not_found(uri: str, detail: str) -> ModelLookupError:
    """A lookup error for what MLflow itself reported missing while loading `uri`."""
    import mlflow

    first = masked_uri(detail.strip().splitlines()[0] if detail.strip() else "not found")
    store = describe_store(mlflow.get_tracking_uri())
    return ModelLookupError(
        f"model {uri} not found in the tracking store {store}: {first}; {_CHECK}"
    )
