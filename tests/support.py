"""Small pieces several test files use: JSON compared with its key order, a loopback server that echoes request
headers, and reading a pseudo-terminal until something appears."""
from __future__ import annotations

import contextlib
import http.server
import json
import os
import select
import threading
import time
from collections.abc import Iterator


def ordered(value):
    """A JSON value with key order made significant for ==."""
    if isinstance(value, dict):
        return [(k, ordered(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [ordered(v) for v in value]
    return value


class HeaderEcho(http.server.BaseHTTPRequestHandler):
    """Answers a POST with the request's headers as JSON, as some APIs echo them back in errors."""

    def do_POST(self) -> None:  # http.server calls it by this name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps(dict(self.headers.items())).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@contextlib.contextmanager
def header_echo_server() -> Iterator[str]:
    """A HeaderEcho server on a loopback port for the duration of the block; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HeaderEcho)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def read_terminal_until(fd: int, needle: bytes, deadline: float) -> bytes:
    """Everything the terminal shows until `needle` appears, the child closes it, or `deadline` passes."""
    out = b""
    while needle not in out and time.monotonic() < deadline:
        if not select.select([fd], [], [], 0.5)[0]:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    return out
