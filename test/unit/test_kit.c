// SPDX-License-Identifier: Apache-2.0
/* The tool kit: shared options, filter defines, histogram sorting and printing. */
#include <stdio.h>
#include <stdlib.h>

#include "filter.h"
#include "histtool.h"
#include "prog.h"
#include "tool.h"
#include "unit.h"

/* The program text --ebpf would print for these filter values. */
static char *defines_of(const struct bct_filter *f, pid_t exec_pid)
{
	struct bct_common common = { 0 };
	struct bct_prog_opts po = { .src_name = "opensnoop.bpf.c", .common = &common };
	struct bct_prog *p = bct_prog__new(&po);
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	if (!p)
		return NULL;
	out = open_memstream(&text, &len);
	if (out && !bct_filter_define(f, exec_pid, p))
		bct_prog__print_source(p, out);
	if (out)
		fclose(out);
	bct_prog__destroy(p);
	return text;
}

UNIT_TEST(filter_defines_name_each_filter)
{
	struct bct_filter f = {
		.pid = 42, .has_uid = true, .uid = 0, .comm = "cat", .cgroup = "/x"
	};
	char *text = defines_of(&f, 0);

	CHECK(text && strstr(text, "#define FILTER_PID 42\n"));
	CHECK(text && strstr(text, "#define FILTER_UID 0\n"));
	CHECK(text && strstr(text, "#define FILTER_COMM_LEN 3\n"));
	CHECK(text && strstr(text, "#define FILTER_COMM_LO 0x746163ULL\n"));
	CHECK(text && strstr(text, "#define FILTER_CGROUP 1\n"));
	CHECK(text && !strstr(text, "FILTER_TID"));
	free(text);
}

UNIT_TEST(filter_tid_wins_and_exec_child_is_the_pid)
{
	struct bct_filter f = { .pid = 42, .tid = 43 };
	char *text = defines_of(&f, 0);

	CHECK(text && strstr(text, "#define FILTER_TID 43\n") && !strstr(text, "FILTER_PID"));
	free(text);
	f.tid = 0;
	text = defines_of(&f, 777);
	CHECK(text && strstr(text, "#define FILTER_PID 777\n"));
	free(text);
	f = (struct bct_filter){ 0 };
	text = defines_of(&f, 0);
	CHECK(text && !strstr(text, "#define FILTER_"));
	free(text);
}

UNIT_TEST(filter_pack_comm_little_endian_16_bytes)
{
	uint64_t lo, hi;

	bct_filter_pack_comm("abcdefghijklmnopq", 17, &lo, &hi);
	CHECK(lo == 0x6867666564636261ULL);
	CHECK(hi == 0x706f6e6d6c6b6a69ULL);
	bct_filter_pack_comm("a", 1, &lo, &hi);
	CHECK(lo == 0x61 && hi == 0);
}

static int tool_key_seen, verbose;
static bool flag;

static error_t tool_parser(int key, char *arg, struct argp_state *state)
{
	if (key != 'x')
		return ARGP_ERR_UNKNOWN;
	tool_key_seen++;
	return 0;
}

UNIT_TEST(tool_parse_shared_and_own_options)
{
	static const struct bct_opt own[] = {
		BCT_CUSTOM('x', "ex", NULL, "x"),
		BCT_COUNT('v', "verbose", &verbose, "more"),
		BCT_FLAG('f', "flag", &flag, "a flag"),
		{ 0 },
	};
	struct bct_tool_args a = {
		.opts = own,
		.parser = tool_parser,
		.shared = { .pid = 'p',
			    .comm = 'c',
			    .comm_long = "comm",
			    .duration = 'd',
			    .timestamp = 'T',
			    .cgroup = true,
			    .interval = true },
	};
	char *argv[] = { "t",
			 "-x",
			 "-p",
			 "12",
			 "--comm",
			 "bash",
			 "-T",
			 "-d",
			 "500ms",
			 "--cgroup",
			 "/sys/fs/cgroup",
			 "--json",
			 "3",
			 "4",
			 "-v",
			 "-vv",
			 "-f",
			 NULL };
	struct bct_env env = { 0 };

	tool_key_seen = verbose = 0;
	CHECK_INT(bct_tool_parse(&a, &env, sizeof(argv) / sizeof(argv[0]) - 1, argv), 0);
	CHECK_INT(tool_key_seen, 1);
	CHECK_INT(verbose, 3);
	CHECK(flag);
	CHECK_INT(env.filter.pid, 12);
	CHECK_STR(env.filter.comm, "bash");
	CHECK(env.timestamp);
	CHECK_INT(env.duration_ms, 500);
	CHECK_STR(env.filter.cgroup, "/sys/fs/cgroup");
	CHECK(env.common.json);
	CHECK_INT(env.interval, 3);
	CHECK_INT(env.count, 4);
}

UNIT_TEST(tool_parse_exec_takes_the_rest_and_excludes_pid)
{
	struct bct_tool_args a = { .shared = { .pid = 'p', .exec = true } };
	char *argv[] = { "t", "--exec", "ls", "-p", "1", NULL };
	char *argv2[] = { "t", "-p", "1", "--exec", "ls", NULL };
	struct bct_env env = { 0 };

	CHECK_INT(bct_tool_parse(&a, &env, 5, argv), 0);
	CHECK(env.exec_argv && !strcmp(env.exec_argv[0], "ls") && !strcmp(env.exec_argv[1], "-p"));
	CHECK_INT(env.filter.pid, 0);
	free(env.exec_argv);
	memset(&env, 0, sizeof(env));
	CHECK_INT(bct_tool_parse(&a, &env, 5, argv2), 1);
	free(env.exec_argv);
}

static void name_of(void *ctx, const void *key, char *buf, size_t sz)
{
	snprintf(buf, sz, "k%llu", (unsigned long long)(1000 - *(const uint64_t *)key));
}

UNIT_TEST(hist_sort_by_key_or_name)
{
	const uint64_t keys[] = { 300, 2, 1000 };
	struct bct_hist_entry v[3] = { 0 };
	struct bct_hist_tool t = { .key_name = name_of };
	size_t i;

	for (i = 0; i < 3; i++) {
		v[i].key = &keys[i];
		name_of(NULL, &keys[i], v[i].name, sizeof(v[i].name));
	}
	bct_hist_sort(&t, v, 3, sizeof(uint64_t));
	CHECK(*(const uint64_t *)v[0].key == 2 && *(const uint64_t *)v[2].key == 1000);
	t.sort_by_name = true; /* "k0" < "k700" < "k998" */
	bct_hist_sort(&t, v, 3, sizeof(uint64_t));
	CHECK_STR(v[0].name, "k0");
	CHECK_STR(v[2].name, "k998");
}

static char *print_of(const struct bct_hist_tool *t, bool json, const char *ts,
		      const struct bct_hist_entry *v, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return NULL;
	bct_hist_print(t, NULL, out, json, ts, v, n);
	fclose(out);
	return text;
}

UNIT_TEST(hist_print_sections_text_and_json)
{
	const uint64_t slots[4] = { 0, 1, 0, 2 }, key = 7;
	struct bct_hist_entry e = { .key = &key, .name = "sda", .slots = slots, .nslots = 4 };
	struct bct_hist_tool t = { .unit = "usecs", .section = "disk" };
	char *text = print_of(&t, false, "12:00:00", &e, 1);

	CHECK_STR(
		text,
		"\n12:00:00\n\ndisk = sda\n"
		"     usecs               : count     distribution\n"
		"         0 -> 1          : 1        |********************                    |\n"
		"         2 -> 3          : 0        |                                        |\n"
		"         4 -> 7          : 2        |****************************************|\n");
	free(text);
	text = print_of(&t, true, "2026-01-01 12:00:00", &e, 1);
	CHECK_STR(text,
		  "{\"ts\":\"2026-01-01 12:00:00\",\"val_type\":\"usecs\",\"data\":["
		  "{\"interval-start\":0,\"interval-end\":1,\"count\":1},"
		  "{\"interval-start\":2,\"interval-end\":3,\"count\":0},"
		  "{\"interval-start\":4,\"interval-end\":7,\"count\":2}],\"disk\":\"sda\"}\n");
	free(text);
}

UNIT_TEST(hist_print_empty_interval)
{
	struct bct_hist_tool t = { .unit = "usecs" };
	char *text = print_of(&t, false, NULL, NULL, 0);

	CHECK_STR(text, "\n");
	free(text);
	text = print_of(&t, true, "x", NULL, 0); /* JSON: one (empty) object, as BCC prints */
	CHECK_STR(text, "{\"ts\":\"x\",\"val_type\":\"usecs\",\"data\":[]}\n");
	free(text);
}

UNIT_TEST(hist_print_extension_summary)
{
	const uint64_t slots[2] = { 0, 3 }, key = 0;
	struct bct_hist_entry e = {
		.key = &key, .slots = slots, .nslots = 2, .total = 10, .count = 3
	};
	struct bct_hist_tool t = { .unit = "usecs", .extension = true };
	char *text = print_of(&t, false, NULL, &e, 1);

	/* BCC's avg truncates total / count */
	CHECK(text && strstr(text, "\navg = 3 usecs, total: 10 usecs, count: 3\n\n"));
	free(text);
	text = print_of(&t, true, "x", &e, 1);
	CHECK(text && strstr(text, ",\"avg\":3,\"total\":10,\"count\":3}\n"));
	free(text);
}
