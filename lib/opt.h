/* SPDX-License-Identifier: Apache-2.0 */
/* Options every tool shares, and typed parsers for the ones tools pick letters for. */
#ifndef BCT_OPT_H
#define BCT_OPT_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* BCC's debug bits (src/cc/bpf_module.h), plus libbpf's BTF messages. */
enum {
	BCT_DEBUG_LLVM_IR = 0x1,
	BCT_DEBUG_BPF = 0x2,
	BCT_DEBUG_PREPROCESSOR = 0x4,
	BCT_DEBUG_SOURCE = 0x8,
	BCT_DEBUG_BPF_REGISTER_STATE = 0x10,
	BCT_DEBUG_BTF = 0x20,
};

/* Filled by bct_common_argp; every tool's env embeds one. */
struct bct_common {
	bool ebpf;
	bool json;
	bool no_cache;
	unsigned int debug;
};

/* Hidden -h (help on stdout), --ebpf, --debug[=MASK], --json, --no-cache (lib/tool.h adds it). */
extern const struct argp bct_common_argp;

/*
 * arg as a one-line message may show it: control bytes and backslashes as \ooo, cut at 64
 * bytes with "..." (buf of 96 bytes or more).
 */
const char *bct_arg_shown(const char *arg, char *buf, size_t sz);

/*
 * Typed parsers: on bad input they call argp_error() (one line, usage hint, exit 2) when
 * state is non-NULL, or return -EINVAL when it is NULL (unit tests).
 */
int bct_arg_pid(struct argp_state *state, const char *arg, pid_t *out);
int bct_arg_u64(struct argp_state *state, const char *what, const char *arg, uint64_t min,
		uint64_t max, uint64_t *out);
/* Seconds as a plain integer (BCC), or with an ms/s/m/h suffix; result in milliseconds. */
int bct_arg_duration_ms(struct argp_state *state, const char *arg, uint64_t *out_ms);
/* BCC's [interval [count]] positionals: interval > 0 seconds, count > 0. */
int bct_arg_interval_count(struct argp_state *state, const char *arg, uint64_t *interval,
			   uint64_t *count);
/*
 * A tool's one positional argument NAME ("pattern"), for ARGP_KEY_ARG and ARGP_KEY_END: stores
 * it in *dst and refuses a second; at the end requires it unless optional (--ebpf). Returns 0
 * for those keys, ARGP_ERR_UNKNOWN for any other.
 */
int bct_arg_one(struct argp_state *state, int key, char *arg, const char *name, bool optional,
		const char **dst);
/* "0x1f", "31", or names "ir,bpf,preprocessor,source,verifier,btf,all". */
int bct_parse_debug_mask(const char *arg, unsigned int *out);

#endif
