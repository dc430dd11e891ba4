#!/bin/sh
# Rebuilds the zip fixtures of this folder with Info-ZIP's zip (apt-get install zip).
# The texts are written for keiyaku's tests; see README.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export LC_ALL=C TZ=UTC

# PPAP: a contract zipped with a password (traditional ZipCrypto), and a note
# without one, as vendors send them.
printf '%s\n' '保守委託契約書' '' '第1条（報告）' '乙は、障害が発生したときは、直ちに甲に報告しなければならない。' > 契約書.txt
printf '%s\n' 'パスワードは別のメールでお送りします。' > 送付状.txt
touch -d '2026-01-01 00:00:00' 契約書.txt 送付状.txt
rm -f "$here/ppap.zip"
zip -q -X -P himitsu "$here/ppap.zip" 契約書.txt
zip -q -X "$here/ppap.zip" 送付状.txt

# Japanese Windows: member names in Shift_JIS, without the UTF-8 flag.
name=$(printf '覚書.txt' | iconv -f UTF-8 -t SHIFT_JIS)
cp "$here/../../../samples/覚書_みらいヘルステック.txt" "$name"
touch -d '2026-01-01 00:00:00' "$name"
rm -f "$here/sjis-names.zip"
zip -q -X "$here/sjis-names.zip" "$name"
