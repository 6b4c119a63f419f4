// SPDX-License-Identifier: GPL-2.0
/*
 * wgc-flood's cryptography, all of it from OpenSSL 3's libcrypto: random
 * bytes, BLAKE2s and keyed BLAKE2s, HMAC-BLAKE2s, ChaCha20-Poly1305 and
 * X25519; and base64 for the keys (EVP_EncodeBlock, EVP_DecodeBlock).
 */

#include <errno.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "flood.h"
#include "flood-crypto.h"

/* --------------------------------------------------------------- errors */

void __noreturn crypto_fail(const char *what)
{
	fprintf(stderr, "wgc-flood: OpenSSL: %s failed\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

/* -------------------------------------------------------------- random */

static void fill_random(uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = getrandom(buf, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("getrandom: %s", strerror(errno));
		}
		buf += n;
		len -= n;
	}
}

/* Takes from a pool: one getrandom() per packet would cost a syscall each. */
void rand_bytes(void *out, size_t len)
{
	static uint8_t pool[4096];
	static size_t avail;

	if (avail < len) {
		fill_random(pool, sizeof(pool));
		avail = sizeof(pool);
	}
	memcpy(out, pool + sizeof(pool) - avail, len);
	avail -= len;
}

/* ------------------------------------------------------------- BLAKE2s */

void blake2s256(uint8_t out[32], const void *msg, size_t len)
{
	static EVP_MD *md;
	unsigned int outlen = 0;

	if (!md)
		md = EVP_MD_fetch(NULL, "BLAKE2S-256", NULL);
	if (!md)
		crypto_fail("fetching BLAKE2S-256");
	if (!EVP_Digest(msg, len, out, &outlen, md, NULL) || outlen != 32)
		crypto_fail("BLAKE2s-256");
}

/*
 * A keyed BLAKE2s context making outlen-byte tags. The key stays in it, so
 * a tag needs only a re-initialisation (mac_tag), not a new context.
 */
EVP_MAC_CTX *mac_new(const uint8_t *key, size_t keylen, size_t outlen)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "BLAKE2SMAC", NULL);
	EVP_MAC_CTX *ctx;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, (void *)key, keylen),
		OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &outlen),
		OSSL_PARAM_construct_end(),
	};

	if (!mac)
		crypto_fail("fetching BLAKE2SMAC");
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);	/* the context holds its own reference */
	if (!ctx || !EVP_MAC_CTX_set_params(ctx, params))
		crypto_fail("setting up BLAKE2SMAC");
	return ctx;
}

void mac_tag(EVP_MAC_CTX *ctx, const void *msg, size_t len, uint8_t *out, size_t outlen)
{
	size_t n = 0;

	if (!EVP_MAC_init(ctx, NULL, 0, NULL) || !EVP_MAC_update(ctx, msg, len) ||
	    !EVP_MAC_final(ctx, out, &n, outlen) || n != outlen)
		crypto_fail("BLAKE2SMAC");
}

/* -------------------------------------- HMAC, ChaCha20-Poly1305, X25519 */

/* HMAC-BLAKE2s, which WireGuard's HKDF is made of */
void hmac_blake2s(uint8_t out[KEY_LEN], const uint8_t *key, size_t keylen,
		  const uint8_t *msg, size_t len)
{
	static EVP_MAC_CTX *ctx;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "BLAKE2S-256", 0),
		OSSL_PARAM_construct_end(),
	};
	size_t n = 0;

	if (!ctx) {
		EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);

		if (!mac)
			crypto_fail("fetching HMAC");
		ctx = EVP_MAC_CTX_new(mac);
		EVP_MAC_free(mac);
		if (!ctx)
			crypto_fail("setting up HMAC");
	}
	if (!EVP_MAC_init(ctx, key, keylen, params) || !EVP_MAC_update(ctx, msg, len) ||
	    !EVP_MAC_final(ctx, out, &n, KEY_LEN) || n != KEY_LEN)
		crypto_fail("HMAC-BLAKE2s");
}

/* ChaCha20-Poly1305 with nonce 0 (each handshake key seals one message) */
void seal(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in, size_t len,
	  const uint8_t key[KEY_LEN], const uint8_t ad[KEY_LEN])
{
	static const uint8_t nonce[12];
	int n;

	if (!EVP_EncryptInit_ex(ctx, EVP_chacha20_poly1305(), NULL, key, nonce) ||
	    !EVP_EncryptUpdate(ctx, NULL, &n, ad, KEY_LEN) ||
	    !EVP_EncryptUpdate(ctx, out, &n, in, len) || n != (int)len ||
	    !EVP_EncryptFinal_ex(ctx, out + len, &n) ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, AEAD_TAG_LEN, out + len))
		crypto_fail("ChaCha20-Poly1305");
}

EVP_PKEY *x25519_private(const uint8_t priv[KEY_LEN])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, KEY_LEN);

	if (!k)
		crypto_fail("loading an X25519 private key");
	return k;
}

void x25519_public(EVP_PKEY *k, uint8_t pub[KEY_LEN])
{
	size_t len = KEY_LEN;

	if (!EVP_PKEY_get_raw_public_key(k, pub, &len) || len != KEY_LEN)
		crypto_fail("X25519 public key");
}

void x25519(uint8_t out[KEY_LEN], EVP_PKEY *priv, const uint8_t pub[KEY_LEN])
{
	EVP_PKEY *peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, pub, KEY_LEN);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(priv, NULL);
	size_t len = KEY_LEN;

	if (!peer || !ctx || EVP_PKEY_derive_init(ctx) <= 0 ||
	    EVP_PKEY_derive_set_peer(ctx, peer) <= 0 ||
	    EVP_PKEY_derive(ctx, out, &len) <= 0 || len != KEY_LEN)
		crypto_fail("X25519");
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
}

EVP_PKEY *x25519_generate(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");

	if (!k)
		crypto_fail("generating an X25519 key");
	return k;
}

/* --------------------------------------------------------------- base64 */

/*
 * One key in padded standard base64: 44 characters, the last one '='. An
 * '=' anywhere else is refused (EVP_DecodeBlock reads it as zero bits), and
 * so is whitespace (EVP_DecodeBlock trims it at either end, leaving a length
 * that is no multiple of 4); the spare bits of the last character may be set.
 */
bool key_from_base64(const char *in, uint8_t key[KEY_LEN])
{
	const size_t len = 4 * ((KEY_LEN + 2) / 3);
	uint8_t block[KEY_LEN + 1];	/* the '=' decodes to a zero byte */

	if (strlen(in) != len || strchr(in, '=') != in + len - 1)
		return false;
	if (EVP_DecodeBlock(block, (const unsigned char *)in, len) !=
	    sizeof(block))
		return false;
	memcpy(key, block, KEY_LEN);
	return true;
}
