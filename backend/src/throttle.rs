//! Request throttling on the wire door: a token bucket per account, as the
//! service documents it ("five requests per second with a burst of 10").
//!
//! A refused request is answered with HTTP 400 `ThrottlingException`, which
//! AWS SDKs recognise and retry with backoff, so retry logic gets exercised.

use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Requests per second and burst size; `0` switches throttling off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Sustained requests per second.
    pub per_second: f64,
    /// Requests allowed at once from a full bucket.
    pub burst: f64,
}

impl RateLimit {
    /// The service's documented limit: 5 requests per second, burst of 10.
    pub const SERVICE: Self = Self {
        per_second: 5.0,
        burst: 10.0,
    };

    /// Whether this limit throttles at all.
    pub fn is_enabled(&self) -> bool {
        self.per_second > 0.0
    }
}

/// Slowest non-zero rate accepted: one request in a thousand seconds.
pub const MIN_RATE: f64 = 0.001;
/// Fastest rate and largest burst accepted.
pub const MAX_RATE: f64 = 1_000_000.0;

impl FromStr for RateLimit {
    type Err = String;

    /// `RPS`, `RPS/BURST` or `0` (off). A bare `RPS` gets a burst of twice it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let number = |v: &str| -> Result<f64, String> {
            let n: f64 = v
                .trim()
                .parse()
                .map_err(|_| format!("'{v}' is not a number"))?;
            if n.is_finite() && n >= 0.0 {
                Ok(n)
            } else {
                Err(format!("'{v}' must be zero or positive"))
            }
        };
        let (per_second, burst) = match s.split_once('/') {
            Some((rate, burst)) => (number(rate)?, number(burst)?),
            None => {
                let rate = number(s)?;
                (rate, rate * 2.0)
            }
        };
        if per_second > 0.0 && burst < 1.0 {
            return Err("the burst must allow at least one request".into());
        }
        // Bounded so that intervals (1 / rate) and bucket sizes stay sane:
        // 1e-300 requests per second would overflow every Duration.
        if per_second != 0.0 && !(MIN_RATE..=MAX_RATE).contains(&per_second) {
            return Err(format!(
                "the rate must be 0 (off) or from {MIN_RATE} to {MAX_RATE} requests per second"
            ));
        }
        if burst > MAX_RATE {
            return Err(format!("the burst must be at most {MAX_RATE}"));
        }
        Ok(Self { per_second, burst })
    }
}

/// A token bucket; time is passed in so tests need no sleeping.
#[derive(Debug)]
pub struct TokenBucket {
    limit: RateLimit,
    state: Mutex<(f64, Option<Instant>)>,
}

impl TokenBucket {
    /// A full bucket for `limit`.
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            state: Mutex::new((limit.burst, None)),
        }
    }

    /// Takes one token if there is one at `now`.
    pub fn try_acquire(&self, now: Instant) -> bool {
        if !self.limit.is_enabled() {
            return true;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let tokens = Self::refill(&mut state, self.limit, now);
        if tokens >= 1.0 {
            state.0 -= 1.0;
            true
        } else {
            false
        }
    }

    /// Takes one token now, going into debt when there is none, and returns
    /// how long the caller must wait before using it: callers that each wait
    /// their turn never exceed the rate (a client-side limiter).
    pub fn reserve(&self, now: Instant) -> Duration {
        if !self.limit.is_enabled() {
            return Duration::ZERO;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        Self::refill(&mut state, self.limit, now);
        state.0 -= 1.0;
        if state.0 >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-state.0 / self.limit.per_second)
        }
    }

    /// [`TokenBucket::reserve`] for callers that must not queue without
    /// bound: when the turn is more than `max_wait` away, nothing is taken
    /// and `None` says to refuse the call instead.
    pub fn reserve_within(&self, now: Instant, max_wait: Duration) -> Option<Duration> {
        if !self.limit.is_enabled() {
            return Some(Duration::ZERO);
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let tokens = Self::refill(&mut state, self.limit, now) - 1.0;
        let wait = if tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-tokens / self.limit.per_second)
        };
        (wait <= max_wait).then(|| {
            state.0 = tokens;
            wait
        })
    }

    fn refill(state: &mut (f64, Option<Instant>), limit: RateLimit, now: Instant) -> f64 {
        let (tokens, last) = state;
        if let Some(last) = *last {
            let elapsed = now.saturating_duration_since(last).as_secs_f64();
            *tokens = (*tokens + elapsed * limit.per_second).min(limit.burst);
        }
        *last = Some(now.max(last.unwrap_or(now)));
        *tokens
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rate_and_burst() {
        assert_eq!("5/10".parse::<RateLimit>().unwrap(), RateLimit::SERVICE);
        assert_eq!("5".parse::<RateLimit>().unwrap(), RateLimit::SERVICE);
        assert!(!"0".parse::<RateLimit>().unwrap().is_enabled());
        assert!("x".parse::<RateLimit>().is_err());
        assert!("-1".parse::<RateLimit>().is_err());
        assert!("5/0".parse::<RateLimit>().is_err());
        assert!(
            "1e-300".parse::<RateLimit>().is_err(),
            "would overflow intervals"
        );
        assert!("1e-300/1".parse::<RateLimit>().is_err());
        assert!("1e12".parse::<RateLimit>().is_err());
        assert!("5/1e12".parse::<RateLimit>().is_err());
        assert!("0.001/1".parse::<RateLimit>().is_ok());
    }

    #[test]
    fn reservations_space_callers_at_the_rate() {
        let bucket = TokenBucket::new("5/1".parse().unwrap());
        let t0 = Instant::now();
        assert_eq!(bucket.reserve(t0), Duration::ZERO);
        assert_eq!(bucket.reserve(t0), Duration::from_millis(200));
        assert_eq!(bucket.reserve(t0), Duration::from_millis(400));
        // Slots went at 0, 200 and 400 ms: at 500 ms the next is 100 ms away.
        let later = t0 + Duration::from_millis(500);
        assert_eq!(bucket.reserve(later), Duration::from_millis(100));
        let unlimited = TokenBucket::new("0".parse().unwrap());
        assert_eq!(unlimited.reserve(t0), Duration::ZERO);
    }

    #[test]
    fn a_queue_longer_than_the_wait_allowed_is_refused_without_debt() {
        let bucket = TokenBucket::new("5/1".parse().unwrap());
        let t0 = Instant::now();
        let max = Duration::from_secs(1);
        // 0, 200, ..., 1000 ms: six callers fit in one second of queue.
        let granted: Vec<_> = (0..10)
            .map_while(|_| bucket.reserve_within(t0, max))
            .collect();
        assert_eq!(granted.len(), 6);
        assert_eq!(granted[5], Duration::from_secs(1));
        // Refused calls took nothing: 10,000 of them leave the queue as it was.
        for _ in 0..10_000 {
            assert!(bucket.reserve_within(t0, max).is_none());
        }
        let later = t0 + Duration::from_millis(200);
        assert_eq!(
            bucket.reserve_within(later, max),
            Some(Duration::from_secs(1)),
            "one slot freed after 200 ms"
        );
    }

    #[test]
    fn a_burst_then_the_sustained_rate() {
        let bucket = TokenBucket::new(RateLimit::SERVICE);
        let t0 = Instant::now();
        let granted = (0..15).filter(|_| bucket.try_acquire(t0)).count();
        assert_eq!(granted, 10, "the burst");
        assert!(
            !bucket.try_acquire(t0 + Duration::from_millis(100)),
            "0.5 token refilled"
        );
        assert!(
            bucket.try_acquire(t0 + Duration::from_millis(200)),
            "one token after 200 ms"
        );
        assert!(!bucket.try_acquire(t0 + Duration::from_millis(210)));
        // A long pause refills to the burst, not beyond.
        let later = t0 + Duration::from_secs(60);
        let granted = (0..15).filter(|_| bucket.try_acquire(later)).count();
        assert_eq!(granted, 10);
    }

    #[test]
    fn zero_switches_throttling_off() {
        let bucket = TokenBucket::new("0".parse().unwrap());
        let t0 = Instant::now();
        assert!((0..1000).all(|_| bucket.try_acquire(t0)));
    }
}
