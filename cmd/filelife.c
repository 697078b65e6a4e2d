// SPDX-License-Identifier: Apache-2.0
/*
 * filelife: trace the lifespan of short-lived files, one line per file deleted that was
 * created while tracing.
 *
 * Interface of BCC's filelife by Brendan Gregg (perf output by Allan McAleavy, vfs_open() by
 * Rong Tao); written anew, with -n, -d, --cgroup, --exec and --json. Without kprobes, births
 * and deaths are seen at the system calls and matched here by absolute path (see
 * bpf-src/filelife.bpf.c and the man page).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "events.h"
#include "prog.h"
#include "filelife.h"

#define MAX_BORN (1U << 20) /* files remembered at most (then new births are not) */
#define NBUCKETS (1U << 16)

struct born {
	struct born *next;
	uint64_t ts;
	char path[];
};

static struct filelife_env {
	struct bct_env kit; /* the shared options: -p, -n, -d, --cgroup, --exec, --json... */
	struct born *buckets[NBUCKETS];
	size_t nborn;
} env;

static const char doc[] = "Trace lifecycle of file\n"
			  "\v"
			  "examples:\n"
			  "    filelife           # trace lifecycle of file(create->remove)\n"
			  "    filelife -p 181    # only trace PID 181\n"
			  "    filelife -n cc     # only commands containing \"cc\"\n"
			  "    filelife --exec make  # run make, trace only it\n"
			  "    filelife --json    # one JSON object per file\n";

static const struct bct_tool_args args = {
	.parser = bct_no_args,
	.doc = doc,
	.shared = { .pid = 'p', .comm = 'n', .duration = 'd', .cgroup = true, .exec = true },
};

/* --- attach methods: every program in bpf-src/filelife.bpf.c ---------------------------- */

#define EXIT_TP(name) BCT_PROG("tp_" #name, "tracepoint/syscalls/sys_exit_" #name)

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("kp_security_create", "kprobe/security_inode_create"),
			     BCT_PROG("kp_vfs_unlink", "kprobe/vfs_unlink")),
	  .optional_progs = BCT_PROGS(BCT_PROG("kp_vfs_create", "kprobe/vfs_create"),
				      BCT_PROG("kp_vfs_open", "kprobe/vfs_open")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(EXIT_TP(openat), EXIT_TP(unlinkat)),
	  .optional_progs =
		  BCT_PROGS(EXIT_TP(open), EXIT_TP(openat2), EXIT_TP(creat), EXIT_TP(unlink)),
	  .approx = "files created by open()/creat() and unlinked by path, matched by path; "
		    "no renames" },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "file creation and deletion", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_filelife = {
	.src_name = "filelife.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- births, by path ---------------------------------------------------------------------- */

static unsigned int hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h & (NBUCKETS - 1);
}

/* Removes path's entry; its birth time in *ts, or false when it was not born while tracing. */
static bool take(const char *path, uint64_t *ts)
{
	struct born **pp = &env.buckets[hash(path)], *b;

	for (; (b = *pp); pp = &b->next) {
		if (!strcmp(b->path, path)) {
			*pp = b->next;
			*ts = b->ts;
			free(b);
			env.nborn--;
			return true;
		}
	}
	return false;
}

static void remember(const char *path, uint64_t ts)
{
	size_t len = strlen(path);
	uint64_t old;
	struct born *b;
	unsigned int h;

	take(path, &old); /* a new file of the same path replaces the old one's record */
	if (env.nborn >= MAX_BORN)
		return;
	b = malloc(sizeof(*b) + len + 1);
	if (!b)
		return;
	h = hash(path);
	b->ts = ts;
	memcpy(b->path, path, len + 1);
	b->next = env.buckets[h];
	env.buckets[h] = b;
	env.nborn++;
}

/*
 * dir (absolute, may be "") joined with name, then "." and ".." parts and repeated slashes
 * resolved as text, into buf: "/a/./b//../c" -> "/a/c".
 */
static void join(char *buf, size_t sz, const char *dir, const char *name)
{
	char tmp[FILELIFE_DIR_MAX + FILELIFE_NAME_LEN + 4], *part, *save = NULL;
	size_t len = 0;

	if (name[0] == '/')
		snprintf(tmp, sizeof(tmp), "%s", name);
	else
		snprintf(tmp, sizeof(tmp), "%s/%s", dir, name);
	buf[0] = '\0';
	for (part = strtok_r(tmp, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (!strcmp(part, "."))
			continue;
		if (!strcmp(part, "..")) {
			while (len > 0 && buf[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			buf[len] = '\0';
			continue;
		}
		len += snprintf(buf + len, sz - len, "/%s", part);
		if (len >= sz)
			len = sz - 1;
	}
	if (!len)
		snprintf(buf, sz, "/");
}

/* --- output ------------------------------------------------------------------------------- */

/* BCC's "%-8s %-7d %-16s %-7.2f %s" */
static const struct bct_col cols[] = {
	{ "TIME", "time", 8, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "AGE(s)", "age", 7, BCT_COL_DOUBLE, BCT_COL_LEFT, 2 },
	{ "FILE", "file", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PATH", "path", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 }, /* tracepoint method only */
	{ NULL },
};

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct filelife_event *e = data;
	char dir[FILELIFE_DIR_MAX + 1], name[FILELIFE_NAME_LEN], path[4096], ts[16];
	const char *file;
	uint64_t born, age_ns;
	uint32_t off;
	time_t now;

	if (size < sizeof(*e))
		return 0;
	off = e->dir_off < FILELIFE_DIR_MAX ? e->dir_off : FILELIFE_DIR_MAX;
	snprintf(dir, sizeof(dir), "%.*s", (int)(FILELIFE_DIR_MAX - off), e->dir + off);
	snprintf(name, sizeof(name), "%.*s", (int)sizeof(e->name), e->name);
	path[0] = '\0';
	switch (e->kind) {
	case FILELIFE_BIRTH:
		if (!(e->info & FILELIFE_DIR_TRUNC)) {
			join(path, sizeof(path), dir, name);
			remember(path, e->ts);
		}
		return 0;
	case FILELIFE_DEATH:
		if (e->info & FILELIFE_DIR_TRUNC)
			return 0;
		join(path, sizeof(path), dir, name);
		if (!take(path, &born) || born > e->ts)
			return 0;
		age_ns = e->ts - born;
		file = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		break;
	case FILELIFE_AGED:
		age_ns = e->age_ns;
		file = name;
		break;
	default:
		return 0;
	}
	now = time(NULL);
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	bct_out__str(out, ts);
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	/* BCC: whole milliseconds, shown in seconds */
	bct_out__double(out, (double)(age_ns / 1000000) / 1000.0);
	bct_out__str(out, file);
	if (path[0])
		bct_out__str(out, path);
	else
		bct_out__none(out);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

int cmd_filelife(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { 0 };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_filelife, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
