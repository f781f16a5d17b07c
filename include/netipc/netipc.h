/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * netipc/netipc.h - umbrella header: includes every public netipc layer.
 */
#ifndef NETIPC_NETIPC_H
#define NETIPC_NETIPC_H

#include <netipc/common.h>
#include <netipc/codec.h>
#include <netipc/lookup.h>
#include <netipc/transport.h>
#include <netipc/service.h>
#include <netipc/cache.h>

#endif /* NETIPC_NETIPC_H */
