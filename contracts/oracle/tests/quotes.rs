use ballast_testing::{dec, Suite};
use ballast_types::oracle::{ExecuteMsg, QueryMsg, QuoteResponse};
use cosmwasm_std::{SignedDecimal, StdResult};

fn quotes(s: &Suite, assets: &[&str]) -> StdResult<Vec<QuoteResponse>> {
    s.oracle_query(&QueryMsg::Quotes {
        assets: assets.iter().map(|a| a.to_string()).collect(),
    })
}

#[test]
fn quotes_equal_the_single_price_and_volatility_answers() {
    let mut s = Suite::with_assets(&["BTC", "ETH"]);
    let owner = s.owner.clone();
    s.oracle_exec(
        &owner,
        &ExecuteMsg::SetReference {
            asset: Some("BTC".into()),
        },
    )
    .unwrap();
    for (btc, eth) in [
        ("100", "10"),
        ("101", "10.3"),
        ("99", "9.7"),
        ("102", "10.1"),
    ] {
        s.advance(3600);
        s.push_all("BTC", btc);
        s.push_all("ETH", eth);
    }
    // In the order asked, each field from `Price` and `Volatility`.
    let got = quotes(&s, &["ETH", "BTC"]).unwrap();
    let want: Vec<QuoteResponse> = ["ETH", "BTC"]
        .iter()
        .map(|a| {
            let (p, v) = (s.price(a).unwrap(), s.volatility(a).unwrap());
            QuoteResponse {
                asset: a.to_string(),
                price: p.price,
                publish_time: p.publish_time,
                vol: v.vol,
                slow_vol: v.slow_vol,
                beta: v.beta,
                resid_vol: v.resid_vol,
            }
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(got[1].price, dec("102"));
    assert!(
        got[0].beta != SignedDecimal::zero() && got[0].vol > SignedDecimal::zero(),
        "ETH's figures against the reference come through: {:?}",
        got[0]
    );
    assert!(quotes(&s, &[]).unwrap().is_empty());
}

#[test]
fn quotes_fail_whole_like_price_on_a_stale_or_unknown_asset() {
    let mut s = Suite::with_assets(&["BTC", "ETH"]);
    s.push_all("BTC", "100");
    s.push_all("ETH", "10");
    s.advance(30);
    s.push_all("BTC", "100");
    s.advance(31); // ETH stale, BTC fresh
    assert!(s.price("BTC").is_ok());
    let stale = s.price("ETH").unwrap_err().to_string();
    assert!(stale.contains("is stale"), "{stale}");
    let err = quotes(&s, &["BTC", "ETH"]).unwrap_err().to_string();
    assert_eq!(err, stale, "the same error as `Price`");
    let err = quotes(&s, &["BTC", "SOL"]).unwrap_err().to_string();
    assert!(err.contains("SOL is not listed"), "{err}");
    let many: Vec<String> = (0..51).map(|i| format!("A{i}")).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let err = quotes(&s, &refs).unwrap_err().to_string();
    assert!(
        err.contains("too many assets in one query: 51 (at most 50)"),
        "{err}"
    );
    assert_eq!(quotes(&s, &["BTC"]).unwrap().len(), 1);
}
