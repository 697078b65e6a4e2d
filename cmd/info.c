// SPDX-License-Identifier: Apache-2.0
/* bcctool --info: what this kernel and this build offer the tools, probed for real. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/libbpf.h>

#include "bct.h"
#include "cache.h"
#include "cmd.h"
#include "probe.h"
#include "tool.h"

static struct bct_env env; /* --json, --debug */

static const char doc[] = "Show what this kernel offers bcctool: BTF, tracefs, attach types "
			  "(probed by loading tiny programs), ring buffer, lockdown, compiler "
			  "and cache.\v"
			  "Run as root: unprivileged, every BPF probe fails with EPERM.";

/* In the order --info prints them. */
static const enum bct_attach_kind kinds[] = {
	BCT_ATTACH_KPROBE,     BCT_ATTACH_FENTRY, BCT_ATTACH_TP_BTF,	 BCT_ATTACH_RAW_TP,
	BCT_ATTACH_TRACEPOINT, BCT_ATTACH_UPROBE, BCT_ATTACH_PERF_EVENT,
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

struct facts {
	struct utsname uts;
	bool btf, privileged, ringbuf;
	const char *tracefs, *lockdown;
	bool avail[NKINDS];
	char why[NKINDS][160];
	char cache_dir[512];
	bool cache_exists;
	struct bct_cache_stats cache;
	bool cache_stats;
};

static void gather(struct facts *f)
{
	struct stat st;
	size_t i;

	uname(&f->uts);
	f->btf = bct_has_btf();
	f->privileged = bct_has_bpf_privileges();
	f->tracefs = bct_tracefs_dir();
	f->lockdown = bct_lockdown();
	f->ringbuf = bct_has_ringbuf();
	for (i = 0; i < NKINDS; i++)
		f->avail[i] = bct_attach_kind_available(kinds[i], f->why[i], sizeof(f->why[i]));
	if (bct_cache_dir(f->cache_dir, sizeof(f->cache_dir))) {
		f->cache_exists = stat(f->cache_dir, &st) == 0 && S_ISDIR(st.st_mode);
		if (f->cache_exists) {
			struct bct_cache *c = bct_cache__open();

			f->cache_stats = c && !bct_cache__stat(c, &f->cache, NULL, NULL);
			bct_cache__free(c);
		}
	} else {
		f->cache_dir[0] = '\0';
	}
}

static void print_text(const struct facts *f)
{
	const char *rb;
	size_t i;

	printf("kernel:       %s %s\n", f->uts.release, f->uts.machine);
	printf("btf:          %s\n", f->btf ? "yes (/sys/kernel/btf/vmlinux)" : "no");
	printf("tracefs:      %s\n", f->tracefs ? f->tracefs : "not available");
	printf("privileges:   %s\n",
	       f->privileged ? "yes" : "no (needs root or CAP_BPF+CAP_PERFMON; probes below fail)");
	printf("lockdown:     %s\n", f->lockdown ? f->lockdown : "unknown (no securityfs)");
	if (f->ringbuf)
		rb = "yes";
	else if (f->privileged)
		rb = "no (perf buffer instead)";
	else
		rb = "unknown (not privileged)";
	printf("ring buffer:  %s\n", rb);
	printf("attach types:\n");
	for (i = 0; i < NKINDS; i++)
		printf("  %-11s %s%s%s\n", bct_attach_kind_name(kinds[i]),
		       f->avail[i] ? "yes" : "no", f->avail[i] ? "" : ": ",
		       f->avail[i] ? "" : f->why[i]);
	printf("llvm:         %s\n", BCT_LLVM_VERSION);
	printf("libbpf:       %u.%u\n", libbpf_major_version(), libbpf_minor_version());
	printf("bcctool:      %s\n", BCT_VERSION);
	printf("cache:        %s", f->cache_dir[0] ? f->cache_dir : "none");
	if (f->cache_dir[0] && !f->cache_exists)
		printf(" (not created yet)");
	if (f->cache_stats)
		printf(" (%lu objects, %llu bytes; %lu kernel headers, %llu bytes)", f->cache.objs,
		       f->cache.obj_bytes, f->cache.kernels, f->cache.kernel_bytes);
	putchar('\n');
}

static void print_json(const struct facts *f)
{
	struct bct_json j;
	size_t i;

	bct_json_begin(&j, stdout);
	bct_json_str(&j, "kernel", f->uts.release);
	bct_json_str(&j, "machine", f->uts.machine);
	bct_json_bool(&j, "btf", f->btf);
	if (f->tracefs)
		bct_json_str(&j, "tracefs", f->tracefs);
	else
		bct_json_null(&j, "tracefs");
	bct_json_bool(&j, "privileged", f->privileged);
	if (f->lockdown)
		bct_json_str(&j, "lockdown", f->lockdown);
	else
		bct_json_null(&j, "lockdown");
	if (f->privileged || f->ringbuf)
		bct_json_bool(&j, "ringbuf", f->ringbuf);
	else
		bct_json_null(&j, "ringbuf");
	bct_json_obj_open(&j, "attach");
	for (i = 0; i < NKINDS; i++) {
		bct_json_obj_open(&j, bct_attach_kind_name(kinds[i]));
		bct_json_bool(&j, "available", f->avail[i]);
		if (!f->avail[i])
			bct_json_str(&j, "reason", f->why[i]);
		bct_json_obj_close(&j);
	}
	bct_json_obj_close(&j);
	bct_json_str(&j, "llvm", BCT_LLVM_VERSION);
	{
		char v[32];

		snprintf(v, sizeof(v), "%u.%u", libbpf_major_version(), libbpf_minor_version());
		bct_json_str(&j, "libbpf", v);
	}
	bct_json_str(&j, "version", BCT_VERSION);
	bct_json_obj_open(&j, "cache");
	if (f->cache_dir[0])
		bct_json_str(&j, "dir", f->cache_dir);
	else
		bct_json_null(&j, "dir");
	bct_json_bool(&j, "exists", f->cache_exists);
	if (f->cache_stats) {
		bct_json_uint(&j, "objects", f->cache.objs);
		bct_json_uint(&j, "object_bytes", f->cache.obj_bytes);
		bct_json_uint(&j, "kernels", f->cache.kernels);
		bct_json_uint(&j, "kernel_bytes", f->cache.kernel_bytes);
	}
	bct_json_obj_close(&j);
	bct_json_end(&j);
}

int cmd_info(int argc, char **argv)
{
	static const struct bct_tool_args args = { .parser = bct_no_args, .doc = doc };
	struct facts f;
	int rc;

	rc = bct_tool_parse(&args, &env, argc, argv);
	if (rc)
		return rc;
	memset(&f, 0, sizeof(f));
	gather(&f);
	if (env.common.json)
		print_json(&f);
	else
		print_text(&f);
	return 0;
}
