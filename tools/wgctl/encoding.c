// SPDX-License-Identifier: GPL-2.0
/*
 * Base64 for keys. The text is often a private or preshared key, so no
 * step may depend on its characters: no table look-ups indexed by them,
 * no branches on them. Encoding is done here, as arithmetic on each 6-bit
 * value; decoding goes through libsodium's constant-time codec.
 * Only the one shape wg(8) uses is accepted: exactly 44 characters of the
 * standard alphabet ending in a single '='. Anything else is refused rather
 * than "repaired", so that a truncated or mangled key can never silently
 * turn into a different key.
 */
#include <string.h>

#include <sodium.h>

#include "encoding.h"

/*
 * All ones if v > limit, else zero, for v and limit below 2^31: the
 * difference wraps around exactly then, setting its top bit. No branch,
 * no table.
 */
static unsigned int above(unsigned int v, unsigned int limit)
{
	return 0u - ((limit - v) >> 31);
}

/*
 * The character of the 6-bit value v: 'A' + v, moved on to the next range
 * of the alphabet ('a'-'z', '0'-'9', '+', '/') by adding each range's
 * offset from the one before for every range boundary v is past (modulo
 * 2^32: some offsets are negative).
 */
static char b64_char(unsigned int v)
{
	return (char)('A' + v + (above(v, 25) & ('a' - 'Z' - 1)) +
		      (above(v, 51) & (unsigned int)('0' - 'z' - 1)) +
		      (above(v, 61) & (unsigned int)('+' - '9' - 1)) +
		      (above(v, 62) & ('/' - '+' - 1)));
}

/*
 * libsodium's sodium_bin2base64() does the same in constant time too, but
 * through a general loop at several times the cost: in a dump of 100,000
 * peers, encoding their keys took a third of wgctl's time printing it.
 */
void key_to_base64(char out[WGC_KEY_B64_LEN + 1],
		   const uint8_t key[WGC_KEY_LEN])
{
	unsigned int i, v;
	char *o = out;

	/* Groups of three bytes; the last is two, padded with a zero byte. */
	_Static_assert(WGC_KEY_LEN % 3 == 2, "a key ends in two bytes");
	for (i = 0; i < WGC_KEY_LEN; i += 3) {
		v = (unsigned int)key[i] << 16 | key[i + 1] << 8 |
		    (i + 2 < WGC_KEY_LEN ? key[i + 2] : 0);
		*o++ = b64_char(v >> 18);
		*o++ = b64_char((v >> 12) & 63);
		*o++ = b64_char((v >> 6) & 63);
		*o++ = b64_char(v & 63);
	}
	/* The zero byte's place is marked by '='. */
	out[WGC_KEY_B64_LEN - 1] = '=';
	out[WGC_KEY_B64_LEN] = '\0';
}

/*
 * Whether any of the len bytes has its top bit set, without a branch per
 * byte. libsodium 1.0.18 compares plain (signed) chars as ints, and decodes
 * every byte from 0x80 up as if it were a character of the alphabet.
 */
static bool any_high_bit(const char *s, size_t len)
{
	unsigned char acc = 0;
	size_t i;

	for (i = 0; i < len; i++)
		acc |= (unsigned char)s[i];
	return acc & 0x80;
}

/*
 * Decode the len characters at b64. No characters are ignored and none may
 * follow the '=', and libsodium refuses a last character whose two spare
 * bits are set, so each key has one spelling. "xxx==" decodes to 31 bytes,
 * hence the length check. On failure the output is wiped: libsodium leaves
 * what it had decoded so far, and callers must never see half a key.
 */
static bool key_decode(uint8_t key[WGC_KEY_LEN], const char *b64, size_t len)
{
	size_t key_len = 0;

	if (len != WGC_KEY_B64_LEN || b64[WGC_KEY_B64_LEN - 1] != '=' ||
	    any_high_bit(b64, len))
		return false;
	if (sodium_base642bin(key, WGC_KEY_LEN, b64, len, NULL, &key_len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) ||
	    key_len != WGC_KEY_LEN) {
		sodium_memzero(key, WGC_KEY_LEN);
		return false;
	}
	return true;
}

/* Decode a NUL-terminated key, as given on the command line. */
bool key_from_base64(uint8_t key[WGC_KEY_LEN], const char *b64)
{
	return key_decode(key, b64, strlen(b64));
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
	while (len > 0 && char_is_space(text[len - 1]))
		len--;
	return key_decode(key, text, len);
}

/* Whether all bytes are zero, in time independent of where they differ. */
bool key_is_zero(const uint8_t key[WGC_KEY_LEN])
{
	return sodium_is_zero(key, WGC_KEY_LEN);
}

/*
 * Length of the well-formed UTF-8 sequence at s (at most len bytes), or
 * 0 if there is none: Unicode's table of well-formed byte sequences, so
 * no overlong forms, no surrogates, nothing above U+10FFFF.
 */
size_t utf8_sequence_len(const unsigned char *s, size_t len)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* The second byte's range narrows for these leads. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}
