// MinHash minima eight permutations per instruction (AVX2 has no 64-bit multiply, so the product is put
// together from 32-bit halves). With s = sh 2^32 + sl and m = mh 2^32 + ml:
//   (s m + a) mod 2^64 = (sl ml + a) + 2^32 (sh ml + sl mh)   (mod 2^64)
// so its high 32 bits are hi32(sl ml + a) + sh ml + sl mh (mod 2^32): one 32x32->64 multiply (vpmuludq) and two
// 32-bit multiplies (vpmulld) per permutation, exactly the value the scalar Swift loop takes the minimum of.
// Per shingle that is ~90 instructions for 64 permutations instead of ~500 in the scalar loop.
#include "minhash_kernel.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int fc_minhash_avx2_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    if (!(ecx & bit_OSXSAVE) || !(ecx & bit_AVX)) return 0;
    // The OS must save the XMM and YMM registers across context switches (XCR0 bits 1 and 2).
    unsigned int xcr0, xcr0High;
    __asm__ volatile("xgetbv" : "=a"(xcr0), "=d"(xcr0High) : "c"(0));
    if ((xcr0 & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx & bit_AVX2) != 0;
}

__attribute__((target("avx2")))
int fc_minhash_minima_avx2(const uint64_t *shingles, size_t count, const uint64_t *multipliers,
                           const uint64_t *addends, size_t permutations, uint32_t *minima) {
    // 64 permutations = 8 groups of 8, each group's running minima in one register for the whole loop.
    if (permutations != 64) return 0;
    // Per group, the 32-bit lanes come out in the order 0 4 1 5 2 6 3 7 (the high halves of two 4 x 64-bit
    // products interleaved by one blend): the 32-bit multiplier halves are laid out in that order.
    static const int laneOrder[8] = {0, 4, 1, 5, 2, 6, 3, 7};
    uint32_t lowHalves[8][8] __attribute__((aligned(32))), highHalves[8][8] __attribute__((aligned(32)));
    for (int g = 0; g < 8; g++) {
        for (int lane = 0; lane < 8; lane++) {
            uint64_t m = multipliers[8 * g + laneOrder[lane]];
            lowHalves[g][lane] = (uint32_t)m;
            highHalves[g][lane] = (uint32_t)(m >> 32);
        }
    }
    __m256i min0 = _mm256_set1_epi32(-1), min1 = min0, min2 = min0, min3 = min0, min4 = min0, min5 = min0,
            min6 = min0, min7 = min0;
    for (size_t i = 0; i < count; i++) {
        uint64_t s = shingles[i];
        __m256i s64 = _mm256_set1_epi64x((long long)s); // vpmuludq reads sl from each 64-bit lane's low half
        __m256i sLow = _mm256_set1_epi32((int)(uint32_t)s);
        __m256i sHigh = _mm256_set1_epi32((int)(uint32_t)(s >> 32));
#define FC_MINHASH_GROUP(g, running)                                                                              \
        {                                                                                                         \
            __m256i first = _mm256_add_epi64(                                                                     \
                _mm256_mul_epu32(s64, _mm256_loadu_si256((const __m256i *)(multipliers + 8 * g))),               \
                _mm256_loadu_si256((const __m256i *)(addends + 8 * g)));                                          \
            __m256i second = _mm256_add_epi64(                                                                    \
                _mm256_mul_epu32(s64, _mm256_loadu_si256((const __m256i *)(multipliers + 8 * g + 4))),           \
                _mm256_loadu_si256((const __m256i *)(addends + 8 * g + 4)));                                      \
            /* hi32(sl ml + a) of permutations 0-3 into the even lanes, of 4-7 (already there) into the odd. */ \
            __m256i high = _mm256_blend_epi32(_mm256_srli_epi64(first, 32), second, 0xAA);                        \
            __m256i cross = _mm256_add_epi32(_mm256_mullo_epi32(sHigh, _mm256_load_si256((const __m256i *)lowHalves[g])), \
                                             _mm256_mullo_epi32(sLow, _mm256_load_si256((const __m256i *)highHalves[g]))); \
            running = _mm256_min_epu32(running, _mm256_add_epi32(high, cross));                                   \
        }
        FC_MINHASH_GROUP(0, min0) FC_MINHASH_GROUP(1, min1) FC_MINHASH_GROUP(2, min2) FC_MINHASH_GROUP(3, min3)
        FC_MINHASH_GROUP(4, min4) FC_MINHASH_GROUP(5, min5) FC_MINHASH_GROUP(6, min6) FC_MINHASH_GROUP(7, min7)
#undef FC_MINHASH_GROUP
    }
    __m256i mins[8] = {min0, min1, min2, min3, min4, min5, min6, min7};
    for (int g = 0; g < 8; g++) {
        uint32_t lanes[8];
        _mm256_storeu_si256((__m256i *)lanes, mins[g]);
        for (int lane = 0; lane < 8; lane++) minima[8 * g + laneOrder[lane]] = lanes[lane];
    }
    return 1;
}

#else

int fc_minhash_avx2_available(void) { return 0; }

int fc_minhash_minima_avx2(const uint64_t *shingles, size_t count, const uint64_t *multipliers,
                           const uint64_t *addends, size_t permutations, uint32_t *minima) {
    (void)shingles; (void)count; (void)multipliers; (void)addends; (void)permutations; (void)minima;
    return 0;
}

#endif
