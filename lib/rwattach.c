// SPDX-License-Identifier: Apache-2.0
/* Attach specs of BCC-dialect programs: see rwattach.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "elfsym.h"
#include "log.h"
#include "rwattach.h"

static const struct {
	const char *prefix;
	enum bct_rw_attach kind;
} prefixes[] = {
	{ "U:", BCT_RW_USDT },	     { "t:", BCT_RW_TRACEPOINT }, { "p::", BCT_RW_KPROBE },
	{ "r::", BCT_RW_KRETPROBE }, { "u:", BCT_RW_UPROBE },	  { "p:", BCT_RW_UPROBE },
	{ "r:", BCT_RW_URETPROBE },
};

int bct_rw_attach_spec(const char *spec, bool usdt, enum bct_rw_attach *kind, const char **target)
{
	const char *t = NULL;
	bool kprobe;
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t len = strlen(prefixes[i].prefix);

		if ((usdt || prefixes[i].kind != BCT_RW_USDT) &&
		    !strncmp(spec, prefixes[i].prefix, len)) {
			*kind = prefixes[i].kind;
			t = spec + len;
			break;
		}
	}
	if (!t) {
		if (usdt)
			pr_err("invalid attach spec '%s': use u:LIB:SYM, r:LIB:SYM, U:LIB:PROBE, "
			       "t:CAT:EVENT, p::FUNC or r::FUNC",
			       spec);
		else
			pr_err("invalid attach spec '%s': use t:CAT:EVENT, u:LIB:SYM, r:LIB:SYM, "
			       "p::FUNC or r::FUNC",
			       spec);
		return -EINVAL;
	}
	kprobe = *kind == BCT_RW_KPROBE || *kind == BCT_RW_KRETPROBE;
	if (!*t || (!kprobe && !strchr(t, ':')) || t[strlen(t) - 1] == ':' || *t == ':') {
		pr_err("invalid attach spec '%s': want TYPE:WHERE:WHAT", spec);
		return -EINVAL;
	}
	*target = t;
	return 0;
}

/* A uprobe on "LIB:SYM". */
static struct bpf_link *attach_uprobe(struct bpf_program *prog, bool ret, const char *target,
				      pid_t pid, bool *said)
{
	const char *sym = strrchr(target, ':');
	char lib[4096], path[4096];
	uint64_t off;
	int err;

	snprintf(lib, sizeof(lib), "%.*s", (int)(sym - target), target);
	sym++;
	err = bct_elf_lib_path(lib, path, sizeof(path));
	if (!err)
		err = bct_elf_sym_offset(path, sym, &off);
	if (err) {
		pr_err("cannot attach %s to %s:%s: %s", bpf_program__name(prog), lib, sym,
		       strerror(-err));
		*said = true;
		errno = -err;
		return NULL;
	}
	return bpf_program__attach_uprobe(prog, ret, pid > 0 ? pid : -1, path, off);
}

struct bpf_link *bct_rw_attach_target(struct bpf_program *prog, enum bct_rw_attach kind,
				      const char *target, pid_t pid, bool *said)
{
	const char *colon;
	char buf[256];

	*said = false;
	switch (kind) {
	case BCT_RW_TRACEPOINT:
		colon = strchr(target, ':');
		snprintf(buf, sizeof(buf), "%.*s", (int)(colon - target), target);
		return bpf_program__attach_tracepoint(prog, buf, colon + 1);
	case BCT_RW_RAW_TP:
		return bpf_program__attach_raw_tracepoint(prog, target);
	case BCT_RW_UPROBE:
	case BCT_RW_URETPROBE:
		return attach_uprobe(prog, kind == BCT_RW_URETPROBE, target, pid, said);
	case BCT_RW_KPROBE:
	case BCT_RW_KRETPROBE:
		/* BCC's sys_X is the syscall wrapper */
		snprintf(buf, sizeof(buf), "%s%s", strncmp(target, "sys_", 4) ? "" : "__x64_",
			 target);
		return bpf_program__attach_kprobe(prog, kind == BCT_RW_KRETPROBE, buf);
	default:
		errno = EINVAL;
		return NULL;
	}
}
