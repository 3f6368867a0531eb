/* ASCII digits and letters per cell of an Arrow string array, in one pass over its bytes.
 *
 * The engine skips cells with too few digits or letters for a detector's pattern before any
 * regex runs; counting them in numpy (a table lookup and a cumulative sum over every byte of
 * the column) was ~7% of a scan. Letters are ASCII letters plus every non-ASCII byte, as in
 * exposure_scan.detectors.bytewise.class_counts (an over-count, never an under-count).
 */
#include <stdint.h>

int es_class_counts(const int32_t *offsets, const uint8_t *data, int64_t n, int64_t *digits,
                    int64_t *letters) {
    /* Per byte: 1 in the low 32 bits for a digit, 1 in the high 32 bits for a letter: one
     * load and one add a byte (a cell is far shorter than 2**32 bytes: no lane overflows). */
    uint64_t lanes[256];
    for (int b = 0; b < 256; b++) {
        int digit = (uint8_t)(b - '0') <= 9;
        int letter = (uint8_t)((b | 0x20) - 'a') <= 25 || b >= 128;
        lanes[b] = (uint64_t)digit | (uint64_t)letter << 32;
    }
    for (int64_t v = 0; v < n; v++) {
        int32_t start = offsets[v], end = offsets[v + 1];
        uint64_t packed = 0;
        if (end < start) return -2;
        for (int32_t i = start; i < end; i++) packed += lanes[data[i]];
        digits[v] = (int64_t)(packed & 0xffffffffu);
        letters[v] = (int64_t)(packed >> 32);
    }
    return 0;
}

/* How many bytes of each cell are in each of up to eight classes (bit j of ``bits[b]``: byte
 * ``b`` is in class j), in one pass: the class screens' counts (a cell with fewer '@' than an
 * e-mail needs is not searched for one). ``counts`` is row-major, ``n`` x ``classes``.
 *
 * Each byte adds one 64-bit word from a table built from ``bits``: eight 8-bit lanes, one per
 * class, so a byte costs a load and an add whatever the number of classes (a loop over the
 * classes per byte cost ~8x the instructions with the phone path's seven). A lane holds at
 * most 255, so the lanes are moved to the counts every 255 bytes and at the cell's end. */
int es_byte_class_counts(const int32_t *offsets, const uint8_t *data, int64_t n,
                         const uint8_t *bits, int32_t classes, int32_t *counts) {
    uint64_t lanes[256];
    if (classes < 1 || classes > 8) return -3;
    for (int b = 0; b < 256; b++) {
        uint64_t word = 0;
        for (int32_t j = 0; j < classes; j++) word |= (uint64_t)((bits[b] >> j) & 1) << (8 * j);
        lanes[b] = word;
    }
    for (int64_t v = 0; v < n; v++) {
        int32_t start = offsets[v], end = offsets[v + 1];
        int32_t acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        if (end < start) return -2;
        for (int32_t i = start; i < end;) {
            int32_t stop = end - i > 255 ? i + 255 : end;
            uint64_t packed = 0;
            for (; i < stop; i++) packed += lanes[data[i]];
            for (int32_t j = 0; j < classes; j++) acc[j] += (int32_t)((packed >> (8 * j)) & 0xff);
        }
        for (int32_t j = 0; j < classes; j++) counts[v * classes + j] = acc[j];
    }
    return 0;
}
