"""Adapters: implementations of the ports (storage, calendars, clocks, transports)."""
