/* A test fixture: firmware that boots and never says a word (the host's bounded waits meet it).
 * Its one initialised variable gives the image a .data section for the size tests. */
#include "../src/board.h"

static volatile uint32_t heartbeat = 0x5EEDu;

int main(void) {
    for (;;) {
        heartbeat = heartbeat + 1u;
        __asm__ volatile("wfi");
    }
}
