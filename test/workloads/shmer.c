// SPDX-License-Identifier: Apache-2.0
/*
 * shmer: a known number of System V shared memory calls, for shmsnoop's tests.
 *
 *   shmer [-n N] [-N COMM] [-w] [-k KEY]
 *
 *   N rounds of: shmget(KEY, 4096, IPC_CREAT|0600), shmat(id, NULL, 0), shmdt(addr),
 *   shmctl(id, IPC_RMID, NULL); then one shmget(KEY, 4096, 0) that fails with ENOENT.
 *   Each round prints "ID ADDR" (decimal id, hex address) on stdout, so a test can compare.
 *
 *   -n N      rounds (default 10)
 *   -k KEY    the IPC key (default: 0x5e000000 + the process ID)
 *   -N COMM   set the command name first
 *   -w        print "ready", then wait for SIGUSR1 before starting
 *
 * Exits 0 when every call did as expected, else 1; 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <unistd.h>

#include "wait_go.h"

int main(int argc, char **argv)
{
	long n = 10;
	key_t key = (key_t)(0x5e000000 + getpid());
	int opt, wait_go = 0;

	while ((opt = getopt(argc, argv, "n:k:N:w")) != -1) {
		switch (opt) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'k':
			key = (key_t)strtol(optarg, NULL, 0);
			break;
		case 'N':
			if (prctl(PR_SET_NAME, optarg, 0, 0, 0))
				return 1;
			break;
		case 'w':
			wait_go = 1;
			break;
		default:
			fprintf(stderr, "usage: shmer [-n N] [-k KEY] [-N COMM] [-w]\n");
			return 2;
		}
	}
	if (wait_go && wl_wait_go())
		return 1;
	for (long i = 0; i < n; i++) {
		int id = shmget(key, 4096, IPC_CREAT | 0600);
		void *addr;

		if (id < 0)
			return 1;
		addr = shmat(id, NULL, 0);
		if (addr == (void *)-1)
			return 1;
		printf("%d %lx\n", id, (unsigned long)addr);
		if (shmdt(addr) || shmctl(id, IPC_RMID, NULL))
			return 1;
	}
	if (shmget(key, 4096, 0) >= 0 || errno != ENOENT)
		return 1;
	return 0;
}
