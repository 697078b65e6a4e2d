/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Included first by every cmd/<tool>.c: the lib/ headers that most commands use, so that a
 * command does not list them one by one.
 *   log.h      pr_err()/pr_warn()/pr_info()/pr_debug(): every diagnostic goes through them
 *   opt.h      struct bct_common, the common argp child and the shared option parsers
 *   signals.h  bct_exiting and its handlers, for the poll loops of tracing tools
 *   json.h     the NDJSON writer behind --json
 *   tracefs.h  where tracefs is (bpflist, info, reset_trace)
 * It pulls in no engine piece: a command includes what it uses by name, prog.h to compile,
 * load and attach its BPF program, then buf.h, map.h, hist.h, out.h, cgroup.h, cache.h,
 * compile.h or probe.h as needed, and cmd.h for the command table and its needs_<tool>.
 */
#ifndef BCT_H
#define BCT_H

#include "json.h"
#include "log.h"
#include "opt.h"
#include "signals.h"
#include "tracefs.h"

#endif
