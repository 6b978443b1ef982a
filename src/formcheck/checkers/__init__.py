"""Exercise checkers, one module each, registered by id.

To add an exercise: write `checkers/<id>.py` with a `Checker` subclass decorated with
`@register`. Every module in this package is imported on first use, so nothing else
needs editing.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from formcheck.errors import name_key, unknown_name
from formcheck.checkers.base import Checker

REGISTRY: dict[str, type[Checker]] = {}
_loaded = False


def register(cls: type[Checker]) -> type[Checker]:
    if cls.exercise in REGISTRY and REGISTRY[cls.exercise] is not cls:
        raise ValueError(f"exercise id registered twice: {cls.exercise}")
    REGISTRY[cls.exercise] = cls
    return cls


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for mod in pkgutil.iter_modules(__path__):
        if not mod.ispkg and mod.name != "base":  # kit/ holds shared machinery, not exercises
            importlib.import_module(f"{__name__}.{mod.name}")
    _loaded = True


def get_checker_class(exercise: str) -> type[Checker]:
    """The checker of an exercise id (case, spaces and dashes ignored: "Calf raise" is calf_raise)."""
    _load()
    cls = REGISTRY.get(exercise) or REGISTRY.get(name_key(exercise))
    if cls is None:
        raise unknown_name("exercise", exercise, sorted(REGISTRY))
    return cls


def make_checker(exercise: str, config: dict[str, Any] | None = None) -> Checker:
    cls = get_checker_class(exercise)
    return cls(config) if config is not None else cls()


def all_checkers() -> dict[str, type[Checker]]:
    _load()
    return dict(REGISTRY)
