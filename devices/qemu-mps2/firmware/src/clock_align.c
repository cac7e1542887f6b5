#include "board.h"

/* SysTick's current value (counts down), read by the vernier below. */
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

/*
 * Waits for a tick edge and leaves at the same instruction after it every time. A polling
 * loop alone sees the edge 0-2 instructions late (its loop is 3 instructions), which would put
 * every later reading at a different phase of the 40-instruction tick (25 MHz at one
 * instruction per ns under -icount shift=0): ±1 tick. So after the coarse edge, a vernier: 33
 * instructions on, eight back-to-back samples straddle the next edge; the sample that first
 * sees it selects an entry into a run of nops that makes the total from the edge constant.
 * Every instruction is counted, so it is written in assembly.
 */
void clock_align(void) {
    __asm__ volatile(
        "    ldr   r1, [%0]\n"
        "1:  ldr   r2, [%0]\n"
        "    cmp   r2, r1\n"
        "    beq   1b\n"
        "    .rept 33\n"
        "    nop\n"
        "    .endr\n"
        "    ldr   r1, [%0]\n"
        "    ldr   r2, [%0]\n"
        "    ldr   r3, [%0]\n"
        "    ldr   r4, [%0]\n"
        "    ldr   r5, [%0]\n"
        "    ldr   r6, [%0]\n"
        "    ldr   r12, [%0]\n"
        "    ldr   lr, [%0]\n"
        "    cmp   r2, r1\n"
        "    bne   21f\n"
        "    cmp   r3, r1\n"
        "    bne   22f\n"
        "    cmp   r4, r1\n"
        "    bne   23f\n"
        "    cmp   r5, r1\n"
        "    bne   24f\n"
        "    cmp   r6, r1\n"
        "    bne   25f\n"
        "    cmp   r12, r1\n"
        "    bne   26f\n"
        "    cmp   lr, r1\n"
        "    bne   27f\n"
        "    b     28f\n"
        "21: nop\n"
        "22: nop\n"
        "23: nop\n"
        "24: nop\n"
        "25: nop\n"
        "26: nop\n"
        "27: nop\n"
        "28:\n"
        :
        : "r"(&SYST_CVR)
        : "r1", "r2", "r3", "r4", "r5", "r6", "r12", "lr", "cc", "memory");
    (void)clock_ticks();
}
