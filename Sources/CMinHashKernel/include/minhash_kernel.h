// The MinHash permutation loop with AVX2, for Dedup's MinHashSignature (which keeps the plain Swift loop as the
// definition and the fallback). Only the Dedup target imports this module; no C type appears in its API.
#ifndef FEEDCRAWLER_MINHASH_KERNEL_H
#define FEEDCRAWLER_MINHASH_KERNEL_H
#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU and the OS (saved YMM state) run AVX2 code, else 0.
int fc_minhash_avx2_available(void);

/// For each permutation j < permutations (which must be 64): minima[j] = the minimum over the
/// shingles of the high 32 bits of (shingle * multipliers[j] + addends[j]) mod 2^64. Call only when
/// fc_minhash_avx2_available() returned 1. Returns 0 (and writes nothing) for an unsupported permutation count.
int fc_minhash_minima_avx2(const uint64_t *shingles, size_t count, const uint64_t *multipliers,
                           const uint64_t *addends, size_t permutations, uint32_t *minima);
#endif
