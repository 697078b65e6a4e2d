// SPDX-License-Identifier: Apache-2.0
/*
 * bcctool run compiles the user's program, not this one: this file only gives `bcctool check
 * run` one program per kind of event a BCC-dialect program attaches to, with the SEC() the
 * rewriter (lib/bccrw.c) gives such a function.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint")
int run_tracepoint(void *ctx)
{
	return 0;
}

SEC("raw_tp")
int run_raw_tp(void *ctx)
{
	return 0;
}

SEC("uprobe")
int run_uprobe(void *ctx)
{
	return 0;
}
