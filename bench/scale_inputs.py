#!/usr/bin/env python3
"""Input builders and report checks for bench/scale.sh (standard library only).

  practice SRC DEST N        copy SRC/<vendor>/ folders round-robin as DEST/<vendor>_<i>/ until
                             exactly N documents (the last vendor copy may be partial)
  tiny DEST N                N loose ~150-byte .txt contract snippets directly in DEST
  glyphpdf OUT PAGES GLYPHS  PAGES pages that all share one content stream of GLYPHS glyphs
  bigpdf OUT PAGES MB        PAGES pages, each with its own content stream of unique text and
                             its own uncompressed image XObject, file about MB megabytes
  bigtxt OUT MB              MB megabytes of short Japanese lines
  mutate DEST N SEED SRC...  N mutants (bit flips, truncations, inserted brackets, duplicated and
                             zeroed chunks) of the .pdf/.docx files under SRC..., fixed seed
  ratioset DEST N SRC...     N loose copies (round-robin) of the .pdf files under SRC...
  docxset DEST N SRC...      the same with the .docx files under SRC...
  listed REPORT DIR          "full N/N" when every file under DIR is a document of the JSON
                             report, else "partial k/N" (or "no report")
  docstatus REPORT           status (and reason) of each document, one line each
  table ROWS.tsv             the rows as an aligned table (East Asian wide characters count 2)
"""

import json
import os
import random
import shutil
import sys


def files_under(root, exts=None):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for f in sorted(filenames):
            if exts is None or os.path.splitext(f)[1].lower() in exts:
                out.append(os.path.join(dirpath, f))
    return out


def practice(src, dest, n):
    vendors = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)))
    if not vendors:
        sys.exit(f"no vendor folders in {src}")
    os.makedirs(dest, exist_ok=True)
    count, i = 0, 0
    while count < n:
        i += 1
        for v in vendors:
            if count >= n:
                break
            docs = files_under(os.path.join(src, v))
            take = docs[: n - count]
            for f in take:
                rel = os.path.relpath(f, os.path.join(src, v))
                target = os.path.join(dest, f"{v}_{i}", rel)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(f, target)
            count += len(take)
    print(count)


CLAUSES = [
    "乙は、事故が発生したときは直ちに甲に報告する。",
    "乙は、甲の書面による承諾なく再委託してはならない。",
    "乙は、個人情報を暗号化して保管しなければならない。",
    "乙は、甲の監査に協力するものとする。",
    "乙は、障害の対応範囲を別表のとおり負う。",
]


def tiny(dest, n):
    os.makedirs(dest, exist_ok=True)
    for i in range(1, n + 1):
        text = f"株式会社サンプル{i}（以下「乙」という。）と甲は次のとおり合意する。\n{CLAUSES[i % len(CLAUSES)]}\n"
        with open(os.path.join(dest, f"snippet_{i:06d}.txt"), "w", encoding="utf-8") as fh:
            fh.write(text)
    print(n)


def write_pdf(out, objects):
    """objects[k] is the body of object k+1 (bytes); object 1 is the catalog."""
    with open(out, "wb") as fh:
        fh.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for k, body in enumerate(objects, start=1):
            offsets.append(fh.tell())
            fh.write(b"%d 0 obj\n" % k)
            fh.write(body)
            fh.write(b"\nendobj\n")
        xref = fh.tell()
        fh.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        for off in offsets:
            fh.write(b"%010d 00000 n \n" % off)
        fh.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))


def stream(dict_entries, data):
    return b"<< %s /Length %d >>\nstream\n" % (dict_entries, len(data)) + data + b"\nendstream"


SENTENCE = (b"The Contractor shall report every incident to the Customer without delay and shall "
            b"not subcontract any part of the Services without prior written consent. ")


def glyphpdf(out, pages, glyphs):
    line_len = 500
    lines = max(1, glyphs // line_len)
    text = (SENTENCE * (line_len // len(SENTENCE) + 1))[:line_len]
    body = [b"BT /F1 1 Tf 1.2 TL 10 800 Td"]
    body += [b"(" + text + b") Tj T*"] * lines
    body.append(b"ET")
    content = b"\n".join(body)
    # 1 catalog, 2 pages, 3 font, 4 shared content stream, 5.. pages
    first = 5
    kids = b" ".join(b"%d 0 R" % (first + p) for p in range(pages))
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count %d /MediaBox [0 0 612 842] /Resources << /Font << /F1 3 0 R >> >> /Kids [%s] >>"
        % (pages, kids),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        stream(b"", content),
    ]
    objs += [b"<</Type/Page/Parent 2 0 R/Contents 4 0 R>>"] * pages
    write_pdf(out, objs)
    print(os.path.getsize(out))


def bigpdf(out, pages, mb):
    rng = random.Random(8)
    target = int(mb * 1_000_000)
    per_page = max(1000, target // pages - 2600)  # ~2.6 KB of text and objects a page
    width = 100
    height = max(1, per_page // (3 * width))
    # 1 catalog, 2 pages, 3 font, then per page: page, content, image
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for p in range(1, pages + 1):
        page_no = len(objs) + 1
        kids.append(b"%d 0 R" % page_no)
        lines = [b"BT /F1 10 Tf 12 TL 50 800 Td"]
        for k in range(1, 21):
            lines.append(b"(Page %d, article %d: the Contractor shall keep record %d of %d.) Tj T*"
                         % (p, k, p * 100 + k, rng.randrange(10**9)))
        lines.append(b"ET q 200 0 0 120 50 400 cm /Im1 Do Q")
        content = b"\n".join(lines)
        objs.append(b"<< /Type /Page /Parent 2 0 R /Contents %d 0 R /Resources << /Font << /F1 3 0 R >> "
                    b"/XObject << /Im1 %d 0 R >> >> >>" % (page_no + 1, page_no + 2))
        objs.append(stream(b"", content))
        objs.append(stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                           b"/BitsPerComponent 8" % (width, height), rng.randbytes(3 * width * height)))
    objs[1] = b"<< /Type /Pages /Count %d /MediaBox [0 0 612 842] /Kids [%s] >>" % (pages, b" ".join(kids))
    write_pdf(out, objs)
    print(os.path.getsize(out))


def bigtxt(out, mb):
    target = int(mb * 1_000_000)
    lines = [
        "第{n}条　乙は、甲に対し、本件業務の遂行状況を毎月書面で報告する。\n",
        "２　乙は、個人情報の漏えいを知ったときは、直ちに甲に通知する。\n",
        "（{n}）　受託者は、委託者の承諾なく第三者に再委託しない。\n",
        "記録番号{n}：保守作業を実施した。\n",
    ]
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("業務委託契約書\n医療法人社団サンプル会（以下「甲」という。）と株式会社大容量（以下「乙」という。）は、次のとおり契約を締結する。\n")
        written, n = 0, 0
        while written < target:
            n += 1
            s = lines[n % len(lines)].format(n=n)
            fh.write(s)
            written += len(s.encode("utf-8"))
    print(os.path.getsize(out))


def mutate(dest, n, seed, srcs):
    rng = random.Random(seed)
    pool = []
    for s in srcs:
        if os.path.isdir(s):
            pool += files_under(s, {".pdf", ".docx"})
        elif os.path.isfile(s):
            pool.append(s)
    if not pool:
        sys.exit("no .pdf/.docx sources to mutate")
    os.makedirs(dest, exist_ok=True)
    datas = [(p, open(p, "rb").read()) for p in pool]
    for i in range(n):
        path, data = datas[i % len(datas)]
        b = bytearray(data)
        kind = rng.choice(["flip", "truncate", "bracket", "dup", "zero", "mix"])
        ops = [kind] if kind != "mix" else rng.sample(["flip", "truncate", "bracket", "dup", "zero"], 3)
        for op in ops:
            if not b:
                break
            if op == "flip":
                for _ in range(rng.randint(1, 64)):
                    j = rng.randrange(len(b))
                    b[j] ^= 1 << rng.randrange(8)
            elif op == "truncate":
                del b[rng.randrange(len(b)):]
            elif op == "bracket":
                for _ in range(rng.randint(1, 8)):
                    j = rng.randrange(len(b) + 1)
                    b[j:j] = rng.choice([b"[", b"<<", b"(", b"]", b">>", b")", b"[[[[[[[[", b"<<<<<<<<"])
            elif op == "dup":
                j = rng.randrange(len(b))
                k = min(len(b), j + rng.randint(1, 4096))
                b[k:k] = b[j:k] * rng.randint(1, 8)
            elif op == "zero":
                j = rng.randrange(len(b))
                k = min(len(b), j + rng.randint(1, 2048))
                b[j:k] = bytes(k - j)
        ext = os.path.splitext(path)[1].lower()
        with open(os.path.join(dest, f"mutant_{i:05d}_{kind}{ext}"), "wb") as fh:
            fh.write(b)
    print(n)


def ratioset(dest, n, srcs, ext=".pdf"):
    pool = []
    for s in srcs:
        if os.path.isdir(s):
            pool += files_under(s, {ext})
    if not pool:
        sys.exit(f"no {ext} files found")
    os.makedirs(dest, exist_ok=True)
    for i in range(n):
        shutil.copyfile(pool[i % len(pool)], os.path.join(dest, f"{i:04d}{ext}"))
    print(f"{n} copies of {len(pool)} {ext} files")


def load(report):
    try:
        with open(report, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def listed(report, root):
    want = {os.path.relpath(p, root) for p in files_under(root)}
    d = load(report)
    if d is None:
        print(f"none 0/{len(want)}")
        return
    got = {doc["path"] for v in d.get("vendors", []) for doc in v.get("documents", [])}
    k = len(want & got)
    print(f"{'full' if k == len(want) else 'partial'} {k}/{len(want)}")


def docstatus(report):
    d = load(report)
    if d is None:
        print("no report")
        return
    for v in d.get("vendors", []):
        for doc in v.get("documents", []):
            extra = doc.get("reason", "")
            if doc.get("unread_pages"):
                extra += f" unread_pages={str(doc['unread_pages'])[:120]}"
            line = f"{doc['status']} {extra}".strip()
            print(line if len(line) <= 160 else line[:159] + "…")


def width(s):
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def table(path):
    head = ["case", "keiyaku", "peer", "target", "met?", "note"]
    with open(path, encoding="utf-8") as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh if line.strip()]
    rows = [r + [""] * (len(head) - len(r)) for r in rows]
    w = [max(width(r[i]) for r in [head] + rows) for i in range(len(head))]
    def line(r):
        return " | ".join(c + " " * (w[i] - width(c)) for i, c in enumerate(r)).rstrip()
    print(line(head))
    print("-|-".join("-" * x for x in w))
    for r in rows:
        print(line(r))


def main(a):
    cmd = a[0] if a else "-h"
    if cmd == "practice":
        practice(a[1], a[2], int(a[3]))
    elif cmd == "tiny":
        tiny(a[1], int(a[2]))
    elif cmd == "glyphpdf":
        glyphpdf(a[1], int(a[2]), int(a[3]))
    elif cmd == "bigpdf":
        bigpdf(a[1], int(a[2]), float(a[3]))
    elif cmd == "bigtxt":
        bigtxt(a[1], float(a[2]))
    elif cmd == "mutate":
        mutate(a[1], int(a[2]), int(a[3]), a[4:])
    elif cmd == "ratioset":
        ratioset(a[1], int(a[2]), a[3:])
    elif cmd == "docxset":
        ratioset(a[1], int(a[2]), a[3:], ".docx")
    elif cmd == "listed":
        listed(a[1], a[2])
    elif cmd == "docstatus":
        docstatus(a[1])
    elif cmd == "table":
        table(a[1])
    else:
        print(__doc__)
        sys.exit(0 if cmd in ("-h", "--help") else 2)


if __name__ == "__main__":
    main(sys.argv[1:])
