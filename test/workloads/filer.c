// SPDX-License-Identifier: Apache-2.0
/*
 * filer: a known number of marked file system calls, for the tests of vfsstat, filegone and
 * filelife.
 *
 *   filer [-n N] [-N COMM] [-s MS] [-r] [-w] DIR ACTION...
 *
 * For each ACTION in turn, N times:
 *   read     pread(2) one byte of DIR/data           write   write(2) one byte to DIR/data
 *   fsync    fsync(2) DIR/data                       open    open(2) and close DIR/data
 *   create   create DIR/c.I (O_CREAT|O_EXCL), close it
 *   unlink   unlink(2) DIR/u.I (made before waiting)  unlinkat  unlinkat(2) DIR/a.I (same)
 *   rmdir    rmdir(2) DIR/d.I (made before waiting)   rename  rename(2) DIR/r.I to DIR/r.I.new
 *   life     create DIR/l.I (all N), sleep MS, unlink them (in the same order)
 * Prints nothing; exits 0 when every call succeeded, 1 otherwise, 2 on a usage error.
 *
 *   -n N      calls per ACTION (default 10)
 *   -N COMM   set the command name first (prctl PR_SET_NAME), for the tracer's filters
 *   -s MS     life: the files' age in milliseconds (default 100)
 *   -r        chdir to DIR and use relative names (DIR still names the files above)
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
#include <time.h>
#include <unistd.h>

#include "wait_go.h"

static const char *dir = ".";
static long n = 10;
static long age_ms = 100;
static int data_fd = -1;

static void name(char *buf, size_t sz, const char *prefix, long i, const char *suffix)
{
	if (strcmp(dir, "."))
		snprintf(buf, sz, "%s/%s.%ld%s", dir, prefix, i, suffix);
	else
		snprintf(buf, sz, "%s.%ld%s", prefix, i, suffix);
}

/* What an action needs before the start signal. */
static int prepare(const char *action)
{
	char p[4096];
	int fd;

	for (long i = 0; i < n; i++) {
		if (!strcmp(action, "unlink") || !strcmp(action, "unlinkat") ||
		    !strcmp(action, "rename")) {
			name(p, sizeof(p),
			     !strcmp(action, "unlink")	 ? "u"
			     : !strcmp(action, "rename") ? "r"
							 : "a",
			     i, "");
			fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd < 0)
				return -1;
			close(fd);
		} else if (!strcmp(action, "rmdir")) {
			name(p, sizeof(p), "d", i, "");
			if (mkdir(p, 0700))
				return -1;
		}
	}
	return 0;
}

static int act(const char *action)
{
	char p[4096], q[4096], c = 'x';
	int fd;

	if (!strcmp(action, "life")) {
		struct timespec ts = { age_ms / 1000, (age_ms % 1000) * 1000000 };

		for (long i = 0; i < n; i++) {
			name(p, sizeof(p), "l", i, "");
			fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
			if (fd < 0)
				return -1;
			close(fd);
		}
		nanosleep(&ts, NULL);
		for (long i = 0; i < n; i++) {
			name(p, sizeof(p), "l", i, "");
			if (unlink(p))
				return -1;
		}
		return 0;
	}
	for (long i = 0; i < n; i++) {
		int rc = 0;

		if (!strcmp(action, "read")) {
			rc = pread(data_fd, &c, 1, 0) == 1 ? 0 : -1;
		} else if (!strcmp(action, "write")) {
			rc = write(data_fd, &c, 1) == 1 ? 0 : -1;
		} else if (!strcmp(action, "fsync")) {
			rc = fsync(data_fd);
		} else if (!strcmp(action, "open")) {
			name(p, sizeof(p), "data", 0, "");
			fd = open(p, O_RDONLY);
			rc = fd < 0 ? -1 : close(fd);
		} else if (!strcmp(action, "create")) {
			name(p, sizeof(p), "c", i, "");
			fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
			rc = fd < 0 ? -1 : close(fd);
		} else if (!strcmp(action, "unlink")) {
			name(p, sizeof(p), "u", i, "");
			rc = unlink(p);
		} else if (!strcmp(action, "unlinkat")) {
			name(p, sizeof(p), "a", i, "");
			rc = unlinkat(AT_FDCWD, p, 0);
		} else if (!strcmp(action, "rmdir")) {
			name(p, sizeof(p), "d", i, "");
			rc = rmdir(p);
		} else if (!strcmp(action, "rename")) {
			name(p, sizeof(p), "r", i, "");
			name(q, sizeof(q), "r", i, ".new");
			rc = rename(p, q);
		} else {
			return -1;
		}
		if (rc)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const actions[] = { "read",	 "write",    "fsync", "open",	"create",
					       "unlink", "unlinkat", "rmdir", "rename", "life" };
	int opt, wait_go = 0, relative = 0, i;
	char p[4096];

	while ((opt = getopt(argc, argv, "n:N:s:rw")) != -1) {
		switch (opt) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'N':
			if (prctl(PR_SET_NAME, optarg, 0, 0, 0))
				return 1;
			break;
		case 's':
			age_ms = strtol(optarg, NULL, 10);
			break;
		case 'r':
			relative = 1;
			break;
		case 'w':
			wait_go = 1;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind < 2 || n < 0 || age_ms < 0)
		return 2;
	for (i = optind + 1; i < argc; i++) {
		size_t k;

		for (k = 0; k < sizeof(actions) / sizeof(actions[0]); k++)
			if (!strcmp(argv[i], actions[k]))
				break;
		if (k == sizeof(actions) / sizeof(actions[0]))
			return 2;
	}
	dir = argv[optind];
	if (relative) {
		if (chdir(dir))
			return 1;
		dir = ".";
	}
	name(p, sizeof(p), "data", 0, "");
	data_fd = open(p, O_RDWR | O_CREAT, 0600);
	if (data_fd < 0 || write(data_fd, "x", 1) != 1)
		return 1;
	for (i = optind + 1; i < argc; i++)
		if (prepare(argv[i]))
			return 1;

	if (wait_go && wl_wait_go())
		return 1;

	for (i = optind + 1; i < argc; i++)
		if (act(argv[i]))
			return 1;
	return 0;
}
