// SPDX-License-Identifier: Apache-2.0
/*
 * kvmexit: VM exits counted by exit reason, per process and thread (or for one process, one
 * thread, a list of threads, or one vCPU), printed once at the end of the run.
 *
 * Interface of BCC's kvmexit by Fei Li; written anew, with --json. BCC refuses to start
 * without /dev/kvm or on a non-Intel CPU; this one attaches to kvm:kvm_exit wherever the
 * tracepoint exists and counts what it sees (VMX reason numbers; see the man page).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "cmd.h"
#include "histtool.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "signals.h"
#include "kvmexit.h"

/* VMX basic exit reasons 0..68 by number, as BCC names them ("N/A": none by that number). */
static const char *const reasons[KVMEXIT_REASONS] = {
	"EXCEPTION_NMI",
	"EXTERNAL_INTERRUPT",
	"TRIPLE_FAULT",
	"INIT_SIGNAL",
	"N/A",
	"N/A",
	"N/A",
	"INTERRUPT_WINDOW",
	"NMI_WINDOW",
	"TASK_SWITCH",
	"CPUID",
	"N/A",
	"HLT",
	"INVD",
	"INVLPG",
	"RDPMC",
	"RDTSC",
	"N/A",
	"VMCALL",
	"VMCLEAR",
	"VMLAUNCH",
	"VMPTRLD",
	"VMPTRST",
	"VMREAD",
	"VMRESUME",
	"VMWRITE",
	"VMOFF",
	"VMON",
	"CR_ACCESS",
	"DR_ACCESS",
	"IO_INSTRUCTION",
	"MSR_READ",
	"MSR_WRITE",
	"INVALID_STATE",
	"MSR_LOAD_FAIL",
	"N/A",
	"MWAIT_INSTRUCTION",
	"MONITOR_TRAP_FLAG",
	"N/A",
	"MONITOR_INSTRUCTION",
	"PAUSE_INSTRUCTION",
	"MCE_DURING_VMENTRY",
	"N/A",
	"TPR_BELOW_THRESHOLD",
	"APIC_ACCESS",
	"EOI_INDUCED",
	"GDTR_IDTR",
	"LDTR_TR",
	"EPT_VIOLATION",
	"EPT_MISCONFIG",
	"INVEPT",
	"RDTSCP",
	"PREEMPTION_TIMER",
	"INVVPID",
	"WBINVD",
	"XSETBV",
	"APIC_WRITE",
	"RDRAND",
	"INVPCID",
	"VMFUNC",
	"ENCLS",
	"RDSEED",
	"PML_FULL",
	"XSAVES",
	"XRSTORS",
	"N/A",
	"N/A",
	"UMWAIT",
	"TPAUSE",
};

static struct kvmexit_env {
	struct bct_env kit; /* --json, --ebpf, --debug */
	long pid, tid, vcpu; /* -1: not given */
	bool all_tids;
	uint32_t tids[KVMEXIT_MAX_TIDS];
	int ntids;
	const char *tids_arg;
	uint64_t duration; /* 0: until Ctrl-C */
	bool have_duration;
	const char *excl; /* the mutually exclusive option given, for argparse's message */
} env = { .pid = -1, .tid = -1, .vcpu = -1 };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('p', "pid", "PID", "trace this PID only"),
	BCT_CUSTOM('t', "tid", "TID", "trace this TID only"),
	BCT_CUSTOM('T', "tids", "TIDS",
		   "trace a comma separated series of tids with no space in between"),
	BCT_CUSTOM('v', "vcpu", "VCPU", "trace this vcpu only"),
	BCT_CUSTOM('a', "alltids", NULL, "trace all tids for this pid"),
	{ 0 },
};

static const char doc[] =
	"Display kvm_exit_reason and its statistics at a timed interval\n"
	"\v"
	"  duration  show delta for next several seconds\n"
	"\n"
	"examples:\n"
	"    kvmexit                 # Display kvm_exit_reason and its statistics until Ctrl-C\n"
	"    kvmexit 5               # Display after sleeping 5s\n"
	"    kvmexit -p 3195281      # Collapse all tids for pid 3195281, descending counts\n"
	"    kvmexit -p 3195281 20   # The same, displayed after sleeping 20s\n"
	"    kvmexit -p 3195281 -v 0 # Display only vcpu0 for pid 3195281\n"
	"    kvmexit -p 3195281 -a   # Display all tids for pid 3195281\n"
	"    kvmexit -t 395490       # Display only tid 395490, descending counts\n"
	"    kvmexit -T '395490,395491' # Display for a union like {395490, 395491}\n"
	"    kvmexit --json          # one JSON object per row\n";

static const char *opt_name(int key)
{
	switch (key) {
	case 't':
		return "-t/--tid";
	case 'T':
		return "-T/--tids";
	case 'v':
		return "-v/--vcpu";
	default:
		return "-a/--alltids";
	}
}

static void parse_tids(struct argp_state *state, const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL, *end;
	long v;

	if (!copy)
		argp_failure(state, 1, ENOMEM, "cannot parse -T");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		errno = 0;
		v = strtol(tok, &end, 10);
		if (errno || *end || end == tok || v < 0 || v > UINT32_MAX)
			argp_error(state, "argument -T/--tids: must be valid integer");
		if (env.ntids == KVMEXIT_MAX_TIDS)
			argp_error(state, "argument -T/--tids: at most %d tids", KVMEXIT_MAX_TIDS);
		env.tids[env.ntids++] = (uint32_t)v;
	}
	free(copy);
	if (!env.ntids)
		argp_error(state, "argument -T/--tids: must be valid integer");
}

static long parse_int(struct argp_state *state, const char *what, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < 0 || v > INT32_MAX)
		argp_error(state, "argument %s: invalid int value: '%s'", what, arg);
	return v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 't':
	case 'T':
	case 'v':
	case 'a':
		if (env.excl && strcmp(env.excl, opt_name(key)))
			argp_error(state, "argument %s: not allowed with argument %s",
				   opt_name(key), env.excl);
		env.excl = opt_name(key);
		if (key == 't')
			env.tid = parse_int(state, "-t/--tid", arg);
		else if (key == 'v')
			env.vcpu = parse_int(state, "-v/--vcpu", arg);
		else if (key == 'a')
			env.all_tids = true;
		else {
			env.ntids = 0;
			env.tids_arg = arg;
			parse_tids(state, arg);
		}
		break;
	case 'p':
		env.pid = parse_int(state, "-p/--pid", arg);
		break;
	case ARGP_KEY_ARG:
		if (env.have_duration)
			argp_error(state, "unrecognized arguments: %s", arg);
		env.duration = parse_int(state, "duration", arg);
		env.have_duration = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[duration]",
	.doc = doc,
};

static const struct bct_method methods[] = {
	{ .name = "raw_tp", .progs = BCT_PROGS(BCT_PROG("raw_kvm_exit", "raw_tp/kvm_exit")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_kvm_exit", "tracepoint/kvm/kvm_exit")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "VM exits", methods, false }, { NULL } };

const struct bct_needs needs_kvmexit = {
	.src_name = "kvmexit.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* BCC's -v: the thread of PID whose name holds "CPU N" (QEMU's "CPU 0/KVM"); 0 or -ENOENT. */
static int vcpu_tid(long pid, long vcpu, long *tid)
{
	char path[320], want[32], comm[64];
	struct dirent *d;
	DIR *dir;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	snprintf(want, sizeof(want), "CPU %ld", vcpu);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/task/%s/comm", pid, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && strstr(comm, want)) {
			fclose(f);
			*tid = strtol(d->d_name, NULL, 10);
			closedir(dir);
			return 0;
		}
		fclose(f);
	}
	closedir(dir);
	return -ENOENT;
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	char list[KVMEXIT_MAX_TIDS * 12 + 4];
	size_t off = 0;
	int i, err;

	(void)ctx;
	if (env.tid >= 0) {
		env.tids[0] = (uint32_t)env.tid;
		env.ntids = 1;
	}
	if (env.ntids) {
		off += snprintf(list + off, sizeof(list) - off, "{");
		for (i = 0; i < env.ntids; i++)
			off += snprintf(list + off, sizeof(list) - off, "%s%u", i ? "," : "",
					env.tids[i]);
		snprintf(list + off, sizeof(list) - off, "}");
		err = bct_prog__define(p, "KVMEXIT_TIDS", "%s", list);
		return err ? err : bct_prog__define(p, "KVMEXIT_NTIDS", "%d", env.ntids);
	}
	if (env.pid >= 0)
		return bct_prog__define(p, "KVMEXIT_TGID", "%ld", env.pid);
	return 0;
}

static const struct kvmexit_key *key_of(const struct bct_hist_entry *e)
{
	return e->key;
}

static int cmp_key(const void *a, const void *b)
{
	const struct kvmexit_key *x = key_of(a), *y = key_of(b);

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x->reason < y->reason ? -1 : x->reason > y->reason;
}

struct total {
	uint64_t count;
	unsigned int reason;
};

/* As Python's sort(reverse=True) of (count, reason): count, then reason, descending. */
static int cmp_total(const void *a, const void *b)
{
	const struct total *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->reason > y->reason ? -1 : x->reason < y->reason;
}

static void row_json(FILE *out, long pid, long tid, unsigned int reason, uint64_t count)
{
	struct bct_json j;

	bct_json_begin(&j, out);
	if (pid >= 0)
		bct_json_int(&j, "pid", pid);
	if (tid >= 0)
		bct_json_int(&j, "tid", tid);
	bct_json_str(&j, "exit_reason", reasons[reason]);
	bct_json_uint(&j, "reason", reason);
	bct_json_uint(&j, "count", count);
	bct_json_end(&j);
}

/* Descending totals by reason, of one process (-p) or one thread (-t). */
static void print_totals(FILE *out, const struct bct_hist_entry *v, size_t n, bool by_pid)
{
	struct total t[KVMEXIT_REASONS];
	const struct kvmexit_key *k;
	size_t i;

	for (i = 0; i < KVMEXIT_REASONS; i++) {
		t[i].count = 0;
		t[i].reason = (unsigned int)i;
	}
	for (i = 0; i < n; i++) {
		k = key_of(&v[i]);
		if (by_pid ? (long)k->tgid == env.pid : (long)k->tid == env.tid)
			t[k->reason].count += v[i].slots[0];
	}
	qsort(t, KVMEXIT_REASONS, sizeof(t[0]), cmp_total);
	for (i = 0; i < KVMEXIT_REASONS && t[i].count; i++) {
		if (env.kit.common.json)
			row_json(out, by_pid ? env.pid : -1, by_pid ? -1 : env.tid, t[i].reason,
				 t[i].count);
		else
			fprintf(out, "%-35s %-8" PRIu64 "\n", reasons[t[i].reason], t[i].count);
	}
}

static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	struct bct_hist_entry *sorted = NULL;
	const struct kvmexit_key *k;
	const char *cols = "PID      TID      ";
	size_t i;

	(void)ctx;
	if (env.pid >= 0 && !env.all_tids)
		cols = "";
	else if (env.tid >= 0)
		cols = "";
	else if (env.ntids)
		cols = "TIDS     ";
	else if (env.pid >= 0)
		cols = "TID      ";
	if (!env.kit.common.json) {
		if (bct_exiting)
			fputc('\n', out);
		fprintf(out, "%s%-35s %s\n", cols, "KVM_EXIT_REASON", "COUNT");
	}
	if (env.pid >= 0 && !env.all_tids) {
		print_totals(out, v, n, true);
		return;
	}
	if (env.tid >= 0) {
		print_totals(out, v, n, false);
		return;
	}
	if (n) {
		sorted = malloc(n * sizeof(*sorted));
		if (!sorted) {
			pr_err("cannot sort the counts: out of memory");
			return;
		}
		memcpy(sorted, v, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), cmp_key);
	}
	for (i = 0; i < n; i++) {
		k = key_of(&sorted[i]);
		if (!sorted[i].slots[0])
			continue;
		if (env.kit.common.json)
			row_json(out, *cols == 'P' ? (long)k->tgid : -1, k->tid, k->reason,
				 sorted[i].slots[0]);
		else if (*cols == 'P')
			fprintf(out, "%-8u %-8u %-35s %-8" PRIu64 "\n", k->tgid, k->tid,
				reasons[k->reason], sorted[i].slots[0]);
		else
			fprintf(out, "%-8u %-35s %-8" PRIu64 "\n", k->tid, reasons[k->reason],
				sorted[i].slots[0]);
	}
	free(sorted);
}

/* bcctool serve: the exits by reason (no PID or TID) */
static const struct bct_serve_counter serve_counters[] = {
	{ "exits", 0, NULL, "KVM exits by exit reason" },
	{ NULL },
};

static bool serve_key(void *ctx, const struct bct_hist_entry *e, char (*val)[BCT_SERVE_LABEL_LEN])
{
	const struct kvmexit_key *k = key_of(e);

	(void)ctx;
	if (k->reason >= KVMEXIT_REASONS)
		snprintf(val[0], BCT_SERVE_LABEL_LEN, "%u", k->reason);
	else
		snprintf(val[0], BCT_SERVE_LABEL_LEN, "%s", reasons[k->reason]);
	return true;
}

int cmd_kvmexit(int argc, char **argv)
{
	char banner[1200], what[1024];
	struct bct_hist_tool tool = {
		.banner = banner,
		.missed_what = "VM exits",
		.print = print,
		.serve_counters = serve_counters,
		.serve_labels = { "reason" },
		.serve_key = serve_key,
	};
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.tid >= 0)
		snprintf(what, sizeof(what), "TID %ld", env.tid);
	else if (env.ntids)
		snprintf(what, sizeof(what), "TIDS %s", env.tids_arg);
	else if (env.pid >= 0 && env.vcpu >= 0) {
		snprintf(what, sizeof(what), "PID %ld VCPU %ld", env.pid, env.vcpu);
		if (!env.kit.common.ebpf && vcpu_tid(env.pid, env.vcpu, &env.tid)) {
			pr_err("there is no vCPU %ld in PID %ld: no thread of it is named \"CPU "
			       "%ld/KVM\"",
			       env.vcpu, env.pid, env.vcpu);
			return 1;
		}
	} else if (env.pid >= 0 && env.all_tids)
		snprintf(what, sizeof(what), "PID %ld and its all threads", env.pid);
	else if (env.pid >= 0)
		snprintf(what, sizeof(what), "PID %ld", env.pid);
	else
		snprintf(what, sizeof(what), "all threads");
	if (env.have_duration)
		snprintf(banner, sizeof(banner),
			 "Display kvm exit reasons and statistics for %s after sleeping %" PRIu64
			 " secs.",
			 what, env.duration);
	else
		snprintf(banner, sizeof(banner),
			 "Display kvm exit reasons and statistics for %s... Hit Ctrl-C to end.",
			 what);
	/* 0 seconds: print at once (the kit's 0 means until Ctrl-C) */
	env.kit.duration_ms = env.have_duration ? (env.duration ? env.duration * 1000 : 1) : 0;
	if (bct_session__init(&s, &env.kit, &needs_kvmexit, NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
