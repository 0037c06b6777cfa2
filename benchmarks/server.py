"""A quiet static file server for a built site on 127.0.0.1 (free port, background thread)."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript",
                      ".json": "application/json"}

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    # a search page fires dozens of fetches at once; the default backlog of 5 refuses some
    request_queue_size = 256
    daemon_threads = True


class SiteServer:
    """Context manager: `with SiteServer(dir) as server: server.url`."""

    def __init__(self, root: Path):
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "SiteServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
