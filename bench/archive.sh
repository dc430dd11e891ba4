#!/usr/bin/env bash
# Archive-scale scan: the shared practice corpus copied N times (default 30,
# i.e. 300 vendors and 540 documents), scanned with all cores and with one.
# Prints wall time and peak memory, and checks both reports are identical.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-30}
src=../shared/practice/contracts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in $(seq 1 "$n"); do
  for v in "$src"/*/; do cp -r "$v" "$tmp/archive/$(basename "$v")_$i" 2>/dev/null || { mkdir -p "$tmp/archive"; cp -r "$v" "$tmp/archive/$(basename "$v")_$i"; }; done
done
cargo build --release -q
echo "$(find "$tmp/archive" -type f | wc -l) documents, $(ls "$tmp/archive" | wc -l) vendors"
/usr/bin/time -f "all cores: %e s wall, %M KB peak" target/release/keiyaku scan "$tmp/archive" --format json -o "$tmp/a.json"
/usr/bin/time -f "--jobs 1:  %e s wall, %M KB peak" target/release/keiyaku scan "$tmp/archive" --format json -j 1 -o "$tmp/b.json"
cmp "$tmp/a.json" "$tmp/b.json" && echo "reports identical"
