/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The database tools' (dbslower, dbstat, mysqld_qslower) common part: their -p PID lists, the
 * servers found by name as BCC finds them (pidof mysqld, pidof postgres), and the query__start
 * and query__done USDT probes of each process (readers defined as BCT_USDT_QS_ARGn).
 */
#ifndef BCT_DBTOOL_H
#define BCT_DBTOOL_H

#include <argp.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "usdt_args.h"

#define DB_MAX_PIDS 64

struct db_pids {
	pid_t pid[DB_MAX_PIDS];
	size_t n;
};

struct db_probes {
	struct bct_usdt_match start[DB_MAX_PIDS], done[DB_MAX_PIDS];
	pid_t pid[DB_MAX_PIDS];
	size_t n;
};

static inline long db_parse_int(struct argp_state *state, const char *what, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > INT_MAX)
		argp_error(state, "argument %s: invalid int value: '%s'", what, arg);
	return v;
}

static inline void db_pids_add(struct argp_state *state, struct db_pids *p, const char *arg)
{
	long v = db_parse_int(state, "-p/--pid", arg);

	if (p->n == DB_MAX_PIDS)
		argp_error(state, "too many pids (at most %d)", DB_MAX_PIDS);
	p->pid[p->n++] = (pid_t)v;
}

static inline void db_pids_list(const struct db_pids *p, char *buf, size_t sz)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < p->n && o < sz; i++)
		o += (size_t)snprintf(buf + o, sz - o, "%s%d", i ? ", " : "", (int)p->pid[i]);
}

/* The processes named mysqld (db "mysql") or postgres; 0, or -ENOENT after one line. */
static inline int db_find_servers(const char *db, struct db_pids *p)
{
	const char *name = !strcmp(db, "mysql") ? "mysqld" : "postgres";
	struct dirent *d;
	DIR *dir = opendir("/proc");

	while (dir && (d = readdir(dir)) && p->n < DB_MAX_PIDS) {
		char path[64], comm[32] = "";
		FILE *f;
		char *end;
		long pid = strtol(d->d_name, &end, 10);

		if (*end || end == d->d_name)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
		if (!strcmp(comm, name))
			p->pid[p->n++] = (pid_t)pid;
	}
	if (dir)
		closedir(dir);
	if (p->n)
		return 0;
	pr_err("no %s process is running (%s is not installed or not started): start it, or "
	       "give its PID with -p",
	       name, !strcmp(db, "mysql") ? "MySQL" : "PostgreSQL");
	return -ENOENT;
}

static inline void db_probes_free(struct db_probes *pr)
{
	size_t i;

	for (i = 0; i < pr->n; i++) {
		bct_usdt_match_free(&pr->start[i]);
		bct_usdt_match_free(&pr->done[i]);
	}
	pr->n = 0;
}

/* Both probes in every process; else one line (the process and what it lacks), -ENOENT. */
static inline int db_find_probes(const struct db_pids *p, struct db_probes *pr)
{
	static const char *const names[2] = { "query__start", "query__done" };
	size_t i;
	int k, err;

	for (i = 0; i < p->n; i++) {
		pr->pid[i] = p->pid[i];
		pr->n = i + 1;
		for (k = 0; k < 2; k++) {
			char link[64], exe[PATH_MAX] = "";
			ssize_t n;

			err = bct_usdt_find(p->pid[i], NULL, names[k],
					    k ? &pr->done[i] : &pr->start[i]);
			if (!err)
				continue;
			snprintf(link, sizeof(link), "/proc/%d/exe", (int)p->pid[i]);
			n = readlink(link, exe, sizeof(exe) - 1);
			if (n <= 0)
				pr_err("cannot read the mappings of process %d: no such process",
				       (int)p->pid[i]);
			else
				pr_err("process %d (%.*s) has no USDT probe %s: it is not a database "
				       "server built with USDT probes",
				       (int)p->pid[i], (int)n, exe, names[k]);
			db_probes_free(pr);
			return -ENOENT;
		}
	}
	return 0;
}

static inline int db_define_args(struct bct_prog *p, const struct db_probes *pr)
{
	int err;

	if (!pr->n)
		return 0; /* --ebpf without a process */
	err = bct_usdt_define_args(p, "QS", &pr->start[0]);
	if (err == -EINVAL)
		pr_err("cannot read the arguments of the USDT probe query__start in %s",
		       pr->start[0].path);
	return err;
}

static inline int db_attach(struct bct_prog *p, const struct db_probes *pr)
{
	size_t i;
	int err = 0;

	for (i = 0; i < pr->n && !err; i++) {
		err = bct_usdt_attach(p, "db_query_start", pr->pid[i], &pr->start[i], 0);
		err = err ?: bct_usdt_attach(p, "db_query_done", pr->pid[i], &pr->done[i], 0);
	}
	return err;
}

#endif
