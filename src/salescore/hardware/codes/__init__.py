"""Barcodes and marking codes: check digits, weight/price EAN-13, GS1 DataMatrix, scanners."""

from salescore.hardware.codes.ean import (
    GTIN_LENGTHS,
    complete_gtin,
    gtin_check_digit,
    is_valid_gtin,
)
from salescore.hardware.codes.gs1 import (
    GS,
    MarkingCode,
    clean_scan,
    parse_element_string,
    parse_marking_code,
)
from salescore.hardware.codes.scanner import LineScanner, ScannerSimulator
from salescore.hardware.codes.weight import (
    EmbeddedCode,
    EmbeddedLayout,
    decode_embedded,
    encode_embedded,
)

__all__ = [
    "GS",
    "GTIN_LENGTHS",
    "EmbeddedCode",
    "EmbeddedLayout",
    "LineScanner",
    "MarkingCode",
    "ScannerSimulator",
    "clean_scan",
    "complete_gtin",
    "decode_embedded",
    "encode_embedded",
    "gtin_check_digit",
    "is_valid_gtin",
    "parse_element_string",
    "parse_marking_code",
]
