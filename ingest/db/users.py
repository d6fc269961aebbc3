"""People who sign in to the review UI. Only password hashes are stored, never passwords."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.db.audit import record
from ingest.db.tables import UserRow
from ingest.errors import ConfigError, NotFoundError

ROLES = ("clerk", "admin")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    active: bool
    created_at: datetime
    created_by: str
    password_hash: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        name=row.name,
        role=row.role,
        active=row.active,
        created_at=row.created_at,
        created_by=row.created_by,
        password_hash=row.password_hash,
    )


class UserRepository:
    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor

    def find(self, name: str) -> User | None:
        row = self.session.scalars(select(UserRow).where(UserRow.name == name)).one_or_none()
        return None if row is None else _user(row)

    def find_id(self, user_id: int) -> User | None:
        row = self.session.get(UserRow, user_id)
        return None if row is None else _user(row)

    def get(self, user_id: int) -> User:
        user = self.find_id(user_id)
        if user is None:
            raise NotFoundError(f"no user {user_id}")
        return user

    def list(self) -> list[User]:
        return [_user(row) for row in self.session.scalars(select(UserRow).order_by(UserRow.name))]

    def save(self, name: str, role: str, password_hash: str) -> User:
        """Add the user, or set the role and password of an existing one."""
        if role not in ROLES:
            raise ConfigError(f"a user is a {' or an '.join(ROLES)}, not {role!r}")
        row = self.session.scalars(select(UserRow).where(UserRow.name == name)).one_or_none()
        before = None if row is None else {"role": row.role, "active": row.active}
        if row is None:
            row = UserRow(
                name=name, role=role, password_hash=password_hash, active=True, created_by=self.actor
            )
            self.session.add(row)
        else:
            row.role, row.password_hash, row.active = role, password_hash, True
        self.session.flush()
        record(self.session, self.actor, "user.save", "user", name, before, {"role": role, "active": True})
        return _user(row)

    def set_role(self, user_id: int, role: str) -> User:
        """Change a user's role (audited); the caller checks who may."""
        row = self._row(user_id)
        before = {"role": row.role, "active": row.active}
        row.role = role
        self.session.flush()
        record(
            self.session,
            self.actor,
            "user.role",
            "user",
            row.name,
            before,
            {"role": role, "active": row.active},
        )
        return _user(row)

    def set_active(self, user_id: int, active: bool) -> User:
        """Let a user sign in again, or stop them (audited)."""
        row = self._row(user_id)
        before = {"role": row.role, "active": row.active}
        row.active = active
        self.session.flush()
        action = "user.activated" if active else "user.deactivated"
        record(
            self.session, self.actor, action, "user", row.name, before, {"role": row.role, "active": active}
        )
        return _user(row)

    def _row(self, user_id: int) -> UserRow:
        row = self.session.get(UserRow, user_id)
        if row is None:
            raise NotFoundError(f"no user {user_id}")
        return row
