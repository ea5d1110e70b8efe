"""The base of every error the data package raises: callers can catch `DataError` alone."""


class DataError(Exception):
    """Something in a file, a value or the program store that the data layer refuses."""


def one_line(error: BaseException) -> str:
    """An error's message on one line: the CLI prints one line per file error."""
    return " ".join(str(error).split()) or type(error).__name__
