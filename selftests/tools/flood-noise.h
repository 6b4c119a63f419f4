/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wgc-flood's handshake initiations: random ones with a valid mac1, real
 * ones from the peers of a key file (--valid-from), and --make-keys.
 */
#ifndef FLOOD_NOISE_H
#define FLOOD_NOISE_H

#include <openssl/evp.h>
#include <stdint.h>

#include "flood.h"

void mac1_key(const uint8_t pubkey[KEY_LEN], uint8_t k1[KEY_LEN]);
EVP_MAC_CTX *mac1_ctx(const uint8_t pubkey[KEY_LEN]);
void build_init(const struct flood *f, uint8_t *msg);
void build_pool(struct flood *f);

void vpeer_init(struct vpeer *p, EVP_CIPHER_CTX *aead, EVP_PKEY *s, EVP_PKEY *e,
		const uint8_t rpub[KEY_LEN]);
void vpeer_build(const struct flood *f, const struct vpeer *p, uint32_t idx,
		 uint64_t unix_ns, uint8_t *msg);

void make_keys(unsigned long long n);
void load_peers(struct flood *f, const char *file);

#endif /* FLOOD_NOISE_H */
