"""Passwords: argon2id hashes (argon2-cffi's defaults), random passwords for new accounts."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHER = PasswordHasher()
MIN_LENGTH = 12
# Verifying against this hash when no account matches makes a wrong address cost as long as a wrong password.
_DUMMY = HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """Return the argon2id hash of `password`."""
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether `password` matches; without a hash, spend the same time and say no."""
    try:
        return HASHER.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Return whether the hash was made with weaker parameters than today's."""
    return HASHER.check_needs_rehash(password_hash)


def random_password() -> str:
    """Return a new random password (about 120 bits)."""
    return secrets.token_urlsafe(15)


def password_problem(password: str) -> str | None:
    """Return why a chosen password is not acceptable (English message id), or None."""
    if len(password) < MIN_LENGTH:
        return "Choose a password of at least 12 characters."
    return None
