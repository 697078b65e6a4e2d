// SPDX-License-Identifier: Apache-2.0
/* Uprobes by symbol: see uprobe.h. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <bpf/libbpf.h>

#include "elfsym.h"
#include "log.h"
#include "prog.h"
#include "uprobe.h"

int bct_uprobe_attach(struct bct_prog *p, const struct bct_uprobe *u)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = u->ret);
	struct bpf_program *prog;
	struct bpf_link *link;
	char path[PATH_MAX];
	uint64_t off;
	int err;

	prog = bpf_object__find_program_by_name(bct_prog__object(p), u->prog);
	if (!prog) {
		pr_err("no BPF program '%s'", u->prog);
		return -ENOENT;
	}
	err = bct_elf_lib_path(u->lib, path, sizeof(path));
	if (err) {
		pr_err("cannot find library '%s': %s", u->lib, strerror(-err));
		return err;
	}
	err = bct_elf_sym_offset(path, u->sym, &off);
	if (err == -ENOENT) {
		pr_err("cannot find symbol '%s' in %s", u->sym, path);
		return err;
	}
	if (err) {
		pr_err("cannot read %s: %s", path, strerror(-err));
		return err;
	}
	link = bpf_program__attach_uprobe_opts(prog, u->pid > 0 ? u->pid : -1, path, (size_t)off,
					       &opts);
	if (!link) {
		err = -errno;
		pr_err("cannot attach %s to %s:%s: %s", u->ret ? "uretprobe" : "uprobe", path,
		       u->sym, strerror(-err));
		return err;
	}
	err = bct_prog__add_link(p, link);
	if (err)
		bpf_link__destroy(link);
	return err;
}

bool bct_uprobe_self_maps(const char *path)
{
	unsigned int maj, min;
	unsigned long long ino;
	char line[PATH_MAX + 128];
	bool found = false;
	struct stat st;
	FILE *f;

	if (stat(path, &st))
		return true;
	f = fopen("/proc/self/maps", "re");
	if (!f)
		return true;
	/* "start-end perms offset MAJ:MIN inode path" */
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %*s %x:%x %llu", &maj, &min, &ino) == 3 &&
			ino == (unsigned long long)st.st_ino && makedev(maj, min) == st.st_dev;
	fclose(f);
	return found;
}
