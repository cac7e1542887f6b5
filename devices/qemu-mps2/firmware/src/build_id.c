/* Reads the GNU build id note the linker places at __build_id_note (link.ld): what `edgeprof
   flash` compares with the ELF it flashed, so it knows the board runs that very image. */
#include "build_id.h"

#include <stdint.h>

extern const uint8_t __build_id_note[];

/* Link v1 allows 40 characters for build=: sha1's 20 bytes in hex. */
#define BUILD_ID_MAX_BYTES 20u

static char hex[2 * BUILD_ID_MAX_BYTES + 1];

static uint32_t read_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

const char *build_id_hex(void) {
    static const char digits[] = "0123456789abcdef";
    const uint32_t name_size = read_u32(__build_id_note);
    uint32_t description_size = read_u32(__build_id_note + 4);
    const uint32_t type = read_u32(__build_id_note + 8);
    if (type != 3u || name_size != 4u || description_size == 0u) return "unknown";
    if (description_size > BUILD_ID_MAX_BYTES) description_size = BUILD_ID_MAX_BYTES;
    const uint8_t *description = __build_id_note + 12u + 4u;
    for (uint32_t i = 0; i < description_size; i++) {
        hex[2u * i] = digits[description[i] >> 4];
        hex[2u * i + 1u] = digits[description[i] & 0x0Fu];
    }
    hex[2u * description_size] = '\0';
    return hex;
}
