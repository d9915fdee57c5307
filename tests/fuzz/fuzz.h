/* What the libFuzzer harnesses share: an invariant check that aborts (so
 * libFuzzer keeps the input as a crash artifact and names the line), and a
 * reader that hands out the fuzz bytes piece by piece, so one input can
 * drive several choices without running past its end. */
#ifndef BPA_FUZZ_H
#define BPA_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            fprintf(stderr, "invariant failed at %s:%d: %s\n", __FILE__, __LINE__, #condition);    \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

struct fuzz_bytes {
    const uint8_t *data;
    size_t size;
};

/* Missing bytes read as zero: a short input is still a valid one. */
static inline uint8_t fuzz_u8(struct fuzz_bytes *in)
{
    if (in->size == 0)
        return 0;
    in->size--;
    return *in->data++;
}

static inline uint32_t fuzz_u32(struct fuzz_bytes *in)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = v << 8 | fuzz_u8(in);
    return v;
}

/* A number in [low, high], in 65536 steps. */
static inline double fuzz_range(struct fuzz_bytes *in, double low, double high)
{
    unsigned step = (unsigned)fuzz_u8(in) << 8 | fuzz_u8(in);
    return low + (high - low) * step / 65535.0;
}

/* The next `n` bytes (fewer at the end) as a NUL-terminated string that the
 * caller frees; NUL bytes inside end it early, as they would in C. */
static inline char *fuzz_text(struct fuzz_bytes *in, size_t n)
{
    if (n > in->size)
        n = in->size;
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, in->data, n);
    s[n] = '\0';
    in->data += n;
    in->size -= n;
    return s;
}

/* Everything left, as a string. */
static inline char *fuzz_rest(struct fuzz_bytes *in)
{
    return fuzz_text(in, in->size);
}

#endif
