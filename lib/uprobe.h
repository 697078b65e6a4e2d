/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Uprobes by symbol: a tool's SEC("uprobe") or SEC("uretprobe") program attached to a function
 * of a binary or library, named as BCC's attach_uprobe(name=, sym=) takes them ("c" is libc,
 * lib/elfsym.h). Call it from the session's after_load callback (lib/tool.h): the link goes to
 * the program (bct_prog__add_link()), and the engine's own attach pass leaves the program alone.
 * Declare the programs in the tool's hooks as BCT_PROG("name", "uprobe") or "uretprobe": the
 * method is then available where the kernel has uprobes.
 */
#ifndef BCT_UPROBE_H
#define BCT_UPROBE_H

#include <stdbool.h>
#include <sys/types.h>

struct bct_prog;

struct bct_uprobe {
	const char *prog; /* the BPF program's function name */
	const char *lib; /* "c", "/bin/bash", "/usr/lib/libfoo.so.1" */
	const char *sym; /* "readline", "getaddrinfo", "name@@VERSION" */
	bool ret; /* a return probe */
	pid_t pid; /* only this process; 0: every process */
};

/*
 * Resolves lib and sym and attaches. 0, or -errno after one error line ("cannot find symbol
 * 'readline' in /bin/bash", "cannot find library 'foo'").
 */
int bct_uprobe_attach(struct bct_prog *p, const struct bct_uprobe *u);
/*
 * Whether this process maps path (the same file: device and inode), so that uprobes in it
 * fire in the tool itself too; true when it cannot tell.
 */
bool bct_uprobe_self_maps(const char *path);

#endif
