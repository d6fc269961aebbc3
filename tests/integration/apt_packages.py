"""Debian's apt-get for test fixtures that install the server they need (root only)."""

from __future__ import annotations

import os
import subprocess

APT_TIMEOUT_SECONDS = 600


def apt_get(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        ["apt-get", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=APT_TIMEOUT_SECONDS,
        check=False,
    )
