//! The console's form fields, each labelled, with a hint and an inline
//! error: a text input (over a signal or a derived value), a select, a
//! checkbox, a radio group, and a PEM text area that can also be filled from
//! a file (File API). Plus the box a form shows when the service refused its
//! request.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

use crate::api::ApiError;
use crate::components::busy_button::BusyButton;
use crate::components::cli::CopyAsCli;

/// Largest file a PEM field reads (engine attribute values hold at most 10,000 characters).
const MAX_UPLOAD_BYTES: f64 = 64.0 * 1024.0;

/// `aria-describedby` of a field: its hint and, while shown, its error.
fn described_by(id: &str, has_hint: bool, has_error: bool) -> String {
    let mut ids = Vec::new();
    if has_hint {
        ids.push(format!("{id}-hint"));
    }
    if has_error {
        ids.push(format!("{id}-error"));
    }
    ids.join(" ")
}

/// The error line under a field, when there is one.
fn error_line(id: &'static str, error: Option<String>) -> Option<impl IntoView> {
    error.map(|e| view! { <p class="field-error" id=format!("{id}-error")>{e}</p> })
}

/// What a text field shows and where its edits go: usually one signal
/// (`value=form.name`), or a derived value with its own writer (a default
/// that follows another field until edited).
#[derive(Clone, Copy)]
pub struct FieldValue {
    shown: Signal<String>,
    write: Callback<String>,
}

impl FieldValue {
    /// Shows `shown`; an edit calls `write`.
    pub fn derived(
        shown: impl Fn() -> String + Send + Sync + 'static,
        write: Callback<String>,
    ) -> Self {
        Self {
            shown: Signal::derive(shown),
            write,
        }
    }
}

impl From<RwSignal<String>> for FieldValue {
    fn from(signal: RwSignal<String>) -> Self {
        Self {
            shown: signal.into(),
            write: Callback::new(move |value| signal.set(value)),
        }
    }
}

/// A labelled text input. Its error shows as you type once the field was
/// edited, or when `show` is true (the form was submitted); not on blur: an
/// error appearing on blur moves the buttons below while the pointer is on
/// its way to them, and the click is lost.
#[component]
pub fn TextField(
    /// Element id (the label points at it; `{id}-hint`, `{id}-error` follow).
    id: &'static str,
    /// Visible label.
    label: &'static str,
    /// The value shown, and where edits go.
    #[prop(into)]
    value: FieldValue,
    /// What the validator says about the value; `None` is valid. Absent:
    /// anything goes.
    #[prop(optional, into)]
    error: Option<Signal<Option<String>>>,
    /// Show the error even before the field is edited.
    #[prop(into)]
    show: Signal<bool>,
    /// A sentence under the label.
    #[prop(optional)]
    hint: &'static str,
    /// Input type (`text`, `password`, `number`).
    #[prop(default = "text")]
    kind: &'static str,
    /// Placeholder text.
    #[prop(optional)]
    placeholder: &'static str,
) -> impl IntoView {
    let dirty = RwSignal::new(false);
    let visible_error = move || {
        (dirty.get() || show.get())
            .then(|| error.and_then(|e| e.get()))
            .flatten()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            <input
                id=id
                type=kind
                placeholder=placeholder
                autocomplete="off"
                aria-invalid=move || visible_error().is_some().to_string()
                aria-describedby=move || described_by(id, !hint.is_empty(), visible_error().is_some())
                prop:value=move || value.shown.get()
                on:input=move |ev| {
                    dirty.set(true);
                    value.write.run(event_target_value(&ev));
                }
            />
            {move || error_line(id, visible_error())}
        </div>
    }
}

/// A checkbox with its label after it (and an optional hint under both).
#[component]
pub fn CheckboxField(
    /// Element id (the label points at it).
    id: &'static str,
    /// Visible label.
    label: &'static str,
    /// Whether it is checked, written on change.
    checked: RwSignal<bool>,
    /// A sentence under the label.
    #[prop(optional)]
    hint: &'static str,
) -> impl IntoView {
    view! {
        <div class="field choice">
            <input
                id=id
                type="checkbox"
                aria-describedby=described_by(id, !hint.is_empty(), false)
                prop:checked=move || checked.get()
                on:change=move |ev| checked.set(event_target_checked(&ev))
            />
            <label for=id>{label}</label>
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
        </div>
    }
}

/// One choice of a [`RadioGroup`]: its value, element id and label.
pub type RadioChoice<T> = (T, &'static str, &'static str);

/// A group of radio buttons under a legend; the one equal to `value` is
/// checked, and choosing another writes it.
#[component]
pub fn RadioGroup<T>(
    /// The group's name (one per page).
    name: &'static str,
    /// The question the choices answer.
    legend: &'static str,
    /// The choices, in order.
    choices: Vec<RadioChoice<T>>,
    /// The chosen value.
    value: RwSignal<T>,
    /// Called after a choice is made (for fields that follow it).
    #[prop(optional)]
    on_choose: Option<Callback<T>>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    view! {
        <fieldset class="field">
            <legend>{legend}</legend>
            {choices
                .into_iter()
                .map(|(choice, id, label)| {
                    view! {
                        <div class="choice">
                            <input
                                type="radio"
                                id=id
                                name=name
                                prop:checked=move || value.get() == choice
                                on:change=move |_| {
                                    value.set(choice);
                                    if let Some(chosen) = on_choose {
                                        chosen.run(choice);
                                    }
                                }
                            />
                            <label for=id>{label}</label>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// A labelled select over `(value, label)` options, with an optional hint
/// and inline error; the option equal to `value` is selected.
#[component]
pub fn SelectField(
    /// Element id (the label points at it).
    id: &'static str,
    /// Visible label.
    label: &'static str,
    /// The chosen value, written on change.
    value: RwSignal<String>,
    /// The options as `(value, label)`, in order.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// A sentence under the label.
    #[prop(optional)]
    hint: &'static str,
    /// What is wrong with the choice; `None` is valid.
    #[prop(optional, into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            <select
                id=id
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=move || described_by(id, !hint.is_empty(), error.get().is_some())
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, text)| {
                            let chosen = v.clone();
                            view! {
                                <option value=v selected=move || value.with(|value| *value == chosen)>
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            {move || error_line(id, error.get())}
        </div>
    }
}

/// Options whose value is also their label.
pub fn plain_options<T: AsRef<str>>(values: impl IntoIterator<Item = T>) -> Vec<(String, String)> {
    values
        .into_iter()
        .map(|v| (v.as_ref().to_owned(), v.as_ref().to_owned()))
        .collect()
}

/// A labelled text area for a PEM block (a public key, a CSR), filled by
/// pasting or by choosing a file, which is read in the browser.
#[component]
pub fn PemField(
    /// Element id of the text area; the file input is `{id}-file`.
    id: &'static str,
    /// Visible label of the text area.
    label: &'static str,
    /// Label of the file input, e.g. "Upload CSR file".
    upload_label: &'static str,
    /// File types offered by the file chooser, e.g. `.pem,.csr`.
    accept: &'static str,
    /// The PEM text, written on input or when a file was read.
    value: RwSignal<String>,
    /// What the validator says about the value; `None` is valid.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Show the error even before the field is edited.
    #[prop(into)]
    show: Signal<bool>,
    /// A sentence under the label.
    #[prop(optional)]
    hint: &'static str,
) -> impl IntoView {
    let dirty = RwSignal::new(false);
    let file_error = RwSignal::new(None::<String>);
    let read_from = RwSignal::new(None::<String>);
    let visible_error = move || {
        file_error
            .get()
            .or_else(|| (dirty.get() || show.get()).then(|| error.get()).flatten())
    };
    let file_id = format!("{id}-file");
    let on_file = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // Let the same file be chosen again after an edit.
        input.set_value("");
        let file_name = file.name();
        if file.size() > MAX_UPLOAD_BYTES {
            file_error.set(Some(format!("{file_name} is too large for a PEM block.")));
            return;
        }
        spawn_local(async move {
            match JsFuture::from(file.text()).await {
                Ok(text) => {
                    value.set(text.as_string().unwrap_or_default());
                    dirty.set(true);
                    file_error.set(None);
                    read_from.set(Some(file_name));
                }
                Err(_) => file_error.set(Some(format!("Could not read {file_name}."))),
            }
        });
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            <textarea
                id=id
                class="mono pem"
                rows="6"
                spellcheck="false"
                autocomplete="off"
                aria-invalid=move || visible_error().is_some().to_string()
                aria-describedby=move || described_by(id, !hint.is_empty(), visible_error().is_some())
                prop:value=move || value.get()
                on:input=move |ev| {
                    dirty.set(true);
                    read_from.set(None);
                    value.set(event_target_value(&ev));
                }
            ></textarea>
            <div class="file-pick">
                <label for=file_id.clone()>{upload_label}</label>
                <input id=file_id type="file" accept=accept on:change=on_file />
                {move || read_from.get().map(|name| view! { <span class="hint">{format!("Read from {name}")}</span> })}
            </div>
            {move || error_line(id, visible_error())}
        </div>
    }
}

/// What the service answered when it refused a form's request: code,
/// message and request id, as an alert inside the form.
#[component]
pub fn FormError(
    /// Title, e.g. "Could not associate the node".
    title: &'static str,
    /// The last error, `None` to show nothing.
    #[prop(into)]
    error: Signal<Option<ApiError>>,
) -> impl IntoView {
    move || {
        error.get().map(|err| {
            let detail = err.to_string();
            let request_id = err
                .request_id()
                .map(|id| view! { <p class="flash-detail muted">{format!("Request id {id}")}</p> });
            view! {
                <div class="flash flash-error form-alert" role="alert">
                    <div class="flash-body">
                        <p class="flash-title">{title}</p>
                        <p class="flash-detail">{detail}</p>
                        {request_id}
                    </div>
                </div>
            }
        })
    }
}

/// The end of a form that sends one request: the service's refusal, the
/// actions (`children`, such as a Cancel link, then the submit button, busy
/// while the request runs) and the request as an AWS CLI command.
#[component]
pub fn FormFooter(
    /// [`FormError`]'s title, e.g. "Could not associate the node".
    failure: &'static str,
    /// The service's refusal of the last request.
    #[prop(into)]
    error: Signal<Option<ApiError>>,
    /// The submit button's label.
    submit: &'static str,
    /// The submit button's classes.
    #[prop(default = "btn btn-primary")]
    class: &'static str,
    /// True while the request runs (the button is then disabled).
    #[prop(optional, into)]
    busy: MaybeProp<bool>,
    /// The request as a CLI command, `None` while the inputs are invalid.
    #[prop(into)]
    cli: Signal<Option<String>>,
    /// Actions before the submit button.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let busy = Signal::derive(move || busy.get().unwrap_or(false));
    view! {
        <FormError title=failure error=error />
        <div class="form-actions">
            {children.map(|c| c())}
            <BusyButton busy=busy class=class>
                {submit}
            </BusyButton>
        </div>
        <CopyAsCli command=cli />
    }
}

#[cfg(test)]
mod tests {
    use super::described_by;

    #[test]
    fn describedby_names_hint_and_error() {
        assert_eq!(described_by("csr", true, true), "csr-hint csr-error");
        assert_eq!(described_by("csr", false, true), "csr-error");
        assert_eq!(described_by("csr", false, false), "");
    }
}
