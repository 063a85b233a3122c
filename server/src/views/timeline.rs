//! Time axes of the weekly charts. A chart gets one point per week of its range, in order, so the
//! axis runs linearly in time: a week without data is drawn (zero, or a gap for a median) instead
//! of vanishing. A week the range cuts is marked, so three days of data do not read as a dip.

use std::collections::HashMap;

use chrono::NaiveDate;

use agentmeter_metrics::calendar::DateRange;
use agentmeter_web::format;

/// Appended to the label of a week the range cuts.
const PARTIAL: &str = "*";

/// `Nov 2`, or `Nov 2*` for a week the range cuts.
pub(crate) fn week_label(start: NaiveDate, partial: bool) -> String {
    let label = format::short_date(start);
    if partial {
        label + PARTIAL
    } else {
        label
    }
}

/// The chart title, saying what the mark means when a week carries it.
pub(crate) fn title_noting_partial_weeks(title: &str, any_partial: bool) -> String {
    if any_partial {
        format!("{title} ({PARTIAL} week cut by the range)")
    } else {
        title.to_owned()
    }
}

/// A weekly series over every week of `range`: labels, values (zero for a week `values` does
/// not name) and whether a week is cut.
pub(crate) struct Weekly {
    pub labels: Vec<String>,
    pub values: Vec<f64>,
    pub any_partial: bool,
}

pub(crate) fn every_week(range: DateRange, values: HashMap<NaiveDate, f64>) -> Weekly {
    let weeks = range.weeks();
    Weekly {
        labels: weeks
            .iter()
            .map(|w| week_label(w.start, w.partial))
            .collect(),
        values: weeks
            .iter()
            .map(|w| values.get(&w.start).copied().unwrap_or(0.0))
            .collect(),
        any_partial: weeks.iter().any(|w| w.partial),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn weeks_without_data_are_zeros_in_place_and_cut_weeks_are_marked() {
        // Thu 1 Oct to Sat 31 Oct 2026; data only in the weeks of 5 and 26 Oct.
        let range = DateRange::new(date("2026-10-01"), date("2026-10-31")).expect("range");
        let values = HashMap::from([(date("2026-10-05"), 3.0), (date("2026-10-26"), 1.5)]);

        let weekly = every_week(range, values);

        assert_eq!(
            weekly.labels,
            ["Sep 28*", "Oct 5", "Oct 12", "Oct 19", "Oct 26*"]
        );
        assert_eq!(weekly.values, [0.0, 3.0, 0.0, 0.0, 1.5]);
        assert!(weekly.any_partial);
    }
}
