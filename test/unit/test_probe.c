// SPDX-License-Identifier: Apache-2.0
/* SEC() names to attach kind and target: what the engine's method choice is built on. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "probe.h"
#include "unit.h"

static void check_sec(const char *sec, enum bct_attach_kind kind, int ret, const char *target)
{
	struct bct_sec s;

	CHECK_INT(bct_sec_parse(sec, &s), 0);
	CHECK_STR(bct_attach_kind_name(s.kind), bct_attach_kind_name(kind));
	CHECK_INT(s.ret, ret);
	CHECK_STR(s.target, target);
}

UNIT_TEST(sec_parse_kinds_and_targets)
{
	check_sec("fentry/do_sys_openat2", BCT_ATTACH_FENTRY, 0, "do_sys_openat2");
	check_sec("fexit/do_sys_openat2", BCT_ATTACH_FENTRY, 1, "do_sys_openat2");
	check_sec("fmod_ret/security_file_open", BCT_ATTACH_FENTRY, 0, "security_file_open");
	check_sec("kprobe/blk_account_io_start", BCT_ATTACH_KPROBE, 0, "blk_account_io_start");
	check_sec("kretprobe/do_sys_openat2", BCT_ATTACH_KPROBE, 1, "do_sys_openat2");
	check_sec("ksyscall/openat", BCT_ATTACH_KPROBE, 0, "openat");
	check_sec("tracepoint/syscalls/sys_exit_openat", BCT_ATTACH_TRACEPOINT, 0,
		  "syscalls/sys_exit_openat");
	check_sec("tp/block/block_rq_issue", BCT_ATTACH_TRACEPOINT, 0, "block/block_rq_issue");
	check_sec("tp_btf/block_rq_issue", BCT_ATTACH_TP_BTF, 0, "block_rq_issue");
	check_sec("raw_tp/block_rq_issue", BCT_ATTACH_RAW_TP, 0, "block_rq_issue");
	check_sec("raw_tracepoint/sched_switch", BCT_ATTACH_RAW_TP, 0, "sched_switch");
	check_sec("raw_tp.w/sched_switch", BCT_ATTACH_RAW_TP, 0, "sched_switch");
	check_sec("uprobe", BCT_ATTACH_UPROBE, 0, "");
	check_sec("uretprobe//bin/bash:readline", BCT_ATTACH_UPROBE, 1, "/bin/bash:readline");
	check_sec("usdt", BCT_ATTACH_UPROBE, 0, "");
	check_sec("perf_event", BCT_ATTACH_PERF_EVENT, 0, "");
}

UNIT_TEST(sec_parse_variants_keep_their_base_kind)
{
	check_sec("fentry.s/do_sys_openat2", BCT_ATTACH_FENTRY, 0, "do_sys_openat2");
	check_sec("kprobe.multi/vfs_*", BCT_ATTACH_KPROBE, 0, "vfs_*");
	check_sec("uprobe.s//usr/lib/libc.so.6:malloc", BCT_ATTACH_UPROBE, 0,
		  "/usr/lib/libc.so.6:malloc");
}

UNIT_TEST(sec_parse_kprobe_offset_names_the_function)
{
	check_sec("kprobe/do_sys_openat2+0x10", BCT_ATTACH_KPROBE, 0, "do_sys_openat2");
}

UNIT_TEST(sec_parse_others_and_errors)
{
	struct bct_sec s;
	char long_name[300];

	check_sec("xdp", BCT_ATTACH_OTHER, 0, "");
	check_sec("iter/task", BCT_ATTACH_OTHER, 0, "task");
	/* a prefix of a known kind is not that kind */
	check_sec("tpx/foo", BCT_ATTACH_OTHER, 0, "foo");
	check_sec("kprobes/foo", BCT_ATTACH_OTHER, 0, "foo");
	CHECK_INT(bct_sec_parse("", &s), -EINVAL);
	CHECK_INT(bct_sec_parse(NULL, &s), -EINVAL);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	memcpy(long_name, "kprobe/", 7);
	CHECK_INT(bct_sec_parse(long_name, &s), -ENAMETOOLONG);
}

UNIT_TEST(attach_kind_names)
{
	CHECK_STR(bct_attach_kind_name(BCT_ATTACH_FENTRY), "fentry");
	CHECK_STR(bct_attach_kind_name(BCT_ATTACH_TP_BTF), "tp_btf");
	CHECK_STR(bct_attach_kind_name(BCT_ATTACH_PERF_EVENT), "perf_event");
	CHECK_STR(bct_attach_kind_name(BCT_ATTACH__COUNT), "other");
}

UNIT_TEST(other_sections_are_available_without_probing)
{
	struct bct_sec s;
	char why[64] = "";

	CHECK_INT(bct_sec_parse("xdp", &s), 0);
	CHECK(bct_sec_available(&s, why, sizeof(why)));
}

/* available_filter_functions of a fake tracefs, bigger than the first read buffer (1 MiB). */
UNIT_TEST(func_traceable_reads_filter_functions)
{
	char dir[] = "/tmp/bct-unit-tracefs.XXXXXX", path[64];
	const char *old = getenv("BCCTOOL_TRACEFS");
	char *saved = old ? strdup(old) : NULL;
	FILE *f;
	int i;

	if (!mkdtemp(dir)) {
		unit_skip("no temporary directory");
		return;
	}
	snprintf(path, sizeof(path), "%s/available_filter_functions", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("do_sys_openat2\n", f);
	for (i = 0; i < 60000; i++)
		fprintf(f, "filler_function_%d\n", i);
	fputs("vfs_read [ext4]\nlast_one", f);
	fclose(f);
	setenv("BCCTOOL_TRACEFS", dir, 1);

	CHECK(!bct_func_traceable("no_such_function"));
	CHECK(!bct_func_traceable("do_sys_open"));
	CHECK(bct_func_traceable("do_sys_openat2"));
	CHECK(bct_func_traceable("filler_function_59999"));
	CHECK(bct_func_traceable("vfs_read"));
	CHECK(bct_func_traceable("last_one"));

	if (saved)
		setenv("BCCTOOL_TRACEFS", saved, 1);
	else
		unsetenv("BCCTOOL_TRACEFS");
	free(saved);
	unlink(path);
	rmdir(dir);
}

/* Members of vmlinux BTF's structs: ones every kernel with BTF has, and ones none has. */
UNIT_TEST(btf_member_exists_finds_members_of_structs)
{
	if (!bct_has_btf()) {
		unit_skip("no /sys/kernel/btf/vmlinux");
		return;
	}
	CHECK(bct_btf_member_exists("task_struct", "pid"));
	CHECK(bct_btf_member_exists("task_struct", "comm"));
	CHECK(!bct_btf_member_exists("task_struct", "no_such_member"));
	CHECK(!bct_btf_member_exists("no_such_struct_bct", "pid"));
	CHECK(!bct_btf_member_exists("task_struct", "pi")); /* a prefix is not a member */
}

/* A word of BCCTOOL_DISABLE_ATTACH that is no attach kind names a method, whole words only. */
UNIT_TEST(disable_attach_words_name_methods)
{
	const char *old = getenv("BCCTOOL_DISABLE_ATTACH");
	char *saved = old ? strdup(old) : NULL;

	setenv("BCCTOOL_DISABLE_ATTACH", "kprobe, sched_info,x", 1);
	CHECK(bct_method_disabled("sched_info"));
	CHECK(bct_method_disabled("x"));
	CHECK(!bct_method_disabled("sched"));
	CHECK(!bct_method_disabled("sched_info2"));
	CHECK(!bct_method_disabled("tp_btf"));
	unsetenv("BCCTOOL_DISABLE_ATTACH");
	CHECK(!bct_method_disabled("sched_info"));
	if (saved)
		setenv("BCCTOOL_DISABLE_ATTACH", saved, 1);
	free(saved);
}
