/*
 * What the device-side sources of the C reference share and firmware never calls:
 * framing a reply, and the handlers of the install and shadow commands.
 */
#ifndef EDGEPROF_LINK_INTERNAL_H
#define EDGEPROF_LINK_INTERNAL_H

#include "edgeprof_link.h"

/** Starts a reply line in the device's transmit buffer. */
void epl_reply_begin(epl_device *device, epl_writer *w, const char *verb);
/** Finishes and sends the line; 1 when all of it was written. */
int epl_reply_emit(epl_device *device, epl_writer *w);
/** Sends ERROR code= msg=, with re= when has_re. */
int epl_reply_error(epl_device *device, int has_re, uint16_t re, const char *code, const char *message);
/** Sends MODEL re= model= sha256= quant= from the board info. */
int epl_reply_model(epl_device *device, uint16_t re);

/** 1 when the firmware supplied the install callbacks. */
int epl_install_supported(const epl_device *device);
void epl_handle_load(epl_device *device, const epl_frame *frame);
void epl_handle_data(epl_device *device, const epl_frame *frame);
void epl_handle_commit(epl_device *device, const epl_frame *frame);

/** 1 when the firmware supplied the install and shadow callbacks. */
int epl_shadow_supported(const epl_device *device);
/** Sends SHADOW re= model= sha256= quant=, or sha256=none when no shadow is loaded. */
int epl_reply_shadow(epl_device *device, uint16_t re);
/** Hands checked bytes to the firmware as the shadow model and answers SHADOW (or ERROR code=model). */
void epl_commit_shadow(epl_device *device, uint16_t re, const uint8_t sha256[32]);
void epl_handle_unload(epl_device *device, const epl_frame *frame);

#endif
