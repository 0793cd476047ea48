"""Application services: wire the contexts to a store; one call is one use case."""

from salescore.app.stores import Store, open_store

__all__ = ["Store", "open_store"]
