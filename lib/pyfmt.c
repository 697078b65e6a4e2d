// SPDX-License-Identifier: Apache-2.0
/* Numbers as Python prints them (lib/pyfmt.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyfmt.h"

int bct_py_float(char *buf, size_t sz, double v)
{
	char e[40], digits[24], out[400];
	int prec, exp, nd = 0, decpt, i;
	char *p = out, *s;

	if (isnan(v))
		return snprintf(buf, sz, "nan");
	if (isinf(v))
		return snprintf(buf, sz, "%sinf", v < 0 ? "-" : "");
	if (v == 0)
		return snprintf(buf, sz, "%s0.0", signbit(v) ? "-" : "");
	/* the shortest precision that reads back as v */
	for (prec = 1; prec <= 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec - 1, v);
		if (strtod(e, NULL) == v)
			break;
	}
	s = e;
	if (*s == '-') {
		*p++ = '-';
		s++;
	}
	for (; *s && *s != 'e'; s++)
		if (*s != '.')
			digits[nd++] = *s;
	exp = atoi(s + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	if (exp >= -4 && exp < 16) {
		decpt = exp + 1;
		if (decpt <= 0) {
			p += sprintf(p, "0.");
			for (i = 0; i < -decpt; i++)
				*p++ = '0';
			p += sprintf(p, "%s", digits);
		} else if (decpt >= nd) {
			p += sprintf(p, "%s", digits);
			for (i = nd; i < decpt; i++)
				*p++ = '0';
			p += sprintf(p, ".0");
		} else {
			p += sprintf(p, "%.*s.%s", decpt, digits, digits + decpt);
		}
	} else {
		*p++ = digits[0];
		if (nd > 1)
			p += sprintf(p, ".%s", digits + 1);
		p += sprintf(p, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
	}
	*p = '\0';
	return snprintf(buf, sz, "%s", out);
}

double bct_py_round(double v, int ndigits)
{
	char s[400];

	/* printf rounds the exact binary value, halves to even, as Python's round() does */
	if (!isfinite(v))
		return v;
	snprintf(s, sizeof(s), "%.*f", ndigits, v);
	return strtod(s, NULL);
}
