// SPDX-License-Identifier: Apache-2.0
/*
 * Stack symbolization and output (lib/stack.h). Kernel symbols: the text symbols of kallsyms
 * in one array sorted by address, found by binary search. User symbols: one libdwfl session
 * per process, made on first use from /proc/PID/maps and kept; a process that is gone (or
 * whose maps cannot be read) is remembered as such and its frames print as "[unknown]".
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <argp.h>
#include <time.h>
#include <unistd.h>

#include "flame.h"
#include "json.h"
#include "log.h"
#include "dwload.h"
#include "modsyms.h"
#include "signals.h"
#include "stack.h"
#include "util.h"

#define UNKNOWN "[unknown]"

/* --- kernel symbols ----------------------------------------------------------------------- */

struct bct_ksyms {
	struct bct_ksym *syms;
	size_t n;
	char *names; /* every name, NUL-separated */
};

static int cmp_ksym(const void *a, const void *b)
{
	const struct bct_ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* same address: keep the file's order (names are stored in it) */
	return x->name < y->name ? -1 : x->name > y->name;
}

/* Whether a kallsyms type letter is a data symbol (BCC leaves those out). */
static bool data_type(char t)
{
	return strchr("bBdDrR", t) != NULL;
}

struct bct_ksyms *bct_ksyms_load(const char *path)
{
	struct bct_ksyms *k = calloc(1, sizeof(*k));
	size_t cap = 0, ncap = 0, nlen = 0, len;
	char line[512], *end, *name;
	uint64_t addr;
	FILE *f = NULL;
	int err = ENOMEM;

	if (!k)
		goto fail;
	f = fopen(path ? path : "/proc/kallsyms", "re");
	if (!f) {
		err = errno;
		goto fail;
	}
	while (fgets(line, sizeof(line), f)) {
		errno = 0;
		addr = strtoull(line, &end, 16);
		if (end == line || errno || addr == 0 || *end != ' ' || !end[1] || end[2] != ' ')
			continue;
		if (data_type(end[1]))
			continue;
		name = end + 3;
		len = strcspn(name, " \t\n");
		if (!len)
			continue;
		if (bct_grow((void **)&k->syms, &cap, k->n + 1, sizeof(*k->syms)) ||
		    bct_grow((void **)&k->names, &ncap, nlen + len + 1, 1))
			goto fail;
		memcpy(k->names + nlen, name, len);
		k->names[nlen + len] = '\0';
		k->syms[k->n].addr = addr;
		k->syms[k->n].name = (const char *)(uintptr_t)nlen; /* an offset until done */
		k->n++;
		nlen += len + 1;
	}
	if (ferror(f)) {
		err = EIO;
		goto fail;
	}
	fclose(f);
	for (size_t i = 0; i < k->n; i++)
		k->syms[i].name = k->names + (uintptr_t)k->syms[i].name;
	if (k->n > 1)
		qsort(k->syms, k->n, sizeof(*k->syms), cmp_ksym);
	return k;
fail:
	if (f)
		fclose(f);
	bct_ksyms_free(k);
	errno = err;
	return NULL;
}

const struct bct_ksym *bct_ksyms_find(const struct bct_ksyms *k, uint64_t addr)
{
	size_t lo = 0, hi, mid;

	if (!k || !k->n || addr < k->syms[0].addr)
		return NULL;
	hi = k->n; /* the answer is in [lo, hi) */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (k->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* of several names at one address, the first */
	while (lo > 0 && k->syms[lo - 1].addr == k->syms[lo].addr)
		lo--;
	return &k->syms[lo];
}

const char *bct_ksyms_name(const struct bct_ksyms *k, uint64_t addr, bool offset, char *buf,
			   size_t sz)
{
	const struct bct_ksym *s = bct_ksyms_find(k, addr);

	if (!s)
		snprintf(buf, sz, UNKNOWN);
	else if (offset)
		snprintf(buf, sz, "%s+0x%" PRIx64, s->name, addr - s->addr);
	else
		snprintf(buf, sz, "%s", s->name);
	return buf;
}

size_t bct_ksyms_count(const struct bct_ksyms *k)
{
	return k ? k->n : 0;
}

void bct_ksyms_free(struct bct_ksyms *k)
{
	if (!k)
		return;
	free(k->syms);
	free(k->names);
	free(k);
}

/* --- user symbols ------------------------------------------------------------------------- */

struct proc_syms {
	pid_t pid;
	Dwfl *dwfl; /* NULL: the process is gone or unreadable */
};

struct bct_usyms {
	struct proc_syms *procs;
	size_t n, cap;
};

static char *debuginfo_path;

/* libdw's own callbacks: set once libdw is loaded (lib/dwload.h) */
static Dwfl_Callbacks proc_callbacks = {
	.debuginfo_path = &debuginfo_path,
};

struct bct_usyms *bct_usyms_new(void)
{
	return calloc(1, sizeof(struct bct_usyms));
}

static void end_dwfl(Dwfl *d)
{
	bct_modsyms_release(d);
	bct_dw.dwfl_end(d);
}

static Dwfl *proc_dwfl(struct bct_usyms *u, pid_t pid)
{
	struct proc_syms *p;
	Dwfl *d;
	size_t i;

	for (i = 0; i < u->n; i++)
		if (u->procs[i].pid == pid)
			return u->procs[i].dwfl;
	if (bct_grow((void **)&u->procs, &u->cap, u->n + 1, sizeof(*u->procs)))
		return NULL; /* not cached: tried again next time */
	d = NULL;
	if (!bct_dw_load()) {
		proc_callbacks.find_elf = bct_dw.dwfl_linux_proc_find_elf;
		proc_callbacks.find_debuginfo = bct_dw.dwfl_standard_find_debuginfo;
		d = bct_dw.dwfl_begin(&proc_callbacks);
	}
	if (d) {
		bct_dw.dwfl_report_begin(d);
		if (bct_dw.dwfl_linux_proc_report(d, pid) != 0 ||
		    bct_dw.dwfl_report_end(d, NULL, NULL) != 0) {
			pr_debug("stack: no symbols for process %d: %s", (int)pid,
				 bct_dw.dwfl_errmsg(-1));
			end_dwfl(d);
			d = NULL;
		}
	}
	p = &u->procs[u->n++];
	p->pid = pid;
	p->dwfl = d;
	return d;
}

/* The function of addr in m, by the module's sorted table, else libdwfl's own search. */
static const char *module_sym(Dwfl_Module *m, uint64_t addr, uint64_t *off)
{
	const char *name = bct_modsyms_name(m, addr, off);
	GElf_Off o = 0;
	GElf_Sym sym;

	if (name)
		return name;
	name = bct_dw.dwfl_module_addrinfo(m, addr, &o, &sym, NULL, NULL, NULL);
	*off = o;
	return name;
}

/* The function of addr in process pid, without offset: a name libdwfl keeps, or NULL. */
static const char *usym(struct bct_usyms *u, pid_t pid, uint64_t addr)
{
	Dwfl *d = u ? proc_dwfl(u, pid) : NULL;
	Dwfl_Module *m = d ? bct_dw.dwfl_addrmodule(d, addr) : NULL;
	uint64_t off;

	return m ? module_sym(m, addr, &off) : NULL;
}

const char *bct_usyms_name(struct bct_usyms *u, pid_t pid, uint64_t addr, bool offset, char *buf,
			   size_t sz)
{
	Dwfl *d = u ? proc_dwfl(u, pid) : NULL;
	Dwfl_Module *m = d ? bct_dw.dwfl_addrmodule(d, addr) : NULL;
	const char *name = NULL;
	uint64_t off = 0;

	if (m)
		name = module_sym(m, addr, &off);
	if (!name)
		snprintf(buf, sz, UNKNOWN);
	else if (offset)
		snprintf(buf, sz, "%s+0x%" PRIx64, name, off);
	else
		snprintf(buf, sz, "%s", name);
	return buf;
}

void bct_usyms_forget(struct bct_usyms *u, pid_t pid)
{
	for (size_t i = 0; u && i < u->n; i++) {
		if (u->procs[i].pid != pid)
			continue;
		if (u->procs[i].dwfl)
			end_dwfl(u->procs[i].dwfl);
		u->procs[i] = u->procs[--u->n];
		return;
	}
}

const char *bct_usyms_frame(struct bct_usyms *u, pid_t pid, uint64_t addr, char *buf, size_t sz)
{
	Dwfl *d = u ? proc_dwfl(u, pid) : NULL;
	Dwfl_Module *m = d ? bct_dw.dwfl_addrmodule(d, addr) : NULL;
	const char *name = NULL, *mod = NULL, *slash;
	uint64_t off = 0;
	int n;

	if (m) {
		name = module_sym(m, addr, &off);
		mod = bct_dw.dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	}
	if (name)
		n = snprintf(buf, sz, "%s+0x%" PRIx64, name, off);
	else
		n = snprintf(buf, sz, UNKNOWN);
	if (mod && n >= 0 && (size_t)n < sz) {
		slash = strrchr(mod, '/');
		snprintf(buf + n, sz - n, " [%s]", slash ? slash + 1 : mod);
	}
	return buf;
}

const char *bct_ksyms_frame(const struct bct_ksyms *k, uint64_t addr, char *buf, size_t sz)
{
	size_t n;

	bct_ksyms_name(k, addr, true, buf, sz);
	n = strlen(buf);
	if (strcmp(buf, UNKNOWN) && n < sz)
		snprintf(buf + n, sz - n, " [kernel]");
	return buf;
}

void bct_usyms_free(struct bct_usyms *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->n; i++)
		if (u->procs[i].dwfl)
			end_dwfl(u->procs[i].dwfl);
	free(u->procs);
	free(u);
}

/* --- stacks ------------------------------------------------------------------------------- */

int bct_stack_read(int map_fd, int32_t id, uint64_t *ips, size_t max)
{
	uint64_t val[BCT_STACK_MAX_DEPTH];
	uint32_t key = (uint32_t)id;
	size_t n;

	if (id < 0)
		return -EINVAL;
	memset(val, 0, sizeof(val));
	if (bpf_map_lookup_elem(map_fd, &key, val))
		return -errno;
	for (n = 0; n < BCT_STACK_MAX_DEPTH && n < max && val[n]; n++)
		ips[n] = val[n];
	return (int)n;
}

/* One side's frames, symbolized, leaf first. */
struct frames {
	const char *name[BCT_STACK_MAX_DEPTH + 1];
	size_t n;
};

/* --- what bct_stacks_print() keeps ------------------------------------------------------- */

#define KERNEL_PID UINT32_MAX /* the pid of kernel addresses in the symbol cache */

struct sym_slot {
	uint64_t addr;
	uint32_t pid;
	bool used;
	const char *name; /* kallsyms', libdwfl's, or one of owned */
};

struct id_slot {
	uint64_t *ips; /* what the stack map held for the id, leaf first */
	int n; /* their number, or -errno */
	bool read;
};

struct bct_stack_cache {
	struct sym_slot *syms; /* open addressing; symcap is a power of two */
	size_t nsyms, symcap;
	struct id_slot *ids; /* by stack id */
	size_t idcap;
	char **owned; /* names made here ("func_[k]") */
	size_t nowned, ownedcap;
};

static void cache_free(struct bct_stack_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->idcap; i++)
		free(c->ids[i].ips);
	for (i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	free(c->ids);
	free(c->syms);
	free(c->owned);
	free(c);
}

static struct sym_slot *sym_slot(struct sym_slot *t, size_t cap, uint32_t pid, uint64_t addr)
{
	uint64_t h = (addr ^ ((uint64_t)pid << 40)) * 0x9e3779b97f4a7c15ULL;
	size_t i = (size_t)(h >> 20) & (cap - 1);

	while (t[i].used && (t[i].addr != addr || t[i].pid != pid))
		i = (i + 1) & (cap - 1);
	return &t[i];
}

static int sym_grow(struct bct_stack_cache *c)
{
	size_t cap = c->symcap ? 2 * c->symcap : 4096, i;
	struct sym_slot *t = calloc(cap, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (i = 0; i < c->symcap; i++)
		if (c->syms[i].used)
			*sym_slot(t, cap, c->syms[i].pid, c->syms[i].addr) = c->syms[i];
	free(c->syms);
	c->syms = t;
	c->symcap = cap;
	return 0;
}

/* name with "_[k]" after it (-a), kept until the cache goes; NULL when out of memory */
static const char *annotated(struct bct_stack_cache *c, const char *name)
{
	size_t len = strlen(name);
	char *a;

	if (bct_grow((void **)&c->owned, &c->ownedcap, c->nowned + 1, sizeof(*c->owned)))
		return NULL;
	a = malloc(len + sizeof("_[k]"));
	if (!a)
		return NULL;
	memcpy(a, name, len);
	memcpy(a + len, "_[k]", sizeof("_[k]"));
	c->owned[c->nowned++] = a;
	return a;
}

/* The name of a frame in the kernel (pid KERNEL_PID) or in process pid: symbolized once. */
static const char *frame_name(struct bct_stacks *s, uint32_t pid, uint64_t addr)
{
	struct bct_stack_cache *c = s->cache;
	struct sym_slot *e = NULL;
	const char *name, *a;

	if (c->nsyms + 1 <= c->symcap / 2 || !sym_grow(c)) {
		e = sym_slot(c->syms, c->symcap, pid, addr);
		if (e->used)
			return e->name;
	}
	if (pid == KERNEL_PID) {
		const struct bct_ksym *k = bct_ksyms_find(s->ksyms, addr);

		name = k ? k->name : UNKNOWN;
		if (s->fmt.annotate) {
			a = annotated(c, name);
			if (!a)
				return "[unknown]_[k]"; /* out of memory: not kept */
			name = a;
		}
	} else {
		name = usym(s->usyms, (pid_t)pid, addr);
		if (!name)
			name = UNKNOWN;
	}
	if (e) {
		*e = (struct sym_slot){ .addr = addr, .pid = pid, .used = true, .name = name };
		c->nsyms++;
	}
	return name;
}

/* bct_stack_read() of the stack map, each id read once. */
static int id_read(struct bct_stacks *s, int32_t id, uint64_t *ips, size_t max)
{
	struct bct_stack_cache *c = s->cache;
	size_t old = c->idcap;
	struct id_slot *e;
	int n;

	if (id < 0 || bct_grow((void **)&c->ids, &c->idcap, (size_t)id + 1, sizeof(*c->ids)))
		return bct_stack_read(s->map_fd, id, ips, max);
	if (c->idcap > old)
		memset(c->ids + old, 0, (c->idcap - old) * sizeof(*c->ids));
	e = &c->ids[id];
	if (!e->read) {
		n = bct_stack_read(s->map_fd, id, ips, BCT_STACK_MAX_DEPTH);
		if (n > 0) {
			e->ips = malloc((size_t)n * sizeof(*ips));
			if (!e->ips)
				return n < (int)max ? n : (int)max;
			memcpy(e->ips, ips, (size_t)n * sizeof(*ips));
		}
		e->n = n;
		e->read = true;
	}
	if (e->n <= 0)
		return e->n;
	n = e->n < (int)max ? e->n : (int)max;
	memcpy(ips, e->ips, (size_t)n * sizeof(*ips));
	return n;
}

int bct_stacks_init(struct bct_stacks *s, const struct bct_stack_fmt *fmt, int map_fd)
{
	memset(s, 0, sizeof(*s));
	s->fmt = *fmt;
	s->map_fd = map_fd;
	if (!fmt->user_only) {
		s->ksyms = bct_ksyms_load(NULL);
		if (!s->ksyms) {
			int err = -errno;

			pr_err("cannot read kernel symbols from /proc/kallsyms: %s",
			       strerror(-err));
			return err;
		}
	}
	if (!fmt->kernel_only) {
		s->usyms = bct_usyms_new();
		if (!s->usyms) {
			pr_err("cannot resolve user symbols: %s", strerror(ENOMEM));
			bct_stacks_free(s);
			return -ENOMEM;
		}
	}
	s->cache = calloc(1, sizeof(*s->cache));
	if (!s->cache) {
		pr_err("cannot read the stacks: %s", strerror(ENOMEM));
		bct_stacks_free(s);
		return -ENOMEM;
	}
	if (fmt->svg) {
		s->flame = bct_flame_new();
		if (!s->flame) {
			pr_err("cannot build the flame graph for %s: %s", fmt->svg,
			       strerror(ENOMEM));
			bct_stacks_free(s);
			return -ENOMEM;
		}
	}
	return 0;
}

static int cmp_rec(const void *a, const void *b)
{
	const struct bct_stack_rec *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->kernel_id != y->kernel_id)
		return x->kernel_id < y->kernel_id ? -1 : 1;
	return x->user_id < y->user_id ? -1 : x->user_id > y->user_id;
}

void bct_stacks_sort(struct bct_stack_rec *recs, size_t n)
{
	if (n > 1)
		qsort(recs, n, sizeof(*recs), cmp_rec);
}

void bct_stacks_free(struct bct_stacks *s)
{
	bct_ksyms_free(s->ksyms);
	bct_usyms_free(s->usyms);
	bct_flame_free(s->flame);
	cache_free(s->cache);
	s->cache = NULL;
	s->flame = NULL;
	s->ksyms = NULL;
	s->usyms = NULL;
}

/* A stack id the kernel failed to fill (EFAULT: there was no such stack, not a miss). */
static bool id_missed(int32_t id)
{
	return id < 0 && id != -EFAULT;
}

/* Whether addr is in the BPF program or the tracing glue that ran it. */
static bool tracing_frame(const struct bct_ksyms *k, uint64_t addr)
{
	const struct bct_ksym *s = bct_ksyms_find(k, addr);

	size_t i;

	if (!s)
		return false;
	/* __traceiter_*: a tracepoint's loop over its probes, called (instead of the one probe)
	 * while more than one tracer is attached to it */
	if (!strncmp(s->name, "bpf_trace_run", 13) || !strncmp(s->name, "__bpf_trace_", 12) ||
	    !strncmp(s->name, "bpf_trampoline_", 15) || !strncmp(s->name, "__traceiter_", 12))
		return true;
	/* a BPF program: bpf_prog_<16 hex digits>_<name> */
	if (strncmp(s->name, "bpf_prog_", 9))
		return false;
	for (i = 9; i < 25; i++)
		if (!isxdigit((unsigned char)s->name[i]))
			return false;
	return s->name[25] == '_';
}

int bct_stack_read_kernel(int map_fd, const struct bct_ksyms *k, int32_t id, uint64_t *ips,
			  size_t max)
{
	int n = bct_stack_read(map_fd, id, ips, max), skip = 0;

	while (skip < n && tracing_frame(k, ips[skip]))
		skip++;
	if (skip > 0) {
		memmove(ips, ips + skip, (size_t)(n - skip) * sizeof(ips[0]));
		n -= skip;
	}
	return n;
}

static void frames_get(struct bct_stacks *s, const struct bct_stack_rec *r, bool kernel,
		       struct frames *f)
{
	uint64_t ips[BCT_STACK_MAX_DEPTH + 1];
	int32_t id = kernel ? r->kernel_id : r->user_id;
	size_t n = 0, i;
	int got;

	f->n = 0;
	if (id < 0)
		return;
	if (kernel && r->kernel_ip)
		ips[n++] = r->kernel_ip;
	got = id_read(s, id, ips + n, BCT_STACK_MAX_DEPTH);
	if (got > 0)
		n += got;
	/* a tracepoint's stack starts in the BPF program that took it: not the traced code */
	if (kernel)
		while (n > 0 && tracing_frame(s->ksyms, ips[0])) {
			memmove(ips, ips + 1, (n - 1) * sizeof(ips[0]));
			n--;
		}
	/* the stack of a sample already starts at its ip: not twice */
	if (kernel && r->kernel_ip && n > 1 && ips[1] == ips[0]) {
		memmove(ips, ips + 1, (n - 1) * sizeof(ips[0]));
		n--;
	}
	for (i = 0; i < n; i++)
		f->name[i] = frame_name(s, kernel ? KERNEL_PID : r->sym_pid, ips[i]);
	f->n = n;
}

static void print_folded(struct bct_stacks *s, FILE *out, const struct bct_stack_rec *r,
			 const struct frames *kf, const struct frames *uf)
{
	size_t i;

	fputs(r->comm, out);
	if (!s->fmt.kernel_only) {
		if (id_missed(r->user_id))
			fputs(";[Missed User Stack]", out);
		else
			for (i = uf->n; i-- > 0;) {
				putc(';', out);
				fputs(uf->name[i], out);
			}
	}
	if (!s->fmt.user_only) {
		if (s->fmt.delimited && !s->fmt.kernel_only && r->kernel_id >= 0 && r->user_id >= 0)
			fputs(";-", out);
		if (id_missed(r->kernel_id))
			fputs(";[Missed Kernel Stack]", out);
		else
			for (i = kf->n; i-- > 0;) {
				putc(';', out);
				fputs(kf->name[i], out);
			}
	}
	fprintf(out, " %" PRIu64 "\n", r->value);
}

/* "    name\n" */
static void put_line(FILE *out, const char *name)
{
	fputs("    ", out);
	fputs(name, out);
	putc('\n', out);
}

static void print_text(struct bct_stacks *s, FILE *out, const struct bct_stack_rec *r,
		       const struct frames *kf, const struct frames *uf)
{
	size_t i;

	if (!s->fmt.user_only) {
		if (id_missed(r->kernel_id))
			fputs("    [Missed Kernel Stack]\n", out);
		else
			for (i = 0; i < kf->n; i++)
				put_line(out, kf->name[i]);
	}
	if (!s->fmt.kernel_only) {
		if (s->fmt.delimited && !s->fmt.user_only && r->kernel_id >= 0 && r->user_id >= 0)
			fputs("    --\n", out);
		if (id_missed(r->user_id))
			fputs("    [Missed User Stack]\n", out);
		else
			for (i = 0; i < uf->n; i++)
				put_line(out, uf->name[i]);
	}
	fprintf(out, "    %-16s %s (%" PRIu32 ")\n", "-", r->comm, r->pid);
	fprintf(out, "        %" PRIu64 "\n\n", r->value);
}

static void json_frames(struct bct_json *j, const char *key, const struct frames *f, bool missed,
			const char *missed_text)
{
	size_t i;

	bct_json_arr_open(j, key);
	if (missed)
		bct_json_str(j, NULL, missed_text);
	else
		for (i = 0; i < f->n; i++)
			bct_json_str(j, NULL, f->name[i]);
	bct_json_arr_close(j);
}

static void print_json(struct bct_stacks *s, FILE *out, const struct bct_stack_rec *r,
		       const struct frames *kf, const struct frames *uf)
{
	struct bct_json j;

	bct_json_begin(&j, out);
	bct_json_str(&j, "comm", r->comm);
	if (s->fmt.json_tid) {
		bct_json_uint(&j, "pid", r->sym_pid);
		bct_json_uint(&j, "tid", r->pid);
	} else {
		bct_json_uint(&j, "pid", r->pid);
	}
	if (!s->fmt.user_only)
		json_frames(&j, "kernel_stack", kf, id_missed(r->kernel_id),
			    "[Missed Kernel Stack]");
	if (!s->fmt.kernel_only)
		json_frames(&j, "user_stack", uf, id_missed(r->user_id), "[Missed User Stack]");
	bct_json_uint(&j, s->fmt.value_key ? s->fmt.value_key : "count", r->value);
	bct_json_end(&j);
}

/* The folded layout's frames, root first, into the flame graph. */
static void add_flame(struct bct_stacks *s, const struct bct_stack_rec *r, const struct frames *kf,
		      const struct frames *uf)
{
	static struct bct_flame_frame fr[2 * BCT_STACK_MAX_DEPTH + 8];
	size_t n = 0, i;

	fr[n++] = (struct bct_flame_frame){ r->comm, BCT_FLAME_PROC };
	if (!s->fmt.kernel_only) {
		if (id_missed(r->user_id))
			fr[n++] =
				(struct bct_flame_frame){ "[Missed User Stack]", BCT_FLAME_OTHER };
		else
			for (i = uf->n; i-- > 0;)
				fr[n++] = (struct bct_flame_frame){ uf->name[i], BCT_FLAME_USER };
	}
	if (!s->fmt.user_only) {
		if (s->fmt.delimited && !s->fmt.kernel_only && r->kernel_id >= 0 && r->user_id >= 0)
			fr[n++] = (struct bct_flame_frame){ "-", BCT_FLAME_SEP };
		if (id_missed(r->kernel_id))
			fr[n++] = (struct bct_flame_frame){ "[Missed Kernel Stack]",
							    BCT_FLAME_OTHER };
		else
			for (i = kf->n; i-- > 0;)
				fr[n++] = (struct bct_flame_frame){ kf->name[i], BCT_FLAME_KERNEL };
	}
	if (bct_flame_add(s->flame, fr, n, r->value))
		s->flame_err = true;
}

int bct_stacks_finish(struct bct_stacks *s)
{
	struct bct_flame_opts o = {
		.title = s->fmt.svg_title,
		.unit = s->fmt.svg_unit,
	};

	if (!s->flame)
		return 0;
	if (s->flame_err) {
		pr_err("cannot build the flame graph for %s: %s", s->fmt.svg, strerror(ENOMEM));
		return -ENOMEM;
	}
	return bct_flame_write_file(s->flame, s->fmt.svg, &o);
}

void bct_stacks_print(struct bct_stacks *s, FILE *out, const struct bct_stack_rec *r)
{
	struct frames kf, uf;

	/* the reader is gone (EPIPE): symbolizing the rest would only delay the exit (unless a
	 * flame graph still wants the stacks) */
	if (ferror(out) && !s->flame)
		return;
	if (!s->fmt.user_only) {
		if (id_missed(r->kernel_id)) {
			s->missing++;
			s->enomem |= r->kernel_id == -ENOMEM;
			s->eexist |= r->kernel_id == -EEXIST;
		}
		frames_get(s, r, true, &kf);
	}
	if (!s->fmt.kernel_only) {
		if (id_missed(r->user_id)) {
			s->missing++;
			s->enomem |= r->user_id == -ENOMEM;
			s->eexist |= r->user_id == -EEXIST;
		}
		frames_get(s, r, false, &uf);
	}
	if (s->flame)
		add_flame(s, r, &kf, &uf);
	if (ferror(out))
		return;
	if (s->fmt.json)
		print_json(s, out, r, &kf, &uf);
	else if (s->fmt.folded)
		print_folded(s, out, r, &kf, &uf);
	else
		print_text(s, out, r, &kf, &uf);
}

/* --- the stack tools' shared steps -------------------------------------------------------- */

void bct_stack_arg_int(struct argp_state *state, const char *what, const char *arg, bool nonzero,
		       uint64_t max, uint64_t *out)
{
	const char *p = arg;
	long long v;
	char *end;

	while (isspace((unsigned char)*p))
		p++;
	errno = 0;
	v = strtoll(p, &end, 10);
	while (end != p && isspace((unsigned char)*end))
		end++;
	if (end == p || *end || errno)
		argp_error(state, "argument %s: must be an integer", what);
	if (v < 0)
		argp_error(state, "argument %s: must be positive", what);
	if (nonzero && v == 0)
		argp_error(state, "argument %s: must be nonzero", what);
	if ((uint64_t)v > max)
		argp_error(state, "argument %s: %lld is too large (at most %" PRIu64 ")", what, v,
			   max);
	*out = (uint64_t)v;
}

void bct_stack_wait(uint64_t duration_ms)
{
	struct timespec end;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += duration_ms / 1000;
	end.tv_nsec += (long)(duration_ms % 1000) * 1000000;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	while (!bct_exiting) {
		if (!duration_ms) {
			/* a signal just before the sleep waits at most this long */
			struct timespec tick = { 0, 100000000 };

			nanosleep(&tick, NULL);
			continue;
		}
		if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &end, NULL) != EINTR)
			break;
	}
}
