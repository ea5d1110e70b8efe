"""The base of every error the training package raises: callers can catch `TrainingError` alone."""


class TrainingError(Exception):
    """A history, config, registry state or scoring job that training refuses."""
