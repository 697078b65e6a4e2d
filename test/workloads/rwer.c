// SPDX-License-Identifier: Apache-2.0
/*
 * rwer: a known number of reads and writes of known sizes on one file, for the tests of
 * filetop, dirtop and fileslower.
 *
 *   rwer [-w] [-N COMM] [-r N] [-W M] [-b BYTES] [-f FIFO -k K -m MS] FILE
 *
 * Creates FILE (truncated), makes M writes of BYTES bytes (write(2) and pwrite(2) in turn),
 * then N reads of BYTES bytes (read(2) and pread(2) in turn, from the start of the file).
 * With -f, then K slow reads of one byte from the named pipe FIFO (made if missing), each
 * waiting MS milliseconds for a child process that writes the byte.
 * Prints nothing else; exits 0 when every call did what it should, 1 otherwise, 2 on a usage
 * error.
 *
 *   -N COMM   set the command name first (prctl PR_SET_NAME)
 *   -w        print "ready" on stdout, then wait for SIGUSR1 before starting
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

static int slow_reads(const char *fifo, long k, long ms)
{
	char c;
	pid_t child;
	int fd, st;
	long i;

	if (mkfifo(fifo, 0600) && access(fifo, F_OK))
		return -1;
	fd = open(fifo, O_RDWR); /* no wait for the other end */
	if (fd < 0)
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		for (i = 0; i < k; i++) {
			sleep_ms(ms);
			if (write(fd, "s", 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	for (i = 0; i < k; i++)
		if (read(fd, &c, 1) != 1)
			return -1;
	close(fd);
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	long n = 10, m = 10, bytes = 4096, k = 0, ms = 50, i;
	const char *fifo = NULL;
	int opt, fd, wait_go = 0;
	char *buf;
	sigset_t set;

	while ((opt = getopt(argc, argv, "wN:r:W:b:f:k:m:")) != -1) {
		switch (opt) {
		case 'w':
			wait_go = 1;
			break;
		case 'N':
			prctl(PR_SET_NAME, optarg);
			break;
		case 'r':
			n = atol(optarg);
			break;
		case 'W':
			m = atol(optarg);
			break;
		case 'b':
			bytes = atol(optarg);
			break;
		case 'f':
			fifo = optarg;
			break;
		case 'k':
			k = atol(optarg);
			break;
		case 'm':
			ms = atol(optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1 || bytes < 1)
		return 2;
	buf = calloc(1, bytes);
	if (!buf)
		return 1;
	memset(buf, 'x', bytes);
	fd = open(argv[optind], O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 1;
	if (wait_go) {
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		printf("ready\n");
		fflush(stdout);
		if (sigwaitinfo(&set, NULL) < 0)
			return 1;
	}
	for (i = 0; i < m; i++) {
		ssize_t r = i % 2 ? pwrite(fd, buf, bytes, i * bytes) : write(fd, buf, bytes);

		if (r != bytes)
			return 1;
	}
	if (lseek(fd, 0, SEEK_SET))
		return 1;
	for (i = 0; i < n; i++) {
		/* read(2) goes on from the previous one; pread(2) reads the start again */
		ssize_t r = i % 2 ? pread(fd, buf, bytes, 0) : read(fd, buf, bytes);

		if (r < 0)
			return 1;
	}
	close(fd);
	if (fifo && slow_reads(fifo, k, ms))
		return 1;
	return 0;
}
