"""Shtrih-M fiscal registers, protocol v1: codec, link layer, driver and simulator."""

from salescore.hardware.shtrih.driver import ShtrihDriver
from salescore.hardware.shtrih.simulator import ShtrihDevice, ShtrihFault, ShtrihSimulator

__all__ = ["ShtrihDevice", "ShtrihDriver", "ShtrihFault", "ShtrihSimulator"]
