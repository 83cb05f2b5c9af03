/* SPDX-License-Identifier: GPL-3.0-or-later */
/* link.c: whether a TCP connection is moving, from the kernel's counters
 * (a server that reads slowly is alive; one that reads nothing is not). */
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>

#include "xt.h"

int
xt_link_moved(int fd, unsigned long long *acked, unsigned long long *received)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int moved = 0;

	if (fd < 0 || getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return 0;
	/* Both counters exist since Linux 4.1; an older kernel fills less
	 * of the structure, and nothing counts as movement there. */
	if (len >= offsetof(struct tcp_info, tcpi_bytes_received) +
	    sizeof(ti.tcpi_bytes_received)) {
		moved = ti.tcpi_bytes_acked > *acked ||
		    ti.tcpi_bytes_received > *received;
		*acked = ti.tcpi_bytes_acked;
		*received = ti.tcpi_bytes_received;
	}
	return moved;
}
