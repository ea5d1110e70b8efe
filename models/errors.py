"""The base of every error the models package raises: callers can catch `ModelError` alone."""


class ModelError(Exception):
    """Something a served model cannot do with the rows or settings it was given."""
