// SPDX-License-Identifier: Apache-2.0
/*
 * tcpstream: one TCP session on loopback with a reader of its own, for the tests of tcpcong
 * and tcppktlat.
 *
 *   tcpstream [-6] [-p PORT] [-s BYTES] [-k K] [-d MS] [-N COMM] [-w]
 *
 * Listens on 127.0.0.1 (or ::1 with -6) port PORT; a child process connects and sends BYTES
 * (a stream, which the server reads as it comes; with K, it answers one byte at its end,
 * which the client waits for), then K messages of 100 bytes, one at a time: the server
 * waits MS milliseconds after each has been sent before it reads it, then answers one byte,
 * which the client waits for before the next. The server prints
 * "received N" (all bytes read) and "delayed K".
 *
 *   -p PORT     the server's port (default 40124)
 *   -s BYTES    the stream's size (default 0)
 *   -k K        delayed messages (default 0)
 *   -d MS       the delay before each is read (default 50)
 *   -N COMM     set the command name first (prctl PR_SET_NAME), in both processes
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char buf[65536];

static int die(const char *what)
{
	perror(what);
	return 1;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

/* reads exactly n bytes; 0 or -1 */
static int read_n(int fd, long n)
{
	while (n > 0) {
		ssize_t r = read(fd, buf, n < (long)sizeof(buf) ? (size_t)n : sizeof(buf));

		if (r <= 0)
			return -1;
		n -= r;
	}
	return 0;
}

static int write_n(int fd, long n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n < (long)sizeof(buf) ? (size_t)n : sizeof(buf));

		if (w <= 0)
			return -1;
		n -= w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	long bytes = 0, k = 0, delay = 50, i;
	int port = 40124, v6 = 0, wait_go = 0, c, lfd, fd, one = 1, status;
	const char *comm = NULL;
	sigset_t set;
	pid_t child;

	while ((c = getopt(argc, argv, "6p:s:k:d:N:w")) != -1) {
		switch (c) {
		case '6':
			v6 = 1;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 's':
			bytes = atol(optarg);
			break;
		case 'k':
			k = atol(optarg);
			break;
		case 'd':
			delay = atol(optarg);
			break;
		case 'N':
			comm = optarg;
			break;
		case 'w':
			wait_go = 1;
			break;
		default:
			fprintf(stderr, "usage: tcpstream [-6] [-p PORT] [-s BYTES] [-k K] [-d MS] "
					"[-N COMM] [-w]\n");
			return 2;
		}
	}
	if (comm)
		prctl(PR_SET_NAME, comm);
	memset(&ss, 0, sizeof(ss));
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		a->sin6_addr = in6addr_loopback;
		len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*a);
	}
	lfd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (lfd < 0)
		return die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&ss, len) || listen(lfd, 8))
		return die("bind/listen");
	if (wait_go) {
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		printf("ready\n");
		fflush(stdout);
		sigwait(&set, &c);
	}
	child = fork();
	if (child < 0)
		return die("fork");
	if (child == 0) {
		char ack;

		close(lfd);
		fd = socket(ss.ss_family, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len))
			_exit(die("connect"));
		if (write_n(fd, bytes))
			_exit(die("write"));
		if (bytes && k && read(fd, &ack, 1) != 1)
			_exit(die("stream answer"));
		for (i = 0; i < k; i++) {
			if (write_n(fd, 100) || read(fd, &ack, 1) != 1)
				_exit(die("message"));
		}
		close(fd);
		_exit(0);
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return die("accept");
	if (read_n(fd, bytes))
		return die("read stream");
	/* the messages come after the stream is read: no read of it takes their arrival */
	if (bytes && k && write(fd, "s", 1) != 1)
		return die("stream answer");
	for (i = 0; i < k; i++) {
		nap_ms(delay);
		if (read_n(fd, 100) || write(fd, "a", 1) != 1)
			return die("delayed read");
	}
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return die("client");
	close(fd);
	close(lfd);
	printf("received %ld\ndelayed %ld\n", bytes + 100 * k, k);
	return 0;
}
