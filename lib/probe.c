// SPDX-License-Identifier: Apache-2.0
/* Probing what the running kernel offers, for real, once per process. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "probe.h"
#include "tracefs.h"

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
	const char *env;
	char buf[256], *tok, *save = NULL;

	if (mask >= 0)
		return mask;
	mask = 0;
	env = getenv("BCCTOOL_DISABLE_ATTACH");
	if (!env || !*env)
		return mask;
	snprintf(buf, sizeof(buf), "%s", env);
	for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(aliases); i++)
			if (!strcmp(tok, aliases[i].name))
				break;
		if (i == ARRAY_SIZE(aliases)) {
			pr_warn("BCCTOOL_DISABLE_ATTACH: unknown attach kind '%s'", tok);
			continue;
		}
		mask |= 1u << aliases[i].kind;
	}
	return mask;
}

bool bct_attach_disabled(enum bct_attach_kind kind)
{
	return disabled_mask() & (1u << kind);
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

bool bct_btf_func_exists(const char *func)
{
	struct btf *btf = vmlinux_btf();

	return btf && btf__find_by_name_kind(btf, func, BTF_KIND_FUNC) > 0;
}

bool bct_btf_tracepoint_exists(const char *name)
{
	struct btf *btf = vmlinux_btf();
	char tname[160];

	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	return btf && btf__find_by_name_kind(btf, tname, BTF_KIND_TYPEDEF) > 0;
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

	if (res == NOT_PROBED) {
		res = probe_tracing(BPF_TRACE_FENTRY, funcs, BTF_KIND_FUNC);
		pr_debug("probe: fentry: %s", res ? strerror(-res) : "ok");
	}
	return res;
}

int bct_probe_tp_btf(void)
{
	static const char *const tps[] = { "btf_trace_sched_switch", "btf_trace_sys_enter", NULL };
	static int res = NOT_PROBED;

	if (res == NOT_PROBED) {
		res = probe_tracing(BPF_TRACE_RAW_TP, tps, BTF_KIND_TYPEDEF);
		pr_debug("probe: tp_btf: %s", res ? strerror(-res) : "ok");
	}
	return res;
}

int bct_probe_raw_tp(void)
{
	static int res = NOT_PROBED;
	int fd;

	if (res != NOT_PROBED)
		return res;
	/* load only: see probe_tracing() for what an attach and detach would cost */
	fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "bct_probe", "GPL", ret0, ARRAY_SIZE(ret0),
			   NULL);
	res = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	pr_debug("probe: raw_tp: %s", res ? strerror(-res) : "ok");
	return res;
}

static int perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu)
{
	return syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

int bct_probe_tracepoint(void)
{
	static int res = NOT_PROBED;
	struct perf_event_attr attr;
	char path[512];
	FILE *f;
	int fd, pfd, id = -1;

	if (res != NOT_PROBED)
		return res;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, "bct_probe", "GPL", ret0, ARRAY_SIZE(ret0),
			   NULL);
	if (fd < 0) {
		res = -errno;
		goto out;
	}
	/* attach to sched:sched_switch through the tracepoint PMU, as libbpf does */
	res = bct_tracefs_path(path, sizeof(path), "events/sched/sched_switch/id");
	if (!res) {
		f = fopen(path, "r");
		if (!f || fscanf(f, "%d", &id) != 1)
			res = f ? -EINVAL : -errno;
		if (f)
			fclose(f);
	}
	if (!res) {
		memset(&attr, 0, sizeof(attr));
		attr.type = PERF_TYPE_TRACEPOINT;
		attr.size = sizeof(attr);
		attr.config = id;
		pfd = perf_event_open(&attr, -1, 0);
		if (pfd < 0) {
			res = -errno;
		} else {
			if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, fd))
				res = -errno;
			close(pfd);
		}
	}
	close(fd);
out:
	pr_debug("probe: tracepoint: %s", res ? strerror(-res) : "ok");
	return res;
}

int bct_probe_perf_event(void)
{
	static int res = NOT_PROBED;
	struct perf_event_attr attr;
	int fd;

	if (res != NOT_PROBED)
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

	if (res < 0)
		res = access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0 ||
		      tracefs_has("kprobe_events");
	return res;
}

bool bct_has_uprobes(void)
{
	static int res = -1;

	if (res < 0)
		res = access("/sys/bus/event_source/devices/uprobe/type", F_OK) == 0 ||
		      tracefs_has("uprobe_events");
	return res;
}

bool bct_has_ringbuf(void)
{
	static int res = -1;

	if (res < 0)
		res = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
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
	size_t len = 0, cap = 0, n;
	FILE *f;

	if (tried)
		return text;
	tried = true;
	if (bct_tracefs_path(path, sizeof(path), "available_filter_functions"))
		return NULL;
	f = fopen(path, "r");
	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 65536 + 1) {
			char *nt = realloc(text, cap = cap ? cap * 2 : 1 << 20);

			if (!nt) {
				free(text);
				text = NULL;
				break;
			}
			text = nt;
		}
		n = fread(text + len, 1, 65536, f);
		if (!n)
			break;
		len += n;
	}
	if (ferror(f) || !text) {
		free(text);
		text = NULL;
	} else {
		text[len] = '\0';
	}
	fclose(f);
	return text;
}

bool bct_func_traceable(const char *func)
{
	const char *text = filter_functions(), *p;
	size_t l = strlen(func);

	if (!text)
		return true;
	for (p = text; (p = strstr(p, func)); p += l) {
		if ((p == text || p[-1] == '\n') && (p[l] == '\n' || p[l] == ' ' || p[l] == '\0'))
			return true;
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
