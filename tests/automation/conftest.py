"""Fixtures for the automation tests: a fake clock, a job registry of recording jobs, the fake Graph API, a
loopback SMTP server (aiosmtpd) and a loopback webhook receiver."""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from automation.jobs import JobContext, JobOutcome, JobSpec
from db.roles import Actor
from tests.fakes import loopback
from tests.fakes.graph_api import TOKEN, FakeGraph

ADMIN = Actor("admin@example.com", "admin")


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, moment: dt.datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@dataclass
class Recorder:
    """Jobs that record the slots they ran for (and can be told to fail or crash)."""

    calls: list[tuple[str, dt.datetime | None]] = field(default_factory=list)
    fail: bool = False
    crash: bool = False

    def job(self, key: str, schedule: str = "interval", every: int | None = 6, hour: int | None = None) -> JobSpec:
        def run(ctx: JobContext) -> JobOutcome:
            self.calls.append((key, ctx.scheduled_for))
            if self.crash:
                raise RuntimeError("boom")
            return JobOutcome(not self.fail, "done", "it failed" if self.fail else None, {"ran": True})

        return JobSpec(key, key, "job", schedule, run, default_every_hours=every, default_hour=hour)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGraph]:
    """A running fake Graph API; FB_* variables point at it with short waits."""
    with FakeGraph() as server:
        monkeypatch.setenv("FB_GRAPH_URL", server.url)
        monkeypatch.setenv("FB_ACCESS_TOKEN", TOKEN)
        monkeypatch.setenv("FB_MAX_WAIT_SECONDS", "0.01")
        monkeypatch.setenv("FB_ASYNC_POLL_SECONDS", "0.01")
        monkeypatch.delenv("FB_AD_ACCOUNT_IDS", raising=False)
        monkeypatch.delenv("FB_APP_SECRET", raising=False)
        yield server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    """What the loopback SMTP server received."""

    host: str
    port: int
    messages: list[Any] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    """aiosmtpd on 127.0.0.1 with AUTH (no TLS on loopback); PANTAU_SMTP_* point at it."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    box = Mailbox("127.0.0.1", free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message = message_from_bytes(envelope.content, policy=policy.default)
            box.messages.append((envelope.rcpt_tos, message))
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            box.logins.append((user, password))
            return AuthResult(success=user == "pantau" and password == "smtp-secret-pw-42")
        return AuthResult(success=False)

    controller = Controller(
        Handler(),
        hostname=box.host,
        port=box.port,
        authenticator=authenticator,
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    monkeypatch.setenv("PANTAU_SMTP_HOST", box.host)
    monkeypatch.setenv("PANTAU_SMTP_PORT", str(box.port))
    monkeypatch.setenv("PANTAU_SMTP_USER", "pantau")
    monkeypatch.setenv("PANTAU_SMTP_PASSWORD", "smtp-secret-pw-42")
    monkeypatch.setenv("PANTAU_SMTP_FROM", "alerts@pantau.example")
    monkeypatch.setenv("PANTAU_SMTP_STARTTLS", "0")
    try:
        yield box
    finally:
        controller.stop()


@dataclass
class Receiver:
    """A loopback HTTP server that keeps every POST body (JSON) by path."""

    url: str
    posts: list[tuple[str, Any]] = field(default_factory=list)
    status: int = 200


@pytest.fixture
def webhook_receiver() -> Iterator[Receiver]:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"null")
            receiver = holder["r"]
            receiver.posts.append((self.path, body))
            self.send_response(receiver.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server = loopback.serve(Handler)
    host, port = server.server_address[:2]
    holder["r"] = Receiver(f"http://{host}:{port}")
    try:
        yield holder["r"]
    finally:
        loopback.stop(server)


AUTH_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret-that-is-long-enough-1234",
        "client_id": "pantau-test",
        "client_secret": "not-a-real-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}


@pytest.fixture
def as_role(app_test):
    """An AppTest through streamlit_app.py signed in as a user of `role` (added to the users table)."""
    from db.engine import session_scope
    from db.roles import CLI_ACTOR
    from db.users import add_user

    def make(role: str, timeout: float = 30):
        email = f"{role}@example.com"
        with session_scope() as s:
            add_user(s, CLI_ACTOR, email, role)
        at = app_test(timeout=timeout)
        at.secrets = AUTH_SECRETS
        at.user = {"is_logged_in": True, "email": email}
        at.run()
        return at

    return make
