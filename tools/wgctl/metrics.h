/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A peer's counters as "wgctl show IF stats" and --json list them, and the
 * text of --openmetrics and --prometheus. Nothing here does I/O but to the
 * FILE given, so the unit tests can check the exact output.
 */
#ifndef WGCTL_METRICS_H
#define WGCTL_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "device.h"

/*
 * One counter: its name in "stats" (JSON: dashes become underscores), and
 * its value; a time (Unix seconds) is an int64_t, cast.
 */
struct peer_counter {
	const char *name;
	uint64_t value;
	bool is_time;
};

#define PEER_COUNTERS 21

/*
 * The peer's counters in the order every form lists them; 0 (and nothing
 * in out) when the kernel sent none, as a module older than them does.
 */
size_t peer_counters(const struct wgctl_peer *peer,
		     struct peer_counter out[PEER_COUNTERS]);

enum metrics_format {
	METRICS_OPENMETRICS,	/* --openmetrics: what Prometheus scrapes */
	METRICS_PROMETHEUS,	/* --prometheus: node_exporter's text files */
};

/*
 * The devices' peers (and how many each has) as one exposition in
 * @format, with the same families and samples either way (OpenMetrics'
 * ends with "# EOF"); the devices must have been read with their peers'
 * stats.
 */
void metrics_write(FILE *out, enum metrics_format format,
		   const struct wgctl_device *devs, size_t count);

#endif /* WGCTL_METRICS_H */
