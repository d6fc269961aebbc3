"""Failed sign-ins to the review UI, counted over a window by name and address and by address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ingest.db.tables import SignInFailureRow


class SignInFailures:
    def __init__(self, session: Session) -> None:
        self.session = session

    def counts(self, name_key: str, address: str, since: datetime) -> tuple[int, int]:
        """Failures since ``since`` for this name from this address, and for any name from it."""
        by_name = func.count().filter(SignInFailureRow.name_key == name_key)
        row = self.session.execute(
            select(by_name, func.count()).where(
                SignInFailureRow.address == address, SignInFailureRow.failed_at > since
            )
        ).one()
        return int(row[0]), int(row[1])

    def add(self, name_key: str, address: str, at: datetime) -> None:
        self.session.add(SignInFailureRow(name_key=name_key, address=address, failed_at=at))

    def forget(self, name_key: str, address: str) -> None:
        self.session.execute(
            delete(SignInFailureRow).where(
                SignInFailureRow.name_key == name_key, SignInFailureRow.address == address
            )
        )

    def prune(self, before: datetime) -> None:
        """Drop the failures too old to count."""
        self.session.execute(delete(SignInFailureRow).where(SignInFailureRow.failed_at <= before))
