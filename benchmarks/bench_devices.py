"""Fiscal devices: Shtrih-M codec speed and receipts per second through driver and simulator.

Run alone: ``python benchmarks/bench_devices.py``. Prints ``metric NAME VALUE`` lines.
No goal is set for these yet; they are tracked so that a slowdown of the codec or of
the driver's dialogue shows from one run to the next.
"""

from __future__ import annotations

import time

from _timing import per_second

from salescore.hardware.shtrih import codec
from salescore.testing.devices import sample_receipt, shtrih_rig


def main() -> None:
    sale = codec.Sale(1, 1000, 4550, 1, (1, 0, 0, 0), "Хлеб")

    def round_trip() -> object:
        parser = codec.FrameParser()
        parser.feed(codec.encode_frame(sale.encode()))
        payload = parser.next_event()
        assert isinstance(payload, bytes)
        return codec.decode_command(payload)

    print(f"metric shtrih_sale_frame_round_trips_per_s {per_second(round_trip, 5_000):.0f}")

    with shtrih_rig() as rig:
        rig.driver.open_shift()
        count = 30
        frames = rig.driver.link.sent_frames
        start = time.perf_counter()
        for i in range(count):
            rig.driver.process_check(sample_receipt(f"bench-{i}"))
        elapsed = time.perf_counter() - start
        frames = rig.driver.link.sent_frames - frames
    print(f"metric shtrih_receipts_per_s_over_pipe {count / elapsed:.1f}")
    # Commands per receipt: the state reads, lines, subtotal, close and fiscal-storage
    # look-ups that make a receipt exactly-once (a deterministic count, unlike the speed).
    print(f"metric shtrih_commands_per_receipt {frames / count:.1f}")


if __name__ == "__main__":
    main()
