// SPDX-License-Identifier: GPL-2.0
/*
 * wgc: an encrypted layer-3 tunnel device speaking WireGuard's protocol.
 */

#include "allowedips.h"
#include "device.h"
#include "netlink.h"
#include "noise.h"
#include "peer.h"
#include "queueing.h"
#include "ratelimiter.h"
#include "selftest.h"

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>
#include <uapi/linux/wgc.h>

static int __init wgc_mod_init(void)
{
	int ret;

	wgc_noise_init();
	ret = wgc_allowedips_slab_init();
	if (ret)
		return ret;
	ret = wgc_peer_slab_init();
	if (ret)
		goto err_allowedips;
	ret = wgc_ratelimiter_module_init();
	if (ret)
		goto err_peers;
	ret = wgc_selftests_run();
	if (ret)
		goto err_ratelimiter;
	ret = wgc_handshake_workers_init();
	if (ret)
		goto err_ratelimiter;
	ret = wgc_device_init();
	if (ret)
		goto err_workers;
	ret = wgc_genetlink_init();
	if (ret)
		goto err_device;
	pr_info("loaded\n");
	return 0;

err_device:
	wgc_device_uninit();
err_workers:
	wgc_handshake_workers_uninit();
err_ratelimiter:
	/* The self-test's entries are freed after a grace period. */
	rcu_barrier();
	wgc_ratelimiter_module_exit();
err_peers:
	wgc_peer_slab_uninit();
err_allowedips:
	wgc_allowedips_slab_uninit();
	return ret;
}

static void __exit wgc_mod_exit(void)
{
	/*
	 * Devices first: until the last one is gone its timers and packets
	 * can send events, which must not go out on a multicast group id
	 * genetlink has handed back (and maybe to another family since).
	 */
	wgc_device_uninit();
	wgc_genetlink_uninit();
	wgc_handshake_workers_uninit();
	/* Nodes and entries are freed after a grace period: let those finish. */
	rcu_barrier();
	wgc_ratelimiter_module_exit();
	wgc_peer_slab_uninit();
	wgc_allowedips_slab_uninit();
}

module_init(wgc_mod_init);
module_exit(wgc_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Encrypted layer-3 tunnel device speaking the WireGuard protocol");
MODULE_AUTHOR("The wgc developers");
MODULE_VERSION(WGC_VERSION);
MODULE_ALIAS_RTNL_LINK(KBUILD_MODNAME);
MODULE_ALIAS_GENL_FAMILY(WGC_GENL_NAME);
