// SPDX-License-Identifier: Apache-2.0
/*
 * sockops: known socket calls for the tests of tcpsynbl, solisten and bindsnoop.
 *
 *   sockops [-w] [-N COMM] [-6] [-a ADDR] -p PORT [-b BACKLOG] [-n N] [-o OPTS] [-u] MODE
 *
 * MODE:
 *   synbl    listen on PORT with BACKLOG (default 7), make N connections (default 4) that
 *            are never accepted, wait until the kernel has queued them all, close
 *   listen   bind to ADDR:PORT, listen with BACKLOG, then listen again with BACKLOG + 1
 *            (a re-listen) when -n 2
 *   bind     N times: a socket (UDP with -u, else TCP), the options OPTS, bind to ADDR:PORT,
 *            close
 *   bindbusy bind a TCP socket to ADDR:PORT, then bind a second one to the same: EADDRINUSE
 *
 *   -a ADDR     IPv4 or IPv6 (with -6) address (default 127.0.0.1 or ::1)
 *   -o OPTS     socket options before bind, BCC's letters: F (IP_FREEBIND), T
 *               (IP_TRANSPARENT), N (IP_BIND_ADDRESS_NO_PORT), R (SO_REUSEADDR), r
 *               (SO_REUSEPORT); -d IFINDEX: SO_BINDTOIFINDEX
 *   -N COMM     set the command name first (prctl PR_SET_NAME)
 *   -w          print "ready", then wait for SIGUSR1 before starting
 *
 * Exits 0, 1 on a socket call that failed unexpectedly (with a message), 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wait_go.h"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif
#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62
#endif

static int v6, udp, ifindex;
static const char *opts = "";
static struct sockaddr_storage ss;
static socklen_t sl;

static int usage(void)
{
	fprintf(stderr, "usage: sockops [-w] [-N COMM] [-6] [-u] [-a ADDR] -p PORT [-b BACKLOG] "
			"[-n N] [-o FTNRr] [-d IFINDEX] synbl|listen|bind|bindbusy\n");
	return 2;
}

static int die(const char *what)
{
	perror(what);
	return 1;
}

static int set_opts(int fd)
{
	int one = 1;
	const char *o;

	for (o = opts; *o; o++) {
		int r;

		switch (*o) {
		case 'F':
			r = setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof(one));
			break;
		case 'T':
			r = setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one));
			break;
		case 'N':
			r = setsockopt(fd, SOL_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
			break;
		case 'R':
			r = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			break;
		case 'r':
			r = setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
			break;
		default:
			return -1;
		}
		if (r)
			return -1;
	}
	if (ifindex && setsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &ifindex, sizeof(ifindex)))
		return -1;
	return 0;
}

static int new_sock(int type)
{
	int fd = socket(v6 ? AF_INET6 : AF_INET, type, 0);

	if (fd >= 0 && set_opts(fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *mode;
	int opt, wait_go = 0, port = 0, backlog = 7, lfd, fd;
	long n = -1, i;

	while ((opt = getopt(argc, argv, "wN:6ua:p:b:n:o:d:")) != -1) {
		switch (opt) {
		case 'w':
			wait_go = 1;
			break;
		case 'N':
			if (prctl(PR_SET_NAME, optarg, 0, 0, 0))
				return 1;
			break;
		case '6':
			v6 = 1;
			break;
		case 'u':
			udp = 1;
			break;
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'b':
			backlog = atoi(optarg);
			break;
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'o':
			opts = optarg;
			break;
		case 'd':
			ifindex = atoi(optarg);
			break;
		default:
			return usage();
		}
	}
	if (optind + 1 != argc || port < 0 || port > 65535)
		return usage();
	mode = argv[optind];

	memset(&ss, 0, sizeof(ss));
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		if (inet_pton(AF_INET6, addr ? addr : "::1", &a->sin6_addr) != 1)
			return usage();
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		if (inet_pton(AF_INET, addr ? addr : "127.0.0.1", &a->sin_addr) != 1)
			return usage();
		sl = sizeof(*a);
	}

	if (wait_go && wl_wait_go())
		return 1;

	if (!strcmp(mode, "synbl")) {
		if (n < 0)
			n = 4;
		lfd = socket(ss.ss_family, SOCK_STREAM, 0);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&ss, sl) || listen(lfd, backlog))
			return die("listener");
		for (i = 0; i < n; i++) {
			fd = socket(ss.ss_family, SOCK_STREAM, 0);
			if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl))
				return die("connect");
		}
		/* the last ACKs are handled in softirq: give them a moment to reach the queue */
		pause_ms(100);
		printf("connections %ld\n", n);
		return 0;
	}
	if (!strcmp(mode, "listen")) {
		if (n < 0)
			n = 1;
		lfd = new_sock(SOCK_STREAM);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&ss, sl))
			return die("bind");
		for (i = 0; i < n; i++)
			if (listen(lfd, backlog + (int)i))
				return die("listen");
		printf("listens %ld\n", n);
		return 0;
	}
	if (!strcmp(mode, "bind")) {
		if (n < 0)
			n = 1;
		for (i = 0; i < n; i++) {
			fd = new_sock(udp ? SOCK_DGRAM : SOCK_STREAM);
			if (fd < 0)
				return die("socket");
			if (bind(fd, (struct sockaddr *)&ss, sl))
				return die("bind");
			close(fd);
		}
		printf("binds %ld\n", n);
		return 0;
	}
	if (!strcmp(mode, "bindbusy")) {
		lfd = new_sock(SOCK_STREAM);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&ss, sl) || listen(lfd, 1))
			return die("first bind");
		fd = new_sock(SOCK_STREAM);
		if (fd < 0)
			return die("socket");
		if (bind(fd, (struct sockaddr *)&ss, sl) == 0 || errno != EADDRINUSE) {
			fprintf(stderr, "sockops: the second bind did not fail with EADDRINUSE\n");
			return 1;
		}
		printf("busy\n");
		return 0;
	}
	return usage();
}
