#!/usr/bin/env bash
# Scale and resource benchmark (issue 8): builds every input in a temporary
# folder, runs keiyaku on it with timeouts, and prints one table
#   case | keiyaku | peer | target | met? | note
# (peak RSS from /usr/bin/time %M, wall time, exit code, report completeness).
#
# Needs: the built binary (cargo build --release; KEIYAKU=path to use another),
# python3, GNU time (/usr/bin/time), timeout; pdftotext for the peer columns
# (poppler-utils is installed with apt-get when missing and running as root).
# ../shared/practice is used when present (PRACTICE=dir to point elsewhere);
# cases needing it are skipped with a message otherwise. The hostile corpus
# mutates tests/fixtures and samples when present (MUTANT_SOURCES overrides).
#
# Sizes (environment; SCALE_SMALL=1 makes every default 10x smaller):
#   SCALE_PRACTICE="1000 5000 20000"  practice-mix document counts
#   SCALE_TINY=50000                  loose ~150-byte .txt files
#   SCALE_GLYPH_PAGES=5000 SCALE_GLYPHS=500000   shared-content-stream PDF
#   SCALE_BIG_PAGES=1000 SCALE_BIG_MB=47         large PDF
#   SCALE_TXT_MB=50                   large .txt
#   SCALE_MUTANTS=400 SCALE_SEED=8    hostile corpus
#   SCALE_RATIO_FILES=200 SCALE_RUNS=5           throughput ratio (PDFs, --ocr never) and DOCX
#   SCALE_JOBS=2                      keiyaku -j
#   SCALE_TIMEOUT=60                  seconds for the shared-stream PDF and pdftotext runs
#   SCALE_SCAN_TIMEOUT=600            seconds for the other scans (SCALE_HOSTILE_TIMEOUT=120)
#   SCALE_ULIMIT_V=1000000            KB of address space for the hostile run
#   SCALE_OCR=never                   keiyaku --ocr for every case (the throughput case: always never)
#   SCALE_KEEP=1                      keep the temporary folder
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
inputs="$here/scale_inputs.py"
keiyaku=${KEIYAKU:-$root/target/release/keiyaku}
practice=${PRACTICE:-$root/../shared/practice}

small=${SCALE_SMALL:-0}
div() { if [ "$small" = 1 ]; then echo $(( $1 / 10 )); else echo "$1"; fi; }
practice_sizes=${SCALE_PRACTICE:-"$(div 1000) $(div 5000) $(div 20000)"}
tiny_n=${SCALE_TINY:-$(div 50000)}
glyph_pages=${SCALE_GLYPH_PAGES:-$(div 5000)}
glyphs=${SCALE_GLYPHS:-$(div 500000)}
big_pages=${SCALE_BIG_PAGES:-$(div 1000)}
big_mb=${SCALE_BIG_MB:-$([ "$small" = 1 ] && echo 4.7 || echo 47)}
txt_mb=${SCALE_TXT_MB:-$([ "$small" = 1 ] && echo 5 || echo 50)}
mutants=${SCALE_MUTANTS:-$(div 400)}
seed=${SCALE_SEED:-8}
ratio_n=${SCALE_RATIO_FILES:-$(div 200)}
runs=${SCALE_RUNS:-5}
jobs=${SCALE_JOBS:-2}
to=${SCALE_TIMEOUT:-60}
scan_to=${SCALE_SCAN_TIMEOUT:-600}
hostile_to=${SCALE_HOSTILE_TIMEOUT:-120}
ulimit_v=${SCALE_ULIMIT_V:-1000000}

die() { echo "scale.sh: $*" >&2; exit 2; }
[ -x "$keiyaku" ] || die "no binary at $keiyaku (cargo build --release, or KEIYAKU=path)"
[ -x /usr/bin/time ] || die "GNU time missing (apt-get install time)"
command -v python3 >/dev/null || die "python3 missing"
if ! command -v pdftotext >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing poppler-utils for pdftotext ..." >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; } >/dev/null 2>&1
fi
have_pdftotext=0
command -v pdftotext >/dev/null && have_pdftotext=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/keiyaku-scale.XXXXXX")
if [ "${SCALE_KEEP:-0}" = 1 ]; then echo "keeping $tmp" >&2; else trap 'rm -rf "$tmp"' EXIT; fi
# a private copy: a rebuild during the run must not change the binary under test
built=$(date -r "$keiyaku" '+%F %T')
cp "$keiyaku" "$tmp/keiyaku" || die "cannot copy $keiyaku"
keiyaku=$tmp/keiyaku
rows="$tmp/rows.tsv"
: >"$rows"

# row CASE KEIYAKU PEER TARGET MET NOTE
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$rows"; printf '  -> %s | %s | %s | %s | %s | %s\n' "$@" >&2; }
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

# measure TIMEOUT CMD... : sets rc, wall (s), rss (MB, peak of the command)
measure() {
  local limit=$1; shift
  rc=0
  /usr/bin/time -o "$tmp/time.txt" -f '%e %M' timeout -k 5 "$limit" "$@" >"$tmp/out.txt" 2>"$tmp/err.txt" || rc=$?
  read -r wall kb < <(tail -n 1 "$tmp/time.txt")
  rss=$(awk -v k="${kb:-0}" 'BEGIN { printf "%.0f", k / 1024 }')
}
timed_out() { [ "$rc" = 124 ] || [ "$rc" = 137 ]; }
# le A B : A <= B (numbers)
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
yesno() { if "$@"; then echo yes; else echo NO; fi; }
# --ocr never: the cases measure reading and matching; with tesseract installed, each copy of the
# practice pool's scanned PDF would be OCR'd (seconds a page), which is not what they measure
# (SCALE_OCR=auto to include it).
kscan=("$keiyaku" scan -j "$jobs" --ocr "${SCALE_OCR:-never}" --format json -o "$tmp/r.json")
# ktext: how a keiyaku run reads in the table
ktext() {
  if timed_out; then echo "timeout ${wall}s, ${rss} MB"; else echo "${rss} MB, ${wall}s, exit $rc"; fi
}

gitstate() {
  if git -C "$root" rev-parse --short HEAD >/dev/null 2>&1; then
    local dirty
    dirty=$(git -C "$root" --no-optional-locks status --porcelain --untracked-files=no | wc -l)
    echo "commit $(git -C "$root" rev-parse --short HEAD)$([ "$dirty" -gt 0 ] && echo " with $dirty tracked files changed (dirty)")"
  else
    echo "not a git checkout"
  fi
}
start_git=$(gitstate)
start_date=$(date '+%F %T %Z')
log "keiyaku: copy of ${KEIYAKU:-$root/target/release/keiyaku} built $built ($("$keiyaku" --version 2>/dev/null), sha256 $(sha256sum "$keiyaku" | cut -c 1-12))"
log "temporary folder: $tmp"

# 1. practice mix and tiny files --------------------------------------------------------------
if [ -d "$practice/contracts" ]; then
  for n in $practice_sizes; do
    rm -rf "$tmp/mix"
    log "practice mix: copying $n documents"
    python3 "$inputs" practice "$practice/contracts" "$tmp/mix" "$n" >/dev/null || die "practice copy failed"
    log "practice mix: scanning $n documents"
    rm -f "$tmp/r.json"
    measure "$scan_to" "${kscan[@]}" "$tmp/mix"
    full=$(python3 "$inputs" listed "$tmp/r.json" "$tmp/mix")
    if [ "$n" -ge 20000 ]; then
      row "practice mix $n docs" "$(ktext)" "-" "<= 150 MB" "$(yesno le "$rss" 150)" "$full listed"
    else
      row "practice mix $n docs" "$(ktext)" "-" "-" "-" "$full listed"
    fi
  done
  rm -rf "$tmp/mix"
else
  log "skipping the practice-mix and ratio cases: $practice/contracts not found (PRACTICE=dir)"
  row "practice mix" "skipped" "-" "<= 150 MB at 20000" "-" "no $practice/contracts"
fi

log "tiny files: writing $tiny_n"
python3 "$inputs" tiny "$tmp/tiny" "$tiny_n" >/dev/null || die "tiny files failed"
log "tiny files: scanning"
rm -f "$tmp/r.json"
measure "$scan_to" "${kscan[@]}" "$tmp/tiny"
full=$(python3 "$inputs" listed "$tmp/r.json" "$tmp/tiny")
row "$tiny_n tiny .txt (loose)" "$(ktext)" "-" "<= 300 MB" "$(yesno le "$rss" 300)" "$full listed"
rm -rf "$tmp/tiny"

# 2. shared content stream ---------------------------------------------------------------------
mkdir -p "$tmp/glyph" "$tmp/patho"
log "glyph PDF: $glyph_pages pages sharing one stream of $glyphs glyphs"
bytes=$(python3 "$inputs" glyphpdf "$tmp/glyph/shared-stream.pdf" "$glyph_pages" "$glyphs") || die "glyph PDF failed"
rm -f "$tmp/r.json"
measure "$to" "${kscan[@]}" "$tmp/glyph"
k_rc=$rc k_wall=$wall k_text=$(ktext)
status=$(python3 "$inputs" docstatus "$tmp/r.json" | head -n 1)
peer="-"
if [ "$have_pdftotext" = 1 ]; then
  measure "$to" pdftotext -q "$tmp/glyph/shared-stream.pdf" /dev/null
  peer="pdftotext $(ktext)"
fi
# met: done within 10 s, with the document either read or stopped by a named cap/budget
met=NO
rc=$k_rc
if ! timed_out && le "$k_wall" 10; then
  case $status in ok*|*cap*|*budget*|*limit*|*too\ many*) met=yes ;; esac
fi
if timed_out; then status="timeout after ${to}s (no report)"; fi
row "$glyph_pages-page PDF, 1 shared stream ($((bytes / 1024)) KB)" "$k_text" "$peer" "<= 10 s or budget error" "$met" "$status"
cp "$tmp/glyph/shared-stream.pdf" "$tmp/patho/"
rm -rf "$tmp/glyph"

# 3. large PDF ---------------------------------------------------------------------------------
mkdir -p "$tmp/big"
log "large PDF: $big_pages pages, ~$big_mb MB"
bytes=$(python3 "$inputs" bigpdf "$tmp/big/large.pdf" "$big_pages" "$big_mb") || die "large PDF failed"
rm -f "$tmp/r.json"
measure "$scan_to" "${kscan[@]}" "$tmp/big"
k_rss=$rss k_text=$(ktext)
status=$(python3 "$inputs" docstatus "$tmp/r.json" | head -n 1)
timed_out && status="timeout after ${scan_to}s"
peer="-"
if [ "$have_pdftotext" = 1 ]; then
  measure "$to" pdftotext -q "$tmp/big/large.pdf" /dev/null
  peer="pdftotext $(ktext)"
fi
row "$big_pages-page PDF ($(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB)" "$k_text" "$peer" "<= 64 MB" "$(yesno le "$k_rss" 64)" "$status"
mv "$tmp/big/large.pdf" "$tmp/patho/"
rm -rf "$tmp/big"

# 4. large text --------------------------------------------------------------------------------
mkdir -p "$tmp/txt"
log "large text: $txt_mb MB"
bytes=$(python3 "$inputs" bigtxt "$tmp/txt/large.txt" "$txt_mb") || die "large text failed"
rm -f "$tmp/r.json"
measure "$scan_to" "${kscan[@]}" "$tmp/txt"
status=$(python3 "$inputs" docstatus "$tmp/r.json" | head -n 1)
timed_out && status="timeout after ${scan_to}s"
row ".txt of short Japanese lines ($(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB)" "$(ktext)" "-" "<= 500 MB" "$(yesno le "$rss" 500)" "$status"
mv "$tmp/txt/large.txt" "$tmp/patho/"
rm -rf "$tmp/txt"

# 5. hostile corpus under ulimit -v ------------------------------------------------------------
# hostile LABEL: scan $tmp/hostile in a subshell limited to $ulimit_v KB of address space
hostile() {
  rm -f "$tmp/r.json"
  # shellcheck disable=SC2030,SC2031 # rc, wall and rss come back through a file
  (
    ulimit -v "$ulimit_v"
    measure "$hostile_to" "${kscan[@]}" "$tmp/hostile"
    echo "$rc $wall $rss" >"$tmp/hostile.txt"
  )
  read -r rc wall rss <"$tmp/hostile.txt"
  local full errs="" met=NO
  full=$(python3 "$inputs" listed "$tmp/r.json" "$tmp/hostile")
  [ -s "$tmp/r.json" ] && errs=$(python3 "$inputs" docstatus "$tmp/r.json" | awk '{ print $1 }' | sort | uniq -c | awk '{ printf "%s%s=%s", sep, $2, $1; sep = " " }')
  if ! timed_out && [ "$rc" = 0 ] && [[ $full == full* ]]; then met=yes; fi
  row "$1, ulimit -v $ulimit_v" "exit $rc, ${wall}s, ${rss} MB, report $full" "-" "exit 0, every input listed" "$met" \
    "${errs:-no report}$(timed_out && echo ", killed after ${hostile_to}s")"
}
srcs=()
if [ -n "${MUTANT_SOURCES:-}" ]; then
  read -r -a srcs <<<"$MUTANT_SOURCES"
else
  for d in "$root/tests/fixtures" "$root/samples"; do [ -d "$d" ] && srcs+=("$d"); done
fi
if [ "${#srcs[@]}" -gt 0 ]; then
  log "hostile corpus: $mutants mutants (seed $seed), alone and with the pathological files, ulimit -v $ulimit_v"
  python3 "$inputs" mutate "$tmp/hostile" "$mutants" "$seed" "${srcs[@]}" >/dev/null || die "mutator failed"
  # the mutants alone first, so a pathological file cannot hide how they fare
  hostile "hostile: $mutants mutants only"
  mv "$tmp/patho/"* "$tmp/hostile/"
  hostile "hostile: $(find "$tmp/hostile" -type f | wc -l) files (mutants + cases 2-4)"
  rm -rf "$tmp/hostile"
else
  log "skipping the hostile corpus: no tests/fixtures or samples to mutate (MUTANT_SOURCES=dirs)"
  row "hostile corpus" "skipped" "-" "exit 0, every input listed" "-" "no sources"
fi
rm -rf "$tmp/patho"

# 6. throughput ratio --------------------------------------------------------------------------
# Extraction against extraction: keiyaku runs with --ocr never, as pdftotext reads no image (with
# tesseract installed, the scanned PDFs of the pool would otherwise be read by OCR, seconds each).
# The same number of .docx files, scanned the same way, gives the time a document of each kind.
ratio_srcs=()
[ -d "$practice/contracts" ] && ratio_srcs+=("$practice/contracts")
[ -d "$root/samples" ] && ratio_srcs+=("$root/samples")
now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
k_med=""
if [ "$have_pdftotext" = 0 ]; then
  row "throughput $ratio_n PDFs" "skipped" "-" ">= 8x" "-" "pdftotext missing"
elif [ "${#ratio_srcs[@]}" = 0 ]; then
  row "throughput $ratio_n PDFs" "skipped" "-" ">= 8x" "-" "no practice or samples PDFs"
else
  log "throughput: $ratio_n PDFs, median of $runs"
  python3 "$inputs" ratioset "$tmp/ratio" "$ratio_n" "${ratio_srcs[@]}" >/dev/null || die "ratio set failed"
  find "$tmp/ratio" -name '*.pdf' -print0 >"$tmp/ratio.list"
  k_runs=() p_runs=()
  "$keiyaku" scan -j "$jobs" --ocr never --format json -o "$tmp/r.json" "$tmp/ratio" >/dev/null 2>&1 # warm the page cache and the binary
  xargs -0 -P "$jobs" -I{} pdftotext -q {} /dev/null <"$tmp/ratio.list" >/dev/null 2>&1
  for _ in $(seq 1 "$runs"); do
    t0=$(now); timeout -k 5 "$to" "$keiyaku" scan -j "$jobs" --ocr never --format json -o "$tmp/r.json" "$tmp/ratio" >/dev/null 2>&1; t1=$(now)
    k_runs+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
    t0=$(now); xargs -0 -P "$jobs" -I{} timeout -k 5 "$to" pdftotext -q {} /dev/null <"$tmp/ratio.list" >/dev/null 2>&1; t1=$(now)
    p_runs+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  done
  k_med=$(printf '%s\n' "${k_runs[@]}" | median)
  p_med=$(printf '%s\n' "${p_runs[@]}" | median)
  ratio=$(awk -v k="$k_med" -v p="$p_med" 'BEGIN { printf "%.2f", p / k }')
  full=$(python3 "$inputs" listed "$tmp/r.json" "$tmp/ratio")
  row "throughput $ratio_n PDFs, -j$jobs, --ocr never (median of $runs)" "$(printf '%.3f s (%.0f files/s)' "$k_med" "$(awk -v k="$k_med" -v n="$ratio_n" 'BEGIN { print n / k }')")" \
    "$(printf 'pdftotext %.3f s (%.0f files/s)' "$p_med" "$(awk -v p="$p_med" -v n="$ratio_n" 'BEGIN { print n / p }')")" \
    ">= 8x" "$(yesno le 8 "$ratio")" "ratio ${ratio}x; report $full"
  rm -rf "$tmp/ratio"
fi
if [ "${#ratio_srcs[@]}" -gt 0 ] && python3 "$inputs" docxset "$tmp/docx" "$ratio_n" "${ratio_srcs[@]}" >/dev/null 2>&1; then
  log "throughput: $ratio_n DOCX, median of $runs"
  d_runs=()
  "$keiyaku" scan -j "$jobs" --ocr never --format json -o "$tmp/r.json" "$tmp/docx" >/dev/null 2>&1
  for _ in $(seq 1 "$runs"); do
    t0=$(now); timeout -k 5 "$to" "$keiyaku" scan -j "$jobs" --ocr never --format json -o "$tmp/r.json" "$tmp/docx" >/dev/null 2>&1; t1=$(now)
    d_runs+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  done
  d_med=$(printf '%s\n' "${d_runs[@]}" | median)
  full=$(python3 "$inputs" listed "$tmp/r.json" "$tmp/docx")
  if [ -n "$k_med" ]; then
    row "throughput $ratio_n DOCX, -j$jobs (median of $runs)" "$(printf '%.2f ms a document' "$(awk -v d="$d_med" -v n="$ratio_n" 'BEGIN { print 1000 * d / n }')")" \
      "$(printf 'PDFs above: %.2f ms a document' "$(awk -v k="$k_med" -v n="$ratio_n" 'BEGIN { print 1000 * k / n }')")" \
      "<= a PDF's" "$(yesno le "$d_med" "$k_med")" "report $full"
  else
    row "throughput $ratio_n DOCX, -j$jobs (median of $runs)" "$(printf '%.2f ms a document' "$(awk -v d="$d_med" -v n="$ratio_n" 'BEGIN { print 1000 * d / n }')")" \
      "-" "<= a PDF's" "-" "no PDF figure to compare; report $full"
  fi
  rm -rf "$tmp/docx"
fi

# table ----------------------------------------------------------------------------------------
echo
echo "keiyaku scale benchmark  $start_date .. $(date '+%T')  nproc=$(nproc)  load $(cut -d ' ' -f 1-3 /proc/loadavg)  -j$jobs  timeouts ${to}s/${scan_to}s/${hostile_to}s$([ "$small" = 1 ] && echo '  SCALE_SMALL=1 (targets are for full size)')"
echo "binary built $built; at start: $start_git; at end: $(gitstate)"
python3 "$inputs" table "$rows"
