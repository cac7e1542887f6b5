/* Vector table and reset handler: copy .data, clear .bss, paint the stack, run main. */
#include <stdint.h>

#include "board.h"

extern uint32_t __stack_top, __etext, __data_start__, __data_end__, __bss_start__, __bss_end__;
int main(void);

static void fault(void) {
    for (;;) {
    }
}

void reset_handler(void) {
    const uint32_t *source = &__etext;
    for (uint32_t *p = &__data_start__; p < &__data_end__; p++) *p = *source++;
    for (uint32_t *p = &__bss_start__; p < &__bss_end__; p++) *p = 0;
    memory_paint_stack();
    main();
    fault();
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))(&__stack_top), reset_handler, fault, fault, fault, fault, fault, 0, 0, 0, 0, fault, fault, 0, fault, fault,
};
