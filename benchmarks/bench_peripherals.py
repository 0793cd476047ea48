"""Peripherals: ESC/POS tokenising, receipts with codes, Massa-K CRC, marking codes, scales.

Run alone: ``python benchmarks/bench_peripherals.py``. Prints ``metric NAME VALUE`` lines.
The tokeniser is measured next to a baseline in the same run (a bare sum over
the same bytes), so its figure reads as a cost over merely touching the bytes.
The raster QR code is measured next to python-escpos drawing the same payload
as an image (when the dev extra is installed), and transliterated encoding
next to a bare ``str.encode`` of the same text.
"""

from __future__ import annotations

import contextlib
import io
from decimal import Decimal

from _timing import per_second  # the same timing helper as the core benchmark

from salescore.hardware import pipe_pair
from salescore.hardware.codes import GS, parse_marking_code
from salescore.hardware.escpos import EPSON_PC866, ReceiptBuilder, parse, qr_image, raster_image
from salescore.hardware.escpos.codec import cut, encode_text, initialize
from salescore.hardware.scales.massak import crc16
from salescore.hardware.scales.mtsics import MtSicsScale, MtSicsSimulator


def main() -> None:
    lines = [f"Товар {i:03d}  2 x 89,90 = 179,80" for i in range(40)]
    receipt = (
        initialize() + b"".join(encode_text(line, EPSON_PC866) + b"\n" for line in lines) + cut()
    )
    kib = len(receipt) / 1024
    tokenise = per_second(lambda: parse(receipt), 300) * kib
    baseline = per_second(lambda: sum(receipt), 300) * kib
    print(f"metric escpos_tokenise_kib_per_s {tokenise:.0f}")
    print(f"metric baseline_byte_sum_kib_per_s {baseline:.0f}")

    payload = "t=20261123T1905&s=393.27&fn=9999078902004212&i=1234&fp=2739485721&n=1"

    def receipt_with_codes() -> bytes:
        doc = ReceiptBuilder(EPSON_PC866).text("ООО «Ромашка»", bold=True, width=2, height=2)
        for i in range(40):
            doc.item(f"Товар {i:03d} — «весовой», нарезка ломтиками в упаковке", "2 x 89,90")
        return doc.ean13("4600439931256").qr(payload).cut().build()

    print(f"metric escpos_receipt_with_codes_per_s {per_second(receipt_with_codes, 100):.0f}")
    raster = per_second(lambda: raster_image(qr_image(payload)), 20)
    print(f"metric escpos_raster_qr_per_s {raster:.0f}")
    try:
        from escpos.printer import Dummy
    except ImportError:  # pragma: no cover - python-escpos is a dev extra
        pass
    else:

        def theirs() -> None:
            with contextlib.redirect_stdout(io.StringIO()):  # it prints a profile warning
                Dummy().qr(payload, size=4, native=False)

        print(f"metric baseline_python_escpos_image_qr_per_s {per_second(theirs, 20):.0f}")
    text = "Сыр «Российский» — 45 %, 0,347 кг № 5 " * 4
    plain = text.replace("«", '"').replace("»", '"').replace("—", "-")
    translit = per_second(lambda: encode_text(text, EPSON_PC866), 2_000)
    print(f"metric escpos_transliterated_encode_per_s {translit:.0f}")
    plain_encode = per_second(lambda: plain.encode("cp866"), 2_000)
    print(f"metric baseline_str_encode_cp866_per_s {plain_encode:.0f}")

    body = bytes([0x24]) + bytes(12)
    print(f"metric massak_crc_frames_per_s {per_second(lambda: crc16(body), 20_000):.0f}")

    code = "0104600439931256" + "21JgXJ5.T1lO4Vx" + GS + "91EE06" + GS + "92" + "A" * 44
    print(
        f"metric marking_code_parse_per_s {per_second(lambda: parse_marking_code(code), 5_000):.0f}"
    )

    host, device = pipe_pair()
    with MtSicsSimulator(device) as sim:
        sim.weight = Decimal("1.250")
        scale = MtSicsScale(host, timeout=1.0)
        print(f"metric mtsics_reads_per_s_over_pipe {per_second(scale.read_weight, 200):.0f}")


if __name__ == "__main__":
    main()
