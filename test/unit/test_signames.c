// SPDX-License-Identifier: Apache-2.0
/* lib/signames.c: signal and errno names. */
#include "signames.h"
#include "unit.h"

UNIT_TEST(signame_standard)
{
	CHECK_STR(bct_signame(1), "SIGHUP");
	CHECK_STR(bct_signame(9), "SIGKILL");
	CHECK_STR(bct_signame(17), "SIGCHLD");
	CHECK_STR(bct_signame(29), "SIGIO");
	CHECK_STR(bct_signame(31), "SIGSYS");
	CHECK(!bct_signame(0));
	CHECK(!bct_signame(32));
	CHECK(!bct_signame(40));
	CHECK(!bct_signame(-1));
}

UNIT_TEST(sig_parse)
{
	CHECK_INT(bct_sig_parse("9"), 9);
	CHECK_INT(bct_sig_parse("0"), 0);
	CHECK_INT(bct_sig_parse("64"), 64);
	CHECK_INT(bct_sig_parse("65"), -1);
	CHECK_INT(bct_sig_parse("-1"), -1);
	CHECK_INT(bct_sig_parse("9x"), -1);
	CHECK_INT(bct_sig_parse(""), -1);
	CHECK_INT(bct_sig_parse("SIGKILL"), 9);
	CHECK_INT(bct_sig_parse("term"), 15);
	CHECK_INT(bct_sig_parse("SIGIO"), 29);
	CHECK_INT(bct_sig_parse("POLL"), 29);
	CHECK_INT(bct_sig_parse("SIGNOPE"), -1);
}

UNIT_TEST(errname)
{
	CHECK_STR(bct_errname(3), "ESRCH");
	CHECK_STR(bct_errname(-1), "EPERM");
	CHECK(!bct_errname(0));
}
