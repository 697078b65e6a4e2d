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

#include <fcntl.h>

#include "cache.h"
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
	/* made while the tool sampled (bct_stacks_prefetch()): the process may have mapped
	 * more since, which the sum of its maps then tells */
	bool early;
	uint64_t maps_sum;
};

struct bct_usyms {
	struct proc_syms *procs;
	size_t n, cap;
	bool early; /* in bct_stacks_prefetch() */
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

/* A sum of /proc/PID/maps, or 0 when it cannot be read (the process is gone). */
static uint64_t maps_sum(pid_t pid)
{
	uint8_t h[BCT_HASH_SIZE];
	struct bct_hash st;
	char path[64], buf[16384];
	uint64_t sum;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	bct_hash_init(&st);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		bct_hash_update(&st, buf, (size_t)n);
	close(fd);
	if (n < 0)
		return 0;
	bct_hash_final(&st, h);
	memcpy(&sum, h, sizeof(sum));
	return sum | 1;
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
	p->early = u->early;
	p->maps_sum = u->early ? maps_sum(pid) : 0;
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
	/* the text or folded layout's lines of them, made once per stack id; NULL: print the
	 * names */
	const char *text;
	size_t text_len;
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
	/* the frames' names as printed (tracing frames left out), symbolized in names_pid
	 * (KERNEL_PID for the kernel's): every record with this stack prints them again */
	const char **names;
	size_t nnames;
	uint32_t names_pid;
	char *text; /* struct frames' text of the names */
	size_t text_len;
};

/* Memory for what the cache keeps per stack id, freed at once (10,000 stacks: 30,000 blocks). */
struct arena {
	struct arena *next;
	size_t used, cap;
	max_align_t data[];
};

#define ARENA_CHUNK (1u << 20)

struct bct_stack_cache {
	struct sym_slot *syms; /* open addressing; symcap is a power of two */
	size_t nsyms, symcap;
	struct id_slot *ids; /* by stack id */
	size_t idcap;
	char **owned; /* names made here ("func_[k]") */
	size_t nowned, ownedcap;
	struct arena *arena; /* the id slots' ips, names and text */
	bool prefetched; /* bct_stacks_prefetch() ran: check its processes' maps once */
	bool printing;
};

static void *arena_alloc(struct bct_stack_cache *c, size_t sz)
{
	struct arena *a = c->arena;
	void *p;

	sz = (sz + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!a || a->cap - a->used < sz) {
		size_t cap = sz > ARENA_CHUNK ? sz : ARENA_CHUNK;

		a = malloc(sizeof(*a) + cap);
		if (!a)
			return NULL;
		a->next = c->arena;
		a->used = 0;
		a->cap = cap;
		c->arena = a;
	}
	p = (char *)a->data + a->used;
	a->used += sz;
	return p;
}

static void cache_free(struct bct_stack_cache *c)
{
	size_t i;

	if (!c)
		return;
	while (c->arena) {
		struct arena *next = c->arena->next;

		free(c->arena);
		c->arena = next;
	}
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

/* The symbol table again in cap slots, without process drop's names (0: none dropped). */
static int sym_rehash(struct bct_stack_cache *c, size_t cap, uint32_t drop)
{
	struct sym_slot *t = calloc(cap, sizeof(*t));
	size_t i;

	if (!t)
		return -ENOMEM;
	c->nsyms = 0;
	for (i = 0; i < c->symcap; i++)
		if (c->syms[i].used && (!drop || c->syms[i].pid != drop)) {
			*sym_slot(t, cap, c->syms[i].pid, c->syms[i].addr) = c->syms[i];
			c->nsyms++;
		}
	free(c->syms);
	c->syms = t;
	c->symcap = cap;
	return 0;
}

static int sym_grow(struct bct_stack_cache *c)
{
	return sym_rehash(c, c->symcap ? 2 * c->symcap : 4096, 0);
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
			e->ips = arena_alloc(c, (size_t)n * sizeof(*ips));
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

static void frames_make(struct bct_stacks *s, const struct bct_stack_rec *r, bool kernel,
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

/*
 * The text layout's lines of a stack ("    name\n" each, leaf first) or the folded layout's
 * part (";name" each, root first), into e->text; left NULL when out of memory.
 */
static void render(struct bct_stack_cache *c, struct id_slot *e, bool folded)
{
	size_t len = 0, i, n;
	char *t, *p;

	for (i = 0; i < e->nnames; i++)
		len += strlen(e->names[i]) + (folded ? 1 : 5);
	t = arena_alloc(c, len + 1);
	if (!t)
		return;
	p = t;
	for (i = 0; i < e->nnames; i++) {
		const char *name = e->names[folded ? e->nnames - 1 - i : i];

		n = strlen(name);
		if (folded) {
			*p++ = ';';
		} else {
			memcpy(p, "    ", 4);
			p += 4;
		}
		memcpy(p, name, n);
		p += n;
		if (!folded)
			*p++ = '\n';
	}
	*p = '\0';
	e->text = t;
	e->text_len = len;
}

/*
 * The frames of one side of r: symbolized once per stack id (and process), and for the text
 * and folded layouts written out once, then copied.
 */
static void frames_get(struct bct_stacks *s, const struct bct_stack_rec *r, bool kernel,
		       struct frames *f)
{
	struct bct_stack_cache *c = s->cache;
	int32_t id = kernel ? r->kernel_id : r->user_id;
	uint32_t pid = kernel ? KERNEL_PID : r->sym_pid;
	/* a sample's ip comes first (profile): another stack for each */
	bool kept = !(kernel && r->kernel_ip);
	struct id_slot *e;
	const char **names;

	f->n = 0;
	f->text = NULL;
	if (id < 0)
		return;
	e = kept && (size_t)id < c->idcap ? &c->ids[id] : NULL;
	if (e && e->names && e->names_pid == pid) {
		memcpy(f->name, e->names, e->nnames * sizeof(f->name[0]));
		f->n = e->nnames;
	} else {
		frames_make(s, r, kernel, f);
		/* the id's slot, made by the read just now if it was not there */
		e = kept && (size_t)id < c->idcap ? &c->ids[id] : NULL;
		if (!e || !f->n)
			return;
		/* another process's names (rare) leave theirs in the arena */
		names = arena_alloc(c, f->n * sizeof(*names));
		if (!names)
			return; /* made again next time */
		memcpy(names, f->name, f->n * sizeof(*names));
		e->names = names;
		e->nnames = f->n;
		e->names_pid = pid;
		e->text = NULL;
	}
	if (s->fmt.json)
		return;
	if (!e->text)
		render(c, e, s->fmt.folded);
	f->text = e->text;
	f->text_len = e->text_len;
}

/*
 * The text layouts write unlocked (~30 lines a stack, 10,000 stacks): the tools print from one
 * thread.
 */
static void print_folded_side(FILE *out, const struct frames *f)
{
	size_t i;

	if (f->text) {
		fwrite_unlocked(f->text, 1, f->text_len, out);
		return;
	}
	for (i = f->n; i-- > 0;) {
		putc_unlocked(';', out);
		fputs_unlocked(f->name[i], out);
	}
}

static void print_folded(struct bct_stacks *s, FILE *out, const struct bct_stack_rec *r,
			 const struct frames *kf, const struct frames *uf)
{
	fputs_unlocked(r->comm, out);
	if (!s->fmt.kernel_only) {
		if (id_missed(r->user_id))
			fputs_unlocked(";[Missed User Stack]", out);
		else
			print_folded_side(out, uf);
	}
	if (!s->fmt.user_only) {
		if (s->fmt.delimited && !s->fmt.kernel_only && r->kernel_id >= 0 && r->user_id >= 0)
			fputs_unlocked(";-", out);
		if (id_missed(r->kernel_id))
			fputs_unlocked(";[Missed Kernel Stack]", out);
		else
			print_folded_side(out, kf);
	}
	fprintf(out, " %" PRIu64 "\n", r->value);
}

/* "    name\n" each, leaf first */
static void print_text_side(FILE *out, const struct frames *f)
{
	size_t i;

	if (f->text) {
		fwrite_unlocked(f->text, 1, f->text_len, out);
		return;
	}
	for (i = 0; i < f->n; i++) {
		fputs_unlocked("    ", out);
		fputs_unlocked(f->name[i], out);
		putc_unlocked('\n', out);
	}
}

static void print_text(struct bct_stacks *s, FILE *out, const struct bct_stack_rec *r,
		       const struct frames *kf, const struct frames *uf)
{
	if (!s->fmt.user_only) {
		if (id_missed(r->kernel_id))
			fputs_unlocked("    [Missed Kernel Stack]\n", out);
		else
			print_text_side(out, kf);
	}
	if (!s->fmt.kernel_only) {
		if (s->fmt.delimited && !s->fmt.user_only && r->kernel_id >= 0 && r->user_id >= 0)
			fputs_unlocked("    --\n", out);
		if (id_missed(r->user_id))
			fputs_unlocked("    [Missed User Stack]\n", out);
		else
			print_text_side(out, uf);
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

void bct_stacks_prefetch(struct bct_stacks *s, const struct bct_stack_rec *recs, size_t n)
{
	struct frames f;
	size_t i;

	if (s->cache->printing)
		return;
	s->cache->prefetched = true;
	if (s->usyms)
		s->usyms->early = true;
	for (i = 0; i < n && !bct_exiting; i++) {
		if (!s->fmt.user_only && recs[i].kernel_id >= 0)
			frames_get(s, &recs[i], true, &f);
		if (!s->fmt.kernel_only && recs[i].user_id >= 0)
			frames_get(s, &recs[i], false, &f);
	}
	if (s->usyms)
		s->usyms->early = false;
	if (n)
		pr_debug("stack: %zu stacks read and symbolized ahead", n);
}

/*
 * Forgets what was symbolized in process pid (its libdwfl session holds the names): the
 * symbol table's entries, the stack ids' names and text.
 */
static void forget_process(struct bct_stacks *s, pid_t pid)
{
	struct bct_stack_cache *c = s->cache;
	size_t i;

	for (i = 0; i < c->idcap; i++)
		if (c->ids[i].names && c->ids[i].names_pid == (uint32_t)pid) {
			c->ids[i].names = NULL;
			c->ids[i].text = NULL;
		}
	if (c->symcap && sym_rehash(c, c->symcap, (uint32_t)pid)) {
		/* out of memory: every name goes, the kernel's too */
		memset(c->syms, 0, c->symcap * sizeof(*c->syms));
		c->nsyms = 0;
	}
	bct_usyms_forget(s->usyms, pid);
}

/*
 * Before the first print: a process symbolized while the tool sampled that has mapped or
 * unmapped something since (its maps differ), or that could not be read then, is symbolized
 * again; so is one that has exited, whose frames then print as "[unknown]" as BCC's do,
 * whether or not the tool happened to look while it ran.
 */
static void recheck_early(struct bct_stacks *s)
{
	struct bct_usyms *u = s->usyms;
	size_t i = 0;

	while (u && i < u->n) {
		struct proc_syms *p = &u->procs[i];
		uint64_t now;

		if (!p->early) {
			i++;
			continue;
		}
		p->early = false;
		now = maps_sum(p->pid);
		if (now != p->maps_sum || !p->dwfl) {
			pr_debug("stack: process %d has exited, or mapped or unmapped since: "
				 "symbolized again",
				 (int)p->pid);
			forget_process(s, p->pid); /* moves another entry into i */
			continue;
		}
		i++;
	}
}

void bct_stacks_print(struct bct_stacks *s, FILE *out, const struct bct_stack_rec *r)
{
	struct frames kf, uf;

	if (!s->cache->printing) {
		s->cache->printing = true;
		if (s->cache->prefetched)
			recheck_early(s);
	}

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

void bct_stack_wait_prefetch(uint64_t duration_ms, void (*prefetch)(void *ctx), void *ctx)
{
	const uint64_t ms = 1000000, tick = 100 * ms;
	uint64_t start = bct_mono_ns(), end = duration_ms ? start + duration_ms * ms : UINT64_MAX;
	uint64_t period = 500 * ms, next = start + period, now, until;
	struct timespec ts;

	while (!bct_exiting) {
		now = bct_mono_ns();
		if (now >= end)
			break;
		if (prefetch && now >= next) {
			prefetch(ctx);
			period = period < 4000 * ms ? 2 * period : period;
			next = bct_mono_ns() + period;
			continue;
		}
		/* a signal just before the sleep waits at most a tick */
		until = now + tick;
		if (until > end)
			until = end;
		if (prefetch && until > next)
			until = next;
		ts.tv_sec = (time_t)(until / 1000000000u);
		ts.tv_nsec = (long)(until % 1000000000u);
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
}

void bct_stack_wait(uint64_t duration_ms)
{
	bct_stack_wait_prefetch(duration_ms, NULL, NULL);
}
