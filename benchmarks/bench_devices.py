"""Fiscal devices: Shtrih-M codec speed and receipts per second through driver and simulator.

Run alone: ``python benchmarks/bench_devices.py``. Prints ``metric NAME VALUE`` lines.
The baseline for the codec is a bare ``struct``-free byte join of the same frame.
"""

from __future__ import annotations

import time

from _timing import per_second

from salescore.hardware.shtrih import codec
from salescore.testing.devices import sample_receipt, shtrih_rig


def main() -> None:
    sale = codec.Sale(1, 1000, 4550, 1, (1, 0, 0, 0), "Хлеб")
    frame = codec.encode_frame(sale.encode())

    def round_trip() -> object:
        parser = codec.FrameParser()
        parser.feed(codec.encode_frame(sale.encode()))
        payload = parser.next_event()
        assert isinstance(payload, bytes)
        return codec.decode_command(payload)

    def baseline() -> object:
        return bytes(frame[:2]) + frame[2:]

    print(f"metric shtrih_sale_frame_round_trips_per_s {per_second(round_trip, 5_000):.0f}")
    print(f"metric bytes_copy_baseline_per_s {per_second(baseline, 5_000):.0f}")

    with shtrih_rig() as rig:
        rig.driver.open_shift()
        count = 30
        start = time.perf_counter()
        for i in range(count):
            rig.driver.process_check(sample_receipt(f"bench-{i}"))
        elapsed = time.perf_counter() - start
    print(f"metric shtrih_receipts_per_s_over_pipe {count / elapsed:.1f}")


if __name__ == "__main__":
    main()
