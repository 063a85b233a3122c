//! The developer page's review section from `reviews::self_view`: their skip rate and review-off
//! share of AI edits beside their teams' medians, and their flagged merged pull requests.

use agentmeter_metrics::reviews::MIN_PEERS;
use agentmeter_web::pages::{FlaggedPullRequestRow, ReviewSelfRow, ReviewSelfView};
use agentmeter_web::{format, Figure};

use crate::reviews::self_view::ReviewSelf;

fn pct(value: Option<f64>) -> Figure {
    value.map_or_else(Figure::missing, |p| Figure::percent(p / 100.0))
}

fn median_basis(developers: Option<usize>) -> String {
    match developers {
        None => "no team".to_owned(),
        Some(n) if n < MIN_PEERS => {
            format!("team median withheld: fewer than {MIN_PEERS} developers with this figure")
        }
        Some(n) => format!("median of {n} developers in your teams"),
    }
}

/// The section of `data`, times in `tz`.
pub(crate) fn view(data: &ReviewSelf, tz: chrono_tz::Tz) -> ReviewSelfView {
    let peers = data.peers.as_ref();
    let skipped = data.skips.unreviewed + data.skips.rubber_stamped;
    let rows = vec![
        ReviewSelfRow {
            figure: "Review-skip rate of your merged pull requests".into(),
            yours: pct(data.skips.skip_rate_pct),
            team_median: pct(peers.and_then(|p| p.skip_rate_pct)),
            basis: format!(
                "{} of {} classified skipped · {}",
                format::integer(skipped),
                format::integer(data.skips.classified),
                median_basis(peers.map(|p| p.developers_with_skip_rate))
            ),
        },
        ReviewSelfRow {
            figure: "Your AI edits made with review off".into(),
            yours: pct(data.edits.unreviewed_share_pct),
            team_median: pct(peers.and_then(|p| p.review_off_share_pct)),
            basis: format!(
                "{} of {} edits in acceptEdits or bypassPermissions mode · {}",
                format::integer(data.edits.edits_unreviewed),
                format::integer(data.edits.edits),
                median_basis(peers.map(|p| p.developers_with_edits))
            ),
        },
    ];
    let flagged = data
        .flagged
        .iter()
        .map(|p| {
            let mut flags = Vec::new();
            if p.critical {
                flags.push("Critical path");
            }
            match p.outcome.as_deref() {
                Some("unreviewed") => flags.push("unreviewed"),
                Some("rubber-stamped") => flags.push("rubber-stamped"),
                _ => {}
            }
            FlaggedPullRequestRow {
                repository: p.repository.clone(),
                number: p.number.max(0) as u64,
                title: p.title.clone(),
                url: p.url.clone(),
                merged_at: p.merged_at.map_or_else(Figure::missing, |m| {
                    Figure::new(
                        format::date_time(m.with_timezone(&tz).naive_local()),
                        m.timestamp_millis() as f64,
                    )
                }),
                flags: flags.join(" · "),
            }
        })
        .collect();
    ReviewSelfView { rows, flagged }
}
