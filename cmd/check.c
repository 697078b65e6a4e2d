// SPDX-License-Identifier: Apache-2.0
/*
 * check: which attach method each tool would use on this kernel, or why it cannot run.
 *
 * Answers from the tools' declarations (needs_<tool>, cmd/cmd.h) and the kernel probes of
 * lib/probe.h alone, through the same bct_hook_choose() the engine calls at load time: no
 * tool's BPF program is compiled or loaded. bcctool's own command; BCC has no equivalent.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "bct.h"
#include "cmd.h"
#include "prog.h"
#include "probe.h"
#include "tool.h"

#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MAX_HOOKS 16
#define MAX_CANDIDATES 16
#define REASON_LEN 1024

/* The registry (cmd/main.c). */
static const struct bct_cmd *tools;
static size_t ntools;

static struct check_env {
	struct bct_env kit; /* --json */
	bool verbose;
	bool load_all; /* --load-all (internal: test/085-verify-methods.bats) */
	char **names; /* the tools named on the command line, or NULL for every visible tool */
	int nnames;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('v', "verbose", &env.verbose,
		 "also show every method tried and why it was rejected"),
	BCT_FLAG(0x100, "load-all", &env.load_all, NULL),
	{ 0 },
};

static const char doc[] =
	"Show which attach method each tool would use on this kernel, or why it cannot run\n"
	"\v"
	"examples:\n"
	"    check                   # every tool, one line per tool and variant\n"
	"    check opensnoop         # only opensnoop; exit 1 if it cannot run here\n"
	"    check -v biolatency     # also every method tried and why it was rejected\n"
	"    check --json            # one JSON object per tool and variant\n";

static const struct bct_cmd *find_tool(const char *name)
{
	size_t i;

	for (i = 0; i < ntools; i++)
		if (!(tools[i].flags & BCT_HIDDEN) && !strcmp(tools[i].name, name))
			return &tools[i];
	return NULL;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char shown[96];
	int i;

	switch (key) {
	case ARGP_KEY_ARGS:
		env.names = state->argv + state->next;
		env.nnames = state->argc - state->next;
		for (i = 0; i < env.nnames; i++)
			if (!find_tool(env.names[i]))
				argp_error(state, "unknown tool: '%s' (see 'bcctool --list')",
					   bct_arg_shown(env.names[i], shown, sizeof(shown)));
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[TOOL...]",
	.doc = doc,
};

/* --- the verdict on one hook ------------------------------------------------------------- */

/* Why a method was rejected, from its first program that cannot attach. */
enum verdict {
	V_OK,
	V_DISABLED, /* BCCTOOL_DISABLE_ATTACH names its kind */
	V_NO_KIND, /* the kernel lacks the attach kind (kprobes, fentry...) */
	V_NO_PRIV, /* the kind cannot be probed without privileges: unknown */
	V_NO_TARGET, /* the kind works, the function or tracepoint is missing */
};

struct hook_res {
	const struct bct_hook *hook;
	const struct bct_method *chosen; /* bct_hook_choose(): the engine's choice */
	bool unknown; /* a better method could not be probed without privileges */
	const struct bct_method *candidates[MAX_CANDIDATES]; /* when unknown, best first */
	size_t ncandidates;
	char reason[REASON_LEN]; /* when there is no choice: short and useful */
};

/* Kinds whose probe loads a program, hence needs privileges to answer. */
static bool probe_needs_privileges(enum bct_attach_kind kind)
{
	return kind == BCT_ATTACH_FENTRY || kind == BCT_ATTACH_TRACEPOINT ||
	       kind == BCT_ATTACH_TP_BTF || kind == BCT_ATTACH_RAW_TP ||
	       kind == BCT_ATTACH_PERF_EVENT;
}

/* The same checks as bct_method_available(), in the same order, told apart. */
static enum verdict classify(const struct bct_method *m, enum bct_attach_kind *kind)
{
	const struct bct_prog_decl *d;

	if (bct_method_disabled(m->name))
		return V_DISABLED;
	for (d = m->progs; d && d->name; d++) {
		struct bct_sec sec;

		if (bct_sec_parse(d->sec, &sec))
			return V_NO_TARGET;
		*kind = sec.kind;
		if (bct_attach_disabled(sec.kind))
			return V_DISABLED;
		if (!bct_attach_kind_supported(sec.kind, NULL, 0))
			return !bct_has_bpf_privileges() && probe_needs_privileges(sec.kind)
				       ? V_NO_PRIV
				       : V_NO_KIND;
		if (!bct_sec_available(&sec, NULL, 0))
			return V_NO_TARGET;
	}
	return m->usable && !m->usable(NULL, 0) ? V_NO_TARGET : V_OK;
}

/* What a kernel lacking this kind lacks, for "needs ...". */
static const char *kind_need(enum bct_attach_kind kind)
{
	switch (kind) {
	case BCT_ATTACH_FENTRY:
		return "fentry/fexit";
	case BCT_ATTACH_KPROBE:
		return "kprobes";
	case BCT_ATTACH_TRACEPOINT:
		return "tracepoints";
	case BCT_ATTACH_RAW_TP:
		return "raw tracepoints";
	case BCT_ATTACH_UPROBE:
		return "uprobes";
	case BCT_ATTACH_PERF_EVENT:
		return "perf events";
	default:
		return bct_attach_kind_name(kind);
	}
}

static void eval_hook(const struct bct_hook *h, struct hook_res *r)
{
	enum bct_attach_kind needed[MAX_CANDIDATES];
	size_t nneeded = 0, i, len;
	const struct bct_method *m;
	bool kind_level = true;

	memset(r, 0, sizeof(*r));
	r->hook = h;
	r->chosen = bct_hook_choose(h, r->reason, sizeof(r->reason));
	for (m = h->methods; m && m->name && m != r->chosen; m++) {
		enum bct_attach_kind kind = BCT_ATTACH_OTHER;

		switch (classify(m, &kind)) {
		case V_NO_PRIV:
			if (r->ncandidates < MAX_CANDIDATES)
				r->candidates[r->ncandidates++] = m;
			break;
		case V_NO_KIND:
			for (i = 0; i < nneeded && needed[i] != kind; i++)
				;
			if (i == nneeded && nneeded < MAX_CANDIDATES)
				needed[nneeded++] = kind;
			break;
		case V_DISABLED:
			break;
		default:
			kind_level = false;
			break;
		}
	}
	if (r->ncandidates) {
		r->unknown = true;
		if (r->chosen && r->ncandidates < MAX_CANDIDATES)
			r->candidates[r->ncandidates++] = r->chosen;
		r->chosen = NULL;
		snprintf(r->reason, sizeof(r->reason), "probing needs root or CAP_BPF+CAP_PERFMON");
		return;
	}
	if (r->chosen || !kind_level || !h->methods || !h->methods->name)
		return; /* the reason is bct_hook_choose()'s list of attempts */
	if (!nneeded) {
		snprintf(r->reason, sizeof(r->reason),
			 "every method disabled by BCCTOOL_DISABLE_ATTACH");
		return;
	}
	len = snprintf(r->reason, sizeof(r->reason), "needs");
	for (i = 0; i < nneeded && len < sizeof(r->reason); i++)
		len += snprintf(r->reason + len, sizeof(r->reason) - len, "%s %s", i ? " or" : "",
				kind_need(needed[i]));
}

/* --- one tool and variant ----------------------------------------------------------------- */

enum status {
	S_NO_BPF,
	S_AVAILABLE,
	S_UNKNOWN,
	S_UNAVAILABLE,
};

struct row {
	const struct bct_cmd *tool;
	const char *variant; /* "" for the default run */
	const struct bct_hook *hooks; /* NULL for a tool without BPF */
	struct hook_res res[MAX_HOOKS];
	size_t nhooks;
	enum status status;
	const struct hook_res *failed; /* the first required hook without a method */
	char lacks[REASON_LEN]; /* needs->requires() failed: what the machine lacks */
};

static void eval_row(struct row *rw)
{
	const struct bct_needs *n = rw->tool->needs;
	const struct bct_hook *h;

	rw->nhooks = 0;
	rw->failed = NULL;
	rw->status = rw->hooks ? S_AVAILABLE : S_NO_BPF;
	rw->lacks[0] = '\0';
	if (n && n->requires && n->requires(rw->lacks, sizeof(rw->lacks))) {
		if (!rw->lacks[0])
			snprintf(rw->lacks, sizeof(rw->lacks), "this machine lacks what it needs");
		rw->status = S_UNAVAILABLE;
		return;
	}
	for (h = rw->hooks; h && h->name && rw->nhooks < MAX_HOOKS; h++) {
		struct hook_res *r = &rw->res[rw->nhooks++];

		eval_hook(h, r);
		if (r->chosen || h->optional)
			continue;
		if (!r->unknown) {
			if (rw->status != S_UNAVAILABLE)
				rw->failed = r;
			rw->status = S_UNAVAILABLE;
		} else if (rw->status == S_AVAILABLE) {
			rw->status = S_UNKNOWN;
			if (!rw->failed)
				rw->failed = r;
		}
	}
}

static void print_candidates(const struct hook_res *r)
{
	size_t i;

	for (i = 0; i < r->ncandidates; i++)
		printf("%s%s",
		       !i			 ? ""
		       : i + 1 == r->ncandidates ? " or "
						 : ", ",
		       r->candidates[i]->name);
}

static void print_method(const struct bct_method *m)
{
	printf("%s", m->name);
	if (m->approx)
		printf(" (approximate: %s)", m->approx);
}

/* "tp_btf", or "hook: method; hook: method" for a variant with several hooks. */
static void print_text(const struct row *rw, int width)
{
	char label[256];
	bool several = rw->nhooks > 1, first = true;
	size_t i;

	snprintf(label, sizeof(label), "%s%s%s", rw->tool->name, rw->variant[0] ? " " : "",
		 rw->variant);
	printf("%-*s", width, label);
	switch (rw->status) {
	case S_NO_BPF:
		printf("no BPF\n");
		return;
	case S_UNAVAILABLE:
		printf("unavailable: ");
		if (rw->lacks[0]) {
			printf("%s\n", rw->lacks);
			return;
		}
		if (several)
			printf("%s: ", rw->failed->hook->name);
		printf("%s\n", rw->failed->reason);
		return;
	case S_UNKNOWN:
		printf("unknown: ");
		if (several)
			printf("%s: ", rw->failed->hook->name);
		print_candidates(rw->failed);
		printf(" (%s)\n", rw->failed->reason);
		return;
	default:
		break;
	}
	for (i = 0; i < rw->nhooks; i++) {
		const struct hook_res *r = &rw->res[i];

		if (!r->chosen && !r->unknown)
			continue;
		printf("%s", first ? "" : "; ");
		first = false;
		if (several)
			printf("%s: ", r->hook->name);
		if (r->chosen) {
			print_method(r->chosen);
		} else {
			printf("unknown: ");
			print_candidates(r);
		}
	}
	for (i = 0; i < rw->nhooks; i++)
		if (!rw->res[i].chosen && !rw->res[i].unknown)
			printf(" (without %s)", rw->res[i].hook->name);
	printf("\n");
}

/* -v: every method tried before the choice and why it was rejected, then the choice. */
static void print_tried_text(const struct row *rw)
{
	size_t i;

	for (i = 0; i < rw->nhooks; i++) {
		const struct hook_res *r = &rw->res[i];
		const struct bct_method *m;
		const struct bct_prog_decl *d;
		char why[256], last[512] = "", line[512];

		for (m = r->hook->methods; m && m->name && m != r->chosen; m++) {
			if (bct_method_available(m, why, sizeof(why)))
				continue;
			/* alternatives of one kind (other functions) often fail alike: once */
			snprintf(line, sizeof(line), "%s: %s", m->name, why);
			if (strcmp(line, last))
				printf("    %s: %s\n", r->hook->name, line);
			memcpy(last, line, sizeof(last));
		}
		if (!r->chosen) {
			if (r->hook->optional)
				printf("    %s: optional, left out\n", r->hook->name);
			continue;
		}
		printf("    %s: %s: chosen\n", r->hook->name, r->chosen->name);
		for (d = r->chosen->optional_progs; d && d->name; d++) {
			struct bct_sec sec;

			if (!bct_sec_parse(d->sec, &sec) &&
			    !bct_sec_available(&sec, why, sizeof(why)))
				printf("    %s: %s: without optional program '%s': %s\n",
				       r->hook->name, r->chosen->name, d->name, why);
		}
	}
}

static void json_tried(struct bct_json *j, const struct hook_res *r)
{
	const struct bct_method *m;
	char why[256];

	bct_json_arr_open(j, "tried");
	for (m = r->hook->methods; m && m->name && m != r->chosen; m++) {
		if (bct_method_available(m, why, sizeof(why)))
			continue;
		bct_json_obj_open(j, NULL);
		bct_json_str(j, "method", m->name);
		bct_json_str(j, "reason", why);
		bct_json_obj_close(j);
	}
	bct_json_arr_close(j);
}

static void print_json(const struct row *rw)
{
	struct bct_json j;
	size_t i, c;

	bct_json_begin(&j, stdout);
	bct_json_str(&j, "tool", rw->tool->name);
	bct_json_str(&j, "variant", rw->variant);
	bct_json_bool(&j, "alias", rw->tool->flags & BCT_ALIAS);
	if (rw->status == S_UNKNOWN)
		bct_json_null(&j, "available");
	else
		bct_json_bool(&j, "available", rw->status != S_UNAVAILABLE);
	bct_json_bool(&j, "bpf", rw->status != S_NO_BPF);
	if (rw->lacks[0]) {
		bct_json_str(&j, "reason", rw->lacks);
	} else if (rw->failed) {
		char reason[REASON_LEN + 128];

		snprintf(reason, sizeof(reason), "%s%s%s",
			 rw->nhooks > 1 ? rw->failed->hook->name : "", rw->nhooks > 1 ? ": " : "",
			 rw->failed->reason);
		bct_json_str(&j, "reason", reason);
	}
	bct_json_arr_open(&j, "hooks");
	for (i = 0; i < rw->nhooks; i++) {
		const struct hook_res *r = &rw->res[i];

		bct_json_obj_open(&j, NULL);
		bct_json_str(&j, "hook", r->hook->name);
		if (r->chosen)
			bct_json_str(&j, "method", r->chosen->name);
		else
			bct_json_null(&j, "method");
		if (r->chosen && r->chosen->approx)
			bct_json_str(&j, "approximate", r->chosen->approx);
		else
			bct_json_null(&j, "approximate");
		bct_json_bool(&j, "optional", r->hook->optional);
		if (!r->chosen)
			bct_json_str(&j, "reason", r->reason);
		if (r->unknown) {
			bct_json_arr_open(&j, "candidates");
			for (c = 0; c < r->ncandidates; c++)
				bct_json_str(&j, NULL, r->candidates[c]->name);
			bct_json_arr_close(&j);
		}
		if (env.verbose)
			json_tried(&j, r);
		bct_json_obj_close(&j);
	}
	bct_json_arr_close(&j);
	bct_json_end(&j);
}

/*
 * A preset name of a tool with "-t FS" variants (BCC's ext4dist for fsdist -t ext4): the one
 * variant that name runs, or NULL.
 */
static const struct bct_variant *preset_variant(const struct bct_cmd *t)
{
	const struct bct_variant *v;

	for (v = t->needs ? t->needs->variants : NULL; v && v->when; v++)
		if (!strncmp(v->when, "-t ", 3) &&
		    !strncmp(t->name, v->when + 3, strlen(v->when + 3)))
			return v;
	return NULL;
}

/* Checks every variant of t, printing as it goes; true when each one can run here. */
static bool check_tool(const struct bct_cmd *t, int width)
{
	static const struct bct_variant none[] = { { "", NULL }, { NULL } };
	const struct bct_variant *v = t->needs && t->needs->variants ? t->needs->variants : none;
	const struct bct_variant *preset = preset_variant(t);
	bool ok = true;

	for (; v->when; v++) {
		struct row rw = { .tool = t, .variant = v->when, .hooks = v->hooks };

		if (preset && v != preset)
			continue;
		if (preset)
			rw.variant = ""; /* the name says it: ext4dist, not "ext4dist -t ext4" */
		eval_row(&rw);
		ok &= rw.status != S_UNAVAILABLE;
		if (env.kit.common.json)
			print_json(&rw);
		else
			print_text(&rw, width);
		if (env.verbose && !env.kit.common.json)
			print_tried_text(&rw);
	}
	return ok;
}

static int label_len(const struct bct_cmd *t)
{
	const struct bct_variant *v;
	size_t w = strlen(t->name), l;

	if (preset_variant(t))
		return (int)w;
	for (v = t->needs ? t->needs->variants : NULL; v && v->when; v++) {
		l = strlen(t->name) + (v->when[0] ? 1 + strlen(v->when) : 0);
		w = l > w ? l : w;
	}
	return (int)w;
}

/* The label column: the longest "tool variant" shown, plus two spaces. */
static int label_width(void)
{
	int w = 0, i;

	if (env.nnames) {
		for (i = 0; i < env.nnames; i++)
			w = MAX(w, label_len(find_tool(env.names[i])));
	} else {
		for (i = 0; i < (int)ntools; i++)
			if (!(tools[i].flags & BCT_HIDDEN))
				w = MAX(w, label_len(&tools[i]));
	}
	return w + 2;
}

/* --- --load-all: every method of every tool through the verifier -------------------------- */

/*
 * Each tool runs its variant's command line ("fsdist -t xfs") in a child, in lib/prog.h's
 * verify mode: its program is compiled without stubs and each method loaded on its own, and
 * the child sends one line per load down a pipe: status, hook, method, program, detail.
 */
#define VERIFY_EXIT 100

static struct {
	unsigned int loaded, unloadable, rejected, skipped, failed;
} tally;

static void verify_send(const struct bct_verify_result *r, void *ctx)
{
	static const char *const status[] = { [BCT_VERIFY_LOADED] = "loaded",
					      [BCT_VERIFY_REJECTED] = "rejected",
					      [BCT_VERIFY_UNLOADABLE] = "unloadable" };

	dprintf(*(int *)ctx, "%s\t%s\t%s\t%s\t%s\n", status[r->status], r->hook, r->method, r->prog,
		r->detail);
}

/* Splits "-t xfs" in place into argv after the tool's name; returns argc. */
static int variant_argv(const struct bct_cmd *t, char *buf, char **argv, int max)
{
	char *save = NULL, *tok;
	int argc = 0;

	argv[argc++] = (char *)t->name;
	for (tok = strtok_r(buf, " ", &save); tok && argc < max - 1;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return argc;
}

/* The first line of the child's stderr, for a reason. */
static void first_line(FILE *f, char *out, size_t sz)
{
	out[0] = '\0';
	rewind(f);
	if (fgets(out, (int)sz, f))
		out[strcspn(out, "\n")] = '\0';
}

static void copy_out(FILE *f)
{
	char buf[4096];
	size_t n;

	rewind(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stderr);
}

static void verify_variant(const struct bct_cmd *t, const char *when, const char *extra, int width)
{
	char label[256], cmdline[256], *argv[16], line[2048], why[512];
	unsigned int reports = 0, rejected = 0;
	int fds[2], status, argc;
	FILE *err, *in;
	pid_t pid;

	snprintf(label, sizeof(label), "%s%s%s", t->name, when[0] ? " " : "", when);
	snprintf(cmdline, sizeof(cmdline), "%s%s%s", when, when[0] && extra ? " " : "",
		 extra ? extra : "");
	argc = variant_argv(t, cmdline, argv, 16);
	err = tmpfile();
	if (!err || pipe(fds)) {
		pr_err("cannot run '%s': %s", label, strerror(errno));
		tally.failed++;
		if (err)
			fclose(err);
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		/* the tool's own output is not ours; its diagnostics go to err */
		if (!freopen("/dev/null", "w", stdout) || dup2(fileno(err), 2) < 0)
			_exit(1);
		bct_log_set_prog(t->name);
		bct_prog_verify_all(verify_send, &fds[1]);
		t->fn(argc, argv);
		_exit(VERIFY_EXIT);
	}
	close(fds[1]);
	if (pid < 0) {
		pr_err("cannot run '%s': %s", label, strerror(errno));
		close(fds[0]);
		fclose(err);
		tally.failed++;
		return;
	}
	in = fdopen(fds[0], "r");
	while (in && fgets(line, sizeof(line), in)) {
		char *f[5] = { line }, *s = line;
		int n = 1;

		line[strcspn(line, "\n")] = '\0';
		while (n < 5 && (s = strchr(s, '\t'))) {
			*s++ = '\0';
			f[n++] = s;
		}
		if (n < 5)
			continue;
		reports++;
		printf("%-*s%s%s%s%s", width, label, f[1], f[1][0] ? ": " : "", f[2],
		       f[2][0] ? ": " : "programs outside the hooks: ");
		if (!strcmp(f[0], "loaded")) {
			tally.loaded++;
			printf("loaded\n");
		} else if (!strcmp(f[0], "unloadable")) {
			tally.unloadable++;
			printf("unloadable here (%s: %s)\n", f[3], f[4]);
		} else {
			tally.rejected++;
			rejected++;
			printf("REJECTED (%s: %s)\n", f[3], f[4]);
		}
	}
	if (in)
		fclose(in);
	else
		close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	first_line(err, why, sizeof(why));
	if (!reports && WIFEXITED(status) && WEXITSTATUS(status) == 2) {
		tally.skipped++;
		printf("%-*sskipped: its run needs arguments\n", width, label);
	} else if (!reports && WIFEXITED(status) && WEXITSTATUS(status) == VERIFY_EXIT) {
		/* the tool returned before loading: f2fsslower without f2fs */
		tally.skipped++;
		printf("%-*sskipped: it cannot run here (%s)\n", width, label,
		       why[0] ? why : "it stops before loading");
	} else if (!reports || !WIFEXITED(status) || WEXITSTATUS(status) != VERIFY_EXIT) {
		tally.failed++;
		printf("%-*sFAILED: %s\n", width, label, why[0] ? why : "no load reported");
		copy_out(err);
	} else if (rejected) {
		copy_out(err); /* the verifier's logs */
	}
	fclose(err);
}

static int load_all(int width)
{
	static const struct bct_variant none[] = { { "", NULL }, { NULL } };
	int i, n = env.nnames ? env.nnames : (int)ntools;

	for (i = 0; i < n; i++) {
		const struct bct_cmd *t = env.nnames ? find_tool(env.names[i]) : &tools[i];
		const struct bct_variant *v, *preset;

		if (!t || (t->flags & BCT_HIDDEN))
			continue;
		if (!t->needs) {
			printf("%-*sno BPF\n", width, t->name);
			continue;
		}
		preset = preset_variant(t);
		for (v = t->needs->variants ? t->needs->variants : none; v->when; v++) {
			if (preset && v != preset)
				continue;
			verify_variant(t, preset ? "" : v->when,
				       v == t->needs->variants ? t->needs->default_args : NULL,
				       width);
		}
	}
	printf("%u methods loaded, %u unloadable here, %u rejected", tally.loaded, tally.unloadable,
	       tally.rejected);
	if (tally.skipped)
		printf(", %u tools skipped", tally.skipped);
	if (tally.failed)
		printf(", %u FAILED", tally.failed);
	printf("\n");
	return tally.rejected || tally.failed ? 1 : 0;
}

int cmd_check(int argc, char **argv)
{
	bool ok = true;
	int width, i;

	int rc;

	tools = bct_cmd_table(&ntools);
	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	setvbuf(stdout, NULL, _IOLBF, 0);
	bct_probe_memo_load();
	width = label_width();
	if (env.load_all) {
		rc = load_all(width);
		bct_probe_memo_save();
		return rc;
	}
	if (env.nnames) {
		for (i = 0; i < env.nnames; i++)
			ok &= check_tool(find_tool(env.names[i]), width);
	} else {
		for (i = 0; i < (int)ntools; i++)
			if (!(tools[i].flags & BCT_HIDDEN))
				check_tool(&tools[i], width);
	}
	bct_probe_memo_save();
	return ok ? 0 : 1;
}
