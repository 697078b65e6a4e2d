// SPDX-License-Identifier: Apache-2.0
/*
 * udploop: N UDP datagrams over the loopback interface, each sent then received before the
 * next, for the tests of tools that see network receive processing (softirqs' net_rx): every
 * datagram sent on lo is received by the NET_RX soft interrupt.
 *
 *   udploop [-n N]
 *
 *   -n N   how many datagrams (default 100)
 *
 * Prints nothing; exits 0 when all N came back, else 1; 2 on a usage error.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	long n = 100, i;
	char buf[64];
	int rx, tx, c;

	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c != 'n')
			return 2;
		n = strtol(optarg, NULL, 10);
	}
	if (n < 1 || optind != argc) {
		fprintf(stderr, "usage: udploop [-n N]\n");
		return 2;
	}
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&addr, sizeof(addr)) ||
	    getsockname(rx, (struct sockaddr *)&addr, &len)) {
		perror("udploop: socket");
		return 1;
	}
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "udploop %ld", i);
		if (sendto(tx, buf, strlen(buf), 0, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
		    recv(rx, buf, sizeof(buf), 0) < 0) {
			perror("udploop");
			return 1;
		}
	}
	return 0;
}
