//! Names merchants give things (matrices, option groups, choices).

/// Longest name of a matrix, option group or choice label, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A trimmed, non-empty name of at most [`MAX_NAME_CHARS`] characters.
pub fn parse_name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() {
        return Err("must not be empty".to_owned());
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(format!(
            "is {chars} characters long; at most {MAX_NAME_CHARS} are allowed"
        ));
    }
    Ok(name.to_owned())
}
