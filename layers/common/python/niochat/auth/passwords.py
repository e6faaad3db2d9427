"""Password hashing with scrypt (memory-hard KDF from the standard library).

Stored as `scrypt$<log2 n>$<r>$<p>$<salt hex>$<hash hex>` so the cost can rise later without breaking
old hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_R = 8
_P = 1


def hash_password(password: str, cost: int) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, cost, _R, _P)
    return f"scrypt${cost}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, cost, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = _scrypt(password, bytes.fromhex(salt), int(cost), int(r), int(p))
    return hmac.compare_digest(candidate, bytes.fromhex(digest))


def _scrypt(password: str, salt: bytes, cost: int, r: int, p: int) -> bytes:
    n = 2**cost
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 1024 * 1024, dklen=32)


_dummies: dict[int, str] = {}


def dummy_hash(cost: int) -> str:
    """A hash to verify against when the login names no user, so timing does not reveal which exist."""
    if cost not in _dummies:
        _dummies[cost] = hash_password(secrets.token_hex(8), cost)
    return _dummies[cost]
