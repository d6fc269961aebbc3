"""Users of the review UI: adding one (with an argon2id hash of the password) and checking a
sign-in. A wrong name costs the same time as a wrong password."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ingest.db import Database
from ingest.db.users import ROLES, User
from ingest.errors import ConfigError

MIN_PASSWORD_LENGTH = 8
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def add_user(db: Database, name: str, role: str, password: str, actor: str) -> User:
    """Add a user or reset an existing one's role and password."""
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise ConfigError(f"a user name is 1 to 100 characters without spaces, not {name!r}")
    if role not in ROLES:
        raise ConfigError(f"a user is a {' or an '.join(ROLES)}, not {role!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ConfigError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    with db.unit_of_work(actor) as uow:
        user = uow.users.save(name, role, hash_password(password))
        uow.commit()
    return user


def authenticate(db: Database, name: str, password: str) -> User | None:
    """The active user with this name and password, else None."""
    with db.unit_of_work() as uow:
        user = uow.users.find(name.strip())
    if user is None or not user.active:
        password_matches(_DUMMY_HASH, password)
        return None
    return user if password_matches(user.password_hash, password) else None


def get_user(db: Database, user_id: int) -> User | None:
    with db.unit_of_work() as uow:
        user = uow.users.find_id(user_id)
    return user if user is not None and user.active else None


def list_users(db: Database) -> list[User]:
    with db.unit_of_work() as uow:
        return uow.users.list()
