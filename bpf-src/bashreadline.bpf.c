// SPDX-License-Identifier: Apache-2.0
/*
 * bashreadline: one event per line a bash shell reads with readline(), taken when readline()
 * returns the line it read.
 *
 * The program is attached by cmd/bashreadline.c (lib/uprobe.h) to readline in /bin/bash, or in
 * the library -s names. As in BCC, only processes named "bash" are reported (a library's
 * readline() serves other programs too).
 * Credit: the original BCC bashreadline is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bashreadline.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("uretprobe")
int readline_ret(struct pt_regs *ctx)
{
	const char *line = (const char *)PT_REGS_RC(ctx);
	struct bashreadline_event *e;
	char comm[BASHREADLINE_COMM_LEN];

	if (!line)
		return 0; /* end of input */
	bpf_get_current_comm(comm, sizeof(comm));
	if (comm[0] != 'b' || comm[1] != 'a' || comm[2] != 's' || comm[3] != 'h' || comm[4])
		return 0;
	if (!bct_filter_pass())
		return 0;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	__builtin_memcpy(e->comm, comm, sizeof(e->comm));
	if (bpf_probe_read_user_str(e->line, sizeof(e->line), line) < 0)
		e->line[0] = '\0';
	bct_event_submit(e, sizeof(*e));
	return 0;
}
