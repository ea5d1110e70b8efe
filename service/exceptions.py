"""The base of the service's own errors (`service.errors` turns errors into HTTP answers)."""

from starlette.exceptions import HTTPException


class ServiceError(Exception):
    """A setting, upload or export that the service refuses."""


class WordedHTTPError(HTTPException):
    """An HTTP refusal whose message is already worded in `language`, the one Accept-Language
    chose (most HTTPException details are English whatever was asked)."""

    def __init__(self, status_code: int, detail: str, language: str) -> None:
        super().__init__(status_code=status_code, detail=detail)
        self.language = language
