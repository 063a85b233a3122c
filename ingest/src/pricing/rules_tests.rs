//! Hand-computed prices for every rule in `rules.rs`.

use chrono::{DateTime, TimeZone, Utc};

use super::*;

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn tokens(input: u64, output: u64, w5: u64, w1: u64, read: u64) -> RequestTokens {
    RequestTokens {
        input,
        output,
        cache_write_5m: w5,
        cache_write_1h: w1,
        cache_read: read,
    }
}

fn usd(
    model: &str,
    when: DateTime<Utc>,
    t: RequestTokens,
    speed: Option<&str>,
    geo: Option<&str>,
) -> f64 {
    price_request(&PriceTable::builtin(), model, when, &t, speed, geo)
        .map(|p| p.usd)
        .unwrap_or(f64::NAN)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn sonnet_prices_5m_and_1h_cache_writes_separately() {
    // 1000*3 + 2000*15 + 1000*3.75 + 2000*6 + 4000*0.3 = 49_950 per MTok
    let c = usd(
        "claude-sonnet-4-5-20250929",
        at(2026, 5, 1),
        tokens(1000, 2000, 1000, 2000, 4000),
        None,
        None,
    );
    assert!(close(c, 0.04995), "{c}");
}

#[test]
fn long_context_bills_the_whole_request_at_long_rates_above_200k() {
    // prompt = 150_000 + 1_000 + 2_000 + 100_000 = 253_000 > 200k
    // 150000*6 + 2000*22.5 + 1000*7.5 + 2000*12 + 100000*0.6 = 1_036_500
    let t = tokens(150_000, 2000, 1000, 2000, 100_000);
    let c = usd("claude-sonnet-4-5", at(2026, 5, 1), t, None, None);
    assert!(close(c, 1.0365), "{c}");
    let priced = price_request(
        &PriceTable::builtin(),
        "claude-sonnet-4-5",
        at(2026, 5, 1),
        &t,
        None,
        None,
    );
    assert_eq!(priced.map(|p| p.long_context), Some(true));
}

#[test]
fn exactly_200k_prompt_tokens_stay_at_base_rates() {
    // 200_000*3 + 1000*15 = 615_000
    let c = usd(
        "claude-sonnet-4-20250514",
        at(2026, 5, 1),
        tokens(200_000, 1000, 0, 0, 0),
        None,
        None,
    );
    assert!(close(c, 0.615), "{c}");
}

#[test]
fn opus_4_6_has_long_context_rates_only_before_2026_03_13() {
    let t = tokens(150_000, 2000, 1000, 2000, 100_000);
    // 150000*10 + 2000*37.5 + 1000*12.5 + 2000*20 + 100000*1.0 = 1_727_500
    assert!(close(
        usd("claude-opus-4-6", at(2026, 2, 1), t, None, None),
        1.7275
    ));
    // 150000*5 + 2000*25 + 1000*6.25 + 2000*10 + 100000*0.5 = 876_250
    assert!(close(
        usd("claude-opus-4-6", at(2026, 3, 13), t, None, None),
        0.87625
    ));
    // Models without long-context prices are flat.
    assert!(close(
        usd("claude-opus-4-7", at(2026, 2, 1), t, None, None),
        0.87625
    ));
}

#[test]
fn fast_mode_multiplies_opus_4_6_by_6_and_opus_5_by_2_only() {
    let t = tokens(1000, 2000, 1000, 2000, 4000);
    // base 1000*5 + 2000*25 + 1000*6.25 + 2000*10 + 4000*0.5 = 83_250
    assert!(close(
        usd("claude-opus-4-6", at(2026, 5, 1), t, Some("fast"), None),
        0.4995
    ));
    assert!(close(
        usd("claude-opus-4-8", at(2026, 5, 1), t, Some("fast"), None),
        0.1665
    ));
    assert!(close(
        usd("claude-opus-5", at(2026, 5, 1), t, Some("fast"), None),
        0.1665
    ));
    assert!(close(
        usd("claude-opus-4-5", at(2026, 5, 1), t, Some("fast"), None),
        0.08325
    ));
}

#[test]
fn us_inference_costs_ten_percent_more_on_4_6_and_later() {
    let t = tokens(1000, 2000, 1000, 2000, 4000);
    assert!(close(
        usd("claude-opus-4-6", at(2026, 5, 1), t, None, Some("us")),
        0.091575
    ));
    // Opus 4.1: 1000*15 + 2000*75 + 1000*18.75 + 2000*30 + 4000*1.5 = 249_750, no geo premium
    assert!(close(
        usd("claude-opus-4-1", at(2026, 5, 1), t, None, Some("us")),
        0.24975
    ));
}

#[test]
fn haiku_5_5_switches_to_its_prompt_tier_above_100k() {
    // 90000*0.5 + 1000*2.5 + 20000*0.05 = 48_500
    assert!(close(
        usd(
            "claude-haiku-5-5",
            at(2026, 11, 1),
            tokens(90_000, 1000, 0, 0, 20_000),
            None,
            None
        ),
        0.0485
    ));
    // 50000*0.1 + 1000*0.5 = 5_500
    assert!(close(
        usd(
            "claude-haiku-5-5",
            at(2026, 11, 1),
            tokens(50_000, 1000, 0, 0, 0),
            None,
            None
        ),
        0.0055
    ));
}

#[test]
fn sonnet_5_5_cache_read_price_follows_the_date() {
    let t = tokens(0, 0, 0, 0, 1_000_000);
    assert!(close(
        usd("claude-sonnet-5-5", at(2026, 10, 6), t, None, None),
        0.2
    ));
    assert!(close(
        usd("claude-sonnet-5-5", at(2026, 10, 7), t, None, None),
        0.1
    ));
}

#[test]
fn openai_cached_input_has_its_own_price() {
    // 750*1.75 + 250*0.175 + 125*14 = 3_106.25
    let c = usd(
        "gpt-5.2-codex",
        at(2026, 5, 13),
        tokens(750, 125, 0, 0, 250),
        None,
        None,
    );
    assert!(close(c, 0.00310625), "{c}");
    // gpt-5-pro has no cached price: cached tokens cost full input (15)
    assert!(close(
        usd(
            "gpt-5-pro",
            at(2026, 5, 13),
            tokens(0, 0, 0, 0, 1000),
            None,
            None
        ),
        0.015
    ));
}

#[test]
fn openai_long_context_starts_above_272k_input() {
    // 300000*5 + 1000*22.5 = 1_522_500
    assert!(close(
        usd(
            "gpt-5.4",
            at(2026, 5, 1),
            tokens(300_000, 1000, 0, 0, 0),
            None,
            None
        ),
        1.5225
    ));
    // 272_000 * 2.5 = 680_000
    assert!(close(
        usd(
            "gpt-5.4",
            at(2026, 5, 1),
            tokens(272_000, 0, 0, 0, 0),
            None,
            None
        ),
        0.68
    ));
    // the mini model has no long-context rule: 300000*0.75 = 225_000
    assert!(close(
        usd(
            "gpt-5.4-mini",
            at(2026, 5, 1),
            tokens(300_000, 0, 0, 0, 0),
            None,
            None
        ),
        0.225
    ));
}

#[test]
fn unknown_model_has_no_price() {
    let t = PriceTable::builtin();
    assert!(price_request(
        &t,
        "claude-nonexistent-9",
        at(2026, 5, 1),
        &tokens(1, 1, 0, 0, 0),
        None,
        None
    )
    .is_none());
}

#[test]
fn dated_and_prefixed_ids_find_their_model() {
    let t = tokens(1000, 2000, 1000, 2000, 4000);
    assert!(close(
        usd(
            "anthropic/claude-opus-4-7-20990101",
            at(2026, 5, 1),
            t,
            None,
            None
        ),
        0.08325
    ));
}
