// SPDX-License-Identifier: Apache-2.0
/* Finding tracefs, mounting it where nothing has (as perf does). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "log.h"
#include "tracefs.h"

#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif

static const char *const candidates[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

static bool is_tracefs(const char *dir)
{
	struct statfs st;

	return statfs(dir, &st) == 0 && st.f_type == TRACEFS_MAGIC;
}

const char *bct_tracefs_find(void)
{
	const char *env = getenv("BCCTOOL_TRACEFS");
	size_t i;

	if (env && *env)
		return env;
	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (is_tracefs(candidates[i]))
			return candidates[i];
	errno = ENOENT;
	return NULL;
}

const char *bct_tracefs_dir(void)
{
	const char *dir = bct_tracefs_find();
	int err;

	if (dir)
		return dir;
	if (mount("tracefs", candidates[0], "tracefs", 0, NULL)) {
		err = errno;
		pr_warn("cannot mount tracefs on '%s': %s", candidates[0], strerror(err));
		errno = err;
		return NULL;
	}
	pr_info("mounted tracefs on '%s'", candidates[0]);
	return candidates[0];
}

int bct_tracefs_path(char *buf, size_t sz, const char *name)
{
	const char *dir = bct_tracefs_dir();
	int n;

	if (!dir)
		return -errno;
	n = snprintf(buf, sz, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sz)
		return -ENAMETOOLONG;
	return 0;
}
