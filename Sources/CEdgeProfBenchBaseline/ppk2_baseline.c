#include "ppk2_baseline.h"

#include <math.h>
#include <string.h>

double ppk2_baseline_energy(const uint8_t *bytes, size_t count, const ppk2_baseline_range ranges[5], double volts, size_t *samples) {
    double joules = 0, peak = 0, avg = NAN, avg4 = NAN;
    int prev_range = -1, after_spike = 0, consecutive = 0;
    size_t n = 0, i;
    for (i = 0; i + 4 <= count; i += 4) {
        uint32_t raw;
        int range;
        double value, prev_avg, prev_avg4, watts;
        memcpy(&raw, bytes + i, 4);
        range = (int)((raw >> 14) & 7u);
        if (range > 5) range = 5;
        if (range < 5) {
            const ppk2_baseline_range *c = &ranges[range];
            double x = ((double)((raw & 0x3FFFu) * 4u) - c->offset) * c->scale;
            value = c->user_gain * (x * (c->gain_slope * x + c->gain_intercept) + c->vdd_term);
        } else {
            value = NAN;
        }
        prev_avg = avg;
        prev_avg4 = avg4;
        avg = isnan(avg) && n == 0 ? value : 0.18 * value + (1.0 - 0.18) * avg;
        avg4 = isnan(avg4) && n == 0 ? value : 0.06 * value + (1.0 - 0.06) * avg4;
        if (prev_range < 0) prev_range = range;
        if (prev_range != range || after_spike > 0) {
            if (prev_range != range) {
                consecutive = 0;
                after_spike = 3;
            } else {
                consecutive++;
            }
            if (range == 4) {
                if (consecutive < 2) {
                    avg4 = prev_avg4;
                    avg = prev_avg;
                }
                value = avg4;
            } else {
                value = avg;
            }
            after_spike--;
        }
        prev_range = range;
        if (isfinite(value)) {
            watts = value * volts;
            joules += watts * 10e-6;
            if (watts > peak) peak = watts;
            n++;
        }
    }
    *samples = n;
    return joules + 0.0 * peak;
}
