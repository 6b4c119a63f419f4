// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tools/wgctl/keys.c: RFC 7748 vectors through the same
 * code path as "wgctl pubkey", and the clamping of "wgctl genkey".
 */
#include <string.h>

#include <sodium.h>

#include "encoding.h"
#include "keys.h"
#include "unit.h"

struct vector {
	const char *name;
	uint8_t priv[WGC_KEY_LEN];
	uint8_t pub[WGC_KEY_LEN];
	const char *priv_b64, *pub_b64;
};

/* RFC 7748 section 6.1. */
static const struct vector vectors[] = {
	{
		"alice",
		{ 0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16,
		  0xc1, 0x72, 0x51, 0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87,
		  0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9,
		  0x2c, 0x2a },
		{ 0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b,
		  0x7d, 0xdc, 0xb4, 0x3e, 0xf7, 0x5a, 0x0d, 0xbf, 0x3a, 0x0d,
		  0x26, 0x38, 0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b,
		  0x4e, 0x6a },
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=",
		"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=",
	},
	{
		"bob",
		{ 0x5d, 0xab, 0x08, 0x7e, 0x62, 0x4a, 0x8a, 0x4b, 0x79, 0xe1,
		  0x7f, 0x8b, 0x83, 0x80, 0x0e, 0xe6, 0x6f, 0x3b, 0xb1, 0x29,
		  0x26, 0x18, 0xb6, 0xfd, 0x1c, 0x2f, 0x8b, 0x27, 0xff, 0x88,
		  0xe0, 0xeb },
		{ 0xde, 0x9e, 0xdb, 0x7d, 0x7b, 0x7d, 0xc1, 0xb4, 0xd3, 0x5b,
		  0x61, 0xc2, 0xec, 0xe4, 0x35, 0x37, 0x3f, 0x83, 0x43, 0xc8,
		  0x5b, 0x78, 0x67, 0x4d, 0xad, 0xfc, 0x7e, 0x14, 0x6f, 0x88,
		  0x2b, 0x4f },
		"XasIfmJKikt54X+Lg4AO5m87sSkmGLb9HC+LJ/+I4Os=",
		"3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=",
	},
};

static void test_vector(const struct vector *v)
{
	uint8_t priv[WGC_KEY_LEN], pub[WGC_KEY_LEN];
	char name[64], b64[WGC_KEY_B64_LEN + 1];

	snprintf(name, sizeof(name), "keys/rfc7748-%s-public", v->name);
	unit_check(name, !keys_public_from_private(pub, v->priv) &&
		   !memcmp(pub, v->pub, sizeof(pub)), "wrong public key");

	/* The whole pubkey path: base64 in, X25519, base64 out. */
	snprintf(name, sizeof(name), "keys/rfc7748-%s-base64", v->name);
	memset(b64, 0, sizeof(b64));
	if (key_from_text(priv, v->priv_b64, strlen(v->priv_b64)) &&
	    !keys_public_from_private(pub, priv))
		key_to_base64(b64, pub);
	unit_check(name, !strcmp(b64, v->pub_b64), "got \"%s\"", b64);
}

/*
 * The base point multiplication clamps on its own, so a key and its
 * clamped form share a public key; genkey's clamping is cosmetic there
 * but must hold.
 */
static void test_clamp_invariant(void)
{
	uint8_t priv[WGC_KEY_LEN], pub1[WGC_KEY_LEN], pub2[WGC_KEY_LEN];

	memcpy(priv, vectors[0].priv, sizeof(priv));
	keys_public_from_private(pub1, priv);
	keys_clamp(priv);
	keys_public_from_private(pub2, priv);
	unit_check("keys/clamped-same-public", !memcmp(pub1, pub2, 32),
		   "clamping changed the public key");
}

static void test_clamp_bits(void)
{
	uint8_t key[WGC_KEY_LEN];

	memset(key, 0xff, sizeof(key));
	keys_clamp(key);
	unit_check("keys/clamp-ones", key[0] == 0xf8 && key[31] == 0x7f &&
		   key[1] == 0xff && key[30] == 0xff,
		   "got %02x..%02x", key[0], key[31]);
	memset(key, 0, sizeof(key));
	keys_clamp(key);
	unit_check("keys/clamp-zeros", key[0] == 0 && key[31] == 0x40,
		   "got %02x..%02x", key[0], key[31]);
}

#define RUNS 20000

/*
 * genkey: the clamped bits always hold, while every other bit of the
 * first and last byte is seen both set and clear.
 */
static void test_genkey(void)
{
	uint8_t key[WGC_KEY_LEN], prev[WGC_KEY_LEN] = { 0 };
	uint8_t or0 = 0, and0 = 0xff, or31 = 0, and31 = 0xff;
	int i;

	for (i = 0; i < RUNS; i++) {
		if (keys_generate_private(key)) {
			unit_check("keys/genkey-clamped", false, "no random");
			return;
		}
		if ((key[0] & 7) || (key[31] & 0x80) || !(key[31] & 0x40)) {
			unit_check("keys/genkey-clamped", false,
				   "run %d: %02x..%02x", i, key[0], key[31]);
			return;
		}
		if (!memcmp(key, prev, sizeof(key))) {
			unit_check("keys/genkey-clamped", false,
				   "same key twice");
			return;
		}
		memcpy(prev, key, sizeof(key));
		or0 |= key[0];
		and0 &= key[0];
		or31 |= key[31];
		and31 &= key[31];
	}
	unit_check("keys/genkey-clamped", true, "-");
	unit_check("keys/genkey-other-bits-random",
		   or0 == 0xf8 && and0 == 0 && or31 == 0x7f && and31 == 0x40,
		   "or0 %02x and0 %02x or31 %02x and31 %02x",
		   or0, and0, or31, and31);
}

/* genpsk: not clamped, so every bit shows up both ways. */
static void test_genpsk(void)
{
	uint8_t key[WGC_KEY_LEN], or0 = 0, and0 = 0xff, or31 = 0, and31 = 0xff;
	int i;

	for (i = 0; i < RUNS; i++) {
		if (keys_random(key)) {
			unit_check("keys/genpsk-unclamped", false, "no random");
			return;
		}
		or0 |= key[0];
		and0 &= key[0];
		or31 |= key[31];
		and31 &= key[31];
	}
	unit_check("keys/genpsk-unclamped", or0 == 0xff && and0 == 0 &&
		   or31 == 0xff && and31 == 0, "bits stuck");
}

int main(void)
{
	size_t i;

	unit_init();
	if (sodium_init() < 0) {
		unit_check("keys/sodium-init", false, "sodium_init failed");
		return 1;
	}
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		test_vector(&vectors[i]);
	test_clamp_invariant();
	test_clamp_bits();
	test_genkey();
	test_genpsk();
	return unit_exit();
}
