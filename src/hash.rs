//! The crate's stable hash (features, syntax templates, file checksums): FNV-1a 64 over bytes, finished with the MurmurHash3
//! 64-bit finaliser. Both are fixed by specification, so a model file's feature
//! indices mean the same on every platform and release.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a 64 of `bytes`, starting from the offset basis xor `seed`.
#[inline]
pub fn fnv1a64(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET ^ seed;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Continues an FNV-1a 64 state with one byte.
#[inline]
pub fn fnv1a64_step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
}

/// MurmurHash3's 64-bit finaliser (`fmix64`): spreads every input bit.
#[inline]
pub fn mix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// Combines two hashes order-sensitively (for n-grams and conjunctions).
#[inline]
pub fn combine(a: u64, b: u64) -> u64 {
    mix64(a.rotate_left(23) ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_published_vectors() {
        // FNV-1a 64 reference values (Fowler/Noll/Vo test suite).
        assert_eq!(fnv1a64(0, b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(0, b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(0, b"foobar"), 0x8594_4171_f739_67e8);
        // fmix64 of 0 is 0; of 1 a fixed constant.
        assert_eq!(mix64(0), 0);
        assert_eq!(mix64(1), 0xb456_bcfc_34c2_cb2c);
    }

    #[test]
    fn step_matches_whole() {
        let h = b"abc".iter().fold(fnv1a64(7, b""), |h, &b| fnv1a64_step(h, b));
        assert_eq!(h, fnv1a64(7, b"abc"));
        assert_ne!(combine(1, 2), combine(2, 1));
    }
}
