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


# ---- hostile-input endpoints (issue 7: Tests/EndToEndTests/HostileEndToEndTests.swift, Scripts/hostile) -------
# Feeds and pages an attacker could serve. Links are absolute on the request's Host, so one attack per host name
# (xxe.localhost, deep.localhost, ...) keeps each attack on its own per-host queue in the crawler.
import html as _html  # noqa: E402


def _origin(h):
    return "http://%s" % (h.headers.get("Host") or "127.0.0.1")


def _rss(items_xml, title="Hostile feed"):
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + (
        b"<rss version=\"2.0\"><channel><title>" + title.encode() + b"</title><link>http://hostile.example/</link>"
        b"<description>hostile</description>" + items_xml + b"</channel></rss>\n")


def _item(link, title="Item", body="text"):
    return ("<item><title>%s</title><link>%s</link><description>%s</description>"
            "<pubDate>Mon, 23 Nov 2026 06:00:00 +0700</pubDate></item>" % (
                _html.escape(title), _html.escape(link), _html.escape(body))).encode()


def special_xxe(h, parsed, query, send_body):
    """/_/xxe?path=P: an RSS feed whose DTD declares external entities on file://P (general and parameter
    entities, used in title, link and description) and whose item links to /_/xxe-page?path=P, an XHTML page
    doing the same. A crawler that expands them copies P's content into its output."""
    path = query.get("path", ["/etc/passwd"])[0]
    system = ("file://" + path).encode()
    prolog = (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE rss [\n'
              b'<!ENTITY secret SYSTEM "' + system + b'">\n'
              b'<!ENTITY % remote SYSTEM "' + system + b'">\n%remote;\n]>\n')
    page = "%s/_/xxe-page?path=%s" % (_origin(h), urllib.parse.quote(path, safe=""))
    item = (b"<item><title>Leak &secret;</title><link>" + _html.escape(page).encode() +
            b"</link><description>&secret;</description><guid>xxe-1</guid></item>")
    body = prolog + b'<rss version="2.0"><channel><title>XXE &secret;</title><link>http://x.example/</link>' + \
        b"<description>x</description>" + item + b"</channel></rss>\n"
    h.reply(200, body, "application/rss+xml", send_body=send_body)


def special_xxe_page(h, parsed, query, send_body):
    """/_/xxe-page?path=P: an XHTML article page with an external entity on file://P in its text."""
    path = query.get("path", ["/etc/passwd"])[0]
    words = " ".join("rahasia%d" % i for i in range(80))  # unlike the other hostile pages: not a near-duplicate
    body = ('<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY secret SYSTEM "file://%s">]>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>XXE page &secret;</title></head><body>'
            '<article><h1>XXE page</h1><p>&secret; %s.</p><p>%s.</p></article></body></html>\n' % (
                _html.escape(path), words, words)).encode()
    h.reply(200, body, "application/xhtml+xml", send_body=send_body)


def special_billion_laughs(h, parsed, query, send_body):
    """/_/billion-laughs[?kind=quadratic]: the classic 10-level nested entity expansion (10^9 'lol's, a few
    hundred bytes on the wire), or the quadratic blowup (one 64 KiB entity referenced 20,000 times = 1.3 GB)."""
    if query.get("kind", [""])[0] == "quadratic":
        entity = b"A" * 65536
        refs = b"&a;" * 20000
        body = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "' + entity + b'">]>\n'
                b'<rss version="2.0"><channel><title>q</title><item><title>' + refs +
                b"</title><link>" + _origin(h).encode() + b"/_/empty?laughs=1</link></item></channel></rss>\n")
    else:
        lines = [b'<!ENTITY lol0 "lol">']
        for level in range(1, 10):
            lines.append(b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1)) * 10))
        body = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + b"\n".join(lines) + b"\n]>\n"
                b'<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
                b"<link>" + _origin(h).encode() + b"/_/empty?laughs=2</link><description>&lol9;</description></item>"
                b"</channel></rss>\n")
    h.reply(200, body, "application/rss+xml", send_body=send_body)


def special_deep(h, parsed, query, send_body):
    """/_/deep?depth=N&kind=xml|html: N (default 100,000) nested elements: inside an RSS item (kind=xml) or an
    HTML article body (kind=html, served as text/html)."""
    depth = _int_arg(query, "depth", 100000, 10**7)
    if query.get("kind", ["xml"])[0] == "html":
        body = (b"<!DOCTYPE html><html><head><title>Deep</title></head><body><article><h1>Deep</h1>" +
                b"<div>" * depth + b"<p>" + b"kata " * 200 + b"</p>" + b"</div>" * depth + b"</article></body></html>\n")
        return h.reply(200, body, "text/html; charset=utf-8", send_body=send_body)
    inner = b"<x>" * depth + b"deep" + b"</x>" * depth
    body = _rss(b"<item><title>Deep</title><link>" + _origin(h).encode() + b"/_/empty?deep=1</link><description>" + inner +
                b"</description></item>")
    h.reply(200, body, "application/rss+xml", send_body=send_body)


def special_many_items(h, parsed, query, send_body):
    """/_/many-items?n=N: an RSS feed of N items (default 100,000; ~4.5 MB, within the default max_feed_bytes),
    each only a relative link to /_/empty?i=K (an empty page, so any article the crawler takes fails fast)."""
    count = _int_arg(query, "n", 100000, 10**6)
    items = b"".join(b"<item><link>/_/empty?i=%d</link></item>" % i for i in range(count))
    h.reply(200, _rss(items, "Many items"), "application/rss+xml", send_body=send_body)


def special_big_article(h, parsed, query, send_body):
    """/_/big-article?mb=N: an HTML article page of N MiB (default 20) of <p> paragraphs, streamed with
    Content-Length."""
    total = _int_arg(query, "mb", 20, 4096) << 20
    head = b"<!DOCTYPE html><html><head><title>Big</title></head><body><article><h1>Big</h1>"
    para = b"<p>" + b"Kalimat panjang berita hari ini. " * 30 + b"</p>\n"
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", str(total))
    h.end_headers()
    if not send_body:
        return
    try:
        h.wfile.write(head)
        sent = len(head)
        block = para * (65536 // len(para))
        while sent < total:
            piece = block[:total - sent]
            h.wfile.write(piece)
            sent += len(piece)
    except (BrokenPipeError, ConnectionResetError):
        h.close_connection = True


def special_feed_of(h, parsed, query, send_body):
    """/_/feed-of?link=URL[&link=URL2...]: an RSS feed whose items link to the given URLs (relative ones are
    taken on this host)."""
    base = _origin(h)
    items = b"".join(_item(link if "://" in link else base + link, "Item %d" % i)
                     for i, link in enumerate(query.get("link", [])))
    h.reply(200, _rss(items, "Links"), "application/rss+xml", send_body=send_body)


_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                     "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a0e2b5a70000000049454e44ae426082")


def special_typed(h, parsed, query, send_body):
    """/_/typed?type=T&body=rss|png: a valid one-item RSS feed (body=rss) or a real 1x1 PNG (body=png) served with
    Content-Type T (default image/png): a feed mislabelled as an image, or an image where a feed should be."""
    ctype = query.get("type", ["image/png"])[0]
    if query.get("body", ["rss"])[0] == "png":
        return h.reply(200, _PNG, ctype, send_body=send_body)
    body = _rss(_item(_origin(h) + "/_/empty?typed=1", "Typed"), "Typed")
    h.reply(200, body, ctype, send_body=send_body)


def _bad_bytes_words():
    return b" ".join(b"kata%d" % i for i in range(60))


def special_bad_bytes(h, parsed, query, send_body):
    """/_/bad-bytes: an RSS feed (declared UTF-8) full of invalid UTF-8 sequences, NUL bytes and C0 controls,
    whose item links to /_/bad-bytes-article, an HTML page with the same, and enough words to be extracted."""
    junk = b"\xff\xfe\x00\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc\x00\x01\x1b[31m\xed\xa0\x80\xf8\x88\x80\x80\x80"
    link = (_origin(h) + "/_/bad-bytes-article").encode()
    body = (b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Bad ' + junk +
            b"bytes</title><link>http://x.example/</link><description>" + junk + b"</description>"
            b"<item><title>Judul " + junk + b" berita</title><link>" + link + b"</link><description>" + junk +
            b"</description><pubDate>Mon, 23 Nov 2026 06:00:00 +0700</pubDate></item></channel></rss>\n")
    h.reply(200, body, "application/rss+xml; charset=utf-8", send_body=send_body)


def special_bad_bytes_article(h, parsed, query, send_body):
    """/_/bad-bytes-article: an article page with invalid UTF-8 and NUL bytes inside its paragraphs."""
    junk = b"\xff\x00\xc3\x28\x00\xed\xa0\x80\x01"
    paragraphs = b"".join(b"<p>Paragraf " + str(i).encode() + b" " + junk + b" " + _bad_bytes_words() + b".</p>"
                          for i in range(4))
    body = (b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Judul " + junk + b"</title></head><body>"
            b"<article><h1>Judul " + junk + b" berita</h1>" + paragraphs + b"</article></body></html>\n")
    h.reply(200, body, "text/html; charset=utf-8", send_body=send_body)


SPECIAL.update({
    "xxe": special_xxe, "xxe-page": special_xxe_page, "billion-laughs": special_billion_laughs,
    "deep": special_deep, "many-items": special_many_items, "big-article": special_big_article,
    "feed-of": special_feed_of, "typed": special_typed, "bad-bytes": special_bad_bytes,
    "bad-bytes-article": special_bad_bytes_article,
})
# ---- end of hostile-input endpoints ---------------------------------------------------------------------------


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
