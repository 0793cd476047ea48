"""ESC/POS receipt printers and cash drawers: codec, driver and simulator."""

from salescore.hardware.escpos.codec import (
    ASCII_ONLY,
    EPSON_PC866,
    EPSON_WPC1251,
    Alignment,
    CodePage,
    EscPosParser,
    PrinterProfile,
    StatusRequest,
    Token,
    decode_status,
    encode_text,
    parse,
)
from salescore.hardware.escpos.driver import EscPosPrinter
from salescore.hardware.escpos.simulator import EscPosSimulator, make_simulator

__all__ = [
    "ASCII_ONLY",
    "EPSON_PC866",
    "EPSON_WPC1251",
    "Alignment",
    "CodePage",
    "EscPosParser",
    "EscPosPrinter",
    "EscPosSimulator",
    "PrinterProfile",
    "StatusRequest",
    "Token",
    "decode_status",
    "encode_text",
    "make_simulator",
    "parse",
]
