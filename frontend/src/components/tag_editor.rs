//! Tags typed into a form before it is sent (CreateServer's `Tags`,
//! CreateCluster's and CopyBackupToRegion's `TagList`): rows of key and
//! value, checked by the `shared` validators as you type, with Add tag and
//! Remove.

use leptos::prelude::*;
use shared::validation::{TagKey, TagValue};

use super::tags_panel::TagRule;

/// One editable tag row.
#[derive(Clone, Copy)]
pub struct TagRow {
    /// Stable id of the row (element ids and the keyed list).
    pub id: u32,
    /// The key as typed.
    pub key: RwSignal<String>,
    /// The value as typed.
    pub value: RwSignal<String>,
}

/// The rows of a form's tags (a `Copy` handle).
#[derive(Clone, Copy, Default)]
pub struct TagDrafts {
    rows: RwSignal<Vec<TagRow>>,
    next_id: StoredValue<u32>,
    rule: Option<TagRule>,
}

impl TagDrafts {
    /// Drafts checked by the service's own `rule` too (OpsWorks CM's
    /// trimmed 127/255 characters).
    #[must_use]
    pub fn with_rule(rule: TagRule) -> Self {
        Self {
            rule: Some(rule),
            ..Self::default()
        }
    }

    /// The rows (tracked).
    pub fn rows(&self) -> Vec<TagRow> {
        self.rows.get()
    }

    /// Appends an empty row.
    pub fn add(&self) {
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        self.rows.update(|rows| {
            rows.push(TagRow {
                id,
                key: RwSignal::new(String::new()),
                value: RwSignal::new(String::new()),
            });
        });
    }

    /// Appends a row holding `key` and `value`.
    pub fn add_filled(&self, key: &str, value: &str) {
        self.add();
        if let Some(row) = self.rows.with_untracked(|rows| rows.last().copied()) {
            row.key.set(key.to_owned());
            row.value.set(value.to_owned());
        }
    }

    /// Removes row `id`.
    pub fn remove(&self, id: u32) {
        self.rows.update(|rows| rows.retain(|t| t.id != id));
    }

    /// What is wrong with a key, if anything (`aws:` keys are AWS's own).
    pub fn check_key(key: &str) -> Option<String> {
        if key.is_empty() {
            return Some("Enter a key, or remove the tag.".to_owned());
        }
        if TagKey::is_reserved(key) {
            return Some(format!(
                "Keys starting with {} are reserved by AWS.",
                TagKey::RESERVED_PREFIX
            ));
        }
        TagKey::parse(key).err().map(|e| e.to_string())
    }

    /// What is wrong with a value, if anything.
    pub fn check_value(value: &str) -> Option<String> {
        TagValue::parse(value).err().map(|e| e.to_string())
    }

    /// The first problem of any row, or a key given twice (tracked).
    pub fn error(&self) -> Option<String> {
        let rows = self.rows.get();
        let mut keys: Vec<String> = Vec::new();
        for row in rows {
            let key = row.key.get();
            let value = row.value.get();
            if let Some(error) = Self::check_key(&key)
                .or_else(|| Self::check_value(&value))
                .or_else(|| self.rule.and_then(|rule| rule(&key, &value)))
            {
                return Some(error);
            }
            if keys.contains(&key) {
                return Some(format!("Tag key {key} is given twice."));
            }
            keys.push(key);
        }
        None
    }

    /// The tags as validated key and value pairs, or the first problem (tracked).
    pub fn pairs(&self) -> Result<Vec<(TagKey, TagValue)>, String> {
        if let Some(error) = self.error() {
            return Err(error);
        }
        self.rows
            .get()
            .iter()
            .map(|row| {
                Ok((
                    TagKey::parse(row.key.get()).map_err(|e| e.to_string())?,
                    TagValue::parse(row.value.get()).map_err(|e| e.to_string())?,
                ))
            })
            .collect()
    }

    /// `key=value` of each row, as typed (untracked; for a review page).
    pub fn summary(&self) -> Vec<String> {
        self.rows
            .get_untracked()
            .iter()
            .map(|t| format!("{}={}", t.key.get_untracked(), t.value.get_untracked()))
            .collect()
    }
}

/// A "Tags" fieldset: one key/value row per tag, Remove on each, Add tag below.
#[component]
pub fn TagEditor(
    /// The rows.
    tags: TagDrafts,
    /// Show errors of rows not yet edited (the form was submitted).
    #[prop(into)]
    show: Signal<bool>,
    /// The fieldset's legend; "Tags" when absent.
    #[prop(optional)]
    legend: Option<&'static str>,
) -> impl IntoView {
    view! {
        <fieldset class="field tags">
            <legend>{legend.unwrap_or("Tags")}</legend>
            <For each=move || tags.rows() key=|row| row.id let:row>
                <TagEditorRow tags=tags row=row show=show />
            </For>
            <button type="button" class="btn btn-small" on:click=move |_| tags.add()>
                "Add tag"
            </button>
        </fieldset>
    }
}

#[component]
fn TagEditorRow(tags: TagDrafts, row: TagRow, show: Signal<bool>) -> impl IntoView {
    let key_id = format!("tag-key-{}", row.id);
    let value_id = format!("tag-value-{}", row.id);
    let error = move || {
        if show.get() || !row.key.with(String::is_empty) {
            TagDrafts::check_key(&row.key.get())
                .or_else(|| TagDrafts::check_value(&row.value.get()))
        } else {
            None
        }
    };
    view! {
        <div class="tag-row">
            <div>
                <label for=key_id.clone()>"Key"</label>
                <input
                    id=key_id
                    type="text"
                    prop:value=move || row.key.get()
                    on:input=move |ev| row.key.set(event_target_value(&ev))
                />
            </div>
            <div>
                <label for=value_id.clone()>"Value"</label>
                <input
                    id=value_id
                    type="text"
                    prop:value=move || row.value.get()
                    on:input=move |ev| row.value.set(event_target_value(&ev))
                />
            </div>
            <button type="button" class="btn btn-small" on:click=move |_| tags.remove(row.id)>
                "Remove"
            </button>
            {move || error().map(|e| view! { <p class="field-error">{e}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_pairs_or_the_first_error() {
        let tags = TagDrafts::default();
        assert_eq!(tags.pairs().map(|p| p.len()), Ok(0));
        tags.add_filled("team", "pki");
        tags.add_filled("env", "");
        let pairs = tags.pairs().unwrap();
        assert_eq!(pairs[0].0.as_str(), "team");
        assert_eq!(pairs[1].1.as_str(), "");
        assert_eq!(tags.summary(), ["team=pki", "env="]);

        tags.add_filled("team", "other");
        assert_eq!(
            tags.error().as_deref(),
            Some("Tag key team is given twice.")
        );
        let last = tags.rows.get_untracked()[2].id;
        tags.remove(last);
        assert_eq!(tags.error(), None);

        tags.add_filled("aws:owner", "me");
        assert!(tags.pairs().unwrap_err().contains("reserved"));
        let last = tags.rows.get_untracked()[2].id;
        tags.remove(last);
        tags.add_filled("AWS:Owner", "me");
        assert!(
            tags.pairs().unwrap_err().contains("reserved"),
            "AWS refuses the prefix in any case, as the backend does"
        );
    }
}
