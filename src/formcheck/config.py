"""Typed configuration: dataclasses built from plain dicts that reject unknown keys."""
from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from formcheck.errors import FormcheckError

T = TypeVar("T")


def from_dict(cls: type[T], data: dict[str, Any] | None) -> T:
    """Build config dataclass `cls` from `data`; unknown keys are an error, not silently ignored."""
    data = dict(data or {})
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - names)
    if unknown:
        raise FormcheckError(f"unknown setting(s) for {cls.__name__}: {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(names))}")
    return cls(**data)


def coerce_config(cls: type[T], config: "T | dict[str, Any] | None") -> T:
    """`config` as a `cls`: an instance passes through, a dict (or None: the defaults) is checked
    by `from_dict`. The one way every checker and flow takes its settings."""
    return config if isinstance(config, cls) else from_dict(cls, config)  # type: ignore[arg-type]
