"""Credentials in a URI never reach a message: a token alone, a password holding an unencoded `/`,
space or `@`, as in a message quoting the URI; a URI without credentials is kept byte for byte."""

from __future__ import annotations

import pytest

from models.model_lookup import masked_uri
from training.tracking import error_tag

SECRET = "s3cret"


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        # A token with no password.
        (f"https://{SECRET}@mlflow.example/api", "https://***@mlflow.example/api"),
        (f"https://{SECRET}:@mlflow.example/", "https://***@mlflow.example/"),
        # A password with an unencoded `/` (SQLAlchemy takes it), space or `@`.
        (f"postgresql://u:pa/{SECRET}@h/db", "postgresql://u:***@h/db"),
        (f"postgresql://u:pa/{SECRET}/x@h:5432/db", "postgresql://u:***@h:5432/db"),
        (f"postgresql://u:pa {SECRET}@h/db", "postgresql://u:***@h/db"),
        (f"postgresql://u:correct horse {SECRET}@h/db", "postgresql://u:***@h/db"),
        (f"postgresql://u:p@{SECRET}@h/db", "postgresql://u:***@h/db"),
        (f"https://u:p@{SECRET}@h", "https://u:***@h"),
        # An e-mail address as the user, unencoded.
        (f"https://me@example.org:{SECRET}@h/", "https://me@example.org:***@h/"),
        # The forms masked before.
        (f"postgresql://mlflow:{SECRET}@db:5432/mlflow", "postgresql://mlflow:***@db:5432/mlflow"),
        (f"redis://:{SECRET}@cache:6379/0", "redis://:***@cache:6379/0"),
        (f"http://u:{SECRET}@[::1]:5000/x", "http://u:***@[::1]:5000/x"),
        (
            f"postgresql://db/mlflow?sslmode=require&password={SECRET}",
            "postgresql://db/mlflow?sslmode=require&password=***",
        ),
    ],
)
def test_every_credential_form_is_masked(uri: str, shown: str) -> None:
    assert masked_uri(uri) == shown
    assert SECRET not in masked_uri(uri)


@pytest.mark.parametrize(
    "text",
    [
        "sqlite:///mlflow.db",
        "sqlite:////work/main/mlflow.db",
        "file:///tmp/models@v1/model",
        "/work/main/mlruns/1/abc@def/artifacts",
        "mlruns",
        "databricks",
        "models:/umkm-uplift@champion",
        "models:/umkm-uplift/3",
        "runs:/0123abcd/model",
        "s3://bucket/path/model@v1",
        "https://mlflow.example:5000/api/2.0",
        "http://[::1]:5000/x",
        "http://127.0.0.1:9",
        "no model at http://127.0.0.1:9, ask ops@example.org",
        "loading models:/umkm-uplift@champion from sqlite:///mlflow.db failed",
    ],
)
def test_what_holds_no_credentials_is_kept_byte_for_byte(text: str) -> None:
    assert masked_uri(text) == text


@pytest.mark.parametrize(
    "uri",
    [
        f"https://{SECRET}@mlflow.example/api",
        f"postgresql://u:pa/{SECRET}@h/db",
        f"postgresql://u:pa {SECRET}@h/db",
        f"postgresql://u:p@{SECRET}@h/db",
    ],
)
def test_credentials_quoted_in_a_message_are_masked(uri: str) -> None:
    """Exception messages quote the URI: the rest of the message is kept."""
    for message in (
        f"API request to {uri}/2.0/mlflow/runs/get failed with exception refused",
        f"could not connect to '{uri}': timeout; see models:/umkm-uplift@champion",
        f"first {uri}\nsecond {uri}",
    ):
        masked = masked_uri(message)
        assert SECRET not in masked, masked
        assert masked.count("***@h") + masked.count("***@mlflow.example") == message.count(uri)
    quoted = masked_uri(f"could not connect to '{uri}': timeout; see models:/umkm-uplift@champion")
    assert quoted.endswith("': timeout; see models:/umkm-uplift@champion")


def test_two_uris_in_one_message_are_masked_each() -> None:
    message = f"copy from https://a:{SECRET}@one/x to postgresql://b:pa/{SECRET}@two/db failed"
    shown = "copy from https://a:***@one/x to postgresql://b:***@two/db failed"
    assert masked_uri(message) == shown


def test_a_failed_runs_error_tag_holds_no_credentials() -> None:
    """training.tracking.error_tag, the `error` tag of a failed run, masks with `masked_uri`."""
    refused = ConnectionError(f"API request to https://{SECRET}@mlflow.example/api failed")
    assert error_tag(refused) == (
        "ConnectionError: API request to https://***@mlflow.example/api failed"
    )
    bad = ValueError(f"bad store postgresql://u:pa {SECRET}@h/db\nmore")
    assert error_tag(bad) == "ValueError: bad store postgresql://u:***@h/db"


def test_a_known_password_is_masked_where_no_uri_shows_it() -> None:
    """urllib reads `u:pa/s3cret@h` as host `u:pa` and path `/s3cret@h`: a message quoting the
    path has no `scheme://` for `masked_uri` to find, so the known URI's password is masked."""
    uri = f"http://u:pa/{SECRET}@tracking:5000"
    message = f"Connection to /{SECRET}@tracking:5000/api/2.0 refused; retry pa/{SECRET}"

    assert SECRET in masked_uri(message)
    shown = masked_uri(message, known=[uri, None])
    assert shown == "Connection to /***@tracking:5000/api/2.0 refused; retry ***"


def test_short_pieces_of_a_known_password_are_not_masked_alone() -> None:
    """`ab/s3cret`: `s3cret` is masked wherever it is, `ab` only inside a URI (masking every
    `ab` of a message would garble it and still not hide a two-letter secret)."""
    shown = masked_uri(f"about {SECRET} tab", known=[f"postgresql://u:ab/{SECRET}@h/db"])
    assert shown == "about *** tab"


def test_a_failed_runs_error_tag_masks_the_tracking_stores_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import mlflow

    monkeypatch.setattr(mlflow, "get_tracking_uri", lambda: f"http://u:pa/{SECRET}@t:5000")
    refused = ConnectionError(f"HTTPConnectionPool(host='u', port=None): /{SECRET}@t:5000 failed")
    assert SECRET not in error_tag(refused)


def test_a_percent_encoded_password_is_masked_as_a_driver_shows_it_decoded() -> None:
    shown = masked_uri(
        "login for p@ss/w0rd-long failed", known=["postgresql://u:p%40ss%2Fw0rd-long@h/db"]
    )
    assert shown == "login for *** failed"
