"""The database facade: engine, schema checks and units of work. The only door to SQLAlchemy."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ingest.db.documents import DocumentRepository
from ingest.db.edi import EdiRepository
from ingest.db.engine import make_engine, make_session_factory
from ingest.db.learned import LearnedRepository
from ingest.db.mail import MailRepository
from ingest.db.masterdata import MasterDataStore, SqlMasterDataView
from ingest.db.messages import MessageRepository
from ingest.db.migrate import check_schema, upgrade
from ingest.db.orders import OrderRepository
from ingest.db.outbox import ExportTargetRepository, OutboxRepository
from ingest.db.replay import ReplayRepository
from ingest.db.review import ReviewRepository
from ingest.db.rules import RuleStore
from ingest.db.sign_ins import SignInFailures
from ingest.db.sources import SourceRepository
from ingest.db.users import UserRepository
from ingest.errors import TransientError


class UnitOfWork:
    """One transaction. Leaving the block without ``commit()`` rolls back. Database faults that a
    retry may cure (lost connection, lock timeout) surface as :class:`TransientError`."""

    def __init__(self, factory: sessionmaker[Session], actor: str) -> None:
        self._factory = factory
        self.actor = actor

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.documents = DocumentRepository(self.session, self.actor)
        self.orders = OrderRepository(self.session, self.actor)
        self.masterdata = MasterDataStore(self.session, self.actor)
        self.masterdata_view = SqlMasterDataView(self.session)
        self.sources = SourceRepository(self.session, self.actor)
        self.edi = EdiRepository(self.session, self.actor)
        self.mail = MailRepository(self.session, self.actor)
        self.rules = RuleStore(self.session, self.actor)
        self.learned = LearnedRepository(self.session, self.actor)
        self.review = ReviewRepository(self.session, self.actor)
        self.replay = ReplayRepository(self.session)
        self.users = UserRepository(self.session, self.actor)
        self.sign_ins = SignInFailures(self.session)
        self.messages = MessageRepository(self.session, self.actor)
        self.outbox = OutboxRepository(self.session, self.actor)
        self.export_targets = ExportTargetRepository(self.session, self.actor)
        return self

    def commit(self) -> None:
        try:
            self.session.commit()
        except OperationalError as exc:
            raise TransientError(f"the database did not accept the commit: {exc.orig}") from exc

    def rollback(self) -> None:
        self.session.rollback()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
        if isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
            raise TransientError(f"database trouble: {getattr(exc, 'orig', exc)}") from exc


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self._factory = make_session_factory(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def unit_of_work(self, actor: str = "system") -> UnitOfWork:
        return UnitOfWork(self._factory, actor)

    def upgrade(self) -> tuple[str | None, str]:
        return upgrade(self.engine)

    def check(self) -> None:
        check_schema(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
