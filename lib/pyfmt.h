/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Numbers as BCC's Python prints them: str()/repr() of a float ("88.0", "1e-05"), and
 * round(x, n). For tools whose columns or JSON values are Python floats (netqtop, tcpsubnet).
 */
#ifndef BCT_PYFMT_H
#define BCT_PYFMT_H

#include <stddef.h>

/*
 * repr(v) of Python 3: the shortest digits that read back as v; positional notation for
 * exponents -4 to 15 ("0.0001", "1234.5", "100.0"), else "1e-05", "1.5e+16"; "inf", "-inf",
 * "nan". Returns the length written (truncated to sz - 1 like snprintf).
 */
int bct_py_float(char *buf, size_t sz, double v);

/* round(v, ndigits) of Python 3: v rounded to ndigits decimals, halves to even. */
double bct_py_round(double v, int ndigits);

#endif
