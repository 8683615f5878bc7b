# trafilatura in a venv (sourced by bench-crawl): sets TRAF_BIN, TRAF_CONFIG, TRAF_PYTHONPATH.
#
# The venv lives in .build-release/bench-venv (git-ignored) and is reused. Its config turns off what would
# make a loopback benchmark meaningless (the 5 s sleep between requests to one host, the SSRF block of
# 127.0.0.1); a sitecustomize.py maps *.localhost to 127.0.0.1, which glibc does not, so trafilatura fetches
# exactly the URLs curl and feedcrawler fetch.

bench_trafilatura() {
  local venv="$BENCH_SCRATCH/bench-venv"
  if [ ! -x "$venv/bin/trafilatura" ] || ! "$venv/bin/python" -c 'import trafilatura' 2>/dev/null; then
    bench_log "installing trafilatura into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q trafilatura lxml_html_clean >&2
  fi
  TRAF_BIN="$venv/bin/trafilatura"
  TRAF_VERSION=$("$venv/bin/python" -c 'import trafilatura; print(trafilatura.__version__)')
  TRAF_PYTHONPATH="$BENCH_TMP/pyhook"
  mkdir -p "$TRAF_PYTHONPATH"
  cat >"$TRAF_PYTHONPATH/sitecustomize.py" <<'EOF'
# Benchmark only: resolve *.localhost to 127.0.0.1 (RFC 6761), as curl does on its own.
import socket
_getaddrinfo = socket.getaddrinfo
def _loopback_getaddrinfo(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = _loopback_getaddrinfo
EOF
  TRAF_CONFIG="$BENCH_TMP/trafilatura.cfg"
  sed -e 's/^SLEEP_TIME = .*/SLEEP_TIME = 0/' -e 's/^SSRF_PROTECTION = .*/SSRF_PROTECTION = off/' \
    "$("$venv/bin/python" -c 'import os, trafilatura; print(os.path.join(os.path.dirname(trafilatura.__file__), "settings.cfg"))')" \
    >"$TRAF_CONFIG"
}
