// SPDX-License-Identifier: GPL-2.0
/*
 * wgc-flood --self-test: the cryptography, and the initiations built from
 * it, against published and independently computed answers.
 */

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "flood.h"
#include "flood-crypto.h"
#include "flood-noise.h"
#include "flood-selftest.h"

/* ------------------------------------------------------------ self-test */

static bool check(const char *name, const uint8_t *got, size_t len, const char *want)
{
	char hex[2 * 64 + 1];
	size_t i;

	for (i = 0; i < len && i < 64; i++)
		sprintf(hex + 2 * i, "%02x", got[i]);
	hex[2 * i] = '\0';
	if (!strcmp(hex, want)) {
		printf("ok   %s\n", name);
		return true;
	}
	printf("FAIL %s\n     got  %s\n     want %s\n", name, hex, want);
	return false;
}

static const struct kat {
	const char *name;
	bool keyed;		/* key 00 01 .. 1f, as in the BLAKE2 KAT files */
	const char *text;	/* the message, or NULL for: */
	size_t seq_len;		/* the bytes 00 01 02 .. seq_len - 1 */
	size_t outlen;
	const char *hex;
} kats[] = {
	{ "RFC 7693 appendix B: BLAKE2s-256(\"abc\")", false, "abc", 0, 32,
	  "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982" },
	{ "BLAKE2s-256(\"\")", false, "", 0, 32,
	  "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9" },
	/* blake2s-kat.txt of the BLAKE2 reference code: keyed, 0, 1, 255 bytes */
	{ "blake2s-kat keyed, empty message", true, NULL, 0, 32,
	  "48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49" },
	{ "blake2s-kat keyed, 1-byte message", true, NULL, 1, 32,
	  "40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1" },
	{ "blake2s-kat keyed, 255-byte message", true, NULL, 255, 32,
	  "3fb735061abc519dfe979e54c1ee5bfad0a9d858b3315bad34bde999efd724dd" },
	/* not published: computed with Python's hashlib (the reference code) */
	{ "keyed, 16-byte tag of \"abc\"", true, "abc", 0, 16,
	  "61ba5f165c194692e09d12520cc4c74a" },
};

static bool check_kat(const struct kat *k)
{
	uint8_t key[KEY_LEN], msg[256], out[32];
	size_t len = k->text ? strlen(k->text) : k->seq_len, i;
	EVP_MAC_CTX *ctx;
	bool ok;

	for (i = 0; i < sizeof(key); i++)
		key[i] = i;
	for (i = 0; i < len; i++)
		msg[i] = k->text ? (uint8_t)k->text[i] : i;
	if (!k->keyed) {
		blake2s256(out, msg, len);
		return check(k->name, out, 32, k->hex);
	}
	ctx = mac_new(key, sizeof(key), k->outlen);
	mac_tag(ctx, msg, len, out, k->outlen);
	ok = check(k->name, out, k->outlen, k->hex);
	/* again, as every packet after the first re-initialises the context */
	mac_tag(ctx, msg, len, out, k->outlen);
	ok &= check("  ... and again with the same context", out, k->outlen, k->hex);
	EVP_MAC_CTX_free(ctx);
	return ok;
}

/*
 * The whole mac1 path with public key 00 01 .. 1f (given in base64) and the
 * message 01 00 00 00 04 05 .. 73; the answers are from Python's hashlib:
 *   k1 = blake2s(b"mac1----" + pub).digest()
 *   blake2s(msg, key=k1, digest_size=16).hexdigest()
 */
static bool check_mac1(void)
{
	struct flood f = { .bad_mac1 = false };
	uint8_t k1[KEY_LEN], msg[MAC1_OFF], tag[MAC_LEN];
	bool ok;
	int i;

	ok = key_from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
			     f.pubkey);
	for (i = 0; ok && i < KEY_LEN; i++)
		ok = f.pubkey[i] == i;
	printf("%s base64 public key\n", ok ? "ok  " : "FAIL");
	mac1_key(f.pubkey, k1);
	ok &= check("mac1 key", k1, KEY_LEN,
		    "4fb2527ac956001553dc1ad9b55171b7d9daa3de1cdbcd71451830170c7e6cac");
	for (i = 0; i < MAC1_OFF; i++)
		msg[i] = i < 4 ? (i == 0) : i;
	f.mac1 = mac1_ctx(f.pubkey);
	mac_tag(f.mac1, msg, sizeof(msg), tag, sizeof(tag));
	ok &= check("mac1", tag, sizeof(tag), "44a5276c0c75b37d5cfede7eaeb9cf59");
	EVP_MAC_CTX_free(f.mac1);
	return ok;
}

/*
 * HMAC-BLAKE2s, and a whole initiation from fixed keys: initiator static
 * 01 02 .. 20, ephemeral 41 42 .. 60, responder static 81 82 .. a0, sender
 * index 0x01020304, timestamp 1700000000.123456789 (Unix). The answers are
 * from an independent Python implementation (hashlib, hmac and the
 * "cryptography" package's X25519 and ChaCha20-Poly1305).
 */
static bool check_initiation(void)
{
	uint8_t key[KEY_LEN], priv[KEY_LEN], msg[MSG_INIT_LEN], out[KEY_LEN];
	struct flood f = { .v.aead = EVP_CIPHER_CTX_new() };
	EVP_PKEY *s, *e, *r;
	struct vpeer p;
	bool ok;
	int i;

	for (i = 0; i < KEY_LEN; i++)
		key[i] = i;
	hmac_blake2s(out, key, sizeof(key), (const uint8_t *)"abc", 3);
	ok = check("HMAC-BLAKE2s, key 00 01 .. 1f, \"abc\"", out, KEY_LEN,
		   "82623be5bc0a391b24dce53e67d028eff92d586de0485ac37822e597d049c74f");
	for (i = 0; i < KEY_LEN; i++)
		priv[i] = 0x81 + i;
	r = x25519_private(priv);
	x25519_public(r, f.pubkey);
	for (i = 0; i < KEY_LEN; i++)
		priv[i] = 0x01 + i;
	s = x25519_private(priv);
	for (i = 0; i < KEY_LEN; i++)
		priv[i] = 0x41 + i;
	e = x25519_private(priv);
	if (!f.v.aead)
		crypto_fail("EVP_CIPHER_CTX_new");
	f.mac1 = mac1_ctx(f.pubkey);
	vpeer_init(&p, f.v.aead, s, e, f.pubkey);
	vpeer_build(&f, &p, 0x01020304, 1700000000 * NSEC + 123456789, msg);
	ok &= check("initiation: its mac1", msg + MAC1_OFF, MAC_LEN,
		    "82da1b70aa8f47fb860ccdf6420c437d");
	blake2s256(out, msg, sizeof(msg));
	ok &= check("initiation: BLAKE2s-256 of all of it", out, KEY_LEN,
		    "8d387ebd45e9cda5503644313bca8d0226271d213a7ea7fb924c9c7e66b14ecc");
	EVP_PKEY_free(r);
	EVP_PKEY_free(s);
	EVP_PKEY_free(e);
	EVP_MAC_CTX_free(f.mac1);
	EVP_CIPHER_CTX_free(f.v.aead);
	return ok;
}

bool self_test(void)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kats); i++)
		ok &= check_kat(&kats[i]);
	ok &= check_mac1();
	ok &= check_initiation();
	printf("self-test %s\n", ok ? "passed" : "FAILED");
	return ok;
}
