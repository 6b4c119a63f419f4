/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sizes of WireGuard's wire format that the device's geometry depends on.
 */

#ifndef _WGC_MESSAGES_H
#define _WGC_MESSAGES_H

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <uapi/linux/wgc.h>

enum wgc_message_sizes {
	/* type, reserved, receiver index, counter */
	WGC_MESSAGE_DATA_HEADER_LEN = 16,
	/* Poly1305 tag after the encrypted payload */
	WGC_MESSAGE_AUTHTAG_LEN = 16,
	/* plaintext is padded to a multiple of this before encryption */
	WGC_MESSAGE_PADDING_MULTIPLE = 16,
};

enum wgc_device_geometry {
	/* What a data message adds around an inner packet, over IPv6. */
	WGC_TUNNEL_OVERHEAD = sizeof(struct ipv6hdr) + sizeof(struct udphdr) +
			      WGC_MESSAGE_DATA_HEADER_LEN +
			      WGC_MESSAGE_AUTHTAG_LEN,
	/* 1500-byte path: 1420, as WireGuard picks. */
	WGC_DEFAULT_MTU = ETH_DATA_LEN - WGC_TUNNEL_OVERHEAD,
	/* The outer IP packet still has to fit in 64 KiB. */
	WGC_MAX_MTU = round_down(IP_MAX_MTU - WGC_TUNNEL_OVERHEAD,
				 WGC_MESSAGE_PADDING_MULTIPLE),
};

#endif /* _WGC_MESSAGES_H */
