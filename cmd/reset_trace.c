// SPDX-License-Identifier: Apache-2.0
/*
 * reset-trace: reset the state of tracing, disabling anything a crashed or killed tracing tool
 * left enabled. The files tracing tools use (kprobe_events, uprobe_events, trace) are reset
 * whenever they are not in their default state; the other ftrace files are only checked, and
 * reset with -F. Interface and messages follow BCC's reset-trace(8).
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bct.h"
#include "tool.h"
#include "cmd.h"

/* What a file is compared with, at most; longer contents are "not as expected". */
#define FOUND_MAX (64 * 1024)

struct trace_file {
	const char *name; /* relative to the tracefs directory */
	const char *reset; /* written, followed by a newline, to reset it */
	const char *expected; /* its non-comment lines when in the default state */
	bool always; /* used by tracing tools: reset without -F */
};

/* BCC's order: the files tracing tools use, then the other ftrace files. */
static const struct trace_file trace_files[] = {
	{ "kprobe_events", "", "", true },
	{ "uprobe_events", "", "", true },
	{ "trace", "", "", true }, /* clears trace_pipe too */
	{ "current_tracer", "nop", "nop", false },
	{ "set_ftrace_filter", "", "", false },
	{ "set_graph_function", "", "", false },
	{ "set_ftrace_pid", "", "no pid", false },
	{ "events/enable", "0", "0", false },
	{ "tracing_thresh", "0", "0", false },
	{ "tracing_on", "1", "1", false },
};

enum action {
	ACT_NONE,
	ACT_RESET,
	ACT_NOTICED,
	ACT_FAILED,
	ACT_MISSING,
	ACT_SKIPPED,
};

static const char *const action_names[] = {
	[ACT_NONE] = "none",	 [ACT_RESET] = "reset",	    [ACT_NOTICED] = "noticed",
	[ACT_FAILED] = "failed", [ACT_MISSING] = "missing", [ACT_SKIPPED] = "skipped",
};

static struct env {
	struct bct_env kit; /* --json */
	bool force;
	bool quiet;
	bool verbose;
} env;

/* A file's non-comment lines, as `grep -v '^#'` inside $(...) gives them. */
struct found {
	char *buf;
	size_t len;
	bool truncated; /* more than FOUND_MAX bytes: kept only the start */
	bool long_text; /* text beyond FOUND_MAX besides newlines: cannot be the expected value */
};

static const struct bct_opt opts[] = {
	BCT_FLAG('F', "force", &env.force, "force: reset all tracing files"),
	BCT_FLAG('q', "quiet", &env.quiet, "quiet: no output"),
	BCT_FLAG('v', "verbose", &env.verbose, "verbose: print details while working"),
	{ 0 },
};

static const char doc[] = "Reset the state of tracing, disabling all tracing.\n"
			  "\n"
			  "USAGE: reset-trace [-Fhqv]\n"
			  "\v"
			  "Files used by tracing tools (kprobe_events, uprobe_events, trace) are "
			  "reset; other tracing files are checked and reset only with -F.\n"
			  "\n"
			  "  eg,\n"
			  "       reset-trace              # disable semi-enabled tracing\n"
			  "       reset-trace -v           # show what is checked and reset\n"
			  "       reset-trace -F           # reset all tracing files\n";

static const struct bct_tool_args args = { .opts = opts, .parser = bct_no_args, .doc = doc };

/* One warning line on stderr, after what stdout already holds so merged output keeps order. */
static void warn_errno(const char *what, const char *path, int err, const char *hint)
{
	const char *name = strerrorname_np(err);

	fflush(stdout);
	pr_warn("%s '%s': %s%s%s%s%s", what, path, strerror(err), name ? " (" : "",
		name ? name : "", name ? ")" : "", hint ? hint : "");
}

static int read_found(const char *path, struct found *f)
{
	char chunk[8192];
	bool bol = true, comment = false;
	ssize_t n, i;
	int fd, err = 0;

	f->len = 0;
	f->truncated = f->long_text = false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (!f->long_text && (n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		for (i = 0; i < n; i++) {
			char c = chunk[i];

			if (bol)
				comment = c == '#';
			bol = c == '\n';
			if (comment)
				continue;
			if (f->len < FOUND_MAX) {
				f->buf[f->len++] = c;
				continue;
			}
			f->truncated = true;
			if (c != '\n') {
				f->long_text = true;
				break;
			}
		}
	}
	close(fd);
	/* $(...) drops trailing newlines. */
	while (f->len && f->buf[f->len - 1] == '\n')
		f->len--;
	return err;
}

static bool found_is(const struct found *f, const char *expected)
{
	return !f->long_text && f->len == strlen(expected) && !memcmp(f->buf, expected, f->len);
}

/* `cat -nv`: numbered lines, control and high bytes shown as ^X and M-X. */
static void put_visible(unsigned char c, FILE *out)
{
	if (c >= 128) {
		fputs("M-", out);
		c -= 128;
	}
	if (c == 127)
		fputs("^?", out);
	else if (c < 32 && c != '\t')
		fprintf(out, "^%c", c + 64);
	else
		fputc(c, out);
}

static int list_file(const char *path, FILE *out)
{
	unsigned char chunk[8192];
	unsigned long line = 0;
	bool bol = true;
	ssize_t n, i;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		for (i = 0; i < n; i++) {
			if (bol)
				fprintf(out, "%6lu\t", ++line);
			bol = chunk[i] == '\n';
			if (bol)
				fputc('\n', out);
			else
				put_visible(chunk[i], out);
		}
	}
	/* Unlike cat, end a last line that has no newline, so the next message starts a line. */
	if (!bol)
		fputc('\n', out);
	close(fd);
	return err;
}

/* `echo VALUE > file`: truncate, then write the value and a newline. */
static int reset_file(const char *path, const char *value)
{
	size_t len = strlen(value);
	char *line;
	ssize_t n;
	int fd, err = 0;

	line = malloc(len + 2);
	if (!line)
		return -ENOMEM;
	memcpy(line, value, len);
	line[len++] = '\n';
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out_free;
	}
	do
		n = write(fd, line, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err && errno != EINTR)
		err = -errno;
out_free:
	free(line);
	return err;
}

static void verbose_listing(const char *path, const char *fmt, const char *name)
{
	int err;

	printf(fmt, name);
	err = list_file(path, stdout);
	if (err)
		warn_errno("cannot list", path, -err, NULL);
}

static void print_json(const struct trace_file *tf, const char *path, const struct found *f,
		       bool have_found, enum action act, int err)
{
	struct bct_json j;

	bct_json_begin(&j, stdout);
	bct_json_str(&j, "file", tf->name);
	bct_json_str(&j, "path", path);
	if (have_found)
		bct_json_strn(&j, "found", f->buf, f->len);
	else
		bct_json_null(&j, "found");
	if (have_found && f->truncated)
		bct_json_bool(&j, "truncated", true);
	bct_json_str(&j, "expected", tf->expected);
	bct_json_bool(&j, "always", tf->always);
	bct_json_str(&j, "action", action_names[act]);
	if (err)
		bct_json_str(&j, "error", strerror(err));
	bct_json_end(&j);
}

/* Checks one file and resets it when due; returns false when a due reset did not happen. */
static bool handle_file(const char *dir, const struct trace_file *tf, struct found *f)
{
	bool json = env.kit.common.json, say = !json && !env.quiet, verbose = !json && env.verbose;
	bool due = tf->always || env.force, have_found = false;
	enum action act = ACT_NONE;
	char path[4096];
	struct stat st;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, tf->name);
	if (stat(path, &st)) {
		/* Not in this kernel (kprobe_events without CONFIG_KPROBE_EVENTS): nothing to do. */
		err = errno;
		if (err == ENOENT) {
			act = ACT_MISSING;
			if (verbose)
				printf("Skipping %s: it doesn't exist\n", path);
			err = 0;
		} else {
			act = ACT_FAILED;
			warn_errno("cannot access", path, err, NULL);
		}
		goto out;
	}
	/* Like BCC, -q without -F does not even look at the files it would only report on. */
	if (!due && env.quiet && !json) {
		act = ACT_SKIPPED;
		goto out;
	}

	if (verbose)
		printf("Checking %s\n", path);
	err = -read_found(path, f);
	if (err) {
		warn_errno("cannot read", path, err, NULL);
		act = ACT_FAILED;
		goto out;
	}
	have_found = true;
	if (found_is(f, tf->expected))
		goto out;

	if (!due) {
		act = ACT_NOTICED;
		if (!say)
			goto out;
		printf("Noticed unrelated tracing file %s isn't set as expected. Not resetting (-F "
		       "to force, -v for verbose).\n",
		       path);
		if (verbose) {
			verbose_listing(path, "Contents of %s is (line enumerated):\n", tf->name);
			printf("Expected \"%s\".\n", tf->expected);
		}
		goto out;
	}

	if (say)
		printf("Needed to reset %s\n", path);
	if (verbose)
		verbose_listing(path, "%s, before (line enumerated):\n", tf->name);
	err = -reset_file(path, tf->reset);
	act = ACT_RESET;
	if (err) {
		warn_errno("cannot reset", path, err,
			   err == EBUSY ? "; is a tracing tool still running? Continuing" : NULL);
		act = ACT_FAILED;
	}
	if (verbose) {
		verbose_listing(path, "%s, after (line enumerated):\n", tf->name);
		putchar('\n');
	}
out:
	if (json)
		print_json(tf, path, f, have_found, act, err);
	return !(act == ACT_FAILED && due);
}

int cmd_reset_trace(int argc, char **argv)
{
	bool verbose, ok = true;
	struct found f = { 0 };
	const char *dir;
	size_t i;
	int err;

	err = bct_tool_parse(&args, &env.kit, argc, argv);
	if (err)
		return err;
	verbose = env.verbose && !env.kit.common.json;

	dir = bct_tracefs_dir();
	if (!dir || access(dir, R_OK | X_OK)) {
		err = errno;
		pr_err("cannot access tracing '%s': %s; root user?",
		       dir ? dir : "/sys/kernel/tracing", strerror(err));
		return 1;
	}
	f.buf = malloc(FOUND_MAX);
	if (!f.buf) {
		pr_err("cannot allocate memory: %s", strerror(ENOMEM));
		return 1;
	}

	if (verbose)
		printf("Resetting tracing state...\n\n");
	for (i = 0; i < sizeof(trace_files) / sizeof(trace_files[0]); i++)
		ok &= handle_file(dir, &trace_files[i], &f);
	if (verbose)
		printf("\nDone.\n");

	free(f.buf);
	return ok ? 0 : 1;
}
