"""The page's routers, in the order the app includes them, and the body limits of its API routes.

The page is a client like any other: its HTML and assets (`service.web.pages`) call the API routes
that take a file (`service.web.uploads`) and those that send one (`service.web.downloads`).
"""

from __future__ import annotations

from fastapi import APIRouter

from service.limits import RouteLimit
from service.settings import Settings
from service.web import downloads, pages, uploads
from service.web.downloads import EXPORT_PATH, PROBLEMS_EXPORT_PATH
from service.web.uploads import LISTS_UPLOAD_PATH, OUTCOMES_UPLOAD_PATH, UPLOAD_PATH

WEB_ROUTERS: tuple[APIRouter, ...] = (pages.router, uploads.router, downloads.router)


def body_limits(settings: Settings) -> dict[str, RouteLimit]:
    """Body limits of the page's API routes, for the app's BodyLimitMiddleware: an upload may
    be as large as the longest /v1/prioritize body, and so may the list sent back for export."""
    limit = settings.body_limit_prioritize
    return {
        UPLOAD_PATH: RouteLimit(limit, "file"),
        EXPORT_PATH: RouteLimit(limit),
        PROBLEMS_EXPORT_PATH: RouteLimit(limit),
        LISTS_UPLOAD_PATH: RouteLimit(limit, "file"),
        OUTCOMES_UPLOAD_PATH: RouteLimit(limit, "file"),
    }
