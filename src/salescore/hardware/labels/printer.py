"""The ZPL label printer driver and its simulator (raw TCP port 9100 or serial).

``~HS`` ("host status") makes the printer answer three lines framed as
``STX … ETX CR LF``; the first carries the paper-out and pause flags, the
second the head-open flag. The driver checks them before sending a label.

>>> from salescore.hardware import pipe_pair
>>> from salescore.hardware.labels import ZplLabel
>>> host, device = pipe_pair()
>>> with make_simulator(device) as zebra:
...     printer = ZplPrinter(host, timeout=0.5)
...     label = ZplLabel()
...     label.text(10, 10, "Цена: 89,90")
...     printer.print_label(label.build())
...     _ = zebra.wait_printed(1)
...     zebra.printed[0].texts
['Цена: 89,90']
"""

from __future__ import annotations

import attrs

from salescore.errors import InvalidInputError, ProtocolError
from salescore.hardware._peripheral_link import Link, refuse_unless_ready
from salescore.hardware.labels.zpl import field_text, parse_zpl
from salescore.hardware.peripheral_sim import DeviceSimulator
from salescore.hardware.transport import Transport

__all__ = ["PrintedLabel", "ZplPrinter", "ZplSimulator", "ZplStatus", "make_simulator"]

_LINE_END = b"\x03\r\n"


@attrs.frozen
class ZplStatus:
    """The flags of a ``~HS`` answer that decide whether a label can print."""

    paper_out: bool
    paused: bool
    head_open: bool
    ribbon_out: bool


def parse_host_status(data: bytes) -> ZplStatus:
    """Decode the three ``~HS`` lines.

    >>> parse_host_status(encode_host_status(ZplStatus(True, False, False, False)))
    ZplStatus(paper_out=True, paused=False, head_open=False, ribbon_out=False)
    """
    lines = [line for line in data.split(_LINE_END) if line]
    if len(lines) != 3 or not all(line.startswith(b"\x02") for line in lines):
        raise ProtocolError(
            f"ZPL printer: ~HS answer is not three STX…ETX lines: {data[:80]!r}", data=data
        )
    try:
        first = lines[0][1:].decode("ascii").split(",")
        second = lines[1][1:].decode("ascii").split(",")
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            f"ZPL printer: ~HS answer is not ASCII: {data[:80]!r}", data=data
        ) from exc
    if len(first) != 12 or len(second) != 11:
        raise ProtocolError(
            f"ZPL printer: ~HS lines have {len(first)} and {len(second)} fields, "
            "expected 12 and 11",
            data=data,
        )
    flags = (first[1], first[2], second[2], second[3])
    if any(flag not in ("0", "1") for flag in flags):
        raise ProtocolError(f"ZPL printer: ~HS flags {flags} are not 0/1", data=data)
    return ZplStatus(*(flag == "1" for flag in flags))


def encode_host_status(status: ZplStatus) -> bytes:
    """The ``~HS`` answer of a printer in ``status`` (used by the simulator)."""
    paper, pause = int(status.paper_out), int(status.paused)
    head, ribbon = int(status.head_open), int(status.ribbon_out)
    return (
        f"\x02030,{paper},{pause},0320,000,0,0,0,000,0,0,0\x03\r\n"
        f"\x02001,0,{head},{ribbon},0,2,4,0,00000000,1,000\x03\r\n"
        "\x021234,0\x03\r\n"
    ).encode("ascii")


class ZplPrinter:
    """A ZPL II label printer. Satisfies the ``LabelPrinter`` protocol.

    Args:
        transport: the link (TCP port 9100, serial, USB-CDC).
        timeout: seconds to wait for the ``~HS`` answer.
        check_status: ask ``~HS`` before each label.
    """

    def __init__(
        self, transport: Transport, *, timeout: float = 1.0, check_status: bool = True
    ) -> None:
        self.check_status = check_status
        self._link = Link(transport, timeout, "ZPL label printer")

    def status(self) -> ZplStatus:
        """Ask ``~HS`` and decode it."""
        self._link.send(b"~HS")
        return parse_host_status(
            b"".join(self._link.read_until(_LINE_END, "~HS answer") for _ in range(3))
        )

    def print_label(self, data: bytes) -> None:
        """Send one or more ``^XA … ^XZ`` labels.

        Raises:
            InvalidInputError: ``data`` is not ZPL labels.
            DeviceError: out of paper or ribbon, paused, or the head is open; nothing was sent.
        """
        stripped = data.strip()
        if not stripped.startswith(b"^XA") or not stripped.endswith(b"^XZ"):
            raise InvalidInputError("label data must be ZPL: ^XA … ^XZ")
        if self.check_status:
            status = self.status()
            refuse_unless_ready(
                self._link.device,
                {
                    "paper out": status.paper_out,
                    "ribbon out": status.ribbon_out,
                    "head open": status.head_open,
                    "paused": status.paused,
                },
                status,
            )
        self._link.send(data)


@attrs.frozen
class PrintedLabel:
    """A label the simulated printer received: its text fields and barcode data."""

    texts: list[str]
    barcodes: list[str]
    utf8: bool
    copies: int


class ZplSimulator(DeviceSimulator):
    """A ZPL printer: answers ``~HS``, "prints" labels, runs out of paper, opens its head."""

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self.paper_out = False
        self.paused = False
        self.head_open = False
        self.ribbon_out = False
        self.printed: list[PrintedLabel] = []
        self.errors: list[ProtocolError] = []
        self._buffer = bytearray()

    def garble(self, reply: bytes) -> bytes:
        """An answer with its separators lost."""
        return reply.replace(b",", b";")

    def handle(self, data: bytes) -> list[bytes]:
        """Answer ``~HS``; collect and print complete labels."""
        self._buffer += data
        replies = []
        while True:
            status_at = self._buffer.find(b"~HS")
            label_at = self._buffer.find(b"^XA")
            if status_at >= 0 and (label_at < 0 or status_at < label_at):
                del self._buffer[: status_at + 3]
                self.requests += 1
                replies.append(
                    encode_host_status(
                        ZplStatus(self.paper_out, self.paused, self.head_open, self.ribbon_out)
                    )
                )
                continue
            end = self._buffer.find(b"^XZ", max(label_at, 0))
            if label_at < 0 or end < 0:
                return replies
            label = bytes(self._buffer[label_at : end + 3])
            del self._buffer[: end + 3]
            self._print(label)

    def _print(self, label: bytes) -> None:
        if self.paper_out or self.paused or self.head_open or self.ribbon_out:
            return
        try:
            commands = (
                parse_zpl(label)
                if b"^CI28" in label
                else parse_zpl(label.decode("cp850").encode("utf-8"))
            )
        except ProtocolError as exc:
            self.errors.append(exc)
            return
        texts: list[str] = []
        barcodes: list[str] = []
        hex_escapes = False
        barcode = False
        copies = 1
        for command in commands:
            if command.command == "^FH":
                hex_escapes = True
            elif command.command in ("^BE", "^BC", "^BX"):
                barcode = True
            elif command.command == "^PQ":
                copies = int(command.params.split(",")[0] or 1)
            elif command.command == "^FD":
                text = field_text(command.params, hex_escapes)
                (barcodes if barcode else texts).append(text)
            elif command.command == "^FS":
                hex_escapes = barcode = False
        self.printed.append(PrintedLabel(texts, barcodes, b"^CI28" in label, copies))

    def wait_printed(self, count: int, limit: float = 2.0) -> bool:
        """Block until ``count`` labels were printed or ``limit`` seconds passed (test helper)."""
        return self.wait_until(lambda: len(self.printed) >= count, limit)


def make_simulator(transport: Transport) -> ZplSimulator:
    """A ZPL label printer simulator on ``transport``."""
    return ZplSimulator(transport)
