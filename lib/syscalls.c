// SPDX-License-Identifier: Apache-2.0
/* System call numbers and names (generated from <asm/unistd.h>), errno names (glibc). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <asm/unistd.h>

#include "syscalls.h"

static struct bct_syscall table[] = {
#define BCT_SYSCALL(name) { __NR_##name, #name },
#include "syscall_names.h"
#undef BCT_SYSCALL
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

static int cmp_nr(const void *a, const void *b)
{
	const struct bct_syscall *x = a, *y = b;

	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return strcmp(x->name, y->name);
}

const struct bct_syscall *bct_syscalls(size_t *n)
{
	static int sorted;

	if (!sorted) {
		qsort(table, NTABLE, sizeof(table[0]), cmp_nr);
		sorted = 1;
	}
	*n = NTABLE;
	return table;
}

const char *bct_syscall_name(long nr)
{
	size_t n, lo = 0, hi;
	const struct bct_syscall *t = bct_syscalls(&n);

	hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t[mid].nr == nr)
			return t[mid].name;
		if (t[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int bct_syscall_nr(const char *name)
{
	size_t i;

	for (i = 0; i < NTABLE; i++)
		if (!strcmp(table[i].name, name))
			return table[i].nr;
	return -1;
}

#define MAX_ERRNO 4095

int bct_errno_parse(const char *s)
{
	static const struct {
		const char *alias;
		int value;
	} aliases[] = {
		{ "EWOULDBLOCK", EWOULDBLOCK },
		{ "EDEADLOCK", EDEADLOCK },
		{ "ENOTSUP", ENOTSUP },
	};
	char *end;
	long v;
	size_t i;
	int e;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (!*end && !errno)
		return v < -INT_MAX || v > INT_MAX ? -1 : (int)labs(v);
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(s, aliases[i].alias))
			return aliases[i].value;
	for (e = 1; e <= MAX_ERRNO; e++) {
		const char *name = strerrorname_np(e);

		if (name && !strcmp(name, s))
			return e;
	}
	return -1;
}

const char *bct_errno_name(int e)
{
	return strerrorname_np(e);
}
