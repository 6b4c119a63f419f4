// SPDX-License-Identifier: GPL-2.0
/*
 * hold-rx-timestamps: keeps the kernel's receive timestamps switched on for
 * as long as it runs, so that the static key behind them is patched once
 * instead of every time a test's ping starts or ends.
 *
 *   hold-rx-timestamps
 *
 * It opens one UDP socket, asks it for SO_TIMESTAMPNS (which takes a
 * reference on the kernel's "timestamps wanted" count) and sleeps until it
 * is killed. Exit status: 1 if the socket could not be set up.
 *
 * Why the VM's test mode runs it: every ping enables receive timestamps and
 * drops them again when it exits, and each 0 <-> 1 change of the count
 * rewrites the branch in __netif_receive_skb_core with text_poke_bp(),
 * which puts an int3 into live kernel text for a moment. Under QEMU's TCG
 * a CPU that is inside the receive path at that moment has been seen,
 * rarely, to take that int3 after the patching ended ("Oops: int3" in
 * __netif_receive_skb_core, then a panic): an emulator race, not a fault
 * of the code under test. Holding one reference for the whole run leaves
 * the branch alone. The cost is one clock read per received packet, the
 * same for wgc, wireguard.ko and veth; only test mode pays it.
 */

#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int one = 1;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("hold-rx-timestamps: socket");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one))) {
		perror("hold-rx-timestamps: SO_TIMESTAMPNS");
		return 1;
	}
	for (;;)
		pause();
}
