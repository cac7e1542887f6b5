#ifndef EDGEPROF_CLIBUSB_SHIM_H
#define EDGEPROF_CLIBUSB_SHIM_H
#include <libusb.h>
#endif
