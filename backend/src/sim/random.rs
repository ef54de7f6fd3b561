//! Where the simulator's random choices come from: the operating system's
//! generator, or one seeded by `--seed` / `POST /api/sim/seed`, so that the
//! same sequence of calls gives the same ids, ARNs, endpoints, default
//! windows, passwords, keys and certificates (as moto's `/moto-api/seed`).
//!
//! The simulator runs every operation and every scheduler pass inside
//! [`scope`]; the name makers below it draw with [`with`] and need no
//! generator passed down. Work moved to a blocking thread (key generation,
//! signing) takes a [`Fork`] of the current generator along.

use std::cell::RefCell;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rand::rngs::StdRng;
use rand::{Rng as _, RngCore, SeedableRng as _};

/// The simulator's generator.
#[derive(Debug, Default)]
pub(crate) struct Random {
    /// `None`: the operating system's generator.
    seeded: Mutex<Option<StdRng>>,
    /// Whether `seeded` holds one, so that an unseeded draw (every request
    /// id of a normal run) takes the thread's generator without the lock
    /// every worker thread would share.
    is_seeded: AtomicBool,
}

impl Random {
    /// Seeded with `seed`, or the operating system's when `None`.
    pub(crate) fn new(seed: Option<u64>) -> Self {
        Self {
            seeded: Mutex::new(seed.map(StdRng::seed_from_u64)),
            is_seeded: AtomicBool::new(seed.is_some()),
        }
    }

    /// Starts over from `seed` (or goes back to the operating system's).
    pub(crate) fn reseed(&self, seed: Option<u64>) {
        let mut seeded = self.seeded.lock().unwrap_or_else(|e| e.into_inner());
        *seeded = seed.map(StdRng::seed_from_u64);
        self.is_seeded.store(seed.is_some(), Ordering::Release);
    }

    /// Runs `f` with this generator.
    fn draw<R>(&self, f: impl FnOnce(&mut dyn RngCore) -> R) -> R {
        if !self.is_seeded() {
            return f(&mut rand::rng());
        }
        let mut seeded = self.seeded.lock().unwrap_or_else(|e| e.into_inner());
        match seeded.as_mut() {
            Some(rng) => f(rng),
            None => f(&mut rand::rng()),
        }
    }

    /// A random (version 4) UUID drawn from this generator, without a
    /// [`scope`] (a request id, drawn before the call runs).
    pub(crate) fn uuid(&self) -> uuid::Uuid {
        self.draw(uuid_from)
    }

    /// Whether it is seeded.
    fn is_seeded(&self) -> bool {
        self.is_seeded.load(Ordering::Acquire)
    }
}

tokio::task_local! {
    static CURRENT: Arc<Random>;
}

thread_local! {
    static FORKED: RefCell<Option<StdRng>> = const { RefCell::new(None) };
}

/// Runs `future` with `random` as the current generator.
pub(crate) async fn scope<F: Future>(random: Arc<Random>, future: F) -> F::Output {
    CURRENT.scope(random, future).await
}

/// Runs `f` with the current generator: a [`Fork`] being run, else the
/// simulator's inside [`scope`], else the operating system's.
pub(crate) fn with<R>(f: impl FnOnce(&mut dyn RngCore) -> R) -> R {
    let mut f = Some(f);
    let forked = FORKED.with(|forked| {
        forked
            .borrow_mut()
            .as_mut()
            .map(|rng| (f.take().expect("called once"))(rng))
    });
    if let Some(result) = forked {
        return result;
    }
    let f = f.take().expect("called once");
    match CURRENT.try_with(Arc::clone) {
        Ok(random) => random.draw(f),
        Err(_) => f(&mut rand::rng()),
    }
}

/// Whether the current generator is seeded: the simulator then makes keys
/// and signatures that depend on it alone.
pub(crate) fn is_seeded() -> bool {
    FORKED.with(|forked| forked.borrow().is_some())
        || CURRENT
            .try_with(|random| random.is_seeded())
            .unwrap_or(false)
}

/// The current generator's part for work on another thread.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fork(Option<u64>);

impl Fork {
    /// Takes the next seed from the current generator when it is seeded.
    pub(crate) fn take() -> Self {
        Self(is_seeded().then(|| with(|rng| rng.next_u64())))
    }

    /// Runs `f` (on this thread) with the forked generator as the current one.
    pub(crate) fn run<R>(self, f: impl FnOnce() -> R) -> R {
        let Some(seed) = self.0 else {
            return f();
        };
        let previous = FORKED.with(|forked| forked.replace(Some(StdRng::seed_from_u64(seed))));
        let result = f();
        FORKED.with(|forked| *forked.borrow_mut() = previous);
        result
    }
}

/// `n` characters drawn from `alphabet`.
pub(crate) fn chars(alphabet: &[u8], n: usize) -> String {
    with(|rng| {
        (0..n)
            .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
            .collect()
    })
}

/// `n` random lowercase hex digits.
pub(crate) fn hex(n: usize) -> String {
    chars(b"0123456789abcdef", n)
}

/// A random (version 4) UUID.
pub(crate) fn uuid() -> uuid::Uuid {
    with(uuid_from)
}

/// A random (version 4) UUID drawn from `rng`.
fn uuid_from(rng: &mut dyn RngCore) -> uuid::Uuid {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// `N` random bytes.
pub(crate) fn bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    with(|rng| rng.fill_bytes(&mut bytes));
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn draws(random: Arc<Random>) -> (String, uuid::Uuid, Option<u64>) {
        scope(random, async {
            let fork = Fork::take();
            let forked = std::thread::spawn(move || fork.run(|| with(|rng| rng.next_u64())))
                .join()
                .unwrap();
            (chars(b"abc", 12), uuid(), is_seeded().then_some(forked))
        })
        .await
    }

    #[tokio::test]
    async fn one_seed_gives_the_same_draws_and_no_seed_does_not() {
        let a = draws(Arc::new(Random::new(Some(7)))).await;
        let b = draws(Arc::new(Random::new(Some(7)))).await;
        assert_eq!(a, b);
        assert!(a.2.is_some(), "a fork of a seeded generator is seeded");
        let c = draws(Arc::new(Random::new(Some(8)))).await;
        assert_ne!(a.0, c.0);
        let d = draws(Arc::new(Random::new(None))).await;
        let e = draws(Arc::new(Random::new(None))).await;
        assert_ne!(d.1, e.1);
        assert_eq!(d.2, None);
    }

    #[tokio::test]
    async fn reseeding_starts_over() {
        let random = Arc::new(Random::new(Some(1)));
        let first = draws(Arc::clone(&random)).await;
        random.reseed(Some(1));
        assert_eq!(draws(Arc::clone(&random)).await, first);
        random.reseed(None);
        assert!(!scope(random, async { is_seeded() }).await);
    }

    #[test]
    fn outside_a_scope_the_operating_system_draws() {
        assert!(!is_seeded());
        assert_ne!(uuid(), uuid());
    }
}
