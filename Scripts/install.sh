#!/usr/bin/env bash
# Installs feedcrawler as a system service on Debian/Ubuntu (run as root):
#   binary  -> /usr/local/bin/feedcrawler
#   units   -> /etc/systemd/system/{feedcrawler.service, feedcrawler-fetch.service, feedcrawler-fetch.timer}
#   config  -> /etc/feedcrawler/feedcrawler.toml (an existing one is never overwritten; the new default is
#              written beside it as feedcrawler.toml.dist), site rules -> /etc/feedcrawler/sites/*.json
#   user    -> system user and group `feedcrawler` (no login, no home of its own)
#   dirs    -> /var/spool/feedcrawler (2770: the service writes, members of group feedcrawler - the spool
#              consumer - read and remove; setgid keeps new files in the group)
#              /var/lib/feedcrawler   (0750: the state database, private to the service)
# It does not start anything; it prints the commands to enable the daemon or the timer.
#
# Usage: Scripts/install.sh [--binary PATH] [--destdir DIR] [--enable daemon|timer]
#   --binary PATH   install this already-built binary instead of building a release one
#   --destdir DIR   install under DIR (staging or packaging; skips user creation, ownership and systemctl)
#   --enable WHAT   also `systemctl enable --now` the daemon (feedcrawler.service) or the timer pair
set -euo pipefail
cd "$(dirname "$0")/.."

BINARY=""
DESTDIR="${DESTDIR:-}"
ENABLE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) BINARY="$2"; shift 2 ;;
    --destdir) DESTDIR="$2"; shift 2 ;;
    --enable) ENABLE="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$ENABLE" in ""|daemon|timer) ;; *) echo "install.sh: --enable takes daemon or timer" >&2; exit 2 ;; esac

if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (or pass --destdir DIR to stage the files)" >&2
  exit 2
fi

# 1. The binary: given, or a release build in its own scratch path (keeps the debug build untouched).
if [ -z "$BINARY" ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
  echo "==> building release binary (first build takes several minutes)"
  swift build -c release --scratch-path .build-release --product feedcrawler
  BINARY="$(swift build -c release --scratch-path .build-release --product feedcrawler --show-bin-path)/feedcrawler"
fi
if [ ! -x "$BINARY" ]; then
  echo "install.sh: $BINARY is not an executable file" >&2
  exit 2
fi

# 2. The system user and group, before any chown.
if [ -z "$DESTDIR" ]; then
  if ! getent group feedcrawler >/dev/null; then
    groupadd --system feedcrawler
  fi
  if ! getent passwd feedcrawler >/dev/null; then
    useradd --system --gid feedcrawler --home-dir /var/lib/feedcrawler --no-create-home \
      --shell /usr/sbin/nologin --comment "feedcrawler news-feed crawler" feedcrawler
  fi
fi

# Ownership is only set on a real install; a staged tree keeps the invoking user's ownership.
own() { if [ -z "$DESTDIR" ]; then chown "$@"; fi; }

# 3. Files.
install -d -m 0755 "$DESTDIR/usr/local/bin" "$DESTDIR/etc/systemd/system"
install -m 0755 "$BINARY" "$DESTDIR/usr/local/bin/feedcrawler"
for unit in feedcrawler.service feedcrawler-fetch.service feedcrawler-fetch.timer; do
  install -m 0644 "systemd/$unit" "$DESTDIR/etc/systemd/system/$unit"
done

# The config holds nothing secret, but only root edits it and only the service group reads it.
install -d -m 0750 "$DESTDIR/etc/feedcrawler"
own root:feedcrawler "$DESTDIR/etc/feedcrawler"
if [ -e "$DESTDIR/etc/feedcrawler/feedcrawler.toml" ]; then
  install -m 0640 Config/feedcrawler.toml "$DESTDIR/etc/feedcrawler/feedcrawler.toml.dist"
  own root:feedcrawler "$DESTDIR/etc/feedcrawler/feedcrawler.toml.dist"
  echo "==> kept existing /etc/feedcrawler/feedcrawler.toml (new default written as feedcrawler.toml.dist)"
else
  install -m 0640 Config/feedcrawler.toml "$DESTDIR/etc/feedcrawler/feedcrawler.toml"
  own root:feedcrawler "$DESTDIR/etc/feedcrawler/feedcrawler.toml"
fi

# Site extraction rules (site_rules_dir in the shipped config): replaced on every install, they are code-like
# data that improves with releases; put local rules in another directory and point site_rules_dir there.
install -d -m 0755 "$DESTDIR/etc/feedcrawler/sites"
install -m 0644 Config/sites/*.json "$DESTDIR/etc/feedcrawler/sites/"

# 4. Directories the service writes (StateDirectory= would create /var/lib/feedcrawler too; creating it here
#    lets `feedcrawler fetch` run by hand as the feedcrawler user before the service ever started).
install -d -m 2770 "$DESTDIR/var/spool/feedcrawler"
own feedcrawler:feedcrawler "$DESTDIR/var/spool/feedcrawler"
install -d -m 0750 "$DESTDIR/var/lib/feedcrawler"
own feedcrawler:feedcrawler "$DESTDIR/var/lib/feedcrawler"

# 5. Check what was installed: the config is valid for this machine (its directories and site rules exist),
#    and the units verify cleanly (any output is a problem). A staged tree is checked where it will live.
if [ -z "$DESTDIR" ]; then
  /usr/local/bin/feedcrawler check-config --config /etc/feedcrawler/feedcrawler.toml >/dev/null
fi
if [ -z "$DESTDIR" ] && command -v systemd-analyze >/dev/null; then
  if ! out=$(systemd-analyze verify /etc/systemd/system/feedcrawler.service \
      /etc/systemd/system/feedcrawler-fetch.service /etc/systemd/system/feedcrawler-fetch.timer 2>&1) \
      || [ -n "$out" ]; then
    echo "install.sh: systemd-analyze verify reported:" >&2
    echo "$out" >&2
    exit 1
  fi
fi

# 6. Tell systemd, and optionally start.
if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  case "$ENABLE" in
    daemon) systemctl disable --now feedcrawler-fetch.timer 2>/dev/null || true
            systemctl enable --now feedcrawler.service ;;
    timer)  systemctl disable --now feedcrawler.service 2>/dev/null || true
            systemctl enable --now feedcrawler-fetch.timer ;;
  esac
fi

echo "==> installed feedcrawler under ${DESTDIR:-/}"
if [ -z "$ENABLE" ]; then
  cat <<'NEXT'
Next steps:
  edit /etc/feedcrawler/feedcrawler.toml, then: feedcrawler check-config
  daemon:   systemctl enable --now feedcrawler          (logs: journalctl -u feedcrawler -f)
  or timer: systemctl enable --now feedcrawler-fetch.timer  (logs: journalctl -u feedcrawler-fetch)
NEXT
fi
