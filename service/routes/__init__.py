"""The service's routes: open ones (health, readiness, metrics) and the keyed `/v1` API.

Each route is declared with its full path, so the path template Prometheus labels requests
with is the one clients call, and the app includes each router directly (one routing level).
"""

from __future__ import annotations

from fastapi import APIRouter

from service.routes import admin, health, lists, model, outcomes, prioritize, scores

OPEN_ROUTERS: tuple[APIRouter, ...] = (health.router,)
KEYED_ROUTERS: tuple[APIRouter, ...] = (model.router,)
# Routes that check the key's scope themselves: the two busy ones as plain calls (they resolve
# no FastAPI dependencies), the program routes through their own dependencies.
SELF_KEYED_ROUTERS: tuple[APIRouter, ...] = (
    scores.router,
    prioritize.router,
    lists.router,
    outcomes.router,
)
ADMIN_ROUTERS: tuple[APIRouter, ...] = (admin.router,)  # admin keys, checked by the router
