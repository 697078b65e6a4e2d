/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Taking a tool's results out of a BPF hash map.
 *
 * bct_map_drain() reads and deletes every entry, each in one step, so that nothing the BPF
 * side counts meanwhile is lost: one syscall per batch where the kernel has batch operations
 * (5.6+), else key by key. keys and values are arrays of cap entries of the map's key and
 * value sizes; a map with more entries keeps the rest for the next drain.
 */
#ifndef BCT_MAP_H
#define BCT_MAP_H

#include <stdint.h>

/* Returns the number of entries taken (at most cap), or -errno. */
int bct_map_drain(int fd, void *keys, void *values, uint32_t key_size, uint32_t value_size,
		  uint32_t cap);
/*
 * Reads the entries of a hash map as bct_map_drain() does, without deleting them: a tool that
 * looks at its results while it runs, or that exits next. Returns the number read (at most
 * cap), or -errno.
 */
int bct_map_read(int fd, void *keys, void *values, uint32_t key_size, uint32_t value_size,
		 uint32_t cap);
/*
 * The same, key by key (get_next_key, then lookup-and-delete; before 5.14, lookup then
 * delete): what bct_map_drain() falls back to.
 */
int bct_map_drain_by_key(int fd, void *keys, void *values, uint32_t key_size, uint32_t value_size,
			 uint32_t cap);
/*
 * Per-CPU maps (counters kept without atomics on hot paths): reads the first cap entries
 * (all of an array), each value the sum over the possible CPUs of its u64 words; value_size
 * is the map's (a multiple of 8). Nothing is cleared: callers that want intervals subtract
 * the previous sums. Returns the number of entries read, or -errno.
 */
int bct_map_percpu_sum(int fd, void *keys, uint64_t *sums, uint32_t key_size, uint32_t value_size,
		       uint32_t cap);

#endif
