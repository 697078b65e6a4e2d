// SPDX-License-Identifier: Apache-2.0
/* Draining hash maps (every entry taken once, with its value, the map left empty) and reading them. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "map.h"
#include "unit.h"

#define ENTRIES 300

struct value {
	uint64_t slots[8];
};

/* A hash map holding keys 1000..1000+n-1, value slots[i] = key * (i + 1); -1 when it cannot. */
static int filled_map(uint32_t n)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "bct_unit_map", sizeof(uint64_t),
				sizeof(struct value), 1024, NULL);
	uint32_t i, j;

	if (fd < 0) {
		unit_skip(errno == EPERM ? "creating a BPF map needs root (CAP_BPF)"
					 : "this kernel cannot create a BPF hash map");
		return -1;
	}
	for (i = 0; i < n; i++) {
		uint64_t key = 1000 + i;
		struct value v;

		for (j = 0; j < 8; j++)
			v.slots[j] = key * (j + 1);
		CHECK_INT(bpf_map_update_elem(fd, &key, &v, BPF_NOEXIST), 0);
	}
	return fd;
}

/* Each of keys[0..n) is one of the map's keys, seen once, with its value. */
static void check_taken(const uint64_t *keys, const struct value *values, int n, uint32_t total)
{
	char *seen = calloc(total, 1);
	int i, j;

	CHECK(seen);
	if (!seen)
		return;
	for (i = 0; i < n; i++) {
		uint64_t idx = keys[i] - 1000;

		CHECK(keys[i] >= 1000 && idx < total);
		if (idx >= total)
			continue;
		CHECK(!seen[idx]);
		seen[idx] = 1;
		for (j = 0; j < 8; j++)
			CHECK_INT(values[i].slots[j], keys[i] * (j + 1));
	}
	free(seen);
}

static int map_count(int fd)
{
	uint64_t key, next;
	int n = 0;

	if (bpf_map_get_next_key(fd, NULL, &key))
		return 0;
	for (n = 1; !bpf_map_get_next_key(fd, &key, &next); n++)
		key = next;
	return n;
}

static void check_drain(int (*drain)(int, void *, void *, uint32_t, uint32_t, uint32_t))
{
	static uint64_t keys[1024];
	static struct value values[1024];
	int fd = filled_map(ENTRIES), n;

	if (fd < 0)
		return;
	n = drain(fd, keys, values, sizeof(keys[0]), sizeof(values[0]), 1024);
	CHECK_INT(n, ENTRIES);
	check_taken(keys, values, n, ENTRIES);
	CHECK_INT(map_count(fd), 0);
	/* an empty map drains to nothing */
	CHECK_INT(drain(fd, keys, values, sizeof(keys[0]), sizeof(values[0]), 1024), 0);
	close(fd);
}

UNIT_TEST(map_drain_takes_every_entry_once)
{
	check_drain(bct_map_drain);
}

UNIT_TEST(map_drain_by_key_takes_every_entry_once)
{
	check_drain(bct_map_drain_by_key);
}

UNIT_TEST(map_drain_stops_at_cap_and_keeps_the_rest)
{
	static uint64_t keys[ENTRIES];
	static struct value values[ENTRIES];
	int fd = filled_map(ENTRIES), a, b;

	if (fd < 0)
		return;
	a = bct_map_drain(fd, keys, values, sizeof(keys[0]), sizeof(values[0]), 100);
	CHECK(a > 0 && a <= 100);
	CHECK_INT(map_count(fd), ENTRIES - a);
	b = bct_map_drain(fd, keys + a, values + a, sizeof(keys[0]), sizeof(values[0]),
			  ENTRIES - a);
	CHECK_INT(a + b, ENTRIES);
	check_taken(keys, values, a + b, ENTRIES);
	CHECK_INT(map_count(fd), 0);
	close(fd);
}

UNIT_TEST(map_read_takes_every_entry_and_keeps_them)
{
	static uint64_t keys[1024];
	static struct value values[1024];
	int fd = filled_map(ENTRIES), n;

	if (fd < 0)
		return;
	n = bct_map_read(fd, keys, values, sizeof(keys[0]), sizeof(values[0]), 1024);
	CHECK_INT(n, ENTRIES);
	check_taken(keys, values, n, ENTRIES);
	CHECK_INT(map_count(fd), ENTRIES);
	/* again: the same entries */
	CHECK_INT(bct_map_read(fd, keys, values, sizeof(keys[0]), sizeof(values[0]), 1024),
		  ENTRIES);
	check_taken(keys, values, ENTRIES, ENTRIES);
	/* at most cap */
	n = bct_map_read(fd, keys, values, sizeof(keys[0]), sizeof(values[0]), 100);
	CHECK(n > 0 && n <= 100);
	check_taken(keys, values, n, ENTRIES);
	CHECK_INT(bct_map_read(-1, keys, values, sizeof(keys[0]), sizeof(values[0]), 1), -EBADF);
	close(fd);
}

UNIT_TEST(map_drain_bad_fd_is_an_error)
{
	uint64_t key;
	struct value v;

	CHECK_INT(bct_map_drain(-1, &key, &v, sizeof(key), sizeof(v), 1), -EBADF);
	CHECK_INT(bct_map_drain_by_key(-1, &key, &v, sizeof(key), sizeof(v), 1), -EBADF);
}

/* A per-CPU array: each entry's words summed over the CPUs, nothing cleared. */
UNIT_TEST(map_percpu_sum_adds_the_cpus)
{
	int ncpus = libbpf_num_possible_cpus(), fd, c;
	uint32_t keys[4], i, w;
	struct value sums[4], *per;

	fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "bct_unit_pcpu", sizeof(uint32_t),
			    sizeof(struct value), 4, NULL);
	if (fd < 0) {
		unit_skip(errno == EPERM ? "creating a BPF map needs root (CAP_BPF)"
					 : "this kernel cannot create a per-CPU array");
		return;
	}
	CHECK(ncpus > 0);
	per = calloc(ncpus, sizeof(*per));
	CHECK(per != NULL);
	for (i = 0; per && i < 4; i++) {
		for (c = 0; c < ncpus; c++)
			for (w = 0; w < 8; w++)
				per[c].slots[w] = (i + 1) * (w + 1) + c;
		CHECK_INT(bpf_map_update_elem(fd, &i, per, BPF_ANY), 0);
	}
	for (i = 0; i < 2; i++) /* twice: reading clears nothing */
		CHECK_INT(bct_map_percpu_sum(fd, keys, sums[0].slots, sizeof(keys[0]),
					     sizeof(sums[0]), 4),
			  4);
	for (i = 0; i < 4; i++) {
		CHECK_INT(keys[i], i);
		for (w = 0; w < 8; w++)
			CHECK_INT(sums[i].slots[w], (uint64_t)ncpus * (i + 1) * (w + 1) +
							    (uint64_t)ncpus * (ncpus - 1) / 2);
	}
	free(per);
	close(fd);
}
