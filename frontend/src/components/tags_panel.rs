//! The Tags panel of a resource (an OpsWorks CM server, a CloudHSM cluster
//! or backup): its tags in a table with Edit and Remove, and a form adding a
//! tag or overwriting the value of a key, checked by the `shared` validators,
//! with its "Copy as CLI" (and the commands removing the typed key's tag
//! and listing the tags). The tags are found, sorted and paged with the list
//! kit. [`ResourceTags`] loads and changes them through a service's
//! [`Tagged`] resource.

use leptos::prelude::*;
use shared::validation::{TagKey, TagValue};

use crate::api::ApiError;
use crate::components::cli::CopyAsCli;
use crate::components::flash::{Flashes, LoadFailed, OpTexts};
use crate::components::panel::Panel;
use crate::components::resource_table::{
    ListControls, ListHead, ListRow, ListToolbar, NoMatches, list_columns, page_of,
};

list_columns! {
    /// The columns of the tags table.
    COLUMNS = ["Key" => BY_KEY, "Value" => BY_VALUE, ""]
}

/// A tag as the list's controls see it: found and sorted by key or value.
fn list_row((key, value): &(String, String)) -> ListRow {
    ListRow {
        key: key.clone(),
        search: vec![key.clone(), value.clone()],
        sort: vec![key.clone(), value.clone()],
    }
}

/// A resource of one service whose tags a [`ResourceTags`] panel shows:
/// how the service lists and changes them, and the CLI commands that would.
pub trait Tagged: Clone + Send + Sync + 'static {
    /// The service's own rule for one tag, if it has one (see [`TagsPanel`]).
    const RULE: Option<TagRule> = None;

    /// Every tag, as `(key, value)` pairs.
    fn list(&self) -> impl Future<Output = TagsResult>;

    /// Adds the tag `(key, value)` or overwrites the key's value.
    fn tag(&self, key: &str, value: &str) -> impl Future<Output = Result<(), ApiError>>;

    /// Removes the tag of `key`.
    fn untag(&self, key: &str) -> impl Future<Output = Result<(), ApiError>>;

    /// The CLI command [`Self::tag`] sends; `None` when the input is invalid.
    fn tag_cli(&self, key: &str, value: &str) -> Option<String>;

    /// The CLI command [`Self::untag`] sends; `None` when the key is invalid.
    fn untag_cli(&self, key: &str) -> Option<String>;

    /// The CLI command [`Self::list`] sends.
    fn list_cli(&self) -> Option<String>;
}

/// The Tags panel of `resource`: loads its tags, and saves and removes
/// each under a flash (Retry runs the same call again), reloading after.
#[component]
pub fn ResourceTags<R: Tagged>(
    /// The resource; the panel reloads when it changes.
    resource: Signal<R>,
) -> impl IntoView {
    let refresh = RwSignal::new(0_u64);
    let tags = LocalResource::new(move || {
        let resource = resource.get();
        let _ = refresh.get();
        async move { resource.list().await }
    });
    let flashes = Flashes::expect();
    let on_save = Callback::new(move |(k, v): (String, String)| {
        let texts = OpTexts::new(
            format!("Saving tag {k}"),
            format!("Tag {k} saved"),
            format!("Could not save tag {k}"),
        );
        let resource = resource.get_untracked();
        let save = move || {
            let (resource, k, v) = (resource.clone(), k.clone(), v.clone());
            async move { resource.tag(&k, &v).await }
        };
        flashes.track(texts, refreshing(refresh, save));
    });
    let on_remove = Callback::new(move |k: String| {
        let texts = OpTexts::new(
            format!("Removing tag {k}"),
            format!("Tag {k} removed"),
            format!("Could not remove tag {k}"),
        );
        let resource = resource.get_untracked();
        let remove = move || {
            let (resource, k) = (resource.clone(), k.clone());
            async move { resource.untag(&k).await }
        };
        flashes.track(texts, refreshing(refresh, remove));
    });
    let cli = Callback::new(move |(k, v): (String, String)| resource.get().tag_cli(&k, &v));
    let remove_cli = Callback::new(move |k: String| resource.get().untag_cli(&k));
    let list_cli = Signal::derive(move || resource.get().list_cli());
    view! {
        <TagsPanel
            tags=tags
            on_save=on_save
            on_remove=on_remove
            cli=cli
            remove_cli=remove_cli
            list_cli=list_cli
            rule=R::RULE
        />
    }
}

/// `call`, then a bump of `refresh` whatever the outcome.
fn refreshing<C, F>(
    refresh: RwSignal<u64>,
    call: C,
) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = Result<(), ApiError>>>>
+ Clone
+ Send
+ Sync
+ 'static
where
    C: Fn() -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Result<(), ApiError>> + 'static,
{
    move || {
        let future = call();
        Box::pin(async move {
            let result = future.await;
            refresh.try_update(|n| *n += 1);
            result
        })
    }
}

/// A service's own check of one tag `(key, value)`: what is wrong, if anything.
pub type TagRule = fn(&str, &str) -> Option<String>;

/// The tags of a resource as `(key, value)` pairs, or why they could not be read.
pub type TagsResult = Result<Vec<(String, String)>, ApiError>;

/// A "Tags" panel (heading `tags-heading`, table named "Tags").
#[component]
pub fn TagsPanel(
    /// The resource's tags (reloaded by the caller after a change).
    tags: LocalResource<TagsResult>,
    /// Adds a tag or overwrites its value: `(key, value)`, both valid.
    on_save: Callback<(String, String)>,
    /// Removes the tag of a key.
    on_remove: Callback<String>,
    /// The CLI command for `(key, value)` as typed; `None` when invalid.
    cli: Callback<(String, String), Option<String>>,
    /// The CLI command removing the tag of a key; `None` when invalid.
    remove_cli: Callback<String, Option<String>>,
    /// The CLI command listing the tags.
    #[prop(into)]
    list_cli: Signal<Option<String>>,
    /// The service's own rule for one tag beyond the model's shapes
    /// (OpsWorks CM's trimmed 127/255 characters), if it has one.
    rule: Option<TagRule>,
) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let key_error = RwSignal::new(None::<String>);
    let value_error = RwSignal::new(None::<String>);
    let controls = ListControls::new(BY_KEY, true);
    let listing = Memo::new(move |_| {
        let rows = tags.with(|t| match t {
            Some(Ok(list)) => list.iter().map(list_row).collect(),
            _ => Vec::new(),
        });
        controls.list(rows)
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (k, v) = (key.get_untracked().trim().to_owned(), value.get_untracked());
        // The service's rule judges the key alone first, then with its value.
        let ke = TagKey::parse(k.clone())
            .err()
            .map(|e| e.to_string())
            .or_else(|| rule.and_then(|rule| rule(&k, "")));
        let ve = TagValue::parse(v.clone())
            .err()
            .map(|e| e.to_string())
            .or_else(|| rule.filter(|_| ke.is_none()).and_then(|rule| rule(&k, &v)));
        key_error.set(ke.clone());
        value_error.set(ve.clone());
        if ke.is_some() || ve.is_some() {
            return;
        }
        key.set(String::new());
        value.set(String::new());
        on_save.run((k, v));
    };
    let edit = move |k: String, v: String| {
        key.set(k);
        value.set(v);
    };
    view! {
        <Panel id="tags-heading" title="Tags">
            <form class="form" on:submit=submit novalidate>
                <div class="field-grid">
                    <TagInput id="tag-key" label="Tag key" value=key error=key_error />
                    <TagInput id="tag-value" label="Tag value" value=value error=value_error />
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary">"Save tag"</button>
                </div>
                <CopyAsCli command=Signal::derive(move || {
                    cli.run((key.get().trim().to_owned(), value.get()))
                }) />
                <CopyAsCli
                    label="CLI to remove the tag of this key"
                    command=Signal::derive(move || remove_cli.run(key.get().trim().to_owned()))
                />
                <CopyAsCli label="CLI to list the tags" command=list_cli />
            </form>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading tags…"</p> }>
                {move || Suspend::new(async move {
                    match tags.await {
                        Ok(list) => {
                            let empty = list.is_empty();
                            let none = move || {
                                empty
                                    .then(|| {
                                        view! {
                                            <tr>
                                                <td colspan="3" class="muted">"No tags"</td>
                                            </tr>
                                        }
                                    })
                            };
                            let rows = move || {
                                listing
                                    .with(|l| page_of(l, &list, |(k, _), key| k == key))
                                    .into_iter()
                                    .map(|(k, v)| {
                                        let (k1, v1, k2) = (k.clone(), v.clone(), k.clone());
                                        view! {
                                            <tr>
                                                <th scope="row" class="mono">{k.clone()}</th>
                                                <td>{v}</td>
                                                <td>
                                                    <div class="row-actions">
                                                        <button
                                                            type="button"
                                                            class="btn btn-small"
                                                            aria-label=format!("Edit tag {k}")
                                                            on:click=move |_| edit(k1.clone(), v1.clone())
                                                        >
                                                            "Edit"
                                                        </button>
                                                        <button
                                                            type="button"
                                                            class="btn btn-small"
                                                            aria-label=format!("Remove tag {k}")
                                                            on:click=move |_| on_remove.run(k2.clone())
                                                        >
                                                            "Remove"
                                                        </button>
                                                    </div>
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()
                            };
                            view! {
                                <ListToolbar controls=controls listing=listing label="Find tags" />
                                <Show
                                    when=move || listing.with(|l| l.matches > 0 || l.total == 0)
                                    fallback=move || {
                                        view! { <NoMatches controls=controls detail="No tag matches the filter." /> }
                                    }
                                >
                                    <table class="table" aria-labelledby="tags-heading">
                                        <ListHead columns=COLUMNS controls=controls />
                                        <tbody>{none} {rows.clone()}</tbody>
                                    </table>
                                </Show>
                            }
                                .into_any()
                        }
                        Err(err) => {
                            view! { <LoadFailed title="Could not load tags" detail=err.to_string() /> }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </Panel>
    }
}

/// A labelled input of the tag form; its error, set when Save is pressed,
/// is announced at once (`role="alert"`).
#[component]
fn TagInput(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type="text"
                autocomplete="off"
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        </div>
    }
}
