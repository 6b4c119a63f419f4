/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unit self-tests of debug builds (WGC_DEBUG), run at module load.
 */

#ifndef _WGC_SELFTEST_H
#define _WGC_SELFTEST_H

#ifdef WGC_DEBUG
/*
 * Runs every self-test; prints "self-tests: pass", or names each test that
 * failed and returns -ENOTRECOVERABLE, which should fail the load. Needs
 * the allowed-IPs and ratelimiter caches (wgc_allowedips_slab_init(),
 * wgc_ratelimiter_module_init()).
 */
int wgc_selftests_run(void);
#else
static inline int wgc_selftests_run(void)
{
	return 0;
}
#endif

#endif /* _WGC_SELFTEST_H */
