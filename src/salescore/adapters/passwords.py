"""The default password hasher: argon2id through argon2-cffi (the ``selfservice`` extra).

argon2id is the password hash OWASP recommends first; argon2-cffi is the
maintained binding of its reference implementation. A hash is a PHC string
(``$argon2id$v=19$m=…,t=…,p=…$salt$hash``) with a random salt, so two users
with the same password get different hashes.
"""

from __future__ import annotations

from typing import Any

from salescore.errors import MissingExtraError

__all__ = ["Argon2PasswordHasher"]


def _argon2() -> Any:
    try:
        import argon2
    except ImportError as exc:  # pragma: no cover - the extra is installed in dev
        raise MissingExtraError(
            "self-service passwords need the argon2-cffi library: "
            "pip install 'salescore[selfservice]'",
            extra="selfservice",
        ) from exc
    return argon2


class Argon2PasswordHasher:
    """Salted argon2id hashes (implements :class:`salescore.selfservice.PasswordHasher`).

    Args:
        time_cost, memory_cost, parallelism: argon2 parameters; the defaults are
            argon2-cffi's (RFC 9106's low-memory profile). Tests may lower them.
    """

    def __init__(
        self, *, time_cost: int | None = None, memory_cost: int | None = None, parallelism: int = 1
    ) -> None:
        argon2 = _argon2()
        options: dict[str, int] = {"parallelism": parallelism}
        if time_cost is not None:
            options["time_cost"] = time_cost
        if memory_cost is not None:
            options["memory_cost"] = memory_cost
        self._hasher = argon2.PasswordHasher(**options)
        self._errors = argon2.exceptions

    def hash(self, password: str) -> str:
        """A new salted argon2id hash of ``password``."""
        return str(self._hasher.hash(password))

    def verify(self, password_hash: str, password: str) -> bool:
        """True if ``password`` matches; False for a wrong password or a foreign hash."""
        try:
            return bool(self._hasher.verify(password_hash, password))
        except (
            self._errors.VerifyMismatchError,
            self._errors.VerificationError,
            self._errors.InvalidHashError,
        ):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """True if the hash was made with other parameters than this hasher's."""
        try:
            return bool(self._hasher.check_needs_rehash(password_hash))
        except self._errors.InvalidHashError:
            return True
