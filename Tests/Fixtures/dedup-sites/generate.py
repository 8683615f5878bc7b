#!/usr/bin/env python3
"""Builds the dedup end-to-end fixture (issue 5; Tests/EndToEndTests/DedupEndToEndTests.swift). Deterministic;
the output (round1/, round2/, expected.json) is committed next to this script.

round1/ (served first):
  kabar.localhost   the original outlet: rss.xml lists its three articles; populer.xml lists the same three
                    under URL variants (tracking parameters, /amp, ?page=all, a fragment), as "most read" feeds do.
  jaringan.localhost a regional network site: syndicated copies of all three (dateline swapped, "Artikel ini
                    telah tayang di" footer, edited title; copy 1 is otherwise identical, copies 2 and 3 also
                    lost a paragraph and gained "Baca Juga" lines or typo fixes), plus its OWN report of the
                    same event as article 1, written independently (the seeds: both must be kept).
round2/ (copied over round1 before the second fetch, a restart): one more URL variant of article 2 and a
  copy of article 3 on a third host (warta.localhost), which only the stored fingerprints can catch, and
  one genuinely new article on kabar.localhost.
expected.json: each article group -> a distinctive phrase of its body; the spool must hold exactly one file
  per group.

Usage: python3 Tests/Fixtures/dedup-sites/generate.py [--shared DIR]
"""
import argparse
import html
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))

ARTICLE2 = ("Banjir rob rendam ratusan rumah di pesisir Semarang", [
    "SEMARANG - Banjir rob kembali merendam ratusan rumah warga di kawasan pesisir utara Semarang sejak Jumat malam, setelah air laut pasang melampaui tanggul darurat yang dibangun warga tahun lalu.",
    "Ketinggian air di permukiman Kelurahan Tambak Lorok mencapai lutut orang dewasa pada Sabtu pagi, memaksa sebagian warga memindahkan perabotan ke lantai dua dan mengungsikan anak-anak ke rumah kerabat.",
    "Kepala Pelaksana Badan Penanggulangan Bencana Daerah Kota Semarang mengatakan pompa air di tiga titik sudah dioperasikan sejak dini hari, namun debit air pasang masih lebih besar dari kapasitas pompa.",
    "\"Kami menyiagakan perahu karet dan dapur umum di balai kelurahan. Warga yang membutuhkan bantuan bisa langsung menghubungi posko,\" ujarnya saat meninjau lokasi bersama camat setempat.",
    "Menurut prakiraan Badan Meteorologi, Klimatologi, dan Geofisika, pasang maksimum air laut masih akan terjadi hingga Selasa pekan depan dengan puncak pada sore hingga malam hari.",
    "Warga berharap pembangunan tanggul laut permanen yang dijanjikan pemerintah provinsi segera dimulai, karena banjir rob kini datang hampir setiap bulan dan merusak lantai serta dinding rumah mereka.",
    "Pemerintah kota menyatakan anggaran perbaikan tanggul darurat telah disiapkan dan pengerjaannya akan dimulai begitu air surut, sementara tanggul permanen menunggu penyelesaian pembebasan lahan.",
])
ARTICLE3 = ("Harga cabai rawit melonjak jelang Idul Adha di pasar tradisional", [
    "SURABAYA - Harga cabai rawit di sejumlah pasar tradisional Surabaya melonjak hingga dua kali lipat dalam sepekan terakhir menjelang Hari Raya Idul Adha.",
    "Di Pasar Keputran, cabai rawit merah dijual Rp90.000 per kilogram pada Senin pagi, naik dari Rp45.000 per kilogram pada awal bulan, sementara cabai keriting naik lebih landai.",
    "Pedagang menyebut pasokan dari sentra produksi di Kediri dan Blitar berkurang karena hujan deras merusak tanaman yang siap panen, sedangkan permintaan rumah tangga dan rumah makan justru meningkat.",
    "\"Barang yang datang tinggal separuh dari biasanya, pembeli juga mengurangi jumlah belanja,\" kata Siti Aminah, pedagang sayur yang sudah berjualan di pasar itu selama dua puluh tahun.",
    "Dinas Perdagangan Jawa Timur berencana menggelar operasi pasar di sepuluh titik dan meminta distributor tidak menahan stok agar harga kembali stabil sebelum hari raya.",
    "Kepala dinas menambahkan pemantauan harga harian dilakukan bersama satuan tugas pangan kepolisian untuk memastikan tidak ada penimbunan di gudang-gudang distributor besar.",
    "Ekonom memperkirakan lonjakan harga cabai akan menyumbang inflasi bulanan di Jawa Timur, meski dampaknya diperkirakan mereda begitu panen raya di daerah sentra dimulai bulan depan.",
])
ARTICLE5 = ("Perpustakaan keliling sambangi desa terpencil di lereng Merapi", [
    "MAGELANG - Perpustakaan keliling milik pemerintah kabupaten mulai menyambangi desa-desa terpencil di lereng Gunung Merapi setiap akhir pekan dengan membawa lebih dari dua ribu judul buku.",
    "Mobil perpustakaan itu singgah di balai desa dan sekolah dasar, tempat anak-anak dapat meminjam buku cerita, buku pelajaran dan majalah selama dua pekan tanpa biaya.",
    "Pengelola program mengatakan minat baca anak di desa sebenarnya tinggi, tetapi jarak ke perpustakaan kota yang mencapai tiga puluh kilometer membuat mereka jarang bisa berkunjung.",
    "Selain meminjamkan buku, petugas juga menggelar kegiatan mendongeng dan lomba menggambar yang diikuti puluhan anak setiap kali mobil perpustakaan datang.",
])


def read_seed(shared, name):
    with open(os.path.join(shared, "seeds", name), encoding="utf-8") as handle:
        lines = [line.strip() for line in handle.read().split("\n")]
    title = lines[0]
    paragraphs = [line for line in lines[1:] if line]
    return title, paragraphs


def page(title, paragraphs, canonical_path, site_name, tail_lines=()):
    body = "\n".join("<p>%s</p>" % html.escape(p, quote=False) for p in paragraphs)
    tail = "".join("<p class=\"credit\">%s</p>" % html.escape(t, quote=False) for t in tail_lines)
    return """<!DOCTYPE html>
<html lang="id">
<head><meta charset="utf-8"><title>{title} - {site}</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2026-11-20T09:00:00+07:00">
<link rel="canonical" href="http://{{{{HOST}}}}{canonical}">
</head>
<body>
<nav class="menu"><a href="/">{site}</a> <a href="/nasional">Nasional</a> <a href="/regional">Regional</a> <a href="/ekonomi">Ekonomi</a></nav>
<article class="detail">
 <header><h1 class="detail-title">{title}</h1><span class="date">Jumat, 20 November 2026 09:00 WIB</span></header>
 <div class="detail-body">
{body}
{tail}
 </div>
 <div class="share">Bagikan <a href="#">Facebook</a> <a href="#">WhatsApp</a></div>
</article>
<section class="terkait"><h3>Berita Terkait</h3><ul><li><a href="/x/1">Berita lain satu</a></li><li><a href="/x/2">Berita lain dua</a></li></ul></section>
<footer><p>&copy; 2026 {site}</p></footer>
</body></html>
""".format(title=html.escape(title), site=site_name, canonical=canonical_path, body=body, tail=tail)


def rss(title, items):
    entries = "".join("""<item>
  <title>{t}</title>
  <link>http://{{{{HOST}}}}{link}</link>
  <guid isPermaLink="false">{guid}</guid>
  <pubDate>Fri, 20 Nov 2026 02:00:00 GMT</pubDate>
</item>
""".format(t=html.escape(t), link=html.escape(link), guid=html.escape(guid)) for t, link, guid in items)
    return """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{title}</title><link>http://{{{{HOST}}}}/</link><description>{title}</description>
{entries}</channel></rss>
""".format(title=html.escape(title), entries=entries)


def write(root, relative, text):
    path = os.path.join(root, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def swap_dateline(paragraph, dateline):
    head, sep, rest = paragraph.partition(" - ")
    return dateline + (rest if sep and len(head) < 40 else paragraph)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=os.path.abspath(os.path.join(HERE, "..", "..", "..", "..", "shared")))
    args = parser.parse_args()
    a1_title, a1_all = read_seed(args.shared, "000_ae2aeaaf8fd23bf0.txt")
    # The sindonews seed's date line and photo caption open its text and "Lihat Juga :" starts its chrome tail.
    a1 = [p for p in a1_all[2:]]
    if any(p.startswith("Lihat Juga") for p in a1):
        a1 = a1[:next(i for i, p in enumerate(a1) if p.startswith("Lihat Juga"))]
    _, b4 = read_seed(args.shared, "002_2a36ba19e29a81cb.txt")  # its first line is a photo caption
    b4_title = "Blinken Desak Rusia Terima Tawaran Pembebasan Griner dan Whelan"
    a2_title, a2 = ARTICLE2
    a3_title, a3 = ARTICLE3
    a5_title, a5 = ARTICLE5

    for folder in ("round1", "round2"):
        shutil.rmtree(os.path.join(HERE, folder), ignore_errors=True)
    r1, r2 = os.path.join(HERE, "round1"), os.path.join(HERE, "round2")
    k, j, w = "kabar.localhost", "jaringan.localhost", "warta.localhost"
    paths = {1: "/internasional/2026/11/20/menlu-as-rusia-berbicara-via-telepon",
             2: "/regional/2026/11/20/banjir-rob-rendam-ratusan-rumah",
             3: "/ekonomi/2026/11/20/harga-cabai-rawit-melonjak"}
    for number, (title, paragraphs) in {1: (a1_title, a1), 2: (a2_title, a2), 3: (a3_title, a3)}.items():
        # Served at the path itself (a folder's index.html) and at its /amp rendering.
        for suffix in ("/index.html", "/amp"):
            write(r1, k + paths[number] + suffix, page(title, paragraphs, paths[number], "Kabar"))
    write(r1, k + "/rss.xml", rss("Kabar - Terkini", [
        (a1_title, paths[1], "kabar-1"), (a2_title, paths[2], "kabar-2"), (a3_title, paths[3], "kabar-3")]))
    write(r1, k + "/populer.xml", rss("Kabar - Terpopuler", [
        (a1_title, paths[1] + "?utm_source=populer&utm_medium=rss", "populer-1"),
        (a1_title, paths[1] + "/amp", "populer-1-amp"),
        (a2_title, paths[2] + "?page=all", "populer-2"),
        (a2_title, paths[2] + "#komentar", "populer-2-komentar"),
        (a3_title, paths[3] + "/amp?utm_campaign=pagi", "populer-3"),
        (a3_title, paths[3] + "?fbclid=abc123", "populer-3-fb"),
    ]))

    footer = lambda title, path: ["Artikel ini telah tayang di Kabar.com dengan judul %s, http://kabar.localhost%s" % (title, path),
                                  "Penulis: Redaksi Kabar", "Editor: Salomo Tarigan"]
    c1 = [swap_dateline(a1[0], "TRIBUN-MEDAN.com, WASHINGTON - ")] + a1[1:]
    c2 = [swap_dateline(a2[0], "TRIBUNJATENG.COM, SEMARANG - ")] + a2[1:3] + ["Baca Juga: Tanggul Darurat Jebol, Warga Kerja Bakti"] \
        + a2[3:5] + ["Baca juga: Prakiraan Cuaca Jawa Tengah Pekan Ini"] + a2[6:]
    c3 = [swap_dateline(a3[0], "SURYA.co.id, SURABAYA - ")] + [a3[1].replace("kilogram", "kilo gram", 1)] + a3[2:6]
    copies = {1: ("Menlu AS dan Rusia Akhirnya Bicara Lewat Telepon", c1, "/internasional/menlu-as-rusia-bicara-lewat-telepon"),
              2: ("Ratusan Rumah di Pesisir Semarang Terendam Rob", c2, "/jateng/ratusan-rumah-terendam-rob"),
              3: ("Jelang Idul Adha, Cabai Rawit di Surabaya Tembus Rp90 Ribu", c3, "/jatim/cabai-rawit-tembus-90-ribu")}
    for number, (title, paragraphs, path) in copies.items():
        original_title = {1: a1_title, 2: a2_title, 3: a3_title}[number]
        write(r1, j + path, page(title, paragraphs + footer(original_title, paths[number]), path, "Jaringan"))
    own = "/internasional/blinken-desak-rusia-terima-tawaran-pembebasan"
    write(r1, j + own, page(b4_title, b4, own, "Jaringan"))
    write(r1, j + "/rss.xml", rss("Jaringan - Terbaru", [
        (copies[1][0], copies[1][2], "jaringan-1"), (b4_title, own, "jaringan-own"),
        (copies[2][0], copies[2][2], "jaringan-2"), (copies[3][0], copies[3][2], "jaringan-3")]))

    # Round 2: after the restart.
    write(r2, k + "/populer.xml", rss("Kabar - Terpopuler", [
        (a2_title, paths[2] + "/amp?utm_source=wa", "populer-2-wa"),
    ]))
    path5 = "/regional/2026/11/21/perpustakaan-keliling-lereng-merapi"
    write(r2, k + path5 + "/index.html", page(a5_title, a5, path5, "Kabar"))
    write(r2, k + "/rss.xml", rss("Kabar - Terkini", [
        (a5_title, path5, "kabar-5"), (a1_title, paths[1], "kabar-1"), (a2_title, paths[2], "kabar-2"),
        (a3_title, paths[3], "kabar-3")]))
    c3b = ["Surabaya (ANTARA) - " + a3[0].partition(" - ")[2]] + a3[1:4] + a3[5:] + ["Pewarta: Willi Irawan", "COPYRIGHT © ANTARA 2026"]
    pathw = "/berita/4401234/harga-cabai-rawit-di-surabaya-naik-dua-kali-lipat"
    write(r2, w + pathw, page("Harga cabai rawit di Surabaya naik dua kali lipat", c3b, pathw, "Warta"))
    write(r2, w + "/rss.xml", rss("Warta - Ekonomi", [("Harga cabai rawit di Surabaya naik dua kali lipat", pathw, "warta-1")]))

    expected = {"round1": {"blinken-sindo": a1[2][:60], "banjir-rob": a2[1][:60], "cabai": a3[2][:60],
                           "blinken-jaringan": b4[2][:60]},
                "round2_new": {"perpustakaan": a5[1][:60]}}
    write(HERE, "expected.json", json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
