"""The sample company and the demo report (``salescore demo``).

Sample data lives here, above the application layer, so that no layer below
the command line holds it: :mod:`salescore.demo.sample` and its siblings load
the sample company, prices, agreements, discounts, receivables and stock into
a store; :func:`run_demo` loads them and prints the report, section by
section (:mod:`salescore.demo.report`).
"""

from salescore.demo.report import SECTIONS, run_demo

__all__ = ["SECTIONS", "run_demo"]
