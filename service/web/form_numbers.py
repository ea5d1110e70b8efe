"""Numbers typed in the page's form, read as Indonesians write them (`data.numbers.parse_number`).

The page sends what the person typed (`"1.000"`, `"Rp 500.000.000"`, `"70,5%"`); the options are
read here into the JSON numbers `UploadOptions` expects, and each number is echoed back as
understood (`1.000`, `Rp 500.000.000`, `70,5%`) so the person sees what the list was built with.
A number already sent as a JSON number is taken as it is (API clients).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from data.messages import Language
from data.numbers import NumberError, NumberKind, ParsedNumber, parse_number
from service.web.i18n import counted, message

# Option -> the kind of number it holds.
SCALAR_NUMBERS: dict[str, NumberKind] = {"capacity": "integer", "budget": "money"}


@dataclass
class FormNumbers:
    """The options with their numbers read, what each was understood as, and the problems."""

    options: Any
    understood: dict[str, str] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field path, reason)


def understood_text(parsed: ParsedNumber, language: Language) -> str:
    """A number as the page shows it back: `1.000 slot`, `Rp 500.000.000`, `70,5%`."""
    text = parsed.understood[language]
    if parsed.kind == "integer":
        return message(language, counted("number.slots", parsed.value), n=text)
    return text


def number_problem(error: NumberError, language: Language) -> str:
    """A number's problem in `language`, from its code (never echoing more than the text)."""
    params = {name: _shown(value) for name, value in error.params.items()}
    return message(language, f"number.{error.code}", **params)


def _shown(value: object) -> str:
    if isinstance(value, tuple | list):
        return " / ".join(str(item) for item in value)
    return str(value)


def read_form_numbers(options: Any, language: Language) -> FormNumbers:
    """Options (a decoded JSON object) with every number typed as text parsed; others untouched."""
    found = FormNumbers(options)
    if not isinstance(options, dict):
        return found

    def parse(path: str, value: Any, kind: NumberKind) -> Any:
        if not isinstance(value, str):
            return value
        try:
            parsed = parse_number(value, kind)
        except NumberError as error:
            found.problems.append((path, number_problem(error, language)))
            return value
        found.understood[path] = understood_text(parsed, language)
        return parsed.value

    out = dict(options)
    for name, kind in SCALAR_NUMBERS.items():
        if name in out and out[name] is not None and not (name == "budget" and out[name] == ""):
            out[name] = parse(name, out[name], kind)
        elif name == "budget" and out.get(name) == "":
            out[name] = None
    quotas = out.get("quotas")
    if isinstance(quotas, dict):
        out["quotas"] = {
            code: parse(f"quotas.{code}", slots, "integer") for code, slots in quotas.items()
        }
    shares = out.get("min_share")
    if isinstance(shares, list):
        out["min_share"] = [
            {**share, "share": parse(f"min_share.{i}", share.get("share"), "share")}
            if isinstance(share, dict)
            else share
            for i, share in enumerate(shares)
        ]
    found.options = out
    return found
