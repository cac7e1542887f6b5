/*
 * The STM32F405's tick alignment (QEMU's netduinoplus2, SysTick at 168 MHz). Under -icount
 * shift=0 an instruction takes 1 ns and a tick 125/21 ns, so tick edges fall on whole nanoseconds
 * only every 21 ticks, and a reading taken exactly on such an edge is decided by the rounding
 * QEMU's timer has accumulated since it last reloaded: the same code read a tick apart from one
 * run to the next. Instead of waiting for an edge (src/clock_align.c, for the MPS2's 40 ns tick),
 * the counter is restarted: its edges then stand in the same relation to every instruction that
 * follows, on every run.
 */
#include "board.h"

void clock_align(void) {
    clock_restart();
}
