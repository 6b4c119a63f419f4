/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal test reporting for the wgctl host unit tests, in KTAP: one result
 * per case ("ok N name"; "# name: why" and "not ok N name" on failure), then
 * the count, "# Totals: pass:P fail:F skip:0", which tools/wgctl/tests/run.sh
 * adds up.
 */
#ifndef WGCTL_UNIT_H
#define WGCTL_UNIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static unsigned int unit_passes, unit_failures;

/* Line-buffer stdout so the lines so far survive a crash. */
static inline void unit_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("KTAP version 1\n");
}

/* Report one case. why is a printf format, used only on failure. */
__attribute__((format(printf, 3, 4)))
static inline bool unit_check(const char *name, bool ok, const char *why,
			      ...)
{
	unsigned int number = unit_passes + unit_failures + 1;
	va_list ap;

	if (ok) {
		unit_passes++;
		printf("ok %u %s\n", number, name);
		return true;
	}
	unit_failures++;
	printf("# %s: ", name);
	va_start(ap, why);
	vprintf(why, ap);
	va_end(ap);
	printf("\nnot ok %u %s\n", number, name);
	return false;
}

static inline int unit_exit(void)
{
	printf("# Totals: pass:%u fail:%u skip:0\n", unit_passes, unit_failures);
	return unit_failures ? 1 : 0;
}

#endif /* WGCTL_UNIT_H */
