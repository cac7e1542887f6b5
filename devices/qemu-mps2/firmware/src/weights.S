/* The model artifact, byte for byte, in flash: the firmware runs exactly what was registered. */
    .section .rodata.weights, "a"
    .balign 4
    .global tiny_lm_weights
    .global tiny_lm_weights_end
tiny_lm_weights:
    .incbin MODEL_BLOB
tiny_lm_weights_end:
