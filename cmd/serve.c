// SPDX-License-Identifier: Apache-2.0
/*
 * serve: the histogram and counting tools' maps, and the event tools' event counts, as a
 * Prometheus / OpenMetrics endpoint.
 *
 *	bcctool serve [--listen ADDR:PORT] [--web-config FILE] [--user USER] [--max-series N]
 *		TOOL [TOOL OPTIONS] [, TOOL [TOOL OPTIONS]]...
 *
 * Each tool runs as itself (its own option table and BPF program, lib/histtool.h) up to the
 * point where it would print its first interval; there bct_hist_serve_hook() takes over: the
 * session is recorded, the next tool is started from inside the hook (so every tool's state
 * stays on its own stack frame), and after the last one the endpoint serves until SIGINT or
 * SIGTERM. The maps are read at each scrape and never cleared. Event tools (lib/events.h)
 * are recorded the same way by bct_events_serve_hook, with their events counted, not printed,
 * while the main thread drains their buffers; funccount by bct_serve_table_hook
 * (lib/servetable.h). HTTP and TLS are
 * libmicrohttpd's (GnuTLS), gzip is zlib's, the web config is read with libyaml, passwords are
 * checked with crypt(3) (bcrypt), and the process drops to an unprivileged user without any
 * capability after attaching, keeping its BPF file descriptors.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <malloc.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <microhttpd.h>
#include <yaml.h>
#include <zlib.h>

#include "buf.h"
#include "cmd.h"
#include "events.h"
#include "hist.h"
#include "histtool.h"
#include "json.h"
#include "log.h"
#include "map.h"
#include "prog.h"
#include "serve.h"
#include "servetable.h"
#include "signals.h"

#define BCT_CMD(name, fn, summary, flags) int cmd_##fn(int argc, char **argv);
#include "cmdlist.h"
#undef BCT_CMD

/*
 * The tools serve can run: histogram tools, counting tools that name their counters, funccount
 * (lib/servetable.h), and the event tools of lib/events.h (their events counted, not printed).
 */
static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} servable[] = {
	{ "bashreadline", cmd_bashreadline },
	{ "bindsnoop", cmd_bindsnoop },
	{ "biolatency", cmd_biolatency },
	{ "biopattern", cmd_biopattern },
	{ "biosnoop", cmd_biosnoop },
	{ "biotop", cmd_biotop },
	{ "bitesize", cmd_bitesize },
	{ "cachestat", cmd_cachestat },
	{ "cachetop", cmd_cachetop },
	{ "capable", cmd_capable },
	{ "compactsnoop", cmd_compactsnoop },
	{ "cpudist", cmd_cpudist },
	{ "dbslower", cmd_dbslower },
	{ "dbstat", cmd_dbstat },
	{ "dirtop", cmd_dirtop },
	{ "drsnoop", cmd_drsnoop },
	{ "execsnoop", cmd_execsnoop },
	{ "exitsnoop", cmd_exitsnoop },
	{ "filegone", cmd_filegone },
	{ "filelife", cmd_filelife },
	{ "fileslower", cmd_fileslower },
	{ "filetop", cmd_filetop },
	{ "fsdist", cmd_fsdist },
	{ "fsslower", cmd_fsslower },
	{ "funccount", cmd_funccount },
	{ "funcinterval", cmd_funcinterval },
	{ "funclatency", cmd_funclatency },
	{ "funcslower", cmd_funcslower },
	{ "futexctn", cmd_futexctn },
	{ "gethostlatency", cmd_gethostlatency },
	{ "hardirqs", cmd_hardirqs },
	{ "killsnoop", cmd_killsnoop },
	{ "kvmexit", cmd_kvmexit },
	{ "mdflush", cmd_mdflush },
	{ "mountsnoop", cmd_mountsnoop },
	{ "numamove", cmd_numamove },
	{ "numasched", cmd_numasched },
	{ "oomkill", cmd_oomkill },
	{ "opensnoop", cmd_opensnoop },
	{ "pidpersec", cmd_pidpersec },
	{ "readahead", cmd_readahead },
	{ "runqlat", cmd_runqlat },
	{ "runqlen", cmd_runqlen },
	{ "runqslower", cmd_runqslower },
	{ "shmsnoop", cmd_shmsnoop },
	{ "sigsnoop", cmd_sigsnoop },
	{ "slabratetop", cmd_slabratetop },
	{ "sofdsnoop", cmd_sofdsnoop },
	{ "softirqs", cmd_softirqs },
	{ "softirqslower", cmd_softirqslower },
	{ "solisten", cmd_solisten },
	{ "sslsniff", cmd_sslsniff },
	{ "statsnoop", cmd_statsnoop },
	{ "syncsnoop", cmd_syncsnoop },
	{ "syscount", cmd_syscount },
	{ "tcpaccept", cmd_tcpaccept },
	{ "tcpcong", cmd_tcpcong },
	{ "tcpconnect", cmd_tcpconnect },
	{ "tcpconnlat", cmd_tcpconnlat },
	{ "tcpdrop", cmd_tcpdrop },
	{ "tcplife", cmd_tcplife },
	{ "tcppktlat", cmd_tcppktlat },
	{ "tcpretrans", cmd_tcpretrans },
	{ "tcprtt", cmd_tcprtt },
	{ "tcpstates", cmd_tcpstates },
	{ "tcpsubnet", cmd_tcpsubnet },
	{ "tcpsynbl", cmd_tcpsynbl },
	{ "tcptop", cmd_tcptop },
	{ "tcptracer", cmd_tcptracer },
	{ "threadsnoop", cmd_threadsnoop },
	{ "trace", cmd_trace },
	{ "ttysnoop", cmd_ttysnoop },
	{ "uflow", cmd_uflow },
	{ "ugc", cmd_ugc },
	{ "uthreads", cmd_uthreads },
	{ "vfsstat", cmd_vfsstat },
	{ "wqlat", cmd_wqlat },
};

#define MAX_TOOLS 40
#define MAX_ENTRIES 10240 /* entries read per map per scrape at most */

struct served {
	const char *name;
	char args[256]; /* its options, for the / page */
	int argc;
	char **argv;
	int (*fn)(int argc, char **argv);
	struct bct_session *s;
	const struct bct_hist_tool *t;
	int fd;
	bool batch; /* bpf_map_lookup_batch() works on its map */
	bool percpu; /* its map is a per-CPU array (BCT_HIST_PERCPU_MAP): summed over the CPUs */
	char label[64]; /* the label of its keys, a Prometheus label name; "" for none */
	uint32_t key_size, value_size, cap;
	void *keys;
	uint64_t *values;
	struct bct_hist_entry *v;
	struct bct_events_count *ev; /* an event tool: its counts (lib/events.h) */
	const struct bct_serve_table *table; /* a tool counting per name (lib/servetable.h) */
	struct bct_hist_entry **order; /* v in the tool's order */
};

static struct serve_env {
	struct bct_env kit;
	const char *listen;
	const char *web_config;
	const char *user;
	const char *max_series_arg;
	uint64_t max_series;
} env = { .listen = "127.0.0.1:9435", .user = "nobody", .max_series = 10000 };

static struct served tools[MAX_TOOLS];
static int ntools, nstarted;

/* The web config: TLS files' contents, users and their bcrypt hashes. */
static struct {
	char *cert, *key;
	int nusers;
	char *user[64], *hash[64];
	char *ok[64]; /* the last password that matched, so that bcrypt runs once per user */
} web;

enum { K_LISTEN = 0x100, K_WEB_CONFIG, K_USER, K_MAX_SERIES };

static const struct bct_opt opts[] = {
	BCT_STRING(K_LISTEN, "listen", "ADDR:PORT", &env.listen,
		   "address and port to serve on (default 127.0.0.1:9435)"),
	BCT_STRING(K_WEB_CONFIG, "web-config", "FILE", &env.web_config,
		   "TLS and basic authentication, as Prometheus exporters configure them"),
	BCT_STRING(K_USER, "user", "USER", &env.user,
		   "user to run as after attaching (default nobody)"),
	BCT_STRING(K_MAX_SERIES, "max-series", "N", &env.max_series_arg,
		   "series served at most per scrape (default 10000)"),
	{ 0 },
};

static const char doc[] =
	"Serve the histogram and counting tools' maps, and the event tools' event counts, as "
	"Prometheus / OpenMetrics metrics\n"
	"\v"
	"TOOL [TOOL OPTIONS], separated by \",\": the tools to run and serve, each with its own "
	"options. Histograms and counters: biolatency biopattern biotop bitesize cachestat cachetop cpudist dbstat dirtop filetop fsdist funccount funcinterval funclatency futexctn hardirqs kvmexit numamove pidpersec readahead runqlat runqlen slabratetop softirqs syscount tcpcong tcprtt tcpsubnet tcpsynbl tcptop vfsstat wqlat.\n"
	"Event tools (their event and lost-event counts): bashreadline bindsnoop biosnoop capable compactsnoop dbslower drsnoop execsnoop exitsnoop filegone filelife fileslower fsslower funcslower gethostlatency killsnoop mdflush mountsnoop numasched oomkill opensnoop runqslower shmsnoop sigsnoop sofdsnoop softirqslower solisten sslsniff statsnoop syncsnoop tcpaccept tcpconnect tcpconnlat tcpdrop tcplife tcppktlat tcpretrans tcpstates tcptracer threadsnoop trace ttysnoop uflow ugc uthreads.\n"
	"\n"
	"examples:\n"
	"    bcctool serve biolatency            # block I/O latency on 127.0.0.1:9435\n"
	"    bcctool serve biolatency -D , runqlat , syscount\n"
	"    bcctool serve opensnoop -n nginx , execsnoop , funccount 'c:malloc'\n"
	"    bcctool serve --listen :9435 --web-config web.yml hardirqs , softirqs\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.args_doc = "TOOL [TOOL OPTIONS] [, TOOL [TOOL OPTIONS]]...",
	.doc = doc,
};

/* --- the exposition ------------------------------------------------------------------- */

/*
 * Reads the entries of a tool's map in batches (a few syscalls per scrape, not two per key);
 * -errno when the kernel cannot (then read_map() walks the keys).
 */
static int read_batch(struct served *st, size_t *np)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	size_t stride = st->value_size / sizeof(uint64_t), n = 0;
	uint64_t in[16], out[16]; /* the batch position: a hash bucket, or a key */
	bool first = true;
	int err = 0;

	if (st->key_size > sizeof(in))
		return -EINVAL;
	while (n < st->cap) {
		__u32 count = st->cap - n;

		err = bpf_map_lookup_batch(st->fd, first ? NULL : in, out,
					   (char *)st->keys + n * st->key_size,
					   st->values + n * stride, &count, &o);
		if (err && err != -ENOENT)
			return err;
		n += count;
		if (err == -ENOENT)
			break;
		memcpy(in, out, sizeof(in));
		first = false;
	}
	*np = n;
	return 0;
}

/*
 * Reads a per-CPU array, summed over the CPUs. It holds every index from the start: keeps the
 * entries that counted something (a hash map holds only those). Returns their number.
 */
static size_t read_percpu(struct served *st)
{
	size_t stride = st->value_size / sizeof(uint64_t), kept = 0, i, w;
	int n = bct_map_percpu_sum(st->fd, st->keys, st->values, st->key_size, st->value_size,
				   st->cap);

	for (i = 0; n > 0 && i < (size_t)n; i++) {
		const uint64_t *val = st->values + i * stride;
		uint64_t any = 0;

		for (w = 0; w < stride; w++)
			any |= val[w];
		if (!any)
			continue;
		if (kept != i) {
			memcpy((char *)st->keys + kept * st->key_size,
			       (char *)st->keys + i * st->key_size, st->key_size);
			memcpy(st->values + kept * stride, val, st->value_size);
		}
		kept++;
	}
	return kept;
}

/* Reads every entry of a tool's map, without clearing it. Returns the number. */
static size_t read_map(struct served *st)
{
	size_t stride = st->value_size / sizeof(uint64_t), nslots = stride - 2, n = 0, i;
	char *prev = NULL;

	if (st->percpu) {
		n = read_percpu(st);
	} else if (st->batch && read_batch(st, &n)) {
		st->batch = false; /* not for this map or kernel: walk it from now on */
		n = 0;
	}
	while (!st->percpu && !st->batch && n < st->cap) {
		char *key = (char *)st->keys + n * st->key_size;

		if (bpf_map_get_next_key(st->fd, prev, key))
			break;
		prev = key;
		if (bpf_map_lookup_elem(st->fd, key, st->values + n * stride))
			continue; /* gone meanwhile: the next key from it still works */
		n++;
	}
	for (i = 0; i < n; i++) {
		const char *key = (char *)st->keys + i * st->key_size;
		uint64_t *val = st->values + i * stride;

		st->order[i] = &st->v[i];
		st->v[i].key = key;
		st->v[i].slots = val;
		st->v[i].nslots = nslots;
		st->v[i].total = val[nslots];
		st->v[i].count = val[nslots + 1];
		st->v[i].name[0] = '\0';
		if (st->t->key_name)
			st->t->key_name(st->s->ctx, key, st->v[i].name, sizeof(st->v[i].name));
	}
	/* label sets are ordered by their own values (expose_groups) */
	if (n > 1 && !st->t->serve_key && !st->t->serve_counters)
		bct_hist_sort_ptrs(st->t, st->order, n, st->key_size);
	return n;
}

/* The label of a tool's keys: serve_label, else its section's JSON key, as a label name. */
static void label_of(struct served *st)
{
	const struct bct_hist_tool *t = st->t;
	const char *l =
		t->serve_label ? t->serve_label : (t->section_key ? t->section_key : t->section);
	size_t i;

	for (i = 0; l && l[i] && i < sizeof(st->label) - 1; i++) {
		char c = (char)tolower((unsigned char)l[i]);

		st->label[i] =
			(isalnum((unsigned char)c) && (i || !isdigit((unsigned char)c))) ? c : '_';
	}
	st->label[i] = '\0';
}

/* --json: the same data on stdout, one object per series per scrape (for debugging). */
static void json_tool(struct served *st, const char *metric, const char *label, size_t n)
{
	const struct bct_hist_tool *t = st->t;
	time_t now = time(NULL);
	struct bct_json j;
	char ts[32];
	size_t i;

	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
	for (i = 0; i < n; i++) {
		bct_json_begin(&j, stdout);
		bct_json_str(&j, "ts", ts);
		bct_json_str(&j, "tool", st->name);
		bct_json_str(&j, "metric", metric);
		if (label)
			bct_json_str(&j, label, st->order[i]->name);
		bct_json_uint(&j, "count", st->order[i]->count);
		bct_json_uint(&j, "total", st->order[i]->total);
		if (!t->serve_count) {
			bct_json_str(&j, "val_type", t->unit ? t->unit : "");
			if (t->linear) {
				/* linear: the count of each value, 0 up */
				bct_json_arr_open(&j, "data");
				for (size_t k = 0; k < st->order[i]->nslots; k++)
					bct_json_uint(&j, NULL, st->order[i]->slots[k]);
				bct_json_arr_close(&j);
			} else {
				bct_hist_json_log2(&j, "data", st->order[i]->slots,
						   st->order[i]->nslots);
			}
		}
		bct_json_end(&j);
	}
	fflush(stdout);
}

/* A label set of a tool with serve_key, and the sum of its keys' slots. */
struct lset {
	char *labels; /* the values, each ended by '\x1f' */
	uint64_t *vals; /* the slots, total and count */
	uint64_t rank;
	size_t pos; /* its place in the order of the labels */
};

static int cmp_labels(const void *a, const void *b)
{
	return strcmp(((const struct lset *)a)->labels, ((const struct lset *)b)->labels);
}

static int cmp_rank(const void *a, const void *b)
{
	const struct lset *x = a, *y = b;

	/* the labels' order, as sorted once already (no string compared again) */
	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static uint64_t counter_value(const struct bct_serve_counter *c, const uint64_t *vals,
			      size_t nslots)
{
	if (c->slot == BCT_SERVE_COUNT)
		return vals[nslots + 1];
	if (c->slot == BCT_SERVE_TOTAL)
		return vals[nslots];
	return (size_t)c->slot < nslots ? vals[c->slot] : 0;
}

/* Tools with serve_key or serve_counters: label sets added up, the biggest served. */
/* Declares a tool's histogram family, "bcctool_TOOL_UNIT", and writes its name to name. */
static void hist_family(struct bct_expo *e, const struct served *st, const struct bct_serve_unit *u,
			char *name, size_t sz)
{
	char help[sizeof(st->args) + 128];

	snprintf(name, sz, "bcctool_%s%s%s", st->name, u->base ? "_" : "", u->base ? u->base : "");
	snprintf(help, sizeof(help), "bcctool %s%s%s: its histogram%s%s", st->name,
		 st->args[0] ? " " : "", st->args, u->base ? ", in " : "", u->base ? u->base : "");
	bct_expo_family(e, name, "histogram", help);
}

static void expose_groups(struct bct_expo *e, struct served *st, size_t n)
{
	const struct bct_hist_tool *t = st->t;
	size_t stride = st->value_size / sizeof(uint64_t), nslots = stride - 2, nl = 0, ng = 0;
	size_t i, k,
		hslots = t->serve_hist_slots && t->serve_hist_slots < nslots ? t->serve_hist_slots
									     : nslots;
	const char *names[BCT_SERVE_LABELS], *pairs[2 * BCT_SERVE_LABELS + 1];
	char(*val)[BCT_SERVE_LABEL_LEN] = calloc(BCT_SERVE_LABELS, BCT_SERVE_LABEL_LEN);
	struct lset *g = calloc(n ? n : 1, sizeof(*g));
	uint64_t *vals = malloc((n ? n : 1) * stride * sizeof(uint64_t));
	/* the label values of all keys, one after the other (offsets until it stops growing) */
	size_t alen = 0, acap = 0;
	char *arena = NULL;
	const struct bct_serve_counter *c;
	char name[128], help[256], num[80], ts[32];

	if (t->serve_key)
		while (nl < BCT_SERVE_LABELS && t->serve_labels[nl])
			nl++;
	else if (st->label[0])
		names[nl++] = st->label;
	for (i = 0; i < nl && t->serve_key; i++)
		names[i] = t->serve_labels[i];
	if (!val || !g || !vals)
		goto out;
	for (i = 0; i < n; i++) {
		char joined[BCT_SERVE_LABELS * (BCT_SERVE_LABEL_LEN + 1) + 1];
		size_t len = 0;

		memset(val, 0, BCT_SERVE_LABELS * BCT_SERVE_LABEL_LEN);
		if (t->serve_key && !t->serve_key(st->s->ctx, &st->v[i], val))
			continue;
		if (!t->serve_key && nl)
			memcpy(val[0], st->v[i].name,
			       strnlen(st->v[i].name, BCT_SERVE_LABEL_LEN - 1));
		for (k = 0; k < nl; k++) {
			size_t vl = strnlen(val[k], BCT_SERVE_LABEL_LEN - 1);
			char *p;

			/* the separator cannot be part of a value */
			for (p = val[k]; *p; p++)
				if (*p == '\x1f')
					*p = ' ';
			memcpy(joined + len, val[k], vl);
			len += vl;
			joined[len++] = '\x1f';
		}
		joined[len] = '\0';
		if (alen + len + 1 > acap) {
			char *a = realloc(arena, acap = 2 * acap + len + 4096);

			if (!a)
				goto out;
			arena = a;
		}
		memcpy(arena + alen, joined, len + 1);
		g[ng].labels = (char *)(uintptr_t)alen;
		alen += len + 1;
		g[ng].vals = vals + ng * stride;
		memcpy(g[ng].vals, st->v[i].slots, nslots * sizeof(uint64_t));
		g[ng].vals[nslots] = st->v[i].total;
		g[ng].vals[nslots + 1] = st->v[i].count;
		ng++;
	}
	for (i = 0; i < ng; i++)
		g[i].labels = arena + (uintptr_t)g[i].labels;
	if (ng > 1)
		qsort(g, ng, sizeof(*g), cmp_labels);
	/* add up the keys of one label set */
	for (i = 0, k = 0; i < ng; i++) {
		if (k && !strcmp(g[k - 1].labels, g[i].labels)) {
			for (size_t s = 0; s < stride; s++)
				g[k - 1].vals[s] += g[i].vals[s];
			continue;
		}
		g[k++] = g[i];
	}
	ng = k;
	for (i = 0; i < ng; i++) {
		g[i].pos = i;
		if (t->serve_counters)
			for (c = t->serve_counters; c->name; c++)
				g[i].rank += counter_value(c, g[i].vals, nslots);
		else
			for (k = 0; k < hslots; k++)
				g[i].rank += g[i].vals[k];
	}
	if (ng > 1)
		qsort(g, ng, sizeof(*g), cmp_rank);
	if (t->serve_rows && ng > t->serve_rows)
		ng = t->serve_rows;
	/* the values, cut into label pairs once for all families */
	for (i = 0; i < ng; i++) {
		char *p = g[i].labels;

		for (k = 0; k < nl; k++) {
			p = strchr(p, '\x1f');
			if (p)
				*p++ = '\0';
		}
	}
	if (!t->serve_counters) {
		struct bct_serve_unit u = bct_serve_unit(t->serve_unit ? t->serve_unit : t->unit);

		hist_family(e, st, &u, name, sizeof(name));
		for (i = 0; i < ng; i++)
			bct_expo_hist(e, name, nl ? names[0] : NULL, g[i].labels, g[i].vals, hslots,
				      t->linear, g[i].vals[nslots], &u);
		goto json;
	}
	for (c = t->serve_counters; c->name; c++) {
		struct bct_serve_unit u = bct_serve_unit(c->unit), one = { NULL, 1, 0 };

		snprintf(name, sizeof(name), "bcctool_%s_%s_total", st->name, c->name);
		snprintf(help, sizeof(help), "bcctool %s%s%s: %s", st->name, st->args[0] ? " " : "",
			 st->args, c->help);
		bct_expo_family(e, name, "counter", help);
		for (i = 0; i < ng; i++) {
			char *p = g[i].labels;

			for (k = 0; k < nl; k++) {
				pairs[2 * k] = names[k];
				pairs[2 * k + 1] = p;
				p += strlen(p) + 1;
			}
			pairs[2 * nl] = NULL;
			bct_serve_number(num, sizeof(num), counter_value(c, g[i].vals, nslots),
					 c->unit ? &u : &one, false);
			bct_expo_sample(e, name, nl ? pairs : NULL, num);
		}
	}
json:
	if (env.kit.common.json) {
		time_t now = time(NULL);

		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
	}
	for (i = 0; env.kit.common.json && i < ng; i++) {
		struct bct_json j;
		char *p = g[i].labels;

		bct_json_begin(&j, stdout);
		bct_json_str(&j, "ts", ts);
		bct_json_str(&j, "tool", st->name);
		for (k = 0; k < nl; k++) {
			bct_json_str(&j, names[k], p);
			p += strlen(p) + 1;
		}
		if (t->serve_counters)
			for (c = t->serve_counters; c->name; c++)
				bct_json_uint(&j, c->name, counter_value(c, g[i].vals, nslots));
		else
			bct_json_uint(&j, "count", g[i].rank);
		bct_json_end(&j);
	}
	if (env.kit.common.json)
		fflush(stdout);
out:
	free(arena);
	free(g);
	free(vals);
	free(val);
}

static void expose_tool(struct bct_expo *e, struct served *st)
{
	const struct bct_hist_tool *t = st->t;
	struct bct_serve_unit u = bct_serve_unit(t->serve_unit ? t->serve_unit : t->unit),
			      one = { NULL, 1, 0 };
	const char *label = st->label[0] ? st->label : NULL;
	size_t n = read_map(st), i;
	char name[128], help[256], num[80];

	if (t->serve_key || t->serve_counters) {
		expose_groups(e, st, n);
		return;
	}

	if (!t->serve_count) {
		hist_family(e, st, &u, name, sizeof(name));
		if (env.kit.common.json)
			json_tool(st, name, label, n);
		for (i = 0; i < n; i++)
			bct_expo_hist(e, name, label, st->order[i]->name, st->order[i]->slots,
				      st->order[i]->nslots, t->linear, st->order[i]->total, &u);
		return;
	}
	snprintf(name, sizeof(name), "bcctool_%s_%s_total", st->name, t->serve_count);
	snprintf(help, sizeof(help), "bcctool %s%s%s: %s counted", st->name, st->args[0] ? " " : "",
		 st->args, t->serve_count);
	bct_expo_family(e, name, "counter", help);
	if (env.kit.common.json)
		json_tool(st, name, label, n);
	for (i = 0; i < n; i++) {
		const char *labels[] = { label, st->order[i]->name, NULL };

		snprintf(num, sizeof(num), "%" PRIu64, st->order[i]->count);
		bct_expo_sample(e, name, label ? labels : NULL, num);
	}
	if (!t->serve_total_unit)
		return;
	u = bct_serve_unit(t->serve_total_unit);
	snprintf(name, sizeof(name), "bcctool_%s_%s_total", st->name, u.base ? u.base : "sum");
	snprintf(help, sizeof(help), "bcctool %s%s%s: total time of the %s", st->name,
		 st->args[0] ? " " : "", st->args, t->serve_count);
	bct_expo_family(e, name, "counter", help);
	for (i = 0; i < n; i++) {
		const char *labels[] = { label, st->order[i]->name, NULL };

		bct_serve_number(num, sizeof(num), st->order[i]->total, u.base ? &u : &one, false);
		bct_expo_sample(e, name, label ? labels : NULL, num);
	}
}

/* --- event tools and per-name counters (registered by hook_events / hook_table) -------- */

static void json_ts(char *ts, size_t sz)
{
	time_t now = time(NULL);

	strftime(ts, sz, "%Y-%m-%d %H:%M:%S", localtime(&now));
}

/* An event tool: bcctool_TOOL_events_total and bcctool_TOOL_lost_events_total. */
static void expose_events(struct bct_expo *e, struct served *st)
{
	static const char *const what[] = { "events", "lost_events" };
	static const char *const helps[] = {
		"events traced (the rows it would print)",
		"events lost: the BPF side found its buffer full (counted within a second)"
	};
	uint64_t v[2] = { __atomic_load_n(&st->ev->events, __ATOMIC_RELAXED),
			  __atomic_load_n(&st->ev->lost, __ATOMIC_RELAXED) };
	char name[128], help[sizeof(st->args) + 160], num[32], ts[32];
	struct bct_json j;
	int k;

	for (k = 0; k < 2; k++) {
		snprintf(name, sizeof(name), "bcctool_%s_%s_total", st->name, what[k]);
		snprintf(help, sizeof(help), "bcctool %s%s%s: %s", st->name, st->args[0] ? " " : "",
			 st->args, helps[k]);
		bct_expo_family(e, name, "counter", help);
		snprintf(num, sizeof(num), "%" PRIu64, v[k]);
		bct_expo_sample(e, name, NULL, num);
	}
	if (!env.kit.common.json)
		return;
	json_ts(ts, sizeof(ts));
	bct_json_begin(&j, stdout);
	bct_json_str(&j, "ts", ts);
	bct_json_str(&j, "tool", st->name);
	bct_json_uint(&j, "events", v[0]);
	bct_json_uint(&j, "lost_events", v[1]);
	bct_json_end(&j);
	fflush(stdout);
}

struct trow {
	char *name;
	uint64_t count;
};

struct trows {
	struct trow *r;
	size_t n, cap;
};

static void add_row(void *arg, const char *name, uint64_t count)
{
	struct trows *t = arg;

	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct trow *r = realloc(t->r, cap * sizeof(*r));

		if (!r)
			return;
		t->r = r;
		t->cap = cap;
	}
	t->r[t->n].name = strdup(name);
	t->r[t->n].count = count;
	if (t->r[t->n].name)
		t->n++;
}

/* The biggest counts first (kept under --max-series), then by name. */
static int cmp_trow(const void *a, const void *b)
{
	const struct trow *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* A tool counting per name: bcctool_TOOL_<counter>_total{<label>="name"}. */
static void expose_table(struct bct_expo *e, struct served *st)
{
	const struct bct_serve_table *t = st->table;
	char name[128], help[sizeof(st->args) + 160], num[32], ts[32];
	struct trows rows = { 0 };
	size_t i;

	t->read(t->ctx, add_row, &rows);
	if (rows.n > 1)
		qsort(rows.r, rows.n, sizeof(*rows.r), cmp_trow);
	snprintf(name, sizeof(name), "bcctool_%s_%s_total", st->name, t->counter);
	snprintf(help, sizeof(help), "bcctool %s%s%s: %s", st->name, st->args[0] ? " " : "",
		 st->args, t->help);
	bct_expo_family(e, name, "counter", help);
	for (i = 0; i < rows.n; i++) {
		const char *labels[] = { t->label, rows.r[i].name, NULL };

		snprintf(num, sizeof(num), "%" PRIu64, rows.r[i].count);
		bct_expo_sample(e, name, labels, num);
	}
	if (env.kit.common.json)
		json_ts(ts, sizeof(ts));
	for (i = 0; env.kit.common.json && i < rows.n; i++) {
		struct bct_json j;

		bct_json_begin(&j, stdout);
		bct_json_str(&j, "ts", ts);
		bct_json_str(&j, "tool", st->name);
		bct_json_str(&j, t->label, rows.r[i].name);
		bct_json_uint(&j, t->counter, rows.r[i].count);
		bct_json_end(&j);
	}
	if (env.kit.common.json)
		fflush(stdout);
	for (i = 0; i < rows.n; i++)
		free(rows.r[i].name);
	free(rows.r);
}

/* kernel.bpf_stats_enabled, kept open: one pread per scrape, not four syscalls */
static int stats_fd = -1;

static bool bpf_stats_enabled(void)
{
	char c = '0';

	if (stats_fd < 0)
		stats_fd = open("/proc/sys/kernel/bpf_stats_enabled", O_RDONLY | O_CLOEXEC);
	return stats_fd >= 0 && pread(stats_fd, &c, 1, 0) == 1 && c == '1';
}

static void expose_self(struct bct_expo *e, const struct timespec *start)
{
	struct bct_serve_unit ns = { "seconds", 1, 9 };
	struct timespec now;
	char num[80];
	int i;

	bct_expo_family(e, "bcctool_serve_lost_events_total", "counter",
			"runs the kernel skipped or the BPF side could not record, per tool");
	for (i = 0; i < ntools; i++) {
		const char *labels[] = { "tool", tools[i].name, NULL };

		snprintf(num, sizeof(num), "%" PRIu64, bct_session__missed(tools[i].s));
		bct_expo_sample(e, "bcctool_serve_lost_events_total", labels, num);
	}
	if (bpf_stats_enabled()) {
		static const char *const names[] = { "bcctool_serve_bpf_prog_runs_total",
						     "bcctool_serve_bpf_prog_run_seconds_total" };
		static const char *const helps[] = {
			"runs of each BPF program (kernel.bpf_stats_enabled)",
			"time spent in each BPF program (kernel.bpf_stats_enabled)"
		};

		for (int k = 0; k < 2; k++) {
			bct_expo_family(e, names[k], "counter", helps[k]);
			for (i = 0; i < ntools; i++) {
				struct bpf_object *obj = bct_prog__object(tools[i].s->prog);
				struct bpf_program *p;

				bpf_object__for_each_program(p, obj) {
					struct bpf_prog_info info;
					__u32 len = sizeof(info);
					const char *labels[] = { "tool", tools[i].name, "prog",
								 bpf_program__name(p), NULL };
					int fd = bpf_program__fd(p);

					memset(&info, 0, sizeof(info));
					if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
						continue;
					if (k == 0)
						snprintf(num, sizeof(num), "%llu",
							 (unsigned long long)info.run_cnt);
					else
						bct_serve_number(num, sizeof(num), info.run_time_ns,
								 &ns, false);
					bct_expo_sample(e, names[k], labels, num);
				}
			}
		}
	}
	bct_expo_family(e, "bcctool_serve_series_dropped", "gauge",
			"series left out of this scrape by --max-series");
	snprintf(num, sizeof(num), "%" PRIu64, e->dropped);
	e->max_series = 0; /* the self-metrics always fit */
	bct_expo_sample(e, "bcctool_serve_series_dropped", NULL, num);
	bct_expo_family(e, "bcctool_serve_scrape_duration_seconds", "gauge",
			"time this scrape took to read the maps and write the metrics");
	clock_gettime(CLOCK_MONOTONIC, &now);
	bct_serve_number(num, sizeof(num),
			 (uint64_t)(now.tv_sec - start->tv_sec) * 1000000000ULL +
				 (uint64_t)(now.tv_nsec - start->tv_nsec),
			 &ns, false);
	bct_expo_sample(e, "bcctool_serve_scrape_duration_seconds", NULL, num);
}

/* The whole exposition, malloc'ed; *len its length. NULL when out of memory. */
static char *scrape(bool om, size_t *len)
{
	struct bct_expo e = { .om = om, .max_series = env.max_series };
	struct timespec start;
	char *buf = NULL;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &start);
	e.out = open_memstream(&buf, len);
	if (!e.out)
		return NULL;
	for (i = 0; i < ntools; i++)
		if (tools[i].ev)
			expose_events(&e, &tools[i]);
		else if (tools[i].table)
			expose_table(&e, &tools[i]);
		else
			expose_tool(&e, &tools[i]);
	expose_self(&e, &start);
	bct_expo_end(&e);
	if (fclose(e.out)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* --- HTTP ----------------------------------------------------------------------------- */

static char *gzip_buf(const char *in, size_t len, size_t *out_len)
{
	z_stream z = { 0 };
	size_t cap = len + len / 1000 + 64;
	char *out = malloc(cap);

	if (!out || deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = len;
	z.next_out = (Bytef *)out;
	z.avail_out = cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

/* Whether a header's list names token (a media type or coding) without q=0. */
static bool accepts(const char *header, const char *token)
{
	size_t tl = strlen(token);
	const char *p = header;

	while (p && *p) {
		const char *end = strchr(p, ','), *q;
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		n = end ? (size_t)(end - p) : strlen(p);
		if (n >= tl && !strncasecmp(p, token, tl) &&
		    (n == tl || p[tl] == ';' || p[tl] == ' ')) {
			q = strstr(p, "q=");
			if (!q || (end && q > end) || strtod(q + 2, NULL) > 0)
				return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

static bool ct_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return !d;
}

static bool authorized(struct MHD_Connection *c)
{
	static struct crypt_data cd;
	char *pass = NULL, *user;
	bool ok = false;
	int i;

	if (!web.nusers)
		return true;
	user = MHD_basic_auth_get_username_password(c, &pass);
	for (i = 0; user && pass && i < web.nusers; i++) {
		const char *h;

		if (strcmp(user, web.user[i]))
			continue;
		if (web.ok[i] && ct_eq(pass, web.ok[i])) {
			ok = true;
			break;
		}
		memset(&cd, 0, sizeof(cd));
		h = crypt_r(pass, web.hash[i], &cd);
		if (h && h[0] != '*' && ct_eq(h, web.hash[i])) {
			free(web.ok[i]);
			web.ok[i] = strdup(pass);
			ok = true;
		}
		break;
	}
	MHD_free(user);
	MHD_free(pass);
	return ok;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned int status, char *body,
			       size_t len, const char *type, bool gz)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (gz)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept, Accept-Encoding");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned int status, const char *msg)
{
	char *body = strdup(msg);

	return respond(c, status, body, body ? strlen(body) : 0, "text/plain; charset=utf-8",
		       false);
}

static char *index_page(size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	int i;

	if (!f)
		return NULL;
	fputs("<html><head><title>bcctool serve</title></head><body>\n<h1>bcctool serve</h1>\n"
	      "<p><a href=\"/metrics\">/metrics</a></p>\n<ul>\n",
	      f);
	for (i = 0; i < ntools; i++) {
		const char *p;

		fprintf(f, "<li>%s", tools[i].name);
		for (p = tools[i].args; *p; p++) {
			if (p == tools[i].args)
				fputc(' ', f);
			if (*p == '<')
				fputs("&lt;", f);
			else if (*p == '>')
				fputs("&gt;", f);
			else if (*p == '&')
				fputs("&amp;", f);
			else
				fputc(*p, f);
		}
		fputs("</li>\n", f);
	}
	fputs("</ul>\n</body></html>\n", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	const char *accept, *enc;
	size_t len = 0, zlen;
	char *body, *z;
	bool om, gz = false;

	(void)cls, (void)version, (void)upload, (void)upload_size, (void)con_cls;
	if (!authorized(c)) {
		struct MHD_Response *r = MHD_create_response_from_buffer(
			13, (void *)"Unauthorized\n", MHD_RESPMEM_PERSISTENT);
		enum MHD_Result ret;

		if (!r)
			return MHD_NO;
		ret = MHD_queue_basic_auth_fail_response(c, "bcctool", r);
		MHD_destroy_response(r);
		return ret;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Method Not Allowed\n");
	if (!strcmp(url, "/")) {
		body = index_page(&len);
		if (!body)
			return MHD_NO;
		return respond(c, MHD_HTTP_OK, body, len, "text/html; charset=utf-8", false);
	}
	if (strcmp(url, "/metrics"))
		return text(c, MHD_HTTP_NOT_FOUND, "Not Found\n");
	accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	enc = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	om = accept && accepts(accept, "application/openmetrics-text");
	body = scrape(om, &len);
	if (!body)
		return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read the maps\n");
	if (enc && accepts(enc, "gzip")) {
		z = gzip_buf(body, len, &zlen);
		if (z) {
			free(body);
			body = z;
			len = zlen;
			gz = true;
		}
	}
	return respond(c, MHD_HTTP_OK, body, len,
		       om ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
			  : "text/plain; version=0.0.4; charset=utf-8",
		       gz);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	pr_debug("http: %s", buf);
}

/* --- set-up: web config, listening socket, privileges -------------------------------- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int ch;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	while (m && (ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(f);
	if (!m || fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);

		if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* Reads the web config (exporter-toolkit's tls_server_config and basic_auth_users). */
static int read_web_config(const char *path)
{
	yaml_parser_t parser;
	yaml_document_t ydoc;
	yaml_node_t *root, *tls, *users;
	const char *cert, *key;
	FILE *f = fopen(path, "re");
	int err = 0;

	if (!f) {
		pr_err("cannot open the web config %s: %s", path, strerror(errno));
		return -errno;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &ydoc)) {
		pr_err("cannot parse the web config %s: line %zu: %s", path,
		       parser.problem_mark.line + 1, parser.problem ? parser.problem : "error");
		yaml_parser_delete(&parser);
		fclose(f);
		return -EINVAL;
	}
	root = yaml_document_get_root_node(&ydoc);
	tls = map_get(&ydoc, root, "tls_server_config");
	if (tls) {
		cert = scalar(map_get(&ydoc, tls, "cert_file"));
		key = scalar(map_get(&ydoc, tls, "key_file"));
		if (!cert || !key) {
			pr_err("web config %s: tls_server_config needs cert_file and key_file",
			       path);
			err = -EINVAL;
		} else if (!(web.cert = slurp(cert)) || !(web.key = slurp(key))) {
			pr_err("cannot read %s: %s", web.cert ? key : cert, strerror(errno));
			err = -errno;
		}
	}
	users = map_get(&ydoc, root, "basic_auth_users");
	if (!err && users && users->type == YAML_MAPPING_NODE) {
		yaml_node_pair_t *p;

		for (p = users->data.mapping.pairs.start; p < users->data.mapping.pairs.top; p++) {
			const char *u = scalar(yaml_document_get_node(&ydoc, p->key));
			const char *h = scalar(yaml_document_get_node(&ydoc, p->value));

			if (!u || !h || web.nusers == 64) {
				pr_err("web config %s: basic_auth_users: user: bcrypt hash, "
				       "64 at most",
				       path);
				err = -EINVAL;
				break;
			}
			web.user[web.nusers] = strdup(u);
			web.hash[web.nusers++] = strdup(h);
		}
	} else if (!err && users) {
		pr_err("web config %s: basic_auth_users must map users to bcrypt hashes", path);
		err = -EINVAL;
	}
	yaml_document_delete(&ydoc);
	yaml_parser_delete(&parser);
	fclose(f);
	return err;
}

/* The listening socket, bound while still root. -errno (logged). */
static int listen_on(const char *spec, bool *v6)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE },
			*res;
	char host[256];
	const char *port, *h = host;
	int fd, one = 1, rc;

	port = strrchr(spec, ':');
	if (!port || (size_t)(port - spec) >= sizeof(host)) {
		pr_err("invalid --listen '%s': give ADDR:PORT, e.g. 127.0.0.1:9435", spec);
		return -EINVAL;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(port - spec), spec);
	port++;
	if (host[0] == '[') {
		host[strlen(host) - 1] = '\0';
		h = host + 1;
	}
	rc = getaddrinfo(h[0] ? h : NULL, port, &hints, &res);
	if (rc) {
		pr_err("invalid --listen '%s': %s", spec, gai_strerror(rc));
		return -EINVAL;
	}
	*v6 = res->ai_family == AF_INET6;
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 64)) {
		rc = -errno;
		pr_err("cannot listen on %s: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return rc;
	}
	freeaddrinfo(res);
	return fd;
}

/* Becomes user, with no capability left in any set; the BPF fds stay open. */
static int drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);
	cap_t none;
	int cap;

	if (!pw) {
		pr_err("unknown --user '%s': give an existing unprivileged user", user);
		return -ENOENT;
	}
	if (geteuid() == 0) {
		for (cap = 0; cap <= CAP_LAST_CAP; cap++)
			if (CAP_IS_SUPPORTED(cap) && cap_drop_bound(cap) && errno != EINVAL)
				goto fail;
		if (setgroups(1, &pw->pw_gid) || setgid(pw->pw_gid) || setuid(pw->pw_uid))
			goto fail;
	}
	none = cap_init();
	if (!none || cap_set_proc(none))
		goto fail;
	cap_free(none);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		goto fail;
	if (pw->pw_uid != 0 && setuid(0) == 0) {
		pr_err("cannot drop privileges: setuid(0) still works");
		return -EPERM;
	}
	/* nothing is compiled from here on: no compile cache the user could not write anyway */
	unsetenv("BCCTOOL_CACHE_DIR");
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	return 0;
fail:
	pr_err("cannot drop privileges to %s: %s", user, strerror(errno));
	return -errno;
}

/* --- running --------------------------------------------------------------------------- */

/*
 * Until a stop signal: the event tools' buffers drained (their events counted) while the HTTP
 * server answers on its own thread. One tool waits in its poll, several are drained in turn
 * every 10 ms (as often as a buffer drains itself, lib/buf.h); after a drain that found events,
 * 2 ms pass before the next one, so that under load each drain serves a batch, as the tools'
 * own loop does (lib/events.c). 0, or -errno of a read error (logged).
 */
static int poll_events(void)
{
	struct bct_buf *bufs[MAX_TOOLS];
	int i, n = 0, got, rc;

	for (i = 0; i < ntools; i++)
		if (tools[i].ev)
			bufs[n++] = tools[i].ev->buf;
	while (!bct_exiting) {
		struct timespec ts = { 0, 0 };

		for (i = 0, got = 0; i < n; i++) {
			rc = bct_buf__poll(bufs[i], n == 1 ? 100 : 0);
			if (rc < 0)
				return rc;
			got += rc;
		}
		ts.tv_nsec = got ? 2000000 : (n == 1 ? 0 : n ? 10000000 : 100000000);
		if (ts.tv_nsec)
			nanosleep(&ts, NULL); /* a signal ends it early */
	}
	return 0;
}

/* Event tools print nothing under serve; what some write beside their rows is discarded. */
static void quiet_stdout(void)
{
	int i, nfd;

	for (i = 0; i < ntools && !tools[i].ev; i++)
		;
	if (i == ntools || env.kit.common.json)
		return;
	fflush(stdout);
	nfd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (nfd >= 0) {
		dup2(nfd, STDOUT_FILENO);
		close(nfd);
	}
}

static int serve_forever(void)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	struct MHD_Daemon *d;
	bool v6 = false;
	int fd, rc;

	quiet_stdout();

	fd = listen_on(env.listen, &v6);
	if (fd < 0)
		return 1;
	if (drop_privileges(env.user)) {
		close(fd);
		return 1;
	}
	/*
	 * A scrape's buffers (a megabyte at 10,000 series) come from the heap and go back to
	 * it: mapped and unmapped each time, they cost page faults and TLB shootdowns (IPIs to
	 * every CPU) that took most of a scrape's CPU time.
	 */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 128 << 20);
	/*
	 * The same for each connection's memory pool: libmicrohttpd maps pools above 32 KiB
	 * and unmaps them when the connection closes (a third of a scrape's CPU time, with
	 * Prometheus or curl closing after each); at 32 KiB it takes them from the heap. Requests
	 * are a few hundred bytes; the response is not copied into the pool. Under TLS, 32 KiB
	 * leaves no room to answer 431 to a huge header: 64 KiB there.
	 */
	if (v6)
		flags |= MHD_USE_IPv6;
	if (web.cert)
		flags |= MHD_USE_TLS;
	d = MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
			     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(web.cert ? 65536 : 32768),
			     web.cert ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, web.key,
			     MHD_OPTION_HTTPS_MEM_CERT, web.cert, MHD_OPTION_END);
	if (!d) {
		pr_err("cannot start the HTTP server on %s%s", env.listen,
		       web.cert ? " (check the TLS certificate and key)" : "");
		close(fd);
		return 1;
	}
	fprintf(stderr, "serving %d tool%s on %s://%s/metrics\n", ntools, ntools > 1 ? "s" : "",
		web.cert ? "https" : "http", env.listen);
	rc = poll_events();
	MHD_stop_daemon(d);
	close(fd);
	return rc ? 1 : 0;
}

/* The tool just attached is recorded: starts the next one, or serves after the last one. */
static int start_next(void)
{
	int rc;

	nstarted++;
	if (bct_exiting)
		return 0;
	if (nstarted < ntools) {
		rc = tools[nstarted].fn(tools[nstarted].argc, tools[nstarted].argv);
		/* a tool that stopped before attaching (or failed) never called the hook */
		return nstarted == ntools || rc || bct_exiting ? rc : 1;
	}
	return serve_forever();
}

/* A tool that cannot be served with the options given: one line naming them; exit 2. */
static void refused(const struct served *st, const char *why)
{
	fprintf(stderr,
		"serve: '%s%s%s' cannot be served: with %s it %s; drop the option that selects "
		"that mode\n",
		st->name, st->args[0] ? " " : "", st->args,
		st->args[0] ? "these options" : "its defaults", why);
}

/* bct_hist_run() of the tool being started calls this once it is attached. */
static int hook(struct bct_session *s, const struct bct_hist_tool *t)
{
	struct served *st = &tools[nstarted];
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	if (t->print && !t->serve_count && !t->serve_hist && !t->serve_counters) {
		refused(st, "prints a table serve cannot read");
		return 2;
	}
	st->s = s;
	st->t = t;
	label_of(st);
	st->fd = bct_prog__map_fd(s->prog, t->map ? t->map : "hists");
	memset(&info, 0, sizeof(info));
	if (st->fd < 0 || bpf_obj_get_info_by_fd(st->fd, &info, &len) ||
	    info.value_size < 3 * sizeof(uint64_t) || info.value_size % sizeof(uint64_t)) {
		pr_err("%s: cannot read its histogram map", st->name);
		return 1;
	}
	st->key_size = info.key_size;
	st->batch = true;
	st->percpu = info.type == BPF_MAP_TYPE_PERCPU_ARRAY;
	st->value_size = info.value_size;
	st->cap = info.max_entries < MAX_ENTRIES ? info.max_entries : MAX_ENTRIES;
	st->keys = calloc(st->cap, st->key_size);
	st->values = calloc(st->cap, st->value_size);
	st->v = calloc(st->cap, sizeof(*st->v));
	st->order = calloc(st->cap, sizeof(*st->order));
	if (!st->keys || !st->values || !st->v || !st->order) {
		pr_err("%s: %s", st->name, strerror(ENOMEM));
		return 1;
	}
	return start_next();
}

/* bct_events_run() of the event tool being started calls this once it is attached. */
static int hook_events(struct bct_session *s, const struct bct_event_tool *t,
		       struct bct_events_count *c)
{
	(void)t;
	tools[nstarted].s = s;
	tools[nstarted].ev = c;
	return start_next();
}

/* A tool counting per name (funccount) calls this once it is attached. */
static int hook_table(struct bct_session *s, const struct bct_serve_table *t)
{
	tools[nstarted].s = s;
	tools[nstarted].table = t;
	return start_next();
}

/* Splits argv after serve's own options at "," into tools; 0 or an exit code. */
static int split_tools(int argc, char **argv)
{
	int i = 0, j;

	while (i < argc) {
		struct served *st = &tools[ntools];
		size_t k, len = 0;

		if (ntools == MAX_TOOLS) {
			fprintf(stderr, "serve: %d tools at most\n", MAX_TOOLS);
			return 2;
		}
		if (!strcmp(argv[i], ",")) {
			fprintf(stderr, "serve: a tool name is missing before ','\n");
			return 2;
		}
		for (k = 0; k < sizeof(servable) / sizeof(servable[0]); k++)
			if (!strcmp(argv[i], servable[k].name))
				st->fn = servable[k].fn;
		if (!st->fn) {
			fprintf(stderr,
				"serve: '%s' is not a servable tool (see 'bcctool serve --help')\n",
				argv[i]);
			return 2;
		}
		for (j = 0; j < ntools; j++)
			if (!strcmp(tools[j].name, argv[i])) {
				fprintf(stderr, "serve: %s is given twice: run it once\n", argv[i]);
				return 2;
			}
		st->name = argv[i];
		st->argv = &argv[i];
		for (j = i + 1; j < argc && strcmp(argv[j], ","); j++) {
			int n = snprintf(st->args + len, sizeof(st->args) - len, "%s%s",
					 len ? " " : "", argv[j]);

			if (n > 0 && (size_t)n < sizeof(st->args) - len)
				len += n;
		}
		st->argc = j - i;
		ntools++;
		if (j < argc)
			argv[j] = NULL; /* each tool's argv ends at its "," */
		i = j + 1;
		if (j < argc && i == argc) {
			fprintf(stderr, "serve: a tool name is missing after ','\n");
			return 2;
		}
	}
	return 0;
}

/* Serve's own options: those before the first tool name (an option's value included). */
static int own_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-')
			break;
		if (!strcmp(a, "--"))
			return i + 1;
		if (!strcmp(a, "--listen") || !strcmp(a, "--web-config") || !strcmp(a, "--user") ||
		    !strcmp(a, "--max-series"))
			i++;
	}
	return i < argc ? i : argc;
}

int cmd_serve(int argc, char **argv)
{
	int own = own_args(argc, argv), rc;
	char *end;

	rc = bct_tool_parse(&args, &env.kit, own, argv);
	if (rc)
		return rc;
	if (env.max_series_arg) {
		errno = 0;
		env.max_series = strtoull(env.max_series_arg, &end, 10);
		if (errno || *end || !env.max_series_arg[0] || env.max_series_arg[0] == '-') {
			fprintf(stderr, "serve: invalid --max-series: '%s'\n", env.max_series_arg);
			return 2;
		}
	}
	if (own == argc) {
		fprintf(stderr, "serve: no tool given\nTry `serve --help' for more information.\n");
		return 2;
	}
	rc = split_tools(argc - own, argv + own);
	if (rc)
		return rc;
	if (env.web_config && read_web_config(env.web_config))
		return 1;
	if (!getpwnam(env.user)) {
		pr_err("unknown --user '%s': give an existing unprivileged user", env.user);
		return 1;
	}
	bct_hist_serve_hook = hook;
	bct_events_serve_hook = hook_events;
	bct_serve_table_hook = hook_table;
	bct_serve_active = true; /* a tool entering a loop of its own is refused */
	rc = tools[0].fn(tools[0].argc, tools[0].argv);
	bct_serve_active = false;
	bct_hist_serve_hook = NULL;
	bct_events_serve_hook = NULL;
	bct_serve_table_hook = NULL;
	if (bct_serve_refused) {
		/* the tool being started when it was refused, nothing of it attached */
		refused(&tools[nstarted < ntools ? nstarted : ntools - 1],
			"prints from a loop of its own");
		return 2;
	}
	return rc;
}
