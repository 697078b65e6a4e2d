// SPDX-License-Identifier: Apache-2.0
/* Commands in shared objects, loaded when they run (lib/plugin.h). */
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "log.h"
#include "plugin.h"

typedef int (*cmd_fn)(int argc, char **argv);

static void plugin_path(const char *name, char *path, size_t sz)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		snprintf(path, sz, "%s/bcctool-%s.so", dirname(exe), name);
		if (!access(path, R_OK))
			return;
	}
	snprintf(path, sz, "%s/bcctool-%s.so", BCT_LIBDIR, name);
}

int bct_plugin_run(const char *name, int argc, char **argv)
{
	char path[PATH_MAX], sym[64];
	cmd_fn fn;
	void *h;

	plugin_path(name, path, sizeof(path));
	pr_debug("loading '%s'", path);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		pr_err("cannot load %s: %s: reinstall bcctool", name, dlerror());
		return 1;
	}
	snprintf(sym, sizeof(sym), "cmd_%s", name);
	fn = (cmd_fn)dlsym(h, sym);
	if (!fn) {
		pr_err("cannot load %s: %s: reinstall bcctool", name, dlerror());
		return 1;
	}
	return fn(argc, argv);
}
