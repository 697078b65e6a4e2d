/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime tools' (ucalls, uflow, ugc...) access to USDT arguments: the readers are the
 * defines lib/usdt_args.c generates (BCT_USDT_<ID>_ARG<n>); UARG(ID, n) expands n first, so
 * the tool can pass the argument's position as a define (-D CLASS_ARG=1).
 */
#ifndef ULANG_BPF_H
#define ULANG_BPF_H

#define ULANG_PASTE(id, n) BCT_USDT_##id##_ARG##n
#define UARG(id, n) ULANG_PASTE(id, n)

/* The string a USDT argument points to, read from user memory (empty when it fails). */
#define UARG_STR(id, n, buf)                                                            \
	do {                                                                            \
		if (bpf_probe_read_user_str(buf, sizeof(buf), (void *)UARG(id, n)) < 0) \
			buf[0] = '\0';                                                  \
	} while (0)

#endif
