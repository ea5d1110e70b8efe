"""Mentoring lists under capacity, quotas and budgets: request, candidates, feasibility, solver, explanation. No HTTP."""
