/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The receive side's crypto workers: see decrypt.c.
 */

#ifndef _WGC_DECRYPT_H
#define _WGC_DECRYPT_H

struct work_struct;

void wgc_packet_decrypt_worker(struct work_struct *work);

#endif /* _WGC_DECRYPT_H */
