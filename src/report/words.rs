//! Small helpers for the words of messages, shared by every module that
//! writes for people.

/// "1 agreement", "2 agreements".
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
