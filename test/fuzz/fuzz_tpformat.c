// SPDX-License-Identifier: Apache-2.0
/*
 * Tracefs format files (bct_tp_format_parse): 0 or -EINVAL/-ENOMEM; every field parsed has a
 * non-empty name and type, a declaration that holds its name, and a name of identifier bytes.
 */
#include <ctype.h>
#include <errno.h>

#include "fuzz.h"
#include "tpformat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bct_tp_format f;
	int err = bct_tp_format_parse((const char *)data, size, &f);

	FUZZ_ASSERT(err == 0 || err == -EINVAL || err == -ENOMEM);
	if (err)
		return 0;
	for (size_t i = 0; i < f.n; i++) {
		const struct bct_tp_field *fl = &f.fields[i];

		FUZZ_ASSERT(fl->name[0] && fl->type[0]);
		FUZZ_ASSERT(strstr(fl->decl, fl->name) != NULL);
		for (const char *c = fl->name; *c; c++)
			FUZZ_ASSERT(isalnum((unsigned char)*c) || *c == '_');
		FUZZ_ASSERT(fl->array_len >= 0);
	}
	bct_tp_format_free(&f);
	return 0;
}
