/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal C unit-test harness for lib/ pieces. Each test/unit/test_*.c defines tests with
 * UNIT_TEST(name) { ... CHECK(...); CHECK_INT(a, b); CHECK_STR(a, b); }
 * test/unit/main.c runs them all and prints "N passed, N failed, N skipped"; a test that needs
 * what this machine lacks calls unit_skip(why) and returns.
 */
#ifndef BCT_UNIT_H
#define BCT_UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void unit_register(const char *name, void (*fn)(void));
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Marks the running test skipped, saying why (a real probe found the feature missing). */
void unit_skip(const char *why);

#define UNIT_TEST(name)                                                \
	static void name(void);                                        \
	__attribute__((constructor)) static void unit_reg_##name(void) \
	{                                                              \
		unit_register(#name, name);                            \
	}                                                              \
	static void name(void)

#define CHECK(cond)                                                 \
	do {                                                        \
		if (!(cond))                                        \
			unit_fail(__FILE__, __LINE__, "%s", #cond); \
	} while (0)

#define CHECK_INT(a, b)                                                                           \
	do {                                                                                      \
		long long va_ = (long long)(a), vb_ = (long long)(b);                             \
		if (va_ != vb_)                                                                   \
			unit_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #a, va_, vb_); \
	} while (0)

#define CHECK_STR(a, b)                                                                    \
	do {                                                                               \
		const char *sa_ = (a), *sb_ = (b);                                         \
		if (!sa_ || !sb_ || strcmp(sa_, sb_))                                      \
			unit_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, \
				  sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");             \
	} while (0)

#endif
