/* SPDX-License-Identifier: Apache-2.0 */
/* A tiny streaming writer for one-object-per-line JSON (NDJSON). */
#ifndef BCT_JSON_H
#define BCT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define BCT_JSON_MAX_DEPTH 8

struct bct_json {
	FILE *out;
	int depth;
	bool first[BCT_JSON_MAX_DEPTH];
};

/* Starts a top-level object on out. */
void bct_json_begin(struct bct_json *j, FILE *out);
/* Ends the top-level object and writes the newline. */
void bct_json_end(struct bct_json *j);
/* key may be NULL inside arrays. */
void bct_json_str(struct bct_json *j, const char *key, const char *val);
void bct_json_strn(struct bct_json *j, const char *key, const char *val, size_t len);
void bct_json_int(struct bct_json *j, const char *key, int64_t val);
void bct_json_uint(struct bct_json *j, const char *key, uint64_t val);
void bct_json_double(struct bct_json *j, const char *key, double val);
void bct_json_bool(struct bct_json *j, const char *key, bool val);
void bct_json_null(struct bct_json *j, const char *key);
void bct_json_obj_open(struct bct_json *j, const char *key);
void bct_json_obj_close(struct bct_json *j);
void bct_json_arr_open(struct bct_json *j, const char *key);
void bct_json_arr_close(struct bct_json *j);
/*
 * Writes s as a quoted JSON string (escapes control characters, quotes, backslashes) in valid
 * UTF-8: each byte that is not part of a valid sequence becomes U+FFFD.
 */
void bct_json_quote(FILE *out, const char *s, size_t len);

#endif
