"""Purchase orders received by email: attachments, typed bodies, replies that change an order."""

from ingest.parsers.email.mime import Limits
from ingest.parsers.email.parser import EmailParser

__all__ = ["EmailParser", "Limits"]
