/* The firmware's GNU build id, as the handshake announces it. */
#ifndef BUILD_ID_H
#define BUILD_ID_H

/* The build id note's bytes in lowercase hex (40 digits for ld's sha1), or "unknown" when the
   image carries none. Formatted once, at boot. */
const char *build_id_hex(void);

#endif
