//! Services provided by several vendors (別冊 p.26, 図4-1): whether their
//! contracts, taken together, cover every provision.
//!
//! A provision is covered when any vendor of the service has it (the best
//! status among them), except those the rule set's `[services]` table ties to
//! one vendor's own contract: in case ① the lead vendor answers for the whole
//! service, so its contract must carry them; in case ② the hospital must
//! settle them with every vendor, so another vendor's contract never stands in.

use crate::config::{self, ServiceConfig};
use crate::report::model::{
    Coverage, ServiceCase, ServiceEvidence, ServiceProvision, ServiceReport, ServiceShortfall,
    Status, VendorReport, VendorStatus,
};
use crate::rules::RuleSet;

/// Evidence shown per provision of a service.
const MAX_EVIDENCE: usize = 3;

/// A `[[services]]` entry that cannot be used: the scan stops (exit 2),
/// since a service checked against the wrong vendors would mislead.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ServiceError {
    #[error("keiyaku.toml: サービスの name が空です / a service has an empty name")]
    EmptyName,
    #[error("keiyaku.toml: サービス「{0}」が二度書かれています / service {0:?} is declared twice")]
    Duplicate(String),
    #[error("keiyaku.toml: サービス「{0}」に事業者がありません。lead か vendors を書いてください / service {0:?} names no vendor: give lead or vendors")]
    NoVendors(String),
    #[error("keiyaku.toml: サービス「{service}」の事業者「{vendor}」は読んだフォルダにありません{hint} / service {service:?}: vendor {vendor:?} was not scanned")]
    UnknownVendor {
        service: String,
        vendor: String,
        /// 「（近い名前: …）」 or empty.
        hint: String,
    },
}

/// A declared service with its vendors found among the scanned ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub name: String,
    pub case: ServiceCase,
    /// Indices into the report's vendors, the lead first, each once.
    pub members: Vec<usize>,
}

/// Check the declarations themselves and, before any document is read,
/// that each vendor they name can be among the scanned ones: `known` holds
/// the vendor folders' names; `loose_files` says whether files lying
/// directly in a scanned folder may yet name other vendors in their preambles.
pub fn check(
    decls: &[(usize, ServiceConfig)],
    known: &[String],
    loose_files: bool,
) -> Result<(), ServiceError> {
    let mut names: Vec<&str> = Vec::new();
    for (_, s) in decls {
        let name = s.name.trim();
        if name.is_empty() {
            return Err(ServiceError::EmptyName);
        }
        if names.contains(&name) {
            return Err(ServiceError::Duplicate(name.to_string()));
        }
        names.push(name);
        if s.lead.is_none() && s.vendors.is_empty() {
            return Err(ServiceError::NoVendors(name.to_string()));
        }
        if loose_files {
            continue;
        }
        for v in s.lead.iter().chain(&s.vendors) {
            if !known.iter().any(|k| same_name(k, v)) {
                return Err(unknown(name, v, known));
            }
        }
    }
    Ok(())
}

fn unknown(service: &str, vendor: &str, known: &[String]) -> ServiceError {
    let near = config::closest(vendor, known);
    ServiceError::UnknownVendor {
        service: service.to_string(),
        vendor: vendor.to_string(),
        hint: if near.is_empty() {
            String::new()
        } else {
            format!("（近い名前 / closest: {}）", near.join("、"))
        },
    }
}

/// The same vendor as written in keiyaku.toml: exactly, or written loosely
/// (width, company-form words and spaces aside).
fn same_name(scanned: &str, declared: &str) -> bool {
    scanned == declared.trim() || config::loose(scanned) == config::loose(declared)
}

/// Find each declared vendor among the report's vendors. When several scanned
/// folders hold a vendor of that name, the one in the folder whose
/// keiyaku.toml declares the service is meant.
pub fn resolve(
    decls: &[(usize, ServiceConfig)],
    vendors: &[VendorReport],
    root_names: &[Option<String>],
) -> Result<Vec<Resolved>, ServiceError> {
    let names: Vec<String> = vendors.iter().map(|v| v.name.clone()).collect();
    let mut out = Vec::new();
    for (root, s) in decls {
        let here = root_names.get(*root).cloned().flatten();
        let find = |wanted: &str| -> Result<usize, ServiceError> {
            let matching: Vec<usize> = (0..vendors.len())
                .filter(|&i| same_name(&vendors[i].name, wanted))
                .collect();
            matching
                .iter()
                .copied()
                .find(|&i| vendors[i].root == here)
                .or_else(|| matching.first().copied())
                .ok_or_else(|| unknown(s.name.trim(), wanted, &names))
        };
        let mut members = Vec::new();
        for v in s.lead.iter().chain(&s.vendors) {
            let i = find(v)?;
            if !members.contains(&i) {
                members.push(i);
            }
        }
        out.push(Resolved {
            name: s.name.trim().to_string(),
            case: if s.lead.is_some() {
                ServiceCase::Lead
            } else {
                ServiceCase::Direct
            },
            members,
        });
    }
    Ok(out)
}

/// How good a status is for a service: a vendor that could not be read may
/// still have the provision, one that denies it is furthest from it.
fn goodness(s: Status) -> u8 {
    match s {
        Status::Present => 4,
        Status::Weak => 3,
        Status::Unknown => 2,
        Status::Missing => 1,
        Status::Negated => 0,
    }
}

/// The best status among vendors, as one vendor's documents are combined:
/// present > weak > negated, then unknown when any vendor could not be read
/// in full, else missing.
fn best(statuses: &[Status]) -> Status {
    for s in [
        Status::Present,
        Status::Weak,
        Status::Negated,
        Status::Unknown,
    ] {
        if statuses.contains(&s) {
            return s;
        }
    }
    Status::Missing
}

/// The worst status among vendors: every one of them must have it.
fn worst(statuses: &[Status]) -> Status {
    statuses
        .iter()
        .copied()
        .min_by_key(|s| goodness(*s))
        .unwrap_or(Status::Unknown)
}

/// One service's provisions as its vendors' contracts cover them.
pub fn evaluate(rules: &RuleSet, vendors: &[VendorReport], svc: &Resolved) -> ServiceReport {
    let members: Vec<&VendorReport> = svc.members.iter().filter_map(|&i| vendors.get(i)).collect();
    let mut provisions = Vec::new();
    let mut uncovered = Vec::new();
    let mut shortfalls = Vec::new();
    for (pi, p) in rules.provisions.iter().enumerate() {
        let coverage = match svc.case {
            ServiceCase::Lead if rules.services.lead.contains(&pi) => Coverage::Lead,
            ServiceCase::Direct if rules.services.each.contains(&pi) => Coverage::Each,
            _ => Coverage::Any,
        };
        // A vendor's own result for this provision (by id: a vendor's list
        // follows the rule set, but the id is what ties them).
        let own: Vec<(
            &VendorReport,
            Option<&crate::report::model::ProvisionResult>,
        )> = members
            .iter()
            .map(|v| (*v, v.provisions.iter().find(|r| *r.names.id == *p.id)))
            .collect();
        let status_of = |r: Option<&crate::report::model::ProvisionResult>| {
            r.map(|r| r.status).unwrap_or(Status::Unknown)
        };
        let statuses: Vec<Status> = own.iter().map(|(_, r)| status_of(*r)).collect();
        let status = match coverage {
            Coverage::Any => best(&statuses),
            Coverage::Lead => statuses.first().copied().unwrap_or(Status::Unknown),
            Coverage::Each => worst(&statuses),
        };
        let deciders: Vec<usize> = match coverage {
            Coverage::Lead => vec![0],
            _ => (0..statuses.len())
                .filter(|&i| statuses[i] == status)
                .collect(),
        };
        let mut evidence = Vec::new();
        for &i in &deciders {
            let Some((v, Some(r))) = own.get(i) else {
                continue;
            };
            for e in r.evidence.iter().take(1) {
                if evidence.len() < MAX_EVIDENCE {
                    evidence.push(ServiceEvidence {
                        vendor: v.name.clone(),
                        evidence: e.clone(),
                    });
                }
            }
        }
        if !statuses
            .iter()
            .any(|s| matches!(s, Status::Present | Status::Weak))
        {
            uncovered.push(p.names.id.clone());
        }
        let required: &[usize] = match coverage {
            Coverage::Any => &[],
            Coverage::Lead => &[0],
            Coverage::Each => &(0..statuses.len()).collect::<Vec<_>>(),
        };
        for &i in required {
            let (Some((v, _)), Some(&s)) = (own.get(i), statuses.get(i)) else {
                continue;
            };
            if s != Status::Present {
                shortfalls.push(ServiceShortfall {
                    provision: p.names.id.clone(),
                    vendor: v.name.clone(),
                    status: s,
                    reason: reason_ja(svc.case, &p.short),
                });
            }
        }
        provisions.push(ServiceProvision {
            id: p.names.id.clone(),
            short: p.names.short.clone(),
            status,
            coverage,
            vendors: own
                .iter()
                .zip(&statuses)
                .map(|((v, _), s)| VendorStatus {
                    vendor: v.name.clone(),
                    status: *s,
                })
                .collect(),
            evidence,
        });
    }
    ServiceReport {
        name: svc.name.clone(),
        case: svc.case,
        lead: match svc.case {
            ServiceCase::Lead => members.first().map(|v| v.name.clone()),
            ServiceCase::Direct => None,
        },
        vendors: members.iter().map(|v| v.name.clone()).collect(),
        provisions,
        uncovered,
        shortfalls,
    }
}

fn reason_ja(case: ServiceCase, short: &str) -> String {
    format!("{short}: {}", case.why_ja())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::ProvisionResult;

    fn vendor(name: &str, statuses: &[(&str, Status)]) -> VendorReport {
        VendorReport {
            name: name.into(),
            name_bytes: None,
            root: None,
            complete: true,
            external_storage: None,
            documents: Vec::new(),
            provisions: statuses
                .iter()
                .map(|(id, s)| ProvisionResult {
                    names: crate::rules::SharedNames::new(id, id, id),
                    status: *s,
                    applies: None,
                    conflict: false,
                    evidence: Vec::new(),
                    set_aside: None,
                    languages: None,
                    near_miss: None,
                })
                .collect(),
        }
    }

    fn all(rules: &RuleSet, s: Status) -> Vec<(&str, Status)> {
        rules
            .provisions
            .iter()
            .map(|p| (p.id.as_str(), s))
            .collect()
    }

    fn with<'a>(mut v: Vec<(&'a str, Status)>, id: &str, s: Status) -> Vec<(&'a str, Status)> {
        for e in v.iter_mut().filter(|e| e.0 == id) {
            e.1 = s;
        }
        v
    }

    fn status<'a>(r: &'a ServiceReport, id: &str) -> &'a ServiceProvision {
        r.provisions.iter().find(|p| &*p.id == id).unwrap()
    }

    #[test]
    fn any_vendor_covers_a_shared_provision_with_the_best_status() {
        let rules = RuleSet::embedded().unwrap();
        let a = vendor(
            "A",
            &with(
                all(&rules, Status::Present),
                "periodic-reporting",
                Status::Missing,
            ),
        );
        let b = vendor(
            "B",
            &with(
                all(&rules, Status::Missing),
                "periodic-reporting",
                Status::Weak,
            ),
        );
        let svc = Resolved {
            name: "S".into(),
            case: ServiceCase::Direct,
            members: vec![0, 1],
        };
        let r = evaluate(&rules, &[a, b], &svc);
        let p = status(&r, "periodic-reporting");
        assert_eq!((p.status, p.coverage), (Status::Weak, Coverage::Any));
        assert!(!r.uncovered.iter().any(|u| &**u == "periodic-reporting"));
    }

    #[test]
    fn a_per_vendor_provision_is_never_met_by_another_vendors_contract() {
        let rules = RuleSet::embedded().unwrap();
        let a = vendor("A", &all(&rules, Status::Present));
        let b = vendor(
            "B",
            &with(
                all(&rules, Status::Present),
                "investigation-lead",
                Status::Missing,
            ),
        );
        let svc = Resolved {
            name: "S".into(),
            case: ServiceCase::Direct,
            members: vec![0, 1],
        };
        let r = evaluate(&rules, &[a, b], &svc);
        let p = status(&r, "investigation-lead");
        assert_eq!((p.status, p.coverage), (Status::Missing, Coverage::Each));
        assert_eq!(r.shortfalls.len(), 1);
        assert_eq!(r.shortfalls[0].vendor, "B");
        // Covered by A, so not "no vendor covers it": a shortfall, not a gap.
        assert!(r.uncovered.is_empty());
    }

    #[test]
    fn the_lead_must_carry_subcontractor_responsibility_itself() {
        let rules = RuleSet::embedded().unwrap();
        let a = vendor(
            "A",
            &with(
                all(&rules, Status::Present),
                "subcontractor-responsibility",
                Status::Weak,
            ),
        );
        let b = vendor("B", &all(&rules, Status::Present));
        let svc = Resolved {
            name: "S".into(),
            case: ServiceCase::Lead,
            members: vec![0, 1],
        };
        let r = evaluate(&rules, &[a, b], &svc);
        let p = status(&r, "subcontractor-responsibility");
        assert_eq!((p.status, p.coverage), (Status::Weak, Coverage::Lead));
        assert_eq!(r.shortfalls[0].vendor, "A");
        // In case ① the investigation provisions are shared ones.
        assert_eq!(status(&r, "investigation-lead").coverage, Coverage::Any);
    }

    #[test]
    fn the_worst_of_each_ranks_a_denial_below_a_gap_and_a_gap_below_unread() {
        assert_eq!(
            worst(&[Status::Present, Status::Unknown, Status::Missing]),
            Status::Missing
        );
        assert_eq!(worst(&[Status::Missing, Status::Negated]), Status::Negated);
        assert_eq!(best(&[Status::Missing, Status::Unknown]), Status::Unknown);
        assert_eq!(best(&[Status::Negated, Status::Unknown]), Status::Negated);
    }

    fn decl(name: &str, lead: Option<&str>, vendors: &[&str]) -> (usize, ServiceConfig) {
        (
            0,
            ServiceConfig {
                name: name.into(),
                lead: lead.map(str::to_string),
                vendors: vendors.iter().map(|s| s.to_string()).collect(),
            },
        )
    }

    #[test]
    fn a_service_naming_an_unscanned_vendor_names_the_closest_folders() {
        let known = vec![
            "さくらメディカルクラウド".to_string(),
            "北斗システムサービス".to_string(),
        ];
        let e = check(&[decl("S", Some("さくらメディカル"), &[])], &known, false).unwrap_err();
        match e {
            ServiceError::UnknownVendor { hint, .. } => {
                assert!(hint.contains("さくらメディカルクラウド"))
            }
            e => panic!("{e}"),
        }
        // Written loosely (full-width, 株式会社) it is the same vendor.
        assert!(check(
            &[decl("S", Some("株式会社 北斗システムサービス"), &[])],
            &known,
            false
        )
        .is_ok());
        assert_eq!(
            check(&[decl("S", None, &[])], &known, false),
            Err(ServiceError::NoVendors("S".into()))
        );
        assert!(matches!(
            check(
                &[
                    decl("S", Some("北斗システムサービス"), &[]),
                    decl("S", None, &["北斗システムサービス"])
                ],
                &known,
                false
            ),
            Err(ServiceError::Duplicate(_))
        ));
    }
}
