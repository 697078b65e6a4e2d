// SPDX-License-Identifier: Apache-2.0
/*
 * attachwait: how long a tracer takes from exec until it is tracing, for scripts/bench.
 *
 *   attachwait [-P] [-k LINKS] [-s SETTLE_MS] -- TRACER [ARGS...]
 *
 * Runs TRACER (stdout and stderr to /dev/null) and polls its fd table every 100 us until it
 * holds LINKS BPF links (anon_inode:bpf_link: every attach a modern libbpf makes, whatever the
 * program type). With -P it counts perf event fds instead (anon_inode:[perf_event]): a tracer
 * that attaches tracepoints by PERF_EVENT_IOC_SET_BPF, as bpftrace does, holds no links, but
 * every tracer holds one perf event per tracepoint or probe it attaches. Without -k it waits until the count has not changed for SETTLE_MS (default
 * 500) and reports that count, to calibrate -k. Then it reads VmHWM, waits 200 ms, reads VmRSS,
 * sends SIGINT and waits for the exit. Prints one line:
 *
 *   ready_us=N links=N hwm_kib=N rss_kib=N stop_us=N
 *
 * Exits 1 when the tracer exits before it is ready or takes more than 30 s, 2 on usage errors.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int count_fds(pid_t pid, const char *kind)
{
	char dir[64], path[320], target[64];
	struct dirent *d;
	int n = 0;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	dp = opendir(dir);
	if (!dp)
		return -1;
	while ((d = readdir(dp))) {
		ssize_t len;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		n += !strcmp(target, kind);
	}
	closedir(dp);
	return n;
}

static long status_kib(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t flen = strlen(field);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, flen) && line[flen] == ':')
			v = strtol(line + flen + 1, NULL, 10);
	fclose(f);
	return v;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	int want = 0, settle_ms = 500, opt, n = 0, last = -1, status;
	long long t0, ready = 0, changed, t2;
	const char *kind = "anon_inode:bpf_link";
	long hwm, rss;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+Pk:s:")) != -1) {
		if (opt == 'P')
			kind = "anon_inode:[perf_event]";
		else if (opt == 'k')
			want = atoi(optarg);
		else if (opt == 's')
			settle_ms = atoi(optarg);
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: attachwait [-P] [-k LINKS] [-s SETTLE_MS] -- TRACER [ARGS...]\n");
		return 2;
	}
	t0 = now_us();
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	changed = t0;
	for (;;) {
		long long t = now_us();

		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "attachwait: %s exited before it was ready\n", argv[optind]);
			return 1;
		}
		n = count_fds(pid, kind);
		if (n != last) {
			last = n;
			changed = t;
			ready = t;
		}
		if (want ? n >= want : (n > 0 && t - changed >= settle_ms * 1000LL))
			break;
		if (t - t0 > 30000000) {
			fprintf(stderr, "attachwait: %s not ready after 30 s\n", argv[optind]);
			kill(pid, SIGKILL);
			return 1;
		}
		sleep_us(100);
	}
	hwm = status_kib(pid, "VmHWM");
	sleep_us(200000);
	rss = status_kib(pid, "VmRSS");
	t2 = now_us();
	kill(pid, SIGINT);
	waitpid(pid, &status, 0);
	printf("ready_us=%lld links=%d hwm_kib=%ld rss_kib=%ld stop_us=%lld\n", ready - t0, n, hwm,
	       rss, now_us() - t2);
	return 0;
}
