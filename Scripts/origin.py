#!/usr/bin/env python3
"""A real HTTP/1.1 origin on loopback for tests, the demo and benchmarks.

Serves virtual hosts from a directory: a request for http://sindonews.localhost:8088/rss.xml is answered from
ROOT/sindonews.localhost/rss.xml (the Host header picks the folder; curl resolves *.localhost to 127.0.0.1
itself, so no DNS or /etc/hosts entry is needed). In text files the token {{HOST}} becomes the request's Host
header, so feeds can carry absolute links whatever port the origin got.

Static files get ETag and Last-Modified and answer 304 to conditional requests, and are gzip-compressed when
the client accepts it, as nginx does. Paths under /_/ are special behaviours for tests (see SPECIAL below).

Usage: origin.py --root DIR [--port 8088] [--bind 127.0.0.1] [--port-file FILE]
  --port 0 picks a free port and writes it to --port-file (tests use this).
"""
import argparse
import email.utils
import gzip
import hashlib
import mimetypes
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TEXT_TYPES = ("text/", "application/xml", "application/rss+xml", "application/atom+xml", "application/json",
              "application/feed+json")
EXTRA_TYPES = {".xml": "application/xml", ".rss": "application/rss+xml", ".atom": "application/atom+xml",
               ".json": "application/json", ".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "feedcrawler-test-origin/1"
    root = "."

    def log_message(self, fmt, *args):  # quiet: tests read the client's view, not ours
        if os.environ.get("ORIGIN_VERBOSE"):
            sys.stderr.write("origin: " + fmt % args + "\n")

    def do_HEAD(self):
        self.handle_request(send_body=False)

    def do_GET(self):
        self.handle_request(send_body=True)

    def handle_request(self, send_body):
        parsed = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parsed.query)
        if parsed.path.startswith("/_/"):
            name = parsed.path[3:].split("/")[0]
            handler = SPECIAL.get(name)
            if handler is None:
                return self.reply(404, b"no such special endpoint\n", "text/plain")
            return handler(self, parsed, query, send_body)
        return self.serve_static(parsed.path, send_body)

    # ---- static virtual hosts -------------------------------------------------------------------------
    def host_dir(self):
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        candidate = os.path.join(self.root, host)
        if host and "/" not in host and os.path.isdir(candidate):
            return candidate
        default = os.path.join(self.root, "_default")
        return default if os.path.isdir(default) else None

    def serve_static(self, path, send_body):
        base = self.host_dir()
        if base is None:
            return self.reply(404, b"unknown host\n", "text/plain")
        relative = urllib.parse.unquote(path).lstrip("/")
        full = os.path.realpath(os.path.join(base, relative))
        if not full.startswith(os.path.realpath(base)):
            return self.reply(403, b"forbidden\n", "text/plain")
        if os.path.isdir(full):
            full = os.path.join(full, "index.html")
        if not os.path.isfile(full):
            return self.reply(404, b"not found\n", "text/plain")
        with open(full, "rb") as f:
            body = f.read()
        extension = os.path.splitext(full)[1]
        # News article URLs rarely have an extension: serve extensionless files as HTML, as the sites do.
        ctype = EXTRA_TYPES.get(extension) or mimetypes.guess_type(full)[0] or (
            "text/html; charset=utf-8" if not extension else "application/octet-stream")
        if ctype.startswith(TEXT_TYPES):
            body = body.replace(b"{{HOST}}", (self.headers.get("Host") or "").encode())
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        mtime = os.stat(full).st_mtime
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if (inm and etag in [t.strip() for t in inm.split(",")]) or (not inm and ims and ims == last_modified):
            return self.reply(304, b"", None, {"ETag": etag, "Last-Modified": last_modified}, send_body=False)
        self.reply(200, body, ctype, {"ETag": etag, "Last-Modified": last_modified}, send_body=send_body,
                   compressible=ctype.startswith(TEXT_TYPES))

    # ---- helpers -----------------------------------------------------------------------------------------
    def reply(self, status, body, ctype, headers=None, send_body=True, compressible=False):
        if compressible and "gzip" in (self.headers.get("Accept-Encoding") or "") and len(body) > 256:
            body = gzip.compress(body, 6)
            headers = dict(headers or {})
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and status != 304 and body:
            self.wfile.write(body)


# ---- special behaviours (tests) --------------------------------------------------------------------------
def special_status(h, parsed, query, send_body):
    """/_/status/410 answers that status (with Retry-After from ?retry_after=)."""
    parts = parsed.path.split("/")
    code = int(parts[3]) if len(parts) > 3 and parts[3].isdigit() else 500
    headers = {}
    if "retry_after" in query:
        headers["Retry-After"] = query["retry_after"][0]
    h.reply(code, b"status %d\n" % code, "text/plain", headers, send_body)


def special_redirect(h, parsed, query, send_body):
    """/_/redirect?to=URL&code=301"""
    code = int(query.get("code", ["302"])[0])
    h.reply(code, b"", "text/plain", {"Location": query.get("to", ["/"])[0]}, send_body)


SPECIAL = {"status": special_status, "redirect": special_redirect}
# Other engineers add endpoints below this line (trickle, hang, reset, big bodies, gzip bombs, ...).

# ---- fetch-layer endpoints (owned by the Fetch/Curl engineer) ---------------------------------------------
import signal  # noqa: E402  (imports kept inside this block so the block stays self-contained)
import struct  # noqa: E402
import zlib  # noqa: E402


def _detach_from_parent_state():
    """Swift test runners start the origin from threads that block SIGTERM, and a spawned child inherits that
    mask: Process.terminate() then does nothing and TestOrigin.stop() waits forever. Unblock every signal, and
    exit when the parent process goes away (so a killed test run leaves no origin behind). Not PR_SET_PDEATHSIG:
    that fires when the spawning *thread* exits, and pool threads come and go."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parent = os.getppid()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()


_detach_from_parent_state()


def _int_arg(query, name, default, upper):
    """An integer query argument clamped to [0, upper], so a typo cannot make the origin allocate gigabytes."""
    try:
        return max(0, min(upper, int(query.get(name, [str(default)])[0])))
    except ValueError:
        return default


def special_echo(h, parsed, query, send_body):
    """/_/echo: the request line and headers as text/plain, so tests see what the client sent."""
    lines = ["%s %s" % (h.command, h.path)] + ["%s: %s" % (k, v) for k, v in h.headers.items()]
    h.reply(200, ("\n".join(lines) + "\n").encode(), "text/plain; charset=utf-8", send_body=send_body)


def special_etag(h, parsed, query, send_body):
    """/_/etag?tag=v1: a resource with ETag and Last-Modified answering 304 to a matching conditional GET, with
    Cache-Control max-age from ?max_age= (seconds)."""
    etag = '"%s"' % query.get("tag", ["v1"])[0]
    last_modified = "Tue, 03 Jun 2025 10:00:00 GMT"
    headers = {"ETag": etag, "Last-Modified": last_modified}
    if "max_age" in query:
        headers["Cache-Control"] = "public, max-age=%s" % query["max_age"][0]
    inm = h.headers.get("If-None-Match")
    ims = h.headers.get("If-Modified-Since")
    if (inm and etag in [t.strip() for t in inm.split(",")]) or (not inm and ims == last_modified):
        return h.reply(304, b"", None, headers, send_body=False)
    body = b"<rss version=\"2.0\"><channel><title>etag test</title></channel></rss>\n"
    h.reply(200, body, "application/rss+xml; charset=UTF-8", headers, send_body)


def special_loop(h, parsed, query, send_body):
    """/_/loop: redirects to itself forever (a redirect loop)."""
    h.reply(302, b"", "text/plain", {"Location": "/_/loop?n=%d" % (_int_arg(query, "n", 0, 10**6) + 1)}, send_body)


def special_empty(h, parsed, query, send_body):
    """/_/empty: 200 with an empty body."""
    h.reply(200, b"", "application/rss+xml", send_body=send_body)


def special_big(h, parsed, query, send_body):
    """/_/big?bytes=N[&chunked=1]: N bytes of 'a' (at most 2 GiB), streamed in 64 KiB writes; with chunked=1
    no Content-Length is sent (the client cannot refuse early). Stops quietly when the client hangs up."""
    total = _int_arg(query, "bytes", 1 << 20, 1 << 31)
    chunked = query.get("chunked", ["0"])[0] == "1"
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    if chunked:
        h.send_header("Connection", "close")
        h.close_connection = True
    else:
        h.send_header("Content-Length", str(total))
    h.end_headers()
    if not send_body:
        return
    block = b"a" * 65536
    try:
        while total > 0:
            piece = block[:min(total, len(block))]
            h.wfile.write(piece)
            total -= len(piece)
    except (BrokenPipeError, ConnectionResetError):
        h.close_connection = True


_BOMBS = {}
_BOMBS_LOCK = threading.Lock()


def special_gzip_bomb(h, parsed, query, send_body):
    """/_/gzip-bomb?mb=N: one gzip stream of N MiB of zeros (default 1024 = 1 GiB, ~1 MiB on the wire),
    served with Content-Encoding: gzip whatever the client asked for. Built once per size and cached."""
    mib = max(1, _int_arg(query, "mb", 1024, 4096))
    with _BOMBS_LOCK:
        data = _BOMBS.get(mib)
        if data is None:
            compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
            zeros = bytes(1 << 20)
            parts = [compressor.compress(zeros) for _ in range(mib)]
            parts.append(compressor.flush())
            data = _BOMBS[mib] = b"".join(parts)
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Encoding", "gzip")
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    if send_body:
        try:
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True


def special_trickle(h, parsed, query, send_body):
    """/_/trickle?bytes=N&every=S: announces N bytes (default 1000), then sends one byte every S seconds
    (default 2)."""
    total = _int_arg(query, "bytes", 1000, 1 << 20)
    try:
        every = max(0.01, min(60.0, float(query.get("every", ["2"])[0])))
    except ValueError:
        every = 2.0
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(total))
    h.end_headers()
    try:
        for _ in range(total):
            h.wfile.write(b"a")
            h.wfile.flush()
            time.sleep(every)
    except (BrokenPipeError, ConnectionResetError):
        pass
    h.close_connection = True


def special_hang(h, parsed, query, send_body):
    """/_/hang?s=N: reads the request and never answers (for N seconds, default 300), then closes."""
    deadline = time.time() + _int_arg(query, "s", 300, 3600)
    while time.time() < deadline:
        time.sleep(0.2)
    h.close_connection = True


def special_reset(h, parsed, query, send_body):
    """/_/reset: announces 100000 bytes, sends 1000, then resets the connection (RST via SO_LINGER 0)."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    h.wfile.write(b"a" * 1000)
    h.wfile.flush()
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.close_connection = True


def special_headers(h, parsed, query, send_body):
    """/_/headers?count=N&size=S: N extra headers (default 1000) of S bytes each (default 1000)."""
    count = _int_arg(query, "count", 1000, 100000)
    size = _int_arg(query, "size", 1000, 60000)
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    for index in range(count):
        h.send_header("X-Filler-%d" % index, "x" * size)
    h.send_header("Content-Length", "3")
    h.end_headers()
    if send_body:
        h.wfile.write(b"ok\n")


def special_multi_header(h, parsed, query, send_body):
    """/_/multi-header: the same header twice and a mixed-case name (header parsing)."""
    h.send_response(200)
    h.send_header("Content-Type", "text/plain; charset=ISO-8859-1")
    h.send_header("X-Twice", "one")
    h.send_header("X-Twice", "two")
    h.send_header("X-MiXeD-Case", "yes")
    h.send_header("Content-Length", "3")
    h.end_headers()
    if send_body:
        h.wfile.write(b"ok\n")


SPECIAL.update({
    "echo": special_echo, "etag": special_etag, "loop": special_loop, "empty": special_empty,
    "big": special_big, "gzip-bomb": special_gzip_bomb, "trickle": special_trickle, "hang": special_hang,
    "reset": special_reset, "headers": special_headers, "multi-header": special_multi_header,
})
# ---- end of fetch-layer endpoints ---------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", required=True)
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port-file")
    args = parser.parse_args()
    Handler.root = os.path.realpath(args.root)
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 512
    server = ThreadingHTTPServer((args.bind, args.port), Handler)
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.rename(tmp, args.port_file)
    sys.stderr.write("origin: serving %s on http://%s:%d/\n" % (Handler.root, args.bind, port))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
