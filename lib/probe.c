// SPDX-License-Identifier: Apache-2.0
/* Probing what the running kernel offers, for real, once per process. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "cache.h"
#include "log.h"
#include "probe.h"
#include "tracefs.h"
#include "util.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* Cached probe results: 1 = not probed yet. */
#define NOT_PROBED 1

static const struct {
	const char *prefix;
	enum bct_attach_kind kind;
	bool ret;
} sec_prefixes[] = {
	{ "fentry", BCT_ATTACH_FENTRY, false },
	{ "fexit", BCT_ATTACH_FENTRY, true },
	{ "fmod_ret", BCT_ATTACH_FENTRY, false },
	{ "kprobe", BCT_ATTACH_KPROBE, false },
	{ "kretprobe", BCT_ATTACH_KPROBE, true },
	{ "ksyscall", BCT_ATTACH_KPROBE, false },
	{ "kretsyscall", BCT_ATTACH_KPROBE, true },
	{ "tracepoint", BCT_ATTACH_TRACEPOINT, false },
	{ "tp", BCT_ATTACH_TRACEPOINT, false },
	{ "tp_btf", BCT_ATTACH_TP_BTF, false },
	{ "raw_tp", BCT_ATTACH_RAW_TP, false },
	{ "raw_tracepoint", BCT_ATTACH_RAW_TP, false },
	{ "raw_tp.w", BCT_ATTACH_RAW_TP, false },
	{ "raw_tracepoint.w", BCT_ATTACH_RAW_TP, false },
	{ "uprobe", BCT_ATTACH_UPROBE, false },
	{ "uretprobe", BCT_ATTACH_UPROBE, true },
	{ "uprobe.s", BCT_ATTACH_UPROBE, false },
	{ "uretprobe.s", BCT_ATTACH_UPROBE, true },
	{ "usdt", BCT_ATTACH_UPROBE, false },
	{ "perf_event", BCT_ATTACH_PERF_EVENT, false },
};

static const char *const kind_names[BCT_ATTACH__COUNT] = {
	[BCT_ATTACH_OTHER] = "other",	[BCT_ATTACH_FENTRY] = "fentry",
	[BCT_ATTACH_KPROBE] = "kprobe", [BCT_ATTACH_TRACEPOINT] = "tracepoint",
	[BCT_ATTACH_TP_BTF] = "tp_btf", [BCT_ATTACH_RAW_TP] = "raw_tp",
	[BCT_ATTACH_UPROBE] = "uprobe", [BCT_ATTACH_PERF_EVENT] = "perf_event",
};

const char *bct_attach_kind_name(enum bct_attach_kind kind)
{
	if ((unsigned int)kind >= BCT_ATTACH__COUNT)
		return "other";
	return kind_names[kind];
}

int bct_sec_parse(const char *sec, struct bct_sec *out)
{
	const char *slash, *target = "";
	size_t plen, i;

	memset(out, 0, sizeof(*out));
	if (!sec || !*sec)
		return -EINVAL;
	slash = strchr(sec, '/');
	plen = slash ? (size_t)(slash - sec) : strlen(sec);
	if (slash)
		target = slash + 1;
	/* "kprobe.multi/...", "fentry.s/...": the sleepable/multi variants keep their base kind */
	for (i = 0; i < ARRAY_SIZE(sec_prefixes); i++) {
		const char *p = sec_prefixes[i].prefix;
		size_t l = strlen(p);

		if (l == plen && !strncmp(sec, p, l))
			break;
	}
	if (i == ARRAY_SIZE(sec_prefixes)) {
		for (i = 0; i < ARRAY_SIZE(sec_prefixes); i++) {
			const char *p = sec_prefixes[i].prefix;
			size_t l = strlen(p);

			if (l < plen && !strncmp(sec, p, l) && sec[l] == '.')
				break;
		}
	}
	if (i < ARRAY_SIZE(sec_prefixes)) {
		out->kind = sec_prefixes[i].kind;
		out->ret = sec_prefixes[i].ret;
	}
	if (strlen(target) >= sizeof(out->target))
		return -ENAMETOOLONG;
	strcpy(out->target, target);
	/* kprobe/func+off: the function is what must exist */
	if (out->kind == BCT_ATTACH_KPROBE) {
		char *plus = strchr(out->target, '+');

		if (plus)
			*plus = '\0';
	}
	return 0;
}

/* --- BCCTOOL_DISABLE_ATTACH ---------------------------------------------------------------- */

/* The next word of BCCTOOL_DISABLE_ATTACH at *s (comma or space separated), or NULL. */
static const char *disabled_word(const char **s, size_t *len)
{
	const char *w;

	if (!*s)
		return NULL;
	w = *s + strspn(*s, ", ");
	*len = strcspn(w, ", ");
	*s = w + *len;
	return *len ? w : NULL;
}

static unsigned int disabled_mask(void)
{
	static int mask = -1;
	static const struct {
		const char *name;
		enum bct_attach_kind kind;
	} aliases[] = {
		{ "fentry", BCT_ATTACH_FENTRY },	 { "fexit", BCT_ATTACH_FENTRY },
		{ "kprobe", BCT_ATTACH_KPROBE },	 { "kretprobe", BCT_ATTACH_KPROBE },
		{ "tracepoint", BCT_ATTACH_TRACEPOINT }, { "tp", BCT_ATTACH_TRACEPOINT },
		{ "tp_btf", BCT_ATTACH_TP_BTF },	 { "raw_tp", BCT_ATTACH_RAW_TP },
		{ "raw_tracepoint", BCT_ATTACH_RAW_TP }, { "uprobe", BCT_ATTACH_UPROBE },
		{ "perf_event", BCT_ATTACH_PERF_EVENT },
	};
	const char *env, *w;
	size_t len;

	if (mask >= 0)
		return mask;
	mask = 0;
	env = getenv("BCCTOOL_DISABLE_ATTACH");
	while ((w = disabled_word(&env, &len))) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(aliases); i++)
			if (strlen(aliases[i].name) == len && !strncmp(w, aliases[i].name, len))
				break;
		if (i < ARRAY_SIZE(aliases))
			mask |= 1u << aliases[i].kind;
		else
			pr_warn("BCCTOOL_DISABLE_ATTACH: '%.*s' is no attach kind: taken as a method "
				"name",
				(int)len, w);
	}
	return mask;
}

bool bct_attach_disabled(enum bct_attach_kind kind)
{
	return disabled_mask() & (1u << kind);
}

/* A word of BCCTOOL_DISABLE_ATTACH that is no attach kind names a method ("sched_info"). */
bool bct_method_disabled(const char *name)
{
	const char *env = getenv("BCCTOOL_DISABLE_ATTACH"), *w;
	size_t len;

	while ((w = disabled_word(&env, &len)))
		if (len == strlen(name) && !strncmp(w, name, len))
			return true;
	return false;
}

/* --- per-boot memo ------------------------------------------------------------------------- */

#define MEMO_SUFFIX ".probes"
#define MEMO_MAX (64 << 10)

struct memo_entry {
	char *key; /* "fentry", "btf_func:do_sys_openat2", ... */
	int val;
};

static struct {
	bool enabled; /* bct_probe_memo_load() was called: answer from entries */
	bool loaded; /* entries came from the file */
	bool dirty; /* something was probed since */
	struct memo_entry *v;
	size_t n, cap;
} memo;

/*
 * What the memo is valid for besides the boot (its file name): bcctool's version, the kernel's
 * release and build, and the caller's privileges (probes answer EPERM without them).
 */
static int memo_header(char *buf, size_t sz)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	struct utsname u;
	int n;

	if (uname(&u))
		return -errno;
	memset(data, 0, sizeof(data));
	if (geteuid() != 0 && syscall(SYS_capget, &hdr, data))
		return -errno;
	n = snprintf(buf, sz, "bcctool-probes " BCT_VERSION "\nkernel %s %s\ncreds %u %08x%08x\n",
		     u.release, u.version, (unsigned int)geteuid(), data[1].effective,
		     data[0].effective);
	return n < 0 || (size_t)n >= sz ? -ENAMETOOLONG : 0;
}

static struct memo_entry *memo_find(const char *key)
{
	size_t i;

	for (i = 0; i < memo.n; i++)
		if (!strcmp(memo.v[i].key, key))
			return &memo.v[i];
	return NULL;
}

static void memo_set(const char *key, int val, bool probed)
{
	struct memo_entry *e = memo_find(key);

	if (e) {
		memo.dirty |= probed && e->val != val;
		e->val = val;
		return;
	}
	if (bct_grow((void **)&memo.v, &memo.cap, memo.n + 1, sizeof(*memo.v)))
		return;
	memo.v[memo.n].key = strdup(key);
	if (!memo.v[memo.n].key)
		return;
	memo.v[memo.n++].val = val;
	memo.dirty |= probed;
}

/* The memo's answer for key, when the memo is in use and has one. */
static bool memo_get(const char *key, int *val)
{
	struct memo_entry *e;

	if (!memo.enabled || !(e = memo_find(key)))
		return false;
	*val = e->val;
	return true;
}

/* Records what was probed (written by bct_probe_memo_save()). */
static int memo_put(const char *key, int val)
{
	memo_set(key, val, true);
	return val;
}

static void memo_clear(void)
{
	size_t i;

	for (i = 0; i < memo.n; i++)
		free(memo.v[i].key);
	memo.n = 0;
	memo.loaded = false;
}

void bct_probe_memo_load(void)
{
	char path[128], header[512], *text = NULL, *line, *save = NULL;
	struct bct_cache *c;
	size_t sz, hlen;

	if (memo.enabled)
		return;
	memo.enabled = true;
	if (bct_boot_memo_path(MEMO_SUFFIX, path, sizeof(path)) ||
	    memo_header(header, sizeof(header)))
		return;
	c = bct_cache__open();
	if (!c)
		return;
	if (bct_cache__read(c, path, &text, &sz))
		goto out;
	hlen = strlen(header);
	if (sz < hlen || memcmp(text, header, hlen)) {
		pr_debug("probe memo '%s/%s' is for another kernel or user; probing again",
			 bct_cache__dir(c), path);
		goto out;
	}
	for (line = strtok_r(text + hlen, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' '), *end;
		long v;

		if (!sp || sp == line)
			continue;
		*sp = '\0';
		v = strtol(sp + 1, &end, 10);
		if (*end || end == sp + 1)
			continue;
		/* entries probed before loading (none, normally) win */
		if (!memo_find(line))
			memo_set(line, (int)v, false);
	}
	memo.loaded = true;
	pr_debug("probe memo: %zu answers from '%s/%s'", memo.n, bct_cache__dir(c), path);
out:
	free(text);
	bct_cache__free(c);
}

void bct_probe_memo_save(void)
{
	char path[128], header[512], *text;
	struct bct_cache *c;
	size_t len, cap, i;
	int err;

	if (!memo.enabled || !memo.dirty || bct_boot_memo_path(MEMO_SUFFIX, path, sizeof(path)) ||
	    memo_header(header, sizeof(header)))
		return;
	cap = strlen(header) + 1;
	for (i = 0; i < memo.n; i++)
		cap += strlen(memo.v[i].key) + 16;
	if (cap > MEMO_MAX)
		return;
	text = malloc(cap);
	if (!text)
		return;
	len = snprintf(text, cap, "%s", header);
	for (i = 0; i < memo.n; i++)
		len += snprintf(text + len, cap - len, "%s %d\n", memo.v[i].key, memo.v[i].val);
	c = bct_cache__open();
	if (c) {
		err = bct_cache__write(c, path, text, len);
		if (err)
			pr_debug("cannot write probe memo '%s/%s': %s", bct_cache__dir(c), path,
				 strerror(-err));
		else
			memo.dirty = false;
		bct_cache__free(c);
	}
	free(text);
}

bool bct_probe_memo_used(void)
{
	return memo.enabled && memo.loaded;
}

void bct_probe_memo_drop(void)
{
	char path[128];
	struct bct_cache *c;

	if (!memo.loaded)
		return;
	memo_clear();
	if (bct_boot_memo_path(MEMO_SUFFIX, path, sizeof(path)))
		return;
	c = bct_cache__open();
	if (c) {
		bct_cache__remove(c, path);
		bct_cache__free(c);
	}
}

/* --- vmlinux BTF ----------------------------------------------------------------------------- */

static struct btf *vmlinux;
static bool vmlinux_tried;

static struct btf *vmlinux_btf(void)
{
	if (!vmlinux_tried) {
		vmlinux_tried = true;
		vmlinux = btf__load_vmlinux_btf();
		if (!vmlinux)
			pr_debug("cannot load vmlinux BTF: %s", strerror(errno));
	}
	return vmlinux;
}

void bct_probe_release(void)
{
	btf__free(vmlinux);
	vmlinux = NULL;
	vmlinux_tried = false;
}

bool bct_has_btf(void)
{
	return access("/sys/kernel/btf/vmlinux", R_OK) == 0;
}

/* "prefix:name" as a memo key; false when name cannot be one (blanks, too long). */
static bool memo_key(char *buf, size_t sz, const char *prefix, const char *name)
{
	int n;

	if (!*name || strpbrk(name, " \t\n"))
		return false;
	n = snprintf(buf, sz, "%s:%s", prefix, name);
	return n > 0 && (size_t)n < sz;
}

/* A named type of vmlinux BTF; the answer is memoized (vmlinux BTF is fixed for a boot). */
static bool btf_has(const char *prefix, const char *name, __u32 kind)
{
	char key[192];
	struct btf *btf;
	bool has_key = memo_key(key, sizeof(key), prefix, name);
	int v;

	if (has_key && memo_get(key, &v))
		return v;
	btf = vmlinux_btf();
	if (!btf)
		return false;
	v = btf__find_by_name_kind(btf, name, kind) > 0;
	if (has_key)
		memo_put(key, v);
	return v;
}

bool bct_btf_func_exists(const char *func)
{
	return btf_has("btf_func", func, BTF_KIND_FUNC);
}

bool bct_btf_union_exists(const char *name)
{
	return btf_has("btf_union", name, BTF_KIND_UNION);
}

bool bct_btf_struct_exists(const char *name)
{
	return btf_has("btf_struct", name, BTF_KIND_STRUCT);
}

bool bct_btf_member_exists(const char *strct, const char *member)
{
	const struct btf_member *m;
	const struct btf_type *t;
	char name[160], key[192];
	struct btf *btf;
	bool has_key;
	int id, i, v;

	snprintf(name, sizeof(name), "%s.%s", strct, member);
	has_key = memo_key(key, sizeof(key), "btf_member", name);
	if (has_key && memo_get(key, &v))
		return v;
	btf = vmlinux_btf();
	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, strct, BTF_KIND_STRUCT);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	v = 0;
	for (i = 0, m = t ? btf_members(t) : NULL; t && i < btf_vlen(t) && !v; i++, m++)
		v = !strcmp(btf__name_by_offset(btf, m->name_off), member);
	if (has_key)
		memo_put(key, v);
	return v;
}

/*
 * The sched_info method of runqlat and runqslower (bpf-src/bct_runq.bpf.h): whether the kernel
 * stamps queued tasks (CONFIG_SCHED_INFO, kept whatever delay accounting's setting on current
 * kernels: init has waited on a run queue at some time since boot, so its run_delay, the
 * second field of /proc/1/schedstat, is above 0) and a task leads to its run queue
 * (CONFIG_FAIR_GROUP_SCHED's cfs_rq->rq).
 */
bool bct_sched_info_kept(char *why, size_t sz)
{
	unsigned long long run_ns = 0, wait_ns = 0;
	FILE *f = fopen("/proc/1/schedstat", "r");
	int n = f ? fscanf(f, "%llu %llu", &run_ns, &wait_ns) : 0;

	if (f)
		fclose(f);
	if (n != 2 || !wait_ns) {
		snprintf(why, sz, "the kernel keeps no run queue waits (/proc/1/schedstat: %s)",
			 f ? "no wait time" : "absent");
		return false;
	}
	if (!bct_btf_member_exists("cfs_rq", "rq")) {
		snprintf(why, sz, "no cfs_rq->rq in kernel BTF (CONFIG_FAIR_GROUP_SCHED)");
		return false;
	}
	return true;
}

bool bct_btf_tracepoint_exists(const char *name)
{
	char tname[160];

	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	return btf_has("btf_tp", tname, BTF_KIND_TYPEDEF);
}

/* --- real load/attach probes ------------------------------------------------------------------ */

static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static int load_tracing(enum bpf_attach_type type, const char *btf_name, __u32 btf_kind)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type);
	struct btf *btf = vmlinux_btf();
	int id, fd;

	if (!btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, btf_name, btf_kind);
	if (id <= 0)
		return -ENOENT;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "bct_probe", "GPL", ret0, ARRAY_SIZE(ret0),
			   &opts);
	return fd < 0 ? -errno : fd;
}

/*
 * Loads, then (fentry) attaches and detaches at once: both steps must work. A tp_btf program
 * that loads also attaches, so it is only loaded: attaching and detaching a tracepoint probe
 * makes the kernel wait for an RCU grace period (~15 ms) at the tool's own first tracepoint
 * attach (tracepoint.c's 1 -> 0 -> 1 transition sync, which is global, not per tracepoint).
 */
static int probe_tracing(enum bpf_attach_type type, const char *const *names, __u32 btf_kind)
{
	int fd = -ENOENT, lfd, err;
	size_t i;

	for (i = 0; names[i] && fd == -ENOENT; i++)
		fd = load_tracing(type, names[i], btf_kind);
	if (fd < 0)
		return fd;
	if (type == BPF_TRACE_RAW_TP) {
		close(fd);
		return 0;
	}
	lfd = bpf_raw_tracepoint_open(NULL, fd);
	err = lfd < 0 ? -errno : 0;
	if (lfd >= 0)
		close(lfd);
	close(fd);
	return err;
}

int bct_probe_fentry(void)
{
	static const char *const funcs[] = { "bpf_fentry_test1", "vfs_read", "do_nanosleep", NULL };
	static int res = NOT_PROBED;

	if (res == NOT_PROBED && !memo_get("fentry", &res)) {
		res = memo_put("fentry", probe_tracing(BPF_TRACE_FENTRY, funcs, BTF_KIND_FUNC));
		pr_debug("probe: fentry: %s", res ? strerror(-res) : "ok");
	}
	return res;
}

int bct_probe_tp_btf(void)
{
	static const char *const tps[] = { "btf_trace_sched_switch", "btf_trace_sys_enter", NULL };
	static int res = NOT_PROBED;

	if (res == NOT_PROBED && !memo_get("tp_btf", &res)) {
		res = memo_put("tp_btf", probe_tracing(BPF_TRACE_RAW_TP, tps, BTF_KIND_TYPEDEF));
		pr_debug("probe: tp_btf: %s", res ? strerror(-res) : "ok");
	}
	return res;
}

int bct_probe_raw_tp(void)
{
	static int res = NOT_PROBED;
	int fd;

	if (res != NOT_PROBED || memo_get("raw_tp", &res))
		return res;
	/* load only: see probe_tracing() for what an attach and detach would cost */
	fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "bct_probe", "GPL", ret0, ARRAY_SIZE(ret0),
			   NULL);
	res = memo_put("raw_tp", fd < 0 ? -errno : 0);
	if (fd >= 0)
		close(fd);
	pr_debug("probe: raw_tp: %s", res ? strerror(-res) : "ok");
	return res;
}

static int perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu)
{
	return syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/*
 * A tracepoint program loads, the tracepoint PMU exists and tracefs has event ids. Nothing is
 * attached: closing a perf event on a tracepoint waits for RCU grace periods (~30-70 ms), and
 * a real attach reports its own failure.
 */
int bct_probe_tracepoint(void)
{
	static int res = NOT_PROBED;
	char path[512];
	int fd;

	if (res != NOT_PROBED || memo_get("tracepoint", &res))
		return res;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, "bct_probe", "GPL", ret0, ARRAY_SIZE(ret0),
			   NULL);
	res = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	if (!res && access("/sys/bus/event_source/devices/tracepoint/type", F_OK))
		res = -errno;
	if (!res)
		res = bct_tracefs_path(path, sizeof(path), "events/sched/sched_switch/id");
	if (!res && access(path, R_OK))
		res = -errno;
	memo_put("tracepoint", res);
	pr_debug("probe: tracepoint: %s", res ? strerror(-res) : "ok");
	return res;
}

int bct_probe_perf_event(void)
{
	static int res = NOT_PROBED;
	struct perf_event_attr attr;
	int fd;

	if (res != NOT_PROBED || memo_get("perf_event", &res))
		return res;
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_SOFTWARE;
	attr.size = sizeof(attr);
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_freq = 1;
	attr.freq = 1;
	fd = perf_event_open(&attr, -1, 0);
	res = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	if (!res) {
		fd = bpf_prog_load(BPF_PROG_TYPE_PERF_EVENT, "bct_probe", "GPL", ret0,
				   ARRAY_SIZE(ret0), NULL);
		res = fd < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
	}
	memo_put("perf_event", res);
	pr_debug("probe: perf_event: %s", res ? strerror(-res) : "ok");
	return res;
}

/* --- sysfs / tracefs ------------------------------------------------------------------------ */

static bool tracefs_has(const char *name)
{
	char path[512];

	return !bct_tracefs_path(path, sizeof(path), name) && access(path, F_OK) == 0;
}

bool bct_has_kprobes(void)
{
	static int res = -1;

	if (res < 0 && !memo_get("kprobes", &res))
		res = memo_put("kprobes",
			       access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0 ||
				       tracefs_has("kprobe_events"));
	return res;
}

bool bct_has_uprobes(void)
{
	static int res = -1;

	if (res < 0 && !memo_get("uprobes", &res))
		res = memo_put("uprobes",
			       access("/sys/bus/event_source/devices/uprobe/type", F_OK) == 0 ||
				       tracefs_has("uprobe_events"));
	return res;
}

bool bct_has_ringbuf(void)
{
	static int res = -1;

	if (res < 0 && !memo_get("ringbuf", &res))
		res = memo_put("ringbuf",
			       libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1);
	return res;
}

bool bct_tracepoint_exists(const char *category, const char *event)
{
	char name[320];

	if (strchr(category, '/') || strchr(event, '/') || !strcmp(category, "..") ||
	    !strcmp(event, ".."))
		return false;
	snprintf(name, sizeof(name), "events/%s/%s", category, event);
	return tracefs_has(name);
}

/*
 * available_filter_functions, read once. Returns NULL when it cannot be read (some kernels
 * refuse it even to root): callers then cannot tell and assume traceable.
 */
static const char *filter_functions(void)
{
	static char *text;
	static bool tried;
	char path[512];
	size_t len;
	int fd;

	if (tried)
		return text;
	tried = true;
	if (bct_tracefs_path(path, sizeof(path), "available_filter_functions"))
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (bct_read_fd(fd, 1 << 20, &text, &len))
		text = NULL;
	close(fd);
	return text;
}

/*
 * Only "traceable" is memoized: a module loaded later in the boot can add functions, and a
 * stale "yes" only makes the attach fail (which drops the memo).
 */
bool bct_func_traceable(const char *func)
{
	const char *text, *p;
	size_t l = strlen(func);
	char key[192];
	bool has_key = memo_key(key, sizeof(key), "traceable", func);
	int v;

	if (has_key && memo_get(key, &v) && v)
		return true;
	text = filter_functions();
	if (!text)
		return true;
	for (p = text; (p = strstr(p, func)); p += l) {
		if ((p == text || p[-1] == '\n') && (p[l] == '\n' || p[l] == ' ' || p[l] == '\0')) {
			if (has_key)
				memo_put(key, 1);
			return true;
		}
	}
	return false;
}

/* --- kind and SEC() availability ---------------------------------------------------------- */

static bool __attribute__((format(printf, 3, 4))) fail(char *why, size_t sz, const char *fmt, ...)
{
	va_list ap;

	if (why && sz) {
		va_start(ap, fmt);
		vsnprintf(why, sz, fmt, ap);
		va_end(ap);
	}
	return false;
}

static bool probe_result(int err, const char *what, char *why, size_t sz)
{
	char e[64];

	if (!err)
		return true;
	if ((err == -EPERM || err == -EACCES) && !bct_has_bpf_privileges())
		return fail(why, sz, "%s cannot be probed without privileges", what);
	if (err == -EPERM || err == -EACCES)
		snprintf(e, sizeof(e), "not permitted by this kernel (%s)",
			 err == -EPERM ? "EPERM" : "EACCES");
	else if (err == -ENOENT)
		snprintf(e, sizeof(e), "cannot be probed (no kernel BTF or target)");
	else
		snprintf(e, sizeof(e), "failed to load: %s", strerror(-err));
	return fail(why, sz, "%s %s", what, e);
}

bool bct_attach_kind_available(enum bct_attach_kind kind, char *why, size_t sz)
{
	if (bct_attach_disabled(kind))
		return fail(why, sz, "disabled by BCCTOOL_DISABLE_ATTACH");
	return bct_attach_kind_supported(kind, why, sz);
}

bool bct_attach_kind_supported(enum bct_attach_kind kind, char *why, size_t sz)
{
	switch (kind) {
	case BCT_ATTACH_FENTRY:
		return probe_result(bct_probe_fentry(), "fentry/fexit", why, sz);
	case BCT_ATTACH_KPROBE:
		if (!bct_has_kprobes())
			return fail(why, sz, "kernel has no kprobes");
		return true;
	case BCT_ATTACH_TRACEPOINT:
		return probe_result(bct_probe_tracepoint(), "tracepoints", why, sz);
	case BCT_ATTACH_TP_BTF:
		if (!bct_has_btf())
			return fail(why, sz, "kernel has no BTF");
		return probe_result(bct_probe_tp_btf(), "tp_btf", why, sz);
	case BCT_ATTACH_RAW_TP:
		return probe_result(bct_probe_raw_tp(), "raw tracepoints", why, sz);
	case BCT_ATTACH_UPROBE:
		if (!bct_has_uprobes())
			return fail(why, sz, "kernel has no uprobes");
		return true;
	case BCT_ATTACH_PERF_EVENT:
		return probe_result(bct_probe_perf_event(), "perf events", why, sz);
	default:
		return true;
	}
}

static bool raw_tp_exists(const char *name)
{
	char path[512];
	FILE *f;
	char line[512];
	size_t l = strlen(name);
	bool found = false;

	if (bct_has_btf() && vmlinux_btf())
		return bct_btf_tracepoint_exists(name);
	/* no BTF: look for "<category>:<name>" in available_events */
	if (bct_tracefs_path(path, sizeof(path), "available_events"))
		return true;
	f = fopen(path, "r");
	if (!f)
		return true;
	while (!found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		found = colon && !strncmp(colon + 1, name, l) &&
			(colon[1 + l] == '\n' || colon[1 + l] == '\0');
	}
	fclose(f);
	return found;
}

bool bct_sec_available(const struct bct_sec *s, char *why, size_t sz)
{
	char cat[128];
	const char *slash;

	if (!bct_attach_kind_available(s->kind, why, sz))
		return false;
	switch (s->kind) {
	case BCT_ATTACH_FENTRY:
		if (!s->target[0])
			return true;
		if (!bct_btf_func_exists(s->target))
			return fail(why, sz, "function '%s' is not in kernel BTF", s->target);
		if (!bct_func_traceable(s->target))
			return fail(why, sz, "function '%s' is not traceable", s->target);
		return true;
	case BCT_ATTACH_KPROBE:
		if (s->target[0] && !bct_func_traceable(s->target))
			return fail(why, sz, "function '%s' is not traceable", s->target);
		return true;
	case BCT_ATTACH_TRACEPOINT:
		if (!s->target[0])
			return true; /* a bare SEC("tracepoint"): the tool attaches it */
		slash = strchr(s->target, '/');
		if (!slash || (size_t)(slash - s->target) >= sizeof(cat))
			return fail(why, sz, "bad tracepoint name '%s'", s->target);
		memcpy(cat, s->target, slash - s->target);
		cat[slash - s->target] = '\0';
		if (!bct_tracepoint_exists(cat, slash + 1))
			return fail(why, sz, "no tracepoint %s:%s", cat, slash + 1);
		return true;
	case BCT_ATTACH_TP_BTF:
		if (s->target[0] && !bct_btf_tracepoint_exists(s->target))
			return fail(why, sz, "no BTF tracepoint '%s'", s->target);
		return true;
	case BCT_ATTACH_RAW_TP:
		if (s->target[0] && !raw_tp_exists(s->target))
			return fail(why, sz, "no raw tracepoint '%s'", s->target);
		return true;
	default:
		return true;
	}
}

/* --- security state -------------------------------------------------------------------------- */

const char *bct_lockdown(void)
{
	static char mode[32];
	static bool tried;
	char line[128], *open, *close_;
	FILE *f;

	if (tried)
		return mode[0] ? mode : NULL;
	tried = true;
	f = fopen("/sys/kernel/security/lockdown", "r");
	if (!f)
		return NULL;
	if (fgets(line, sizeof(line), f)) {
		open = strchr(line, '[');
		close_ = open ? strchr(open, ']') : NULL;
		if (open && close_ && (size_t)(close_ - open - 1) < sizeof(mode)) {
			memcpy(mode, open + 1, close_ - open - 1);
			mode[close_ - open - 1] = '\0';
		}
	}
	fclose(f);
	return mode[0] ? mode : NULL;
}

bool bct_has_bpf_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	uint64_t eff;

	if (geteuid() == 0)
		return true;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return false;
	eff = data[0].effective | (uint64_t)data[1].effective << 32;
#define CAPBIT(c) (1ULL << (c))
	if (eff & CAPBIT(21 /* CAP_SYS_ADMIN */))
		return true;
	return (eff & CAPBIT(39 /* CAP_BPF */)) && (eff & CAPBIT(38 /* CAP_PERFMON */));
#undef CAPBIT
}
