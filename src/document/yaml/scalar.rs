//! What a YAML scalar means, by the YAML 1.2 core schema (spec 10.3): the
//! tag decides when it is one of the core schema's (`!!str`, `!!int`,
//! `!!float`, `!!null`, `!!bool`, or written verbatim as
//! `!<tag:yaml.org,2002:int>`), `!` alone makes text, and a plain scalar
//! without one is resolved by its text. Integers of any size are read
//! (past 64 bits as [`Value::BigInt`]); floats past `f64`'s range are
//! infinite, as the spec's float is.
//!
//! This module only resolves text; it knows nothing of spans or trees.

use saphyr_parser::{ScalarStyle, Tag};

use super::Value;

/// The core schema's tag prefix (`!!` expands to it).
const CORE: &str = "tag:yaml.org,2002:";

/// The value of the scalar `text` written in `style` with `tag`, or `None`
/// when a core tag does not fit the text (`!!int x`, `!!null 0`).
/// A core tag outside the five the core schema resolves (`!!binary`,
/// `!!timestamp`) is kept like any other tag: the value is resolved as if
/// the scalar had none.
pub(super) fn resolve(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Option<Value> {
    let Some(tag) = tag else {
        return Some(untagged(text, style));
    };
    match core_suffix(tag) {
        Some("str") => Some(Value::Str(text.to_owned())),
        Some("null") => null(text).then_some(Value::Null),
        Some("bool") => boolean(text).map(Value::Bool),
        Some("int") => integer(text),
        Some("float") => float(text).or_else(|| integer(text).map(as_float)),
        // The non-specific tag `!`: a scalar that is text whatever it reads as.
        _ if tag.handle == "!" && tag.suffix.is_empty() => Some(Value::Str(text.to_owned())),
        _ => Some(untagged(text, style)),
    }
}

/// The suffix of a core schema tag (`int` of `!!int` or of
/// `!<tag:yaml.org,2002:int>`), `None` for any other tag.
pub(super) fn core_suffix(tag: &Tag) -> Option<&str> {
    if tag.handle == CORE {
        Some(&tag.suffix)
    } else if tag.handle.is_empty() || tag.handle == "!" {
        tag.suffix.strip_prefix(CORE)
    } else {
        None
    }
}

/// A scalar without a (core) tag: quoted ones are text, plain ones are
/// what their text reads as.
fn untagged(text: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::Str(text.to_owned());
    }
    if null(text) {
        Value::Null
    } else if let Some(b) = boolean(text) {
        Value::Bool(b)
    } else if let Some(value) = integer(text).or_else(|| float(text)) {
        value
    } else {
        Value::Str(text.to_owned())
    }
}

fn null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn boolean(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`, of any size.
fn integer(text: &str) -> Option<Value> {
    let (digits, radix, negative) = if let Some(hex) = text.strip_prefix("0x") {
        (hex, 16, false)
    } else if let Some(octal) = text.strip_prefix("0o") {
        (octal, 8, false)
    } else if let Some(decimal) = text.strip_prefix('-') {
        (decimal, 10, true)
    } else {
        (text.strip_prefix('+').unwrap_or(text), 10, false)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let decimal = to_decimal(digits, radix);
    let signed = if negative && decimal != "0" {
        format!("-{decimal}")
    } else {
        decimal
    };
    Some(match signed.parse::<i64>() {
        Ok(i) => Value::Int(i),
        Err(_) => Value::BigInt(signed),
    })
}

/// The digits of a number written in `radix`, in decimal without leading
/// zeros. `digits` are valid in `radix` (checked by the caller).
fn to_decimal(digits: &str, radix: u32) -> String {
    // Little-endian limbs of nine decimal digits each.
    const LIMB: u64 = 1_000_000_000;
    let mut limbs: Vec<u64> = vec![0];
    for digit in digits.chars().filter_map(|c| c.to_digit(radix)) {
        let mut carry = u64::from(digit);
        for limb in &mut limbs {
            let next = *limb * u64::from(radix) + carry;
            *limb = next % LIMB;
            carry = next / LIMB;
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    let mut out = String::new();
    for (i, limb) in limbs.iter().rev().enumerate() {
        if i == 0 {
            out.push_str(&limb.to_string());
        } else {
            out.push_str(&format!("{limb:09}"));
        }
    }
    out
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, or an infinity
/// or NaN as the core schema writes them. Past `f64`'s range a number is
/// infinite (`1e400`).
fn float(text: &str) -> Option<Value> {
    let special = match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Some(f64::NAN),
        _ => None,
    };
    if let Some(f) = special {
        return Some(Value::Float(f));
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = all_digits(whole)
        && all_digits(fraction)
        && (!whole.is_empty() || (mantissa.starts_with('.') && !fraction.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| !e.is_empty() && all_digits(e));
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    text.parse::<f64>().ok().map(Value::Float)
}

/// An integer read under `!!float`.
fn as_float(value: Value) -> Value {
    match value {
        Value::Int(i) => Value::Float(i as f64),
        Value::BigInt(digits) => Value::Float(digits.parse().unwrap_or(f64::NAN)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Value {
        untagged(text, ScalarStyle::Plain)
    }

    fn tagged(handle: &str, suffix: &str, text: &str, style: ScalarStyle) -> Option<Value> {
        let tag = Tag {
            handle: handle.to_owned(),
            suffix: suffix.to_owned(),
        };
        resolve(text, style, Some(&tag))
    }

    #[test]
    fn plain_scalars_resolve_by_the_core_schema() {
        assert_eq!(plain(""), Value::Null);
        assert_eq!(plain("~"), Value::Null);
        assert_eq!(plain("TRUE"), Value::Bool(true));
        assert_eq!(plain("yes"), Value::Str("yes".into()));
        assert_eq!(plain("0x1f"), Value::Int(31));
        assert_eq!(plain("0o17"), Value::Int(15));
        assert_eq!(plain("+12"), Value::Int(12));
        assert_eq!(plain("1_000"), Value::Str("1_000".into()));
        assert_eq!(plain("0b101"), Value::Str("0b101".into()));
        assert_eq!(plain("1e3"), Value::Float(1000.0));
        assert_eq!(plain(".5"), Value::Float(0.5));
        assert_eq!(plain("1."), Value::Float(1.0));
        assert_eq!(plain("1e400"), Value::Float(f64::INFINITY));
        assert_eq!(plain("-.inf"), Value::Float(f64::NEG_INFINITY));
        assert_eq!(plain("inf"), Value::Str("inf".into()));
        assert_eq!(plain("infinity"), Value::Str("infinity".into()));
        assert_eq!(plain("."), Value::Str(".".into()));
        assert_eq!(plain("1e"), Value::Str("1e".into()));
        assert_eq!(plain("2026-01-12"), Value::Str("2026-01-12".into()));
    }

    #[test]
    fn integers_of_any_size_are_read() {
        assert_eq!(plain("9223372036854775807"), Value::Int(i64::MAX));
        assert_eq!(
            plain("9223372036854775808"),
            Value::BigInt("9223372036854775808".into())
        );
        assert_eq!(
            plain("-000099999999999999999999"),
            Value::BigInt("-99999999999999999999".into())
        );
        assert_eq!(
            plain("0x8000000000000000"),
            Value::BigInt("9223372036854775808".into())
        );
        assert_eq!(
            plain("0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"),
            Value::BigInt(u128::MAX.to_string())
        );
        assert_eq!(plain("-0"), Value::Int(0));
    }

    #[test]
    fn core_tags_decide_the_type() {
        let (plain_style, quoted) = (ScalarStyle::Plain, ScalarStyle::DoubleQuoted);
        let core = "tag:yaml.org,2002:";
        assert_eq!(tagged(core, "int", "12", quoted), Some(Value::Int(12)));
        assert_eq!(
            tagged(core, "int", "0x1f", plain_style),
            Some(Value::Int(31))
        );
        assert_eq!(tagged(core, "int", "x", plain_style), None);
        assert_eq!(
            tagged(core, "str", "5", plain_style),
            Some(Value::Str("5".into()))
        );
        assert_eq!(
            tagged("", "tag:yaml.org,2002:str", "5", plain_style),
            Some(Value::Str("5".into()))
        );
        assert_eq!(tagged(core, "null", "", plain_style), Some(Value::Null));
        assert_eq!(tagged(core, "null", "0", plain_style), None);
        assert_eq!(
            tagged(core, "bool", "false", quoted),
            Some(Value::Bool(false))
        );
        assert_eq!(
            tagged(core, "float", "1", plain_style),
            Some(Value::Float(1.0))
        );
        assert_eq!(
            tagged("!", "", "12", plain_style),
            Some(Value::Str("12".into()))
        );
        assert_eq!(
            tagged("!", "degrees", "12", plain_style),
            Some(Value::Int(12))
        );
        assert_eq!(
            tagged(core, "binary", "R0lG", plain_style),
            Some(Value::Str("R0lG".into()))
        );
    }
}
