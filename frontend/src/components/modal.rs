//! Modals on a native `<dialog>` opened with `showModal()` (focus moves in,
//! the page behind is inert, Escape closes): the destructive-action one that
//! asks the user to type `confirm` before Delete enables, a form, and a
//! content panel.

use leptos::html;
use leptos::prelude::*;

use super::cli::CopyAsCli;

/// The word to type.
pub const CONFIRM_WORD: &str = "confirm";

/// A `<dialog>` node that opens with `showModal()` once mounted, and how to
/// close it: the dialog itself first (the browser then gives focus back to
/// the button that opened it, before the dialog leaves the DOM), then `open`.
fn modal(open: RwSignal<bool>) -> (NodeRef<html::Dialog>, impl Fn() + Copy) {
    let dialog = NodeRef::<html::Dialog>::new();
    dialog.on_load(|dialog| {
        let _ = dialog.show_modal();
    });
    let close = move || {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
        open.set(false);
    };
    (dialog, close)
}

/// The dialog's keydown handler: Escape closes it with `close` (the
/// browser's own cancel would leave `open` set).
fn escape_closes(close: impl Fn() + Copy) -> impl Fn(leptos::ev::KeyboardEvent) {
    move |ev| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close();
        }
    }
}

/// A modal that asks to type `confirm`; shown while `open` is true.
#[component]
pub fn ConfirmDelete(
    /// Whether the dialog is shown; set to false on close.
    open: RwSignal<bool>,
    /// Dialog title, e.g. "Delete server web-1".
    #[prop(into)]
    title: Signal<String>,
    /// What will happen, in one sentence.
    #[prop(into)]
    message: Signal<String>,
    /// Called once when the user confirms.
    on_confirm: Callback<()>,
    /// Text of the confirming button; "Delete" when absent.
    #[prop(optional)]
    action: Option<&'static str>,
    /// The AWS CLI command doing the same, shown under "Copy as CLI".
    #[prop(optional, into)]
    cli: Option<Signal<Option<String>>>,
    /// Fields choosing how the request is made (e.g. how DeleteHsm names
    /// the HSM), shown above the confirmation.
    #[prop(optional)]
    children: Option<ChildrenFn>,
) -> impl IntoView {
    let action = action.unwrap_or("Delete");
    let children = StoredValue::new(children);
    view! {
        <Show when=move || open.get()>
            <ConfirmDialog
                open=open
                title=title
                message=message
                on_confirm=on_confirm
                action=action
                cli=cli
                fields=children.get_value()
            />
        </Show>
    }
}

#[component]
fn ConfirmDialog(
    open: RwSignal<bool>,
    title: Signal<String>,
    message: Signal<String>,
    on_confirm: Callback<()>,
    action: &'static str,
    cli: Option<Signal<Option<String>>>,
    fields: Option<ChildrenFn>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let confirmed = move || typed.with(|t| t.trim() == CONFIRM_WORD);
    let (dialog, close) = modal(open);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if confirmed() {
            close();
            on_confirm.run(());
        }
    };
    view! {
        <dialog
            node_ref=dialog
            class="modal"
            aria-labelledby="confirm-title"
            aria-describedby="confirm-message"
            on:keydown=escape_closes(close)
        >
            <form on:submit=submit>
                <h2 id="confirm-title">{move || title.get()}</h2>
                <p id="confirm-message">{move || message.get()}</p>
                {fields.map(|fields| fields())}
                <label for="confirm-input">
                    "To confirm deletion, type " <q>{CONFIRM_WORD}</q> " in the field."
                </label>
                <input
                    id="confirm-input"
                    type="text"
                    autocomplete="off"
                    autofocus
                    placeholder=CONFIRM_WORD
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                {cli.map(|command| view! { <CopyAsCli command=command /> })}
                <div class="modal-actions">
                    <button type="button" class="btn btn-link" on:click=move |_| close()>
                        "Cancel"
                    </button>
                    <button
                        type="submit"
                        class="btn btn-primary btn-danger"
                        disabled=move || !confirmed()
                    >
                        {action}
                    </button>
                </div>
            </form>
        </dialog>
    }
}

/// A modal form on a native `<dialog>` opened with `showModal()` (Escape
/// and Cancel close it): a title, the caller's fields, Cancel and a submit
/// button. Mount it while it should show (e.g. under `<Show>`); `open` is set
/// to false when it closes.
#[component]
pub fn FormModal(
    /// Whether the dialog is shown; set to false on close.
    open: RwSignal<bool>,
    /// Element id of the title (the dialog's accessible name).
    title_id: &'static str,
    /// The title.
    title: String,
    /// Text of the submit button.
    submit_label: &'static str,
    /// Runs on submit; the dialog closes when it answers true (false keeps
    /// it open, e.g. to show what is wrong).
    on_submit: Callback<(), bool>,
    /// The fields (and Copy as CLI).
    children: Children,
) -> impl IntoView {
    let (dialog, close) = modal(open);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if on_submit.run(()) {
            close();
        }
    };
    view! {
        <dialog
            node_ref=dialog
            class="modal"
            aria-labelledby=title_id
            on:keydown=escape_closes(close)
        >
            <form on:submit=submit novalidate>
                <h2 id=title_id>{title}</h2>
                {children()}
                <div class="modal-actions">
                    <button type="button" class="btn btn-link" on:click=move |_| close()>
                        "Cancel"
                    </button>
                    <button type="submit" class="btn btn-primary">{submit_label}</button>
                </div>
            </form>
        </dialog>
    }
}

/// A modal showing the caller's content (which may hold forms of its own)
/// on a native `<dialog>` opened with `showModal()`: a title, the content
/// and Close (Escape closes too). Mount it while it should show; `open` is
/// set to false when it closes.
#[component]
pub fn ContentModal(
    /// Whether the dialog is shown; set to false on close.
    open: RwSignal<bool>,
    /// Element id of the title (the dialog's accessible name).
    title_id: &'static str,
    /// The title.
    title: String,
    /// The content.
    children: Children,
) -> impl IntoView {
    let (dialog, close) = modal(open);
    view! {
        <dialog
            node_ref=dialog
            class="modal modal-wide"
            aria-labelledby=title_id
            on:keydown=escape_closes(close)
        >
            <h2 id=title_id>{title}</h2>
            {children()}
            <div class="modal-actions">
                <button type="button" class="btn" on:click=move |_| close()>
                    "Close"
                </button>
            </div>
        </dialog>
    }
}
