//! 2048-bit RSA keys drawn from a seeded generator, for `--seed` runs:
//! aws-lc generates keys from the operating system's randomness only, so a
//! seeded simulator makes its primes here (Miller-Rabin over random odd
//! 1024-bit candidates) and hands aws-lc the PKCS#8 document, which checks
//! the key before it is used. RSA PKCS#1 v1.5 signatures are deterministic
//! too, so certificates a seeded run signs come out the same.

use num_bigint::BigUint;
use rand::RngCore;

/// Small primes for trial division before Miller-Rabin.
const SMALL_PRIMES: [u32; 54] = [
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193,
    197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257,
];

/// Miller-Rabin rounds: an error chance below 2^-80 for random candidates.
const ROUNDS: usize = 40;

/// The public exponent.
const E: u32 = 65_537;

/// A 2048-bit RSA private key as PKCS#8 DER, from `rng` alone.
pub(crate) fn pkcs8_der(rng: &mut dyn RngCore) -> Vec<u8> {
    let e = BigUint::from(E);
    loop {
        let p = prime(rng);
        let q = prime(rng);
        if p == q {
            continue;
        }
        let one = BigUint::from(1u32);
        let (p1, q1) = (&p - &one, &q - &one);
        let phi = &p1 * &q1;
        let Some(d) = e.modinv(&phi) else {
            continue;
        };
        let Some(qinv) = q.modinv(&p) else {
            continue;
        };
        let n = &p * &q;
        if n.bits() != 2048 {
            continue;
        }
        let rsa_private_key = sequence(&[
            integer(&BigUint::from(0u32)),
            integer(&n),
            integer(&e),
            integer(&d),
            integer(&p),
            integer(&q),
            integer(&(&d % &p1)),
            integer(&(&d % &q1)),
            integer(&qinv),
        ]);
        return sequence(&[
            integer(&BigUint::from(0u32)),
            super::RSA_ALGORITHM_IDENTIFIER.to_vec(),
            tlv(0x04, &rsa_private_key),
        ]);
    }
}

/// A random 1024-bit prime whose top two bits are set (so p·q has 2048
/// bits) and for which 65537 is a valid exponent.
fn prime(rng: &mut dyn RngCore) -> BigUint {
    loop {
        let mut bytes = [0u8; 128];
        rng.fill_bytes(&mut bytes);
        bytes[0] |= 0xc0;
        bytes[127] |= 1;
        let candidate = BigUint::from_bytes_be(&bytes);
        if is_probable_prime(&candidate, rng) && (&candidate - 1u32) % E != BigUint::from(0u32) {
            return candidate;
        }
    }
}

fn is_probable_prime(n: &BigUint, rng: &mut dyn RngCore) -> bool {
    let zero = BigUint::from(0u32);
    if SMALL_PRIMES.iter().any(|&p| n % p == zero) {
        return false;
    }
    let one = BigUint::from(1u32);
    let n1 = n - &one;
    let s = n1.trailing_zeros().unwrap_or(0);
    let d = &n1 >> s;
    let span = n - 3u32;
    'rounds: for _ in 0..ROUNDS {
        let mut bytes = [0u8; 128];
        rng.fill_bytes(&mut bytes);
        let a = BigUint::from_bytes_be(&bytes) % &span + 2u32;
        let mut x = a.modpow(&d, n);
        if x == one || x == n1 {
            continue;
        }
        for _ in 1..s {
            x = &x * &x % n;
            if x == n1 {
                continue 'rounds;
            }
        }
        return false;
    }
    true
}

/// DER INTEGER of a non-negative number.
fn integer(value: &BigUint) -> Vec<u8> {
    let mut bytes = value.to_bytes_be();
    if bytes[0] & 0x80 != 0 {
        bytes.insert(0, 0);
    }
    tlv(0x02, &bytes)
}

/// DER SEQUENCE of `items`.
fn sequence(items: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &items.concat())
}

/// Tag, length, value.
fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(value);
    out
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng as _;

    use super::*;

    #[test]
    fn one_seed_gives_one_valid_key() {
        let key = |seed| pkcs8_der(&mut rand::rngs::StdRng::seed_from_u64(seed));
        let first = key(3);
        assert_eq!(first, key(3));
        assert_ne!(first, key(4));
        let pair = aws_lc_rs::rsa::KeyPair::from_pkcs8(&first).expect("aws-lc accepts it");
        assert_eq!(pair.public_modulus_len(), 256);
    }

    #[test]
    fn small_numbers_are_told_apart() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let p = BigUint::from(1_000_000_007u32);
        assert!(is_probable_prime(&p, &mut rng));
        assert!(!is_probable_prime(&(&p * 1_000_000_009u32), &mut rng));
    }
}
