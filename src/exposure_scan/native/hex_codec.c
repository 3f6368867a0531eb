/* Fixed-width lowercase hex text <-> raw bytes, over Arrow buffers.
 *
 * Spilled findings carry a keyed hash each, 32 hex digits (~450,000 per 57,000-row batch of a
 * customer table). As text they were the costliest column for zstd to compress; as 16 raw bytes
 * a spilled batch is ~18% smaller and ~10% faster to write and read. The round trip is exact: only
 * values of exactly ``2 * width`` lowercase hex digits are decoded, anything else is refused
 * and the caller keeps the text.
 */
#include <stdint.h>

/* Per pair of bytes (read as a little-endian 16-bit word): the byte two lowercase hex digits
 * spell, or 256 when either is not one. One lookup per output byte in a 128 KiB table that
 * stays in cache: a table per digit cost ~7.5 instructions a digit, branches on the digits
 * (which are random) ten times that. */
static uint16_t PAIR[65536];

static int digit_value(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Filled once when the library is loaded (before any call, so no thread sees it half-done). */
__attribute__((constructor)) static void init_pairs(void) {
    for (int w = 0; w < 65536; w++) {
        int hi = digit_value(w & 0xff), lo = digit_value(w >> 8);
        PAIR[w] = (uint16_t)(hi < 0 || lo < 0 ? 256 : hi << 4 | lo);
    }
}

/* 0: decoded; 1: some value is not 2 * width lowercase hex digits; -2: malformed offsets. */
int es_hex_decode(const int32_t *offsets, const uint8_t *data, int64_t n, int32_t width,
                  uint8_t *out) {
    for (int64_t v = 0; v < n; v++) {
        int32_t start = offsets[v], end = offsets[v + 1];
        if (end < start) return -2;
        if (end - start != 2 * width) return 1;
        const uint8_t *in = data + start;
        uint8_t *o = out + v * width;
        uint16_t bad = 0;
        for (int32_t i = 0; i < width; i++) {
            uint16_t pair = PAIR[in[2 * i] | (uint16_t)in[2 * i + 1] << 8];
            bad |= pair;
            o[i] = (uint8_t)pair;
        }
        if (bad & 256) return 1;
    }
    return 0;
}

/* Two lowercase hex digits per byte of ``raw``. */
int es_hex_encode(const uint8_t *raw, int64_t n_bytes, uint8_t *out) {
    static const char HEX[] = "0123456789abcdef";
    for (int64_t i = 0; i < n_bytes; i++) {
        out[2 * i] = (uint8_t)HEX[raw[i] >> 4];
        out[2 * i + 1] = (uint8_t)HEX[raw[i] & 15];
    }
    return 0;
}
