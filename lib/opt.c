// SPDX-License-Identifier: Apache-2.0
/* The common argp child every tool attaches, and the shared typed option parsers. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "opt.h"

enum {
	OPT_EBPF = 0x1000,
	OPT_DEBUG,
	OPT_JSON,
	OPT_NO_CACHE,
};

static const struct argp_option common_options[] = {
	{ "help", 'h', NULL, OPTION_HIDDEN, "show this help message and exit", -1 },
	{ "ebpf", OPT_EBPF, NULL, 0, "print the BPF program to be compiled and exit", -1 },
	{ "debug", OPT_DEBUG, "MASK", OPTION_ARG_OPTIONAL,
	  "debug output: 0x1 LLVM IR, 0x2 BPF+verifier log, 0x4 preprocessor, 0x8 source+asm, "
	  "0x10 register state, 0x20 BTF; or names ir,bpf,preprocessor,source,verifier,btf,all",
	  -1 },
	{ "json", OPT_JSON, NULL, 0, "print one JSON object per line instead of text", -1 },
	{ "no-cache", OPT_NO_CACHE, NULL, 0, "compile the BPF program even if it is cached", -1 },
	{ 0 },
};

static const struct {
	const char *name;
	unsigned int bits;
} debug_names[] = {
	{ "ir", BCT_DEBUG_LLVM_IR },
	{ "bpf", BCT_DEBUG_BPF },
	{ "preprocessor", BCT_DEBUG_PREPROCESSOR },
	{ "source", BCT_DEBUG_SOURCE },
	{ "verifier", BCT_DEBUG_BPF_REGISTER_STATE },
	{ "btf", BCT_DEBUG_BTF },
	{ "all", 0x3f },
};

int bct_parse_debug_mask(const char *arg, unsigned int *out)
{
	char buf[256], *tok, *save = NULL;
	unsigned int mask = 0;
	char *end;
	unsigned long v;

	if (!arg || !*arg)
		return -EINVAL;
	errno = 0;
	v = strtoul(arg, &end, 0);
	if (!errno && *end == '\0' && arg[0] != '-') {
		if (v > 0xff)
			return -ERANGE;
		*out = v;
		return 0;
	}
	if (strlen(arg) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(debug_names) / sizeof(debug_names[0]); i++)
			if (!strcasecmp(tok, debug_names[i].name))
				break;
		if (i == sizeof(debug_names) / sizeof(debug_names[0]))
			return -EINVAL;
		mask |= debug_names[i].bits;
	}
	*out = mask;
	return 0;
}

static error_t common_parse(int key, char *arg, struct argp_state *state)
{
	struct bct_common *c = state->input;

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case OPT_EBPF:
		c->ebpf = true;
		break;
	case OPT_JSON:
		c->json = true;
		break;
	case OPT_NO_CACHE:
		c->no_cache = true;
		break;
	case OPT_DEBUG:
		if (!arg) {
			c->debug = 0x1f;
		} else if (bct_parse_debug_mask(arg, &c->debug)) {
			argp_error(state, "invalid debug mask: '%s'", arg);
		}
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp bct_common_argp = {
	.options = common_options,
	.parser = common_parse,
};

/*
 * arg as it may appear in a one-line message: control bytes and backslashes as \ooo (as the
 * tools' text output writes them), cut at 64 bytes with "...".
 */
const char *bct_arg_shown(const char *arg, char *buf, size_t sz)
{
	size_t o = 0;

	for (; *arg && o + 8 < sz; arg++) {
		unsigned char c = *arg;

		if (o >= 64) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			o += snprintf(buf + o, sz - o, "\\%03o", c);
		else
			buf[o++] = c;
	}
	buf[o] = '\0';
	return buf;
}

static int bad_range(struct argp_state *state, const char *what, const char *arg, uint64_t min,
		     uint64_t max)
{
	char buf[96];

	if (state)
		argp_error(state, "invalid %s: '%s' (from %" PRIu64 " to %" PRIu64 ")", what,
			   bct_arg_shown(arg, buf, sizeof(buf)), min, max);
	return -EINVAL;
}

static int bad(struct argp_state *state, const char *what, const char *arg)
{
	char buf[96];

	if (state)
		argp_error(state, "invalid %s: '%s'", what, bct_arg_shown(arg, buf, sizeof(buf)));
	return -EINVAL;
}

/* Strict unsigned decimal: digits only, no sign, no spaces, no overflow. */
static int parse_u64(const char *arg, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!arg || *arg < '0' || *arg > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int bct_arg_u64(struct argp_state *state, const char *what, const char *arg, uint64_t min,
		uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (parse_u64(arg, &v))
		return bad(state, what, arg);
	if (v < min || v > max)
		return bad_range(state, what, arg, min, max);
	*out = v;
	return 0;
}

int bct_arg_one(struct argp_state *state, int key, char *arg, const char *name, bool optional,
		const char **dst)
{
	if (key == ARGP_KEY_ARG) {
		if (*dst)
			argp_error(state, "unrecognized arguments: %s", arg);
		*dst = arg;
		return 0;
	}
	if (key == ARGP_KEY_END) {
		if (!*dst && !optional)
			argp_error(state, "the following arguments are required: %s", name);
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

int bct_arg_pid(struct argp_state *state, const char *arg, pid_t *out)
{
	uint64_t v;

	if (parse_u64(arg, &v) || v < 1 || v > INT_MAX)
		return bad(state, "PID", arg);
	*out = (pid_t)v;
	return 0;
}

int bct_arg_duration_ms(struct argp_state *state, const char *arg, uint64_t *out_ms)
{
	static const struct {
		const char *suffix;
		uint64_t ms;
	} units[] = { { "", 1000 }, { "s", 1000 }, { "ms", 1 }, { "m", 60000 }, { "h", 3600000 } };
	unsigned long long v;
	char *end;
	size_t i;

	if (!arg || *arg < '0' || *arg > '9')
		return bad(state, "duration", arg);
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || v == 0)
		return bad(state, "duration", arg);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix))
			continue;
		/* loops count in microseconds from a monotonic clock: ~292,000 years fit */
		if (v > UINT64_MAX / 1000 / 2 / units[i].ms)
			return bad(state, "duration", arg);
		*out_ms = v * units[i].ms;
		return 0;
	}
	return bad(state, "duration", arg);
}

int bct_arg_interval_count(struct argp_state *state, const char *arg, uint64_t *interval,
			   uint64_t *count)
{
	unsigned int n = state ? state->arg_num : (*interval ? 1 : 0);

	if (n == 0)
		return bct_arg_u64(state, "interval", arg, 1, 99999999, interval);
	if (n == 1)
		return bct_arg_u64(state, "count", arg, 1, 99999999, count);
	if (state)
		argp_error(state, "unrecognized argument: '%s'", arg);
	return -E2BIG;
}
