#ifndef EDGEPROF_CLIBSERIALPORT_SHIM_H
#define EDGEPROF_CLIBSERIALPORT_SHIM_H
#include <libserialport.h>
#endif
