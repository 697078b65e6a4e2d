// SPDX-License-Identifier: Apache-2.0
/*
 * hostile: events whose file names and command names hold every control byte, quotes,
 * backslashes and invalid UTF-8, for the output tests (test/090-hostile-output.bats).
 *
 *   hostile [-w] [-n N] DIR
 *
 * Sets its command name to COMM (below), then N times: creates DIR/FILE (open O_CREAT),
 * stat()s it, sends itself SIGWINCH (ignored), unlinks it; then runs /bin/true N times
 * through the symlink DIR/COMM (so the child's command name is COMM too) with FILE as its
 * argument. COMM: "hc" \n \t ESC DEL " \ \xff \xfe \x01, then a UTF-8 sequence cut short
 * (\xe2\x82). FILE: "hx", bytes 0x01 to 0x1f, DEL, " ' \ and a space, \xff\xfe, U+0085 (a C1
 * control), \xe2\x82 (cut short), "zz".
 *
 *   -n N   rounds (default 3)
 *   -w     print "ready" on stdout, then wait for SIGUSR1 before starting
 *
 * Exits 0, 1 when an operation fails, 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wait_go.h"

static const char comm[] = "hc\n\t\x1b\x7f\"\\\xff\xfe\x01\xe2\x82";

static void file_name(char *buf)
{
	static const char tail[] = "\x7f\"' \\\xff\xfe\xc2\x85\xe2\x82zz";
	size_t n = 0;
	int c;

	buf[n++] = 'h';
	buf[n++] = 'x';
	for (c = 1; c < 0x20; c++)
		buf[n++] = (char)c;
	memcpy(buf + n, tail, sizeof(tail));
}

int main(int argc, char **argv)
{
	char name[64], path[PATH_MAX], link[PATH_MAX];
	int opt, n = 3, wait_go = 0, i, fd, st;
	struct stat sb;
	pid_t pid;

	while ((opt = getopt(argc, argv, "n:w")) != -1) {
		if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'w')
			wait_go = 1;
		else
			return 2;
	}
	if (optind != argc - 1 || n < 1)
		return 2;
	file_name(name);
	snprintf(path, sizeof(path), "%s/%s", argv[optind], name);
	snprintf(link, sizeof(link), "%s/%s", argv[optind], comm);
	unlink(link);
	if (symlink("/bin/true", link)) {
		perror("symlink");
		return 1;
	}
	signal(SIGWINCH, SIG_IGN);
	if (wait_go)
		wl_wait_go();
	prctl(PR_SET_NAME, comm);
	for (i = 0; i < n; i++) {
		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || close(fd) || stat(path, &sb) || kill(getpid(), SIGWINCH) ||
		    unlink(path)) {
			perror("hostile");
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			return 1;
		if (!pid) {
			execl(link, link, name, (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "hostile: the child failed\n");
			return 1;
		}
	}
	unlink(link);
	return 0;
}
