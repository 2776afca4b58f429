"""Fixtures for the workbench tests: apps on the bundled sample (read-only) and on a
writable copy, an in-process client, a live uvicorn server on a free localhost port, and
Debian's Chromium (tests FAIL, never skip, without it)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from townsgis.project import Project

BASE = "http://127.0.0.1"


def _client(app):
    from fastapi.testclient import TestClient

    return TestClient(app, base_url=BASE, raise_server_exceptions=False)


@pytest.fixture(scope="session")
def sample_app():
    from townsgis.web import create_app

    return create_app()


@pytest.fixture(scope="session")
def client(sample_app):
    """A client of the workbench on the bundled (read-only) sample."""
    with _client(sample_app) as c:
        yield c


@pytest.fixture
def csrf(sample_app) -> dict:
    return {"X-CSRF-Token": sample_app.state.settings.csrf_token}


@pytest.fixture
def writable(project_copy):
    """(app, client, csrf headers) on a writable copy of the bundled project."""
    from townsgis.web import create_app

    app = create_app(Project.open(project_copy))
    with _client(app) as c:
        yield app, c, {"X-CSRF-Token": app.state.settings.csrf_token}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving ``app`` in a thread on a free localhost port."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cfg = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(cfg)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:  # pragma: no cover
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live(project_copy):
    """A live workbench on a writable copy of the bundled project."""
    from townsgis.web import create_app

    with LiveServer(create_app(Project.open(project_copy))) as srv:
        yield srv
