"""Explanations: how a figure was computed, step by step, with sources.

Every computed figure of salescore (a price, a discount, a schedule, a
verdict) can carry an :class:`Explanation`. It renders as text for a terminal,
as rows for a table, and as HTML when a notebook displays it.

>>> e = Explanation("price of Coffee maker", (
...     Step("registered price", "1000.00 RUB", source="price type Purchase, 2026-01-10"),
...     Step("formula [Purchase] * 1.25", "1250.00 RUB", source="price type Wholesale"),
...     Step("rounded to 10 up, ending .99", "1259.99 RUB"),
... ))
>>> print(e.as_text())
price of Coffee maker
  1. registered price = 1000.00 RUB  (price type Purchase, 2026-01-10)
  2. formula [Purchase] * 1.25 = 1250.00 RUB  (price type Wholesale)
  3. rounded to 10 up, ending .99 = 1259.99 RUB
>>> e.as_rows()[1]["source"]
'price type Wholesale'
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence

import attrs

from salescore.records import Record, html_table

__all__ = ["Explanation", "Step", "text_table"]


@attrs.frozen
class Step:
    """One step of an explanation.

    Attributes:
        description: what was done or decided.
        value: the result of the step, as text ("" when the step has no figure).
        source: where the rule or data came from (agreement, price type, rule id).
        detail: a nested explanation of how ``value`` itself was obtained.
    """

    description: str
    value: str = ""
    source: str = ""
    detail: Explanation | None = None


@attrs.frozen
class Explanation:
    """A titled sequence of steps; immutable, so it can be cached and shared."""

    subject: str
    steps: tuple[Step, ...] = ()

    def add(self, *steps: Step) -> Explanation:
        """A new explanation with ``steps`` appended."""
        # The constructor, not attrs.evolve: explanations are built step by step for
        # every priced line, and evolve costs several times a plain construction.
        return self.__class__(self.subject, self.steps + steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def _lines(self, indent: str) -> Iterable[str]:
        for number, step in enumerate(self.steps, 1):
            line = f"{indent}{number}. {step.description}"
            if step.value:
                line += f" = {step.value}"
            if step.source:
                line += f"  ({step.source})"
            yield line
            if step.detail is not None:
                yield f"{indent}   {step.detail.subject}"
                yield from step.detail._lines(indent + "     ")

    def as_text(self) -> str:
        """Plain text, one numbered line per step, nested steps indented."""
        return "\n".join([self.subject, *self._lines("  ")])

    def as_rows(self) -> list[dict[str, str]]:
        """Flat rows (``level``, ``step``, ``description``, ``value``, ``source``)."""
        rows: list[dict[str, str]] = []

        def walk(explanation: Explanation, prefix: str) -> None:
            for number, step in enumerate(explanation.steps, 1):
                label = f"{prefix}{number}"
                rows.append(
                    {
                        "step": label,
                        "description": step.description,
                        "value": step.value,
                        "source": step.source,
                    }
                )
                if step.detail is not None:
                    walk(step.detail, label + ".")

        walk(self, "")
        return rows

    def to_records(self) -> list[Record]:
        """The rows of :meth:`as_rows` (every value is text: steps describe, they do not sum)."""
        return [dict(row) for row in self.as_rows()]

    def _repr_html_(self) -> str:
        columns = ("step", "description", "value", "source")
        return html_table(self.to_records(), caption=self.subject, columns=columns)

    def __str__(self) -> str:
        return self.as_text()


def text_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    right: Collection[int] = (),
    rule: bool = True,
    indent: str = "",
) -> list[str]:
    """The lines of a fixed-width table for a terminal: headers, a rule of dashes, rows.

    Columns are two spaces apart and as wide as their widest cell; the columns
    numbered in ``right`` (amounts) are aligned right, the others left.

    >>> print("\\n".join(text_table(["product", "price"], [["CM-100", "12.50"],
    ...                                                     ["BEANS", "1180.00"]], right={1})))
    product    price
    -------  -------
    CM-100     12.50
    BEANS    1180.00
    """
    body = [list(r) for r in rows]
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return (
            indent
            + "  ".join(
                c.rjust(w) if i in right else c.ljust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()
        )

    dashes = [indent + "  ".join("-" * w for w in widths)] if rule else []
    return [line(headers), *dashes, *(line(r) for r in body)]
