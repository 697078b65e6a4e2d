// SPDX-License-Identifier: Apache-2.0
/*
 * dbprobes: a database server's query USDT probes as MySQL and PostgreSQL name them, fired a
 * known number of times, for the tests of dbslower, dbstat and mysqld_qslower (neither server
 * is installed on the test machines).
 *
 *   dbprobes [-w] N MS
 *
 * N queries "SELECT dbmark_I" (I from 0), each lasting MS milliseconds: provider "mysql"
 * query__start(query, connection id 7, "dbmarkdb", "dbuser", "localhost") and
 * query__done(0) (the probes are found by name, whatever their provider: PostgreSQL's
 * query__start also has the query first). Prints "done".
 *
 *   -w   print "ready" on stdout, then wait for SIGUSR1 before starting
 *
 * Exits 0; 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>
#include <time.h>
#include <unistd.h>

#include "wait_go.h"

static void wait_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

__attribute__((noinline)) static void query(const char *q, int ms)
{
	long conn = 7, status = 0;

	DTRACE_PROBE5(mysql, query__start, q, conn, "dbmarkdb", "dbuser", "localhost");
	wait_ms(ms);
	DTRACE_PROBE1(mysql, query__done, status);
}

int main(int argc, char **argv)
{
	bool wait_go = false;
	char q[64];
	int opt, n, ms;

	while ((opt = getopt(argc, argv, "w")) != -1) {
		if (opt != 'w')
			return 2;
		wait_go = true;
	}
	if (optind + 2 != argc)
		return 2;
	n = atoi(argv[optind]);
	ms = atoi(argv[optind + 1]);
	if (n < 0 || ms < 0)
		return 2;
	if (wait_go)
		wl_wait_go();
	for (int i = 0; i < n; i++) {
		snprintf(q, sizeof(q), "SELECT dbmark_%d", i);
		query(q, ms);
	}
	printf("done\n");
	return 0;
}
