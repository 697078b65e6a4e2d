/* SPDX-License-Identifier: Apache-2.0 */
/* Sampling every CPU on a software cpu-clock perf event (runqlen, cpuunclaimed). */
#ifndef BCT_CPUCLOCK_H
#define BCT_CPUCLOCK_H

#include "prog.h"

/*
 * Attaches program prog_name of p to a cpu-clock perf event sampling at freq Hz on each
 * online CPU (offline ones are skipped); the links are p's. 0, or -errno (logged) when a CPU
 * that is online cannot be sampled, or none is.
 */
int bct_attach_cpu_clock(struct bct_prog *p, const char *prog_name, unsigned int freq);

#endif
