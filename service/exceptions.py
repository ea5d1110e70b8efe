"""The base of the service's own errors (`service.errors` turns errors into HTTP answers)."""


class ServiceError(Exception):
    """A setting, upload or export that the service refuses."""
