"""The service's routes: open ones (health, readiness, metrics) and the keyed `/v1` API.

Each route is declared with its full path, so the path template Prometheus labels requests
with is the one clients call, and the app includes each router directly (one routing level).
"""

from __future__ import annotations

from fastapi import APIRouter

from service.routes import admin, health, model, prioritize, scores

OPEN_ROUTERS: tuple[APIRouter, ...] = (health.router,)
KEYED_ROUTERS: tuple[APIRouter, ...] = (model.router,)
# The two busy routes check the key themselves (they resolve no FastAPI dependencies).
SELF_KEYED_ROUTERS: tuple[APIRouter, ...] = (scores.router, prioritize.router)
ADMIN_ROUTERS: tuple[APIRouter, ...] = (admin.router,)  # admin keys, checked by the router
