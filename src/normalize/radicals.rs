//! CJK radical → unified ideograph (⻘ → 青), from Unicode's
//! EquivalentUnifiedIdeograph.txt through `scripts/gen_radicals.py`.

#[path = "radicals_table.rs"]
mod table;

pub fn to_unified(c: char) -> char {
    if !('\u{2E80}'..='\u{2FDF}').contains(&c) {
        return c;
    }
    match table::RADICALS.binary_search_by(|(r, _)| r.cmp(&c)) {
        Ok(i) => table::RADICALS[i].1,
        Err(_) => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supplement_radicals_map_to_ideographs() {
        assert_eq!(to_unified('⻘'), '青');
        assert_eq!(to_unified('⼄'), '乙');
        assert_eq!(to_unified('a'), 'a');
    }

    /// The committed table is what the generator makes from Unicode's data
    /// (the copy in tests/data/unicode, with its licence).
    #[test]
    fn table_matches_unicode_data() {
        let data = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/unicode/EquivalentUnifiedIdeograph.txt"
        ));
        let mut n = 0;
        for line in data.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((cps, target)) = line.split_once(';') else {
                continue;
            };
            let target = char::from_u32(u32::from_str_radix(target.trim(), 16).unwrap()).unwrap();
            let (lo, hi) = match cps.trim().split_once("..") {
                Some((a, b)) => (
                    u32::from_str_radix(a, 16).unwrap(),
                    u32::from_str_radix(b, 16).unwrap(),
                ),
                None => {
                    let v = u32::from_str_radix(cps.trim(), 16).unwrap();
                    (v, v)
                }
            };
            for cp in lo..=hi {
                if (0x2E80..=0x2FDF).contains(&cp) {
                    assert_eq!(
                        to_unified(char::from_u32(cp).unwrap()),
                        target,
                        "U+{cp:04X}"
                    );
                    n += 1;
                }
            }
        }
        assert_eq!(n, table::RADICALS.len());
    }
}
