// SPDX-License-Identifier: Apache-2.0
/* lib/stack.c: the kallsyms lookup, and user symbols of this very process. */
#include <stdlib.h>
#include <unistd.h>

#include "stack.h"
#include "unit.h"

static const char fake_kallsyms[] = "0000000000000000 A fixed_percpu_data\n"
				    "ffffffff81000000 T _stext\n"
				    "ffffffff81000000 T _text\n"
				    "ffffffff81001000 t do_one_initcall\n"
				    "ffffffff81002000 D some_data\n"
				    "ffffffff81003000 T vfs_read\n"
				    "ffffffff81003400 r read_only_table\n"
				    "ffffffff81004000 W weak_func\n"
				    "ffffffffc0001000 t mod_func\t[mymod]\n"
				    "ffffffff81000800 T out_of_order\n";

static struct bct_ksyms *load_fake(void)
{
	char path[] = "/tmp/bct-unit-kallsyms.XXXXXX";
	struct bct_ksyms *k;
	int fd = mkstemp(path);

	if (fd < 0)
		return NULL;
	if (write(fd, fake_kallsyms, sizeof(fake_kallsyms) - 1) < 0) {
		close(fd);
		unlink(path);
		return NULL;
	}
	close(fd);
	k = bct_ksyms_load(path);
	unlink(path);
	return k;
}

UNIT_TEST(ksyms_lookup)
{
	struct bct_ksyms *k = load_fake();
	char buf[64];

	CHECK(k != NULL);
	if (!k)
		return;
	/* data symbols (d, D, r, ...) and address 0 are left out */
	CHECK_INT(bct_ksyms_count(k), 7);
	CHECK_STR(bct_ksyms_name(k, 0xffffffff81000000ULL, false, buf, sizeof(buf)), "_stext");
	CHECK_STR(bct_ksyms_name(k, 0xffffffff810007ffULL, false, buf, sizeof(buf)), "_stext");
	CHECK_STR(bct_ksyms_name(k, 0xffffffff81000800ULL, false, buf, sizeof(buf)),
		  "out_of_order");
	CHECK_STR(bct_ksyms_name(k, 0xffffffff81001abcULL, true, buf, sizeof(buf)),
		  "do_one_initcall+0xabc");
	/* D some_data is not a function: still do_one_initcall */
	CHECK_STR(bct_ksyms_name(k, 0xffffffff81002010ULL, false, buf, sizeof(buf)),
		  "do_one_initcall");
	CHECK_STR(bct_ksyms_name(k, 0xffffffff8100301aULL, true, buf, sizeof(buf)),
		  "vfs_read+0x1a");
	CHECK_STR(bct_ksyms_name(k, 0xffffffff81003500ULL, false, buf, sizeof(buf)), "vfs_read");
	CHECK_STR(bct_ksyms_name(k, 0xffffffff81004000ULL, false, buf, sizeof(buf)), "weak_func");
	/* a module's symbol: the name alone */
	CHECK_STR(bct_ksyms_name(k, 0xffffffffc0001010ULL, false, buf, sizeof(buf)), "mod_func");
	/* below every symbol */
	CHECK_STR(bct_ksyms_name(k, 0xffffffff80000000ULL, false, buf, sizeof(buf)), "[unknown]");
	CHECK(bct_ksyms_find(k, 0x1000) == NULL);
	bct_ksyms_free(k);
}

UNIT_TEST(ksyms_missing_file)
{
	CHECK(bct_ksyms_load("/nonexistent/kallsyms") == NULL);
	CHECK(bct_ksyms_find(NULL, 1) == NULL);
}

int bct_unit_marker_fn(int x);

__attribute__((noinline)) int bct_unit_marker_fn(int x)
{
	return x * 3 + 1;
}

UNIT_TEST(usyms_self)
{
	struct bct_usyms *u = bct_usyms_new();
	char buf[128];

	CHECK(u != NULL);
	if (!u)
		return;
	CHECK_STR(bct_usyms_name(u, getpid(), (uint64_t)(uintptr_t)bct_unit_marker_fn, false, buf,
				 sizeof(buf)),
		  "bct_unit_marker_fn");
	CHECK_STR(bct_usyms_name(u, getpid(), (uint64_t)(uintptr_t)bct_unit_marker_fn + 1, true,
				 buf, sizeof(buf)),
		  "bct_unit_marker_fn+0x1");
	/* a shared library's function, by its module's sorted table */
	CHECK_STR(
		bct_usyms_name(u, getpid(), (uint64_t)(uintptr_t)abort + 2, true, buf, sizeof(buf)),
		"abort+0x2");
	CHECK_STR(bct_usyms_frame(u, getpid(), (uint64_t)(uintptr_t)abort, buf, sizeof(buf)),
		  "abort+0x0 [libc.so.6]");
	/* no mapping there */
	CHECK_STR(bct_usyms_name(u, getpid(), 0x10, false, buf, sizeof(buf)), "[unknown]");
	/* a process that does not exist */
	CHECK_STR(bct_usyms_name(u, 0x7ffffffe, 0x401000, false, buf, sizeof(buf)), "[unknown]");
	bct_usyms_free(u);
}
