#!/usr/bin/env python3
"""OCR benchmark: the practice corpus with every PDF replaced by a scan of it.

    python3 bench/ocr_bench.py --corpus DIR --keiyaku BIN [--dpi 200 300] [--keep DIR]

For each resolution, each PDF of the corpus is rendered (pdftoppm, grey),
turned by ±0.7° (alternating page by page), given slight Gaussian noise and
saved as a JPEG of quality 75 (ImageMagick), then wrapped back into an
image-only PDF (img2pdf) and, apart, into a multi-page TIFF (LZW, the same
pixels). Only PDFs with a text layer are scanned: DOCX and text files, and a
PDF that is already a scan (no text for pdftotext), are kept as they are. Two folder trees copy the corpus layout (vendor folders), one
with the scanned PDFs, one with the TIFFs in their place.

Each tree is scanned with `keiyaku scan --format json` and scored with the
corpus's score.py against labels derived from labels.json: a vendor with a
scanned document cannot be `missing` anything (keiyaku's rule: what OCR text
does not hold is unknown), so its `missing` cells are expected `unknown`.
Printed per set: present-recall, false `present`, `missing` where the text
PDF had the clause, and score.py's last line.

Timing: each scanned PDF is scanned alone with `-j 1` (one page at a time),
its wall time divided by its pages; the floor is `tesseract` alone run on
each page's JPEG with the options keiyaku gives it (jpn, --psm 6, LSTM, one
thread). Medians per page and their ratio are printed side by side.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata

ROTATION = 0.7
NOISE = "0.4"        # ImageMagick -attenuate for +noise Gaussian: slight speckle
JPEG_QUALITY = "75"


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def magick():
    for name in ("magick", "convert"):
        if shutil.which(name):
            return name
    sys.exit("ImageMagick (magick or convert) is needed: apt-get install imagemagick")


def scan_pdf(pdf, dpi, work, im):
    """The page JPEGs of a scan of `pdf` at `dpi`, in page order."""
    stem = os.path.join(work, "page")
    run(["pdftoppm", "-r", str(dpi), "-gray", "-png", pdf, stem])
    pngs = sorted((f for f in os.listdir(work) if f.startswith("page") and f.endswith(".png")),
                  key=lambda f: int(f[len("page-"):-len(".png")]))
    jpgs = []
    for i, png in enumerate(pngs):
        angle = ROTATION if i % 2 == 0 else -ROTATION
        jpg = os.path.join(work, "scan-%03d.jpg" % (i + 1))
        run([im, os.path.join(work, png), "-background", "white", "-rotate", str(angle),
             "-seed", str(17 + i), "-attenuate", NOISE, "+noise", "Gaussian",
             "-colorspace", "Gray", "-density", str(dpi), "-units", "PixelsPerInch",
             "-quality", JPEG_QUALITY, jpg])
        os.remove(os.path.join(work, png))
        jpgs.append(jpg)
    return jpgs


def has_text(pdf):
    out = subprocess.run(["pdftotext", "-q", pdf, "-"], capture_output=True).stdout
    return bool(out.strip())


def build_sets(corpus, dpi, root, im):
    """Folder trees `pdf` and `tiff` under root; the page JPEGs of each scanned file."""
    pages = {}  # relative path of the original PDF -> [jpg]
    for kind in ("pdf", "tiff"):
        os.makedirs(os.path.join(root, kind), exist_ok=True)
    for vendor in sorted(os.listdir(corpus)):
        vdir = os.path.join(corpus, vendor)
        if not os.path.isdir(vdir):
            continue
        for dirpath, _, files in os.walk(vdir):
            rel_dir = os.path.relpath(dirpath, corpus)
            for kind in ("pdf", "tiff"):
                os.makedirs(os.path.join(root, kind, rel_dir), exist_ok=True)
            for f in sorted(files):
                src = os.path.join(dirpath, f)
                rel = os.path.join(rel_dir, f)
                if not f.lower().endswith(".pdf") or not has_text(src):
                    for kind in ("pdf", "tiff"):
                        shutil.copy2(src, os.path.join(root, kind, rel))
                    continue
                work = os.path.join(root, "pages", rel)
                os.makedirs(work, exist_ok=True)
                jpgs = scan_pdf(src, dpi, work, im)
                pages[rel] = jpgs
                # img2pdf embeds each JPEG as it is (no recompression).
                run(["img2pdf", "--output", os.path.join(root, "pdf", rel)] + jpgs)
                tif = os.path.join(root, "tiff", rel[:-len(".pdf")] + ".tif")
                run([im] + jpgs + ["-compress", "lzw", tif])
    return pages


def derived_labels(labels, scanned_vendors, rename_tif):
    out = {"vendors": {}, "documents": {}, "notes": {}}
    for v, row in labels["vendors"].items():
        scanned = nfc(v) in scanned_vendors
        out["vendors"][v] = {p: ("unknown" if scanned and s == "missing" else s)
                             for p, s in row.items()}
    for d, info in labels.get("documents", {}).items():
        if rename_tif and d.lower().endswith(".pdf") and info.get("readable"):
            d = d[:-4] + ".tif"
        out["documents"][d] = info
    return out


def nfc(s):
    return unicodedata.normalize("NFC", s)


def statuses(report):
    got = {}
    for v in report.get("vendors", []):
        name = nfc(v["name"]).rstrip("/").rsplit("/", 1)[-1]
        got[name] = {p["id"]: p["status"] for p in v.get("provisions", [])}
    return got


def measures(report, original, derived):
    got = statuses(report)
    tp = fn = false_present = missing_had = 0
    lost = []
    for v, row in original["vendors"].items():
        v = nfc(v)
        for p, exp in row.items():
            g = got.get(v, {}).get(p, "(absent)")
            want = derived["vendors"][v][p] if v in derived["vendors"] else exp
            if exp == "present":
                if g == "present":
                    tp += 1
                else:
                    fn += 1
                    lost.append("%s %s: %s" % (v, p, g))
            if g == "present" and want != "present":
                false_present += 1
                lost.append("%s %s: present, expected %s" % (v, p, want))
            if g == "missing" and exp in ("present", "weak", "negated"):
                missing_had += 1
                lost.append("%s %s: missing, expected %s" % (v, p, exp))
    recall = tp / (tp + fn) if tp + fn else 0.0
    return recall, tp, tp + fn, false_present, missing_had, lost


def keiyaku_scan(binary, folder, out, jobs=None):
    cmd = [binary, "scan", folder, "--format", "json", "-q", "--ocr", "always", "-o", out]
    if jobs:
        cmd += ["-j", str(jobs)]
    started = time.monotonic()
    run(cmd)
    return time.monotonic() - started


def score_line(score_py, report, labels):
    res = subprocess.run([sys.executable, score_py, report, labels], capture_output=True, text=True)
    lines = res.stdout.strip().splitlines()
    return lines[-1] if lines else "score.py: " + res.stderr.strip()


def floor_times(pages):
    times = []
    with tempfile.TemporaryDirectory() as t:
        for jpgs in pages.values():
            for jpg in jpgs:
                started = time.monotonic()
                run(["tesseract", jpg, os.path.join(t, "out"), "-l", "jpn", "--oem", "1",
                     "--psm", "6", "tsv"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    env=dict(os.environ, OMP_THREAD_LIMIT="1"))
                times.append(time.monotonic() - started)
    return times


def keiyaku_times(binary, root, pages):
    times = []
    for rel, jpgs in pages.items():
        out = os.path.join(root, "one.json")
        secs = keiyaku_scan(binary, os.path.join(root, "pdf", rel), out, jobs=1)
        times.extend([secs / len(jpgs)] * len(jpgs))
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--keiyaku", required=True)
    ap.add_argument("--dpi", type=int, nargs="+", default=[200, 300])
    ap.add_argument("--keep", help="build the sets here and keep them (default: a temporary folder)")
    args = ap.parse_args()
    corpus = os.path.abspath(args.corpus)
    base = os.path.dirname(corpus)
    labels_path, score_py = os.path.join(base, "labels.json"), os.path.join(base, "score.py")
    with open(labels_path, encoding="utf-8") as f:
        labels = json.load(f)
    im = magick()
    tmp = args.keep or tempfile.mkdtemp(prefix="keiyaku-ocr-bench-")
    scanned_vendors = {nfc(os.path.relpath(dp, corpus).split(os.sep)[0])
                       for dp, _, fs in os.walk(corpus)
                       if any(f.lower().endswith(".pdf") and has_text(os.path.join(dp, f)) for f in fs)}
    rows, timing = [], []
    try:
        for dpi in args.dpi:
            root = os.path.join(tmp, "%ddpi" % dpi)
            pages = build_sets(corpus, dpi, root, im)
            n_pages = sum(len(p) for p in pages.values())
            for kind in ("pdf", "tiff"):
                derived = derived_labels(labels, scanned_vendors, kind == "tiff")
                lab = os.path.join(root, "labels-%s.json" % kind)
                with open(lab, "w", encoding="utf-8") as f:
                    json.dump(derived, f, ensure_ascii=False, indent=1)
                rep = os.path.join(root, "report-%s.json" % kind)
                secs = keiyaku_scan(args.keiyaku, os.path.join(root, kind), rep)
                with open(rep, encoding="utf-8") as f:
                    report = json.load(f)
                recall, tp, n, fp, miss, lost = measures(report, labels, derived)
                rows.append((dpi, kind, len(pages), n_pages, secs, recall, tp, n, fp, miss,
                             score_line(score_py, rep, lab), lost))
            floor = floor_times(pages)
            ours = keiyaku_times(args.keiyaku, root, pages)
            timing.append((dpi, n_pages, statistics.median(ours), statistics.median(floor),
                           sum(ours), sum(floor)))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    print("OCR benchmark: %s (PDFs scanned; DOCX kept as they are)" % corpus)
    print("scan: pdftoppm -gray, ±%.1f° rotation, Gaussian noise %s, JPEG q%s"
          % (ROTATION, NOISE, JPEG_QUALITY))
    print()
    print("dpi  set   docs pages  scan s  present-recall   false-present  missing-had-clause")
    for dpi, kind, docs, n_pages, secs, recall, tp, n, fp, miss, _, _ in rows:
        print("%3d  %-5s %4d %5d %7.1f  %.3f (%2d/%2d) %14d %19d"
              % (dpi, kind, docs, n_pages, secs, recall, tp, n, fp, miss))
    print()
    for dpi, kind, *_, line, lost in rows:
        print("%d %s  score.py: %s" % (dpi, kind, line))
        for l in lost:
            print("    " + l)
    print()
    print("OCR time per page (s, median; keiyaku: one scanned PDF at a time, -j 1)")
    print("dpi  pages  keiyaku  tesseract alone  ratio   (totals: keiyaku, tesseract)")
    for dpi, n_pages, ours, floor, sum_ours, sum_floor in timing:
        print("%3d  %5d  %7.2f  %15.2f  %5.2f   (%.1f s, %.1f s)"
              % (dpi, n_pages, ours, floor, ours / floor if floor else 0.0, sum_ours, sum_floor))
    return 0


if __name__ == "__main__":
    sys.exit(main())
