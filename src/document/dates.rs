//! Dates and review cadences.
//!
//! Dates are `jiff::civil::Date` values, never strings compared as text.
//! A cadence is a whole number of days, weeks, months or years; months and
//! years use calendar arithmetic, which clamps to the end of a shorter month
//! (31 January + 1 month = 28 or 29 February). Because clamping drifts when
//! repeated, a series of due dates is always computed from its anchor
//! ([`Cadence::nth_after`]), never by adding to the previous result.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use jiff::{Span as JiffSpan, ToSpan};

/// Parse a calendar date written exactly as `YYYY-MM-DD` (`2026-01-31`):
/// no space around it and no year 0000, as the published schemas'
/// `format: date` (RFC 3339's full-date, as validators such as Python's
/// `jsonschema` check it) refuses them too. Callers that read a command
/// line trim it first.
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    let shape_ok = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape_ok {
        // The text is quoted in a one-line message: a long one is clipped.
        return Err(DateError::Shape(super::clip(text, 40).into_owned()));
    }
    if text.starts_with("0000") {
        return Err(DateError::NoSuchDay(text.to_owned()));
    }
    Date::from_str(text).map_err(|_| DateError::NoSuchDay(text.to_owned()))
}

/// Why a date did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not written as `YYYY-MM-DD`.
    #[error("`{0}` is not a date written as YYYY-MM-DD")]
    Shape(String),
    /// Written right, but the day does not exist (`2026-02-30`).
    #[error("`{0}` is not a day of the calendar")]
    NoSuchDay(String),
}

/// The unit of a cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Calendar days.
    Day,
    /// Weeks of seven days.
    Week,
    /// Calendar months.
    Month,
    /// Calendar years.
    Year,
}

/// How often a review comes round: `3 months`, `6 weeks`, `quarterly`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cadence {
    /// How many units.
    pub count: u32,
    /// Which unit.
    pub unit: Unit,
}

/// Why a cadence did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a cadence: write a number and a unit (`3 months`, `6 weeks`, `14d`) or a word (weekly, fortnightly, monthly, quarterly, yearly)"
)]
pub struct CadenceError(pub String);

/// The largest count accepted, to keep date arithmetic in range.
const MAX_COUNT: u32 = 10_000;

impl FromStr for Cadence {
    type Err = CadenceError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || CadenceError(super::clip(text, 40).into_owned());
        let lower = text.trim().to_lowercase();
        let lower = lower.strip_prefix("every ").unwrap_or(&lower).trim();
        let word = |count, unit| Ok(Cadence { count, unit });
        match lower {
            "daily" => return word(1, Unit::Day),
            "weekly" => return word(1, Unit::Week),
            "fortnightly" | "biweekly" => return word(2, Unit::Week),
            "monthly" => return word(1, Unit::Month),
            "bimonthly" => return word(2, Unit::Month),
            "quarterly" => return word(3, Unit::Month),
            "half-yearly" | "biannually" | "semiannually" => return word(6, Unit::Month),
            "yearly" | "annually" => return word(1, Unit::Year),
            _ => {}
        }
        let digits = lower
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(lower.len());
        let (number, unit) = lower.split_at(digits);
        let count: u32 = if number.is_empty() {
            // "month", "week": one of them.
            1
        } else {
            number.parse().map_err(|_| err())?
        };
        if count == 0 || count > MAX_COUNT {
            return Err(err());
        }
        let written = unit.trim();
        let (count, unit) = match written {
            "d" | "day" | "days" => (count, Unit::Day),
            "w" | "wk" | "wks" | "week" | "weeks" => (count, Unit::Week),
            "m" | "mo" | "mos" | "month" | "months" => (count, Unit::Month),
            "q" | "quarter" | "quarters" => (count * 3, Unit::Month),
            "y" | "yr" | "yrs" | "year" | "years" => (count, Unit::Year),
            _ => return Err(err()),
        };
        if number.is_empty() && written.len() <= 2 {
            // A bare "d" or "m" is more likely a typo than "one day".
            return Err(err());
        }
        Ok(Cadence { count, unit })
    }
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.unit {
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
            Unit::Year => "year",
        };
        let plural = if self.count == 1 { "" } else { "s" };
        write!(f, "{} {name}{plural}", self.count)
    }
}

impl Cadence {
    fn span(self, times: i64) -> JiffSpan {
        let n = i64::from(self.count) * times;
        match self.unit {
            Unit::Day => n.days(),
            Unit::Week => n.weeks(),
            Unit::Month => n.months(),
            Unit::Year => n.years(),
        }
    }

    /// `date` plus this cadence, or `None` past the calendar's end.
    pub fn after(self, date: Date) -> Option<Date> {
        self.nth_after(date, 1)
    }

    /// `anchor` plus `n` times this cadence, computed from the anchor so that
    /// month-end clamping does not drift.
    pub fn nth_after(self, anchor: Date, n: i64) -> Option<Date> {
        anchor.checked_add(self.span(n)).ok()
    }

    /// `date` minus this cadence.
    pub fn before(self, date: Date) -> Option<Date> {
        date.checked_sub(self.span(1)).ok()
    }
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    // `Date::until` measures in days unless asked for larger units.
    from.until(to)
        .map(|span| i64::from(span.get_days()))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        parse_date(s).expect("date")
    }

    fn cadence(s: &str) -> Cadence {
        s.parse().expect("cadence")
    }

    #[test]
    fn dates() {
        assert!(parse_date("2026-02-28").is_ok());
        assert_eq!(
            parse_date("2026-02-30"),
            Err(DateError::NoSuchDay("2026-02-30".into()))
        );
        assert!(matches!(
            parse_date("2026-13-45"),
            Err(DateError::NoSuchDay(_))
        ));
        assert!(matches!(parse_date("next week"), Err(DateError::Shape(_))));
        assert!(matches!(parse_date("2026-1-5"), Err(DateError::Shape(_))));
        assert!(parse_date("2028-02-29").is_ok());
        assert!(parse_date("2027-02-29").is_err());
        // Exactly as the schemas' `format: date` wants it.
        assert!(matches!(
            parse_date(" 2026-01-12"),
            Err(DateError::Shape(_))
        ));
        assert!(matches!(
            parse_date("2026-01-12\n"),
            Err(DateError::Shape(_))
        ));
        assert!(matches!(
            parse_date("0000-01-01"),
            Err(DateError::NoSuchDay(_))
        ));
        assert!(parse_date("0001-01-01").is_ok());
    }

    #[test]
    fn cadences() {
        assert_eq!(
            cadence("3 months"),
            Cadence {
                count: 3,
                unit: Unit::Month
            }
        );
        assert_eq!(
            cadence("quarterly"),
            Cadence {
                count: 3,
                unit: Unit::Month
            }
        );
        assert_eq!(
            cadence("every 2 weeks"),
            Cadence {
                count: 2,
                unit: Unit::Week
            }
        );
        assert_eq!(
            cadence("14d"),
            Cadence {
                count: 14,
                unit: Unit::Day
            }
        );
        assert_eq!(
            cadence("1 Year"),
            Cadence {
                count: 1,
                unit: Unit::Year
            }
        );
        assert_eq!(
            cadence("2 quarters"),
            Cadence {
                count: 6,
                unit: Unit::Month
            }
        );
        assert_eq!(
            cadence("month"),
            Cadence {
                count: 1,
                unit: Unit::Month
            }
        );
        for bad in [
            "",
            "0 days",
            "soon",
            "3",
            "three months",
            "m",
            "-2 weeks",
            "99999 days",
        ] {
            assert!(bad.parse::<Cadence>().is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn month_ends_clamp_without_drift() {
        let monthly = cadence("monthly");
        let jan31 = date("2026-01-31");
        assert_eq!(monthly.after(jan31), Some(date("2026-02-28")));
        assert_eq!(monthly.after(date("2028-01-31")), Some(date("2028-02-29")));
        // From the anchor, the third month is 30 April, not 28 April.
        assert_eq!(monthly.nth_after(jan31, 3), Some(date("2026-04-30")));
        assert_eq!(
            cadence("1 year").after(date("2028-02-29")),
            Some(date("2029-02-28"))
        );
        assert_eq!(
            cadence("6 weeks").after(date("2026-12-01")),
            Some(date("2027-01-12"))
        );
    }

    #[test]
    fn day_counts() {
        assert_eq!(days_between(date("2026-11-01"), date("2026-11-21")), 20);
        assert_eq!(days_between(date("2026-11-21"), date("2026-11-01")), -20);
        assert_eq!(days_between(date("2028-02-28"), date("2028-03-01")), 2);
    }
}
