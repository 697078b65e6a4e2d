// SPDX-License-Identifier: Apache-2.0
/* Draining and reading BPF maps: batch operations where the kernel has them, else key by key. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "map.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's own "operation not supported" */
#endif

int bct_map_drain_by_key(int fd, void *keys, void *values, uint32_t key_size, uint32_t value_size,
			 uint32_t cap)
{
	char *k = keys, *v = values;
	uint32_t n = 0, tries;

	/* a key that vanishes between get_next_key and its lookup is tried again, not forever */
	for (tries = 0; n < cap && tries < 4 * cap; tries++) {
		char *kp = k + (size_t)n * key_size, *vp = v + (size_t)n * value_size;
		bool found;

		if (bpf_map_get_next_key(fd, NULL, kp)) {
			if (errno == ENOENT)
				break;
			return -errno;
		}
		if (!bpf_map_lookup_and_delete_elem(fd, kp, vp)) {
			n++;
			continue;
		}
		/* kernels before 5.14: no lookup-and-delete on hash maps */
		found = !bpf_map_lookup_elem(fd, kp, vp);
		bpf_map_delete_elem(fd, kp);
		if (found)
			n++;
	}
	return n;
}

/* Whether a batch call failed because the kernel (or this map type) has no batch operations. */
static bool no_batch(int err)
{
	return err == -EINVAL || err == -ENOTSUPP || err == -EOPNOTSUPP || err == -ENOSYS;
}

/* bct_map_read() where there are no batch operations: get_next_key and lookup. */
static int read_by_key(int fd, void *keys, void *values, uint32_t key_size, uint32_t value_size,
		       uint32_t cap)
{
	char *k = keys, *v = values;
	const void *prev = NULL;
	uint32_t n = 0;

	while (n < cap) {
		char *kp = k + (size_t)n * key_size;

		if (bpf_map_get_next_key(fd, prev, kp))
			return errno == ENOENT ? (int)n : -errno;
		prev = kp;
		/* gone meanwhile: the next key from it still works */
		if (!bpf_map_lookup_elem(fd, kp, v + (size_t)n * value_size))
			n++;
	}
	return (int)n;
}

/* bct_map_drain() (del) or bct_map_read(): batches, else key by key. */
static int take(int fd, void *keys, void *values, uint32_t key_size, uint32_t value_size,
		uint32_t cap, bool del)
{
	int (*by_key)(int, void *, void *, uint32_t, uint32_t, uint32_t) =
		del ? bct_map_drain_by_key : read_by_key;
	/* the position between batches; hash maps use a __u32 bucket index */
	uint64_t token[8];
	char *k = keys, *v = values;
	void *in = NULL;
	uint32_t n = 0;

	if (key_size > sizeof(token))
		return by_key(fd, keys, values, key_size, value_size, cap);
	while (n < cap) {
		uint32_t count = cap - n;
		char *kp = k + (size_t)n * key_size, *vp = v + (size_t)n * value_size;
		int err = del ? bpf_map_lookup_and_delete_batch(fd, in, token, kp, vp, &count, NULL)
			      : bpf_map_lookup_batch(fd, in, token, kp, vp, &count, NULL);

		if (err)
			err = -errno;
		if (err && err != -ENOENT && err != -ENOSPC) {
			/* count is only meaningful with those two */
			if (!n && !in && no_batch(err))
				return by_key(fd, keys, values, key_size, value_size, cap);
			return err;
		}
		n += count;
		if (err == -ENOENT)
			break; /* the whole map was walked */
		if (err == -ENOSPC) {
			if (n)
				break; /* the next bucket does not fit: the rest stays for next time */
			/* not even one bucket fits: one key at a time */
			return by_key(fd, keys, values, key_size, value_size, cap);
		}
		in = token;
	}
	return (int)n;
}

int bct_map_drain(int fd, void *keys, void *values, uint32_t key_size, uint32_t value_size,
		  uint32_t cap)
{
	return take(fd, keys, values, key_size, value_size, cap, true);
}

int bct_map_read(int fd, void *keys, void *values, uint32_t key_size, uint32_t value_size,
		 uint32_t cap)
{
	return take(fd, keys, values, key_size, value_size, cap, false);
}

/* Adds the per-CPU copies of n values (ncpus copies each, value_size bytes) into sums. */
static void add_cpus(uint64_t *sums, const uint64_t *raw, uint32_t n, uint32_t value_size,
		     int ncpus)
{
	size_t words = value_size / sizeof(uint64_t), i, w;
	int c;

	memset(sums, 0, (size_t)n * value_size);
	for (i = 0; i < n; i++)
		for (c = 0; c < ncpus; c++)
			for (w = 0; w < words; w++)
				sums[i * words + w] += raw[(i * ncpus + c) * words + w];
}

int bct_map_percpu_sum(int fd, void *keys, uint64_t *sums, uint32_t key_size, uint32_t value_size,
		       uint32_t cap)
{
	int ncpus = libbpf_num_possible_cpus();
	uint64_t token[8], *raw;
	char *k = keys;
	void *in = NULL;
	uint32_t n = 0;
	int err = 0;

	if (ncpus < 0)
		return ncpus;
	if (value_size % sizeof(uint64_t) || key_size > sizeof(token))
		return -EINVAL;
	raw = calloc((size_t)cap * ncpus, value_size);
	if (!raw)
		return -ENOMEM;
	while (n < cap) {
		uint32_t count = cap - n;

		err = bpf_map_lookup_batch(fd, in, token, k + (size_t)n * key_size,
					   (char *)raw + (size_t)n * ncpus * value_size, &count,
					   NULL);
		err = err ? -errno : 0;
		if (err && err != -ENOENT)
			break;
		n += count;
		if (err == -ENOENT || !count)
			break;
		in = token;
	}
	if (err == -ENOENT)
		err = 0;
	if (err && no_batch(err) && !n) {
		/* no batch operations: key by key */
		err = 0;
		for (in = NULL; n < cap; n++) {
			char *kp = k + (size_t)n * key_size;

			if (bpf_map_get_next_key(fd, in, kp))
				break;
			if (bpf_map_lookup_elem(fd, kp,
						(char *)raw + (size_t)n * ncpus * value_size)) {
				err = -errno;
				break;
			}
			in = kp;
		}
	}
	if (!err)
		add_cpus(sums, raw, n, value_size, ncpus);
	free(raw);
	return err ?: (int)n;
}
