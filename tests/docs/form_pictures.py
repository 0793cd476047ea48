"""The pictures of the printed forms on the "Printed forms" page.

``python -m tests.docs.form_pictures`` renders each form of the test documents as
PDF (:func:`salescore.forms.render_pdf`) and turns its page into a PNG with
poppler's ``pdftoppm`` into ``docs/_static/forms/``. Run it after a change to
the forms' layout.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import attrs
from tests.unit.forms.test_correction_forms import NAMES as CORRECTION_NAMES
from tests.unit.forms.test_correction_forms import SOLD, TRANSFER, agreed
from tests.unit.orders._fixtures import frozen_line, order, prices
from tests.unit.shipments.test_forms import BUYER, NAMES, POSTED, SELLER

from salescore.forms import (
    FormKind,
    correction_form_data,
    form_data,
    payment_invoice_data,
    render_correction_pdf,
    render_pdf,
    transfer_form_data,
)

PICTURES = Path(__file__).parents[2] / "docs" / "_static" / "forms"


def documents() -> dict[str, bytes]:
    """Each form's PDF by picture name."""
    found = {
        kind.name.lower(): render_pdf(form_data(kind, POSTED, SELLER, BUYER, NAMES))
        for kind in (FormKind.UPD, FormKind.TORG12, FormKind.INVOICE)
    }
    priced = order(prices=prices(frozen_line("1", "2", "1200.00", rate="22")))
    found["payment_invoice"] = render_pdf(
        payment_invoice_data(priced, SELLER, BUYER, {"P1": "Фильтры"})
    )
    transfer = attrs.evolve(TRANSFER, version=1)
    found["m15"] = render_pdf(transfer_form_data(transfer, SELLER, BUYER, CORRECTION_NAMES))
    found["ukd"] = render_correction_pdf(
        correction_form_data(agreed(), SOLD, SELLER, BUYER, CORRECTION_NAMES)
    )
    return found


def main() -> None:
    PICTURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, pdf in documents().items():
            path = Path(tmp) / f"{name}.pdf"
            path.write_bytes(pdf)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "70", "-singlefile", "-y", "0", "-H", "300",
                 str(path), str(PICTURES / name)],
                check=True,
            )  # fmt: skip
            print(PICTURES / f"{name}.png")


if __name__ == "__main__":
    main()
