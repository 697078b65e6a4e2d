// SPDX-License-Identifier: Apache-2.0
/* lib/syscalls: the generated table both ways, errno numbers and names. */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

#include "syscalls.h"
#include "unit.h"

UNIT_TEST(syscalls_name_and_number)
{
	size_t n, i;
	const struct bct_syscall *t = bct_syscalls(&n);

	CHECK(n > 200);
	for (i = 1; i < n; i++)
		CHECK(t[i - 1].nr <= t[i].nr);
	CHECK_STR(bct_syscall_name(SYS_getpid), "getpid");
	CHECK_STR(bct_syscall_name(SYS_openat), "openat");
	CHECK_INT(bct_syscall_nr("getpid"), SYS_getpid);
	CHECK_INT(bct_syscall_nr("close"), SYS_close);
	CHECK(bct_syscall_name(-1) == NULL);
	CHECK(bct_syscall_name(100000) == NULL);
	CHECK_INT(bct_syscall_nr("no_such_call"), -1);
	CHECK_INT(bct_syscall_nr("syscalls"), -1); /* __NR_syscalls is a count, not a call */
}

UNIT_TEST(errno_parse)
{
	CHECK_INT(bct_errno_parse("ENOENT"), ENOENT);
	CHECK_INT(bct_errno_parse("EPERM"), EPERM);
	CHECK_INT(bct_errno_parse("EWOULDBLOCK"), EAGAIN);
	CHECK_INT(bct_errno_parse("ENOTSUP"), EOPNOTSUPP);
	CHECK_INT(bct_errno_parse("2"), 2);
	CHECK_INT(bct_errno_parse("-13"), 13);
	CHECK_INT(bct_errno_parse("0"), 0);
	CHECK_INT(bct_errno_parse("ENOSUCH"), -1);
	CHECK_INT(bct_errno_parse("2x"), -1);
	CHECK_INT(bct_errno_parse(""), -1);
	CHECK_STR(bct_errno_name(EBADF), "EBADF");
}
