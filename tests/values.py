"""Checks that a result is a value: it pickles, compares, and converts with attrs.asdict."""

from __future__ import annotations

import enum
import pickle
from datetime import date, datetime
from decimal import Decimal
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


_CELL_TYPES = (str, int, Decimal, date, type(None))


def assert_typed_records(value: Any) -> None:
    """``value.to_records()`` holds only typed cells (no Money, float, enum or text amount)
    in plain dicts, and ``value`` shows itself as an HTML table."""
    records = value.to_records()
    assert isinstance(records, list)
    for record in records:
        assert type(record) is dict
        for key, cell in record.items():
            assert type(key) is str
            assert isinstance(cell, _CELL_TYPES), f"{key}: {cell!r} is not a typed cell"
            assert not isinstance(cell, enum.Enum), f"{key}: {cell!r} is an enum"
            assert type(cell) in (str, int, bool, Decimal, date, datetime, type(None)), (
                f"{key}: {type(cell).__name__} is a subtype, not a plain value"
            )
    shown = value._repr_html_()
    assert shown.startswith("<table>")
    assert shown.endswith("</table>")
