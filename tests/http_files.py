"""A real HTTP server on 127.0.0.1 (a free port, in a thread) that serves test-made files, for the
download tests; ``left_in`` lists what a download left in a folder.

The server's first path part says how it behaves: ``good`` serves the files, ``missing`` answers
404, ``corrupt`` flips a byte (a wrong checksum), ``drop`` closes the connection halfway through
the file, ``flaky`` does so only the first time a file is asked for, ``slow`` trickles,
``unsized`` does not say how long a file is, ``stall`` keeps the client waiting.
"""

from __future__ import annotations

import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Handler(BaseHTTPRequestHandler):
    server: FileServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        kind, _, name = self.path.strip("/").partition("/")
        self.server.hits[self.path] += 1
        body = self.server.files.get(name)
        if kind == "missing" or body is None:
            self.send_error(404)
            return
        if kind == "stall":
            time.sleep(1)  # longer than the test's read timeout
        if kind == "corrupt":
            body = body[:-1] + bytes([body[-1] ^ 1])
        self.send_response(200)
        if kind != "unsized":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if kind == "drop" or (kind == "flaky" and self.server.hits[self.path] == 1):
            self.wfile.write(body[: len(body) // 2])  # then the connection closes
        elif kind == "slow":
            for start in range(0, len(body), 1024):
                self.wfile.write(body[start : start + 1024])
                self.wfile.flush()
                time.sleep(0.02)
        else:
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class FileServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, files: dict[str, bytes]) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.files, self.hits = files, Counter()

    def url(self, kind: str) -> str:
        return f"http://127.0.0.1:{self.server_port}/{kind}/"

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that went away (a cancelled download) is no error here


def left_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
