// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the unit self-tests of debug builds at module load. Each test lives
 * beside (and is compiled into) the code it tests, so that it can reach its
 * static functions; this only calls them and reports.
 */

#include "allowedips.h"
#include "cookie.h"
#include "index.h"
#include "ratelimiter.h"
#include "replay.h"
#include "selftest.h"

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/printk.h>

/* Lets a harness tell a self-testing build from a release one: modinfo. */
MODULE_INFO(selftests, "y");

struct wgc_selftest {
	const char *name;
	bool (*run)(void);
};

/*
 * A harness that loads the module many times (the VM's selftests reload it
 * for every test) runs the self-tests once, in the load that checks them,
 * and turns them off for the others: on the debug kernel they take seconds.
 */
static bool run_selftests = true;
module_param(run_selftests, bool, 0444);
MODULE_PARM_DESC(run_selftests, "run the self-tests at load (debug builds)");

static const struct wgc_selftest wgc_selftests[] __initconst = {
	{ "allowedips", wgc_allowedips_selftest },
	{ "replay", wgc_replay_selftest },
	{ "index", wgc_index_selftest },
	{ "ratelimiter", wgc_ratelimiter_selftest },
	{ "cookie", wgc_cookie_selftest },
};

int __init wgc_selftests_run(void)
{
	unsigned int i;
	ktime_t start;
	int ret = 0;
	bool ok;

	if (!run_selftests) {
		pr_info("self-tests: not run (run_selftests=0)\n");
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(wgc_selftests); i++) {
		start = ktime_get();
		ok = wgc_selftests[i].run();
		pr_debug("self-test %s took %lld us\n", wgc_selftests[i].name,
			 ktime_us_delta(ktime_get(), start));
		if (ok)
			continue;
		pr_err("self-test %s: FAIL\n", wgc_selftests[i].name);
		ret = -ENOTRECOVERABLE;
	}
	if (!ret)
		pr_info("self-tests: pass\n");
	return ret;
}
