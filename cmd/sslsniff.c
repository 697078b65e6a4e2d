// SPDX-License-Identifier: Apache-2.0
/*
 * sslsniff: the plaintext that programs hand to, or get from, OpenSSL, GnuTLS and NSS, one
 * record per read or write call, with the data after it.
 *
 * Interface of BCC's sslsniff by Adrian Lopez and Mark Drayton; written anew: entry and return
 * uprobes on the libraries' functions, attached by symbol (lib/uprobe.h). A library that is not
 * installed (or a function it does not have) is skipped, as BCC does; --extra-lib adds one by
 * path. -c compares the whole command name, in user space, as BCC does.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "elfsym.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "uprobe.h"
#include "util.h"
#include "sslsniff.h"

enum { LIB_OPENSSL, LIB_GNUTLS, LIB_NSS, NLIBS };

#define MAX_EXTRA_LIBS 16
/* a per-CPU map value is at most 32 KiB: the record's fixed part and the data */
#define MAX_BUF_LIMIT (32768 - 64)

enum { OPT_HEXDUMP = 0x100, OPT_MAX_BUF, OPT_HANDSHAKE, OPT_EXTRA_LIB };

static struct sslsniff_env {
	struct bct_env kit; /* -p, -u, --json, --ebpf, --debug */
	bool extra; /* -x */
	const char *comm; /* -c */
	bool no_lib[NLIBS]; /* -o, -g, -n */
	int debug; /* -d */
	bool hexdump;
	uint64_t max_buf;
	bool latency; /* -l */
	bool handshake;
	struct {
		int type;
		const char *path;
	} extra_libs[MAX_EXTRA_LIBS];
	int nextra;
	uint64_t start_ns;
} env = { .max_buf = 8192 };

static const char *const lib_types[NLIBS] = { "openssl", "gnutls", "nss" };

static const struct bct_opt opts[] = {
	BCT_FLAG('x', "extra", &env.extra, "show extra fields (UID, TID)"),
	BCT_STRING('c', "comm", "COMM", &env.comm, "sniff only commands matching string."),
	BCT_FLAG('o', "no-openssl", &env.no_lib[LIB_OPENSSL], "do not show OpenSSL calls."),
	BCT_FLAG('g', "no-gnutls", &env.no_lib[LIB_GNUTLS], "do not show GnuTLS calls."),
	BCT_FLAG('n', "no-nss", &env.no_lib[LIB_NSS], "do not show NSS calls."),
	BCT_COUNT('d', NULL, &env.debug, "debug mode (as --debug)"),
	BCT_FLAG(OPT_HEXDUMP, "hexdump", &env.hexdump,
		 "show data as hexdump instead of trying to decode it as UTF-8"),
	BCT_CUSTOM(OPT_MAX_BUF, "max-buffer-size", "SIZE", "Size of captured buffer (8192)"),
	BCT_FLAG('l', "latency", &env.latency, "show function latency"),
	BCT_FLAG(OPT_HANDSHAKE, "handshake", &env.handshake,
		 "show SSL handshake latency, enabled only if latency option is on."),
	BCT_CUSTOM(OPT_EXTRA_LIB, "extra-lib", "TYPE:PATH",
		   "Intercept calls from extra library (format: lib_type:lib_path; lib_type is "
		   "openssl, gnutls or nss)"),
	{ 0 },
};

static const char doc[] =
	"Sniff SSL data\n"
	"\v"
	"examples:\n"
	"    sslsniff              # sniff OpenSSL and GnuTLS functions\n"
	"    sslsniff -p 181       # sniff PID 181 only\n"
	"    sslsniff -u 1000      # sniff only UID 1000\n"
	"    sslsniff -c curl      # sniff curl command only\n"
	"    sslsniff --no-openssl # don't show OpenSSL calls\n"
	"    sslsniff --no-gnutls  # don't show GnuTLS calls\n"
	"    sslsniff --no-nss     # don't show NSS calls\n"
	"    sslsniff --hexdump    # show data as hex instead of trying to decode it as UTF-8\n"
	"    sslsniff -x           # show process UID and TID\n"
	"    sslsniff -l           # show function latency\n"
	"    sslsniff -l --handshake  # show SSL handshake latency\n"
	"    sslsniff --extra-lib openssl:/path/libssl.so.1.1 # sniff extra library\n"
	"    sslsniff --json       # one JSON object per call\n";

static void add_extra_lib(struct argp_state *state, char *arg)
{
	char *colon = strchr(arg, ':');
	int t;

	if (!colon)
		argp_error(state, "argument --extra-lib: invalid SSL library param: '%s'", arg);
	for (t = 0; t < NLIBS; t++)
		if ((size_t)(colon - arg) == strlen(lib_types[t]) &&
		    !strncmp(arg, lib_types[t], colon - arg))
			break;
	if (t == NLIBS)
		argp_error(state,
			   "argument --extra-lib: invalid SSL library type: '%.*s' (openssl, "
			   "gnutls or nss)",
			   (int)(colon - arg), arg);
	if (access(colon + 1, R_OK))
		argp_error(state, "argument --extra-lib: invalid library path: '%s'", colon + 1);
	if (env.nextra == MAX_EXTRA_LIBS)
		argp_error(state, "argument --extra-lib: at most %d libraries", MAX_EXTRA_LIBS);
	env.extra_libs[env.nextra].type = t;
	env.extra_libs[env.nextra].path = colon + 1;
	env.nextra++;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_MAX_BUF:
		bct_arg_u64(state, "max buffer size", arg, 0, MAX_BUF_LIMIT, &env.max_buf);
		return 0;
	case OPT_EXTRA_LIB:
		add_extra_lib(state, arg);
		return 0;
	default:
		return bct_no_args(key, arg, state);
	}
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.doc = doc,
	.shared = { .pid = 'p', .uid = 'u' },
};

/* --- attach methods: every program in bpf-src/sslsniff.bpf.c ----------------------------- */

static const struct bct_method methods[] = {
	{ .name = "uprobe",
	  .progs = BCT_PROGS(BCT_PROG("rw_enter", "uprobe"), BCT_PROG("ex_enter", "uprobe"),
			     BCT_PROG("read_return", "uretprobe"),
			     BCT_PROG("write_return", "uretprobe"),
			     BCT_PROG("handshake_enter", "uprobe"),
			     BCT_PROG("handshake_return", "uretprobe")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "TLS library reads and writes", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_sslsniff = {
	.src_name = "sslsniff.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * BCC's header "%-12s %-18s %-16s %-7s %-7s" [" %-7s %-7s"] [" %-7s"] and its rows
 * "%-12s %-18.9f %-16s %-7d %-6d" [" %-7d %-7d"] [" %-7s"]: LEN is one narrower in the rows
 * than in the header, hence the header name padded by hand.
 */
static const struct bct_col cols[] = {
	{ "FUNC", "func", 12, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "TIME(s)", "time_s", 18, BCT_COL_DOUBLE, BCT_COL_LEFT, 9 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "LEN    ", "len", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "UID", "uid", 7, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "TID", "tid", 7, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "LAT(ms)", "lat", 7, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY, 0 },
	{ "", "lat_ms", 0, BCT_COL_DOUBLE, BCT_COL_JSON_ONLY, 3 },
	{ "", "data", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "", "truncated_bytes", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ NULL },
};

static const char *const rw_names[] = {
	[SSLSNIFF_READ] = "READ/RECV",
	[SSLSNIFF_WRITE] = "WRITE/SEND",
	[SSLSNIFF_HANDSHAKE] = "HANDSHAKE",
};

static void columns(void *ctx, struct bct_out *out)
{
	bool json = bct_out__json(out);

	bct_out__show(out, "uid", env.extra || json);
	bct_out__show(out, "tid", env.extra || json);
	bct_out__show(out, "lat", env.latency);
}

/* The bytes as Python's decode('utf-8', 'replace') gives them: U+FFFD for each bad byte. */
static void put_utf8(FILE *f, const uint8_t *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = s[i] < 0x80 ? 1 : bct_utf8_len((const char *)s + i, n - i);
		if (k) {
			fwrite(s + i, 1, k, f);
		} else {
			fputs("\xef\xbf\xbd", f);
			k = 1;
		}
	}
}

/* binascii.hexlify() wrapped by textwrap.fill(width=32): 16 bytes a line. */
static char *hex_lines(const uint8_t *s, size_t n, bool wrap)
{
	static const char hex[] = "0123456789abcdef";
	char *buf = malloc(n * 2 + n / 16 + 1), *d = buf;
	size_t i;

	if (!buf)
		return NULL;
	for (i = 0; i < n; i++) {
		if (wrap && i && i % 16 == 0)
			*d++ = '\n';
		*d++ = hex[s[i] >> 4];
		*d++ = hex[s[i] & 15];
	}
	*d = '\0';
	return buf;
}

static int print_data(const uint8_t *buf, uint32_t n, uint64_t lost)
{
	fputs("----- DATA -----\n", stdout);
	if (env.hexdump) {
		char *h = hex_lines(buf, n, true);

		if (!h)
			return -ENOMEM;
		fputs(h, stdout);
		free(h);
	} else {
		put_utf8(stdout, buf, n);
	}
	if (lost)
		printf("\n----- END DATA (TRUNCATED, %llu bytes lost) -----\n\n\n",
		       (unsigned long long)lost);
	else
		fputs("\n----- END DATA -----\n\n\n", stdout);
	/* a failed write: its error (-EPIPE for a closed pipe, a clean stop; others logged) */
	return ferror(stdout) ? bct_out__flush(NULL) : 0;
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct sslsniff_event *e = data;
	const uint8_t *buf = (const uint8_t *)(e + 1);
	char comm[SSLSNIFF_COMM_LEN + 1], lat[32];
	uint32_t n;
	uint64_t lost;
	int err;

	if (size < sizeof(*e) || e->rw > SSLSNIFF_HANDSHAKE)
		return 0;
	memcpy(comm, e->comm, SSLSNIFF_COMM_LEN);
	comm[SSLSNIFF_COMM_LEN] = '\0';
	if (env.comm && strcmp(env.comm, comm))
		return 0;
	n = e->buf_len;
	if (n > size - sizeof(*e))
		n = size - sizeof(*e);
	if (n > e->len)
		n = e->len;
	lost = n ? e->len - n : 0;
	if (!env.start_ns)
		env.start_ns = e->ts_ns;
	if (e->delta_ns)
		snprintf(lat, sizeof(lat), "%.3f", (double)e->delta_ns / 1e6);
	else
		snprintf(lat, sizeof(lat), "N/A");

	bct_out__str(out, rw_names[e->rw]);
	bct_out__double(out, (double)(e->ts_ns - env.start_ns) / 1e9);
	bct_out__str(out, comm);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->len);
	bct_out__uint(out, e->uid);
	bct_out__uint(out, e->tid);
	bct_out__str(out, lat);
	bct_out__double(out, (double)e->delta_ns / 1e6);
	if (!n) {
		bct_out__none(out);
		bct_out__none(out);
	} else if (env.hexdump) {
		char *h = hex_lines(buf, n, false);

		bct_out__str(out, h ? h : "");
		free(h);
		bct_out__uint(out, lost);
	} else {
		bct_out__mem(out, (const char *)buf, n);
		bct_out__uint(out, lost);
	}
	err = bct_out__end(out);
	if (err || !n || bct_out__json(out))
		return err;
	return print_data(buf, n, lost);
}

/* --- set-up ------------------------------------------------------------------------------- */

static const struct func {
	const char *sym, *entry, *ret;
} funcs[NLIBS][5] = {
	[LIB_OPENSSL] = { { "SSL_write", "rw_enter", "write_return" },
			  { "SSL_read", "rw_enter", "read_return" },
			  { "SSL_write_ex", "ex_enter", "write_return" },
			  { "SSL_read_ex", "ex_enter", "read_return" } },
	[LIB_GNUTLS] = { { "gnutls_record_send", "rw_enter", "write_return" },
			 { "gnutls_record_recv", "rw_enter", "read_return" } },
	[LIB_NSS] = { { "PR_Write", "rw_enter", "write_return" },
		      { "PR_Send", "rw_enter", "write_return" },
		      { "PR_Read", "rw_enter", "read_return" },
		      { "PR_Recv", "rw_enter", "read_return" } },
};

static const struct func handshake = { "SSL_do_handshake", "handshake_enter", "handshake_return" };

/*
 * One function's entry and return probes; a function the library does not have is skipped
 * (0) when quiet (the default libraries), else an error.
 */
static int attach_func(struct bct_prog *p, const char *path, const struct func *f, bool quiet)
{
	struct bct_uprobe u = {
		.prog = f->entry, .lib = path, .sym = f->sym, .pid = env.kit.filter.pid
	};
	uint64_t off;
	int err;

	if (quiet && bct_elf_sym_offset(path, f->sym, &off))
		return 0;
	err = bct_uprobe_attach(p, &u);
	if (err)
		return err;
	u.prog = f->ret;
	u.ret = true;
	return bct_uprobe_attach(p, &u);
}

static int attach_lib(struct bct_prog *p, int type, const char *path, bool quiet)
{
	const struct func *f;
	int err = 0;

	for (f = funcs[type]; f < funcs[type] + 5 && f->sym && !err; f++)
		err = attach_func(p, path, f, quiet);
	if (!err && type == LIB_OPENSSL && env.latency && env.handshake)
		err = attach_func(p, path, &handshake, quiet);
	return err;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	static const char *const names[NLIBS] = { "ssl", "gnutls", "nspr4" };
	char path[PATH_MAX];
	int t, i, err = 0;

	for (t = 0; t < NLIBS && !err; t++) {
		if (env.no_lib[t])
			continue;
		if (bct_elf_lib_path(names[t], path, sizeof(path))) {
			/* skipped silently, as BCC does; said under --debug or -d */
			bct_log(env.kit.common.debug ? BCT_LOG_WARN : BCT_LOG_DEBUG,
				"library '%s' not found: %s calls not traced", names[t],
				lib_types[t]);
			continue;
		}
		err = attach_lib(p, t, path, true);
	}
	for (i = 0; i < env.nextra && !err; i++)
		err = attach_lib(p, env.extra_libs[i].type, env.extra_libs[i].path, false);
	return err;
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	return bct_prog__define(p, "MAX_BUF_SIZE", "%llu", (unsigned long long)env.max_buf);
}

int cmd_sslsniff(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.debug && !env.kit.common.debug)
		env.kit.common.debug = BCT_DEBUG_SOURCE;
	if (bct_session__init(&s, &env.kit, &needs_sslsniff, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
