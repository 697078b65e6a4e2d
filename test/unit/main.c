// SPDX-License-Identifier: Apache-2.0
/* Runs every UNIT_TEST and prints the plain "N passed, N failed, N skipped" summary line. */
#include <stdarg.h>
#include <stdlib.h>

#include "unit.h"

#define MAX_TESTS 512

static struct {
	const char *name;
	void (*fn)(void);
} tests[MAX_TESTS];
static int ntests;
static int current_failed;
static const char *current_skip;

void unit_register(const char *name, void (*fn)(void))
{
	if (ntests < MAX_TESTS) {
		tests[ntests].name = name;
		tests[ntests].fn = fn;
		ntests++;
	}
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	current_failed = 1;
}

void unit_skip(const char *why)
{
	current_skip = why;
}

int main(int argc, char **argv)
{
	int i, passed = 0, failed = 0, skipped = 0;

	for (i = 0; i < ntests; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		current_failed = 0;
		current_skip = NULL;
		tests[i].fn();
		if (current_skip && !current_failed) {
			printf("skip %s: %s\n", tests[i].name, current_skip);
			skipped++;
		} else if (current_failed) {
			printf("not ok %s\n", tests[i].name);
			failed++;
		} else {
			printf("ok %s\n", tests[i].name);
			passed++;
		}
	}
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
