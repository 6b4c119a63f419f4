/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing of the values given to "wgctl set". Nothing here talks to the
 * kernel, so every argument can be checked before anything is changed.
 */
#ifndef WGCTL_CONFIG_H
#define WGCTL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/wgc.h>

/* Longest key file or stdin we accept: a key and generous whitespace. */
#define KEY_TEXT_MAX 1024

bool config_parse_port(const char *s, uint16_t *port);
bool config_parse_fwmark(const char *s, uint32_t *fwmark);
ssize_t config_read_fd(int fd, char *buf, size_t size);
int config_read_key_file(const char *path, uint8_t key[WGC_KEY_LEN],
			 bool *exposed);

#endif /* WGCTL_CONFIG_H */
