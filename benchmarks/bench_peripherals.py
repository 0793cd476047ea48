"""Peripherals: ESC/POS tokenising, Massa-K CRC, marking-code parsing, scale round trips.

Run alone: ``python benchmarks/bench_peripherals.py``. Prints ``metric NAME VALUE`` lines.
The tokeniser is measured next to a baseline in the same run (a bare sum over
the same bytes), so its figure reads as a cost over merely touching the bytes.
"""

from __future__ import annotations

from decimal import Decimal

from _timing import per_second  # the same timing helper as the core benchmark

from salescore.hardware import pipe_pair
from salescore.hardware.codes import GS, parse_marking_code
from salescore.hardware.escpos import EPSON_PC866, parse
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
