// SPDX-License-Identifier: Apache-2.0
/* lib/pyfmt.c: floats as Python prints them (values checked against python3's repr/round). */
#include "pyfmt.h"
#include "unit.h"

static const char *pf(double v)
{
	static char buf[64];

	bct_py_float(buf, sizeof(buf), v);
	return buf;
}

UNIT_TEST(py_float_repr)
{
	CHECK_STR(pf(0), "0.0");
	CHECK_STR(pf(88), "88.0");
	CHECK_STR(pf(1.0 / 3), "0.3333333333333333");
	CHECK_STR(pf(0.1), "0.1");
	CHECK_STR(pf(2.9296875), "2.9296875");
	CHECK_STR(pf(0.0001), "0.0001");
	CHECK_STR(pf(0.00001), "1e-05");
	CHECK_STR(pf(1.0 / 1048576), "9.5367431640625e-07");
	CHECK_STR(pf(1e16), "1e+16");
	CHECK_STR(pf(1.5e16), "1.5e+16");
	CHECK_STR(pf(123456789012345.0), "123456789012345.0");
	CHECK_STR(pf(-2.5), "-2.5");
}

UNIT_TEST(py_round)
{
	CHECK_STR(pf(bct_py_round(4878.777 / 1024, 2)), "4.76");
	CHECK_STR(pf(bct_py_round(2.675, 2)), "2.67"); /* 2.67499999... in binary */
	CHECK_STR(pf(bct_py_round(0.125, 2)), "0.12"); /* an exact half: to even */
	CHECK_STR(pf(bct_py_round(233.333333, 2)), "233.33");
	CHECK_STR(pf(bct_py_round(142, 2)), "142.0");
}
