/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Base64 text form of 32-byte keys, as used by wg(8) and wgctl(8).
 */
#ifndef WGCTL_ENCODING_H
#define WGCTL_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/wgc.h>

/* 32 bytes are ten 4-character groups plus "xxx=": 44 characters. */
#define WGC_KEY_B64_LEN (((WGC_KEY_LEN + 2) / 3) * 4)

void key_to_base64(char out[WGC_KEY_B64_LEN + 1],
		   const uint8_t key[WGC_KEY_LEN]);
bool key_from_base64(uint8_t key[WGC_KEY_LEN], const char *b64);
bool key_from_text(uint8_t key[WGC_KEY_LEN], const char *text, size_t len);
bool key_is_zero(const uint8_t key[WGC_KEY_LEN]);
bool char_is_space(char c);
/*
 * Length of the well-formed UTF-8 sequence at s (at most len bytes), or 0
 * if there is none (no overlong forms, surrogates, or code points past
 * U+10FFFF).
 */
size_t utf8_sequence_len(const unsigned char *s, size_t len);

#endif /* WGCTL_ENCODING_H */
