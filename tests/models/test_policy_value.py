"""The policy-value estimator against simulated exploration with a known true value."""

from __future__ import annotations

from typing import get_args

import numpy as np
import pytest

from data.messages import Language
from models.policy_value import ListedUnits, ValueStatus, policy_value, status_note

CANDIDATES = 2000
SLOTS = 200
DRAWS = 400


def _population(seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True chances of going digital when given a slot, the model's (noisy) estimate of them,
    and a quota group per candidate."""
    rng = np.random.default_rng(seed)
    truth = rng.beta(1.5, 8.0, CANDIDATES)
    estimate = np.clip(truth + rng.normal(0, 0.05, CANDIDATES), 0, 1)
    group = rng.integers(0, 2, CANDIDATES)
    return truth, estimate, group


def _issue(
    rng: np.random.Generator,
    truth: np.ndarray,
    estimate: np.ndarray,
    group: np.ndarray,
    exploration_share: float,
) -> ListedUnits:
    """The model's top picks, then exploration slots drawn at random within each quota group
    (half the explored slots each) among the rest, with exact chances; outcomes drawn."""
    explored_slots = round(SLOTS * exploration_share)
    model = np.zeros(CANDIDATES, dtype=bool)
    model[np.argsort(-estimate)[: SLOTS - explored_slots]] = True
    pi = model.astype(float)
    selected = model.copy()
    for g, share in ((0, 0.5), (1, 0.5)):
        pool = np.flatnonzero(~model & (group == g))
        take = round(explored_slots * share)
        if take:
            selected[rng.choice(pool, size=take, replace=False)] = True
            pi[pool] = take / len(pool)
    digital = np.where(selected, (rng.random(CANDIDATES) < truth).astype(float), np.nan)
    return ListedUnits(
        selection_probability=pi,
        selected=selected,
        by_model=model,
        p_if_mentored=estimate,
        p_if_not=np.zeros(CANDIDATES),
        digitalized=digital,
        mentored=np.where(selected, 1.0, np.nan),
    )


@pytest.mark.parametrize("method", ["ips", "dr"])
def test_unbiased_and_covers_at_about_the_nominal_rate(method: str) -> None:
    truth, estimate, group = _population()
    rng = np.random.default_rng(11)
    errors, covered, widths = [], [], []
    true_model = true_difference = 0.0
    for _ in range(DRAWS):
        units = _issue(rng, truth, estimate, group, exploration_share=0.2)
        model = units.by_model
        true_model = float(truth[model].mean())
        true_random = float(truth.mean())
        true_difference = true_model - true_random
        value = policy_value(units)
        assert value.status == "estimated"
        found = value.methods[method]  # type: ignore[index]
        assert found.difference is not None and found.random_rate is not None
        errors.append(found.difference.value - true_difference)
        covered.append(found.difference.covers(true_difference))
        widths.append(found.difference.high - found.difference.low)
        assert found.model_rate.value == pytest.approx(
            np.nanmean(units.digitalized[model]), abs=1e-12
        )
    standard_error = np.std(errors) / np.sqrt(DRAWS)
    # Unbiased: the mean error is within three of its own standard errors (and small).
    assert abs(np.mean(errors)) < 3 * standard_error + 1e-3
    assert abs(np.mean(errors)) < 0.01
    # 90% intervals cover the truth at roughly their rate (binomial spread over 400 draws).
    assert 0.85 <= np.mean(covered) <= 0.97
    assert true_difference > 0.05  # the case is one where the model's picks do better


def test_dr_is_tighter_than_ips_with_a_good_outcome_model() -> None:
    truth, estimate, group = _population()
    units = _issue(np.random.default_rng(5), truth, estimate, group, exploration_share=0.2)
    value = policy_value(units)
    ips, dr = value.methods["ips"].difference, value.methods["dr"].difference
    assert ips is not None and dr is not None
    assert dr.high - dr.low < ips.high - ips.low


def test_without_exploration_it_says_so_and_gives_no_random_number() -> None:
    truth, estimate, group = _population()
    units = _issue(np.random.default_rng(5), truth, estimate, group, exploration_share=0.0)
    value = policy_value(units)
    assert value.status == "no_exploration"
    assert value.explored_slots == 0
    for method in ("ips", "dr"):
        found = value.methods[method]  # type: ignore[index]
        assert found.random_rate is None and found.difference is None
        assert found.model_rate.value == pytest.approx(
            np.nanmean(units.digitalized[units.by_model])
        )


def test_explored_slots_without_outcomes_give_no_random_number() -> None:
    truth, estimate, group = _population()
    units = _issue(np.random.default_rng(5), truth, estimate, group, exploration_share=0.2)
    explored = units.selected & ~units.by_model
    hidden = np.where(explored, np.nan, units.digitalized)
    value = policy_value(
        ListedUnits(
            units.selection_probability,
            units.selected,
            units.by_model,
            units.p_if_mentored,
            units.p_if_not,
            hidden,
            units.mentored,
        )
    )
    assert value.status == "no_explored_outcomes"
    assert value.methods["ips"].random_rate is None


def test_few_explored_outcomes_are_flagged() -> None:
    truth, estimate, group = _population()
    units = _issue(np.random.default_rng(5), truth, estimate, group, exploration_share=0.05)
    value = policy_value(units)
    assert value.explored_outcomes == 10
    assert value.status == "few_explored_outcomes"
    assert value.methods["dr"].difference is not None


# What a status short of "estimated" means, per language: the catalog's words, none for estimated.
STATUS_NOTES: dict[Language, dict[ValueStatus, str]] = {
    "id": {
        "no_model_slots": "model tidak mengisi satu slot pun di daftar ini: tidak ada yang dapat "
        "dinilai",
        "no_exploration": "daftar ini tidak menyisihkan slot untuk undian acak (porsinya 0): "
        "slot pilihan model ditampilkan, tetapi nilai pemilihan acak tidak dapat diperkirakan dari "
        "daftar ini",
        "few_explored_outcomes": "baru sedikit hasil dari slot acak: rentangnya hanya perkiraan "
        "kasar",
    },
    "en": {
        "no_model_slots": "the model filled no slot on this list: nothing to evaluate",
        "no_exploration": "the list kept no randomized slots (exploration_share 0): the model's "
        "slots are shown, random allocation's value cannot be estimated from this list",
        "few_explored_outcomes": "few explored outcomes: the intervals are a rough guide",
    },
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_status_notes_are_worded_in_the_language_asked(language: Language) -> None:
    for status, note in STATUS_NOTES[language].items():
        assert status_note(status, language) == note
    assert status_note("estimated", language) is None


def test_every_status_short_of_estimated_has_a_note_in_each_language() -> None:
    for status in get_args(ValueStatus):
        english, bahasa = status_note(status, "en"), status_note(status, "id")
        if status == "estimated":
            assert english is bahasa is None
            continue
        assert english and bahasa and english != bahasa, status
        assert not english.startswith("value_status_") and not bahasa.startswith("value_status_")


def _tiny_list(outcomes: list[float]) -> ListedUnits:
    """Model picks only (no exploration), the first of them with the outcomes given."""
    slots = 4
    digital = np.full(slots, np.nan)
    digital[: len(outcomes)] = outcomes
    return ListedUnits(
        selection_probability=np.ones(slots),
        selected=np.ones(slots, dtype=bool),
        by_model=np.ones(slots, dtype=bool),
        p_if_mentored=np.full(slots, 0.3),
        p_if_not=np.zeros(slots),
        digitalized=digital,
        mentored=np.ones(slots),
    )


@pytest.mark.parametrize(
    ("outcomes", "low", "high"),
    [
        ([1.0], 0.18, 1.0),  # one outcome: the widest honest interval, not one of zero width
        ([1.0, 0.0], 0.0, 1.0),  # two: the normal interval reaches past 0 and 1, kept within
    ],
)
def test_a_rate_interval_stays_within_zero_and_one(
    outcomes: list[float], low: float, high: float
) -> None:
    found = policy_value(_tiny_list(outcomes)).methods["ips"]
    assert found.model_rate.value == pytest.approx(np.mean(outcomes))
    assert found.model_rate.low == pytest.approx(low, abs=0.01)
    assert found.model_rate.high == pytest.approx(high)
