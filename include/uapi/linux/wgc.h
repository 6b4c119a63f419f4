/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * wgc: generic netlink interface of the wgc tunnel device.
 *
 * The family is WGC_GENL_NAME, version WGC_GENL_VERSION. Two commands:
 *
 * WGC_CMD_GET_DEVICE
 *   Must be sent as a dump (NLM_F_DUMP). The request names one device with
 *   exactly one of WGC_DEVICE_A_IFINDEX or WGC_DEVICE_A_IFNAME. Each reply
 *   message carries WGC_DEVICE_A_IFINDEX, WGC_DEVICE_A_IFNAME,
 *   WGC_DEVICE_A_LISTEN_PORT, WGC_DEVICE_A_FWMARK and, when the device has
 *   an identity, WGC_DEVICE_A_PUBLIC_KEY. WGC_DEVICE_A_PRIVATE_KEY is only
 *   included for callers holding CAP_NET_ADMIN in the device's namespace.
 *
 * WGC_CMD_SET_DEVICE
 *   Requires CAP_NET_ADMIN in the device's namespace. Names the device as
 *   above and carries any of:
 *     WGC_DEVICE_A_PRIVATE_KEY   32 bytes; clamped by the kernel; all zeros
 *                                removes the device's identity
 *     WGC_DEVICE_A_LISTEN_PORT   u16; 0 lets the kernel choose a free port
 *                                when the device next binds its sockets
 *     WGC_DEVICE_A_FWMARK        u32; 0 clears the mark
 *   The request is applied whole or not at all: on any error (reported with
 *   an extended ack message) the device is left as it was.
 *
 * New attributes are only ever appended to these enums.
 */

#ifndef _UAPI_LINUX_WGC_H
#define _UAPI_LINUX_WGC_H

#define WGC_GENL_NAME "wgc"
#define WGC_GENL_VERSION 1

#define WGC_KEY_LEN 32

enum wgc_cmd {
	WGC_CMD_GET_DEVICE,
	WGC_CMD_SET_DEVICE,
	__WGC_CMD_MAX
};

#define WGC_CMD_MAX (__WGC_CMD_MAX - 1)

enum wgc_device_attribute {
	WGC_DEVICE_A_UNSPEC,
	WGC_DEVICE_A_IFINDEX,		/* u32 */
	WGC_DEVICE_A_IFNAME,		/* NUL-terminated string */
	WGC_DEVICE_A_PRIVATE_KEY,	/* WGC_KEY_LEN bytes */
	WGC_DEVICE_A_PUBLIC_KEY,	/* WGC_KEY_LEN bytes, read-only */
	WGC_DEVICE_A_LISTEN_PORT,	/* u16, host byte order */
	WGC_DEVICE_A_FWMARK,		/* u32 */
	__WGC_DEVICE_A_LAST
};

#define WGC_DEVICE_A_MAX (__WGC_DEVICE_A_LAST - 1)

#endif /* _UAPI_LINUX_WGC_H */
