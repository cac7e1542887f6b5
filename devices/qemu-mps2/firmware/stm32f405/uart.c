/*
 * USART1 of the STM32F405 (PA9 TX, PA10 RX, alternate function 7), 115200 8N1 — the UART of
 * QEMU's netduinoplus2 first serial port, and of every STM32F4 board that routes USART1 out.
 * Replaces src/uart.c (the MPS2's CMSDK UART) in this board's build.
 */
#include "board.h"

#define RCC_BASE 0x40023800u
#define RCC_AHB1ENR (*(volatile uint32_t *)(RCC_BASE + 0x30u))
#define RCC_APB2ENR (*(volatile uint32_t *)(RCC_BASE + 0x44u))
#define RCC_AHB1ENR_GPIOAEN (1u << 0)
#define RCC_APB2ENR_USART1EN (1u << 4)

#define GPIOA_BASE 0x40020000u
#define GPIOA_MODER (*(volatile uint32_t *)(GPIOA_BASE + 0x00u))
#define GPIOA_AFRH (*(volatile uint32_t *)(GPIOA_BASE + 0x24u))

#define USART1_BASE 0x40011000u
#define USART_SR (*(volatile uint32_t *)(USART1_BASE + 0x00u))
#define USART_DR (*(volatile uint32_t *)(USART1_BASE + 0x04u))
#define USART_BRR (*(volatile uint32_t *)(USART1_BASE + 0x08u))
#define USART_CR1 (*(volatile uint32_t *)(USART1_BASE + 0x0Cu))
#define USART_SR_RXNE (1u << 5)
#define USART_SR_TXE (1u << 7)
#define USART_CR1_UE (1u << 13)
#define USART_CR1_TE (1u << 3)
#define USART_CR1_RE (1u << 2)

void uart_init(void) {
    RCC_AHB1ENR |= RCC_AHB1ENR_GPIOAEN;
    RCC_APB2ENR |= RCC_APB2ENR_USART1EN;
    /* PA9 and PA10 to alternate function mode (0b10), AF7 (USART1). */
    GPIOA_MODER = (GPIOA_MODER & ~((3u << 18) | (3u << 20))) | (2u << 18) | (2u << 20);
    GPIOA_AFRH = (GPIOA_AFRH & ~((0xFu << 4) | (0xFu << 8))) | (7u << 4) | (7u << 8);
    /* USART1 is on APB2, clocked at BOARD_PCLK2_HZ: BRR = fPCLK / baud (16x oversampling). */
    USART_BRR = (BOARD_PCLK2_HZ + 115200u / 2u) / 115200u;
    USART_CR1 = USART_CR1_UE | USART_CR1_TE | USART_CR1_RE;
}

size_t uart_write(const uint8_t *data, size_t length) {
    for (size_t i = 0; i < length; i++) {
        while (!(USART_SR & USART_SR_TXE)) {
        }
        USART_DR = data[i];
    }
    return length;
}

size_t uart_read(uint8_t *data, size_t capacity) {
    size_t count = 0;
    while (count < capacity && (USART_SR & USART_SR_RXNE)) data[count++] = (uint8_t)USART_DR;
    return count;
}
