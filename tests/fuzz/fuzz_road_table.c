/* fuzz_road_table: the road service's table answer (care/road_table.c) is outside input: any
 * bytes, read as a table of 1 to 4 rows and columns (from the first byte), must be refused or
 * give minutes from 0 to a week, or -1 for "no route", and nothing past the table is written. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "care/road.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    int rows = 1 + (data[0] & 3), cols = 1 + ((data[0] >> 2) & 3);
    enum { STRIDE = 5 };
    double out[4 * STRIDE];
    for (int i = 0; i < 4 * STRIDE; i++)
        out[i] = -7;
    hm_err err;
    if (hm_road_table_parse((const char *)data + 1, size - 1, rows, cols, out, STRIDE, &err) ==
        HM_OK) {
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < STRIDE; c++) {
                double v = out[r * STRIDE + c];
                int inside = r < rows && c < cols;
                if (inside ? !(v == -1 || (v >= 0 && v <= 7 * 1440)) : v != -7)
                    abort();
            }
    }
    return 0;
}
