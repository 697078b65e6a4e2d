// SPDX-License-Identifier: Apache-2.0
/* lib/elfsym.c: library names and symbol offsets, on this machine's bash and libc. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfsym.h"
#include "unit.h"

/*
 * The symbol's file offset as readelf shows the file: its value (readelf --dyn-syms) minus
 * the address of the section holding it plus that section's offset (readelf -S).
 */
static long long readelf_offset(const char *path, const char *sym)
{
	unsigned long long value = 0, addr, off, size;
	char cmd[1024], line[1024], name[256], type[64], *p;
	long long res = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "readelf -W --dyn-syms '%s' 2>/dev/null", path);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char t[32], b[32], v[32], n[256];
		unsigned long long val;
		int num;

		if (sscanf(line, " %d: %llx %*s %31s %31s %31s %*s %255s", &num, &val, t, b, v,
			   n) == 6 &&
		    !strcmp(t, "FUNC") &&
		    (!strcmp(n, sym) ||
		     (!strncmp(n, sym, strlen(sym)) && !strncmp(n + strlen(sym), "@@", 2))) &&
		    !value)
			value = val;
	}
	pclose(f);
	if (!value)
		return -1;
	snprintf(cmd, sizeof(cmd), "readelf -SW '%s' 2>/dev/null", path);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		p = strchr(line, ']');
		if (!p || !strchr(line, '['))
			continue;
		if (sscanf(p + 1, " %255s %63s %llx %llx %llx", name, type, &addr, &off, &size) ==
			    5 &&
		    addr && value >= addr && value < addr + size && res < 0)
			res = (long long)(value - addr + off);
	}
	pclose(f);
	return res;
}

UNIT_TEST(elf_lib_path)
{
	char path[PATH_MAX];

	CHECK_INT(bct_elf_lib_path("/bin/bash", path, sizeof(path)), 0);
	CHECK_STR(path, "/bin/bash");
	CHECK_INT(bct_elf_lib_path("c", path, sizeof(path)), 0);
	CHECK(access(path, R_OK) == 0);
	CHECK(strstr(path, "/libc.so.6") != NULL);
	CHECK_INT(bct_elf_lib_path("libc", path, sizeof(path)), 0);
	CHECK(strstr(path, "/libc.so.6") != NULL);
	CHECK_INT(bct_elf_lib_path("libc.so.6", path, sizeof(path)), 0);
	CHECK(strstr(path, "/libc.so.6") != NULL);
	CHECK_INT(bct_elf_lib_path("no-such-library-xyz", path, sizeof(path)), -ENOENT);
	CHECK_INT(bct_elf_lib_path("c", path, 4), -ENAMETOOLONG);
}

UNIT_TEST(elf_sym_offset)
{
	static const char *const libc_syms[] = { "getaddrinfo", "gethostbyname", "gethostbyname2" };
	char libc[PATH_MAX];
	uint64_t off = 0, off2 = 0;
	long long want;
	size_t i;

	if (access("/bin/bash", R_OK) || bct_elf_lib_path("c", libc, sizeof(libc))) {
		unit_skip("no /bin/bash or libc");
		return;
	}
	want = readelf_offset("/bin/bash", "readline");
	if (want < 0) {
		unit_skip("no readelf, or bash without readline");
		return;
	}
	CHECK_INT(bct_elf_sym_offset("/bin/bash", "readline", &off), 0);
	CHECK_INT(off, want);
	for (i = 0; i < sizeof(libc_syms) / sizeof(libc_syms[0]); i++) {
		off = 0;
		CHECK_INT(bct_elf_sym_offset(libc, libc_syms[i], &off), 0);
		CHECK_INT(off, readelf_offset(libc, libc_syms[i]));
	}
	/* versioned names: the default version, with or without saying it */
	CHECK_INT(bct_elf_sym_offset(libc, "getaddrinfo", &off), 0);
	CHECK_INT(bct_elf_sym_offset(libc, "getaddrinfo@@GLIBC_2.2.5", &off2), 0);
	CHECK_INT(off2, off);
	CHECK_INT(bct_elf_sym_offset(libc, "getaddrinfo@GLIBC_2.2.5", &off2), 0);
	CHECK_INT(off2, off);
	CHECK_INT(bct_elf_sym_offset(libc, "getaddrinfo@@GLIBC_9.9", &off2), -ENOENT);
	CHECK_INT(bct_elf_sym_offset(libc, "getaddrinf", &off2), -ENOENT);
	CHECK_INT(bct_elf_sym_offset(libc, "no_such_function_xyz", &off2), -ENOENT);
	CHECK_INT(bct_elf_sym_offset("/bin/bash", "getaddrinfo", &off2), -ENOENT); /* undefined */
	CHECK_INT(bct_elf_sym_offset("/etc/hostname", "readline", &off2), -ENOEXEC);
	CHECK_INT(bct_elf_sym_offset("/no/such/file", "readline", &off2), -ENOENT);
}

/* A function of this program, in its symbol table, for bct_proc_sym(). */
void unit_elfsym_marker(void);
__attribute__((noinline)) void unit_elfsym_marker(void)
{
	__asm__ volatile("" ::: "memory");
}

UNIT_TEST(elf_sym_at)
{
	char path[PATH_MAX], name[256];
	uint64_t off, off2, delta = 99;

	/* libc's getaddrinfo: the function found there starts at its offset (it may be an alias) */
	CHECK_INT(bct_elf_lib_path("c", path, sizeof(path)), 0);
	CHECK_INT(bct_elf_sym_offset(path, "getaddrinfo", &off), 0);
	CHECK_INT(bct_elf_sym_at(path, off, name, sizeof(name), &delta), 0);
	CHECK_INT(delta, 0);
	CHECK_INT(bct_elf_sym_offset(path, name, &off2), 0);
	CHECK_INT(off2, off);
	/* inside it: the same function, with the distance from its start */
	CHECK_INT(bct_elf_sym_at(path, off + 1, name, sizeof(name), &delta), 0);
	CHECK_INT(delta, 1);
	CHECK_INT(bct_elf_sym_at(path, 0, name, sizeof(name), NULL), -ENOENT);
	CHECK_INT(bct_elf_sym_at("/no/such/file", off, name, sizeof(name), NULL), -ENOENT);
}

UNIT_TEST(proc_sym)
{
	char name[256];
	uint64_t delta = 99;
	void *anon = malloc(64);

	CHECK_INT(bct_proc_sym(getpid(), (uint64_t)(uintptr_t)unit_elfsym_marker, name,
			       sizeof(name), &delta),
		  0);
	CHECK_STR(name, "unit_elfsym_marker");
	CHECK_INT(delta, 0);
	/* the heap is no file's */
	CHECK_INT(bct_proc_sym(getpid(), (uint64_t)(uintptr_t)anon, name, sizeof(name), NULL),
		  -ENOENT);
	free(anon);
	CHECK_INT(bct_proc_sym(0x7ffffff0, 0x1000, name, sizeof(name), NULL), -ESRCH);
}
