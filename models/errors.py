"""The base of every error the models package raises: callers can catch `ModelError` alone."""

from __future__ import annotations

from collections.abc import Mapping


class ModelError(Exception):
    """Something a served model cannot do with the rows or settings it was given."""


class ModelLookupError(ModelError, LookupError):
    """A model URI that names no model in the tracking store (or no store is there): a `code`
    with its `params` (`models.model_lookup.MODEL_LOOKUP_CODES`) naming the model, the store
    (credentials masked) and what is there instead; the message is its English wording."""

    def __init__(self, code: str, **params: object) -> None:
        from data.messages import render  # babel loads only when a lookup fails

        super().__init__(render(code, params, "en"))
        self.code = code
        self.params: Mapping[str, object] = params
