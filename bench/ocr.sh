#!/usr/bin/env bash
# OCR benchmark: the practice corpus with its PDFs scanned (200 and 300 dpi,
# grey, ±0.7°, noise, JPEG) as image-only PDFs and as multi-page TIFFs,
# scanned and scored, and OCR time per page against tesseract alone.
#   bench/ocr.sh [CORPUS]        (or KEIYAKU_OCR_CORPUS=…; default ../shared/practice/contracts)
#   KEIYAKU_OCR_DPI="300" bench/ocr.sh   one resolution only
# Needs tesseract (jpn), poppler-utils, ImageMagick and img2pdf; see bench/ocr_bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-${KEIYAKU_OCR_CORPUS:-../shared/practice/contracts}}
for tool in tesseract pdftoppm img2pdf; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install tesseract-ocr-jpn poppler-utils img2pdf imagemagick)" >&2; exit 2; }
done
cargo build --release -q
bin=${CARGO_TARGET_DIR:-target}/release/keiyaku
# shellcheck disable=SC2086
python3 bench/ocr_bench.py --corpus "$corpus" --keiyaku "$bin" --dpi ${KEIYAKU_OCR_DPI:-200 300} "${@:2}"
