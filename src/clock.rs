//! The one place the clock is read: today in local time, or the day
//! `ALLIANCE_TODAY` names, so runs can be made reproducible. Library
//! modules that need a date take it as an argument; the commands and the
//! tasks ask here.

/// The environment variable that replaces today's date.
pub const TODAY_VAR: &str = "ALLIANCE_TODAY";

/// Today in local time, or the day `ALLIANCE_TODAY` names: the one clock
/// every command reads (`new`, `adopt`, and the defaults of `due --today`
/// and `review --date`), so runs can be made reproducible.
pub fn today() -> Result<jiff::civil::Date, crate::Failed> {
    Ok(fixed_today()?.unwrap_or_else(clock_today))
}

/// The day `ALLIANCE_TODAY` names, if it is set.
fn fixed_today() -> Result<Option<jiff::civil::Date>, crate::Failed> {
    match std::env::var(TODAY_VAR) {
        Ok(text) if !text.is_empty() => crate::document::dates::parse_date(text.trim())
            .map(Some)
            .map_err(|source| crate::Failed::Today {
                var: TODAY_VAR,
                value: text.clone(),
                source,
            }),
        _ => Ok(None),
    }
}

/// Today by the clock, in the local time zone (which costs a look through
/// the time-zone database).
fn clock_today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

/// [`today`] for a command that may not need it: `ALLIANCE_TODAY` is read
/// at once (a bad value fails before anything is written), the clock only
/// the first time the day is asked for.
pub struct LazyToday {
    fixed: Option<jiff::civil::Date>,
    clock: std::sync::OnceLock<jiff::civil::Date>,
}

impl LazyToday {
    /// Read `ALLIANCE_TODAY`.
    pub fn new() -> Result<LazyToday, crate::Failed> {
        Ok(LazyToday {
            fixed: fixed_today()?,
            clock: std::sync::OnceLock::new(),
        })
    }

    /// Today.
    pub fn get(&self) -> jiff::civil::Date {
        self.fixed
            .unwrap_or_else(|| *self.clock.get_or_init(clock_today))
    }
}
