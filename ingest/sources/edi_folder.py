"""An EDI drop folder: files appear in ``inbound``; outbound files (997s, 855s) go to ``outbound``.

A file is taken only once its size has stopped changing, and moved to the archive folder (by
default ``inbound/.processed``) only after its bytes are stored; a file that could not be stored
stays where the next poll finds it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest.errors import ConfigError, TransientError

PROCESSED = ".processed"


@dataclass(frozen=True)
class FolderFile:
    path: Path
    content: bytes

    @property
    def name(self) -> str:
        return self.path.name


class EdiFolder:
    def __init__(self, name: str, inbound: Path, outbound: Path, archive: Path | None = None) -> None:
        self.name = name
        self.inbound = inbound
        self.outbound = outbound
        self.archive = archive or inbound / PROCESSED

    def check(self) -> None:
        if not self.inbound.is_dir():
            raise ConfigError(f"source {self.name}: inbound folder {self.inbound} does not exist")

    def pending(self) -> Iterator[FolderFile]:
        """Files waiting in the inbound folder, oldest first; hidden and partial files are skipped."""
        self.check()
        try:
            entries = [
                p
                for p in self.inbound.iterdir()
                if p.is_file()
                and not p.name.startswith(".")
                and not p.name.endswith((".part", ".tmp", ".filepart"))
            ]
            ordered = sorted(entries, key=lambda p: (p.stat().st_mtime, p.name))
        except OSError as exc:
            raise TransientError(f"source {self.name}: cannot list {self.inbound}: {exc.strerror}") from exc
        for path in ordered:
            try:
                size = path.stat().st_size
                content = path.read_bytes()
                unchanged = len(content) == size and path.stat().st_size == size
            except OSError:
                continue  # taken away or unreadable right now: the next poll sees it again
            if unchanged:  # a file still being written waits for the next poll
                yield FolderFile(path, content)

    def put_outbound(self, name: str, content: bytes) -> str:
        """Write an outbound file atomically (a temporary name, then a rename); returns its path."""
        self.outbound.mkdir(parents=True, exist_ok=True)
        target = self.outbound / Path(name).name
        temp = target.with_name(f".{target.name}.tmp")
        with temp.open("wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        temp.replace(target)
        return str(target)

    def mark_done(self, item: FolderFile) -> Path:
        """Move a stored file into the archive (default ``inbound/.processed``), by day."""
        day = datetime.now(UTC).strftime("%Y-%m-%d")
        target_dir = self.archive / day
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / item.path.name
        n = 1
        while target.exists():
            target = target_dir / f"{item.path.stem}.{n}{item.path.suffix}"
            n += 1
        shutil.move(str(item.path), target)
        return target
