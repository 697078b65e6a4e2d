/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --exec CMD ARGS...: the command's process, forked at once (so its PID can be the filter) but
 * held before exec until tracing is attached; it never runs untraced.
 */
#ifndef BCT_SPAWN_H
#define BCT_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

struct bct_child {
	pid_t pid; /* 0: none, or reaped */
	int go_fd; /* a byte written here lets it exec; -1 once done */
	int err_fd; /* its exec error (an int errno), or EOF once exec succeeded */
	char *const *argv;
};

#define BCT_CHILD_INIT          \
	{                       \
		0, -1, -1, NULL \
	}

/* Forks the waiting child. 0 or -errno (logged). */
int bct_spawn_waiting(char *const *argv, struct bct_child *c);
/* Lets it exec. 0 or -errno (logged). */
int bct_child_go(struct bct_child *c);
/*
 * Whether it has ended (reaped then, pid 0); *err is -errno (logged) when its command could
 * not be run, else 0. False when there is no child.
 */
bool bct_child_done(struct bct_child *c, int *err);
/*
 * Releases it: one still waiting exits without running its command (the tracer failed); one
 * running is left to run (never killed), reaped if it is done.
 */
void bct_child_release(struct bct_child *c);

#endif
