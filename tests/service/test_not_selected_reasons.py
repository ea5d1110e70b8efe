"""`service.scoring.not_selected_reasons`: each left-out MSME's reason worded from its catalogue
code and the list's figures (`AllocationResult.reasons`), in either language; no HTTP."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from allocation import AllocationRequest, AllocationResult, InfeasibleConstraints, allocate
from data.messages import render
from service.scoring import not_selected_reasons
from tests.allocation.test_allocation import budget_left_out_by_exploration, frame


def _by_id(result: AllocationResult, language: str) -> dict[str, str]:
    reasons = not_selected_reasons(result, language)  # type: ignore[arg-type]
    return dict(zip(result.not_selected["msme_id"], reasons, strict=True))


# A province's quota in each language: one slot, two slots (Bahasa has no plural).
QUOTA_WORDS = {
    "id": (
        "DKI Jakarta sudah mencapai batasnya (1 slot)",
        "Jawa Barat sudah mencapai batasnya (2 slot)",
    ),
    "en": ("DKI Jakarta reached its quota of 1 slot", "Jawa Barat reached its quota of 2 slots"),
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_full_quota_is_counted_in_slots_singular_or_plural(language: str) -> None:
    candidates = frame(
        [
            {"province_code": "31", "uplift": 0.50},
            {"province_code": "31", "uplift": 0.45},
            {"province_code": "32", "uplift": 0.40},
            {"province_code": "32", "uplift": 0.35},
            {"province_code": "32", "uplift": 0.30},
            {"province_code": "73", "uplift": 0.01},
        ]
    )
    result = allocate(candidates, AllocationRequest(capacity=4, quotas={"31": 1, "32": 2}))
    assert list(result.selected["msme_id"]) == ["M000", "M002", "M003", "M005"]

    off = _by_id(result, language)

    assert (off["M001"], off["M004"]) == QUOTA_WORDS[language]


# Exploration took half the slots: the cutoff is the model's lowest pick (40%), not the draws'.
CUTOFF_WORDS = {
    "id": "Tambahan peluang 35% di bawah yang terendah di antara pilihan model (40%)",
    "en": "uplift 35% below the lowest uplift the model picked (40%)",
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_below_the_cutoff_names_the_models_lowest_pick_whatever_was_drawn(language: str) -> None:
    candidates = frame(
        [
            *({"province_code": "31", "uplift": u} for u in [0.50, 0.40, 0.30, 0.20, 0.10, 0.05]),
            {"province_code": "32", "uplift": 0.35},  # out of the draw: its quota is 0
        ]
    )
    request = AllocationRequest(
        capacity=4, quotas={"32": 0}, exploration_share=0.5, exploration_seed=3
    )
    result = allocate(candidates, request)
    assert min(result.selected["expected_gain"]) < 0.30  # drawn MSMEs below the model's picks

    assert _by_id(result, language)["M006"] == CUTOFF_WORDS[language]


# The budget, with exploration's share of it kept from the model's part, left M003 out although
# its cost would fit in place of a cheaper pick.
WITH_CONSTRAINTS_WORDS = {
    "id": "Anggaran, bersama batasan lainnya, tidak menyisakan slot untuknya (sisa Rp 1,00)",
    "en": "the budget, together with the other constraints, left no slot for it (Rp 1.00 left)",
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_budget_with_other_constraints_is_worded_with_the_money_left(language: str) -> None:
    result = allocate(*budget_left_out_by_exploration())

    assert _by_id(result, language)["M003"] == WITH_CONSTRAINTS_WORDS[language]


# Uplift and cutoff that read the same at one decimal (11.3% and 11.3%) are shown with as many
# more decimals as it takes to tell them apart.
TIED_WORDS = {
    (0.1134, 0.1126): {
        "id": "Tambahan peluang 11,26% di bawah yang terendah di antara pilihan model (11,34%)",
        "en": "uplift 11.26% below the lowest uplift the model picked (11.34%)",
    },
    (0.11304, 0.11296): {
        "id": "Tambahan peluang 11,296% di bawah yang terendah di antara pilihan model (11,304%)",
        "en": "uplift 11.296% below the lowest uplift the model picked (11.304%)",
    },
}


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("cutoff", "uplift"), TIED_WORDS)
def test_an_uplift_just_below_the_cutoff_never_reads_as_the_cutoff(
    language: str, cutoff: float, uplift: float
) -> None:
    candidates = frame([{"uplift": 0.30}, {"uplift": cutoff}, {"uplift": uplift}])
    result = allocate(candidates, AllocationRequest(capacity=2))
    assert result.reasons.cutoff == cutoff

    assert _by_id(result, language)["M002"] == TIED_WORDS[cutoff, uplift][language]


NOT_DRAWN_WORDS = {
    "id": "Bisa terpilih untuk slot undian acak, tetapi tidak terundi (1 dari 25 UMKM terundi)",
    "en": "could have been drawn for a random slot, but was not (1 of 25 drawn)",
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_an_msme_not_drawn_is_told_its_chance_of_being_drawn(language: str) -> None:
    candidates = frame({"uplift": 0.5 - i / 100} for i in range(25))
    # Every slot drawn at random: each MSME left is told the draw's odds.
    request = AllocationRequest(capacity=1, exploration_share=1.0, exploration_seed=11)
    result = allocate(candidates, request)
    assert result.exploration is not None and len(result.exploration.pool) == 25
    off = _by_id(result, language)
    assert len(off) == 24 and set(off.values()) == {NOT_DRAWN_WORDS[language]}
    # Beside the model's picks, an MSME the model passed by is told the model's reason.
    request = AllocationRequest(capacity=4, exploration_share=0.25, exploration_seed=11)
    mixed = allocate(candidates, request)
    assert set(mixed.not_selected["reason_code"]) == {"below_rank_cutoff"}


TIED_AT_CUTOFF_WORDS = {
    "id": (
        "Tambahan peluang 20%, sama dengan yang terendah di antara pilihan model: slot habis di "
        "antara UMKM dengan tambahan peluang yang sama"
    ),
    "en": (
        "uplift 20%, equal to the lowest uplift the model picked: the slots ran out among MSMEs "
        "with the same uplift"
    ),
}


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(
    "tied",
    [0.20, 0.2000004],  # equal, or different but alike even at three decimals (20.000%)
)
def test_an_uplift_equal_to_the_cutoff_says_the_slots_ran_out_among_equals(
    language: str, tied: float
) -> None:
    candidates = frame([{"uplift": 0.30}, {"uplift": tied}, {"uplift": 0.20}])
    result = allocate(candidates, AllocationRequest(capacity=2))
    [left_out] = result.not_selected["msme_id"]

    assert _by_id(result, language)[left_out] == TIED_AT_CUTOFF_WORDS[language]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    uplifts=st.lists(
        st.floats(min_value=-0.05, max_value=0.4)
        | st.integers(-50, 400).map(lambda k: k / 1000 + 0.0005)  # a hair from 10.45%
        | st.just(float("nan")),
        min_size=2,
        max_size=40,
    ),
    capacity=st.integers(1, 6),
    language=st.sampled_from(["id", "en"]),
)
def test_reasons_worded_once_per_reading_equal_reasons_worded_one_by_one(
    uplifts: list[float], capacity: int, language: str
) -> None:
    """The MSMEs whose figures read alike share one wording: it must be each one's own."""
    candidates = frame(
        {"province_code": ("31", "32", "73")[i % 3], "uplift": u} for i, u in enumerate(uplifts)
    )
    try:
        result = allocate(candidates, AllocationRequest(capacity=capacity, quotas={"73": 1}))
    except InfeasibleConstraints:
        reject()  # the quota cannot leave the slots fillable: no list to word
    frame_out = result.not_selected
    one_by_one = [
        render(*result.reasons.message(code, uplift, province), language)  # type: ignore[arg-type]
        for code, uplift, province in zip(
            result.reasons.codes.tolist(),
            frame_out["uplift"].astype(float).tolist(),
            frame_out["province_code"].tolist(),
            strict=True,
        )
    ]

    assert not_selected_reasons(result, language) == one_by_one  # type: ignore[arg-type]
