// SPDX-License-Identifier: Apache-2.0
/*
 * spinner: CPU and off-CPU time in uniquely named functions, for the tests of the stack tools
 * (profile, offcputime). Built with -O0 -fno-omit-frame-pointer, so its user stacks unwind by
 * frame pointers; each marked function is noinline and makes its system calls itself (inline
 * syscall instructions on x86-64), so the marked function is the leaf user frame.
 *
 *   spinner [-w] spin MS        spin in spinner_burn_cpu() for MS milliseconds
 *   spinner [-w] read MS        read /dev/zero in 64 KiB reads from spinner_read_zero() for MS
 *                               milliseconds (time in the kernel's read path)
 *   spinner [-w] sleep N USEC   N sleeps of USEC microseconds in spinner_nap()
 *
 *   -w   print "ready" on stdout, then wait for SIGUSR1 before starting
 *   -k   when done, print "done" on stdout and stay (until killed), so that the process's
 *        symbols can still be read; with -w, each SIGUSR1 then maps one more page (a new line
 *        in /proc/PID/maps) and prints "mapped"
 *
 * Exits 0, or 1 when a system call failed; 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

static long raw_syscall3(long nr, long a, long b, long c)
{
#if defined(__x86_64__)
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
#else
	return syscall(nr, a, b, c);
#endif
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

__attribute__((noinline)) static unsigned long spinner_burn_cpu(double ms)
{
	double end = now_ms() + ms;
	volatile unsigned long x = 0;
	unsigned long i;

	while (now_ms() < end)
		for (i = 0; i < 100000; i++)
			x += i;
	return x;
}

__attribute__((noinline)) static int spinner_read_zero(double ms)
{
	static char buf[65536];
	double end = now_ms() + ms;
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (now_ms() < end)
		if (raw_syscall3(SYS_read, fd, (long)buf, sizeof(buf)) != sizeof(buf))
			return -1;
	close(fd);
	return 0;
}

__attribute__((noinline)) static int spinner_nap(long n, long usec)
{
	struct timespec ts = { usec / 1000000, (usec % 1000000) * 1000 };
	long i;

	for (i = 0; i < n; i++)
		if (raw_syscall3(SYS_nanosleep, (long)&ts, 0, 0) != 0)
			return -1;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: spinner [-w] [-k] spin MS | read MS | sleep N USEC\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t mask, old;
	int i = 1, rc;
	bool wait = false, keep = false;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-w"))
			wait = true;
		else if (!strcmp(argv[i], "-k"))
			keep = true;
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	if (wait) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_usr1;
		sigaction(SIGUSR1, &sa, NULL);
		sigemptyset(&mask);
		sigaddset(&mask, SIGUSR1);
		sigprocmask(SIG_BLOCK, &mask, &old);
		printf("ready\n");
		fflush(stdout);
		while (!go)
			sigsuspend(&old);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	if (!strcmp(argv[i], "spin") && i + 1 < argc) {
		spinner_burn_cpu(atof(argv[i + 1]));
		rc = 0;
	} else if (!strcmp(argv[i], "read") && i + 1 < argc) {
		rc = spinner_read_zero(atof(argv[i + 1])) ? 1 : 0;
	} else if (!strcmp(argv[i], "sleep") && i + 2 < argc) {
		rc = spinner_nap(atol(argv[i + 1]), atol(argv[i + 2])) ? 1 : 0;
	} else {
		return usage();
	}
	if (keep) {
		sigset_t none;

		sigemptyset(&none);
		if (wait)
			sigprocmask(SIG_BLOCK, &mask, NULL);
		go = 0;
		printf("done\n");
		fflush(stdout);
		for (;;) {
			sigsuspend(&none);
			if (wait && go) {
				go = 0;
				if (mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
				    MAP_FAILED)
					return 1;
				printf("mapped\n");
				fflush(stdout);
			}
		}
	}
	return rc;
}
