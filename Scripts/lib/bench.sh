# Shared helpers of Scripts/bench-crawl, Scripts/bench-poll and Scripts/soak (sourced, not run).
#
# What they share: a release build of feedcrawler, an unprivileged nginx on 127.0.0.1 with its own prefix in a
# temp dir (never another address), wall/CPU/peak-RSS measurement with /usr/bin/time, and cleanup of every
# process they start (by PID, on any exit).
#
# Callers set BENCH_TMP (a fresh temp dir) before calling anything, and `trap bench_cleanup EXIT`.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_SCRATCH="$BENCH_ROOT/.build-release"
# FEEDCRAWLER_BIN=PATH benchmarks that binary instead of building one (e.g. a build of another checkout).
BENCH_BIN=${FEEDCRAWLER_BIN:-"$BENCH_SCRATCH/release/feedcrawler"}
BENCH_PIDS=()

bench_log() { printf '== %s\n' "$*" >&2; }

# Stops what we started (nginx, samplers, daemons), newest first, each by its own PID.
bench_cleanup() {
  local i pid
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${BENCH_PIDS[i]}
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ -n "${BENCH_TMP:-}" ] && [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$BENCH_TMP"; fi
}

# Release build into .build-release (git-ignored); BENCH_NO_BUILD=1 reuses the existing binary.
bench_build() {
  if [ -z "${BENCH_NO_BUILD:-}${FEEDCRAWLER_BIN:-}" ] || [ ! -x "$BENCH_BIN" ]; then
    bench_log "building feedcrawler (release, $BENCH_SCRATCH)"
    (cd "$BENCH_ROOT" && swift build -c release --scratch-path "$BENCH_SCRATCH" --product feedcrawler >&2)
  fi
  [ -x "$BENCH_BIN" ] || { echo "no release binary at $BENCH_BIN" >&2; exit 1; }
}

# nginx from apt when missing (nginx-light is enough: core http, gzip).
bench_need_nginx() {
  if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    bench_log "installing nginx"
    local sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq >&2 && "${sudo[@]}" apt-get install -y -qq nginx-light >&2
  fi
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
}

bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# bench_nginx_start ROOT: serves ROOT on 127.0.0.1:$NGINX_PORT (sets NGINX_PORT, NGINX_PID):
#   Host siteN.localhost -> ROOT/siteN.localhost/...   (what feedcrawler and curl fetch)
#   Host 127.0.0.1       -> ROOT/...                    (path-prefixed: /siteN.localhost/read/...)
# Static files, so nginx gives ETag and Last-Modified and answers conditional requests with 304; gzip on for
# HTML and feeds. One worker: the client under test gets the other core.
bench_nginx_start() {
  local root=$1 prefix="$BENCH_TMP/nginx"
  bench_need_nginx
  mkdir -p "$prefix/tmp" "$prefix/logs"
  # Started as root, nginx's workers run as "nobody": they must be able to read the corpus (mktemp -d is 0700).
  chmod 755 "$BENCH_TMP"
  NGINX_PORT=$(bench_free_port)
  local nofile; nofile=$(ulimit -n)
  [ "$nofile" = unlimited ] && nofile=65536
  sed -e "s|@ROOT@|$root|g" -e "s|@PREFIX@|$prefix|g" -e "s|@PORT@|$NGINX_PORT|g" \
    -e "s|@FILECACHE@|$(( nofile / 2 < 16000 ? nofile / 2 : 16000 ))|g" \
    "$BENCH_ROOT/Scripts/lib/nginx.conf.in" >"$prefix/nginx.conf"
  "$NGINX" -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" &
  NGINX_PID=$!
  BENCH_PIDS+=("$NGINX_PID")
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" -m 1 && return 0
    kill -0 "$NGINX_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$prefix/logs/error.log" >&2
  echo "nginx did not start" >&2
  exit 1
}

# bench_corpus SITES ARTICLES: generates the corpus (Scripts/make-load-sites) in $BENCH_TMP/sites, serves it
# with nginx (bench_nginx_start) and warms it. Sets FEEDS and PAGES and writes, in $BENCH_TMP:
#   feeds.txt     "name url" per feed (bench_config's FEEDS_FILE)
#   articles.txt  every article URL the feeds give
#   curl.cfg      every feed and article URL as a curl config (-K), output to /dev/null
bench_corpus() {
  local sites=$1 articles=$2 feed site path
  bench_log "generating $sites sites x $articles articles in $BENCH_TMP/sites"
  "$BENCH_ROOT/Scripts/make-load-sites" "$BENCH_TMP/sites" --sites "$sites" --articles "$articles"
  bench_nginx_start "$BENCH_TMP/sites"
  # Feeds carry {{HOST}}: render them once with each site's final host:port (nginx serves them as static
  # files, so their ETags stay stable).
  for feed in "$BENCH_TMP"/sites/site*.localhost/feed.xml; do
    site=$(basename "$(dirname "$feed")")
    sed -i "s|{{HOST}}|$site:$NGINX_PORT|g" "$feed"
  done
  : >"$BENCH_TMP/feeds.txt"
  while read -r path; do
    site=${path%%/*}
    echo "${site%.localhost} http://$site:$NGINX_PORT/${path#*/}" >>"$BENCH_TMP/feeds.txt"
  done <"$BENCH_TMP/sites/sites.txt"
  grep -ho '<link>http://site[^<]*/read/[^<]*</link>' "$BENCH_TMP"/sites/site*.localhost/feed.xml |
    sed -e 's|<link>||' -e 's|</link>||' >"$BENCH_TMP/articles.txt"
  FEEDS=$(wc -l <"$BENCH_TMP/feeds.txt")
  PAGES=$(wc -l <"$BENCH_TMP/articles.txt")
  {
    awk '{ print $2 }' "$BENCH_TMP/feeds.txt"
    cat "$BENCH_TMP/articles.txt"
  } | awk '{ printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0 }' >"$BENCH_TMP/curl.cfg"
  bench_log "nginx on 127.0.0.1:$NGINX_PORT: $FEEDS feeds, $PAGES article pages"
  # Warm the page cache (and nginx's open-file cache) so no contender pays for the first read from disk.
  curl -s --no-progress-meter --parallel --parallel-max 64 --compressed -K "$BENCH_TMP/curl.cfg" >/dev/null 2>&1
}

# CPU seconds nginx (master and workers) has used so far: read before and after a run, the difference is what
# serving that run cost the origin, on the same cores as the client. Straight from /proc (utime + stime of the
# master and of every process whose parent it is), so it needs no procps (minimal Debian images lack pgrep).
bench_nginx_cpu() {
  local ticks=0 stat line
  for stat in /proc/[0-9]*/stat; do
    read -r line <"$stat" 2>/dev/null || continue   # the process may be gone by now
    # "pid (comm) state ppid ... utime stime ...": comm may hold spaces and parentheses, so cut at the last ") ".
    # shellcheck disable=SC2086 # splitting the fields is the point
    set -- ${line##*) }
    if [ "${line%% *}" = "$NGINX_PID" ] || [ "$2" = "$NGINX_PID" ]; then ticks=$((ticks + ${12} + ${13})); fi
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f\n", t / hz }'
}

# bench_time NAME CMD...: runs CMD under /usr/bin/time; appends "NAME wall_s user_s sys_s maxrss_kb exit" to
# $BENCH_TMP/times. Peak RSS is the largest of CMD's processes (getrusage's ru_maxrss of the children).
bench_time() {
  local name=$1; shift
  local out="$BENCH_TMP/time.$name" rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" || rc=$?
  echo "$name $(tail -1 "$out") $rc" >>"$BENCH_TMP/times"
  return 0
}

# Columns of one bench_time row: bench_field NAME wall|user|sys|cpu|rss_mb|exit
bench_field() {
  awk -v n="$1" -v f="$2" '$1 == n {
    if (f == "wall") print $2; else if (f == "user") print $3; else if (f == "sys") print $4;
    else if (f == "cpu") printf "%.2f\n", $3 + $4; else if (f == "rss_mb") printf "%.1f\n", $5 / 1024;
    else if (f == "exit") print $6 }' "$BENCH_TMP/times"
}

# A feedcrawler config for loopback benchmarks: bench_config FILE SPOOL STATE FEEDS_FILE [extra TOML lines]
# FEEDS_FILE holds one "name url" pair per line. Politeness is off (per_host_delay 0ms): we measure the
# crawler, not the delay we would impose on a real site.
bench_config() {
  local file=$1 spool=$2 state=$3 feeds=$4; shift 4
  {
    echo "spool_dir = \"$spool\""
    echo "state_dir = \"$state\""
    echo 'allow_private_networks = true'
    echo 'per_host_delay = "0ms"'
    echo 'min_free_disk = 0'
    for line in "$@"; do echo "$line"; done
    awk '{ printf "\n[[feeds]]\nname = \"%s\"\nurl = \"%s\"\n", $1, $2 }' "$feeds"
  } >"$file"
}

# bench_fetch_round LABEL ROUND [extra TOML lines]: one timed `feedcrawler fetch` (bench_time LABEL) over
# $BENCH_TMP/feeds.txt into an empty spool and state of its own. Sets SPOOL, STATE and CONFIG for the caller;
# the run's stdout and stderr go to $BENCH_TMP/LABEL.ROUND.out and .log.
bench_fetch_round() {
  local label=$1 round=$2; shift 2
  SPOOL=$BENCH_TMP/spool.$round STATE=$BENCH_TMP/state.$round CONFIG=$BENCH_TMP/feedcrawler.$round.toml
  mkdir -p "$SPOOL" "$STATE"
  bench_config "$CONFIG" "$SPOOL" "$STATE" "$BENCH_TMP/feeds.txt" "$@"
  bench_time "$label" "$BENCH_BIN" fetch --config "$CONFIG" >"$BENCH_TMP/$label.$round.out" 2>"$BENCH_TMP/$label.$round.log"
}

# Resident set size of PID in kB (0 when gone).
bench_rss_kb() { awk '/^VmRSS:/ { print $2; found = 1 } END { if (!found) print 0 }' "/proc/$1/status" 2>/dev/null || echo 0; }

bench_machine() {
  local cpu
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  echo "$(nproc) cores ($cpu), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr), $(nginx -v 2>&1 | sed 's/.*: //'), $(curl --version | head -1 | cut -d' ' -f1-2)"
}
