//! The admin password rules as a checklist that ticks as you type (the rules
//! of `shared::opsworkscm::AdminPassword`).

use leptos::prelude::*;
use shared::opsworkscm::AdminPassword;

/// Special characters a password may (and must) use.
pub const PASSWORD_SPECIALS: &str = "!/@#$%^&+=_";

/// One rule: its check and how the checklist says it.
struct Rule {
    met: fn(&str) -> bool,
    text: &'static str,
}

const RULES: [Rule; 6] = [
    Rule {
        met: |p| (8..=32).contains(&p.len()),
        text: "8 to 32 characters",
    },
    Rule {
        met: |p| p.chars().any(|c| c.is_ascii_lowercase()),
        text: "a lower-case letter",
    },
    Rule {
        met: |p| p.chars().any(|c| c.is_ascii_uppercase()),
        text: "an upper-case letter",
    },
    Rule {
        met: |p| p.chars().any(|c| c.is_ascii_digit()),
        text: "a number",
    },
    Rule {
        met: |p| p.chars().any(|c| PASSWORD_SPECIALS.contains(c)),
        text: "a special character from !/@#$%^&+=_",
    },
    Rule {
        met: |p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || PASSWORD_SPECIALS.contains(c))
        },
        text: "no other characters",
    },
];

/// The checklist for `password`, each rule marked met or not met.
#[component]
pub fn PasswordRules(
    /// The password as typed.
    #[prop(into)]
    password: Signal<String>,
) -> impl IntoView {
    let items = RULES
        .iter()
        .map(|rule| {
            let met = rule.met;
            let ok = move || password.with(|p| met(p));
            view! {
                <li class=move || if ok() { "rule ok" } else { "rule" }>
                    <span aria-hidden="true">{move || if ok() { "✓ " } else { "○ " }}</span>
                    {rule.text}
                    <span class="visually-hidden">{move || if ok() { " (met)" } else { " (not met)" }}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="password-rules" aria-live="polite">
            <p class="hint">{AdminPassword::rules()}</p>
            <ul>{items}</ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_met_exactly_when_the_validator_accepts() {
        for password in [
            "Passw0rd!",
            "weak",
            "Pass word1!",
            "PASSWORD1!",
            "aA1_aaaa",
            "",
        ] {
            let all_met = RULES.iter().all(|rule| (rule.met)(password));
            assert_eq!(
                all_met,
                AdminPassword::parse(password).is_ok(),
                "{password}"
            );
        }
    }
}
