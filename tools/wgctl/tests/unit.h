/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal test reporting for the wgctl host unit tests: one line per
 * case, "PASS: unit/<name>" or "FAIL: unit/<name>: <why>", which
 * tools/wgctl/tests/run.sh counts.
 */
#ifndef WGCTL_UNIT_H
#define WGCTL_UNIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static unsigned int unit_failures;

/* Line-buffer stdout so the lines so far survive a crash. */
static inline void unit_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Report one case. why is a printf format, used only on failure. */
__attribute__((format(printf, 3, 4)))
static inline bool unit_check(const char *name, bool ok, const char *why,
			      ...)
{
	va_list ap;

	if (ok) {
		printf("PASS: unit/%s\n", name);
		return true;
	}
	unit_failures++;
	printf("FAIL: unit/%s: ", name);
	va_start(ap, why);
	vprintf(why, ap);
	va_end(ap);
	putchar('\n');
	return false;
}

static inline int unit_exit(void)
{
	return unit_failures ? 1 : 0;
}

#endif /* WGCTL_UNIT_H */
