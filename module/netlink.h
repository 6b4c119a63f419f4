/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink configuration interface; see include/uapi/linux/wgc.h.
 */

#ifndef _WGC_NETLINK_H
#define _WGC_NETLINK_H

int wgc_genetlink_init(void);
void wgc_genetlink_uninit(void);

#endif /* _WGC_NETLINK_H */
