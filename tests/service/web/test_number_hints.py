"""The examples the page gives of how to write a number are numbers the page reads: the hint
beside a bad number never recommends a form it then refuses (`1,000` reads two ways)."""

from __future__ import annotations

import re

import pytest

from data.messages import Language
from data.numbers import NumberKind, parse_number
from service.web.i18n import catalog

# Message key -> the kind of number its examples are typed into.
HINTS: dict[str, NumberKind] = {
    "number.number_invalid": "number",  # shown for any field
    "number.hint_capacity": "integer",
    "number.hint_budget": "money",
    "number.hint_share": "share",
}
_EXAMPLES = re.compile(r"(?:e\.g\.|mis\.)\s+(.+)$")
_OR = re.compile(r"\s+(?:or|atau)\s+")


def examples(text: str) -> list[str]:
    """`write e.g. 1000 or 70.5` -> ["1000", "70.5"]."""
    found = _EXAMPLES.search(text)
    assert found, text
    return _OR.split(found.group(1).strip())


@pytest.mark.parametrize("key", HINTS)
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_example_a_hint_gives_is_read(key: str, language: Language) -> None:
    shown = examples(catalog(language)[key])
    assert len(shown) == 2
    for text in shown:
        parse_number(text, HINTS[key])  # raises NumberError for a form the page refuses


def test_the_english_hint_no_longer_recommends_a_comma_group() -> None:
    for key in ("number.number_invalid", "number.hint_capacity"):
        assert "1,000" not in catalog("en")[key]
