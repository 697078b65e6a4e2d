// SPDX-License-Identifier: Apache-2.0
/*
 * tcpto: TCP bytes sent to given IPv4 addresses, for the tests of tcpsubnet. Run it in a
 * network namespace of the test's own, with the addresses on its lo.
 *
 *   tcpto [-w] ADDR:PORT:BYTES...
 *
 * For each argument in turn: listens on ADDR:PORT, connects to it, sends BYTES from the client
 * (to ADDR), reads them in the server, closes both ends. Then prints "sent N" (the sum).
 *
 *   -w          print "ready" once the first listener is up, then wait for SIGUSR1
 *
 * Exits 0, 1 on a failed socket call (with a message), 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wait_go.h"

static char buf[65536];

static int die(const char *what)
{
	perror(what);
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: tcpto [-w] ADDR:PORT:BYTES...\n");
	return 2;
}

static int listener(const char *spec, struct sockaddr_in *a, long *bytes)
{
	char host[64];
	int port, fd, one = 1;

	if (sscanf(spec, "%63[0-9.]:%d:%ld", host, &port, bytes) != 3 || port <= 0 ||
	    port > 65535 || *bytes < 0)
		return -2;
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
		return -2;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)a, sizeof(*a)) || listen(fd, 4)) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	int opt, wait_go = 0, i;
	long total = 0;

	while ((opt = getopt(argc, argv, "w")) != -1) {
		if (opt != 'w')
			return usage();
		wait_go = 1;
	}
	if (optind == argc)
		return usage();
	for (i = optind; i < argc; i++) {
		struct sockaddr_in a;
		long bytes, n;
		int lfd = listener(argv[i], &a, &bytes), cfd, sfd;

		if (lfd == -2)
			return usage();
		if (lfd < 0)
			return die("listen");
		if (wait_go && i == optind && wl_wait_go())
			return 1;
		cfd = socket(AF_INET, SOCK_STREAM, 0);
		if (cfd < 0 || connect(cfd, (struct sockaddr *)&a, sizeof(a)))
			return die("connect");
		sfd = accept(lfd, NULL, NULL);
		if (sfd < 0)
			return die("accept");
		for (n = bytes; n > 0;) {
			ssize_t w =
				write(cfd, buf, n < (long)sizeof(buf) ? (size_t)n : sizeof(buf));

			if (w <= 0)
				return die("write");
			n -= w;
			/* drain as we go: the socket buffers need not hold everything */
			while (w > 0) {
				ssize_t r = read(sfd, buf, (size_t)w);

				if (r <= 0)
					return die("read");
				w -= r;
			}
		}
		close(cfd);
		close(sfd);
		close(lfd);
		total += bytes;
	}
	printf("sent %ld\n", total);
	return 0;
}
