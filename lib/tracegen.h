/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BPF C generation shared by trace and argdist: a probe's target resolved (uprobe offset,
 * USDT locations, tracepoint record layout), the program's SEC() and head, the locals its
 * expressions use (signature parameters, USDT arguments read by readers generated from the
 * notes' argument specifications, the tracepoint's record as `args`), and expressions with
 * BCC's aliases rewritten (arg1.., retval, $pid ..., STRCMP("lit", expr) as a whole-string
 * compare).
 *
 * Kernel functions (p:/r: without a library) are refused here when the kernel has no kprobes,
 * with the tracepoint at the same place when there is one.
 */
#ifndef BCT_TRACEGEN_H
#define BCT_TRACEGEN_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "tpformat.h"
#include "usdt.h"

#define BCT_TGEN_MAX_PARAMS 8

struct bct_tgen_target {
	char type; /* 'p', 'r', 't', 'u' */
	char path[PATH_MAX]; /* p/r/u: the binary or library */
	char cat[128], ev[128]; /* t */
	uint64_t off; /* p/r: file offset */
	struct bct_usdt_probe *locs; /* u: one per location */
	size_t nlocs;
	struct bct_tp_format tp; /* t */
	char *param_types[BCT_TGEN_MAX_PARAMS], *param_names[BCT_TGEN_MAX_PARAMS];
	int nparams;
	bool user; /* strings of pointers are user memory */
};

/*
 * Resolves a probe's target (LIB through lib/probespec.h, with pid's mappings when pid > 0).
 * 0, or -errno with one line in err ("unable to find library X", "unrecognized USDT probe X", the no-kprobes
 * line).
 */
int bct_tgen_resolve(struct bct_tgen_target *t, char type, const char *lib, const char *func,
		     const char *provider, uint64_t offset, const char *signature, pid_t pid,
		     char *err, size_t err_sz);
void bct_tgen_free(struct bct_tgen_target *t);

/* Number of programs the target needs: USDT one per location, else 1. */
size_t bct_tgen_nprogs(const struct bct_tgen_target *t);

/*
 * Emits, for program loc of the target: the tracepoint record's struct (once, with loc 0),
 * the USDT readers, then `SEC(...) int NAME(CTX)\n{\n` and the locals (parameters, argN,
 * args). ret forces a uretprobe (argdist's entry/return pairs pass false for the entry).
 */
void bct_tgen_head(FILE *f, const struct bct_tgen_target *t, size_t loc, const char *name,
		   bool ret);

/*
 * Rewrites an expression: BCC's aliases for the probe kind, STRCMP("lit", e) as a call of a
 * helper appended to helpers (numbered with *nhelpers). malloc'd; NULL when out of memory.
 */
char *bct_tgen_expr(const struct bct_tgen_target *t, const char *expr, FILE *helpers,
		    int *nhelpers);

/*
 * Whether expr (as written) reads a string the user's %s should read as user memory, and,
 * for a tracepoint's __data_loc field `args->F`, its name in dl (else dl[0] = 0).
 */
bool bct_tgen_str_user(const struct bct_tgen_target *t, const char *expr, char *dl, size_t dl_sz);

/* The common head of every generated program: includes and the string reader. */
void bct_tgen_prelude(FILE *f);

#endif
