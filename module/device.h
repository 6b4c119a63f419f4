/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The wgc network device.
 */

#ifndef _WGC_DEVICE_H
#define _WGC_DEVICE_H

#include "allowedips.h"
#include "cookie.h"
#include "noise.h"
#include "queueing.h"

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rwsem.h>
#include <linux/workqueue.h>

struct sock;

struct wgc_peer_hashtable;

/*
 * Locking:
 *  - RTNL serialises open/stop, link deletion and namespace exit with
 *    configuration changes, and protects creating_net_node.
 *  - device_update_lock (taken after RTNL where both are held) protects the
 *    configuration: listen_port, fwmark, the writer side of sock4/sock6, the
 *    peer list and the allowed IPs, and config_seq. Netlink dumps take only
 *    this lock.
 *  - identity_lock (taken after device_update_lock) protects
 *    static_identity and the cookie checker's keys derived from it: the
 *    handshake works read them concurrently, configuration writes them.
 *  - sock4/sock6 are read under RCU on the packet path; so are the allowed
 *    IPs, the index table and the peer hash table.
 */
struct wgc_device {
	struct net_device *dev;

	/*
	 * Where the UDP sockets live. Not refcounted: the device is deleted
	 * when this namespace exits (wgc_net_exit_batch), so it always
	 * outlives the device.
	 */
	struct net *creating_net;
	/* In the per-namespace list of devices created there. */
	struct list_head creating_net_node;

	struct mutex device_update_lock;	/* see "Locking" above */
	struct rw_semaphore identity_lock;	/* see "Locking" above */
	struct wgc_static_identity static_identity;
	struct wgc_cookie_checker cookie_checker;
	struct sock __rcu *sock4;
	struct sock __rcu *sock6;
	/*
	 * Port to bind while up; once bound, the port actually in use, so that
	 * a configured 0 reads back as what the kernel chose.
	 */
	u16 listen_port;
	u32 fwmark;

	struct list_head peer_list;
	unsigned int num_peers;
	struct wgc_peer_hashtable *peer_hashtable;
	struct wgc_index_table *index_table;
	struct wgc_allowedips peer_allowedips;
	/* Bumped by every configuration change; dumps use it to detect races. */
	u64 config_seq;

	struct wgc_crypt_queue encrypt_queue;
	struct wgc_crypt_queue decrypt_queue;
	struct wgc_crypt_queue handshake_queue;
	/* Handshake messages waiting in handshake_queue, for load checks. */
	atomic_t handshake_queue_len;
	struct workqueue_struct *packet_crypt_wq;
	struct workqueue_struct *handshake_receive_wq;
	struct workqueue_struct *handshake_send_wq;
};

bool wgc_device_is_wgc(const struct net_device *dev);
/*
 * Makes @identity the device's (emptying @identity): removes a peer whose
 * public key is the new one's, rederives every peer's static-static secret
 * and the cookie keys, and retires current sessions, which were made with
 * the old key. Caller holds device_update_lock. Cannot fail.
 */
void wgc_device_install_identity(struct wgc_device *wgc,
				 struct wgc_static_identity *identity);

int wgc_device_init(void);
void wgc_device_uninit(void);

#endif /* _WGC_DEVICE_H */
