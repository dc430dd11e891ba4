#!/bin/sh
# Seed fuzz/corpus/<target>/ from the repository's own files. The corpora are
# not committed (fuzz/.gitignore); run this once before fuzzing, from any
# directory. Existing corpus files are kept (libFuzzer names its own by hash).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
c="$here/corpus"
mkdir -p "$c/pdf" "$c/docx" "$c/doc" "$c/text" "$c/rules" "$c/config" "$c/rtf" "$c/odt" "$c/ods" "$c/xlsx" "$c/xls"
cd "$repo"

# Copy files named like $1 under the given folders, flattened to unique names;
# files over 1 MiB are left out (they only slow every mutation down).
seed() {
    target=$1 pattern=$2
    shift 2
    find "$@" -type f -name "$pattern" -size -1024k 2>/dev/null | while IFS= read -r f; do
        cp "$f" "$c/$target/$(printf '%s' "$f" | tr '/' '_')"
    done
}

seed pdf '*.pdf' samples tests/fixtures tests/data
seed docx '*.docx' samples tests/fixtures tests/data
seed doc '*.doc' tests/data
seed text '*.txt' samples tests/fixtures tests/data
seed text '*.md' samples tests/fixtures tests/data clause_patterns
seed rtf '*.rtf' tests/data
seed odt '*.odt' tests/data
seed ods '*.ods' tests/data
seed xlsx '*.xlsx' tests/data
seed xls '*.xls' tests/data

# Rules: each provision as a single-file set (inline [[provision]]), each
# lexicon as an inline [lexicon.*] table, the whole folder packed into one
# input (see fuzz_targets/rules.rs), and the test fixtures' TOML.
head='id = "fuzz"
version = "1"
'
for p in clause_patterns/provisions/*.toml; do
    { printf '%s[[provision]]\n' "$head"
      sed -e 's/^\[\[pattern\]\]/[[provision.pattern]]/' \
          -e 's/^\[\[example\]\]/[[provision.example]]/' "$p"
    } > "$c/rules/single_$(basename "$p")"
done
for l in clause_patterns/lexicon/*.toml; do
    { printf '%s' "$head"; sed -e 's/^\[\([a-z_]*\)\]/[lexicon.\1]/' "$l"; } \
        > "$c/rules/lexicon_$(basename "$l")"
done
{
    cat clause_patterns/ruleset.toml
    for p in clause_patterns/provisions/*.toml; do
        printf '#%%%% provisions/%s\n' "$(basename "$p")"; cat "$p"
    done
    for l in clause_patterns/lexicon/*.toml; do
        printf '#%%%% lexicon/%s\n' "$(basename "$l")"; cat "$l"
    done
} > "$c/rules/folder_clause_patterns.toml"
cp clause_patterns/ruleset.toml "$c/rules/header_only.toml"
printf 'id = "x"\nversion = "1"\n[[provision]]\nid = "a"\ntitle = "A"\nbinds = "vendor"\nkeywords = ["報告"]\n[[provision.pattern]]\nmatch = '"'"'報告('"'"'\n' \
    > "$c/rules/bad_regex.toml"

# keiyaku.toml: the documented shape, and what the tests write.
printf '[vendors."東雲メディカルソフト".parties]\n"甲" = "vendor"\n"乙" = "customer"\n' > "$c/config/doc_example.toml"
printf '[vendors."港北ITサービス".parties]\n"甲" = "both"\n"丙" = "other"\n\n[vendors."瀬田データサービス"]\nparties = { "乙" = "vendor" }\n' > "$c/config/two_vendors.toml"
printf '[vendors]\n' > "$c/config/empty_vendors.toml"
find samples tests -name keiyaku.toml -type f 2>/dev/null | while IFS= read -r f; do
    cp "$f" "$c/config/$(printf '%s' "$f" | tr '/' '_')"
done

for t in pdf docx doc text rules config; do
    printf '%s: %s files\n' "$t" "$(ls "$c/$t" | wc -l)"
done
