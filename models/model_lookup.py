"""Why a model URI loads nothing, in one line: which model, in which tracking store, what to check.

`load_uplift_model` asks here before it loads, so `umkm score`, `umkm prioritize` and the service
refuse a name or alias typo, or a store that is not there, without MLflow's traceback; and a
SQLite store that does not exist is not created by the lookup (MLflow would leave an empty
`mlflow.db` in whatever folder the command ran from). Each refusal is a code with parameters
(`MODEL_LOOKUP_CODES`), worded at the edges in the command's language.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from data.errors import without_passwords
from models.errors import ModelLookupError

if TYPE_CHECKING:
    from mlflow import MlflowClient

    from data.messages import Language

TRACKING_URI_VARIABLE = "MLFLOW_TRACKING_URI"
# models:/name@alias and models:/name/version (stages and `latest` are left to MLflow).
_REGISTERED = re.compile(r"^models:/(?P<name>[^/@]+)(?:@(?P<alias>[^/@]+)|/(?P<version>\d+))$")
_SECRET_PARAM = re.compile(
    r"(?P<lead>[?&;])(?P<key>[^=&#;]*(?:pass|secret|token|key|credential|auth)[^=&#;]*)=[^&#;]*",
    re.IGNORECASE,
)
# A URI's scheme, before `://` (then its credentials, if any, up to an `@`).
_SCHEME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
# What may close a URI quoted in a sentence: `(see http://host:5000).`
_CLOSING = ",.;:!?)]}>'\""
LISTED_NAMES = 10  # registered models named in a message; more are counted


def masked_uri(text: str, known: Iterable[str | None] = ()) -> str:
    """`text` (a URI, or a message holding some) with every URI's credentials, and every query
    parameter that looks secret, replaced by `***`: `postgresql://mlflow:***@db/mlflow` (the
    user is kept, the password masked), `https://***@host/` (a token alone, or with an empty
    password), `?sslmode=require&password=***`. Safe to print; the rest is kept as is.

    After `scheme://`, everything up to the last `@` before the host is taken for credentials,
    so a password holding an unencoded `@`, `/` or space (SQLAlchemy takes them) is masked whole.
    Text without credentials is left byte for byte: a path, `sqlite:///mlflow.db` (no authority),
    `models:/name@alias` (no `//`), `s3://bucket/key@x` (a user holds no `/`).

    The passwords of the `known` URIs (the tracking store's, the model's) are masked wherever
    they appear, also outside a URI (`data.errors.without_passwords`)."""
    parts: list[str] = []
    kept = 0
    starts = _authorities(text)
    for index, (_, start) in enumerate(starts):
        if start < kept:  # inside credentials already masked
            continue
        limit = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        line_end = text.find("\n", start, limit)
        limit = limit if line_end < 0 else line_end
        at = _credentials_end(text, start, limit)
        if at is None:
            continue
        parts += [text[kept:start], _masked_userinfo(text[start:at])]
        kept = at
    parts.append(text[kept:])
    return _SECRET_PARAM.sub(r"\g<lead>\g<key>=***", without_passwords("".join(parts), known))


def _authorities(text: str) -> list[tuple[int, int]]:
    """Where each `scheme://` in `text` starts, and where its authority starts (after `://`); in
    one pass (a regular expression would try every letter of a long word as a scheme's first)."""
    found: list[tuple[int, int]] = []
    separator = text.find("://")
    while separator >= 0:
        begin = separator
        while begin > 0 and text[begin - 1] in _SCHEME_CHARACTERS:
            begin -= 1
        while begin < separator and not (text[begin].isascii() and text[begin].isalpha()):
            begin += 1  # a scheme starts with a letter
        if begin < separator:
            found.append((begin, separator + 3))
        separator = text.find("://", separator + 3)
    return found


def _credentials_end(text: str, start: int, limit: int) -> int | None:
    """Where the credentials after `scheme://` (at `start`) end: the `@` before the host, or
    None when the URI has none. The URI runs to the first space, unless what precedes it is a
    user and the start of a password (`user:pa ss@host`): then to the next word with an `@`."""
    if start >= limit or text[start] == "/":  # no authority: file:///..., sqlite:///...
        return None
    token_end = next((i for i in range(start, limit) if text[i].isspace()), limit)
    # The user (before the first `:`) holds no `/`, as neither urllib nor SQLAlchemy reads one
    # there: in `s3://bucket/key@v1` the `@` is the path's.
    slash = text.find("/", start, token_end)
    colon = text.find(":", start, token_end)
    user_may_end = token_end if slash < 0 or 0 <= colon < slash else slash
    at = text.rfind("@", start, user_may_end)
    if at >= 0:
        return at
    authority = re.split(r"[/?#]", text[start:token_end], maxsplit=1)[0]
    _, separator, port = authority.partition(":")
    port = port.rstrip(_CLOSING)
    if not separator or authority.startswith("[") or not port or port.isdigit():
        return None  # host, host:port or [ipv6]:port, followed by a space
    for word in re.finditer(r"\S+", text[token_end:limit]):
        if "@" in word.group():
            return token_end + word.start() + word.group().rindex("@")
    return None


def _masked_userinfo(userinfo: str) -> str:
    """`user:***` for a user and password; `***` for a token alone (or with no password)."""
    user, colon, password = userinfo.partition(":")
    return f"{user}:***" if colon and password else "***"


# What a lookup says (data.messages code -> parameters). `uri` is the model URI (masked), `store`
# the tracking store as the user set it (`store_param`: text, or `model_store_default` when
# MLflow's default applies); `registered` and `versions` name their own code (what is there).
MODEL_LOOKUP_CODES: dict[str, tuple[str, ...]] = {
    "model_no_store": ("uri", "path", "store"),
    "model_no_registered_name": ("uri", "name", "store", "registered"),
    "model_no_alias": ("uri", "name", "alias", "store", "aliases"),
    "model_no_alias.aliases": ("alias", "version"),
    "model_no_alias_none": ("uri", "name", "alias", "store"),
    "model_no_version": ("uri", "name", "version", "store", "versions"),
    "model_not_found": ("uri", "store", "detail"),
    "model_store_default": ("uri", "folder"),
    "model_names_listed": ("names",),
    "model_names_listed_more": ("names",),
    "model_names_none": (),
    "model_names_unlisted": (),
    "model_versions_range": ("first", "last"),
    "model_versions_one": ("first",),
    "model_versions_none": (),
    "model_versions_unlisted": (),
}


def store_param(uri: str) -> str | dict[str, str]:
    """The store as the user set it, as a message parameter: `MLFLOW_TRACKING_URI=<uri>`, or
    MLflow's default in the working folder (`model_store_default`) when the variable is unset;
    credentials masked."""
    shown = masked_uri(uri)
    if os.environ.get(TRACKING_URI_VARIABLE) == uri:
        return f"{TRACKING_URI_VARIABLE}={shown}"
    if not os.environ.get(TRACKING_URI_VARIABLE):
        return {"code": "model_store_default", "uri": shown, "folder": str(Path.cwd())}
    return shown


def describe_store(uri: str, language: Language = "en") -> str:
    """`store_param` in words: `MLFLOW_TRACKING_URI=sqlite:///none.db`, or `sqlite:///mlflow.db,
    MLflow's default in /work: MLFLOW_TRACKING_URI is not set`."""
    from data.messages import format_param

    return format_param("store", store_param(uri), language)


def missing_local_store(uri: str) -> Path | None:
    """The file or folder a local store URI (`sqlite:///...`, `file:///...`, a plain path)
    names when it does not exist; None when it exists or the store is not local."""
    scheme = urlsplit(uri).scheme.lower()
    if scheme == "sqlite":
        from sqlalchemy.engine import make_url

        from data.store.engine import missing_sqlite_file

        try:
            url = make_url(uri)
        except Exception:  # an unparsable URL is MLflow's to refuse
            return None
        return missing_sqlite_file(url)
    if scheme == "file":
        path = Path(urlsplit(uri).path)
    elif scheme == "" and uri:
        path = Path(uri)
    else:
        return None
    path = path if path.is_absolute() else Path.cwd() / path
    return None if path.exists() else path


def check_store(uri: str, store: str) -> None:
    """Raise `ModelLookupError` (`model_no_store`) when `store`, where `uri` is looked up, is a
    local store that is not there: asking MLflow would create it empty."""
    missing = missing_local_store(store)
    if missing is not None:
        raise ModelLookupError(
            "model_no_store", uri=masked_uri(uri), path=str(missing), store=store_param(store)
        )


def check_model_uri(uri: str) -> None:
    """Raise `ModelLookupError` when `uri` names no model MLflow can find (module docstring);
    return quietly when it does, or when only loading it can tell."""
    import mlflow

    registered = _REGISTERED.match(uri)
    if registered is None and not uri.startswith("runs:/"):
        return
    store = mlflow.get_registry_uri() if registered else mlflow.get_tracking_uri()
    check_store(uri, store)
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
    where = {"uri": masked_uri(uri), "name": name, "store": store_param(store)}
    try:
        model = client.get_registered_model(name)
    except MlflowException as error:
        if error.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        raise ModelLookupError(
            "model_no_registered_name", **where, registered=_registered_names(client)
        ) from None
    aliases = dict(model.aliases or {})
    if alias is not None and alias not in aliases:
        if not aliases:
            raise ModelLookupError("model_no_alias_none", **where, alias=alias)
        held = [{"alias": a, "version": str(v)} for a, v in sorted(aliases.items())]
        raise ModelLookupError("model_no_alias", **where, alias=alias, aliases=held)
    if version is not None:
        try:
            client.get_model_version(name, version)
        except MlflowException as error:
            if error.error_code != "RESOURCE_DOES_NOT_EXIST":
                raise
            raise ModelLookupError(
                "model_no_version", **where, version=version, versions=_versions(client, name)
            ) from None


def _registered_names(client: MlflowClient) -> dict[str, object]:
    """The registered names there (at most `LISTED_NAMES`), as a parameter naming its code."""
    from mlflow.exceptions import MlflowException

    try:
        found = client.search_registered_models(max_results=LISTED_NAMES + 1)
    except MlflowException:  # listing is a courtesy: the error is the name
        return {"code": "model_names_unlisted"}
    names = sorted(model.name for model in found)
    if not names:
        return {"code": "model_names_none"}
    code = "model_names_listed_more" if len(names) > LISTED_NAMES else "model_names_listed"
    return {"code": code, "names": names[:LISTED_NAMES]}


def _versions(client: MlflowClient, name: str) -> dict[str, object]:
    """The versions of `name` (first to last), as a parameter naming its code."""
    from mlflow.exceptions import MlflowException

    try:
        found = client.search_model_versions(f"name = '{name}'", max_results=1000)
    except MlflowException:
        return {"code": "model_versions_unlisted"}
    numbers = sorted(int(v.version) for v in found)
    if not numbers:
        return {"code": "model_versions_none"}
    if len(numbers) == 1:
        return {"code": "model_versions_one", "first": str(numbers[0])}
    return {"code": "model_versions_range", "first": str(numbers[0]), "last": str(numbers[-1])}


def not_found(uri: str, detail: str) -> ModelLookupError:
    """A lookup error for what MLflow itself reported missing while loading `uri`."""
    import mlflow

    tracking = mlflow.get_tracking_uri()
    first = detail.strip().splitlines()[0] if detail.strip() else "not found"
    first = masked_uri(first, known=(uri, tracking, mlflow.get_registry_uri()))
    store = store_param(tracking)
    return ModelLookupError("model_not_found", uri=masked_uri(uri), store=store, detail=first)
