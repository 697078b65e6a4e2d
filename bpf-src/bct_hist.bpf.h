/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Histograms kept in the kernel, BPF side of the histogram-tool skeleton (lib/histtool.h).
 * Included after bct_common.bpf.h (a map update the kernel refuses is counted there, as
 * lost_events, and reported at exit as a missed run).
 *
 *	BCT_HIST_MAP(hists, __u64, 1024);              // a hash of struct bct_hist by key
 *	...
 *	bct_hist_log2(&hists, &key, delta);            // BCC's bpf_log2l() slots
 *	bct_hist_linear(&hists, &key, value);          // slot = value (clamped to the last)
 *
 * The user side derives the number of slots from the map's value size, so a tool changes it
 * with -DBCT_HIST_SLOTS=n alone (default 65: every log2 slot of a 64-bit value).
 * BCT_HIST_SUM (BCC's -e "extension") also keeps the sum and number of the values; so does
 * BCT_HIST_SERVE, defined by bcctool serve (its histograms' _sum and _count).
 */
#ifndef BCT_HIST_BPF_H
#define BCT_HIST_BPF_H

#ifndef BCT_HIST_SLOTS
#define BCT_HIST_SLOTS 65
#endif

struct bct_hist {
	__u64 slots[BCT_HIST_SLOTS];
	__u64 total; /* BCT_HIST_SUM: sum of the values, in the histogram's unit */
	__u64 count; /* BCT_HIST_SUM: number of values */
};

#define BCT_HIST_MAP(name, key_type, max)        \
	struct {                                 \
		__uint(type, BPF_MAP_TYPE_HASH); \
		__uint(max_entries, max);        \
		__type(key, key_type);           \
		__type(value, struct bct_hist);  \
	} name SEC(".maps")

/*
 * A per-CPU array of struct bct_hist by __u32 index, for the hottest events: no hash lookup
 * and no atomics (bct_hist_add_percpu()); lib/histtool.c sums the CPUs and prints each
 * interval's differences; bcctool serve sums them too and serves the entries that counted.
 */
#define BCT_HIST_PERCPU_MAP(name, max)                   \
	struct {                                         \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); \
		__uint(max_entries, max);                \
		__type(key, __u32);                      \
		__type(value, struct bct_hist);          \
	} name SEC(".maps")

static const struct bct_hist bct_hist_zero;

/* BCC's bpf_log2l(): 0 and 1 -> 1, 2..3 -> 2, 4..7 -> 3, ..., 2^63.. -> 64. */
static __always_inline unsigned int bct_log2_slot(__u64 v)
{
	unsigned int r, shift;

	r = (v > 0xffffffffULL) << 5;
	v >>= r;
	shift = (v > 0xffff) << 4;
	v >>= shift;
	r |= shift;
	shift = (v > 0xff) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xf) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (v >> 1);
	return r + 1;
}

/* The histogram of key, created empty when missing; NULL (counted as lost) when full. */
static __always_inline struct bct_hist *bct_hist_lookup(void *map, const void *key)
{
	struct bct_hist *h = bpf_map_lookup_elem(map, key);

	if (h)
		return h;
	bpf_map_update_elem(map, key, &bct_hist_zero, BPF_NOEXIST);
	h = bpf_map_lookup_elem(map, key);
	if (!h)
		bct_count_lost();
	return h;
}

/* Counts value in slot (the last slot takes everything beyond it). */
static __always_inline void bct_hist_add(struct bct_hist *h, unsigned int slot, __u64 value)
{
	barrier_var(slot); /* keep the bound check the verifier needs */
	if (slot >= BCT_HIST_SLOTS)
		slot = BCT_HIST_SLOTS - 1;
	__sync_fetch_and_add(&h->slots[slot], 1);
#if defined(BCT_HIST_SUM) || defined(BCT_HIST_SERVE)
	__sync_fetch_and_add(&h->total, value);
	__sync_fetch_and_add(&h->count, 1);
#endif
}

/* bct_hist_add() on a CPU's own histogram (BCT_HIST_PERCPU_MAP): plain increments. */
static __always_inline void bct_hist_add_percpu(struct bct_hist *h, unsigned int slot, __u64 value)
{
	barrier_var(slot);
	if (slot >= BCT_HIST_SLOTS)
		slot = BCT_HIST_SLOTS - 1;
	h->slots[slot]++;
#if defined(BCT_HIST_SUM) || defined(BCT_HIST_SERVE)
	h->total += value;
	h->count++;
#endif
}

static __always_inline void bct_hist_log2(void *map, const void *key, __u64 value)
{
	struct bct_hist *h = bct_hist_lookup(map, key);

	if (h)
		bct_hist_add(h, bct_log2_slot(value), value);
}

static __always_inline void bct_hist_linear(void *map, const void *key, __u64 value)
{
	struct bct_hist *h = bct_hist_lookup(map, key);

	if (h)
		bct_hist_add(h, value < BCT_HIST_SLOTS ? (unsigned int)value : BCT_HIST_SLOTS - 1,
			     value);
}

#endif
