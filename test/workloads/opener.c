// SPDX-License-Identifier: Apache-2.0
/*
 * opener: a test workload for opensnoop. Opens OKPATH N times (closing it each time) and
 * FAILPATH N times (expected to fail), with openat(2) called directly so the flags and mode
 * the tracer sees are exactly the ones given.
 *
 *   opener [-n N] [-o FLAGS] [-m MODE] [-C DIR] [-N COMM] [-u UID] [-t TIDFILE] [-w]
 *          OKPATH [FAILPATH]
 *
 *   -n N        opens of each path (default 500)
 *   -o FLAGS    open flags for OKPATH, octal (default 0: O_RDONLY); FAILPATH uses O_RDONLY
 *   -m MODE     mode passed with every open, octal (default 0)
 *   -C DIR      chdir(DIR) first (relative paths for -F)
 *   -N COMM     set the command name (prctl PR_SET_NAME)
 *   -u UID      switch to this user ID first
 *   -t TIDFILE  do the opens in a second thread, whose TID is written to TIDFILE (before
 *               -w waits); then the main thread opens OKPATH N times too (so a TID filter
 *               has something to drop)
 *   -w          print "ready" on stdout, then wait for SIGUSR1 before opening (start it, set
 *               up the tracer, then signal it)
 *
 * Prints nothing else; exits 0 when every open of OKPATH succeeded and every open of FAILPATH
 * failed, else 1.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static long n = 500;
static int ok_flags;
static int mode;
static const char *ok_path, *fail_path;

static int do_opens(void)
{
	int bad = 0;
	long i;

	for (i = 0; i < n; i++) {
		int fd = syscall(SYS_openat, AT_FDCWD, ok_path, ok_flags, mode);

		if (fd < 0)
			bad = 1;
		else
			close(fd);
	}
	for (i = 0; fail_path && i < n; i++) {
		int fd = syscall(SYS_openat, AT_FDCWD, fail_path, O_RDONLY, mode);

		if (fd >= 0) {
			bad = 1;
			close(fd);
		}
	}
	return bad;
}

static pthread_barrier_t go;

static void *thread_main(void *arg)
{
	const char *tidfile = arg;
	FILE *f = fopen(tidfile, "w");

	if (f) {
		fprintf(f, "%ld\n", (long)syscall(SYS_gettid));
		fclose(f);
	}
	pthread_barrier_wait(&go);
	return (void *)(long)(!f || do_opens());
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *comm = NULL, *tidfile = NULL;
	long uid = -1;
	int wait_sig = 0, c;
	sigset_t set;
	pthread_t t;

	while ((c = getopt(argc, argv, "n:o:m:C:N:u:t:w")) != -1) {
		switch (c) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'o':
			ok_flags = strtol(optarg, NULL, 8);
			break;
		case 'm':
			mode = strtol(optarg, NULL, 8);
			break;
		case 'C':
			dir = optarg;
			break;
		case 'N':
			comm = optarg;
			break;
		case 'u':
			uid = strtol(optarg, NULL, 10);
			break;
		case 't':
			tidfile = optarg;
			break;
		case 'w':
			wait_sig = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: opener [options] OKPATH [FAILPATH]\n");
		return 2;
	}
	ok_path = argv[optind];
	fail_path = optind + 1 < argc ? argv[optind + 1] : NULL;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL); /* before any thread: all of them block it */
	if (comm)
		prctl(PR_SET_NAME, comm, 0, 0, 0);
	if (dir && chdir(dir)) {
		perror("opener: chdir");
		return 1;
	}
	if (uid >= 0 && setresuid(uid, uid, uid)) {
		perror("opener: setresuid");
		return 1;
	}
	if (tidfile) {
		/* the thread exists and its TID is on file before the wait */
		pthread_barrier_init(&go, NULL, 2);
		if (pthread_create(&t, NULL, thread_main, (void *)tidfile))
			return 1;
	}
	if (wait_sig) {
		int sig;

		printf("ready\n");
		fflush(stdout);
		sigwait(&set, &sig);
	}
	if (tidfile) {
		void *ret;

		pthread_barrier_wait(&go);
		pthread_join(t, &ret); /* the thread's opens first, then the main thread's */
		fail_path = NULL;
		return do_opens() | (ret != NULL);
	}
	return do_opens();
}
