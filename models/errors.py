"""The base of every error the models package raises: callers can catch `ModelError` alone."""


class ModelError(Exception):
    """Something a served model cannot do with the rows or settings it was given."""


class ModelLookupError(ModelError, LookupError):
    """A model URI that names no model in the tracking store (or no store is there); the message
    names the model, the store (credentials masked) and what to check."""
