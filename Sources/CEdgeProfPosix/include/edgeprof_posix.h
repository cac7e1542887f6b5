/*
 * The few POSIX terminal calls Swift cannot see through Glibc without _GNU_SOURCE:
 * pseudo-terminal creation and raw termios setup. Every function returns -1 with errno set
 * on failure, like the calls it wraps.
 */
#ifndef EDGEPROF_POSIX_H
#define EDGEPROF_POSIX_H

#include <stddef.h>

/** Opens a pseudo-terminal pair's controller side (non-blocking, raw); writes the device path into path. */
int edgeprof_pty_open(char *path, size_t path_capacity);

/** Puts a terminal in raw 8N1 mode at baud (a standard rate), no flow control. */
int edgeprof_tty_make_raw(int fd, unsigned baud);

/** 1 when baud is a rate termios knows, else 0. */
int edgeprof_tty_baud_supported(unsigned baud);

#endif
