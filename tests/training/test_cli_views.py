"""`training.cli_views`: the verdict under each list of `umkm evaluate-policy`, worded from the
message catalog in the chosen language."""

from __future__ import annotations

import pytest

from data.messages import Language, render
from models.policy_value import Interval, MethodValue, PolicyValue
from training.cli import EVALUATE_POLICY_CODES
from training.cli_views import policy_verdict


def test_a_list_that_did_worse_says_so_and_one_without_a_difference_gets_no_verdict() -> None:
    rate = Interval(0.1, 0.05, 0.15)
    worse = MethodValue(rate, rate, Interval(-0.0812, -0.1404, -0.022), Interval(-3.2, -5.6, -0.9))
    value = PolicyValue("estimated", 0.9, 40, 40, 40, 40, 200, 1.0, {"ips": worse}, "L1")
    assert policy_verdict(value) == (
        "list L1: the model's list did worse than a lottery: -0.0812 [-0.1404, -0.0220] "
        "digitalizations per slot (inverse propensity, 90% interval below zero)"
    )
    assert policy_verdict(value, "id") == (
        "daftar L1: daftar model lebih buruk daripada undian: -0,0812 [-0,1404; -0,0220] "
        "UMKM go digital per slot (propensitas terbalik, rentang 90% di bawah nol)"
    )
    alone = PolicyValue("no_exploration", 0.9, 40, 40, 0, 0, 40, 1.0, {"ips": MethodValue(rate)})
    assert policy_verdict(alone) is None


# A verdict per kind: the difference per slot (estimate, low, high), as each language shows it.
VERDICTS = [
    (
        "better",
        (0.052, 0.011, 0.093),
        {"en": "+0.0520 [0.0110, 0.0930]", "id": "+0,0520 [0,0110; 0,0930]"},
    ),
    (
        "worse",
        (-0.052, -0.093, -0.011),
        {"en": "-0.0520 [-0.0930, -0.0110]", "id": "-0,0520 [-0,0930; -0,0110]"},
    ),
    (
        "unclear",
        (0.01, -0.02, 0.04),
        {"en": "+0.0100 [-0.0200, 0.0400]", "id": "+0,0100 [-0,0200; 0,0400]"},
    ),
]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("kind", "difference", "shown"), VERDICTS, ids=[v[0] for v in VERDICTS])
def test_the_verdict_is_its_catalog_entry_in_the_chosen_language(
    lang: Language, kind: str, difference: tuple[float, float, float], shown: dict[str, str]
) -> None:
    """The verdict's sentence lives in the catalogs (`policy_verdict_*`, a declared code), its
    difference worded as the table's cells are."""
    code = f"policy_verdict_{kind}"
    assert EVALUATE_POLICY_CODES[code] == ("list_id", "difference", "method", "level")
    rate = Interval(0.1, 0.05, 0.15)
    estimated = MethodValue(rate, rate, Interval(*difference), Interval(1.0, 0.5, 1.5))
    value = PolicyValue("estimated", 0.8, 40, 40, 40, 40, 200, 1.0, {"dr": estimated}, "L7")
    method = render("policy_dr", {}, lang)
    params = {"list_id": "L7", "difference": shown[lang], "method": method, "level": "80%"}

    verdict = policy_verdict(value, lang)

    assert verdict == render(code, params, lang)
    assert verdict.startswith("daftar L7: " if lang == "id" else "list L7: ")
    assert f"{shown[lang]} " in verdict and f"({method}, " in verdict
