/*
 * EdgeProf Link v1: converting INA219/INA226 current-monitor registers to the nj= energy a
 * board reports (see ../SPEC.md §6). Integer arithmetic only, for cores without an FPU.
 */
#include "edgeprof_link.h"

static uint16_t calibration(uint64_t numerator, uint32_t current_lsb_ua, uint32_t shunt_milliohm) {
    uint64_t denominator = (uint64_t)current_lsb_ua * shunt_milliohm;
    uint64_t value;
    if (denominator == 0u) return 0;
    value = numerator / denominator;
    return value > 0xFFFFu ? (uint16_t)0xFFFFu : (uint16_t)value;
}

uint16_t epl_ina219_calibration(uint32_t current_lsb_ua, uint32_t shunt_milliohm) {
    /* 0.04096 / (Current_LSB[A] × R[Ω]) = 40 960 000 / (µA × mΩ) */
    return calibration(40960000u, current_lsb_ua, shunt_milliohm);
}

uint16_t epl_ina226_calibration(uint32_t current_lsb_ua, uint32_t shunt_milliohm) {
    /* 0.00512 / (Current_LSB[A] × R[Ω]) = 5 120 000 / (µA × mΩ) */
    return calibration(5120000u, current_lsb_ua, shunt_milliohm);
}

uint64_t epl_ina219_power_uw(uint16_t power_register, uint32_t current_lsb_ua) {
    return (uint64_t)power_register * 20u * current_lsb_ua;
}

uint64_t epl_ina226_power_uw(uint16_t power_register, uint32_t current_lsb_ua) {
    return (uint64_t)power_register * 25u * current_lsb_ua;
}

uint64_t epl_energy_nj(uint64_t power_uw, uint64_t ticks, uint32_t tick_hz) {
    /* µW × s = µJ; × 1000 = nJ. Split the ticks so the products stay within 64 bits. */
    uint64_t whole, rest;
    if (tick_hz == 0u) return 0;
    whole = ticks / tick_hz;
    rest = ticks % tick_hz;
    return power_uw * 1000u * whole + power_uw * 1000u * rest / tick_hz;
}
