// SPDX-License-Identifier: Apache-2.0
/*
 * bpflist: display processes currently using BPF programs, maps and links, and (with -v)
 * the kprobes and uprobes that BCC-style tools registered through tracefs.
 *
 * Interface of BCC's bpflist by Sasha Goldshtein (idea by Brendan Gregg); written anew.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bct.h"
#include "cmd.h"
#include "fdinfo.h"
#include "out.h"
#include "tool.h"
#include "util.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

#define COMM_LEN 64
#define TYPE_LEN 32

static struct bpflist_env {
	struct bct_env kit; /* --json */
	int verbosity;
	bool stats_enabled; /* kernel.bpf_stats_enabled: run_cnt and run_time_ns mean something */
} env;

/* One row of the table: a process, a type ("prog", "map", "link", "kprobe"...) and a count. */
struct count {
	pid_t pid;
	unsigned int seq; /* order of first sight: BCC's dict order within one PID */
	char type[TYPE_LEN];
	unsigned long count;
};

/* One BPF object held by a process (-vvv): its fdinfo text, and its name when we can read it. */
struct object {
	pid_t pid;
	int fd;
	char type[TYPE_LEN];
	char name[BPF_OBJ_NAME_LEN];
	char *info;
};

struct comm {
	pid_t pid;
	char comm[COMM_LEN];
};

struct scan {
	struct count *counts;
	size_t ncounts, counts_cap;
	struct object *objs;
	size_t nobjs, objs_cap;
	struct comm *comms;
	size_t ncomms, comms_cap;
	unsigned int seq;
	bool failed;
};

/* The TYPE columns' width is set once the longest type is known, as BCC does. */
static struct bct_col count_cols[] = {
	{ "PID", "pid", 6, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "TYPE", "type", 1, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "COUNT", "count", 0, BCT_COL_UINT, 0, 0 },
	{ NULL },
};

/* -vvv: every object; DETAILS holds the fields of its type. */
static struct bct_col object_cols[] = {
	{ "PID", "pid", 6, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "TYPE", "type", 1, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "FD", "fd", 5, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "ID", "id", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "DETAILS", "details", 0, BCT_COL_FIELDS, BCT_COL_LEFT, 0 },
	{ NULL },
};

/* -vv: the probe definitions, as tracefs lists them (no header). */
static const struct bct_col probe_cols[] = {
	{ "TYPE", "probe_type", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "DEFINITION", "definition", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ NULL },
};

static const struct bct_opt opts[] = {
	BCT_COUNT('v', "verbosity", &env.verbosity,
		  "count and display kprobes/uprobes as well (-vv prints their definitions, -vvv "
		  "lists every BPF object)"),
	{ 0 },
};

static const char doc[] = "Display processes currently using BPF programs and maps\n"
			  "\v"
			  "examples:\n"
			  "    bpflist     # display all processes currently using BPF\n"
			  "    bpflist -v  # also count kprobes/uprobes\n"
			  "    bpflist -vv # display kprobes/uprobes and count them\n"
			  "    bpflist -vvv   # also list every program, map and link with its ID\n"
			  "    bpflist --json # one JSON object per process and type\n";

static const struct bct_tool_args args = { .opts = opts, .doc = doc };

static int add_count(struct scan *s, pid_t pid, const char *type, unsigned long n)
{
	struct count *c;
	size_t i;

	for (i = 0; i < s->ncounts; i++) {
		c = &s->counts[i];
		if (c->pid == pid && !strcmp(c->type, type)) {
			c->count += n;
			return 0;
		}
	}
	if (bct_grow((void **)&s->counts, &s->counts_cap, s->ncounts + 1, sizeof(*s->counts)))
		return -ENOMEM;
	c = &s->counts[s->ncounts++];
	c->pid = pid;
	c->seq = s->seq++;
	snprintf(c->type, sizeof(c->type), "%s", type);
	c->count = n;
	return 0;
}

static int set_comm(struct scan *s, pid_t pid, const char *comm)
{
	struct comm *c;

	if (bct_grow((void **)&s->comms, &s->comms_cap, s->ncomms + 1, sizeof(*s->comms)))
		return -ENOMEM;
	c = &s->comms[s->ncomms++];
	c->pid = pid;
	snprintf(c->comm, sizeof(c->comm), "%s", comm);
	return 0;
}

/* A whole file relative to dirfd, malloc'd and NUL-terminated, in *data; 0 or -errno. */
static int read_at(int dirfd, const char *path, size_t size_hint, char **data)
{
	size_t len;
	int fd, err;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = bct_read_fd(fd, size_hint, data, &len);
	close(fd);
	return err;
}

/* Whether the process behind dirfd still exists: its stat still reads. 0, 1, or -ENOMEM. */
static int alive(int dirfd)
{
	char *stat;
	int err = read_at(dirfd, "stat", 512, &stat);

	if (err == -ENOMEM)
		return err;
	if (err)
		return 0;
	free(stat);
	return 1;
}

/* BCC reads /proc/PID/comm and strips surrounding whitespace; "[unknown]" when it cannot. */
static int read_comm(int dirfd, char *comm, size_t sz)
{
	char *buf, *start, *end;
	int err = read_at(dirfd, "comm", COMM_LEN, &buf);

	if (err == -ENOMEM)
		return err;
	if (err) {
		snprintf(comm, sz, "[unknown]");
		return 0;
	}
	start = buf;
	while (*start && isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		*--end = '\0';
	snprintf(comm, sz, "%s", start);
	free(buf);
	return 0;
}

static const char *comm_of(struct scan *s, pid_t pid)
{
	size_t i;

	for (i = 0; i < s->ncomms; i++)
		if (s->comms[i].pid == pid)
			return s->comms[i].comm;
	return NULL;
}

static const char *id_key(const char *type)
{
	if (!strcmp(type, "prog"))
		return "prog_id";
	if (!strcmp(type, "map"))
		return "map_id";
	if (!strcmp(type, "link"))
		return "link_id";
	return NULL;
}

/* The object's name, read through a duplicate of the holder's fd where ptrace rules let us. */
static void read_name(int pidfd, struct object *o, uint64_t id)
{
	int fd;

	if (pidfd < 0)
		return;
	fd = syscall(SYS_pidfd_getfd, pidfd, o->fd, 0);
	if (fd < 0)
		return;
	if (!strcmp(o->type, "prog")) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.id == id)
			snprintf(o->name, sizeof(o->name), "%.*s", (int)sizeof(info.name),
				 info.name);
	} else if (!strcmp(o->type, "map")) {
		struct bpf_map_info info = { 0 };
		__u32 len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.id == id)
			snprintf(o->name, sizeof(o->name), "%.*s", (int)sizeof(info.name),
				 info.name);
	}
	close(fd);
}

/* -vvv: records the object behind one fd, from fdinfo (skipped if the fd changed meanwhile). */
static int add_object(struct scan *s, pid_t pid, int dirfd, int pidfd, int fd, const char *type)
{
	const char *key = id_key(type);
	struct object *o;
	char path[64], *info;
	uint64_t id;
	int err;

	snprintf(path, sizeof(path), "fdinfo/%d", fd);
	err = read_at(dirfd, path, 4096, &info);
	if (err)
		return err == -ENOMEM ? err : 0;
	if (key && !bct_fdinfo_u64(info, key, &id)) {
		free(info);
		return 0;
	}
	if (bct_grow((void **)&s->objs, &s->objs_cap, s->nobjs + 1, sizeof(*s->objs))) {
		free(info);
		return -ENOMEM;
	}
	o = &s->objs[s->nobjs++];
	memset(o, 0, sizeof(*o));
	o->pid = pid;
	o->fd = fd;
	snprintf(o->type, sizeof(o->type), "%s", type);
	o->info = info;
	if (key)
		read_name(pidfd, o, id);
	return 0;
}

struct fdent {
	int fd;
	char type[TYPE_LEN];
};

static int cmp_fdent(const void *a, const void *b)
{
	const struct fdent *x = a, *y = b;

	return (x->fd > y->fd) - (x->fd < y->fd);
}

/*
 * Counts one process's BPF fds. Everything is read relative to one open /proc/PID directory,
 * so a PID reused meanwhile cannot lend its fds or comm; a process that exits during the scan
 * (its directory no longer answers) is dropped whole. 0 or -ENOMEM.
 */
static int scan_process(struct scan *s, pid_t pid)
{
	struct fdent *ents = NULL;
	size_t nents = 0, cap = 0, i;
	char path[32], target[128], comm[COMM_LEN];
	int dirfd, fddir, pidfd = -1, err = 0;
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return 0;
	fddir = openat(dirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fddir < 0)
		goto out_close_dir;
	dir = fdopendir(fddir);
	if (!dir) {
		err = errno == ENOMEM ? -ENOMEM : 0;
		close(fddir);
		goto out_close_dir;
	}
	while ((de = readdir(dir))) {
		char *end;
		long fd;
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		fd = strtol(de->d_name, &end, 10);
		if (*end || fd < 0 || fd > INT_MAX)
			continue;
		n = readlinkat(fddir, de->d_name, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (bct_grow((void **)&ents, &cap, nents + 1, sizeof(*ents))) {
			err = -ENOMEM;
			break;
		}
		if (!bct_fdinfo_type(target, ents[nents].type, sizeof(ents[nents].type)))
			continue;
		ents[nents++].fd = (int)fd;
	}
	closedir(dir);
	if (err || !nents)
		goto out_close_dir;
	qsort(ents, nents, sizeof(*ents), cmp_fdent);
	err = read_comm(dirfd, comm, sizeof(comm));
	if (err)
		goto out_close_dir;
	if (env.verbosity >= 3) {
		pidfd = syscall(SYS_pidfd_open, pid, 0);
		/* the PID could have been reused before pidfd_open: the directory must still answer */
		if (pidfd >= 0 && alive(dirfd) <= 0) {
			close(pidfd);
			pidfd = -1;
		}
		for (i = 0; i < nents && !err; i++)
			err = add_object(s, pid, dirfd, pidfd, ents[i].fd, ents[i].type);
		if (err)
			goto out_close_pidfd;
	}
	/* gone meanwhile: its counts would describe a process that no longer exists */
	err = alive(dirfd);
	if (err <= 0) {
		while (s->nobjs && s->objs[s->nobjs - 1].pid == pid)
			free(s->objs[--s->nobjs].info);
		goto out_close_pidfd;
	}
	err = 0;
	for (i = 0; i < nents && !err; i++)
		err = add_count(s, pid, ents[i].type, 1);
	if (!err)
		err = set_comm(s, pid, comm);
out_close_pidfd:
	if (pidfd >= 0)
		close(pidfd);
out_close_dir:
	free(ents);
	close(dirfd);
	return err;
}

static int scan_processes(struct scan *s)
{
	struct dirent *de;
	int err = 0;
	DIR *proc;

	proc = opendir("/proc");
	if (!proc) {
		if (errno == ENOMEM)
			return -ENOMEM;
		pr_err("cannot open '/proc': %s", strerror(errno));
		s->failed = true;
		return 0;
	}
	while (!err && (de = readdir(proc))) {
		char *end;
		long pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0 || pid > INT_MAX)
			continue;
		err = scan_process(s, (pid_t)pid);
	}
	closedir(proc);
	return err;
}

/* BCC's marker: "_bcc_<pid>" followed by white space (as re.search('_bcc_(\d+)\s')). */
static pid_t bcc_marker_pid(const char *line)
{
	const char *p = line;

	while ((p = strstr(p, "_bcc_"))) {
		const char *d = p + 5, *q = d;

		while (isdigit((unsigned char)*q))
			q++;
		if (q > d && q - d <= 10 && isspace((unsigned char)*q)) {
			long pid = strtol(d, NULL, 10);

			if (pid > 0 && pid <= INT_MAX)
				return (pid_t)pid;
		}
		p++;
	}
	return 0;
}

/*
 * The marker libbpf (and so bcctool's engine) puts in the legacy tracefs probes it creates:
 * "<group>/libbpf_<pid>_<target>...", in the event name before the first blank.
 */
static pid_t libbpf_marker_pid(const char *line)
{
	const char *p = strchr(line, '/'), *q;
	size_t name_end = strcspn(line, " \t\n");
	long pid;

	if (!p || (size_t)(p - line) >= name_end || strncmp(p + 1, "libbpf_", 7))
		return 0;
	p += 8;
	q = p;
	while (isdigit((unsigned char)*q))
		q++;
	if (q == p || *q != '_' || q - p > 10)
		return 0;
	pid = strtol(p, NULL, 10);
	return pid > 0 && pid <= INT_MAX ? (pid_t)pid : 0;
}

/* -vv: one probe definition, without its surrounding white space. */
static int print_probe_line(struct bct_out *out, const char *kind, const char *line)
{
	const char *start = line, *end = line + strlen(line);

	while (*start && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	bct_out__str(out, kind);
	bct_out__strn(out, start, end - start);
	return bct_out__end(out);
}

/*
 * Probes that cannot be read for lack of privilege are like the processes whose fds cannot be
 * read: a warning, and the table shows what could be seen. Any other failure is an error.
 */
static void probe_error(struct scan *s, const char *what, const char *path, int err)
{
	if (err == EACCES || err == EPERM) {
		pr_warn("cannot %s '%s': %s", what, path, strerror(err));
		return;
	}
	pr_err("cannot %s '%s': %s", what, path, strerror(err));
	s->failed = true;
}

/*
 * Counts (and with -vv prints) the probes in <tracefs>/<kind>_events; tracefs may be NULL.
 * 0, -ENOMEM, or a write error of out.
 */
static int scan_probes(struct scan *s, struct bct_out *out, const char *tracefs, const char *kind)
{
	char path[PATH_MAX], title[32];
	char *line = NULL;
	size_t cap = 0;
	FILE *f = NULL;
	int err = 0;

	snprintf(title, sizeof(title), "open %ss:", kind);
	if (env.verbosity > 1)
		err = bct_out__text(out, title);
	if (tracefs) {
		snprintf(path, sizeof(path), "%s/%s_events", tracefs, kind);
		f = fopen(path, "re");
		if (!f && errno == ENOENT) {
			/* a kernel without CONFIG_KPROBE_EVENTS or CONFIG_UPROBE_EVENTS: none exist */
			pr_debug("no '%s': this kernel has no %s events", path, kind);
		} else if (!f) {
			probe_error(s, "open", path, errno);
		}
	}
	while (!err && f && getline(&line, &cap, f) > 0) {
		pid_t pid = bcc_marker_pid(line);

		if (!pid)
			pid = libbpf_marker_pid(line);
		if (pid > 0)
			err = add_count(s, pid, kind, 1);
		if (!err && env.verbosity > 1)
			err = print_probe_line(out, kind, line);
	}
	if (!err && f && ferror(f))
		probe_error(s, "read", path, errno);
	free(line);
	if (f)
		fclose(f);
	if (!err && env.verbosity > 1)
		err = bct_out__text(out, "");
	return err;
}

static int cmp_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_object(const void *a, const void *b)
{
	const struct object *x = a, *y = b;

	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->fd > y->fd) - (x->fd < y->fd);
}

/* Comms for PIDs seen only in probe names, read now like BCC does. 0 or -ENOMEM. */
static int fill_comms(struct scan *s)
{
	char path[32], comm[COMM_LEN];
	int dirfd, err = 0;
	size_t i;

	for (i = 0; i < s->ncounts && !err; i++) {
		pid_t pid = s->counts[i].pid;

		if (comm_of(s, pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
		dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0) {
			err = set_comm(s, pid, "[unknown]");
			continue;
		}
		err = read_comm(dirfd, comm, sizeof(comm));
		if (!err)
			err = set_comm(s, pid, comm);
		close(dirfd);
	}
	return err;
}

static const char *type_name(const char *kind, uint64_t n)
{
	if (!strcmp(kind, "prog"))
		return libbpf_bpf_prog_type_str((enum bpf_prog_type)n);
	if (!strcmp(kind, "map"))
		return libbpf_bpf_map_type_str((enum bpf_map_type)n);
	return libbpf_bpf_link_type_str((enum bpf_link_type)n);
}

/*
 * The link type: fdinfo names it ("perf", "raw_tracepoint", or "<N>" when the kernel has no
 * name); libbpf's names are used where they differ ("perf_event", as bpftool prints).
 */
static void link_type_name(const char *info, char *buf, size_t sz)
{
	char v[TYPE_LEN];
	const char *name;

	if (!bct_fdinfo_get(info, "link_type", v, sizeof(v))) {
		snprintf(buf, sz, "unknown");
		return;
	}
	if (v[0] == '<' || isdigit((unsigned char)v[0])) {
		unsigned long n = strtoul(v + (v[0] == '<'), NULL, 10);

		name = libbpf_bpf_link_type_str((enum bpf_link_type)n);
		if (name)
			snprintf(buf, sz, "%s", name);
		else
			snprintf(buf, sz, "%lu", n);
		return;
	}
	if (!strcmp(v, "perf"))
		snprintf(buf, sz, "perf_event");
	else
		snprintf(buf, sz, "%s", v);
}

/* fdinfo lines every object has, or that -vvv shows in their own columns. */
static bool common_info_key(const char *key)
{
	static const char *const keys[] = { "pos",	"flags",     "mnt_id",
					    "ino",	"link_type", "link_id",
					    "prog_tag", "prog_id",   "event_type" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

static bool is_number(const char *v)
{
	const char *p = v;

	if (*p == '-')
		p++;
	if (!*p)
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	return !*p && strlen(v) < 19;
}

/* One "key: value" of what a link is attached to: a number in JSON when it is one. */
static void attach_kv(void *ctx, const char *k, const char *v)
{
	struct bct_out *out = ctx;
	const char *label = strcmp(k, "tp_name") ? k : NULL;

	if (common_info_key(k) || (!strcmp(k, "cookie") && !strcmp(v, "0")))
		return;

	if (is_number(v))
		bct_out__field_int(out, k, label, strtoll(v, NULL, 10));
	else
		bct_out__field_str(out, k, label, v);
}

/* One object's details: text "hash  name x  key 4B ...", JSON "map_type":"hash","name":"x"... */
static void print_object_details(struct bct_out *out, const struct object *o)
{
	char tname[TYPE_LEN], buf[64];
	uint64_t n, k, v, cnt, ns;
	const char *name;

	bct_out__fields(out);
	if (!strcmp(o->type, "prog") || !strcmp(o->type, "map")) {
		bool prog = !strcmp(o->type, "prog");

		if (!bct_fdinfo_u64(o->info, prog ? "prog_type" : "map_type", &n))
			snprintf(tname, sizeof(tname), "unknown");
		else if ((name = type_name(o->type, n)))
			snprintf(tname, sizeof(tname), "%s", name);
		else
			snprintf(tname, sizeof(tname), "%" PRIu64, n);
		bct_out__field_str(out, prog ? "prog_type" : "map_type", NULL, tname);
		if (o->name[0])
			bct_out__field_str(out, "name", "name", o->name);
		if (prog) {
			if (bct_fdinfo_get(o->info, "prog_tag", buf, sizeof(buf)))
				bct_out__field_str(out, "tag", "tag", buf);
			if (env.stats_enabled && bct_fdinfo_u64(o->info, "run_cnt", &cnt) &&
			    bct_fdinfo_u64(o->info, "run_time_ns", &ns)) {
				bct_out__field_uint(out, "run_cnt", "run_cnt", cnt, NULL);
				bct_out__field_uint(out, "run_time_ns", "run_time_ns", ns, NULL);
			}
			return;
		}
		if (bct_fdinfo_u64(o->info, "key_size", &k) &&
		    bct_fdinfo_u64(o->info, "value_size", &v) &&
		    bct_fdinfo_u64(o->info, "max_entries", &n)) {
			bct_out__field_uint(out, "key_size", "key", k, "B");
			bct_out__field_uint(out, "value_size", "value", v, "B");
			bct_out__field_uint(out, "max_entries", "max_entries", n, NULL);
		}
		return;
	}
	if (!strcmp(o->type, "link")) {
		link_type_name(o->info, tname, sizeof(tname));
		bct_out__field_str(out, "link_type", NULL, tname);
		if (bct_fdinfo_u64(o->info, "prog_id", &n))
			bct_out__field_uint(out, "prog_id", "prog", n, NULL);
		bct_out__group_open(out, "attach");
		if (bct_fdinfo_get(o->info, "event_type", buf, sizeof(buf)))
			bct_out__field_str(out, "event_type", NULL, buf);
		bct_fdinfo_each(o->info, attach_kv, out);
		bct_out__group_close(out);
	}
}

/* -vvv: a blank line, then one row per object. */
static int print_objects(struct bct_out *out, struct scan *s)
{
	int err = bct_out__text(out, "");
	uint64_t id;
	size_t i;

	if (!err)
		err = bct_out__header(out);
	for (i = 0; i < s->nobjs && !err; i++) {
		const struct object *o = &s->objs[i];
		const char *comm = comm_of(s, o->pid);
		const char *key = id_key(o->type);

		bct_out__int(out, o->pid);
		bct_out__str(out, comm ? comm : "[unknown]");
		bct_out__str(out, o->type);
		bct_out__int(out, o->fd);
		if (key && bct_fdinfo_u64(o->info, key, &id))
			bct_out__uint(out, id);
		else
			bct_out__none(out);
		print_object_details(out, o);
		err = bct_out__end(out);
	}
	return err;
}

static int print_counts(struct bct_out *out, struct scan *s)
{
	int err = bct_out__header(out);
	size_t i;

	for (i = 0; i < s->ncounts && !err; i++) {
		const struct count *c = &s->counts[i];
		const char *comm = comm_of(s, c->pid);

		bct_out__int(out, c->pid);
		bct_out__str(out, comm ? comm : "[unknown]");
		bct_out__str(out, c->type);
		bct_out__uint(out, c->count);
		err = bct_out__end(out);
	}
	return err;
}

static bool bpf_stats_enabled(void)
{
	char *buf;
	bool on;

	if (read_at(AT_FDCWD, "/proc/sys/kernel/bpf_stats_enabled", 16, &buf))
		return false;
	on = buf[0] == '1';
	free(buf);
	return on;
}

int cmd_bpflist(int argc, char **argv)
{
	struct bct_out *probes = NULL, *counts = NULL, *objs = NULL;
	struct bct_out_opts oo = { .file = stdout };
	struct scan s = { 0 };
	size_t i, max_type = 0;
	int err;

	err = bct_tool_parse(&args, &env.kit, argc, argv);
	if (err)
		return err;
	if (env.verbosity >= 3)
		env.stats_enabled = bpf_stats_enabled();

	/* the first table on stdout sets its buffering: before anything is written */
	oo.json = env.kit.common.json;
	oo.cols = probe_cols;
	probes = bct_out__new(&oo);
	if (!probes) {
		err = -errno;
		goto cleanup;
	}
	/* BCC's order: probes first, so a PID's probe rows come before its fd rows */
	if (env.verbosity > 0) {
		const char *tracefs = bct_tracefs_dir();

		if (!tracefs)
			probe_error(&s, "find tracefs for", "kprobe_events", errno);
		err = scan_probes(&s, probes, tracefs, "kprobe");
		if (!err)
			err = scan_probes(&s, probes, tracefs, "uprobe");
	}
	if (!err)
		err = scan_processes(&s);
	if (!err)
		err = fill_comms(&s);
	if (err)
		goto cleanup;

	if (s.ncounts > 1)
		qsort(s.counts, s.ncounts, sizeof(*s.counts), cmp_count);
	if (s.nobjs > 1)
		qsort(s.objs, s.nobjs, sizeof(*s.objs), cmp_object);
	for (i = 0; i < s.ncounts; i++)
		if (strlen(s.counts[i].type) > max_type)
			max_type = strlen(s.counts[i].type);
	/* BCC: the TYPE column is one wider than the longest type (width 1 when there is none) */
	count_cols[2].width = object_cols[2].width = (int)max_type + 1;
	oo.cols = count_cols;
	counts = bct_out__new(&oo);
	oo.cols = object_cols;
	objs = bct_out__new(&oo);
	if (!counts || !objs) {
		err = -ENOMEM;
		goto cleanup;
	}
	err = print_counts(counts, &s);
	if (!err && env.verbosity >= 3)
		err = print_objects(objs, &s);
	if (!err)
		err = bct_out__flush(objs);

cleanup:
	if (err == -ENOMEM)
		pr_err("cannot allocate memory");
	bct_out__free(probes);
	bct_out__free(counts);
	bct_out__free(objs);
	for (i = 0; i < s.nobjs; i++)
		free(s.objs[i].info);
	free(s.objs);
	free(s.counts);
	free(s.comms);
	if (err == -EPIPE) /* the reader is gone: a clean stop */
		return 0;
	return err || s.failed ? 1 : 0;
}
