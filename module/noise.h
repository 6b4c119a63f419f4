/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device's long-term Curve25519 identity, the "s" of Noise IKpsk2.
 */

#ifndef _WGC_NOISE_H
#define _WGC_NOISE_H

#include <linux/types.h>
#include <uapi/linux/wgc.h>

struct wgc_static_identity {
	u8 private_key[WGC_KEY_LEN];
	u8 public_key[WGC_KEY_LEN];
	bool has_identity;
};

int __must_check
wgc_noise_identity_from_private_key(struct wgc_static_identity *identity,
				    const u8 private_key[WGC_KEY_LEN]);
void wgc_noise_identity_replace(struct wgc_static_identity *dst,
				struct wgc_static_identity *src);

#endif /* _WGC_NOISE_H */
