// SPDX-License-Identifier: Apache-2.0
/*
 * tcpcs: a known number of TCP sessions on loopback, for the tests of tcpstates and tcplife.
 *
 *   tcpcs [-6] [-n N] [-p PORT] [-s BYTES] [-r BYTES] [-N COMM] [-w]
 *
 * Listens on 127.0.0.1 (or ::1 with -6) port PORT, then, one session after the other, N
 * times: connects, accepts, sends BYTES from the client, reads them in the server, sends
 * BYTES back from the server (-r), reads them in the client; the client closes first, then
 * the server. Then closes the listener and prints "sessions N". One process does both ends,
 * so every session's process is this one.
 *
 *   -n N        sessions (default 10)
 *   -p PORT     the server's port (default 40123)
 *   -s BYTES    client to server bytes per session (default 0)
 *   -r BYTES    server to client bytes per session (default 0)
 *   -N COMM     set the command name first (prctl PR_SET_NAME)
 *   -w          print "ready" once listening, then wait for SIGUSR1 before starting
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
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wait_go.h"

static char buf[65536];

static int usage(void)
{
	fprintf(stderr,
		"usage: tcpcs [-6] [-n N] [-p PORT] [-s BYTES] [-r BYTES] [-N COMM] [-w]\n");
	return 2;
}

static int die(const char *what)
{
	perror(what);
	return 1;
}

static int send_all(int fd, long n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n < (long)sizeof(buf) ? (size_t)n : sizeof(buf));

		if (w <= 0)
			return -1;
		n -= w;
	}
	return 0;
}

static int recv_all(int fd, long n)
{
	while (n > 0) {
		ssize_t r = read(fd, buf, n < (long)sizeof(buf) ? (size_t)n : sizeof(buf));

		if (r <= 0)
			return -1;
		n -= r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n = 10, sbytes = 0, rbytes = 0, i;
	int opt, v6 = 0, wait_go = 0, port = 40123, lfd, one = 1;
	struct sockaddr_storage ss;
	socklen_t sl;

	while ((opt = getopt(argc, argv, "6n:p:s:r:N:w")) != -1) {
		switch (opt) {
		case '6':
			v6 = 1;
			break;
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 's':
			sbytes = strtol(optarg, NULL, 10);
			break;
		case 'r':
			rbytes = strtol(optarg, NULL, 10);
			break;
		case 'N':
			if (prctl(PR_SET_NAME, optarg, 0, 0, 0))
				return 1;
			break;
		case 'w':
			wait_go = 1;
			break;
		default:
			return usage();
		}
	}
	if (optind != argc || n < 0 || sbytes < 0 || rbytes < 0 || port <= 0 || port > 65535)
		return usage();

	memset(&ss, 0, sizeof(ss));
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		a->sin6_addr = in6addr_loopback;
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*a);
	}
	lfd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (lfd < 0)
		return die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&ss, sl))
		return die("bind");
	if (listen(lfd, 16))
		return die("listen");

	if (wait_go && wl_wait_go())
		return 1;

	for (i = 0; i < n; i++) {
		int cfd = socket(ss.ss_family, SOCK_STREAM, 0), sfd;

		if (cfd < 0)
			return die("socket");
		if (connect(cfd, (struct sockaddr *)&ss, sl))
			return die("connect");
		sfd = accept(lfd, NULL, NULL);
		if (sfd < 0)
			return die("accept");
		if (send_all(cfd, sbytes) || recv_all(sfd, sbytes))
			return die("client to server");
		if (send_all(sfd, rbytes) || recv_all(cfd, rbytes))
			return die("server to client");
		close(cfd);
		/* the server sees the client's FIN before it closes: no simultaneous close */
		if (read(sfd, buf, 1) != 0)
			return die("server: no end of stream");
		close(sfd);
	}
	close(lfd);
	printf("sessions %ld\n", n);
	return 0;
}
