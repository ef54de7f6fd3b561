//! Flash messages above the page: an operation shows "in progress", then
//! success, or the AWS error code and message with a Retry button. An
//! asynchronous operation (a backup) can stay "in progress" after the service
//! accepted it, until the live store says how it ended ([`Flashes::track_until`]).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;

/// How long a success message stays before it dismisses itself.
const SUCCESS_TTL: Duration = Duration::from_secs(8);

/// Tone of a flash message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    /// The operation is running.
    InProgress,
    /// The operation was accepted.
    Success,
    /// The operation failed.
    Error,
}

/// One flash message.
#[derive(Clone)]
pub struct Flash {
    id: u64,
    tone: Tone,
    title: String,
    detail: Option<String>,
    retry: Option<Arc<dyn Fn() + Send + Sync>>,
}

/// The flash messages of the page (a `Copy` handle; provided as context).
#[derive(Clone, Copy, Default)]
pub struct Flashes {
    list: RwSignal<Vec<Flash>>,
    next_id: StoredValue<u64>,
}

impl Flashes {
    /// The flashes provided by [`App`](crate::App).
    pub fn expect() -> Self {
        expect_context::<Self>()
    }

    fn push(&self, tone: Tone, title: String, detail: Option<String>) -> u64 {
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        self.list.update(|list| {
            list.push(Flash {
                id,
                tone,
                title,
                detail,
                retry: None,
            });
        });
        id
    }

    fn replace(&self, id: u64, flash: Flash) {
        self.list.update(|list| {
            if let Some(slot) = list.iter_mut().find(|f| f.id == id) {
                *slot = Flash { id, ..flash };
            } else {
                list.push(Flash { id, ..flash });
            }
        });
        if flash.tone == Tone::Success {
            let flashes = *self;
            set_timeout(move || flashes.dismiss(id), SUCCESS_TTL);
        }
    }

    /// Removes a message.
    pub fn dismiss(&self, id: u64) {
        self.list.try_update(|list| list.retain(|f| f.id != id));
    }

    /// Shows an error (code and message) with an optional Retry.
    pub fn error(
        &self,
        title: impl Into<String>,
        err: &ApiError,
        retry: Option<Arc<dyn Fn() + Send + Sync>>,
    ) {
        let id = self.push(Tone::Error, String::new(), None);
        self.replace(id, error_flash(title.into(), err, retry));
    }

    /// Runs `op` with a flash: `pending` while it runs, then `done` or the error
    /// (titled `failed`) with Retry, which runs it again.
    pub fn track<F, Fut, T>(&self, texts: OpTexts, op: F)
    where
        F: Fn() -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
        T: 'static,
    {
        self.run(
            texts,
            Arc::new(move || -> OpFuture {
                let future = op();
                Box::pin(async move { future.await.map(|_| None) })
            }),
        );
    }

    /// Like [`track`](Self::track), for an operation that goes on after the
    /// service accepted it: the flash shows `done` in progress until the
    /// [`Completion`] that `until` makes from the answer resolves, then its
    /// `done` title, or `failed` with the reason and Retry.
    pub fn track_until<F, Fut, T, U>(&self, texts: OpTexts, op: F, until: U)
    where
        F: Fn() -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
        T: 'static,
        U: Fn(&T) -> Completion + Clone + Send + Sync + 'static,
    {
        self.run(
            texts,
            Arc::new(move || -> OpFuture {
                let future = op();
                let until = until.clone();
                Box::pin(async move {
                    let value = future.await?;
                    Ok(Some(Box::new(move || until(&value)) as Watch))
                })
            }),
        );
    }

    /// The body of [`track`](Self::track) and [`track_until`](Self::track_until),
    /// on a type-erased operation so it is compiled once (a smaller WASM).
    fn run(&self, texts: OpTexts, op: Op) {
        let flashes = *self;
        let id = self.push(Tone::InProgress, texts.pending.clone(), None);
        let future = op();
        let retry = {
            let texts = texts.clone();
            move || -> Arc<dyn Fn() + Send + Sync> {
                let (texts, op) = (texts.clone(), op.clone());
                Arc::new(move || {
                    flashes.dismiss(id);
                    flashes.run(texts.clone(), op.clone());
                })
            }
        };
        spawn_local(async move {
            let watch = match future.await {
                Ok(watch) => watch,
                Err(err) => {
                    let flash = error_flash(texts.failed.clone(), &err, Some(retry()));
                    flashes.replace(id, flash);
                    return;
                }
            };
            let Some(watch) = watch else {
                flashes.replace(id, plain(Tone::Success, texts.done.clone(), None));
                return;
            };
            flashes.replace(id, plain(Tone::InProgress, texts.done.clone(), None));
            // The watch lives in its own owner, dropped once it resolved.
            let owner = Owner::new();
            let Completion { done, outcome } = owner.with(watch);
            let mut outcomes = owner.with(|| outcome.to_stream());
            let outcome = loop {
                match outcomes.next().await {
                    Some(Some(outcome)) => break Some(outcome),
                    Some(None) => {}
                    None => break None,
                }
            };
            drop(owner);
            match outcome {
                Some(Ok(())) => flashes.replace(id, plain(Tone::Success, done, None)),
                Some(Err(reason)) => flashes.replace(
                    id,
                    Flash {
                        retry: Some(retry()),
                        ..plain(Tone::Error, texts.failed.clone(), Some(reason))
                    },
                ),
                None => flashes.dismiss(id),
            }
        });
    }
}

/// A tracked operation with its answer erased: `Some` watch for
/// [`Flashes::track_until`], `None` for [`Flashes::track`].
type Op = Arc<dyn Fn() -> OpFuture + Send + Sync>;

/// One run of an [`Op`].
type OpFuture = Pin<Box<dyn Future<Output = Result<Option<Watch>, ApiError>>>>;

/// Makes the [`Completion`] from the answer (called inside the watch's owner).
type Watch = Box<dyn FnOnce() -> Completion>;

/// How an accepted operation ends, as [`Flashes::track_until`] watches it.
pub struct Completion {
    /// Title of the success message.
    pub done: String,
    /// `None` while it runs; then `Ok` or `Err` with the reason (tracked).
    pub outcome: Signal<Option<Result<(), String>>>,
}

/// A message without Retry.
fn plain(tone: Tone, title: String, detail: Option<String>) -> Flash {
    Flash {
        id: 0,
        tone,
        title,
        detail,
        retry: None,
    }
}

fn error_flash(title: String, err: &ApiError, retry: Option<Arc<dyn Fn() + Send + Sync>>) -> Flash {
    let mut detail = err.to_string();
    if let Some(request_id) = err.request_id() {
        detail.push_str(&format!(" (request id {request_id})"));
    }
    Flash {
        retry,
        ..plain(Tone::Error, title, Some(detail))
    }
}

/// The three texts of a tracked operation.
#[derive(Debug, Clone)]
pub struct OpTexts {
    /// While the request runs, e.g. "Deleting server web-1".
    pub pending: String,
    /// When it was accepted (for [`Flashes::track_until`]: while it goes on).
    pub done: String,
    /// Title of the error message.
    pub failed: String,
}

impl OpTexts {
    /// Builds the three texts.
    pub fn new(
        pending: impl Into<String>,
        done: impl Into<String>,
        failed: impl Into<String>,
    ) -> Self {
        Self {
            pending: pending.into(),
            done: done.into(),
            failed: failed.into(),
        }
    }
}

/// The stack of flash messages; errors are alerts, the rest polite status updates.
#[component]
pub fn FlashBar() -> impl IntoView {
    let flashes = Flashes::expect();
    view! {
        <div class="flashbar" aria-live="polite">
            <For
                each=move || flashes.list.get()
                key=|flash| (flash.id, flash.tone, flash.title.clone())
                let:flash
            >
                <FlashMessage flash=flash />
            </For>
        </div>
    }
}

#[component]
fn FlashMessage(flash: Flash) -> impl IntoView {
    let flashes = Flashes::expect();
    let id = flash.id;
    let (class, role) = match flash.tone {
        Tone::InProgress => ("flash flash-in-progress", "status"),
        Tone::Success => ("flash flash-success", "status"),
        Tone::Error => ("flash flash-error", "alert"),
    };
    let retry = flash.retry.map(|retry| {
        view! {
            <button type="button" class="btn btn-small" on:click=move |_| retry()>
                "Retry"
            </button>
        }
    });
    let spinner = (flash.tone == Tone::InProgress)
        .then(|| view! { <span class="spinner" aria-hidden="true"></span> });
    view! {
        <div class=class role=role>
            <div class="flash-body">
                <p class="flash-title">{spinner} {flash.title}</p>
                {flash.detail.map(|d| view! { <p class="flash-detail">{d}</p> })}
            </div>
            <div class="flash-actions">
                {retry}
                <button
                    type="button"
                    class="btn-icon"
                    aria-label="Dismiss"
                    on:click=move |_| flashes.dismiss(id)
                >
                    "×"
                </button>
            </div>
        </div>
    }
}

/// An inline error where a list or panel could not load: its title, the
/// error's words and, when `retry` is given, a Retry button that calls it.
#[component]
pub fn LoadFailed(
    /// What could not be loaded ("Could not load tags").
    #[prop(into)]
    title: String,
    /// The error's code and message.
    #[prop(into)]
    detail: String,
    /// Loads again.
    #[prop(default = None)]
    retry: Option<Callback<()>>,
) -> impl IntoView {
    let retry = retry.map(|retry| {
        view! {
            <div class="flash-actions">
                <button type="button" class="btn btn-small" on:click=move |_| retry.run(())>
                    "Retry"
                </button>
            </div>
        }
    });
    view! {
        <div class="flash flash-error" role="alert">
            <div class="flash-body">
                <p class="flash-title">{title}</p>
                <p class="flash-detail">{detail}</p>
            </div>
            {retry}
        </div>
    }
}
