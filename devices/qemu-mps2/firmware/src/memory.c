#include "board.h"

#define STACK_PAINT 0xC0DEC0DEu
#define ARENA_BYTES 16384u

/* From link.ld. */
extern uint32_t __stack_bottom, __stack_top, __data_start__, __bss_end__;

static _Alignas(8) uint8_t arena[ARENA_BYTES];
static size_t arena_used, arena_peak;

void memory_paint_stack(void) {
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    /* Everything more than 64 bytes below the current stack pointer is unused yet. */
    for (uint32_t *p = &__stack_bottom; (uintptr_t)p < sp - 64u; p++) *p = STACK_PAINT;
}

uint32_t memory_stack_peak(void) {
    const uint32_t *p = &__stack_bottom;
    while (p < &__stack_top && *p == STACK_PAINT) p++;
    return (uint32_t)((uintptr_t)&__stack_top - (uintptr_t)p);
}

uint32_t memory_static_ram(void) {
    return (uint32_t)((uintptr_t)&__bss_end__ - (uintptr_t)&__data_start__);
}

void *arena_alloc(size_t bytes) {
    size_t aligned = (bytes + 7u) & ~(size_t)7u;
    if (aligned > ARENA_BYTES - arena_used) return 0;
    void *block = &arena[arena_used];
    arena_used += aligned;
    if (arena_used > arena_peak) arena_peak = arena_used;
    return block;
}

void arena_reset(void) {
    arena_used = 0;
}

uint32_t arena_high_water(void) {
    return (uint32_t)arena_peak;
}
