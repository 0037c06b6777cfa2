"""Helpers for tests that build the real site with Pelican and serve it on 127.0.0.1."""

import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PELICAN = [sys.executable, "-m", "pelican"]


def build_site(output_dir, content_dir=None, conf="pelicanconf.py", settings=None,
               fatal=None, check=True):
    """Run a real Pelican build in a subprocess; returns the CompletedProcess.

    ``settings`` override pelicanconf values (JSON-encoded for ``-e``); the
    reader cache and the search index go to a folder beside the output, so
    tests never share one and never touch the project's own var/.
    """
    output_dir = Path(output_dir)
    private = private_var(output_dir)
    overrides = {"CACHE_PATH": str(private / "pelican-cache"),
                 "LOAD_CONTENT_CACHE": False,
                 # The editors' index and analysis cache normally live in <project>/var.
                 "SEARCH_INDEX_PATH": str(private / "search-index"),
                 "SEARCH_CACHE_PATH": str(private / "search-cache")}
    overrides.update(settings or {})
    cmd = PELICAN + [str(content_dir or PROJECT_DIR / "content"), "-o", str(output_dir),
                     "-s", str(PROJECT_DIR / conf), "-e"]
    cmd += [f"{key}={json.dumps(value)}" for key, value in overrides.items()]
    if fatal:
        cmd += ["--fatal", fatal]
    result = subprocess.run(cmd, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"pelican failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def private_var(output_dir) -> Path:
    """Where build_site() keeps a build's reader cache and search index."""
    output_dir = Path(output_dir)
    return output_dir.parent / (output_dir.name + "-var")


def copy_content(target_dir):
    """A private copy of content/, for tests that edit or add articles."""
    shutil.copytree(PROJECT_DIR / "content", target_dir)
    return Path(target_dir)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class StaticServer:
    """Serves a directory on 127.0.0.1 at a free port, in a background thread."""

    def __init__(self, root):
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
