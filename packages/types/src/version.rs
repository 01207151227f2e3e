//! The migration rule every Ballast contract applies.

/// Whether a contract whose cw2 record says (`stored_contract`, `stored_version`) may
/// migrate to code named `name` at `version`: the same contract, at that version or older.
/// Versions are dotted numbers ("0.1.0"); anything else is refused.
pub fn migrate_allowed(
    stored_contract: &str,
    stored_version: &str,
    name: &str,
    version: &str,
) -> bool {
    let parse = |v: &str| -> Option<Vec<u64>> { v.split('.').map(|p| p.parse().ok()).collect() };
    stored_contract == name
        && matches!((parse(stored_version), parse(version)), (Some(a), Some(b)) if a <= b)
}

#[cfg(test)]
mod tests {
    use super::migrate_allowed;

    #[test]
    fn same_contract_same_or_older_version_only() {
        assert!(migrate_allowed("c", "0.1.0", "c", "0.1.0"));
        assert!(migrate_allowed("c", "0.0.9", "c", "0.1.0"));
        assert!(
            migrate_allowed("c", "0.9.0", "c", "0.10.0"),
            "numeric, not lexical"
        );
        assert!(!migrate_allowed("c", "0.2.0", "c", "0.1.0"));
        assert!(!migrate_allowed("other", "0.1.0", "c", "0.1.0"));
        assert!(!migrate_allowed("c", "x.y", "c", "0.1.0"));
    }
}
