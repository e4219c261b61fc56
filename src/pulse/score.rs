//! The arithmetic of a pulse: gaps between parties, and ruptures and
//! repairs in one person's own history.
//!
//! A *rupture* is a drop from one round to the next of at least one
//! standard deviation (the sample's, n - 1) of that person's earlier
//! scores, once there are at least two earlier rounds and they are not all
//! the same. A *repair* is a later round back at or above the level before
//! the drop. A *gap* is two parties at least the instrument's threshold
//! apart (with more parties: the spread, highest minus lowest).

/// A rupture (and its repair, if there was one) in a series of scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Break {
    /// The index of the round of the drop.
    pub at: usize,
    /// How far the score fell.
    pub drop: f64,
    /// The score before the drop.
    pub before: f64,
    /// The score after it.
    pub after: f64,
    /// The standard deviation it was measured against.
    pub sd: f64,
    /// The round it came back at or above `before`, and the score there.
    pub repair: Option<(usize, f64)>,
}

/// The sample standard deviation of `values` (0 for fewer than two).
pub fn sample_sd(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    var.sqrt()
}

/// The ruptures in `series` (one value per round, `None` where the person
/// did not answer: such rounds are skipped, not counted as zero).
///
/// One pass for the drops (the earlier scores' deviation kept as a running
/// mean and sum of squares, Welford's way) and one, from the end, for the
/// repairs: linear in the rounds (n log n with the repairs), where
/// recomputing the deviation and scanning ahead for each round was
/// quadratic.
pub fn breaks(series: &[Option<f64>]) -> Vec<Break> {
    let present: Vec<(usize, f64)> = series
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    let mut out = Vec::new();
    let mut spread = Spread::default();
    let mut drops = Vec::new();
    for k in 0..present.len() {
        if k >= 2 {
            let sd = spread.sd();
            let before = present[k - 1].1;
            let now = present[k].1;
            let drop = before - now;
            // A little slack for floating point: a drop of exactly one SD counts.
            if sd > 0.0 && drop > 0.0 && drop + 1e-9 >= sd {
                drops.push(k);
                out.push(Break {
                    at: present[k].0,
                    drop,
                    before,
                    after: now,
                    sd,
                    repair: None,
                });
            }
        }
        spread.add(present[k].1);
    }
    let repairs = first_at_least(&present, &drops);
    for (found, repair) in out.iter_mut().zip(repairs) {
        found.repair = repair;
    }
    out
}

/// For each drop at `present[k]` (`drops`, ascending), the first later
/// round whose score is back at or above the one before the drop.
///
/// Walked from the end with the later rounds' successive highs on a stack
/// (nearest first, each higher than the ones before it): the first one
/// high enough is found by a binary search.
fn first_at_least(present: &[(usize, f64)], drops: &[usize]) -> Vec<Option<(usize, f64)>> {
    let mut found = vec![None; drops.len()];
    // Indices into `present`; from the top: nearest, and rising.
    let mut highs: Vec<usize> = Vec::new();
    let mut next = drops.len();
    for j in (0..present.len()).rev() {
        // `highs` holds the rounds after `j`: the drop at `j` is answered
        // now, before `j` is pushed.
        while next > 0 && drops[next - 1] >= j {
            let k = drops[next - 1];
            let before = present[k - 1].1;
            // `highs` (top last) has values rising from top to bottom.
            let reach = highs.partition_point(|&h| present[h].1 + 1e-9 >= before);
            found[next - 1] = reach
                .checked_sub(1)
                .map(|at| (present[highs[at]].0, present[highs[at]].1));
            next -= 1;
        }
        while highs.last().is_some_and(|&h| present[h].1 <= present[j].1) {
            highs.pop();
        }
        highs.push(j);
    }
    found
}

/// The running mean and sum of squared deviations of the scores so far.
#[derive(Default)]
struct Spread {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Spread {
    fn add(&mut self, value: f64) {
        self.n += 1.0;
        let delta = value - self.mean;
        self.mean += delta / self.n;
        self.m2 += delta * (value - self.mean);
    }

    /// The sample standard deviation (0 for fewer than two).
    fn sd(&self) -> f64 {
        if self.n < 2.0 {
            return 0.0;
        }
        (self.m2 / (self.n - 1.0)).max(0.0).sqrt()
    }
}

/// The gap between the parties' scores: for two, the first's minus the
/// second's (signed); for more, the spread (highest minus lowest). `None`
/// unless at least two scores are there.
pub fn gap(scores: &[Option<f64>]) -> Option<f64> {
    let present: Vec<f64> = scores.iter().flatten().copied().collect();
    if present.len() < 2 {
        return None;
    }
    if scores.len() == 2 {
        return Some(present[0] - present[1]);
    }
    let max = present.iter().copied().fold(f64::MIN, f64::max);
    let min = present.iter().copied().fold(f64::MAX, f64::min);
    Some(max - min)
}

/// The mean of the values present.
pub fn mean(values: &[Option<f64>]) -> Option<f64> {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    (!present.is_empty()).then(|| present.iter().sum::<f64>() / present.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drop_of_one_sd_after_two_rounds_is_a_rupture_and_its_recovery_a_repair() {
        let series = [Some(4.0), Some(5.0), Some(4.0), Some(2.0), Some(4.0)];
        let found = breaks(&series);
        // 5 -> 4 after [4, 5] (sd 0.71) is a drop of 1: a rupture.
        assert_eq!(found[0].at, 2);
        // 4 -> 2 after [4, 5, 4] (sd 0.58): a rupture, repaired at round 4.
        assert_eq!(found[1].at, 3);
        assert_eq!(found[1].repair, Some((4, 4.0)));
        // The first one's level (5) is never reached again.
        assert_eq!(found[0].repair, None);
    }

    #[test]
    fn a_flat_history_has_no_rupture_and_two_rounds_are_not_enough() {
        assert!(breaks(&[Some(4.0), Some(4.0), Some(1.0)]).is_empty());
        assert!(breaks(&[Some(5.0), Some(1.0)]).is_empty());
    }

    #[test]
    fn rounds_not_answered_are_skipped() {
        let found = breaks(&[Some(3.0), None, Some(5.0), Some(3.0)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].at, 3);
    }

    #[test]
    fn gaps_are_signed_for_two_and_spread_for_more() {
        assert_eq!(gap(&[Some(2.0), Some(5.0)]), Some(-3.0));
        assert_eq!(gap(&[Some(2.0), Some(5.0), Some(4.0)]), Some(3.0));
        assert_eq!(gap(&[Some(2.0), None]), None);
    }
}
