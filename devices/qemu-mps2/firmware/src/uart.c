#include "board.h"

/* CMSDK APB UART0 (MPS2): DATA, STATE (bit0 TX full, bit1 RX full), CTRL (bit0 TX, bit1 RX), BAUDDIV. */
#define UART0_BASE 0x40004000u
#define UART_DATA (*(volatile uint32_t *)(UART0_BASE + 0x00u))
#define UART_STATE (*(volatile uint32_t *)(UART0_BASE + 0x04u))
#define UART_CTRL (*(volatile uint32_t *)(UART0_BASE + 0x08u))
#define UART_BAUDDIV (*(volatile uint32_t *)(UART0_BASE + 0x10u))

void uart_init(void) {
    UART_BAUDDIV = BOARD_CLOCK_HZ / 115200u; /* 217: what a real MPS2 needs for 115200 baud */
    UART_CTRL = 0x3u;
}

size_t uart_write(const uint8_t *data, size_t length) {
    for (size_t i = 0; i < length; i++) {
        while (UART_STATE & 0x1u) {
        }
        UART_DATA = data[i];
    }
    return length;
}

size_t uart_read(uint8_t *data, size_t capacity) {
    size_t count = 0;
    while (count < capacity && (UART_STATE & 0x2u)) data[count++] = (uint8_t)UART_DATA;
    return count;
}
