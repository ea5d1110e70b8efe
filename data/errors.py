"""The base of every error the data package raises: callers can catch `DataError` alone."""


class DataError(Exception):
    """Something in a file, a value or the program store that the data layer refuses."""
