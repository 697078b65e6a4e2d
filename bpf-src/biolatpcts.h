/* SPDX-License-Identifier: Apache-2.0 */
/* biolatpcts: the counters' layout shared by bpf-src/biolatpcts.bpf.c and cmd/biolatpcts.c. */
#ifndef BIOLATPCTS_H
#define BIOLATPCTS_H

/*
 * Three per-CPU arrays of counters, one per granularity (100 ms, 1 ms, 10 us); in each, four
 * runs of BIOLATPCTS_SLOTS slots (read, write, discard, flush). A latency counts in the 100 ms
 * array; when it is below 100 ms also in the 1 ms one; when below 1 ms also in the 10 us one.
 * The last slot of a run takes everything beyond it.
 */
#define BIOLATPCTS_SLOTS 100
#define BIOLATPCTS_OPS 4
#define BIOLATPCTS_ENTRIES (BIOLATPCTS_SLOTS * BIOLATPCTS_OPS)

/* -w: which time stamp of the request the latency starts from */
#define BIOLATPCTS_FROM_ALLOC 0 /* from-rq-alloc: alloc_time_ns */
#define BIOLATPCTS_AFTER_ALLOC 1 /* after-rq-alloc: start_time_ns */
#define BIOLATPCTS_ON_DEVICE 2 /* on-device: io_start_time_ns */

#endif
