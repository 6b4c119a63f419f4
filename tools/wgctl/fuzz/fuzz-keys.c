// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzing the base64 keys of tools/wgctl/encoding.c, both ways.
 *
 * The input, as text: key_from_text() (a key file's content) and
 * key_from_base64() (a command-line argument) must agree; a key that
 * decodes must encode back to exactly the text it came from, since only
 * one spelling of each key is accepted; and a failed decode must leave
 * either the caller's buffer untouched or zeros, never half a key.
 *
 * The input's first 32 bytes, as a key: encoding gives 44 characters
 * ending in '=', which decode to the same key.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "encoding.h"
#include "fuzz.h"

/* What a decode buffer holds before the call, to see if it was touched. */
#define POISON 0xa5

static bool all_bytes(const uint8_t key[WGC_KEY_LEN], uint8_t value)
{
	size_t i;

	for (i = 0; i < WGC_KEY_LEN; i++)
		if (key[i] != value)
			return false;
	return true;
}

/* A failed decode left no trace of a key: untouched, or wiped. */
static bool no_half_key(const uint8_t key[WGC_KEY_LEN])
{
	return all_bytes(key, POISON) || all_bytes(key, 0);
}

/* Whitespace as a key file may end with, written out independently. */
static bool is_trailing_space(char c)
{
	return c && strchr(" \t\n\v\f\r", c);
}

/* Decode text in both ways and hold the decoders to each other. */
static void check_text(const char *text, size_t len)
{
	uint8_t from_file[WGC_KEY_LEN], from_arg[WGC_KEY_LEN];
	char b64[WGC_KEY_B64_LEN + 1];
	size_t trimmed = len;
	bool file_ok, arg_ok;
	char *arg;

	while (trimmed && is_trailing_space(text[trimmed - 1]))
		trimmed--;
	/* The argument is the text up to its trailing space, or first NUL. */
	arg = strndup(text, trimmed);
	FUZZ_CHECK(arg);

	memset(from_file, POISON, sizeof(from_file));
	memset(from_arg, POISON, sizeof(from_arg));
	file_ok = key_from_text(from_file, text, len);
	arg_ok = key_from_base64(from_arg, arg);

	/* A NUL cuts the argument short but spoils the file. */
	FUZZ_CHECK(file_ok == (arg_ok && strlen(arg) == trimmed));
	if (file_ok) {
		FUZZ_CHECK(!memcmp(from_file, from_arg, WGC_KEY_LEN));
		key_to_base64(b64, from_file);
		FUZZ_CHECK(!memcmp(b64, text, WGC_KEY_B64_LEN));
	} else {
		FUZZ_CHECK(no_half_key(from_file));
	}
	if (!arg_ok)
		FUZZ_CHECK(no_half_key(from_arg));

	/* Whatever they held may have been a private key. */
	sodium_memzero(from_file, sizeof(from_file));
	sodium_memzero(from_arg, sizeof(from_arg));
	sodium_memzero(b64, sizeof(b64));
	sodium_memzero(arg, strlen(arg));
	free(arg);
}

/* Any 32 bytes survive encoding and decoding. */
static void check_key(const uint8_t key[WGC_KEY_LEN])
{
	uint8_t back[WGC_KEY_LEN];
	char b64[WGC_KEY_B64_LEN + 1];

	key_to_base64(b64, key);
	FUZZ_CHECK(strlen(b64) == WGC_KEY_B64_LEN);
	FUZZ_CHECK(b64[WGC_KEY_B64_LEN - 1] == '=');
	FUZZ_CHECK(key_from_base64(back, b64));
	FUZZ_CHECK(!memcmp(back, key, WGC_KEY_LEN));
	FUZZ_CHECK(key_is_zero(key) == all_bytes(key, 0));
	sodium_memzero(back, sizeof(back));
	sodium_memzero(b64, sizeof(b64));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_text((const char *)data, size);
	if (size >= WGC_KEY_LEN)
		check_key(data);
	return 0;
}
