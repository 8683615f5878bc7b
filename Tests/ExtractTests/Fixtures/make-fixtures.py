#!/usr/bin/env python3
"""Regenerates the seed-based golden fixtures from ../shared/seeds (run from the repository root:
`python3 Tests/ExtractTests/Fixtures/make-fixtures.py /work/shared/seeds`). The page chrome is written here by
hand in the shapes of the real sites; expected.txt is derived from the seed text by the rules the issue states
(title, then every reporting paragraph from the dateline paragraph to the last, without the chrome tail, desk
initials, date line or photo caption), never from the extractor's own output. Review diffs by eye."""
import html, json, os, sys

seeds = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/seeds"
here = os.path.dirname(os.path.abspath(__file__))

def read_seed(prefix):
    name = [n for n in os.listdir(seeds) if n.startswith(prefix)][0]
    return open(os.path.join(seeds, name), encoding="utf-8").read()

def paragraphs(text):
    return [l.strip() for l in text.split("\n") if l.strip()]

def write(case, files, expected_text, expected_json):
    folder = os.path.join(here, case)
    os.makedirs(folder, exist_ok=True)
    for name, content in files.items():
        open(os.path.join(folder, name), "w", encoding="utf-8").write(content)
    open(os.path.join(folder, "expected.txt"), "w", encoding="utf-8").write(expected_text)
    open(os.path.join(folder, "expected.json"), "w", encoding="utf-8").write(json.dumps(expected_json, indent=2, ensure_ascii=False) + "\n")

def spool(title, paras):
    return title + "\n" + "".join("\n" + p + "\n" for p in paras)

e = html.escape

# ---------------------------------------------------------------- sindonews: br body, Baca Juga, chrome tail
s0 = paragraphs(read_seed("000_"))
title0 = s0[0]
date0, caption0 = s0[1], s0[2]
start = next(i for i, l in enumerate(s0) if l.startswith("WASHINGTON - "))
end = s0.index("(ian)")
body0 = s0[start:end]
tail0 = s0[end + 1:]
dateline_city, first_rest = body0[0].split(" - ", 1)
chunks = ["<strong>%s</strong> - %s" % (e(dateline_city), e(first_rest))]
for i, p in enumerate(body0[1:], 1):
    chunks.append(e(p))
    if i == 2:
        chunks.append('Baca Juga: <a href="https://international.sindonews.com/read/845001/42/rusia-siap-bahas-pertukaran-tahanan-1659100000">Rusia Siap Bahas Pertukaran Tahanan dengan AS</a>')
    if i == 6:
        chunks.append('<div class="ads300" id="ads_inarticle"><span>ADVERTISEMENT</span></div>')
    if i == 9:
        chunks.append('<strong>Baca Juga:</strong> <a href="https://international.sindonews.com/read/845010/42/sidang-griner-1659000000">Sidang Brittney Griner Berlanjut di Moskow</a>')
chunks.append("(ian)")
tail_html = "\n".join([
    '<div class="detail-tag">%s <a href="/tag/rusia">Rusia</a> <a href="/tag/as">Amerika Serikat</a></div>' % e(tail0[0]),
    '<div class="komentar-box"><div>%s</div><textarea></textarea></div>' % e(tail0[1]),
    '<div class="follow"><a href="https://news.google.com/">%s</a></div>' % e(tail0[2]),
    '<div class="newsletter">%s</div>' % e(tail0[3]),
    '<div class="video-box"><h4>%s</h4><a href="/video/1">Detik-detik Banjir Rob</a></div>' % e(tail0[4]),
    '<div class="list-terkait"><h4>%s</h4><ul><li><a href="/read/1">AS Tawarkan Pertukaran Tahanan dengan Rusia</a></li><li><a href="/read/2">Lavrov: Rusia Tak Akan Bernegosiasi Lewat Media</a></li></ul></div>' % e(tail0[5]),
    '<div class="list-rekomendasi"><h4>%s</h4><ul><li><a href="/read/3">Harga Minyak Dunia Turun Tajam</a></li></ul></div>' % e(tail0[6]),
    '<div class="list-populer"><h4>%s</h4><ol><li><a href="/read/4">Gempa M 5,2 Guncang Maluku</a></li></ol></div>' % e(tail0[7]),
    '<div class="list-terkini"><h4>Berita Terkini <a href="/indeks">More</a></h4><ul><li><a href="/read/5">Kurs Rupiah Menguat Tipis</a></li></ul></div>',
])
url0 = "https://international.sindonews.com/read/845123/42/menlu-as-rusia-berbicara-via-telepon-pertama-kali-sejak-februari-apa-yang-dibicarakan-1659143160"
page0 = f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>{e(title0)}</title>
<meta name="description" content="{e(body0[0][:150])}">
<meta property="og:title" content="{e(title0)}">
<meta property="og:type" content="article">
<meta property="og:url" content="{url0}">
<meta property="og:image" content="https://img.sindonews.net/dyn/620/pena/news/2022/07/30/42/845123/menlu-as.jpg">
<meta property="og:site_name" content="SINDOnews.com">
<link rel="canonical" href="{url0}">
<script>var total_page = '2'; window.dataLayer = window.dataLayer || [];</script>
</head>
<body>
<div class="header"><div class="logo"><a href="https://www.sindonews.com/">SINDOnews</a></div>
<ul class="menu"><li><a href="https://nasional.sindonews.com/">Nasional</a></li><li><a href="https://metro.sindonews.com/">Metro</a></li><li><a href="https://ekbis.sindonews.com/">Ekbis</a></li><li><a href="https://international.sindonews.com/">International</a></li><li><a href="https://daerah.sindonews.com/">Daerah</a></li><li><a href="https://sports.sindonews.com/">Sports</a></li></ul></div>
<div class="breadcrumb"><a href="https://www.sindonews.com/">Home</a> <a href="https://international.sindonews.com/">International</a></div>
<section class="detail">
 <h1 class="detail-title">{e(title0)}</h1>
 <div class="detail-nama-redaksi"><a rel="author" href="https://index.sindonews.com/blog/5/andika-hendra-mustaqim">Andika Hendra Mustaqim</a></div>
 <div class="detail-date-artikel">{e(date0)}</div>
 <div class="share-box"><a href="https://www.facebook.com/sharer">Facebook</a> <a href="https://twitter.com/share">Twitter</a> <a href="whatsapp://send">WhatsApp</a></div>
 <div class="detail-img"><img src="https://img.sindonews.net/x.jpg" alt=""><div class="caption">{e(caption0)}</div></div>
 <div class="detail-desc" id="detail-desc">
{"<br><br>".join(chunks)}
 </div>
 <div class="detail-pages"><a href="{url0}/10">Halaman 2</a> <a href="{url0}?showpage=all">Baca Selengkapnya</a></div>
{tail_html}
</section>
<div class="sidebar"><div class="box-populer"><h3>Terpopuler</h3><ol><li><a href="/read/6">Jadwal Liga 1 Pekan Ini</a></li></ol></div></div>
<div class="footer"><a href="https://www.sindonews.com/about">Tentang Kami</a> <a href="https://www.sindonews.com/pedoman">Pedoman Media Siber</a> Copyright © 2022 SINDOnews.com</div>
</body>
</html>
"""
write("sindonews-seed-br-body", {"source.html": page0}, spool(title0, body0), {
    "url": url0, "result": "article", "title": title0, "published": "2022-07-30T08:06:00+07:00",
    "dateline": "WASHINGTON -", "author": "Andika Hendra Mustaqim", "language": "id", "canonical_url": url0,
    "generic_too": True,
    "must_not_contain": ["Lihat Juga", "(ian)", "Baca Juga", "ADVERTISEMENT", "Dapatkan berita terkini", "Terpopuler", "Foto/Ilustrasi"],
})

# ---------------------------------------------------------------- tribunnews: <p> body, p.baca, Halaman 1/2
s2 = paragraphs(read_seed("002_"))
title2 = "Blinken Desak Rusia Terima Tawaran Pembebasan Griner dan Whelan dalam Telepon dengan Lavrov"
caption2 = s2[0]
body2 = s2[1:]
split_at = 5
url2 = "https://www.tribunnews.com/internasional/2022/07/30/blinken-desak-rusia-terima-tawaran-pembebasan-griner-dan-whelan"

def tribun_page(paras, page, total):
    out = []
    for i, p in enumerate(paras):
        if page == 1 and i == 0:
            city, rest = p.split(" - ", 1)
            out.append('<p><strong>%s</strong> - %s</p>' % (e(city), e(rest)))
        else:
            out.append("<p>%s</p>" % e(p))
        if i == 1:
            out.append('<p class="baca">Baca juga: <a href="https://www.tribunnews.com/internasional/2022/07/29/rusia-tanggapi-tawaran-as">Rusia Tanggapi Tawaran Pertukaran Tahanan dari AS</a></p>')
        if i == 3:
            out.append('<div class="ads-placeholder"><div id="div-gpt-ad-1234">ADVERTISEMENT</div></div>')
    pager = " ".join(
        ('<span class="active">%d</span>' % n) if n == page else '<a href="%s?page=%d">%d</a>' % (url2, n, n)
        for n in range(1, total + 1))
    head_next = f'<link rel="next" href="{url2}?page={page + 1}">' if page < total else ""
    image = f'<div class="imgfull_div"><img src="https://cdn-2.tstatic.net/tribunnews/foto/bank/images/blinken-lavrov.jpg" alt="blinken"><div class="arial f12 grey2 pt5 pb5">{e(caption2)}</div></div>' if page == 1 else ""
    return f"""<!DOCTYPE html>
<html lang="id-ID">
<head>
<meta charset="UTF-8">
<title>{e(title2)} - Halaman {page} - Tribunnews.com</title>
<meta property="og:title" content="{e(title2)}">
<meta property="og:url" content="{url2}">
<meta property="og:site_name" content="Tribunnews.com">
<meta name="author" content="Tribunnews.com">
<meta name="keywords" content="Rusia, Antony Blinken, Sergei Lavrov, Brittney Griner">
<link rel="canonical" href="{url2}">
{head_next}
<script type="application/ld+json">{{"@context":"https://schema.org","@graph":[{{"@type":"NewsArticle","headline":"{title2}","datePublished":"2022-07-30T09:15:00+07:00","dateModified":"2022-07-30T10:02:00+07:00","author":[{{"@type":"Person","name":"Tiara Shelavie"}}],"isAccessibleForFree":"True","publisher":{{"@type":"Organization","name":"Tribunnews.com"}}}},{{"@type":"BreadcrumbList","itemListElement":[]}}]}}</script>
</head>
<body>
<div id="header"><div class="logo"><a href="https://www.tribunnews.com/">Tribunnews.com</a></div>
<ul class="menu"><li><a href="/news">News</a></li><li><a href="/nasional">Nasional</a></li><li><a href="/internasional">Internasional</a></li><li><a href="/bisnis">Bisnis</a></li><li><a href="/superskor">Superskor</a></li></ul></div>
<div id="article">
 <h1 id="arttitle" class="f50 black2 f400 crimson">{e(title2)}</h1>
 <div class="credit mt10"><div id="penulis">Penulis: <a href="https://www.tribunnews.com/penulis/tiara-shelavie">Tiara Shelavie</a></div><div id="editor">Editor: <a href="https://www.tribunnews.com/editor/whiesa">Whiesa Daniswara</a></div></div>
 <time class="grey" datetime="2022-07-30T09:15+07:00">Sabtu, 30 Juli 2022 09:15 WIB</time>
 {image}
 <div class="side-article txt-article multi-fontsize" id="article_con">
{chr(10).join(out)}
 <div class="paging">Halaman {page}/{total}<br>{pager} <a href="{url2}?page=all">Tampilkan Semua</a></div>
 </div>
 <div class="side-article mb5"><h3>Sesuai Minatmu</h3><ul><li><a href="/x/1">Harga Emas Hari Ini</a></li></ul></div>
 <h5 class="tagcloud3"><a class="rd2" href="/tag/rusia">Rusia</a> <a class="rd2" href="/tag/antony-blinken">Antony Blinken</a></h5>
 <div class="terkait"><h3>Berita Terkait</h3><ul><li><a href="/x/2">Rusia Tolak Tawaran Pertukaran Tahanan AS</a></li><li><a href="/x/3">Griner Hadapi Vonis 10 Tahun</a></li></ul></div>
</div>
<div id="footer"><p>&copy; 2022 TRIBUNnews.com Network, All Right Reserved</p></div>
</body>
</html>
"""

write("tribunnews-seed-two-pages", {"source.html": tribun_page(body2[:split_at], 1, 2),
                                    "source-2.html": tribun_page(body2[split_at:], 2, 2)},
      spool(title2, body2), {
    "url": url2, "result": "article", "title": title2, "published": "2022-07-30T09:15:00+07:00",
    "modified": "2022-07-30T10:02:00+07:00",
    "dateline": "TRIBUNNEWS.COM, WASHINGTON -", "author": "Tiara Shelavie", "language": "id", "canonical_url": url2,
    "next_page": url2 + "?page=2", "single_page": url2 + "?page=all", "generic_too": True,
    "must_not_contain": ["Baca juga", "ADVERTISEMENT", "Halaman 1/2", "Sesuai Minatmu", "Berita Terkait", "Whiesa"],
})
print("ok")

# ---------------------------------------------------------------- hand-written outlet shapes (synthetic text)
def story(lead, paras):
    return [lead] + paras

detik_title = "Polisi Tutup Sementara Jalan Gatot Subroto karena Pipa Air Bocor"
detik_paras = story("Jakarta - Polda Metro Jaya menutup sementara satu lajur Jalan Gatot Subroto, Jakarta Selatan, setelah pipa air bersih di bawah jalan itu bocor pada Kamis pagi.", [
    "Kepala Subdirektorat Pengamanan dan Keselamatan mengatakan genangan setinggi sepuluh sentimeter membuat kendaraan melambat sejak pukul 05.30 WIB.",
    "\"Kami alihkan arus ke jalur lambat sampai petugas PAM selesai menambal pipa,\" ujarnya kepada wartawan di lokasi.",
    "Perbaikan diperkirakan rampung dalam enam jam. Pengendara diminta memakai jalur alternatif melalui Jalan Rasuna Said dan Jalan Kuningan.",
    "Petugas juga memasang rambu dan kerucut lalu lintas sepanjang dua ratus meter untuk mencegah kecelakaan di sekitar titik kebocoran.",
])
detik_url = "https://news.detik.com/berita/d-7001234/polisi-tutup-sementara-jalan-gatot-subroto-karena-pipa-air-bocor"
city, rest = detik_paras[0].split(" - ", 1)
detik_body = f"""<strong>{city}</strong> - {e(rest)}<br><br>
<p>{e(detik_paras[1])}</p>
<div class="parallaxindetail scrollpage"><div class="ads-scrollpage-container">ADVERTISEMENT</div><p>SCROLL TO CONTINUE WITH CONTENT</p></div>
<p>{e(detik_paras[2])}</p>
<table class="linksisip"><tr><td><div class="lihatjg"><strong>Baca juga:</strong> <a href="https://news.detik.com/berita/d-7001200/banjir">Banjir Rendam Kemang</a></div></td></tr></table>
<p>{e(detik_paras[3])}</p>
<p>[Gambas:Video 20detik]</p>
<p>{e(detik_paras[4])}</p>
<p><strong>Simak juga video 'Pipa Bocor, Jalan Tergenang':</strong></p>
<p><strong>(tim/tim)</strong></p>"""
detik_page = f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>{e(detik_title)}</title>
<meta property="og:title" content="{e(detik_title)}"><meta property="og:site_name" content="detiknews">
<meta name="author" content="Dwi Rahmawan">
<link rel="canonical" href="{detik_url}">
</head><body>
<header class="header"><nav><a href="https://news.detik.com/">detikNews</a> <a href="https://news.detik.com/berita">Berita</a> <a href="https://news.detik.com/daerah">Daerah</a></nav></header>
<article class="detail">
<h1 class="detail__title">{e(detik_title)}</h1>
<div class="detail__author">Dwi Rahmawan - detikNews</div>
<div class="detail__date">Kamis, 23 Jul 2026 14:35 WIB</div>
<div class="detail__media"><figure><img src="https://akcdn.detik.net.id/x.jpg"><figcaption>Ilustrasi genangan di jalan (Foto: detik)</figcaption></figure></div>
<div class="detail__body itp_bodycontent_wrapper"><div class="detail__body-text itp_bodycontent">
{detik_body}
</div>
<div class="detail__body-tag"><a href="/tag/jakarta">jakarta</a> <a href="/tag/pipa-bocor">pipa bocor</a></div>
</div>
</article>
<div class="box cb-mostpop"><h2>Berita Terpopuler</h2><ul><li><a href="/a">Harga BBM Turun</a></li><li><a href="/b">Jadwal KRL Berubah</a></li></ul></div>
<footer><a href="/redaksi">Redaksi</a> <a href="/pedoman">Pedoman Media Siber</a></footer>
</body></html>
"""
write("detik-gambas-scroll-initials", {"source.html": detik_page}, spool(detik_title, detik_paras), {
    "url": detik_url, "result": "article", "title": detik_title, "published": "2026-07-23T14:35:00+07:00",
    "dateline": "Jakarta -", "author": "Dwi Rahmawan", "language": "id", "generic_too": True,
    "must_not_contain": ["ADVERTISEMENT", "SCROLL TO CONTINUE", "Gambas", "Baca juga", "Simak juga", "(tim/tim)"],
})

kompas_title = "Pemkot Bogor Buka 12 Titik Vaksinasi Gratis Akhir Pekan Ini"
kompas_paras = story("BOGOR, KOMPAS.com - Pemerintah Kota Bogor membuka 12 titik vaksinasi gratis bagi warga pada Sabtu dan Minggu pekan ini.", [
    "Kepala Dinas Kesehatan Kota Bogor mengatakan setiap titik melayani hingga 300 orang per hari dengan pendaftaran di lokasi.",
    "\"Warga cukup membawa KTP atau kartu keluarga. Tidak perlu mendaftar daring lebih dulu,\" katanya, Jumat.",
    "Vaksinasi digelar di puskesmas, balai warga, dan dua pusat perbelanjaan yang bekerja sama dengan pemerintah kota.",
    "Dinas Kesehatan menargetkan cakupan dosis lanjutan mencapai 70 persen sebelum akhir bulan depan.",
])
kompas_url = "https://regional.kompas.com/read/2022/07/30/08060061/pemkot-bogor-buka-12-titik-vaksinasi-gratis-akhir-pekan-ini"
kompas_page = f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>{e(kompas_title)} Halaman all - Kompas.com</title>
<meta property="og:title" content="{e(kompas_title)}">
<meta name="content_PublishedDate" content="2022-07-30 08:06:00">
<meta name="content_author" content="Ardito Ramadhan">
<link rel="canonical" href="{kompas_url}">
</head><body>
<div class="header"><a href="https://www.kompas.com/">Kompas.com</a><ul class="nav"><li><a href="/news">News</a></li><li><a href="/regional">Regional</a></li></ul></div>
<div class="read">
<h1 class="read__title">{e(kompas_title)}</h1>
<div class="read__time">Kompas.com - 30/07/2022, 08:06 WIB</div>
<div class="read__credit"><div class="credit-title-name">Ardito Ramadhan</div>, <span>Editor: Fulan Fulani</span></div>
<div class="read__content"><div class="clearfix">
<p><strong>BOGOR, KOMPAS.com</strong> - {e(kompas_paras[0].split(" - ", 1)[1])}</p>
<p>{e(kompas_paras[1])}</p>
<p><strong>Baca juga: <a href="https://regional.kompas.com/read/2022/07/29/x">Stok Vaksin Kota Bogor Aman hingga September</a></strong></p>
<p>{e(kompas_paras[2])}</p>
<p>{e(kompas_paras[3])}</p>
<div class="inject-baca-juga"><a href="/y">Baca juga: Antrean Vaksinasi Mengular</a></div>
<p>{e(kompas_paras[4])}</p>
<h3>Berita Terkait</h3>
<ul><li><a href="/r1">Kota Bogor Siapkan Posko Kesehatan Mudik</a></li><li><a href="/r2">Dinkes Jabar Tambah Stok Vaksin untuk Lansia</a></li></ul>
<p>Simak breaking news dan berita pilihan kami langsung di ponselmu. Pilih saluran andalanmu akses berita Kompas.com WhatsApp Channel : <a href="https://www.whatsapp.com/channel/x">https://www.whatsapp.com/channel/x</a>. Pastikan kamu sudah install aplikasi WhatsApp ya.</p>
</div></div>
<div class="paging"><a href="{kompas_url}?page=all">Halaman all</a></div>
</div>
<div class="most"><h3>Terpopuler</h3><ul><li><a href="/z1">Gempa Guncang Garut</a></li><li><a href="/z2">Tol Cipali Macet</a></li></ul></div>
</body></html>
"""
write("kompas-date-without-zone", {"source.html": kompas_page}, spool(kompas_title, kompas_paras), {
    "url": kompas_url, "result": "article", "title": kompas_title, "published": "2022-07-30T08:06:00+07:00",
    "dateline": "BOGOR, KOMPAS.com -", "author": "Ardito Ramadhan", "language": "id", "generic_too": True,
    "must_not_contain": ["Baca juga", "WhatsApp", "Halaman all", "Terpopuler", "Posko Kesehatan", "Berita Terkait"],
})

antara_title = "Pelabuhan Makassar tambah dua dermaga untuk kapal penumpang"
antara_paras = story("Makassar (ANTARA) - PT Pelabuhan Indonesia menambah dua dermaga khusus kapal penumpang di Pelabuhan Soekarno-Hatta Makassar untuk mengurai antrean saat musim mudik.", [
    "General Manager pelabuhan mengatakan kedua dermaga itu dapat melayani kapal berukuran hingga 15.000 gross ton secara bersamaan.",
    "\"Dengan tambahan ini waktu tunggu kapal di luar pelabuhan bisa dipangkas hingga separuhnya,\" ujarnya di Makassar, Senin.",
    "Pembangunan dermaga memakan waktu sepuluh bulan dengan anggaran sekitar Rp240 miliar dari kas perusahaan.",
])
antara_url = "https://makassar.antaranews.com/berita/512345/pelabuhan-makassar-tambah-dua-dermaga-untuk-kapal-penumpang"
antara_page = f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>{e(antara_title)} - ANTARA News Makassar</title>
<meta property="og:title" content="{e(antara_title)}">
</head><body>
<div class="top-nav"><a href="/">ANTARA Makassar</a> <a href="/terkini">Terkini</a> <a href="/ekonomi">Ekonomi</a></div>
<div class="wrap__article-detail">
<h1 class="wrap__article-detail-title">{e(antara_title)}</h1>
<ul class="list-inline"><li class="list-inline-item mr-2">Ekonomi</li><li class="list-inline-item mr-2"><span class="article-date">Senin, 17 Agu 2026 10:00 WITA</span></li></ul>
<div class="wrap__article-detail-content post-content">
{e(antara_paras[0])}<br><br>{e(antara_paras[1])}<br><br>
<span class="baca-juga"><b>Baca juga:</b> <a href="/berita/512300/x">Arus mudik laut diprediksi naik</a></span><br><br>
{e(antara_paras[2])}<br><br>{e(antara_paras[3])}<br><br>
<p class="text-muted mt-2 small">Pewarta: Nur Suhra Wardyah<br>Editor: Redaktur Daerah<br>COPYRIGHT © ANTARA 2026</p>
</div></div>
<div class="widget"><h4>Berita Terkait</h4><ul><li><a href="/a">Kapal cepat baru beroperasi</a></li></ul></div>
</body></html>
"""
write("antara-wita-footer", {"source.html": antara_page}, spool(antara_title, antara_paras), {
    "url": antara_url, "result": "article", "title": antara_title, "published": "2026-08-17T10:00:00+08:00",
    "dateline": "Makassar (ANTARA) -", "author": "Nur Suhra Wardyah", "language": "id", "generic_too": True,
    "must_not_contain": ["Pewarta", "Editor", "COPYRIGHT", "Baca juga"],
})

tempo_title = "Harga Cabai di Pasar Beringharjo Turun Jelang Akhir Bulan"
tempo_paras = story("TEMPO.CO, Yogyakarta - Harga cabai rawit di Pasar Beringharjo, Yogyakarta, turun menjadi Rp45 ribu per kilogram pada pekan ini.", [
    "Seorang pedagang mengatakan pasokan dari Magelang dan Temanggung kembali normal setelah hujan reda dalam dua pekan terakhir.",
    "\"Pembeli mulai ramai lagi karena harganya sudah turun hampir separuh dari bulan lalu,\" kata dia.",
    "Dinas Perdagangan mencatat harga bawang merah dan bawang putih relatif stabil di kisaran Rp30 ribu per kilogram.",
])
tempo_url = "https://bisnis.tempo.co/read/1900001/harga-cabai-di-pasar-beringharjo-turun-jelang-akhir-bulan"
tempo_page = f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>{e(tempo_title)} | tempo.co</title>
<meta property="og:title" content="{e(tempo_title)}">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":"{tempo_title}","isAccessibleForFree":true,"author":{{"@type":"Person","name":"Pito Agustin Rudiana"}}}}</script>
</head><body>
<nav class="menu"><a href="/">Tempo</a> <a href="/bisnis">Bisnis</a></nav>
<article>
<h1>{e(tempo_title)}</h1>
<p class="date">24 Juli 2026 | 09.00 WIB</p>
<div id="content-wrapper" class="detail-content">
<p>{e(tempo_paras[0])}</p>
<p>Scroll ke bawah untuk melanjutkan membaca</p>
<p>{e(tempo_paras[1])}</p>
<p>Pilihan Editor: <a href="/x">Inflasi Yogyakarta Terendah di Jawa</a></p>
<p>{e(tempo_paras[2])}</p>
<p>{e(tempo_paras[3])}</p>
</div></article>
<aside><h3>Terpopuler</h3><ol><li><a href="/p1">Rupiah Melemah</a></li></ol></aside>
</body></html>
"""
write("tempo-dotted-time", {"source.html": tempo_page}, spool(tempo_title, tempo_paras), {
    "url": tempo_url, "result": "article", "title": tempo_title, "published": "2026-07-24T09:00:00+07:00",
    "dateline": "TEMPO.CO, Yogyakarta -", "author": "Pito Agustin Rudiana", "language": "id", "generic_too": True,
    "must_not_contain": ["Scroll ke bawah", "Pilihan Editor"],
})

paywall_page = tempo_page.replace('"isAccessibleForFree":true', '"isAccessibleForFree":false').replace(
    "".join(f"<p>{e(p)}</p>\n" for p in tempo_paras[2:]), "<div class=\"paywall\"><p>Baca selengkapnya dengan berlangganan Tempo Plus.</p></div>\n")
write("tempo-plus-paywalled", {"source.html": paywall_page}, "", {
    "url": tempo_url, "result": "rejected:paywalled", "generic_too": True,
})
print("ok2")
