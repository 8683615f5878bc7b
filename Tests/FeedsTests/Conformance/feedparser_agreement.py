#!/usr/bin/env python3
"""Field agreement between `feedcrawler parse-feed --json` and Python feedparser 6 on feedparser's own test corpus
(~2,200 third-party-style feeds: every RSS/Atom/RDF variant, encodings, entities, ill-formed input).

Usage (from the repository root, after `swift build`):
    python3 -m venv /tmp/fp && /tmp/fp/bin/pip install feedparser==6.0.11
    /tmp/fp/bin/python Tests/FeedsTests/Conformance/feedparser_agreement.py --binary .build/debug/feedcrawler

The corpus is the `tests/` folder of the feedparser source distribution (fetched with `pip download` into
--cache unless --corpus points at it). Fields compared per feed: title, link; per entry: id, title, link,
published, updated, author, summary. Text is compared as plain text (tags stripped, entities decoded, whitespace
collapsed) because feedparser keeps sanitised HTML where we emit plain text. A field counts when either side has
a value. Known, deliberate differences (see the Feeds stage's report): WIB/WITA/WIT zones, Indonesian day/month names, Atom type="text" read as HTML;
entities declared in an internal DTD subset are never expanded (XXE/billion-laughs safety); code pages Python
lacks (tcvn, viscii, ms-cyrl, mac) are decoded by iconv where feedparser falls back to windows-1252; sanitiser
torture tests ("crazy" HTML, script in CDATA) come out as plain text; an Atom person with only a <uri> has no
author (feedparser: ""). Measured 2026-11-23: 1346/1384 = 0.973; again after the streamed RSS path (52500ea): the same.
"""
import argparse, collections, glob, html, json, os, re, subprocess, sys, tarfile, time, warnings

BASE = "http://127.0.0.1:8097/tests/"


def plain(value):
    if value is None:
        return None
    value = html.unescape(re.sub(r"<[^>]+>", " ", value))
    value = " ".join(value.split())
    return value or None


def norm(value):
    return " ".join(value.split()) if isinstance(value, str) else value


def iso(struct_time):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", struct_time) if struct_time else None


def corpus_dir(args):
    if args.corpus:
        return args.corpus
    os.makedirs(args.cache, exist_ok=True)
    tests = os.path.join(args.cache, "feedparser-6.0.11", "tests")
    if not os.path.isdir(tests):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                        "feedparser==6.0.11", "-d", args.cache], check=True, stdout=subprocess.DEVNULL)
        with tarfile.open(glob.glob(os.path.join(args.cache, "feedparser-6.0.11.tar.gz"))[0]) as archive:
            archive.extractall(args.cache)
    return tests


def ours(binary, path, relative):
    run = subprocess.run([binary, "parse-feed", path, "--url", BASE + relative, "--json"],
                         capture_output=True, text=True, timeout=30)
    if run.returncode != 0 or not run.stdout.strip():
        return {"title": None, "link": None, "items": []}
    return json.loads(run.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True, help="the built feedcrawler executable")
    parser.add_argument("--corpus", help="feedparser's tests/ folder (default: downloaded into --cache)")
    parser.add_argument("--cache", default="/tmp/feedparser-corpus")
    parser.add_argument("--show", type=int, default=0, help="print this many disagreements per field")
    args = parser.parse_args()
    import feedparser
    warnings.simplefilter("ignore")
    root = corpus_dir(args)
    files = sorted(p for folder in ("wellformed", "illformed", "encoding", "entities")
                   for p in glob.glob(os.path.join(root, folder, "**", "*"), recursive=True)
                   if os.path.isfile(p) and p.endswith((".xml", ".rdf", ".json")))
    agree, total = collections.Counter(), collections.Counter()
    skipped = 0
    disagreements = collections.defaultdict(list)
    for path in files:
        relative = os.path.relpath(path, root)
        try:
            theirs = feedparser.parse(path, response_headers={"content-location": BASE + relative})
        except Exception:  # feedparser's own HTML sanitiser crashes on a few corpus files: no reference, skip
            skipped += 1
            continue
        mine = ours(os.path.abspath(args.binary), path, relative)
        pairs = [("feed.title", mine["title"], plain(theirs.feed.get("title"))),
                 ("feed.link", mine["link"], theirs.feed.get("link"))]
        for index, entry in enumerate(theirs.entries):
            item = mine["items"][index] if index < len(mine["items"]) else {}
            pairs += [("id", item.get("id"), entry.get("id")),
                      ("title", item.get("title"), plain(entry.get("title"))),
                      ("link", item.get("link"), entry.get("link")),
                      ("published", item.get("published"), iso(entry.get("published_parsed"))),
                      ("updated", item.get("updated"), iso(dict.get(entry, "updated_parsed"))),
                      ("author", item.get("author"), entry.get("author")),
                      ("summary", item.get("summary"), plain(entry.get("summary")))]
        for field, a, b in pairs:
            a, b = norm(a), norm(b)
            if a is None and b is None:
                continue
            total[field] += 1
            if a == b:
                agree[field] += 1
            else:
                disagreements[field].append((relative, a, b))
    for field in sorted(total):
        print(f"{field:12s} {agree[field]:5d}/{total[field]:<5d} {agree[field] / total[field]:.3f}")
        for relative, a, b in disagreements[field][:args.show]:
            print(f"    {relative}: ours={a!r:.80} feedparser={b!r:.80}")
    all_agree, all_total = sum(agree.values()), sum(total.values())
    print(f"{'all':12s} {all_agree:5d}/{all_total:<5d} {all_agree / all_total:.3f}  ({len(files) - skipped} feeds, "
          f"{skipped} skipped: feedparser itself failed on them)")


if __name__ == "__main__":
    main()
