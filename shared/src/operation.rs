//! The typed operation table: each API operation bound once to its wire name,
//! its input type and its output type.
//!
//! A service declares its table with [`operations!`], which generates
//! - the service's `Operation` enum (every wire name, `from_name`, `target`),
//! - a zero-sized marker type per operation in `ops` implementing
//!   [`ApiOperation`], so a caller writes `call::<ops::CreateBackup>(&input)`
//!   and the compiler checks the input and output,
//! - a `Handler` trait (implemented by anything that [`Handles`] every
//!   operation of the service) and `dispatch`, which decodes a body, runs the
//!   operation's handler and encodes its answer.
//!
//! The operation names are spelled in the tables of
//! `opsworkscm/operation.rs` and `cloudhsmv2/operation.rs` and nowhere else.

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::service::{Call, Service};

/// A service's operation enum.
pub trait OperationName: Copy + Send + Sync + 'static {
    /// The service the operations belong to.
    const SERVICE: Service;

    /// The exact wire name (`CreateBackup`).
    fn as_str(self) -> &'static str;

    /// The operation as a call of its service.
    fn call(self) -> Call;
}

/// One API operation, bound to its name and its input and output types.
pub trait ApiOperation: Send + Sync + 'static {
    /// The service's operation enum.
    type Name: OperationName;
    /// This operation's value of that enum.
    const NAME: Self::Name;
    /// The request shape.
    type Input: Serialize + DeserializeOwned + Send;
    /// The response shape.
    type Output: Serialize + DeserializeOwned + Send;
}

/// What a service's handler decodes requests with and answers errors in.
pub trait ServiceHandler: Sync {
    /// What each call is given besides its input (the caller, the region).
    type Context: ?Sized + Sync;
    /// The handler's error.
    type Error: Send;

    /// Decodes a request body into an operation's input.
    ///
    /// # Errors
    /// When the body does not hold a valid input.
    fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, Self::Error>;

    /// Encodes an operation's output.
    ///
    /// # Errors
    /// When the output cannot be serialized.
    fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, Self::Error>;
}

/// A value that serializes as the output `T`: `T` itself, or (where a
/// handler keeps answers pre-serialized) a type declared to give the same
/// JSON.
pub trait Encodes<T>: Serialize + Send {}

impl<T: Serialize + Send> Encodes<T> for T {}

/// Runs operation `O`.
pub trait Handles<O: ApiOperation>: ServiceHandler {
    /// Answers one call of `O`.
    fn handle(
        &self,
        context: &Self::Context,
        input: O::Input,
    ) -> impl Future<Output = Result<impl Encodes<O::Output>, Self::Error>> + Send;
}

/// Decodes `body` as the input of `O`, runs `handler` and encodes its output.
///
/// # Errors
/// The decoding error, the handler's error or the encoding error.
pub async fn run<O, H>(handler: &H, context: &H::Context, body: &[u8]) -> Result<Vec<u8>, H::Error>
where
    O: ApiOperation,
    H: Handles<O>,
{
    let input = H::decode::<O::Input>(body)?;
    let output = handler.handle(context, input).await?;
    H::encode(&output)
}

/// Declares a service's operation table (see the module doc).
macro_rules! operations {
    (
        $(#[$meta:meta])*
        service $service:ident, target $prefix:literal;
        $($name:ident: $input:ty => $output:ty,)+
    ) => {
        /// The `X-Amz-Target` prefix: `<prefix>.<Operation>`.
        pub const TARGET_PREFIX: &str = $prefix;

        $crate::wire_enum::wire_enum! {
            $(#[$meta])*
            pub enum Operation {
                $($name = stringify!($name),)+
            }
        }

        impl Operation {
            /// Looks an operation up by its exact name.
            #[must_use]
            pub fn from_name(name: &str) -> Option<Self> {
                Self::lookup(name)
            }

            /// Parses an `X-Amz-Target` header value (`<prefix>.<Name>`).
            #[must_use]
            pub fn from_target(target: &str) -> Option<Self> {
                let name = target.strip_prefix(TARGET_PREFIX)?.strip_prefix('.')?;
                Self::lookup(name)
            }

            /// The `X-Amz-Target` header value for this operation.
            #[must_use]
            pub fn target(self) -> String {
                let name = self.as_str();
                format!("{TARGET_PREFIX}.{name}")
            }
        }

        impl $crate::operation::OperationName for Operation {
            const SERVICE: $crate::service::Service = $crate::service::Service::$service;

            fn as_str(self) -> &'static str {
                Operation::as_str(self)
            }

            fn call(self) -> $crate::service::Call {
                $crate::service::Call::$service(self)
            }
        }

        /// One marker type per operation, binding it to its input and output.
        pub mod ops {
            #[allow(clippy::wildcard_imports)]
            use super::*;

            $(
                #[doc = concat!("The `", stringify!($name), "` operation.")]
                #[derive(Debug, Clone, Copy)]
                pub struct $name;

                impl $crate::operation::ApiOperation for $name {
                    type Name = Operation;
                    const NAME: Operation = Operation::$name;
                    type Input = $input;
                    type Output = $output;
                }
            )+
        }

        /// A handler of every operation of this service.
        pub trait Handler: $($crate::operation::Handles<ops::$name> +)+ {}

        impl<H: $($crate::operation::Handles<ops::$name> +)+> Handler for H {}

        /// Decodes `body` as the input of `operation`, runs `handler` and
        /// encodes the answer.
        ///
        /// # Errors
        /// The decoding error, the handler's error or the encoding error.
        pub async fn dispatch<H: Handler>(
            handler: &H,
            context: &H::Context,
            operation: Operation,
            body: &[u8],
        ) -> Result<Vec<u8>, H::Error> {
            // Each operation's future on the heap: inline, this future would
            // be as large as the largest operation's, and every call would
            // copy all of it (a copy that cost the wire door a third of its
            // time per call, whatever the operation).
            match operation {
                $(Operation::$name => Box::pin($crate::operation::run::<ops::$name, H>(handler, context, body)).await,)+
            }
        }
    };
}

pub(crate) use operations;
