"""One way to run a fake HTTP server in tests: on a free loopback port, in a daemon thread, stopping within 50 ms
(the standard library's `serve_forever` polls for shutdown every 0.5 s, half a second of teardown per test)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

POLL_SECONDS = 0.05


def serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """A threading server for `handler` on 127.0.0.1 (a free port), already serving."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True).start()
    return server


def stop(server: ThreadingHTTPServer) -> None:
    """Stop serving and close the socket."""
    server.shutdown()
    server.server_close()
