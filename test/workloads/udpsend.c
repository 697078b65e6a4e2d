// SPDX-License-Identifier: Apache-2.0
/*
 * udpsend: UDP datagrams of given sizes to an IPv4 address, for the tests of netqtop (each
 * datagram is one packet of 14 + 20 + 8 + SIZE bytes on an Ethernet link whose MTU holds it).
 *
 *   udpsend ADDR PORT SIZE...
 *
 * Sends one datagram of SIZE payload bytes per SIZE, in order. Exits 0, 1 on a failed send
 * (with a message), 2 on a usage error.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[65536];

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd, i;

	if (argc < 4 || inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) {
		fprintf(stderr, "usage: udpsend ADDR PORT SIZE...\n");
		return 2;
	}
	a.sin_port = htons((unsigned short)atoi(argv[2]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	for (i = 3; i < argc; i++) {
		long n = strtol(argv[i], NULL, 10);

		if (n < 0 || n > 65507) {
			fprintf(stderr, "usage: udpsend ADDR PORT SIZE...\n");
			return 2;
		}
		if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&a, sizeof(a)) != n) {
			perror("sendto");
			return 1;
		}
	}
	close(fd);
	return 0;
}
