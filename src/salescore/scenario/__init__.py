"""Scenario files: plain-text cases (TOML) that the command line, notebooks and golden tests read.

Two kinds of scenario file exist, each with its own loader:

* **sales** scenarios — a catalogue, price types and formulas, agreements,
  discount trees, limits and orders: :func:`load` returns a
  :class:`~salescore.scenario.sales.Scenario` whose ``price()`` prices every
  order end to end (``salescore price FILE``);
* **receivables** scenarios — calendars, payment schedule templates, orders,
  shipments, payments, credit limits and documents to check:
  :func:`load_receivables` (``salescore schedule``, ``salescore aging``,
  ``salescore credit``).

:func:`load` refuses a receivables file with a message that names the right
loader. Both read their files with the scenario flavour
(:mod:`salescore.scenario._toml`) of salescore's one TOML reader
(:mod:`salescore._toml`), which reports every mistake with the file, the key
path and what was expected. Discount conditions installed as plugins are
found by default, exactly as the command line finds them; pass
``registry=`` to :func:`load` to use only the conditions of a registry.
"""

from salescore.scenario.receivables import load_receivables
from salescore.scenario.sales import Scenario, load

__all__ = ["Scenario", "load", "load_receivables"]
