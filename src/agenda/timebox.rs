//! Time boxes: the meeting's minutes shared among the parts of the agenda
//! that have something in them, in proportion to their content, each at
//! least [`MIN_MINUTES`], summing exactly to the meeting's length.
//!
//! A part's weight is its number of entries times what an entry takes: a
//! change since the last review or an item read aloud is quick (1), a pulse
//! signal or an item due for review asks for a word (2), a review question
//! or a proposal is a conversation (3). Minutes beyond the minimums go by
//! largest remainder, ties to the earlier part, so the boxes add up.

/// The fewest minutes a part with anything in it gets.
pub const MIN_MINUTES: u32 = 3;

/// The parts of the meeting, in the agenda's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// What changed since the last review, its note and wins.
    SinceLastReview,
    /// The pulse: gaps, drops, broken and slipping agreements.
    HowItIsGoing,
    /// Every item, read aloud.
    ReadAloud,
    /// The kind's review questions.
    Questions,
    /// Items whose own review date has passed.
    Due,
    /// Proposals waiting for consent.
    Proposals,
}

impl Part {
    /// The part's heading.
    pub fn title(self) -> &'static str {
        match self {
            Part::SinceLastReview => "Since the last review",
            Part::HowItIsGoing => "How it is going",
            Part::ReadAloud => "Read aloud",
            Part::Questions => "Review questions",
            Part::Due => "Items due for review",
            Part::Proposals => "Proposals waiting",
        }
    }

    /// What one entry of the part weighs.
    fn weight(self) -> u64 {
        match self {
            Part::SinceLastReview | Part::ReadAloud => 1,
            Part::HowItIsGoing | Part::Due => 2,
            Part::Questions | Part::Proposals => 3,
        }
    }
}

/// The minutes of one part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct TimeBox {
    /// The part.
    pub part: Part,
    /// Its minutes.
    pub minutes: u32,
}

/// The meeting is too short for its parts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "--minutes {minutes} is too short for this agenda: its {parts} parts need at least {MIN_MINUTES} minutes each, {needed} in all"
)]
pub struct TooShort {
    /// The minutes asked for.
    pub minutes: u32,
    /// The parts with something in them.
    pub parts: usize,
    /// The fewest minutes that hold them.
    pub needed: u32,
}

/// Share `minutes` among the parts of `content` (part, number of entries)
/// that have entries.
pub fn allot(minutes: u32, content: &[(Part, usize)]) -> Result<Vec<TimeBox>, TooShort> {
    let parts: Vec<(Part, u64)> = content
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|&(part, n)| (part, part.weight().saturating_mul(n as u64)))
        .collect();
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let count = u32::try_from(parts.len()).unwrap_or(u32::MAX);
    let needed = count.saturating_mul(MIN_MINUTES);
    if minutes < needed {
        return Err(TooShort {
            minutes,
            parts: parts.len(),
            needed,
        });
    }
    let spare = u64::from(minutes - needed);
    let total: u64 = parts.iter().map(|(_, w)| *w).sum::<u64>().max(1);
    let mut boxes: Vec<TimeBox> = Vec::with_capacity(parts.len());
    let mut remainders: Vec<(u64, usize)> = Vec::with_capacity(parts.len());
    let mut given = 0u64;
    for (i, (part, weight)) in parts.iter().enumerate() {
        // spare ≤ 1440 and weights are counts: the product fits in u128.
        let share = u128::from(spare) * u128::from(*weight);
        let whole = u64::try_from(share / u128::from(total)).unwrap_or(0);
        let rest = u64::try_from(share % u128::from(total)).unwrap_or(0);
        given += whole;
        remainders.push((rest, i));
        boxes.push(TimeBox {
            part: *part,
            minutes: MIN_MINUTES + u32::try_from(whole).unwrap_or(0),
        });
    }
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders.into_iter().take((spare - given) as usize) {
        boxes[i].minutes += 1;
    }
    Ok(boxes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_sum_to_the_minutes_and_follow_the_content() {
        let content = [
            (Part::SinceLastReview, 4),
            (Part::HowItIsGoing, 0),
            (Part::ReadAloud, 10),
            (Part::Questions, 5),
            (Part::Due, 1),
            (Part::Proposals, 0),
        ];
        for minutes in 12..=300 {
            let boxes = allot(minutes, &content).expect("fits");
            assert_eq!(boxes.iter().map(|b| b.minutes).sum::<u32>(), minutes);
            assert!(boxes.iter().all(|b| b.minutes >= MIN_MINUTES));
            assert_eq!(boxes.len(), 4, "empty parts get no box");
        }
        let boxes = allot(60, &content).expect("fits");
        let minutes: Vec<u32> = boxes.iter().map(|b| b.minutes).collect();
        // Weights 4, 10, 15, 2 over 48 spare minutes.
        assert_eq!(minutes, [9, 19, 26, 6]);
    }

    #[test]
    fn too_short_is_refused() {
        let content = [(Part::ReadAloud, 3), (Part::Questions, 5)];
        assert_eq!(
            allot(5, &content),
            Err(TooShort {
                minutes: 5,
                parts: 2,
                needed: 6
            })
        );
        assert!(allot(6, &content).is_ok());
        assert_eq!(allot(1, &[]), Ok(Vec::new()));
    }
}
