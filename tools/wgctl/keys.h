/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key generation and Curve25519 public key derivation.
 */
#ifndef WGCTL_KEYS_H
#define WGCTL_KEYS_H

#include <stdint.h>

#include <linux/wgc.h>

int keys_random(uint8_t key[WGC_KEY_LEN]);
void keys_clamp(uint8_t key[WGC_KEY_LEN]);
int keys_generate_private(uint8_t key[WGC_KEY_LEN]);
int keys_public_from_private(uint8_t pub[WGC_KEY_LEN],
			     const uint8_t priv[WGC_KEY_LEN]);

#endif /* WGCTL_KEYS_H */
