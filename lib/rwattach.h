/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attach specs of BCC-dialect programs, shared by `bcctool run -a` and the C API's
 * bcctool_attach():
 *
 *   t:CAT:EVENT   tracepoint          u:LIB:SYM, p:LIB:SYM   uprobe
 *   p::FUNC       kprobe              r:LIB:SYM              uretprobe
 *   r::FUNC       kretprobe           U:LIB:PROBE            USDT probe (run only)
 *
 * LIB is a path or a library name as bct_elf_lib_path() takes it.
 */
#ifndef BCT_RWATTACH_H
#define BCT_RWATTACH_H

#include <stdbool.h>
#include <sys/types.h>

#include "bccrw.h"

struct bpf_link;
struct bpf_program;

/*
 * The kind of spec and its target (what follows the prefix, inside spec); usdt: U: is taken
 * too. 0, or -EINVAL after one error line (an unknown prefix, or no WHERE:WHAT).
 */
int bct_rw_attach_spec(const char *spec, bool usdt, enum bct_rw_attach *kind, const char **target);

/*
 * Attaches prog to a tracepoint, raw tracepoint, uprobe, uretprobe, kprobe or kretprobe target
 * (a kprobe's sys_X is the syscall wrapper; pid > 0: uprobes fire in that process only). The
 * link; NULL with errno set: -ENOENT and the like after one error line when a uprobe's library
 * or symbol is not found (*said set), else libbpf's error (*said clear); -EINVAL for another
 * kind.
 */
struct bpf_link *bct_rw_attach_target(struct bpf_program *prog, enum bct_rw_attach kind,
				      const char *target, pid_t pid, bool *said);

#endif
