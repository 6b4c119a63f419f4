/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transmit side's workers: encryption on every CPU, and each peer's
 * serial sender. See encrypt.c.
 */

#ifndef _WGC_ENCRYPT_H
#define _WGC_ENCRYPT_H

struct work_struct;

void wgc_packet_encrypt_worker(struct work_struct *work);
void wgc_packet_tx_worker(struct work_struct *work);

#endif /* _WGC_ENCRYPT_H */
