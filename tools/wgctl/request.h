/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building a WGC_CMD_SET_DEVICE request, split into as many messages as
 * its peers need. Pure: the messages are built in memory, so the unit
 * tests can check the split without a kernel.
 */
#ifndef WGCTL_REQUEST_H
#define WGCTL_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"

struct nlmsghdr;

/*
 * The largest message we build. The peers of a message sit in one
 * WGC_DEVICE_A_PEERS nest, whose length field is 16 bits, so a message
 * must stay well under 64 KiB; and the kernel refuses a message larger
 * than the socket's send buffer (net.core.wmem_default, usually 208 KiB,
 * but an admin may lower it; wgctl_set_device() then goes lower too).
 * 32 KiB sits comfortably inside both, is what the kernel itself caps its
 * dump messages at, and carries some 800 allowed IPs per message, so a
 * large configuration still goes over in few round trips.
 */
#define WGC_SET_MSG_MAX 32768

/*
 * The smallest bound that always makes progress: room for the device's
 * own attributes, and then for one peer with every attribute and one
 * allowed IP.
 */
#define WGC_SET_MSG_MIN 512

struct wgctl_set_batch {
	struct nlmsghdr **msgs;	/* each in a zeroed buffer of bound bytes */
	size_t count;
	size_t capacity;
	size_t bound;
};

int wgctl_set_batch_build(const struct wgctl_device *change,
			  uint16_t family, size_t bound,
			  struct wgctl_set_batch *batch);
void wgctl_set_batch_free(struct wgctl_set_batch *batch);

#endif /* WGCTL_REQUEST_H */
