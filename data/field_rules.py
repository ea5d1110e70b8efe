"""A validator's refusal of a field as a catalog code with parameters, never the value refused.

Pydantic reports a `FieldRuleError` raised in a validator as a `value_error` with the error in its
`ctx`; each edge words it in its language and names the field its own way (the API as
`msmes[3].province_code`, `umkm prioritize` as `quotas["99"]`, see `service.request_problems`).
The list options (`allocation.options`), the API's schemas and the service's own checks raise it.
"""

from __future__ import annotations

from typing import Literal

from data.errors import DataError
from data.messages import render

# The codes a validator or a service check words its refusal with.
RuleCode = Literal[
    "field_not_province",
    "field_not_contract_boolean",
    "field_share_value",
    "field_share_value_not_province",
    "field_share_twice",
    "field_duplicate",
    "field_cost_needed",
    "field_cost_column_needed",
    "field_repeated",
    "field_too_many_msmes",
    "field_too_many_msmes_one",
    "field_control_character",
    "field_own_column_profile_name",
    "field_not_cell",
]


class FieldRuleError(DataError, ValueError):
    """A validator's refusal as a catalog code with parameters (pydantic reports it as a
    `value_error`); its English text, with the field called "value", is for logs."""

    def __init__(self, code: RuleCode, **params: object) -> None:
        super().__init__(render(code, {"field": "value", **params}, "en"))
        self.code: RuleCode = code
        self.params: dict[str, object] = params
