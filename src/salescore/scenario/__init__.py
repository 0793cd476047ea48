"""Scenario files: plain-text cases (TOML) that the command line, notebooks and golden tests read.

Three kinds of scenario file exist, each with its own loader:

* **sales** scenarios — a catalogue, price types and formulas, agreements,
  discount trees, limits and orders: :func:`load` returns a
  :class:`~salescore.scenario.sales.Scenario` whose ``price()`` prices every
  order end to end (``salescore price FILE``);
* **receivables** scenarios — calendars, payment schedule templates, orders,
  shipments, payments, credit limits and documents to check:
  :func:`load_receivables` (``salescore schedule``, ``salescore aging``,
  ``salescore credit``);
* **orders** scenarios — the company of a sales scenario, its settlements,
  proposals and orders, then dated events (revise, send, accept, approve,
  confirm, pay, reserve, ship …): :func:`load_orders` returns an
  :class:`~salescore.scenario.orders.OrderScenario` whose ``replay()`` shows
  each document's status, derived state and explanation after each event
  (``salescore orders``).

:func:`load` refuses a receivables file with a message that names the right
loader. Both read their files with the scenario flavour
(:mod:`salescore.scenario._toml`) of salescore's one TOML reader
(:mod:`salescore._toml`), which reports every mistake with the file, the key
path and what was expected. Discount conditions installed as plugins are
found by default, exactly as the command line finds them; pass
``registry=`` to :func:`load` to use only the conditions of a registry.
"""

from salescore.scenario.orders import OrderScenario, load_orders
from salescore.scenario.receivables import load_receivables
from salescore.scenario.sales import Scenario, load

__all__ = ["OrderScenario", "Scenario", "load", "load_orders", "load_receivables"]
