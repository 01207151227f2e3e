use ballast_testing::{dec, Suite};
use ballast_types::oracle::{ExecuteMsg, FeederSubmission, QueryMsg, Submission};

use crate::contract_err;
use ballast_oracle::error::ContractError;

fn submissions(s: &Suite) -> Vec<FeederSubmission> {
    s.oracle_query(&QueryMsg::Submissions {
        asset: "BTC".into(),
    })
    .unwrap()
}

#[test]
fn median_of_fresh_feeders_once_quorum_is_met() {
    let mut s = Suite::with_assets(&["BTC"]);
    s.push(0, "BTC", "100").unwrap();
    // One feeder is below quorum (2): no answer yet.
    assert!(s.price("BTC").unwrap_err().to_string().contains("no price"));
    s.push(1, "BTC", "102").unwrap();
    assert_eq!(
        s.price("BTC").unwrap().price,
        dec("101"),
        "even count: mean of the middle two"
    );
    s.push(2, "BTC", "103").unwrap();
    let p = s.price("BTC").unwrap();
    assert_eq!(p.price, dec("102"));
    assert_eq!(p.publish_time, s.now());
}

#[test]
fn one_lying_feeder_does_not_move_the_median() {
    let mut s = Suite::with_assets(&["BTC"]);
    s.push(0, "BTC", "100").unwrap();
    s.push(1, "BTC", "100.5").unwrap();
    s.push(2, "BTC", "1000").unwrap();
    assert_eq!(s.price("BTC").unwrap().price, dec("100.5"));
}

#[test]
fn bad_23_stale_price() {
    let mut s = Suite::with_assets(&["BTC"]);
    s.push_all("BTC", "100");
    s.advance(60);
    assert_eq!(
        s.price("BTC").unwrap().price,
        dec("100"),
        "exactly at the bound: fresh"
    );
    s.advance(1);
    let err = s.price("BTC").unwrap_err().to_string();
    assert!(err.contains("stale"), "{err}");
    // Old submissions do not make a quorum with one fresh one.
    s.push(0, "BTC", "101").unwrap();
    assert!(s.price("BTC").unwrap_err().to_string().contains("stale"));
    s.push(1, "BTC", "101").unwrap();
    assert_eq!(s.price("BTC").unwrap().price, dec("101"));
}

#[test]
fn bad_24_unconfirmed_jump_is_held_until_confirmed() {
    let mut s = Suite::with_assets(&["BTC"]);
    s.push_all("BTC", "100");
    s.advance(5);
    // Two feeders (the median) jump 20 %: held, the query refuses to answer.
    s.push(0, "BTC", "120").unwrap();
    s.push(1, "BTC", "120").unwrap();
    let err = s.price("BTC").unwrap_err().to_string();
    assert!(err.contains("held until confirmed"), "{err}");
    // Confirmed by all three feeders agreeing.
    s.push(2, "BTC", "121").unwrap();
    assert_eq!(s.price("BTC").unwrap().price, dec("120"));
}

#[test]
fn jump_is_confirmed_by_an_update_in_a_later_block() {
    let mut s = Suite::with_assets(&["BTC"]);
    s.push_all("BTC", "100");
    s.advance(5);
    s.push(0, "BTC", "60").unwrap();
    s.push(1, "BTC", "60").unwrap();
    assert!(s.price("BTC").is_err());
    // A later block's update near the held median confirms it: median of 59, 60, 100.
    s.advance(5);
    s.push(0, "BTC", "59").unwrap();
    assert_eq!(s.price("BTC").unwrap().price, dec("60"));
}

#[test]
fn jump_back_within_bound_clears_the_pending_one() {
    let mut s = Suite::with_assets(&["BTC"]);
    s.push_all("BTC", "100");
    s.advance(5);
    s.push(0, "BTC", "150").unwrap();
    s.push(1, "BTC", "150").unwrap();
    assert!(s.price("BTC").is_err());
    s.push(1, "BTC", "101").unwrap_err(); // same publish time: outdated
    s.advance(1);
    s.push(1, "BTC", "101").unwrap();
    assert_eq!(s.price("BTC").unwrap().price, dec("101"));
}

#[test]
fn bad_25_price_of_zero() {
    let mut s = Suite::with_assets(&["BTC"]);
    assert_eq!(
        contract_err(s.push(0, "BTC", "0")),
        ContractError::ZeroPrice {
            asset: "BTC".into()
        }
    );
    assert!(submissions(&s).is_empty(), "nothing stored");
}

#[test]
fn future_publish_time_is_refused() {
    let mut s = Suite::with_assets(&["BTC"]);
    let t = s.now() + 1;
    assert!(matches!(
        contract_err(s.push_at(0, "BTC", "100", t)),
        ContractError::FutureSubmission { .. }
    ));
    assert!(submissions(&s).is_empty());
}

#[test]
fn inv_exactly_once_replayed_or_older_submission_is_refused() {
    let mut s = Suite::with_assets(&["BTC"]);
    let t = s.now();
    s.push_at(0, "BTC", "100", t).unwrap();
    let before = submissions(&s);
    s.advance(10);
    for (price, time) in [("100", t), ("90", t - 1)] {
        assert!(matches!(
            contract_err(s.push_at(0, "BTC", price, time)),
            ContractError::OutdatedSubmission { .. }
        ));
    }
    assert_eq!(submissions(&s), before);
}

#[test]
fn only_listed_feeders_push_listed_assets() {
    let mut s = Suite::with_assets(&["BTC"]);
    let stranger = s.app.api().addr_make("stranger");
    let t = s.now();
    let msg = ExecuteMsg::Push {
        submissions: vec![Submission {
            asset: "BTC".into(),
            price: dec("1"),
            publish_time: t,
        }],
    };
    assert!(matches!(
        contract_err(s.oracle_exec(&stranger, &msg)),
        ContractError::NotFeeder { .. }
    ));
    assert!(matches!(
        contract_err(s.push(0, "ETH", "1")),
        ContractError::UnknownAsset { .. }
    ));
    let empty = ExecuteMsg::Push {
        submissions: vec![],
    };
    let feeder = s.feeders[0].clone();
    assert_eq!(
        contract_err(s.oracle_exec(&feeder, &empty)),
        ContractError::EmptyPush {}
    );
    assert!(submissions(&s).is_empty());
}

#[test]
fn prices_answers_many_assets_or_fails_whole() {
    let mut s = Suite::with_assets(&["BTC", "ETH"]);
    s.push_all("BTC", "100");
    s.push_all("ETH", "10");
    let both: Vec<ballast_types::oracle::PriceResponse> = s
        .oracle_query(&QueryMsg::Prices {
            assets: vec!["BTC".into(), "ETH".into()],
        })
        .unwrap();
    assert_eq!(
        both.iter().map(|p| p.price).collect::<Vec<_>>(),
        vec![dec("100"), dec("10")]
    );
    let r: Result<Vec<ballast_types::oracle::PriceResponse>, _> =
        s.oracle_query(&QueryMsg::Prices {
            assets: vec!["BTC".into(), "SOL".into()],
        });
    assert!(r.unwrap_err().to_string().contains("not listed"));
    let many = (0..51).map(|i| format!("A{i}")).collect();
    let r: Result<Vec<ballast_types::oracle::PriceResponse>, _> =
        s.oracle_query(&QueryMsg::Prices { assets: many });
    assert!(r.unwrap_err().to_string().contains("too many assets"));
}
