"""`accounts test` of HTTP accounts against a real loopback server: the account's auth really arrives, a
wrong secret is reported as rejected, and a redirect is not followed (the credentials go nowhere else)."""
from __future__ import annotations

import base64
import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from designer.credentials import AccountStore
from tests.credentials.conftest import secret_value


class _Server(http.server.ThreadingHTTPServer):
    expected: dict[str, str]  # header (lower case) → the value that is accepted
    seen: list[tuple[str, dict[str, str]]]


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # http.server calls it by this name
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.seen.append((self.path, headers))
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.end_headers()
            return
        ok = all(headers.get(k) == v for k, v in self.server.expected.items())
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"ok": ok}).encode())

    def log_message(self, *args: Any) -> None:  # keep the test output quiet
        return


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.expected, srv.seen = {}, []
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join()


def _url(srv: _Server, path: str = "/me") -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}{path}"


def test_bearer_basic_and_headers_accounts_are_tested_with_their_auth(memory_keyring, config_dir, server) -> None:
    store = AccountStore(config_dir)
    token, password, api_key = secret_value("tok"), secret_value("pw"), secret_value("key")
    store.add("Slack", "bearer", secrets={"token": token})
    store.add("Jira", "http_basic", fields={"username": "bot", "test_url": _url(server)},
              secrets={"password": password})
    store.add("Zendesk", "headers", fields={"headers": ["X-Zendesk-Auth"]}, secrets={"X-Zendesk-Auth": api_key})

    server.expected = {"authorization": f"Bearer {token}"}
    outcome = store.test("Slack", url=_url(server))
    assert outcome.ok and "HTTP 200" in outcome.message
    basic = base64.b64encode(f"bot:{password}".encode()).decode()
    server.expected = {"authorization": f"Basic {basic}"}
    assert store.test("Jira").ok  # the stored test_url
    server.expected = {"x-zendesk-auth": api_key}
    assert store.test("Zendesk", url=_url(server)).ok
    assert [path for path, _ in server.seen] == ["/me", "/me", "/me"]

    store.edit("Slack", secrets={"token": token + "-old"})
    server.expected = {"authorization": f"Bearer {token}"}
    rejected = store.test("Slack", url=_url(server))
    assert not rejected.ok and "rejected" in rejected.message and "accounts edit" in rejected.hint
    dumped = json.dumps([o.to_dict() for o in (outcome, rejected)])
    assert not [s for s in (token, password, api_key, basic) if s in dumped]


def test_redirects_are_not_followed(memory_keyring, config_dir, server) -> None:
    store = AccountStore(config_dir)
    store.add("Slack", "bearer", secrets={"token": secret_value("tok")})
    outcome = store.test("Slack", url=_url(server, "/moved"))
    assert not outcome.ok and "not followed" in outcome.message
    assert [path for path, _ in server.seen] == ["/moved"]  # /elsewhere never got the token


def test_an_http_account_needs_a_url(memory_keyring, config_dir) -> None:
    store = AccountStore(config_dir)
    store.add("Slack", "bearer", secrets={"token": secret_value("tok")})
    with pytest.raises(Exception, match="needs a URL"):
        store.test("Slack")
