/* A test fixture: firmware that boots and never says a word (the host's bounded waits meet it). */
#include "../src/board.h"

int main(void) {
    for (;;) {
        __asm__ volatile("wfi");
    }
}
