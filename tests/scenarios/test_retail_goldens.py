"""The golden shift of the sample shop (``tests/scenarios/retail/golden_shift.txt``).

The file holds what the demo's retail section prints for one shift on the
Shtrih-M simulator; its figures were checked by hand (see the comments of
``tests/unit/retail/test_demo_section.py``). On a mismatch the test prints a
diff; rerun with ``pytest --update-goldens`` once the new figures are right.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.goldens import check_golden

from salescore.adapters.memory import MemoryStore
from salescore.demo.demo_retail import retail_section

HERE = Path(__file__).parent / "retail"

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def test_the_golden_shift_prints_its_checked_report(update_goldens: bool) -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        text = retail_section(uow) + "\n"
    check_golden(HERE / "golden_shift.txt", text, update=update_goldens, test_file=__file__)
