#!/usr/bin/env bash
# Extraction benchmark: keiyaku against poppler's pdftotext on the same PDFs and
# cores (benches/extract.rs). Installs poppler-utils when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pdftotext >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
fi
cargo bench --bench extract "$@" | tee target/bench-extract.txt
