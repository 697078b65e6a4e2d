// SPDX-License-Identifier: Apache-2.0
/* --exec: a child forked before tracing starts and let exec its command once attached. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"

int bct_spawn_waiting(char *const *argv, struct bct_child *c)
{
	int go[2], er[2], err;
	char byte;

	c->argv = argv;
	if (pipe2(go, O_CLOEXEC))
		goto out_err;
	if (pipe2(er, O_CLOEXEC)) {
		close(go[0]);
		close(go[1]);
		goto out_err;
	}
	c->pid = fork();
	if (c->pid < 0) {
		err = errno;
		c->pid = 0;
		close(go[0]);
		close(go[1]);
		close(er[0]);
		close(er[1]);
		errno = err;
		goto out_err;
	}
	if (c->pid == 0) {
		close(go[1]);
		close(er[0]);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (read(go[0], &byte, 1) != 1)
			_exit(127); /* the tracer failed: do not run untraced */
		execvp(argv[0], argv);
		err = errno;
		if (write(er[1], &err, sizeof(err)) != sizeof(err))
			_exit(126);
		_exit(127);
	}
	close(go[0]);
	close(er[1]);
	c->go_fd = go[1];
	c->err_fd = er[0];
	return 0;

out_err:
	err = -errno;
	pr_err("cannot start '%s': %s", argv[0], strerror(-err));
	return err;
}

int bct_child_go(struct bct_child *c)
{
	int err;

	if (c->go_fd < 0)
		return 0;
	if (write(c->go_fd, "g", 1) != 1) {
		err = -errno;
		pr_err("cannot start '%s': %s", c->argv[0], strerror(-err));
		return err;
	}
	close(c->go_fd);
	c->go_fd = -1;
	return 0;
}

bool bct_child_done(struct bct_child *c, int *err)
{
	int e;

	*err = 0;
	if (!c->pid || waitpid(c->pid, NULL, WNOHANG) != c->pid)
		return false;
	c->pid = 0;
	if (read(c->err_fd, &e, sizeof(e)) == sizeof(e)) {
		pr_err("cannot run '%s': %s", c->argv[0], strerror(e));
		*err = -e;
	}
	return true;
}

void bct_child_release(struct bct_child *c)
{
	if (c->go_fd >= 0) {
		/* set-up failed: the waiting child exits without running the command */
		close(c->go_fd);
		c->go_fd = -1;
		if (c->pid)
			waitpid(c->pid, NULL, 0);
	} else if (c->pid) {
		waitpid(c->pid, NULL, WNOHANG); /* reap it if it is done; never kill it */
	}
	c->pid = 0;
	if (c->err_fd >= 0)
		close(c->err_fd);
	c->err_fd = -1;
}
