// SPDX-License-Identifier: Apache-2.0
/*
 * mysqlx56, mysqlx57: MySQL's dispatch_command under its C++ (mangled) names, for the tests of
 * dbslower -x (MySQL is not installed on the test machines). mysqlx56 defines 5.6's
 * dispatch_command(enum_server_command, THD *, char *packet, uint length), mysqlx57 (this file
 * built with MYSQLX57, test/workloads/mysqlx57.c) 5.7's dispatch_command(THD *,
 * const COM_DATA *, enum_server_command).
 *
 *   mysqlx56 [-w] N M MS
 *
 * N COM_QUERY (3) calls with the query "SELECT xmark_I" (I from 0), each lasting MS
 * milliseconds; then M COM_INIT_DB (2) calls "USE xother_I", MS ms each; then N quick COM_QUERY
 * calls "SELECT xfast_I". Each call clears its query before returning, as MySQL does.
 * Prints "done".
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
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wait_go.h"

enum { COM_INIT_DB = 2, COM_QUERY = 3 };

struct com_query {
	const char *query;
	unsigned int length;
};

static int delay_ms;

static void wait_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	if (ms)
		nanosleep(&ts, NULL);
}

static void serve(char *query, int ms)
{
	wait_ms(ms);
	memset(query, 0, strlen(query)); /* MySQL frees the packet before returning */
}

#ifdef MYSQLX57
__attribute__((noinline)) int
dispatch(void *thd, const struct com_query *data,
	 int command) __asm__("_Z16dispatch_commandP3THDPK8COM_DATA19enum_server_command");

int dispatch(void *thd, const struct com_query *data, int command)
{
	(void)thd;
	serve((char *)data->query, delay_ms);
	return command == COM_QUERY ? 0 : 1;
}

static void call(int command, char *query)
{
	struct com_query data = { query, (unsigned int)strlen(query) };

	dispatch(NULL, &data, command);
}
#else
__attribute__((noinline)) int
dispatch(int command, void *thd, char *packet,
	 unsigned int length) __asm__("_Z16dispatch_command19enum_server_commandP3THDPcj");

int dispatch(int command, void *thd, char *packet, unsigned int length)
{
	(void)thd;
	(void)length;
	serve(packet, delay_ms);
	return command == COM_QUERY ? 0 : 1;
}

static void call(int command, char *query)
{
	dispatch(command, NULL, query, (unsigned int)strlen(query));
}
#endif

int main(int argc, char **argv)
{
	bool wait_go = false;
	char q[64];
	int opt, n, m, ms;

	while ((opt = getopt(argc, argv, "w")) != -1) {
		if (opt != 'w')
			return 2;
		wait_go = true;
	}
	if (optind + 3 != argc)
		return 2;
	n = atoi(argv[optind]);
	m = atoi(argv[optind + 1]);
	ms = atoi(argv[optind + 2]);
	if (n < 0 || m < 0 || ms < 0)
		return 2;
	if (wait_go)
		wl_wait_go();
	delay_ms = ms;
	for (int i = 0; i < n; i++) {
		snprintf(q, sizeof(q), "SELECT xmark_%d", i);
		call(COM_QUERY, q);
	}
	for (int i = 0; i < m; i++) {
		snprintf(q, sizeof(q), "USE xother_%d", i);
		call(COM_INIT_DB, q);
	}
	delay_ms = 0;
	for (int i = 0; i < n; i++) {
		snprintf(q, sizeof(q), "SELECT xfast_%d", i);
		call(COM_QUERY, q);
	}
	printf("done\n");
	return 0;
}
