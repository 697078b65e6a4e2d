// SPDX-License-Identifier: Apache-2.0
/* Probe specifications of the generic tools, and their attach targets: see probespec.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <bpf/libbpf.h>

#include "elfsym.h"
#include "log.h"
#include "probespec.h"
#include "prog.h"
#include "signals.h"
#include "tracefs.h"
#include "usdt.h"

struct bct_pattern {
	regex_t re;
	bool exact;
	char *text;
};

int bct_probespec_parse(const char *text, unsigned flags, struct bct_probespec *spec)
{
	const char *parts[5];
	size_t lens[5];
	int n = 0, max;
	const char *s = text, *c;

	memset(spec, 0, sizeof(*spec));
	for (;;) {
		c = strchr(s, ':');
		if (n == 5)
			return -E2BIG;
		parts[n] = s;
		lens[n] = c ? (size_t)(c - s) : strlen(s);
		n++;
		if (!c)
			break;
		s = c + 1;
	}
	spec->nparts = n > 4 ? 4 : n;
	spec->type = 'p';
	if (n >= 3) {
		spec->typed = true;
		spec->type = lens[0] ? parts[0][0] : '\0';
		if (lens[0] != 1)
			return -EINVAL;
	}
	max = spec->type == 'u' && (flags & BCT_PS_USDT_PROVIDER) ? 4 : 3;
	if (n > max)
		return -E2BIG;
	if (n == 1) {
		if (lens[0] >= sizeof(spec->pattern))
			return -ENAMETOOLONG;
		memcpy(spec->pattern, parts[0], lens[0]);
		return 0;
	}
	if (n == 2) {
		if (lens[0] >= sizeof(spec->lib) || lens[1] >= sizeof(spec->pattern))
			return -ENAMETOOLONG;
		memcpy(spec->lib, parts[0], lens[0]);
		memcpy(spec->pattern, parts[1], lens[1]);
		return 0;
	}
	if (spec->type == 't') {
		/* the pattern covers "CAT:EV" */
		if (lens[1] + 1 + lens[2] >= sizeof(spec->pattern))
			return -ENAMETOOLONG;
		snprintf(spec->pattern, sizeof(spec->pattern), "%.*s:%.*s", (int)lens[1], parts[1],
			 (int)lens[2], parts[2]);
		return 0;
	}
	if (lens[1] >= sizeof(spec->lib) || lens[n - 1] >= sizeof(spec->pattern) ||
	    (n == 4 && lens[2] >= sizeof(spec->provider)))
		return -ENAMETOOLONG;
	memcpy(spec->lib, parts[1], lens[1]);
	if (n == 4)
		memcpy(spec->provider, parts[2], lens[2]);
	memcpy(spec->pattern, parts[n - 1], lens[n - 1]);
	return 0;
}

bool bct_probespec_is_kernel(const struct bct_probespec *spec)
{
	return (spec->type == 'p' || spec->type == 'r') && !spec->lib[0];
}

int bct_pattern_compile(const char *pattern, unsigned flags, struct bct_pattern **pp, char *regex,
			size_t regex_sz)
{
	struct bct_pattern *p = calloc(1, sizeof(*p));
	size_t len = strlen(pattern), o = 0;
	char *text, *anchored;
	const char *c;
	int err = 0;

	text = malloc(2 * len + 3);
	anchored = malloc(2 * len + 8);
	if (!p || !text || !anchored) {
		err = -ENOMEM;
		goto fail;
	}
	if (flags & BCT_PS_EXACT) {
		p->exact = true;
		snprintf(text, 2 * len + 3, "%s", pattern);
	} else if (flags & BCT_PS_REGEX) {
		snprintf(text, 2 * len + 3, "%s", pattern);
		snprintf(anchored, 2 * len + 8, "^(%s)", pattern);
	} else {
		/* BCC's glob: '*' becomes ".*", the whole anchored */
		text[o++] = '^';
		for (c = pattern; *c; c++) {
			if (*c == '*')
				text[o++] = '.';
			text[o++] = *c;
		}
		text[o++] = '$';
		text[o] = '\0';
		snprintf(anchored, 2 * len + 8, "%s", text);
	}
	if (!p->exact && regcomp(&p->re, anchored, REG_EXTENDED | REG_NOSUB)) {
		err = -EINVAL;
		goto fail;
	}
	if (regex)
		snprintf(regex, regex_sz, "%s", text);
	p->text = text;
	free(anchored);
	*pp = p;
	return 0;
fail:
	if (regex)
		snprintf(regex, regex_sz, "%s", text ? text : "");
	free(text);
	free(anchored);
	free(p);
	return err;
}

bool bct_pattern_match(const struct bct_pattern *p, const char *name)
{
	if (p->exact)
		return !strcmp(p->text, name);
	return !regexec(&p->re, name, 0, NULL, 0);
}

void bct_pattern_free(struct bct_pattern *p)
{
	if (!p)
		return;
	if (!p->exact)
		regfree(&p->re);
	free(p->text);
	free(p);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every tracepoint, or those of one category (cat: its literal name). */
static int for_each_tracepoint(const char *cat, int (*fn)(const char *name, void *ctx), void *ctx)
{
	char dir[PATH_MAX], sub[PATH_MAX + 256], name[512];
	struct dirent *c, *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	DIR *d, *d2;
	int err;

	err = bct_tracefs_path(dir, sizeof(dir), "events");
	if (err)
		return err;
	d = opendir(dir);
	if (!d)
		return -errno;
	while (!err && (c = readdir(d))) {
		if (c->d_name[0] == '.' || c->d_type != DT_DIR)
			continue;
		/* each category listed costs the kernel its eventfs entries: ~0.1 ms */
		if (cat && strcmp(cat, c->d_name))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, c->d_name);
		d2 = opendir(sub);
		if (!d2)
			continue;
		while ((e = readdir(d2))) {
			if (e->d_name[0] == '.' || e->d_type != DT_DIR)
				continue;
			if (n == cap) {
				char **nn = realloc(names,
						    (cap = cap ? cap * 2 : 1024) * sizeof(*names));
				if (!nn) {
					err = -ENOMEM;
					break;
				}
				names = nn;
			}
			snprintf(name, sizeof(name), "%s:%s", c->d_name, e->d_name);
			names[n] = strdup(name);
			if (!names[n]) {
				err = -ENOMEM;
				break;
			}
			n++;
		}
		closedir(d2);
	}
	closedir(d);
	if (!err && n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		if (!err)
			err = fn(names[i], ctx);
		free(names[i]);
	}
	free(names);
	return err;
}

int bct_for_each_tracepoint(int (*fn)(const char *name, void *ctx), void *ctx)
{
	return for_each_tracepoint(NULL, fn, ctx);
}

/*
 * The category a glob or exact "CAT:EVENT" pattern names literally (letters, digits, '_' and
 * '-': nothing a glob or the regex made of it treats specially), or NULL.
 */
static char *literal_category(const char *pattern, unsigned flags)
{
	size_t n = strcspn(pattern, ":"), i;

	if ((flags & BCT_PS_REGEX) || !pattern[n] || !n)
		return NULL;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)pattern[i]) && pattern[i] != '_' && pattern[i] != '-')
			return NULL;
	return strndup(pattern, n);
}

/* "/libNAME." or "/libNAME-" in a file mapped by pid. */
static int find_mapped_lib(const char *lib, pid_t pid, char *buf, size_t sz)
{
	char maps[64], line[PATH_MAX + 256], k1[300], k2[300];
	int err = -ENOENT;
	FILE *f;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)pid);
	snprintf(k1, sizeof(k1), "/lib%s.", lib);
	snprintf(k2, sizeof(k2), "/lib%s-", lib);
	f = fopen(maps, "re");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');

		if (!path)
			continue;
		path[strcspn(path, "\n")] = '\0';
		if (strstr(path, k1) || strstr(path, k2)) {
			snprintf(buf, sz, "%s", path);
			err = 0;
			break;
		}
	}
	fclose(f);
	return err;
}

int bct_probespec_find_lib(const char *lib, pid_t pid, char *buf, size_t sz)
{
	const char *path = getenv("PATH");
	char cand[PATH_MAX];

	if (!lib[0])
		return -ENOENT;
	if (strchr(lib, '/')) {
		if (access(lib, F_OK))
			return -ENOENT;
		snprintf(buf, sz, "%s", lib);
		return 0;
	}
	if (pid > 0 && !find_mapped_lib(lib, pid, buf, sz))
		return 0;
	if (!bct_elf_lib_path(lib, buf, sz))
		return 0;
	while (path && *path) {
		size_t len = strcspn(path, ":");

		snprintf(cand, sizeof(cand), "%.*s/%s", (int)len, path, lib);
		if (len && !access(cand, X_OK)) {
			snprintf(buf, sz, "%s", cand);
			return 0;
		}
		path += len + (path[len] == ':');
	}
	return -ENOENT;
}

struct resolve {
	struct bct_targets *out;
	struct bct_pattern *pat;
	size_t cap;
	bool ret;
};

static struct bct_target *add_target(struct resolve *r, enum bct_target_kind kind, const char *name)
{
	struct bct_targets *o = r->out;
	struct bct_target *t;

	if (o->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;

		t = realloc(o->t, cap * sizeof(*t));
		if (!t)
			return NULL;
		o->t = t;
		r->cap = cap;
	}
	t = &o->t[o->n];
	memset(t, 0, sizeof(*t));
	t->name = strdup(name);
	if (!t->name)
		return NULL;
	o->n++;
	t->kind = kind;
	t->ret = r->ret;
	t->path = kind == BCT_TARGET_TRACEPOINT ? NULL : o->path;
	return t;
}

static int add_tracepoint(const char *name, void *ctx)
{
	struct resolve *r = ctx;
	struct bct_target *t;
	const char *colon = strchr(name, ':');

	if (!colon || !bct_pattern_match(r->pat, name))
		return 0;
	t = add_target(r, BCT_TARGET_TRACEPOINT, name);
	if (!t)
		return -ENOMEM;
	t->category = strndup(name, (size_t)(colon - name));
	t->event = strdup(colon + 1);
	if (!t->category || !t->event)
		return -ENOMEM;
	t->slot = r->out->nslots++;
	return 0;
}

static int add_func(const char *name, uint64_t off, void *ctx)
{
	struct resolve *r = ctx;
	struct bct_target *t;
	size_t i;

	if (!bct_pattern_match(r->pat, name))
		return 0;
	/* one probe per address, and per name */
	for (i = 0; i < r->out->n; i++)
		if (r->out->t[i].off == off || !strcmp(r->out->t[i].name, name))
			return 0;
	t = add_target(r, BCT_TARGET_UPROBE, name);
	if (!t)
		return -ENOMEM;
	t->off = off;
	t->slot = r->out->nslots++;
	return 0;
}

static int add_usdt(struct resolve *r, const char *provider)
{
	struct bct_targets *o = r->out;
	struct bct_usdt_probe *probes = NULL;
	struct bct_target *t;
	size_t n = 0, i, j;
	int err;

	err = bct_usdt_read(o->path, &probes, &n);
	if (err)
		return err;
	for (i = 0; i < n && !err; i++) {
		uint32_t slot = o->nslots;

		if (!bct_pattern_match(r->pat, probes[i].name))
			continue;
		if (provider[0] && strcmp(provider, probes[i].provider))
			continue;
		for (j = 0; j < o->n; j++)
			if (!strcmp(o->t[j].name, probes[i].name) &&
			    !strcmp(o->t[j].provider, probes[i].provider))
				slot = o->t[j].slot;
		t = add_target(r, BCT_TARGET_USDT, probes[i].name);
		if (!t || !(t->provider = strdup(probes[i].provider))) {
			err = -ENOMEM;
			break;
		}
		if (slot == o->nslots)
			o->nslots++;
		t->slot = slot;
		t->off = probes[i].offset;
		t->ref_ctr = probes[i].sema_offset;
	}
	bct_usdt_free(probes, n);
	return err;
}

int bct_probespec_resolve(const struct bct_probespec *spec, unsigned flags, pid_t pid,
			  struct bct_targets *out)
{
	struct resolve r = { .out = out, .ret = spec->type == 'r' };
	int err;

	memset(out, 0, sizeof(*out));
	if (spec->type != 'p' && spec->type != 'r' && spec->type != 't' && spec->type != 'u')
		return -EINVAL;
	err = bct_pattern_compile(spec->pattern, flags, &r.pat, out->regex, sizeof(out->regex));
	if (err)
		return err;
	if (spec->type == 't') {
		char *cat = literal_category(spec->pattern, flags);

		err = for_each_tracepoint(cat, add_tracepoint, &r);
		free(cat);
	} else if (bct_probespec_is_kernel(spec)) {
		err = -EOPNOTSUPP;
	} else {
		err = bct_probespec_find_lib(spec->lib, pid, out->path, sizeof(out->path));
		if (err)
			out->path[0] = '\0';
		else if (spec->type == 'u')
			err = add_usdt(&r, spec->provider);
		else
			err = bct_elf_for_each_func(out->path, add_func, &r);
	}
	bct_pattern_free(r.pat);
	return err;
}

static void ahead_free(const struct bct_targets *m);

void bct_targets_free(struct bct_targets *out)
{
	size_t i;

	ahead_free(out);
	for (i = 0; i < out->n; i++) {
		free(out->t[i].name);
		free(out->t[i].provider);
		free(out->t[i].category);
		free(out->t[i].event);
	}
	free(out->t);
	out->t = NULL;
	out->n = 0;
	out->nslots = 0;
}

struct hint {
	struct bct_pattern *pat;
	char *buf;
	size_t sz;
	bool found;
};

static int find_hint(const char *name, void *ctx)
{
	struct hint *h = ctx;
	const char *ev = strchr(name, ':');

	if (h->found || !ev || !bct_pattern_match(h->pat, ev + 1))
		return 0;
	snprintf(h->buf, h->sz, "%s", name);
	h->found = true;
	return 1;
}

int bct_probespec_kernel_hint(const struct bct_probespec *spec, unsigned flags, char *buf,
			      size_t sz)
{
	struct hint h = { .buf = buf, .sz = sz };
	int err;

	err = bct_pattern_compile(spec->pattern, flags, &h.pat, NULL, 0);
	if (err)
		return err;
	err = bct_for_each_tracepoint(find_hint, &h);
	bct_pattern_free(h.pat);
	if (err < 0)
		return err;
	return h.found ? 0 : -ENOENT;
}

/*
 * Perf events of tracepoint targets opened ahead by a thread while the program compiles and
 * loads (a cache miss of funccount on 360 syscalls: ~0.2 ms each, most of the attach time).
 * Opened enabled, as libbpf opens them: its PERF_EVENT_IOC_ENABLE after the attach is then a
 * no-op, where on a disabled event it costs an IPI to the event's CPU. Until the attach an
 * event only counts (no buffer, no program): nothing is traced earlier than before.
 */
static struct {
	pthread_t thread;
	bool running;
	const struct bct_targets *m;
	int *pfd; /* per target of m: -1 when not opened */
} ahead;

/* The tracepoint's id from tracefs (as libbpf reads it), or -errno. */
static int tracepoint_id(const char *cat, const char *ev)
{
	char path[PATH_MAX], rel[512], buf[32];
	ssize_t n;
	int fd;

	snprintf(rel, sizeof(rel), "events/%s/%s/id", cat, ev);
	if (bct_tracefs_path(path, sizeof(path), rel))
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	return atoi(buf);
}

static void *open_ahead(void *arg)
{
	const struct bct_targets *m = arg;
	size_t i;

	for (i = 0; i < m->n && !bct_exiting; i++) {
		const struct bct_target *t = &m->t[i];
		struct perf_event_attr a = {
			.type = PERF_TYPE_TRACEPOINT,
			.size = sizeof(a),
		};
		int id;

		if (t->kind != BCT_TARGET_TRACEPOINT)
			continue;
		id = tracepoint_id(t->category, t->event);
		if (id <= 0)
			continue;
		a.config = (uint64_t)id;
		ahead.pfd[i] =
			(int)syscall(__NR_perf_event_open, &a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	}
	return NULL;
}

void bct_targets_open_ahead(const struct bct_targets *m)
{
	size_t i;

	if (ahead.m || m->n < 2)
		return;
	ahead.pfd = malloc(m->n * sizeof(*ahead.pfd));
	if (!ahead.pfd)
		return;
	for (i = 0; i < m->n; i++)
		ahead.pfd[i] = -1;
	ahead.m = m;
	ahead.running = !pthread_create(&ahead.thread, NULL, open_ahead, (void *)m);
	if (!ahead.running) {
		free(ahead.pfd);
		ahead.pfd = NULL;
		ahead.m = NULL;
	}
}

static void ahead_join(void)
{
	if (ahead.running)
		pthread_join(ahead.thread, NULL);
	ahead.running = false;
}

/* Takes the perf event opened ahead for t, or -1. */
static int ahead_take(const struct bct_target *t)
{
	size_t i;
	int fd;

	ahead_join();
	if (!ahead.m || t < ahead.m->t || t >= ahead.m->t + ahead.m->n)
		return -1;
	i = (size_t)(t - ahead.m->t);
	fd = ahead.pfd[i];
	ahead.pfd[i] = -1;
	return fd;
}

static void ahead_free(const struct bct_targets *m)
{
	size_t i;

	if (!ahead.m || ahead.m != m)
		return;
	ahead_join();
	for (i = 0; i < m->n; i++)
		if (ahead.pfd[i] >= 0)
			close(ahead.pfd[i]);
	free(ahead.pfd);
	ahead.pfd = NULL;
	ahead.m = NULL;
}

int bct_target_attach(struct bct_prog *p, struct bpf_program *prog, const struct bct_target *t,
		      bool ret, pid_t pid, uint64_t cookie)
{
	struct bpf_link *link = NULL;
	int err, pfd;

	if (t->kind == BCT_TARGET_TRACEPOINT) {
		LIBBPF_OPTS(bpf_tracepoint_opts, o, .bpf_cookie = cookie);

		pfd = ahead_take(t);
		if (pfd >= 0) {
			LIBBPF_OPTS(bpf_perf_event_opts, pe, .bpf_cookie = cookie);

			/* the link owns pfd from now on; on failure, as without it */
			link = bpf_program__attach_perf_event_opts(prog, pfd, &pe);
			if (!link)
				close(pfd);
		}
		if (!link)
			link = bpf_program__attach_tracepoint_opts(prog, t->category, t->event, &o);
	} else {
		LIBBPF_OPTS(bpf_uprobe_opts, o, .bpf_cookie = cookie, .retprobe = ret,
			    .ref_ctr_offset = (size_t)t->ref_ctr);

		link = bpf_program__attach_uprobe_opts(prog, pid > 0 ? pid : -1, t->path,
						       (size_t)t->off, &o);
	}
	if (!link) {
		err = -errno;
		pr_err("cannot attach to %s%s%s: %s", t->path ? t->path : "", t->path ? ":" : "",
		       t->name, strerror(-err));
		return err;
	}
	err = bct_prog__add_link(p, link);
	if (err)
		bpf_link__destroy(link);
	return err;
}
