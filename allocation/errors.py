"""What allocation refuses, as one family of errors.

Every problem carries a stable `code` and its `params` beside the English sentence, so the edges
(API, page, CLI, exports) can render it in their own words without reading the sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong: a stable `code`, the figures it names, and the English sentence."""

    code: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


class AllocationError(Exception):
    """Base of every error the allocation package raises; `problems` are English sentences and
    `details` the same problems with their codes and parameters."""

    code = "allocation_error"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.details = list(problems)
        self.problems = [problem.message for problem in self.details]
        super().__init__("; ".join(self.problems))


class InfeasibleConstraints(AllocationError):  # noqa: N818 (the name the API's users know)
    """The constraints cannot all hold at the list's fill; each problem names a constraint."""

    code = "infeasible_constraints"


class CandidateError(AllocationError, ValueError):
    """The candidate table cannot be allocated (missing column, duplicate id, bad cost ...)."""

    code = "invalid_candidates"


class SolverError(AllocationError, RuntimeError):
    """HiGHS found no list within the time limit (or failed); the constraints may still hold."""

    code = "solver_time_limit"

    def __init__(self, problem: Problem) -> None:
        super().__init__([problem])
