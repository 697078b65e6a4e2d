// SPDX-License-Identifier: Apache-2.0
/*
 * fdpasser: a known number of file descriptors passed over a socket, for sofdsnoop's tests.
 *
 *   fdpasser [-n N] [-N COMM] [-w] -o FILE PATH
 *
 * Opens PATH (created if missing), makes a socketpair(AF_UNIX, SOCK_STREAM) and forks a
 * receiver; writes "SENDER_PID RECEIVER_PID FD SOCK_SEND SOCK_RECV\n" to FILE (FD: PATH's
 * descriptor in the sender; the socket ends' descriptors). Then the sender passes FD N times
 * with sendmsg(2) and SCM_RIGHTS, one descriptor per message; the receiver takes each with
 * recvmsg(2) and closes it (its first call starts once the sender goes). Prints "passed N" once the receiver got them all.
 *
 *   -n N     descriptors to pass (default 10)
 *   -N COMM  set the command name first (prctl PR_SET_NAME), for the tracer's filters
 *   -w       print "ready" on stdout, then wait for SIGUSR1 before passing
 *
 * Exits 0, 1 on a failed call, or 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wait_go.h"

union ctl {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

static int receive(int sock, long n)
{
	for (long i = 0; i < n; i++) {
		union ctl c;
		char byte;
		struct iovec iov = { &byte, 1 };
		struct msghdr m = { .msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = c.buf,
				    .msg_controllen = sizeof(c.buf) };
		struct cmsghdr *cm;
		int fd;

		if (recvmsg(sock, &m, 0) != 1)
			return 1;
		cm = CMSG_FIRSTHDR(&m);
		if (!cm || cm->cmsg_type != SCM_RIGHTS)
			return 1;
		memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
		close(fd);
	}
	return 0;
}

static int pass(int sock, int fd)
{
	union ctl c;
	char byte = 'x';
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = c.buf,
			    .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *file = NULL;
	long n = 10;
	int opt, wait_go = 0, sv[2], go[2], fd, status;
	char byte = 0;
	pid_t child;
	FILE *f;

	while ((opt = getopt(argc, argv, "n:N:wo:")) != -1) {
		switch (opt) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'N':
			if (prctl(PR_SET_NAME, optarg, 0, 0, 0))
				return 1;
			break;
		case 'w':
			wait_go = 1;
			break;
		case 'o':
			file = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1 || !file || n < 0)
		return 2;
	fd = open(argv[optind], O_RDWR | O_CREAT, 0600);
	if (fd < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(go))
		return 1;
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		/* its first recvmsg(2) starts after the go, with the tracer attached */
		close(sv[0]);
		close(go[1]);
		if (read(go[0], &byte, 1) != 1)
			_exit(1);
		_exit(receive(sv[1], n));
	}
	f = fopen(file, "w");
	if (!f || fprintf(f, "%d %d %d %d %d\n", getpid(), child, fd, sv[0], sv[1]) < 0 ||
	    fclose(f))
		return 1;

	if (wait_go && wl_wait_go())
		return 1;

	if (write(go[1], &byte, 1) != 1)
		return 1;
	for (long i = 0; i < n; i++)
		if (pass(sv[0], fd))
			return 1;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		return 1;
	printf("passed %ld\n", n);
	return 0;
}
