//! The default rule set (`clause_patterns/`), compiled into the binary so an
//! installed keiyaku works from any folder. A test keeps this list equal to
//! the folder's files.

pub const FILES: &[(&str, &str)] = &[
    (
        "ruleset.toml",
        include_str!("../../clause_patterns/ruleset.toml"),
    ),
    (
        "provisions/backup.toml",
        include_str!("../../clause_patterns/provisions/backup.toml"),
    ),
    (
        "provisions/compliance-disclosure.toml",
        include_str!("../../clause_patterns/provisions/compliance-disclosure.toml"),
    ),
    (
        "provisions/confidentiality.toml",
        include_str!("../../clause_patterns/provisions/confidentiality.toml"),
    ),
    (
        "provisions/data-location.toml",
        include_str!("../../clause_patterns/provisions/data-location.toml"),
    ),
    (
        "provisions/data-return-deletion.toml",
        include_str!("../../clause_patterns/provisions/data-return-deletion.toml"),
    ),
    (
        "provisions/emergency-contact-bcp.toml",
        include_str!("../../clause_patterns/provisions/emergency-contact-bcp.toml"),
    ),
    (
        "provisions/guideline-compliance.toml",
        include_str!("../../clause_patterns/provisions/guideline-compliance.toml"),
    ),
    (
        "provisions/incident-reporting.toml",
        include_str!("../../clause_patterns/provisions/incident-reporting.toml"),
    ),
    (
        "provisions/investigation-cooperation.toml",
        include_str!("../../clause_patterns/provisions/investigation-cooperation.toml"),
    ),
    (
        "provisions/investigation-lead.toml",
        include_str!("../../clause_patterns/provisions/investigation-lead.toml"),
    ),
    (
        "provisions/periodic-reporting.toml",
        include_str!("../../clause_patterns/provisions/periodic-reporting.toml"),
    ),
    (
        "provisions/personnel-education.toml",
        include_str!("../../clause_patterns/provisions/personnel-education.toml"),
    ),
    (
        "provisions/purpose-limitation.toml",
        include_str!("../../clause_patterns/provisions/purpose-limitation.toml"),
    ),
    (
        "provisions/remote-maintenance.toml",
        include_str!("../../clause_patterns/provisions/remote-maintenance.toml"),
    ),
    (
        "provisions/responsibility-scope.toml",
        include_str!("../../clause_patterns/provisions/responsibility-scope.toml"),
    ),
    (
        "provisions/security-update.toml",
        include_str!("../../clause_patterns/provisions/security-update.toml"),
    ),
    (
        "provisions/sla-availability.toml",
        include_str!("../../clause_patterns/provisions/sla-availability.toml"),
    ),
    (
        "provisions/subcontractor-responsibility.toml",
        include_str!("../../clause_patterns/provisions/subcontractor-responsibility.toml"),
    ),
    (
        "provisions/supervision-audit.toml",
        include_str!("../../clause_patterns/provisions/supervision-audit.toml"),
    ),
    (
        "provisions/transmission-security.toml",
        include_str!("../../clause_patterns/provisions/transmission-security.toml"),
    ),
    (
        "provisions/vendor-structure.toml",
        include_str!("../../clause_patterns/provisions/vendor-structure.toml"),
    ),
    (
        "lexicon/modality.toml",
        include_str!("../../clause_patterns/lexicon/modality.toml"),
    ),
    (
        "lexicon/parties.toml",
        include_str!("../../clause_patterns/lexicon/parties.toml"),
    ),
];

/// Write the embedded rule set into `dir` (created; must be empty if it
/// exists), so the rules of a run can be archived beside its report.
pub fn export(dir: &std::path::Path) -> std::io::Result<()> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} is not empty", dir.display()),
        ));
    }
    for (path, text) in FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(target, text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_files_are_exactly_the_clause_patterns_folder() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("clause_patterns");
        let mut on_disk = vec!["ruleset.toml".to_string()];
        for sub in ["provisions", "lexicon"] {
            for e in std::fs::read_dir(root.join(sub)).unwrap() {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                if name.ends_with(".toml") {
                    on_disk.push(format!("{sub}/{name}"));
                }
            }
        }
        on_disk.sort();
        let mut embedded: Vec<String> = super::FILES.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk);
        for (p, text) in super::FILES {
            assert_eq!(&std::fs::read_to_string(root.join(p)).unwrap(), text, "{p}");
        }
    }
}
