/* Fixed-width lowercase hex text <-> raw bytes, over Arrow buffers.
 *
 * Spilled findings carry a keyed hash each, 32 hex digits (~450,000 per 57,000-row batch of a
 * customer table). As text they were the costliest column for zstd to compress; as 16 raw bytes
 * a spilled batch is ~18% smaller and ~10% faster to write and read. The round trip is exact: only
 * values of exactly ``2 * width`` lowercase hex digits are decoded, anything else is refused
 * and the caller keeps the text.
 */
#include <stdint.h>

/* Per byte: its value as a lowercase hex digit, else 16 (a table, not branches: hash digits
 * are random, and mispredicted branches made the loop ten times slower). */
static uint8_t NIBBLE[256];
static int nibble_ready = 0;

static void init_nibbles(void) {
    for (int c = 0; c < 256; c++) NIBBLE[c] = 16;
    for (int c = 0; c < 10; c++) NIBBLE['0' + c] = (uint8_t)c;
    for (int c = 0; c < 6; c++) NIBBLE['a' + c] = (uint8_t)(10 + c);
    nibble_ready = 1;
}

/* 0: decoded; 1: some value is not 2 * width lowercase hex digits; -2: malformed offsets. */
int es_hex_decode(const int32_t *offsets, const uint8_t *data, int64_t n, int32_t width,
                  uint8_t *out) {
    if (!nibble_ready) init_nibbles(); /* idempotent: a race writes the same bytes */
    for (int64_t v = 0; v < n; v++) {
        int32_t start = offsets[v], end = offsets[v + 1];
        if (end < start) return -2;
        if (end - start != 2 * width) return 1;
        const uint8_t *in = data + start;
        uint8_t *o = out + v * width;
        uint8_t bad = 0;
        for (int32_t i = 0; i < width; i++) {
            uint8_t hi = NIBBLE[in[2 * i]], lo = NIBBLE[in[2 * i + 1]];
            bad |= hi | lo;
            o[i] = (uint8_t)(hi << 4 | (lo & 15));
        }
        if (bad & 16) return 1;
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
