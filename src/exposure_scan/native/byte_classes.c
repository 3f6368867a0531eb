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
    for (int64_t v = 0; v < n; v++) {
        int32_t start = offsets[v], end = offsets[v + 1];
        int64_t d = 0, l = 0;
        if (end < start) return -2;
        for (int32_t i = start; i < end; i++) {
            uint8_t b = data[i];
            d += (uint8_t)(b - '0') <= 9;
            l += (uint8_t)((b | 0x20) - 'a') <= 25 || b >= 128;
        }
        digits[v] = d;
        letters[v] = l;
    }
    return 0;
}

/* How many bytes of each cell are in each of up to eight classes (bit j of ``bits[b]``: byte
 * ``b`` is in class j), in one pass: the class screens' counts (a cell with fewer '@' than an
 * e-mail needs is not searched for one). ``counts`` is row-major, ``n`` x ``classes``. */
int es_byte_class_counts(const int32_t *offsets, const uint8_t *data, int64_t n,
                         const uint8_t *bits, int32_t classes, int32_t *counts) {
    if (classes < 1 || classes > 8) return -3;
    for (int64_t v = 0; v < n; v++) {
        int32_t start = offsets[v], end = offsets[v + 1];
        int32_t acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        if (end < start) return -2;
        for (int32_t i = start; i < end; i++) {
            uint8_t b = bits[data[i]];
            if (b) {
                for (int32_t j = 0; j < classes; j++) acc[j] += (b >> j) & 1;
            }
        }
        for (int32_t j = 0; j < classes; j++) counts[v * classes + j] = acc[j];
    }
    return 0;
}
