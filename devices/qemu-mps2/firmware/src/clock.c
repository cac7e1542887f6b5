#include "board.h"

/* SysTick: CSR (bit0 enable, bit2 core clock), RVR reload, CVR current (counts down). */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_MAX 0x00FFFFFFu

static uint64_t wraps;
static uint32_t last;

void clock_init(void) {
    SYST_RVR = SYST_MAX;
    SYST_CVR = 0;
    SYST_CSR = 0x5u; /* enabled, core clock, no interrupt: nothing interrupts a measurement */
    last = SYST_CVR;
}

uint64_t clock_ticks(void) {
    uint32_t now = SYST_CVR;
    if (now > last) wraps += (uint64_t)SYST_MAX + 1u; /* the down-counter wrapped */
    last = now;
    return wraps + (SYST_MAX - now);
}

/* Restarts the counter (a write to SYST_CVR) and carries the 64-bit count on from where it was:
   0 reads as the last count + 1, and the reload that follows looks like a wrap, + 2. */
void clock_restart(void) {
    const uint64_t before = clock_ticks();
    SYST_CVR = 0;
    wraps = before - SYST_MAX + 1u;
    last = 0;
}
