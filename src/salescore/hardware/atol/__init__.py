"""ATOL fiscal registers through ATOL's JSON task API (web server of the DTO10 driver)."""

from salescore.hardware.atol.client import AtolTaskClient, AtolWebDriver, dumps_exact
from salescore.hardware.atol.fake import FakeAtolServer

__all__ = ["AtolTaskClient", "AtolWebDriver", "FakeAtolServer", "dumps_exact"]
