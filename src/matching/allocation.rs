//! Tables whose columns are the parties (区分 | 甲 | 乙, 項目 | 病院 | 事業者,
//! 当社 | お客様) and whose cells mark who does each item (○, ●, ◎, 主, ✓, or
//! text such as 実施・担当): such a table allocates duties. The party whose
//! column is marked is bound by the row, so an item marked only in the
//! hospital's column is the hospital's duty, not the vendor's; and the table
//! itself is the allocation of responsibility, whatever it is called.
//!
//! A header row is found by its cells: at least one names the vendor's side
//! and one the customer's (the contract's own labels, or the usual ones).
//! The rows below it, in the same table, are read against those columns.

use super::parties::{Parties, Role};
use crate::segment::{Row, Sentence, SentenceKind};
use std::sync::Arc;

/// How one row of a party-column table binds.
#[derive(Debug, Clone)]
pub struct Binding {
    /// The party each cell's column stands for (None: an item column).
    columns: Arc<[Option<Role>]>,
    /// Which party columns of this row carry text that is not a mark.
    worded: Vec<bool>,
    /// The party the row's marks bind; None when no column is marked.
    pub bound: Option<Role>,
    row: Arc<Row>,
    /// Where the sentence starts in the row's text.
    at: usize,
}

impl Binding {
    /// Whose act the words ending at byte `end` of the sentence's text are:
    /// the party of the column they are written in (a cell reading 障害報告
    /// under 乙), else the party the row's marks bind.
    pub fn subject_at(&self, end: usize) -> Option<Role> {
        let cell = self.row.cell_at(self.at + end.saturating_sub(1));
        match (self.columns.get(cell), self.worded.get(cell)) {
            (Some(Some(role)), Some(true)) => Some(*role),
            _ => self.bound,
        }
    }
}

/// What a cell under a party's column says about that party.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Empty, a dash, × or 対象外: the party does not do it.
    None,
    /// △, 副, 支援, 協力: the party helps.
    Secondary,
    /// ○, ●, ◎, ✓, 主, or words naming what the party does.
    Primary,
}

const NO_MARK: [&str; 16] = [
    "",
    "―",
    "－",
    "-",
    "ー",
    "—",
    "‐",
    "─",
    "×",
    "✕",
    "✗",
    "なし",
    "無",
    "対象外",
    "N/A",
    "/",
];
const PRIMARY: &str = "○◯〇●◎✓✔☑■◆★◉主正";
const SECONDARY: &str = "△▲▽副";
const HELPING: [&str; 5] = ["支援", "協力", "補助", "助言", "参加"];

fn mark(cell: &str) -> Mark {
    let t: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
    if NO_MARK.contains(&t.as_str()) || t.eq_ignore_ascii_case("n/a") {
        return Mark::None;
    }
    if t.chars().all(|c| PRIMARY.contains(c)) {
        return Mark::Primary;
    }
    if t.chars().all(|c| SECONDARY.contains(c)) {
        return Mark::Secondary;
    }
    // 「○（一次対応）」: a mark with a note is the mark.
    match t.chars().next() {
        Some(c) if PRIMARY.contains(c) => return Mark::Primary,
        Some(c) if SECONDARY.contains(c) => return Mark::Secondary,
        _ => {}
    }
    if t.chars().count() <= 8 && HELPING.iter().any(|h| t.contains(h)) {
        Mark::Secondary
    } else {
        Mark::Primary
    }
}

/// Is the cell words (実施, 運用・障害対応) rather than a symbol?
fn worded(cell: &str) -> bool {
    cell.chars()
        .any(|c| !c.is_whitespace() && !PRIMARY.contains(c) && !SECONDARY.contains(c))
        && mark(cell) != Mark::None
}

/// The party a header cell names: 乙, 甲（病院）, 病院側, 事業者の役割, 当社欄.
fn column_role(cell: &str, parties: &Parties) -> Option<Role> {
    let t = crate::normalize::normalize_phrase(cell);
    if t.is_empty() || t.chars().count() > 24 {
        return None;
    }
    let mut tries: Vec<&str> = vec![t.as_str()];
    // 甲(病院) → 甲, then 病院
    if let Some((before, after)) = t.split_once('(') {
        tries.push(before);
        tries.push(after.trim_end_matches(')'));
    }
    const SUFFIXES: [&str; 9] = [
        "の役割",
        "の分担",
        "の担当",
        "の責任",
        "の作業",
        "の対応",
        "担当",
        "欄",
        "側",
    ];
    for x in tries {
        let x = x.trim();
        let mut cut = x;
        while let Some(s) = SUFFIXES.iter().find_map(|suffix| cut.strip_suffix(suffix)) {
            cut = s;
        }
        for candidate in [x, cut] {
            if let Some(r) = parties.label_role(candidate) {
                return Some(r);
            }
        }
        // A column headed by a party's name (翠明会, 株式会社サンプル).
        let core = cut.replace("株式会社", "");
        if core.chars().count() >= 3 {
            if let Some(p) = parties
                .defined
                .iter()
                .find(|p| p.name.contains(core.as_str()))
            {
                return Some(p.role);
            }
        }
    }
    None
}

/// Words a cell uses for what a party does (実施, 運用・障害対応, 報告).
const ACTS: [&str; 24] = [
    "実施", "担当", "対応", "管理", "報告", "作成", "提出", "確認", "承認", "運用", "保守", "監視",
    "調査", "復旧", "連絡", "通知", "協力", "支援", "助言", "判断", "決定", "取得", "保管", "責任",
];

/// Rows that name the parties' particulars (a signature block), not duties.
const PARTICULARS: [&str; 8] = [
    "住所",
    "所在地",
    "名称",
    "氏名",
    "代表者",
    "記名",
    "押印",
    "印",
];

/// Per sentence, how it binds when it is a row below the header of a
/// party-column table; None for every other sentence. A table counts only
/// when it has an item column and its cells mark acts (a symbol, or words
/// such as 実施 or 障害対応), so a signature block laid out as 甲 | 乙 is none.
pub fn read(sentences: &[Sentence], parties: &Parties) -> Vec<Option<Binding>> {
    let mut out: Vec<Option<Binding>> = vec![None; sentences.len()];
    // (table, its party columns) of the last header found.
    let mut header: Option<(u32, Arc<[Option<Role>]>)> = None;
    let mut last_row: Option<*const Row> = None;
    // Per table: whether any of its cells marks an act.
    let mut marking: std::collections::HashMap<u32, bool> = Default::default();
    for (i, s) in sentences.iter().enumerate() {
        if s.kind != SentenceKind::TableRow {
            continue;
        }
        let Some((row, at)) = &s.row else {
            continue;
        };
        let same_row = last_row == Some(Arc::as_ptr(row));
        last_row = Some(Arc::as_ptr(row));
        let cells: Vec<&str> = row.cells().collect();
        if !same_row {
            let roles: Vec<Option<Role>> = cells.iter().map(|c| column_role(c, parties)).collect();
            let has = |r: Role| roles.contains(&Some(r));
            if has(Role::Vendor) && has(Role::Customer) && roles.iter().any(Option::is_none) {
                header = Some((row.table, roles.into()));
                continue;
            }
        }
        let Some((_, columns)) = header.as_ref().filter(|(t, _)| *t == row.table) else {
            continue;
        };
        let item: String = columns
            .iter()
            .zip(&cells)
            .filter(|(r, _)| r.is_none())
            .map(|(_, c)| *c)
            .collect();
        if PARTICULARS.iter().any(|p| item.starts_with(p)) {
            continue;
        }
        let party_cells = || {
            columns
                .iter()
                .zip(cells.iter().chain(std::iter::repeat(&"")))
                .filter_map(|(role, cell)| role.map(|r| (r, *cell)))
        };
        let marks: Vec<(Role, Mark)> = party_cells().map(|(r, c)| (r, mark(c))).collect();
        let acts = party_cells().any(|(_, c)| {
            mark(c) != Mark::None && (!worded(c) || ACTS.iter().any(|a| c.contains(a)))
        });
        *marking.entry(row.table).or_default() |= acts;
        let bound_by = |m: Mark| -> Option<Role> {
            let roles: Vec<Role> = marks
                .iter()
                .filter(|(_, k)| *k == m)
                .map(|(r, _)| *r)
                .collect();
            let vendor = roles.iter().any(|r| matches!(r, Role::Vendor | Role::Both));
            let customer = roles
                .iter()
                .any(|r| matches!(r, Role::Customer | Role::Both));
            match (vendor, customer) {
                (true, true) => Some(Role::Both),
                (true, false) => Some(Role::Vendor),
                (false, true) => Some(Role::Customer),
                (false, false) => roles.first().copied(),
            }
        };
        let bound = bound_by(Mark::Primary).or_else(|| bound_by(Mark::Secondary));
        let worded = cells
            .iter()
            .enumerate()
            .map(|(c, cell)| columns.get(c).copied().flatten().is_some() && worded(cell))
            .collect();
        out[i] = Some(Binding {
            columns: Arc::clone(columns),
            worded,
            bound,
            row: Arc::clone(row),
            at: *at,
        });
    }
    // A table none of whose cells marks an act allocates nothing.
    for (b, s) in out.iter_mut().zip(sentences) {
        let table = s.row.as_ref().map(|(r, _)| r.table);
        if b.is_some() && !table.is_some_and(|t| marking.get(&t).copied().unwrap_or(false)) {
            *b = None;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Block, BlockKind, Document};
    use crate::rules::RuleSet;

    fn row(t: &str) -> Block {
        Block {
            page: None,
            kind: BlockKind::TableRow,
            label: None,
            text: t.into(),
        }
    }

    fn bindings(blocks: Vec<Block>) -> Vec<Option<Option<Role>>> {
        let rules = RuleSet::embedded().unwrap();
        let doc = Document {
            blocks,
            ..Document::default()
        };
        let sentences = crate::segment::segment(&doc);
        let parties = Parties::resolve(&sentences, &rules.lexicon.parties, None, &[]);
        read(&sentences, &parties)
            .into_iter()
            .map(|b| b.map(|b| b.bound))
            .collect()
    }

    #[test]
    fn the_party_whose_column_is_marked_is_bound_by_the_row() {
        let b = bindings(vec![
            Block::paragraph(None, "第5条（役割分担）"),
            row("項目\t甲\t乙"),
            row("障害の検知\t\t○"),
            row("院内端末の管理\t●\t－"),
            row("原因調査\t△\t◎"),
            row("協議\t○\t○"),
            row("対象外の作業\t―\t―"),
        ]);
        assert_eq!(
            b,
            vec![
                None,
                Some(Some(Role::Vendor)),
                Some(Some(Role::Customer)),
                Some(Some(Role::Vendor)),
                Some(Some(Role::Both)),
                Some(None),
            ]
        );
    }

    #[test]
    fn header_cells_name_parties_by_the_usual_labels_with_decorations() {
        let b = bindings(vec![
            row("\t病院側\t事業者の役割"),
            row("バックアップの取得\t\t実施"),
        ]);
        assert_eq!(b, vec![None, Some(Some(Role::Vendor))]);
        // A signature block names the parties but marks nothing they do.
        let b = bindings(vec![
            row("\t甲\t乙"),
            row("住所\t東京都千代田区一丁目1番\t大阪市北区二丁目2番"),
            row("\t医療法人社団翠明会\t株式会社サンプル"),
        ]);
        assert_eq!(b, vec![None, None, None]);
    }

    #[test]
    fn columns_headed_by_the_parties_names_or_roles_with_suffixes() {
        let b = bindings(vec![
            Block::paragraph(
                None,
                "医療法人社団翠明会（以下「甲」という。）と株式会社サンプル（以下「乙」という。）は、次のとおり合意する。",
            ),
            row("作業\t翠明会\t株式会社サンプル"),
            row("障害の報告\t\t○"),
            row("区分\t医療機関側の作業\t乙の対応"),
            row("監査\t○\t"),
        ]);
        assert_eq!(
            b[b.len() - 3..],
            [Some(Some(Role::Vendor)), None, Some(Some(Role::Customer))]
        );
    }

    #[test]
    fn a_table_without_party_columns_binds_no_one() {
        let b = bindings(vec![row("報告書\t頻度"), row("障害報告書\t都度")]);
        assert_eq!(b, vec![None, None]);
    }

    #[test]
    fn marks_and_words() {
        assert_eq!(mark("○"), Mark::Primary);
        assert_eq!(mark(" ✓ "), Mark::Primary);
        assert_eq!(mark("主"), Mark::Primary);
        assert_eq!(mark("副"), Mark::Secondary);
        assert_eq!(mark("支援"), Mark::Secondary);
        assert_eq!(mark("実施"), Mark::Primary);
        assert_eq!(mark("－"), Mark::None);
        assert_eq!(mark(""), Mark::None);
        assert!(worded("運用・障害対応"));
        assert!(!worded("◎"));
    }
}
