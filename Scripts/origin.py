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
