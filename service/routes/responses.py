"""The error answers every keyed route documents in OpenAPI."""

from __future__ import annotations

from typing import Any

from service.schemas import ErrorResponse

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Missing or invalid X-API-Key"},
    403: {
        "model": ErrorResponse,
        "description": "The key lacks the scope this route needs (`missing_scope`; the problem "
        "names the scope)",
    },
    413: {"model": ErrorResponse, "description": "Request body larger than this route's limit"},
    415: {"model": ErrorResponse, "description": "Body not sent as application/json"},
    422: {
        "model": ErrorResponse,
        "description": "Every problem of the request with its field path and type; message and "
        "reasons in the language of Accept-Language (values never echoed)",
    },
    503: {
        "model": ErrorResponse,
        "description": "No model loaded yet (`not_ready`), or the program store cannot be used now "
        "(`store_unavailable`, with Retry-After)",
    },
}

# The program routes' own refusals (`service.errors.store_refusal`).
PROGRAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Unknown list or MSME ids, each named"},
    409: {
        "model": ErrorResponse,
        "description": "Two different outcomes for one MSME of one list in the same request",
    },
}
