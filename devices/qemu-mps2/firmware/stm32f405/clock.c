/*
 * SysTick at 168 MHz (QEMU's netduinoplus2), as src/clock.c does for the MPS2 but with its own
 * alignment. Under -icount shift=0 an instruction takes 1 ns and a tick 125/21 ns, so tick edges
 * fall on whole nanoseconds only every 21 ticks, and a reading taken exactly on such an edge is
 * decided by the rounding QEMU's timer has accumulated since it last reloaded: the same code read
 * a tick apart from one run to the next. clock_align therefore restarts the counter (a write to
 * SYST_CVR): its edges then stand in the same relation to every instruction that follows, on
 * every run, and the 64-bit extension carries on from where it was.
 */
#include "board.h"

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

void clock_align(void) {
    const uint64_t before = clock_ticks();
    SYST_CVR = 0; /* reads 0 until the next edge, then reloads SYST_MAX and counts down from there */
    /* Continue from `before`: 0 reads as before + 1; the reload looks like a wrap, before + 2. */
    wraps = before - SYST_MAX + 1u;
    last = 0;
}
