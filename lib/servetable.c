// SPDX-License-Identifier: Apache-2.0
/* bcctool serve's hook for tools that count per name in a loop of their own. */
#include "servetable.h"

int (*bct_serve_table_hook)(struct bct_session *s, const struct bct_serve_table *t);
