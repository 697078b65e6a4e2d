// SPDX-License-Identifier: Apache-2.0
/*
 * mounter: known mount calls on a directory, for mountsnoop's tests (needs CAP_SYS_ADMIN).
 *
 *   mounter [-n N] [-N COMM] [-w] old|new DIR
 *
 *   old   N rounds of mount("bct_src", DIR, "tmpfs", MS_NOSUID|MS_NODEV, "size=1m,mode=700")
 *         and umount2(DIR, 0); then one umount2(DIR, 0) that fails (EINVAL: not a mount)
 *   new   N rounds of fsopen("tmpfs", FSOPEN_CLOEXEC), fsconfig(fd, FSCONFIG_SET_STRING,
 *         "size", "1m", 0), fsconfig(fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0),
 *         fsmount(fd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID), move_mount(mfd, "", AT_FDCWD, DIR,
 *         MOVE_MOUNT_F_EMPTY_PATH) and umount2(DIR, MNT_DETACH)
 *
 *   -n N, -N COMM, -w as in the other workloads (default N 3).
 *
 * Exits 0 when every call did as expected, else 1; 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wait_go.h"

#define K_FSOPEN_CLOEXEC 1
#define K_FSCONFIG_SET_STRING 1
#define K_FSCONFIG_CMD_CREATE 6
#define K_FSMOUNT_CLOEXEC 1
#define K_MOUNT_ATTR_NOSUID 2
#define K_MOVE_MOUNT_F_EMPTY_PATH 4

static int new_api(const char *dir)
{
	long fd, mfd;

	fd = syscall(SYS_fsopen, "tmpfs", K_FSOPEN_CLOEXEC);
	if (fd < 0)
		return 1;
	if (syscall(SYS_fsconfig, fd, K_FSCONFIG_SET_STRING, "size", "1m", 0) ||
	    syscall(SYS_fsconfig, fd, K_FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		return 1;
	mfd = syscall(SYS_fsmount, fd, K_FSMOUNT_CLOEXEC, K_MOUNT_ATTR_NOSUID);
	if (mfd < 0)
		return 1;
	if (syscall(SYS_move_mount, mfd, "", AT_FDCWD, dir, K_MOVE_MOUNT_F_EMPTY_PATH))
		return 1;
	close((int)mfd);
	close((int)fd);
	return umount2(dir, MNT_DETACH) ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *how, *dir;
	long n = 3;
	int opt, wait_go = 0;

	while ((opt = getopt(argc, argv, "n:N:w")) != -1) {
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
		default:
			goto usage;
		}
	}
	if (optind + 2 != argc)
		goto usage;
	how = argv[optind];
	dir = argv[optind + 1];
	if (strcmp(how, "old") && strcmp(how, "new"))
		goto usage;
	if (wait_go && wl_wait_go())
		return 1;
	for (long i = 0; i < n; i++) {
		if (!strcmp(how, "new")) {
			if (new_api(dir))
				return 1;
			continue;
		}
		if (mount("bct_src", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=700") ||
		    umount2(dir, 0))
			return 1;
	}
	if (!strcmp(how, "old") && (!umount2(dir, 0) || errno != EINVAL))
		return 1;
	return 0;
usage:
	fprintf(stderr, "usage: mounter [-n N] [-N COMM] [-w] old|new DIR\n");
	return 2;
}
