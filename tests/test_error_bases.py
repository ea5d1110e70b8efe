"""Every package's errors derive from that package's one base, so a caller can catch it alone."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from allocation import AllocationError
from data.errors import DataError
from models.errors import ModelError
from service.exceptions import ServiceError
from training.errors import TrainingError

BASES: dict[str, type[Exception]] = {
    "data": DataError,
    "models": ModelError,
    "allocation": AllocationError,
    "training": TrainingError,
    "service": ServiceError,
}


def _own_error_classes(package: str) -> list[type[BaseException]]:
    root = importlib.import_module(package)
    found: list[type[BaseException]] = []
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        if ".migrations" in info.name:
            continue  # Alembic's env.py runs migrations when imported
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == info.name and issubclass(obj, Exception):
                found.append(obj)
    return found


@pytest.mark.parametrize("package", sorted(BASES))
def test_every_error_of_a_package_derives_from_its_base(package: str) -> None:
    base = BASES[package]
    classes = _own_error_classes(package)
    assert classes, f"no error classes found in {package}"
    strays = [
        cls.__qualname__
        for cls in classes
        if not issubclass(cls, base) and not _is_http_exception(cls)
    ]
    assert strays == [], f"{package}: errors outside {base.__name__}: {strays}"


def _is_http_exception(cls: type[BaseException]) -> bool:
    """HTTP answers raised inside routes (401/403/413) are FastAPI's own kind, not domain errors."""
    from starlette.exceptions import HTTPException

    return issubclass(cls, HTTPException)
