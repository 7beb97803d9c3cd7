//! `{{name}}` variables in the texts a business saves (quick replies, the greeting and the away
//! message): every one used must be one the tool fills in, or the customer would get the braces
//! as written.

use crate::error::ApiError;

/// The `{{names}}` `text` uses, each checked against `known`; the error names `field`, the
/// unknown variable and the ones there are:
/// `text: unknown variable {{name}} (use {{customer_name}}, {{business_name}})`.
pub fn check(field: &str, text: &str, known: &[&str]) -> Result<(), ApiError> {
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else { break };
        let name = after[..j].trim();
        if !known.contains(&name) {
            return Err(ApiError::bad_value(format!(
                "{field}: unknown variable {{{{{name}}}}} (use {})",
                known.iter().map(|v| format!("{{{{{v}}}}}")).collect::<Vec<_>>().join(", ")
            )));
        }
        rest = &after[j + 2..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_variables_pass_and_an_unknown_one_is_named_with_the_known_ones() {
        let known = ["customer_name", "business_name"];
        assert!(check("text", "Hi {{customer_name}} of {{ business_name }}. {{x", &known).is_ok());
        let e = check("text", "Hello {{foo}}", &known).unwrap_err();
        assert_eq!(e.details, "text: unknown variable {{foo}} (use {{customer_name}}, {{business_name}})");
    }
}
