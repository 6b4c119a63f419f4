// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tools/wgctl/encoding.c: base64 keys and the zero check.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "encoding.h"
#include "unit.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* RFC 7748 section 6.1, Alice's private key. */
static const char alice_b64[] = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=";
static const uint8_t alice[WGC_KEY_LEN] = {
	0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1,
	0x72, 0x51, 0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0,
	0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a,
};

/* A plain table-driven encoder to hold libsodium's against. */
static void reference_encode(char out[WGC_KEY_B64_LEN + 1],
			     const uint8_t *in)
{
	unsigned int i, o = 0, v;

	for (i = 0; i + 3 <= WGC_KEY_LEN; i += 3) {
		v = in[i] << 16 | in[i + 1] << 8 | in[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	v = in[30] << 16 | in[31] << 8;
	out[o++] = alphabet[(v >> 18) & 63];
	out[o++] = alphabet[(v >> 12) & 63];
	out[o++] = alphabet[(v >> 6) & 63];
	out[o++] = '=';
	out[o] = '\0';
}

static bool random_key(uint8_t key[WGC_KEY_LEN])
{
	return getrandom(key, WGC_KEY_LEN, 0) == WGC_KEY_LEN;
}

static void test_round_trip_random(void)
{
	char b64[WGC_KEY_B64_LEN + 1], ref[WGC_KEY_B64_LEN + 1];
	uint8_t key[WGC_KEY_LEN], back[WGC_KEY_LEN];
	int i;

	for (i = 0; i < 10000; i++) {
		if (!random_key(key)) {
			unit_check("encoding/round-trip-random", false,
				   "getrandom failed");
			return;
		}
		key_to_base64(b64, key);
		reference_encode(ref, key);
		if (strcmp(b64, ref)) {
			unit_check("encoding/round-trip-random", false,
				   "encoded %s, reference says %s", b64, ref);
			return;
		}
		if (!key_from_base64(back, b64) || memcmp(back, key, sizeof(key))) {
			unit_check("encoding/round-trip-random", false,
				   "%s did not decode to itself", b64);
			return;
		}
	}
	unit_check("encoding/round-trip-random", true, "-");
}

static void test_known_vectors(void)
{
	uint8_t key[WGC_KEY_LEN], zero[WGC_KEY_LEN] = { 0 };
	char b64[WGC_KEY_B64_LEN + 1];

	key_to_base64(b64, alice);
	unit_check("encoding/encode-rfc7748-alice", !strcmp(b64, alice_b64),
		   "got %s", b64);
	unit_check("encoding/decode-rfc7748-alice",
		   key_from_base64(key, alice_b64) &&
		   !memcmp(key, alice, sizeof(key)), "decode mismatch");

	key_to_base64(b64, zero);
	unit_check("encoding/encode-zero",
		   !strcmp(b64, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
		   "got %s", b64);
	memset(key, 0xff, sizeof(key));
	key_to_base64(b64, key);
	unit_check("encoding/encode-all-ones",
		   !strcmp(b64, "//////////////////////////////////////////8="),
		   "got %s", b64);
}

/* Every alphabet character must decode at every (non-final) position. */
static void test_full_alphabet(void)
{
	char b64[WGC_KEY_B64_LEN + 1], again[WGC_KEY_B64_LEN + 1];
	uint8_t key[WGC_KEY_LEN];
	int pos, c;

	for (pos = 0; pos < 42; pos++) {
		for (c = 0; c < 64; c++) {
			strcpy(b64, alice_b64);
			b64[pos] = alphabet[c];
			if (!key_from_base64(key, b64)) {
				unit_check("encoding/full-alphabet", false,
					   "rejected %s", b64);
				return;
			}
			key_to_base64(again, key);
			if (strcmp(again, b64)) {
				unit_check("encoding/full-alphabet", false,
					   "%s came back as %s", b64, again);
				return;
			}
		}
	}
	unit_check("encoding/full-alphabet", true, "-");
}

static bool rejects(const char *b64)
{
	uint8_t key[WGC_KEY_LEN];
	bool ok;

	memset(key, 0xaa, sizeof(key));
	ok = key_from_base64(key, b64);
	/* A refused key must not leave half a key behind either. */
	for (size_t i = 0; !ok && i < sizeof(key); i++)
		if (key[i] && key[i] != 0xaa)
			return false;
	return !ok;
}

static void test_wrong_length(void)
{
	char b64[64];

	strcpy(b64, alice_b64);
	b64[42] = '=';
	b64[43] = '\0';
	unit_check("encoding/reject-43-chars", rejects(b64), "accepted %s", b64);
	unit_check("encoding/reject-43-chars-no-pad",
		   rejects("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo"),
		   "accepted");

	snprintf(b64, sizeof(b64), "%sA", alice_b64);
	unit_check("encoding/reject-45-chars", rejects(b64), "accepted %s", b64);
	snprintf(b64, sizeof(b64), "%s=", alice_b64);
	unit_check("encoding/reject-double-pad-45", rejects(b64), "accepted");
	unit_check("encoding/reject-empty", rejects(""), "accepted");
}

/*
 * Every byte outside the alphabet, '=' included, at every position but the
 * pad: libsodium 1.0.18 alone would decode any byte from 0x80 up.
 */
static void test_bad_chars(void)
{
	char b64[WGC_KEY_B64_LEN + 1];
	unsigned int pos, c;

	for (pos = 0; pos < 43; pos++) {
		for (c = 1; c < 256; c++) {
			if (memchr(alphabet, (int)c, sizeof(alphabet) - 1))
				continue;
			strcpy(b64, alice_b64);
			b64[pos] = (char)c;
			if (!rejects(b64)) {
				unit_check("encoding/reject-bad-char", false,
					   "accepted 0x%02x at %u", c, pos);
				return;
			}
		}
	}
	unit_check("encoding/reject-bad-char", true, "-");
}

static void test_padding(void)
{
	char b64[WGC_KEY_B64_LEN + 1];
	int i;

	strcpy(b64, alice_b64);
	b64[43] = 'A';
	unit_check("encoding/reject-missing-pad", rejects(b64),
		   "accepted %s", b64);

	strcpy(b64, alice_b64);
	b64[42] = '=';
	unit_check("encoding/reject-two-pads", rejects(b64), "accepted %s", b64);

	/*
	 * The last character carries 4 key bits and 2 spare ones. Alice's
	 * ends in 'o' (101000); 'p', 'q' and 'r' differ only in the spare
	 * bits and must be refused as non-canonical.
	 */
	for (i = 1; i < 4; i++) {
		strcpy(b64, alice_b64);
		b64[42] = (char)('o' + i);
		if (!rejects(b64)) {
			unit_check("encoding/reject-non-canonical", false,
				   "accepted %s", b64);
			return;
		}
	}
	unit_check("encoding/reject-non-canonical", true, "-");
}

static void test_text(void)
{
	char text[128];
	uint8_t key[WGC_KEY_LEN];
	size_t len;

	len = (size_t)snprintf(text, sizeof(text), "%s\n", alice_b64);
	unit_check("encoding/text-trailing-newline",
		   key_from_text(key, text, len) && !memcmp(key, alice, 32),
		   "rejected");
	len = (size_t)snprintf(text, sizeof(text), "%s\r\n", alice_b64);
	unit_check("encoding/text-trailing-crlf",
		   key_from_text(key, text, len), "rejected");
	len = (size_t)snprintf(text, sizeof(text), "%s \t\n\n", alice_b64);
	unit_check("encoding/text-trailing-spaces",
		   key_from_text(key, text, len), "rejected");
	unit_check("encoding/text-no-newline",
		   key_from_text(key, alice_b64, strlen(alice_b64)), "rejected");

	len = (size_t)snprintf(text, sizeof(text), " %s\n", alice_b64);
	unit_check("encoding/text-reject-leading-space",
		   !key_from_text(key, text, len), "accepted");
	len = (size_t)snprintf(text, sizeof(text), "%sx\n", alice_b64);
	unit_check("encoding/text-reject-trailing-junk",
		   !key_from_text(key, text, len), "accepted");
	len = (size_t)snprintf(text, sizeof(text), "%s\n%s\n", alice_b64,
			       alice_b64);
	unit_check("encoding/text-reject-two-keys",
		   !key_from_text(key, text, len), "accepted");
	memcpy(text, alice_b64, 44);
	text[10] = '\0';
	unit_check("encoding/text-reject-embedded-nul",
		   !key_from_text(key, text, 44), "accepted");
	unit_check("encoding/text-reject-empty", !key_from_text(key, "", 0),
		   "accepted");
	unit_check("encoding/text-reject-only-newline",
		   !key_from_text(key, "\n", 1), "accepted");
}

static void test_zero(void)
{
	uint8_t key[WGC_KEY_LEN] = { 0 };
	unsigned int i, bit;

	unit_check("encoding/zero-key-is-zero", key_is_zero(key), "said no");
	for (i = 0; i < WGC_KEY_LEN; i++) {
		for (bit = 0; bit < 8; bit++) {
			memset(key, 0, sizeof(key));
			key[i] = (uint8_t)(1 << bit);
			if (key_is_zero(key)) {
				unit_check("encoding/nonzero-key-not-zero",
					   false, "byte %u bit %u", i, bit);
				return;
			}
		}
	}
	unit_check("encoding/nonzero-key-not-zero", true, "-");
}

int main(void)
{
	unit_init();
	test_round_trip_random();
	test_known_vectors();
	test_full_alphabet();
	test_wrong_length();
	test_bad_chars();
	test_padding();
	test_text();
	test_zero();
	return unit_exit();
}
