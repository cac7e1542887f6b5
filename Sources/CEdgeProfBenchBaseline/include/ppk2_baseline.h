/*
 * The benchmark's baseline: PPK2 decode + calibration (with Nordic's range-change smoothing)
 * + energy integration, as a plain C loop. Not used by EdgeProf itself.
 */
#ifndef PPK2_BASELINE_H
#define PPK2_BASELINE_H

#include <stddef.h>
#include <stdint.h>

/** Per range: offset, scale (1.8/163840/R), gain slope, gain intercept, vdd term, user gain. */
typedef struct {
    double offset, scale, gain_slope, gain_intercept, vdd_term, user_gain;
} ppk2_baseline_range;

/** Joules over `count` bytes of samples at `volts`; `samples` receives the sample count. */
double ppk2_baseline_energy(const uint8_t *bytes, size_t count, const ppk2_baseline_range ranges[5], double volts, size_t *samples);

#endif
