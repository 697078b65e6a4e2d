// SPDX-License-Identifier: Apache-2.0
/*
 * trace's and argdist's specifiers (lib/tracespec.c): the first byte picks the parser (0 a trace
 * probe, 1 an argdist -C spec, 2 an argdist -H spec, 3 a signature, else a format). Each
 * returns 0 or -EINVAL/-ENOMEM with a message; what parses is whole: a known probe type, its
 * parts set, as many format conversions as arguments, -H specs with one expression.
 */
#include <errno.h>

#include "fuzz.h"
#include "tracespec.h"

static void trace_probe(const char *text)
{
	struct bct_trace_probe p;
	char err[256] = "";
	int e = bct_trace_probe_parse(text, &p, err, sizeof(err));

	FUZZ_ASSERT(e == 0 || e == -EINVAL || e == -ENOMEM);
	if (e == -EINVAL)
		FUZZ_ASSERT(err[0]);
	if (!e) {
		FUZZ_ASSERT(p.type == 'p' || p.type == 'r' || p.type == 't' || p.type == 'u');
		FUZZ_ASSERT(p.lib && p.func && p.func[0]);
		FUZZ_ASSERT(p.nargs == p.nconv && p.nargs <= BCT_TSPEC_MAX_ARGS);
		FUZZ_ASSERT(!p.nconv || p.format);
		for (int i = 0; i < p.nargs; i++)
			FUZZ_ASSERT(p.args[i] && p.args[i][0]);
		FUZZ_ASSERT(!p.signature || (p.type != 't' && p.type != 'u'));
	}
	bct_trace_probe_free(&p);
}

static void argdist(const char *text, bool hist)
{
	struct bct_argdist_spec s;
	char err[256] = "";
	int e = bct_argdist_parse(text, hist, &s, err, sizeof(err));

	FUZZ_ASSERT(e == 0 || e == -EINVAL || e == -ENOMEM);
	if (e == -EINVAL)
		FUZZ_ASSERT(err[0]);
	if (!e) {
		FUZZ_ASSERT(s.type == 'p' || s.type == 'r' || s.type == 't' || s.type == 'u');
		FUZZ_ASSERT(s.lib && s.func && s.func[0] && s.signature && s.text);
		FUZZ_ASSERT(s.nexprs >= 1 && s.nexprs <= BCT_ADIST_MAX_EXPRS);
		FUZZ_ASSERT(!hist || s.nexprs == 1);
		for (int i = 0; i < s.nexprs; i++)
			FUZZ_ASSERT(s.types[i] && s.exprs[i]);
	}
	bct_argdist_spec_free(&s);
}

static void signature(const char *text)
{
	char *types[8] = { 0 }, *names[8] = { 0 }, err[256];
	int n = bct_signature_parse(text, types, names, 8, err, sizeof(err));

	FUZZ_ASSERT(n <= 8 && (n >= 0 || n == -EINVAL || n == -ENOMEM));
	for (int i = 0; i < n; i++)
		FUZZ_ASSERT(types[i] && names[i] && names[i][0]);
	for (int i = 0; i < 8; i++) {
		free(types[i]);
		free(names[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bct_tconv_spec c[BCT_TSPEC_MAX_ARGS];
	char *text, err[256];
	int n;

	if (size < 1)
		return 0;
	text = fuzz_str(data + 1, size - 1);
	if (!text)
		return 0;
	switch (data[0] % 5) {
	case 0:
		trace_probe(text);
		break;
	case 1:
	case 2:
		argdist(text, data[0] % 5 == 2);
		break;
	case 3:
		signature(text);
		break;
	default:
		n = bct_trace_format_parse(text, c, BCT_TSPEC_MAX_ARGS, err, sizeof(err));
		FUZZ_ASSERT(n <= BCT_TSPEC_MAX_ARGS && (n >= 0 || n == -EINVAL || n == -E2BIG));
		for (int i = 0; i < n; i++)
			FUZZ_ASSERT(c[i].kind <= BCT_TC_USYM && c[i].ctype);
		break;
	}
	free(text);
	return 0;
}
