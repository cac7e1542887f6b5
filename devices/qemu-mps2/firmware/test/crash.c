/* A test fixture: firmware that locks the core up at boot (an undefined instruction, and no
 * HardFault handler to take it), which makes QEMU stop with "Lockup". */
#include <stdint.h>

extern uint32_t __stack_top;

void reset_handler(void) {
    __asm__ volatile("udf #0");
    for (;;) {
    }
}

__attribute__((section(".vectors"), used)) static void (*const vectors[4])(void) = {
    (void (*)(void))(&__stack_top), reset_handler, 0, 0,
};
