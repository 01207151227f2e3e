//! The page size rule every Ballast list query applies.

/// Items per page when the caller gives no limit.
pub const DEFAULT_LIMIT: u32 = 10;
/// The most items one page returns, whatever the caller asks.
pub const MAX_LIMIT: u32 = 30;

/// `limit` capped at [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when absent.
pub fn page_limit(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_capped() {
        assert_eq!(page_limit(None), 10);
        assert_eq!(page_limit(Some(5)), 5);
        assert_eq!(page_limit(Some(5_000_000)), 30);
    }
}
