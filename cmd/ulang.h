/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime tools' languages (ucalls, uflow, ugc, ustat...): their USDT probe names and
 * argument positions as BCC's tools use them, the names BCC installs for a tool and a language
 * (pythoncalls is ucalls -l python), and the one-line refusal when a runtime has no probes.
 */
#ifndef BCT_ULANG_H
#define BCT_ULANG_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "usdt_args.h"

struct ulang {
	const char *name; /* "python" */
	const char *entry, *ret; /* method entry and return probes; NULL: none */
	int class_arg, method_arg; /* 1-based argument positions; 0: none */
	const char *hint; /* printed under the banner, or NULL */
};

static const struct ulang ulangs[] = {
	{ "java", "method__entry", "method__return", 2, 4,
	  "If you do not see any results, make sure you ran java with option "
	  "-XX:+ExtendedDTraceProbes" },
	{ "node", NULL, NULL, 0, 0, NULL },
	{ "perl", "sub__entry", "sub__return", 2, 1, NULL },
	{ "php", "function__entry", "function__return", 4, 1,
	  "If you do not see any results, make sure the environment variable USE_ZEND_DTRACE "
	  "is set to 1" },
	{ "python", "function__entry", "function__return", 1, 2, NULL },
	{ "ruby", "method__entry", "method__return", 1, 2, NULL },
	{ "tcl", "proc__entry", "proc__return", 0, 1, NULL },
	{ NULL },
};

static inline const struct ulang *ulang_find(const char *name)
{
	const struct ulang *l;

	for (l = ulangs; l->name; l++)
		if (!strcmp(l->name, name))
			return l;
	return NULL;
}

/*
 * The language a BCC alias names: "pythoncalls" for tool suffix "calls" gives python (and
 * "bcctool-pythoncalls" and "/usr/sbin/pythoncalls" too); NULL for the tool's own name.
 */
static inline const char *ulang_from_argv0(const char *argv0, const char *suffix)
{
	const char *s = strrchr(argv0, '/');
	static char lang[16];
	size_t n, k = strlen(suffix);

	s = s ? s + 1 : argv0;
	if (!strncmp(s, "bcctool-", 8))
		s += 8;
	n = strlen(s);
	if (n <= k || n - k >= sizeof(lang) || strcmp(s + n - k, suffix) || s[0] == 'u')
		return NULL;
	memcpy(lang, s, n - k);
	lang[n - k] = '\0';
	return lang;
}

/*
 * Finds probe in process pid; else logs one line (the process's binary and that its runtime
 * was built without USDT probes, or that the process does not exist) and returns -ENOENT.
 */
static inline int ulang_find_probe(pid_t pid, const char *lang, const char *probe,
				   struct bct_usdt_match *m)
{
	char exe[PATH_MAX] = "", link[64];
	ssize_t n;
	int err;

	err = bct_usdt_find(pid, NULL, probe, m);
	if (!err)
		return 0;
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (err != -ENOENT || n <= 0) {
		pr_err("cannot read the mappings of process %d: %s", (int)pid,
		       err == -ENOENT ? "no such process" : strerror(-err));
		return -ENOENT;
	}
	exe[n] = '\0';
	pr_err("process %d (%s) has no USDT probe %s: its %s runtime was built without USDT "
	       "probes",
	       (int)pid, exe, probe, lang);
	return -ENOENT;
}

#endif
