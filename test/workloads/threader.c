// SPDX-License-Identifier: Apache-2.0
/*
 * threader: a known number of pthread_create() calls, for the tests of threadsnoop.
 *
 *   threader [-n N] [-N COMM] [-a] [-w] [-k]
 *
 * Creates N threads one after the other (each joined before the next), with the start routine
 * threader_marked_start_routine (a global function, in the symbol table), or with -a a routine
 * copied into an anonymous executable page, which no symbol names (its address is printed as
 * "anon 0x..." first). Exits 0, or 1 when a thread could not be created, 2 on a usage error.
 *
 *   -n N        threads (default 10)
 *   -N COMM     set the command name first (prctl PR_SET_NAME)
 *   -w          print "ready" on stdout, then wait for SIGUSR1 before starting
 *   -k          when done, wait for SIGUSR1 (once more) before exiting, so that the tracer can
 *               still read this process's symbols
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

typedef void *(*routine_t)(void *);

void *threader_marked_start_routine(void *arg);

__attribute__((noinline)) void *threader_marked_start_routine(void *arg)
{
	__asm__ volatile("" ::: "memory");
	return arg;
}

/* A routine that returns NULL, in a page of its own that no file backs. */
static routine_t anon_routine(void)
{
#if defined(__x86_64__) || defined(__i386__)
	static const unsigned char code[] = { 0x31, 0xc0, 0xc3 }; /* xor eax,eax; ret */
#elif defined(__aarch64__)
	static const unsigned int code[] = { 0xd2800000, 0xd65f03c0 }; /* mov x0,#0; ret */
#else
	static const unsigned char code[] = { 0 };

	return NULL;
#endif
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		return NULL;
	memcpy(page, code, sizeof(code));
	__builtin___clear_cache((char *)page, (char *)page + sizeof(code));
	return (routine_t)page;
}

static int wait_usr1(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	return sigwait(&set, &sig) ? -1 : 0;
}

int main(int argc, char **argv)
{
	routine_t routine = threader_marked_start_routine;
	int opt, wait_go = 0, keep = 0, anon = 0;
	long n = 10, i;
	sigset_t set;

	while ((opt = getopt(argc, argv, "n:N:awk")) != -1) {
		switch (opt) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'N':
			if (prctl(PR_SET_NAME, optarg, 0, 0, 0))
				return 1;
			break;
		case 'a':
			anon = 1;
			break;
		case 'w':
			wait_go = 1;
			break;
		case 'k':
			keep = 1;
			break;
		default:
			fprintf(stderr, "usage: threader [-n N] [-N COMM] [-a] [-w] [-k]\n");
			return 2;
		}
	}
	if (n < 0 || optind != argc) {
		fprintf(stderr, "usage: threader [-n N] [-N COMM] [-a] [-w] [-k]\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (anon) {
		routine = anon_routine();
		if (!routine)
			return 1;
		printf("anon %p\n", (void *)routine);
	}
	if (wait_go) {
		printf("ready\n");
		fflush(stdout);
		if (wait_usr1())
			return 1;
	}
	fflush(stdout);
	for (i = 0; i < n; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, routine, NULL) || pthread_join(t, NULL))
			return 1;
	}
	if (keep && wait_usr1())
		return 1;
	return 0;
}
