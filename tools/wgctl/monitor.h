/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "wgctl monitor": the kernel's events as lines of text or JSON.
 */
#ifndef WGCTL_MONITOR_H
#define WGCTL_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct wgctl_event;

/* Room for "event-255". */
#define MONITOR_NAME_SIZE 16

const char *monitor_event_name(uint8_t cmd, char buf[MONITOR_NAME_SIZE]);
void monitor_print_event(FILE *out, const struct wgctl_event *ev, bool json);
void monitor_print_lost(FILE *out, bool json);
void monitor_print_keylog(FILE *out, const struct wgctl_event *ev);

#endif /* WGCTL_MONITOR_H */
