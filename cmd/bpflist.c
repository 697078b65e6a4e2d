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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bct.h"
#include "cmd.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

#define COMM_LEN 64
#define TYPE_LEN 32

static struct bpflist_env {
	struct bct_common common;
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

static const struct argp_option options[] = {
	{ "verbosity", 'v', NULL, 0,
	  "count and display kprobes/uprobes as well (-vv prints their definitions, -vvv lists "
	  "every BPF object)",
	  0 },
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

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_INIT:
		bct_common_init(state, &env.common);
		break;
	case 'v':
		env.verbosity++;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unrecognized arguments: %s", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_child children[] = { { &bct_common_argp, 0, NULL, 0 }, { 0 } };
static const struct argp argp = {
	.options = options,
	.parser = parse_arg,
	.doc = doc,
	.children = children,
};

static void *grow(void *arr, size_t *cap, size_t n, size_t elem)
{
	void *p;

	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 16;
	p = realloc(arr, *cap * elem);
	if (!p) {
		pr_err("cannot allocate memory");
		exit(1);
	}
	return p;
}

static void add_count(struct scan *s, pid_t pid, const char *type, unsigned long n)
{
	struct count *c;
	size_t i;

	for (i = 0; i < s->ncounts; i++) {
		c = &s->counts[i];
		if (c->pid == pid && !strcmp(c->type, type)) {
			c->count += n;
			return;
		}
	}
	s->counts = grow(s->counts, &s->counts_cap, s->ncounts, sizeof(*s->counts));
	c = &s->counts[s->ncounts++];
	c->pid = pid;
	c->seq = s->seq++;
	snprintf(c->type, sizeof(c->type), "%s", type);
	c->count = n;
}

static void set_comm(struct scan *s, pid_t pid, const char *comm)
{
	struct comm *c;

	s->comms = grow(s->comms, &s->comms_cap, s->ncomms, sizeof(*s->comms));
	c = &s->comms[s->ncomms++];
	c->pid = pid;
	snprintf(c->comm, sizeof(c->comm), "%s", comm);
}

/* Reads a small file relative to dirfd into buf, NUL-terminated; -errno on failure. */
static ssize_t read_at(int dirfd, const char *path, char *buf, size_t sz)
{
	ssize_t n, total = 0;
	int fd, err;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)total < sz - 1) {
		n = read(fd, buf + total, sz - 1 - total);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			close(fd);
			return err;
		}
		if (n == 0)
			break;
		total += n;
	}
	buf[total] = '\0';
	close(fd);
	return total;
}

/* BCC reads /proc/PID/comm and strips surrounding whitespace; "[unknown]" when it cannot. */
static void read_comm(int dirfd, char *comm, size_t sz)
{
	char buf[COMM_LEN];
	char *start = buf, *end;

	if (read_at(dirfd, "comm", buf, sizeof(buf)) < 0) {
		snprintf(comm, sz, "[unknown]");
		return;
	}
	while (*start && isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		*--end = '\0';
	snprintf(comm, sz, "%s", start);
}

static const char *comm_of(struct scan *s, pid_t pid)
{
	size_t i;

	for (i = 0; i < s->ncomms; i++)
		if (s->comms[i].pid == pid)
			return s->comms[i].comm;
	return NULL;
}

/*
 * The type an fd's link target names: BCC counts every "anon_inode:bpf-<word>" (prog, map,
 * and token on newer kernels) by its word; we also count "anon_inode:bpf_link" as "link".
 */
static bool fd_type(const char *target, char *type, size_t sz)
{
	static const char prefix[] = "anon_inode:bpf-";
	const char *p;
	size_t n = 0;

	if (!strcmp(target, "anon_inode:bpf_link")) {
		snprintf(type, sz, "link");
		return true;
	}
	if (strncmp(target, prefix, sizeof(prefix) - 1))
		return false;
	p = target + sizeof(prefix) - 1;
	while (p[n] && (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '-'))
		n++;
	if (!n || n >= sz)
		return false;
	memcpy(type, p, n);
	type[n] = '\0';
	return true;
}

/* The value of "key:\tvalue" in fdinfo text, copied into buf; false when absent. */
static bool info_get(const char *info, const char *key, char *buf, size_t sz)
{
	size_t klen = strlen(key);
	const char *line = info;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len > klen && !strncmp(line, key, klen) && line[klen] == ':') {
			const char *v = line + klen + 1;
			size_t vlen;

			while (v < line + len && (*v == '\t' || *v == ' '))
				v++;
			vlen = line + len - v;
			if (vlen >= sz)
				vlen = sz - 1;
			memcpy(buf, v, vlen);
			buf[vlen] = '\0';
			return true;
		}
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

static bool info_u64(const char *info, const char *key, uint64_t *out)
{
	char buf[32], *end;

	if (!info_get(info, key, buf, sizeof(buf)))
		return false;
	errno = 0;
	*out = strtoull(buf, &end, 10);
	return !errno && end != buf && *end == '\0';
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
static void add_object(struct scan *s, pid_t pid, int dirfd, int pidfd, int fd, const char *type)
{
	char path[64], buf[4096];
	const char *key = id_key(type);
	struct object *o;
	uint64_t id;

	snprintf(path, sizeof(path), "fdinfo/%d", fd);
	if (read_at(dirfd, path, buf, sizeof(buf)) < 0)
		return;
	if (key && !info_u64(buf, key, &id))
		return;
	s->objs = grow(s->objs, &s->objs_cap, s->nobjs, sizeof(*s->objs));
	o = &s->objs[s->nobjs];
	memset(o, 0, sizeof(*o));
	o->pid = pid;
	o->fd = fd;
	snprintf(o->type, sizeof(o->type), "%s", type);
	o->info = strdup(buf);
	if (!o->info)
		return;
	s->nobjs++;
	if (key)
		read_name(pidfd, o, id);
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
 * (its directory no longer answers) is dropped whole.
 */
static void scan_process(struct scan *s, pid_t pid)
{
	struct fdent *ents = NULL;
	size_t nents = 0, cap = 0, i;
	char path[32], target[128], comm[COMM_LEN], stat[512];
	int dirfd, fddir, pidfd = -1;
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return;
	fddir = openat(dirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fddir < 0)
		goto out_close_dir;
	dir = fdopendir(fddir);
	if (!dir) {
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
		ents = grow(ents, &cap, nents, sizeof(*ents));
		if (!fd_type(target, ents[nents].type, sizeof(ents[nents].type)))
			continue;
		ents[nents++].fd = (int)fd;
	}
	closedir(dir);
	if (!nents)
		goto out_close_dir;
	qsort(ents, nents, sizeof(*ents), cmp_fdent);
	read_comm(dirfd, comm, sizeof(comm));
	if (env.verbosity >= 3) {
		pidfd = syscall(SYS_pidfd_open, pid, 0);
		/* the PID could have been reused before pidfd_open: the directory must still answer */
		if (pidfd >= 0 && read_at(dirfd, "stat", stat, sizeof(stat)) < 0) {
			close(pidfd);
			pidfd = -1;
		}
		for (i = 0; i < nents; i++)
			add_object(s, pid, dirfd, pidfd, ents[i].fd, ents[i].type);
	}
	/* gone meanwhile: its counts would describe a process that no longer exists */
	if (read_at(dirfd, "stat", stat, sizeof(stat)) < 0) {
		while (s->nobjs && s->objs[s->nobjs - 1].pid == pid)
			free(s->objs[--s->nobjs].info);
		goto out_close_pidfd;
	}
	for (i = 0; i < nents; i++)
		add_count(s, pid, ents[i].type, 1);
	set_comm(s, pid, comm);
out_close_pidfd:
	if (pidfd >= 0)
		close(pidfd);
out_close_dir:
	free(ents);
	close(dirfd);
}

static void scan_processes(struct scan *s)
{
	struct dirent *de;
	DIR *proc;

	proc = opendir("/proc");
	if (!proc) {
		pr_err("cannot open '/proc': %s", strerror(errno));
		s->failed = true;
		return;
	}
	while ((de = readdir(proc))) {
		char *end;
		long pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0 || pid > INT_MAX)
			continue;
		scan_process(s, (pid_t)pid);
	}
	closedir(proc);
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

static void print_probe_line(const char *kind, const char *line)
{
	const char *start = line, *end = line + strlen(line);

	while (*start && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	if (env.common.json) {
		struct bct_json j;

		bct_json_begin(&j, stdout);
		bct_json_str(&j, "probe_type", kind);
		bct_json_strn(&j, "definition", start, end - start);
		bct_json_end(&j);
	} else {
		printf("%.*s\n", (int)(end - start), start);
	}
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

/* Counts (and with -vv prints) the probes in <tracefs>/<kind>_events; tracefs may be NULL. */
static void scan_probes(struct scan *s, const char *tracefs, const char *kind)
{
	char path[PATH_MAX];
	char *line = NULL;
	size_t cap = 0;
	FILE *f = NULL;

	if (env.verbosity > 1 && !env.common.json)
		printf("open %ss:\n", kind);
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
	while (f && getline(&line, &cap, f) > 0) {
		pid_t pid = bcc_marker_pid(line);

		if (!pid)
			pid = libbpf_marker_pid(line);
		if (pid > 0)
			add_count(s, pid, kind, 1);
		if (env.verbosity > 1)
			print_probe_line(kind, line);
	}
	if (f && ferror(f))
		probe_error(s, "read", path, errno);
	free(line);
	if (f)
		fclose(f);
	if (env.verbosity > 1 && !env.common.json)
		printf("\n");
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

/* Comms for PIDs seen only in probe names, read now like BCC does. */
static void fill_comms(struct scan *s)
{
	char path[32], comm[COMM_LEN];
	size_t i;
	int dirfd;

	for (i = 0; i < s->ncounts; i++) {
		pid_t pid = s->counts[i].pid;

		if (comm_of(s, pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
		dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0) {
			set_comm(s, pid, "[unknown]");
			continue;
		}
		read_comm(dirfd, comm, sizeof(comm));
		set_comm(s, pid, comm);
		close(dirfd);
	}
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

	if (!info_get(info, "link_type", v, sizeof(v))) {
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

/* Calls fn for every "key: value" of a link's fdinfo that says what it is attached to. */
static void for_each_attach_kv(const char *info,
			       void (*fn)(void *ctx, const char *k, const char *v), void *ctx)
{
	const char *line = info;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *colon = memchr(line, ':', len);
		char k[64], v[512];

		if (colon && (size_t)(colon - line) < sizeof(k)) {
			const char *val = colon + 1;
			size_t vlen;

			memcpy(k, line, colon - line);
			k[colon - line] = '\0';
			while (val < line + len && (*val == '\t' || *val == ' '))
				val++;
			vlen = line + len - val;
			if (vlen >= sizeof(v))
				vlen = sizeof(v) - 1;
			memcpy(v, val, vlen);
			v[vlen] = '\0';
			if (!common_info_key(k) && !(!strcmp(k, "cookie") && !strcmp(v, "0")))
				fn(ctx, k, v);
		}
		line = nl ? nl + 1 : NULL;
	}
}

static void print_attach_kv(void *ctx, const char *k, const char *v)
{
	FILE *out = ctx;

	if (!strcmp(k, "tp_name"))
		fprintf(out, " %s", v);
	else
		fprintf(out, " %s %s", k, v);
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

static void json_attach_kv(void *ctx, const char *k, const char *v)
{
	struct bct_json *j = ctx;

	if (is_number(v))
		bct_json_int(j, k, strtoll(v, NULL, 10));
	else
		bct_json_str(j, k, v);
}

/* One object: its details after the ID column in text, or as fields in JSON. */
static void print_object_details(const struct object *o, struct bct_json *j)
{
	char tname[TYPE_LEN], buf[64];
	uint64_t n, k, v, cnt, ns;
	const char *name;

	if (!strcmp(o->type, "prog") || !strcmp(o->type, "map")) {
		bool prog = !strcmp(o->type, "prog");

		if (!info_u64(o->info, prog ? "prog_type" : "map_type", &n))
			snprintf(tname, sizeof(tname), "unknown");
		else if ((name = type_name(o->type, n)))
			snprintf(tname, sizeof(tname), "%s", name);
		else
			snprintf(tname, sizeof(tname), "%" PRIu64, n);
		if (j)
			bct_json_str(j, prog ? "prog_type" : "map_type", tname);
		else
			printf(" %s", tname);
		if (o->name[0]) {
			if (j)
				bct_json_str(j, "name", o->name);
			else
				printf("  name %s", o->name);
		}
		if (prog) {
			if (info_get(o->info, "prog_tag", buf, sizeof(buf))) {
				if (j)
					bct_json_str(j, "tag", buf);
				else
					printf("  tag %s", buf);
			}
			if (env.stats_enabled && info_u64(o->info, "run_cnt", &cnt) &&
			    info_u64(o->info, "run_time_ns", &ns)) {
				if (j) {
					bct_json_uint(j, "run_cnt", cnt);
					bct_json_uint(j, "run_time_ns", ns);
				} else {
					printf("  run_cnt %" PRIu64 "  run_time_ns %" PRIu64, cnt,
					       ns);
				}
			}
			return;
		}
		if (info_u64(o->info, "key_size", &k) && info_u64(o->info, "value_size", &v) &&
		    info_u64(o->info, "max_entries", &n)) {
			if (j) {
				bct_json_uint(j, "key_size", k);
				bct_json_uint(j, "value_size", v);
				bct_json_uint(j, "max_entries", n);
			} else {
				printf("  key %" PRIu64 "B  value %" PRIu64
				       "B  max_entries %" PRIu64,
				       k, v, n);
			}
		}
		return;
	}
	if (!strcmp(o->type, "link")) {
		link_type_name(o->info, tname, sizeof(tname));
		if (j)
			bct_json_str(j, "link_type", tname);
		else
			printf(" %s", tname);
		if (info_u64(o->info, "prog_id", &n)) {
			if (j)
				bct_json_uint(j, "prog_id", n);
			else
				printf("  prog %" PRIu64, n);
		}
		if (j) {
			bct_json_obj_open(j, "attach");
			if (info_get(o->info, "event_type", buf, sizeof(buf)))
				bct_json_str(j, "event_type", buf);
			for_each_attach_kv(o->info, json_attach_kv, j);
			bct_json_obj_close(j);
		} else {
			printf(" ");
			if (info_get(o->info, "event_type", buf, sizeof(buf)))
				printf(" %s", buf);
			for_each_attach_kv(o->info, print_attach_kv, stdout);
		}
	}
}

static void print_objects(struct scan *s, int type_width)
{
	char idbuf[24];
	uint64_t id;
	size_t i;

	if (!env.common.json)
		printf("\n%-6s %-16s %-*s %-5s %-7s %s\n", "PID", "COMM", type_width, "TYPE", "FD",
		       "ID", "DETAILS");
	for (i = 0; i < s->nobjs && !ferror(stdout); i++) {
		const struct object *o = &s->objs[i];
		const char *comm = comm_of(s, o->pid);
		const char *key = id_key(o->type);
		bool have_id = key && info_u64(o->info, key, &id);

		if (!comm)
			comm = "[unknown]";
		if (env.common.json) {
			struct bct_json j;

			bct_json_begin(&j, stdout);
			bct_json_int(&j, "pid", o->pid);
			bct_json_str(&j, "comm", comm);
			bct_json_str(&j, "type", o->type);
			bct_json_int(&j, "fd", o->fd);
			if (have_id)
				bct_json_uint(&j, "id", id);
			print_object_details(o, &j);
			bct_json_end(&j);
			continue;
		}
		if (have_id)
			snprintf(idbuf, sizeof(idbuf), "%" PRIu64, id);
		else
			snprintf(idbuf, sizeof(idbuf), "-");
		printf("%-6d %-16s %-*s %-5d %-7s", (int)o->pid, comm, type_width, o->type, o->fd,
		       idbuf);
		print_object_details(o, NULL);
		printf("\n");
	}
}

static void print_counts(struct scan *s, int type_width)
{
	size_t i;

	if (!env.common.json)
		printf("%-6s %-16s %-*s %s\n", "PID", "COMM", type_width, "TYPE", "COUNT");
	for (i = 0; i < s->ncounts && !ferror(stdout); i++) {
		const struct count *c = &s->counts[i];
		const char *comm = comm_of(s, c->pid);

		if (!comm)
			comm = "[unknown]";
		if (env.common.json) {
			struct bct_json j;

			bct_json_begin(&j, stdout);
			bct_json_int(&j, "pid", c->pid);
			bct_json_str(&j, "comm", comm);
			bct_json_str(&j, "type", c->type);
			bct_json_uint(&j, "count", c->count);
			bct_json_end(&j);
		} else {
			printf("%-6d %-16s %-*s %lu\n", (int)c->pid, comm, type_width, c->type,
			       c->count);
		}
	}
}

static bool bpf_stats_enabled(void)
{
	char buf[16];

	return read_at(AT_FDCWD, "/proc/sys/kernel/bpf_stats_enabled", buf, sizeof(buf)) > 0 &&
	       buf[0] == '1';
}

int cmd_bpflist(int argc, char **argv)
{
	struct scan s = { 0 };
	size_t i, max_type = 0;
	int err;

	err = argp_parse(&argp, argc, argv, 0, NULL, &env);
	if (err)
		return 2;
	if (env.common.ebpf) {
		printf("bpflist: this tool has no BPF program\n");
		return 0;
	}
	if (env.verbosity >= 3)
		env.stats_enabled = bpf_stats_enabled();

	/* BCC's order: probes first, so a PID's probe rows come before its fd rows */
	if (env.verbosity > 0) {
		const char *tracefs = bct_tracefs_dir();

		if (!tracefs)
			probe_error(&s, "find tracefs for", "kprobe_events", errno);
		scan_probes(&s, tracefs, "kprobe");
		scan_probes(&s, tracefs, "uprobe");
	}
	scan_processes(&s);
	fill_comms(&s);

	qsort(s.counts, s.ncounts, sizeof(*s.counts), cmp_count);
	qsort(s.objs, s.nobjs, sizeof(*s.objs), cmp_object);
	for (i = 0; i < s.ncounts; i++)
		if (strlen(s.counts[i].type) > max_type)
			max_type = strlen(s.counts[i].type);
	/* BCC: the TYPE column is one wider than the longest type (width 1 when there is none) */
	print_counts(&s, (int)max_type + 1);
	if (env.verbosity >= 3)
		print_objects(&s, (int)max_type + 1);

	for (i = 0; i < s.nobjs; i++)
		free(s.objs[i].info);
	free(s.objs);
	free(s.counts);
	free(s.comms);
	return s.failed ? 1 : 0;
}
