"""Reads the runs bench_time (Scripts/lib/bench.sh) recorded, for the benchmarks' summaries."""


def read_times(path):
    """{name: [run, ...]} in recording order; a run is a dict of wall and cpu (user + sys) seconds, rss (peak,
    MB) and rc (exit status)."""
    runs = {}
    with open(path) as lines:
        for line in lines:
            name, wall, user, sys_, rss, rc = line.split()
            runs.setdefault(name, []).append(dict(wall=float(wall), cpu=float(user) + float(sys_),
                                                  rss=int(rss) / 1024, rc=int(rc)))
    return runs
