"""In-memory storage: for tests, notebooks and short-lived scenarios.

Behaves like the SQLite adapter (the contract suite holds both to the same
rules): a unit of work is all-or-nothing, and leaving it without commit
rolls every change back.

>>> from salescore.parties import Partner, PartnerId
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     uow.partners.add(Partner(PartnerId("P1"), "Acme"))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     uow.partners.get(PartnerId("P1")).name
'Acme'
"""

from salescore.adapters.memory.store import MemoryRepository, MemoryStore, MemoryUnitOfWork

__all__ = ["MemoryRepository", "MemoryStore", "MemoryUnitOfWork"]
