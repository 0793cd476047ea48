"""Checks that a result is a value: it pickles, compares, and converts with attrs.asdict."""

from __future__ import annotations

import pickle
from typing import Any

import attrs


def assert_is_value(value: Any) -> None:
    """``value`` survives pickling equal, rebuilds from ``attrs.asdict`` and converts deeply."""
    assert attrs.has(type(value)), f"{type(value).__name__} is not an attrs class"
    assert pickle.loads(pickle.dumps(value)) == value
    shallow = attrs.asdict(value, recurse=False)
    fields = attrs.fields(type(value))
    assert type(value)(**{f.alias: shallow[f.name] for f in fields if f.init}) == value
    deep = attrs.asdict(value)
    assert set(deep) == {f.name for f in fields}
    try:
        setattr(value, fields[0].name, None)
    except attrs.exceptions.FrozenInstanceError:
        pass
    else:  # pragma: no cover - the assertion is the point
        raise AssertionError(f"{type(value).__name__} is not frozen")
