"""Label printers: ZPL II output, price tags and labels from templates (G2)."""

from salescore.hardware.labels.printer import (
    PrintedLabel,
    ZplPrinter,
    ZplSimulator,
    ZplStatus,
    make_simulator,
)
from salescore.hardware.labels.templates import (
    PRICE_TAG_58X40,
    WEIGHT_LABEL_58X60,
    BarcodeElement,
    LabelTemplate,
    TextElement,
    format_value,
)
from salescore.hardware.labels.zpl import ZplCommand, ZplLabel, escape_field, parse_zpl

__all__ = [
    "PRICE_TAG_58X40",
    "WEIGHT_LABEL_58X60",
    "BarcodeElement",
    "LabelTemplate",
    "PrintedLabel",
    "TextElement",
    "ZplCommand",
    "ZplLabel",
    "ZplPrinter",
    "ZplSimulator",
    "ZplStatus",
    "escape_field",
    "format_value",
    "make_simulator",
    "parse_zpl",
]
