/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tracepoint's record layout from its tracefs format file: each field's declaration as the
 * kernel prints it ("__data_loc char[] filename", "char comm[16]"), its name, type, offset,
 * size and signedness. Used by tplist -v and by whatever builds a tracepoint's argument struct.
 */
#ifndef BCT_TPFORMAT_H
#define BCT_TPFORMAT_H

#include <stdbool.h>
#include <stddef.h>

struct bct_tp_field {
	char *decl; /* the declaration between "field:" and ";" */
	char *type; /* decl less the name and any [N] after it: "__data_loc char[]", "char" */
	char *name; /* "filename", "comm" */
	int array_len; /* N of "name[N]"; 0 when none */
	unsigned int offset, size;
	bool is_signed;
	bool common; /* a common_ field of every event */
};

struct bct_tp_format {
	char *name; /* the "name:" line; NULL when absent */
	unsigned int id; /* the "ID:" line; 0 when absent */
	struct bct_tp_field *fields;
	size_t n;
};

/*
 * Parses the text of a format file (len bytes, need not be NUL-terminated) into f. Lines that
 * are not fields are skipped; a field line without its offset, size or a name is -EINVAL.
 * 0 or -errno; on success bct_tp_format_free() releases f.
 */
int bct_tp_format_parse(const char *text, size_t len, struct bct_tp_format *f);
/* Reads and parses <tracefs>/events/CATEGORY/EVENT/format. */
int bct_tp_format_read(const char *category, const char *event, struct bct_tp_format *f);
void bct_tp_format_free(struct bct_tp_format *f);

#endif
