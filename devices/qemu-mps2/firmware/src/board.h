/*
 * The hardware this firmware uses: a UART (src/uart.c: the MPS2's CMSDK UART0; stm32f405/uart.c:
 * the STM32F405's USART1), SysTick as the tick counter, and the memory figures for Link v1. A
 * board's build may set BOARD_CLOCK_HZ (the core clock SysTick counts) and BOARD_PCLK2_HZ.
 */
#ifndef EDGEPROF_FW_BOARD_H
#define EDGEPROF_FW_BOARD_H
#include <stddef.h>
#include <stdint.h>

#ifndef BOARD_CLOCK_HZ
#define BOARD_CLOCK_HZ 25000000u
#endif
#ifndef BOARD_PCLK2_HZ
#define BOARD_PCLK2_HZ BOARD_CLOCK_HZ
#endif
#ifndef BOARD_RAM_BYTES
#define BOARD_RAM_BYTES (4u * 1024u * 1024u)
#endif
#ifndef BOARD_FLASH_BYTES
#define BOARD_FLASH_BYTES (4u * 1024u * 1024u)
#endif

void uart_init(void);
/* Blocking write of every byte. */
size_t uart_write(const uint8_t *data, size_t length);
/* Non-blocking read of what is waiting. */
size_t uart_read(uint8_t *data, size_t capacity);

void clock_init(void);
/* SysTick extended to 64 bits in software: call at least every 0.67 s (2^24 ticks). */
uint64_t clock_ticks(void);
/* Waits for the next tick edge, so what follows starts at the same phase of the tick
   (src/clock_align.c; the STM32F405 restarts the counter instead, stm32f405/clock_align.c). */
void clock_align(void);
/* Restarts SysTick from its reload value; clock_ticks() carries on without a jump. */
void clock_restart(void);

/* Fills the unused stack with a pattern at boot; the high-water mark is found by scanning it. */
void memory_paint_stack(void);
uint32_t memory_stack_peak(void);
/* data + bss: RAM the firmware holds whatever it does. */
uint32_t memory_static_ram(void);

/* A bump allocator over the tensor arena, reset per generation; it remembers its high-water. */
void *arena_alloc(size_t bytes);
void arena_reset(void);
uint32_t arena_high_water(void);

#endif
