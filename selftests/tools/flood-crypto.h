/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wgc-flood's cryptography (OpenSSL 3's libcrypto) and base64.
 */
#ifndef FLOOD_CRYPTO_H
#define FLOOD_CRYPTO_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "flood.h"

void __noreturn crypto_fail(const char *what);

void rand_bytes(void *out, size_t len);

void blake2s256(uint8_t out[32], const void *msg, size_t len);
EVP_MAC_CTX *mac_new(const uint8_t *key, size_t keylen, size_t outlen);
void mac_tag(EVP_MAC_CTX *ctx, const void *msg, size_t len, uint8_t *out, size_t outlen);
void hmac_blake2s(uint8_t out[KEY_LEN], const uint8_t *key, size_t keylen,
		  const uint8_t *msg, size_t len);

void seal(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in, size_t len,
	  const uint8_t key[KEY_LEN], const uint8_t ad[KEY_LEN]);

EVP_PKEY *x25519_private(const uint8_t priv[KEY_LEN]);
void x25519_public(EVP_PKEY *k, uint8_t pub[KEY_LEN]);
void x25519(uint8_t out[KEY_LEN], EVP_PKEY *priv, const uint8_t pub[KEY_LEN]);
EVP_PKEY *x25519_generate(void);

bool key_from_base64(const char *in, uint8_t key[KEY_LEN]);

#endif /* FLOOD_CRYPTO_H */
