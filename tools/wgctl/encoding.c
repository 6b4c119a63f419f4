// SPDX-License-Identifier: GPL-2.0
/*
 * Base64 for keys. Only the one shape wg(8) uses is accepted: exactly 44
 * characters of the standard alphabet ending in a single '='. Anything else
 * is refused rather than "repaired", so that a truncated or mangled key can
 * never silently turn into a different key.
 *
 * The character mapping avoids table look-ups and data-dependent branches:
 * the text is usually a private key, and we would rather not leak it
 * through the cache or the branch predictor.
 */
#include <string.h>

#include "encoding.h"

/*
 * All ones if lo <= c <= hi, else zero. c, lo and hi are all 0..255, so
 * both differences fit easily in an int and their sign bits say it all.
 */
static int in_range(int c, int lo, int hi)
{
	return ((lo - 1 - c) & (c - hi - 1)) >> 8;
}

/* 6-bit value of one base64 character, or -1 if it is not one. */
static int b64_decode_char(unsigned char ch)
{
	int c = ch;
	int v = -1;

	v += in_range(c, 'A', 'Z') & (c - 'A' + 1);
	v += in_range(c, 'a', 'z') & (c - 'a' + 26 + 1);
	v += in_range(c, '0', '9') & (c - '0' + 52 + 1);
	v += in_range(c, '+', '+') & (62 + 1);
	v += in_range(c, '/', '/') & (63 + 1);
	return v;
}

/* The 6 data bits of a decoded character; -1 is caught separately. */
static unsigned int sextet(int v)
{
	return (unsigned int)v & 63;
}

/* Base64 character for a 6-bit value. */
static char b64_encode_char(unsigned int value)
{
	int v = value & 63;
	int c = 'A' + v;

	/* Each step shifts the run of letters/digits past the one before. */
	c += ((25 - v) >> 8) & ('a' - 'A' - 26);
	c += ((51 - v) >> 8) & ('0' - 'a' - 26);
	c += ((61 - v) >> 8) & ('+' - '0' - 10);
	c += ((62 - v) >> 8) & ('/' - '+' - 1);
	return (char)c;
}

void key_to_base64(char out[WGC_KEY_B64_LEN + 1],
		   const uint8_t key[WGC_KEY_LEN])
{
	unsigned int i, acc;

	for (i = 0; i < WGC_KEY_LEN / 3; i++) {
		acc = (unsigned int)key[i * 3] << 16 |
		      (unsigned int)key[i * 3 + 1] << 8 | key[i * 3 + 2];
		out[i * 4 + 0] = b64_encode_char(acc >> 18);
		out[i * 4 + 1] = b64_encode_char(acc >> 12);
		out[i * 4 + 2] = b64_encode_char(acc >> 6);
		out[i * 4 + 3] = b64_encode_char(acc);
	}
	/* The last two bytes make 16 bits: three characters and one '='. */
	acc = (unsigned int)key[30] << 16 | (unsigned int)key[31] << 8;
	out[40] = b64_encode_char(acc >> 18);
	out[41] = b64_encode_char(acc >> 12);
	out[42] = b64_encode_char(acc >> 6);
	out[43] = '=';
	out[44] = '\0';
}

/*
 * Decode a NUL-terminated 44-character key. On failure the output is wiped
 * so that callers never see half a key.
 */
bool key_from_base64(uint8_t key[WGC_KEY_LEN], const char *b64)
{
	const unsigned char *s = (const unsigned char *)b64;
	unsigned int i, acc;
	int v0, v1, v2, v3, bad = 0;

	if (strlen(b64) != WGC_KEY_B64_LEN || b64[43] != '=')
		return false;

	for (i = 0; i < WGC_KEY_LEN / 3; i++) {
		v0 = b64_decode_char(s[i * 4 + 0]);
		v1 = b64_decode_char(s[i * 4 + 1]);
		v2 = b64_decode_char(s[i * 4 + 2]);
		v3 = b64_decode_char(s[i * 4 + 3]);
		/* Only an invalid character (-1) makes this negative. */
		bad |= v0 | v1 | v2 | v3;
		acc = sextet(v0) << 18 | sextet(v1) << 12 | sextet(v2) << 6 |
		      sextet(v3);
		key[i * 3 + 0] = (uint8_t)(acc >> 16);
		key[i * 3 + 1] = (uint8_t)(acc >> 8);
		key[i * 3 + 2] = (uint8_t)acc;
	}

	v0 = b64_decode_char(s[40]);
	v1 = b64_decode_char(s[41]);
	v2 = b64_decode_char(s[42]);
	bad |= v0 | v1 | v2;
	acc = sextet(v0) << 12 | sextet(v1) << 6 | sextet(v2);
	/*
	 * 18 bits carry 16 bits of key; the two spare bits must be zero or
	 * several spellings would decode to the same key.
	 */
	bad |= -(int)(acc & 3);
	key[30] = (uint8_t)(acc >> 10);
	key[31] = (uint8_t)(acc >> 2);

	if (bad < 0) {
		memset(key, 0, WGC_KEY_LEN);
		return false;
	}
	return true;
}

bool char_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

/*
 * Decode a key as read from a file or a pipe: the 44 characters, then
 * nothing but whitespace. text need not be NUL-terminated; an embedded
 * NUL is just another invalid character.
 */
bool key_from_text(uint8_t key[WGC_KEY_LEN], const char *text, size_t len)
{
	char b64[WGC_KEY_B64_LEN + 1];
	bool ok;

	while (len > 0 && char_is_space(text[len - 1]))
		len--;
	if (len != WGC_KEY_B64_LEN || memchr(text, '\0', len))
		return false;

	memcpy(b64, text, WGC_KEY_B64_LEN);
	b64[WGC_KEY_B64_LEN] = '\0';
	ok = key_from_base64(key, b64);
	/* b64 is a copy of what may be a private key: do not leave it. */
	explicit_bzero(b64, sizeof(b64));
	return ok;
}

/*
 * Whether all bytes are zero, in time independent of where they differ.
 * The accumulator is volatile so that the compiler cannot turn the loop
 * into one that stops at the first non-zero byte.
 */
bool key_is_zero(const uint8_t key[WGC_KEY_LEN])
{
	volatile uint8_t acc = 0;
	unsigned int i;

	for (i = 0; i < WGC_KEY_LEN; i++)
		acc |= key[i];
	/* acc - 1 underflows (sets bit 8) only when acc is 0. */
	return 1 & ((acc - 1) >> 8);
}
