#!/usr/bin/env python3
"""Builds the near-duplicate evaluation set (issue 5) from real article texts. Deterministic (fixed seed):
rerunning it over the same inputs reproduces docs.jsonl byte for byte.

Inputs (read-only):
  - ../shared/data/extraction-dev/truth/*.txt : real article bodies (one block per line); only pages that
    meta.json marks as real (not synthetic), and one page per cluster of near-identical truths.
  - ../shared/seeds/*.txt                     : the two seed spool texts (one same-event pair).
  - Tests/Fixtures/sites/expected.json        : the demo sites' article texts.

Output: docs.jsonl next to this script, one JSON object per line:
  {"id": "...", "group": "...", "source": "...", "transforms": [...], "title": "...", "paragraphs": [...]}
Two documents are duplicates (a positive pair) exactly when they share `group`; every other pair is a
negative. Each original gets VARIANTS_PER_ORIGINAL syndicated/mirrored copies (positives), built from the
transformations real republishers apply. Hard negatives: the two seeds (same event, written independently),
and pairs of different articles that carry the same quoted paragraph (a shared press statement).

Usage: python3 Tests/Fixtures/dedup-eval/generate.py [--shared DIR]   (from the repository root)
"""
import argparse
import json
import os
import random
import re

SEED = 20261123
VARIANTS_PER_ORIGINAL = 4
MIN_WORDS = 40          # shorter texts are not fingerprinted by the pipeline either
MAX_WORDS = 1500        # long dev pages (up to 17,000 words) are cut to news-article length, whole paragraphs
SHARED_QUOTE_PAIRS = 40

DATELINES = [
    "TRIBUN-MEDAN.com, SIANTAR - ", "TRIBUNNEWS.COM, JAKARTA - ", "Jakarta (ANTARA) - ", "Surabaya (ANTARA) - ",
    "JAKARTA, KOMPAS.com - ", "REPUBLIKA.CO.ID, JAKARTA -- ", "Liputan6.com, Jakarta - ",
    "Jakarta, CNN Indonesia -- ", "SINDOnews.com - ", "WASHINGTON - ", "Bisnis.com, JAKARTA - ",
    "TRIBUNJATENG.COM, SEMARANG - ", "MNC Portal, Jakarta - ", "Okezone.com, Jakarta - ",
]
BYLINES = [
    "Laporan Wartawan Tribun Medan, Alija Magribi", "Laporan Wartawan Tribunnews.com, Fahdi Fahlevi",
    "Reporter: Dian Kurniawan", "Penulis: Riana Dewi", "Laporan reporter Tribun Jateng, Budi Santoso",
    "Kontributor: Ahmad Fauzi",
]
FOOTERS = [
    ["Artikel ini telah tayang di Tribunnews.com dengan judul {title}, https://www.tribunnews.com/nasional/2022/07/30/{slug}",
     "Penulis: Fahdi Fahlevi", "Editor: Wahyu Aji"],
    ["Artikel ini telah tayang di Kompas.com dengan judul \"{title}\", Klik untuk baca: https://nasional.kompas.com/read/2022/07/30/{slug}",
     "Penulis : Ardito Ramadhan", "Editor : Bagus Santosa"],
    ["Pewarta: Benardy Ferdiansyah", "Editor: Budisantoso Budiman", "COPYRIGHT © ANTARA 2022"],
    ["Baca berita lainnya di Google News", "(ian/tim)"],
    ["Ikuti berita terkini dari Tribun Medan di Google News", "Editor: Salomo Tarigan"],
    ["Simak juga video: {title}"],
]
CHROME = [
    "ADVERTISEMENT", "SCROLL TO CONTINUE WITH CONTENT", "Sabtu, 30 Juli 2022 - 08:06 WIB",
    "Jumat, 29 Juli 2022 21:15 WIB", "Foto/Ilustrasi/Sindonews", "Pilihan Editor: {other}",
    "Lihat Juga : {other}", "Klik untuk baca: https://www.example.com/read/{slug}",
]
BACA_JUGA = ["Baca Juga: {other}", "Baca juga: {other}", "BACA JUGA: {other}", "Baca juga - {other}"]


def words(text):
    return re.findall(r"\w+", text.lower())


def shingles(paragraphs, size=3):
    w = words(" ".join(paragraphs))
    return {tuple(w[i:i + size]) for i in range(max(0, len(w) - size + 1))}


def slug(title):
    return "-".join(words(title)[:8]) or "berita"


def load_truths(shared):
    base = os.path.join(shared, "data", "extraction-dev")
    with open(os.path.join(base, "meta.json"), encoding="utf-8") as handle:
        meta = json.load(handle)["docs"]
    docs = []
    for doc_id in sorted(meta):
        if meta[doc_id].get("synthetic"):
            continue
        path = os.path.join(base, "truth", doc_id + ".txt")
        with open(path, encoding="utf-8") as handle:
            paragraphs = [line.strip() for line in handle.read().split("\n") if line.strip()]
        kept, count = [], 0
        for paragraph in paragraphs:
            if count >= MAX_WORDS:
                break
            kept.append(paragraph)
            count += len(words(paragraph))
        docs.append(("dev/" + doc_id, meta[doc_id].get("title") or doc_id, kept))
    return docs


def load_seeds(shared):
    docs = []
    folder = os.path.join(shared, "seeds")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        title = lines[0].strip()
        paragraphs = [line.strip() for line in lines[1:] if line.strip()]
        docs.append(("seed/" + name, title, paragraphs))
    return docs


def load_demo_sites(repo):
    with open(os.path.join(repo, "Tests", "Fixtures", "sites", "expected.json"), encoding="utf-8") as handle:
        expected = json.load(handle)
    return [("site/" + key, value["title"], value["paragraphs"]) for key, value in sorted(expected.items())]


def drop_near_identical(docs):
    """Keeps one document per cluster of texts that are already near-duplicates of each other (the dev set
    holds the same page captured twice), so that no negative pair is really a duplicate."""
    kept, kept_shingles = [], []
    for doc in docs:
        s = shingles(doc[2])
        if len(words(" ".join(doc[2]))) < MIN_WORDS:
            continue
        if any(len(s & other) / max(1, min(len(s), len(other))) > 0.5 for other in kept_shingles):
            continue
        kept.append(doc)
        kept_shingles.append(s)
    return kept


def typo(rng, paragraph):
    tokens = paragraph.split(" ")
    candidates = [i for i, t in enumerate(tokens) if len(t) >= 5 and t.isalpha()]
    if not candidates:
        return paragraph
    i = rng.choice(candidates)
    t = tokens[i]
    k = rng.randrange(1, len(t) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        t = t[:k] + t[k + 1:]                      # deletion
    elif kind == 1:
        t = t[:k] + t[k + 1] + t[k] + t[k + 2:]    # transposition
    else:
        t = t[:k] + t[k] + t[k:]                   # doubled letter
    tokens[i] = t
    return " ".join(tokens)


def variant(rng, title, paragraphs, others):
    """One republished copy: 2-4 transformations drawn at random, in a fixed order of application."""
    paragraphs = list(paragraphs)
    other = lambda: rng.choice(others)
    chosen = rng.sample(["dateline", "byline", "footer", "drop", "baca_juga", "title", "typos", "chrome", "split"],
                        rng.randrange(2, 5))
    applied = []
    if "drop" in chosen and len(paragraphs) >= 3:
        # One to three paragraphs, at most a third of them: what an editor trims, not a rewrite.
        count = min(rng.randrange(1, 4), max(1, len(paragraphs) // 3))
        for _ in range(count):
            del paragraphs[rng.randrange(1, len(paragraphs))]
        applied.append("drop%d" % count)
    if "typos" in chosen:
        for _ in range(rng.randrange(1, 4)):
            i = rng.randrange(len(paragraphs))
            paragraphs[i] = typo(rng, paragraphs[i])
        applied.append("typos")
    if "split" in chosen:
        # A <br><br> body read differently: one paragraph becomes two at a sentence end.
        i = rng.randrange(len(paragraphs))
        parts = re.split(r"(?<=[.!?]) ", paragraphs[i], maxsplit=1)
        if len(parts) == 2:
            paragraphs[i:i + 1] = parts
            applied.append("split")
    if "dateline" in chosen:
        first = re.sub(r"^[^-–—]{0,60}?(?:\(ANTARA\)\s*)?(?:--|-|–|—)\s+", "", paragraphs[0], count=1) \
            if re.match(r"^[A-Z][^-–—]{0,58}(--|-|–|—)\s", paragraphs[0]) else paragraphs[0]
        paragraphs[0] = rng.choice(DATELINES) + first
        applied.append("dateline")
    if "baca_juga" in chosen:
        for _ in range(rng.randrange(1, 4)):
            paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), rng.choice(BACA_JUGA).format(other=other()))
        applied.append("baca_juga")
    if "byline" in chosen:
        paragraphs.insert(0, rng.choice(BYLINES))
        applied.append("byline")
    if "footer" in chosen:
        paragraphs += [line.format(title=title, slug=slug(title)) for line in rng.choice(FOOTERS)]
        applied.append("footer")
    if "chrome" in chosen:
        for _ in range(rng.randrange(1, 3)):
            line = rng.choice(CHROME).format(other=other(), slug=slug(title))
            paragraphs.insert(rng.randrange(0, len(paragraphs) + 1), line)
        applied.append("chrome")
    if "title" in chosen:
        title = rng.choice(["", "VIDEO: ", "BREAKING: ", "Terkini: "]) + title.rstrip("?.!") + \
            rng.choice([", Ini Kata Pejabat", " - Berita Terkini", "", " (Update)"])
        applied.append("title")
    return title, paragraphs, applied


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.abspath(os.path.join(here, "..", "..", ".."))
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=os.path.abspath(os.path.join(repo, "..", "shared")))
    args = parser.parse_args()

    rng = random.Random(SEED)
    originals = drop_near_identical(load_seeds(args.shared) + load_demo_sites(repo) + load_truths(args.shared))
    titles = [title for _, title, _ in originals]
    out = []
    for index, (source, title, paragraphs) in enumerate(originals):
        group = "g%03d" % index
        out.append({"id": group + "-0", "group": group, "source": source, "transforms": [],
                    "title": title, "paragraphs": paragraphs})
        others = [t for t in titles if t != title]
        for number in range(1, VARIANTS_PER_ORIGINAL + 1):
            vtitle, vparagraphs, applied = variant(rng, title, paragraphs, others)
            out.append({"id": "%s-%d" % (group, number), "group": group, "source": source, "transforms": applied,
                        "title": vtitle, "paragraphs": vparagraphs})

    # Hard negatives: two different articles quoting the same statement. Each copy is its own article's
    # near-duplicate (one paragraph added), and the two must stay apart.
    for number in range(SHARED_QUOTE_PAIRS):
        a, b, quoted = rng.sample(range(len(originals)), 3)
        quote_paragraphs = originals[quoted][2]
        quote = max(quote_paragraphs[:6], key=len)
        for side, pick in (("a", a), ("b", b)):
            source, title, paragraphs = originals[pick]
            paragraphs = list(paragraphs)
            paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), quote)
            out.append({"id": "q%02d%s" % (number, side), "group": "g%03d" % pick, "source": source,
                        "transforms": ["shared_quote:g%03d" % quoted], "title": title, "paragraphs": paragraphs})

    with open(os.path.join(here, "docs.jsonl"), "w", encoding="utf-8", newline="\n") as handle:
        for doc in out:
            handle.write(json.dumps(doc, ensure_ascii=False, sort_keys=True) + "\n")
    groups = len(originals)
    print("originals=%d documents=%d" % (groups, len(out)))


if __name__ == "__main__":
    main()
