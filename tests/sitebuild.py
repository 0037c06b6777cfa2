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
               fatal=None, check=True, timeout=600):
    """Run a real Pelican build in a subprocess; returns the CompletedProcess.

    ``settings`` override pelicanconf values (JSON-encoded for ``-e``); the
    reader cache, the search index and the build report go to a folder beside
    the output, so tests never share one and never touch the project's own var/.
    Read the build's problems with build_report(output_dir), never from the
    console (Rich wraps and cuts lines at the terminal's width).
    """
    output_dir = Path(output_dir)
    private = private_var(output_dir)
    overrides = {"CACHE_PATH": str(private / "pelican-cache"),
                 "LOAD_CONTENT_CACHE": False,
                 # The editors' index and analysis cache normally live in <project>/var.
                 "SEARCH_INDEX_PATH": str(private / "search-index"),
                 "SEARCH_CACHE_PATH": str(private / "search-cache"),
                 "UNION_BUILD_REPORT": str(private / "build-report.json")}
    overrides.update(settings or {})
    cmd = PELICAN + [str(content_dir or PROJECT_DIR / "content"), "-o", str(output_dir),
                     "-s", str(PROJECT_DIR / conf), "-e"]
    cmd += [f"{key}={json.dumps(value)}" for key, value in overrides.items()]
    if fatal:
        cmd += ["--fatal", fatal]
    result = subprocess.run(cmd, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"pelican failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def private_var(output_dir) -> Path:
    """Where build_site() keeps a build's reader cache and search index."""
    output_dir = Path(output_dir)
    return output_dir.parent / (output_dir.name + "-var")


def build_report(output_dir) -> dict:
    """The build report (union_core.report) of the last build_site() into `output_dir`."""
    path = private_var(output_dir) / "build-report.json"
    return json.loads(path.read_text(encoding="utf-8"))


def problems(output_dir, level=None) -> list[dict]:
    """The problems of the last build into `output_dir` ("error"/"warning", or both)."""
    return [p for p in build_report(output_dir)["problems"] if level in (None, p["level"])]


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
