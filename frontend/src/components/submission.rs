//! The state of a form that sends one request, and the steps every such
//! form takes: check the inputs (their errors then show), send, show the
//! service's refusal in the form.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;

/// Whether a form was tried, whether it is sending, and what the service
/// said against it (a `Copy` handle).
#[derive(Debug, Clone, Copy, Default)]
pub struct Submission {
    /// Submit was tried: every field shows its error.
    pub attempted: RwSignal<bool>,
    /// The request is on its way.
    pub sending: RwSignal<bool>,
    /// The service's refusal, shown by the form's `FormError`.
    pub error: RwSignal<Option<ApiError>>,
}

impl Submission {
    /// Sends the request `request` builds (untracked) when the inputs are
    /// valid, and hands the answer to `done`; a refusal becomes the form's
    /// error. Invalid inputs only mark the form tried.
    pub fn send<R: 'static, E, T, F>(
        self,
        request: impl FnOnce() -> Result<R, E>,
        send: impl FnOnce(R) -> F + 'static,
        done: impl FnOnce(T) + 'static,
    ) where
        F: Future<Output = Result<T, ApiError>> + 'static,
        T: 'static,
    {
        self.attempted.set(true);
        let Ok(request) = untrack(request) else {
            return;
        };
        self.sending.set(true);
        self.error.set(None);
        spawn_local(async move {
            let answer = send(request).await;
            self.sending.set(false);
            match answer {
                Ok(value) => done(value),
                Err(err) => self.error.set(Some(err)),
            }
        });
    }

    /// The form's Submit handler: stops the page load, runs `before`
    /// (clearing the last answer shown), then [`send`](Self::send)s.
    pub fn on_submit<R: 'static, E, T, F>(
        self,
        request: impl Fn() -> Result<R, E> + Copy + 'static,
        before: impl Fn() + Copy + 'static,
        send: impl Fn(R) -> F + Copy + 'static,
        done: impl Fn(T) + Copy + 'static,
    ) -> impl Fn(leptos::ev::SubmitEvent) + Copy + 'static
    where
        F: Future<Output = Result<T, ApiError>> + 'static,
        T: 'static,
    {
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            before();
            self.send(request, send, done);
        }
    }
}
