// SPDX-License-Identifier: Apache-2.0
/*
 * The histogram printer against golden files made by BCC's own Python printer
 * (test/fixtures/hist/gen.py): NAME.vals holds the counts, NAME.txt the text BCC prints for
 * them, NAME.json BCC's print_json_hist "data" list as strict JSON.
 */
#include <errno.h>
#include <stdlib.h>

#include "hist.h"
#include "unit.h"

#define LINEAR_SLOTS 1025

struct fixture {
	bool linear;
	bool strip;
	char val_type[64];
	uint64_t vals[LINEAR_SLOTS];
};

/* test/fixtures/hist/, found from this file's path (the tests run from the repository root). */
static void fixture_path(char *buf, size_t sz, const char *name, const char *ext)
{
	const char *file = __FILE__, *slash = strrchr(file, '/');
	int dir = slash ? (int)(slash - file) : 0;

	snprintf(buf, sz, "%.*s%s../fixtures/hist/%s.%s", dir, file, slash ? "/" : "", name, ext);
}

static char *slurp(const char *name, const char *ext)
{
	char path[512], *text = NULL;
	size_t len = 0;
	FILE *f, *mem;
	int c;

	fixture_path(path, sizeof(path), name, ext);
	f = fopen(path, "r");
	if (!f) {
		unit_fail(__FILE__, __LINE__, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	mem = open_memstream(&text, &len);
	while ((c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(mem);
	fclose(f);
	return text;
}

static bool load(const char *name, struct fixture *fx)
{
	char *text = slurp(name, "vals"), *line, *save = NULL;
	bool header = false;

	if (!text)
		return false;
	memset(fx, 0, sizeof(*fx));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char kind[16];
		unsigned long long count;
		unsigned int idx, strip;

		if (line[0] == '#')
			continue;
		if (!header) {
			CHECK(sscanf(line, "%15s %63s %u", kind, fx->val_type, &strip) == 3);
			fx->linear = !strcmp(kind, "linear");
			fx->strip = strip;
			header = true;
		} else if (sscanf(line, "%u %llu", &idx, &count) == 2 && idx < LINEAR_SLOTS) {
			fx->vals[idx] = count;
		} else {
			unit_fail(__FILE__, __LINE__, "%s.vals: bad line '%s'", name, line);
		}
	}
	free(text);
	return header;
}

/* Prints the fixture's counts and compares with NAME.txt (and NAME.json for log2). */
static void check_golden(const char *name)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char *want = NULL, *got = NULL;
	size_t len = 0;
	FILE *mem;

	if (!fx || !load(name, fx))
		goto out;

	mem = open_memstream(&got, &len);
	if (fx->linear)
		bct_hist_print_linear(mem, fx->vals, LINEAR_SLOTS, fx->val_type, fx->strip);
	else
		bct_hist_print_log2(mem, fx->vals, BCT_HIST_LOG2_SLOTS, fx->val_type, fx->strip);
	fclose(mem);
	want = slurp(name, "txt");
	if (want && strcmp(got, want))
		unit_fail(__FILE__, __LINE__,
			  "%s: text differs from BCC's\n--- got:\n%s--- want:\n%s", name, got,
			  want);
	free(got);
	free(want);
	got = want = NULL;

	if (!fx->linear) {
		struct bct_json j;

		mem = open_memstream(&got, &len);
		bct_json_begin(&j, mem);
		bct_hist_json_log2(&j, "data", fx->vals, BCT_HIST_LOG2_SLOTS);
		bct_json_end(&j);
		fclose(mem);
		want = slurp(name, "json");
		if (want && strcmp(got, want))
			unit_fail(__FILE__, __LINE__, "%s: JSON differs\n--- got:\n%s--- want:\n%s",
				  name, got, want);
	}
out:
	free(got);
	free(want);
	free(fx);
}

UNIT_TEST(hist_log2_narrow)
{
	check_golden("log2_narrow");
}

UNIT_TEST(hist_log2_strip_leading_zero)
{
	check_golden("log2_strip");
}

UNIT_TEST(hist_log2_wide)
{
	check_golden("log2_wide");
}

UNIT_TEST(hist_log2_top_slot_and_wide_counts)
{
	check_golden("log2_top");
}

UNIT_TEST(hist_log2_slot32_is_narrow)
{
	check_golden("log2_32");
}

UNIT_TEST(hist_log2_empty)
{
	check_golden("log2_empty");
}

UNIT_TEST(hist_log2_slot0_only)
{
	check_golden("log2_slot0");
}

UNIT_TEST(hist_log2_single_slot)
{
	check_golden("log2_single");
	check_golden("log2_single_mid");
}

UNIT_TEST(hist_log2_long_label)
{
	check_golden("log2_label");
}

UNIT_TEST(hist_log2_star_fractions)
{
	check_golden("log2_fraction");
}

UNIT_TEST(hist_log2_star_float_rounding)
{
	check_golden("log2_rounding");
}

UNIT_TEST(hist_linear)
{
	check_golden("linear");
	check_golden("linear_strip");
	check_golden("linear_empty");
	check_golden("linear_zero");
}

UNIT_TEST(hist_log2_slot_matches_bpf_log2l)
{
	static const struct {
		uint64_t v;
		unsigned int slot;
	} cases[] = {
		{ 0, 1 },
		{ 1, 1 },
		{ 2, 2 },
		{ 3, 2 },
		{ 4, 3 },
		{ 1023, 10 },
		{ 1024, 11 },
		{ 0xffffffffULL, 32 },
		{ 0x100000000ULL, 33 },
		{ UINT64_MAX, 64 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_INT(bct_hist_log2_slot(cases[i].v), cases[i].slot);
}
