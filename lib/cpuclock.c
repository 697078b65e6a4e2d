// SPDX-License-Identifier: Apache-2.0
/* cpu-clock sampling on every CPU (lib/cpuclock.h). */
#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "cpuclock.h"
#include "log.h"

int bct_attach_cpu_clock(struct bct_prog *p, const char *prog_name, unsigned int freq)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(bct_prog__object(p), prog_name);
	int ncpus = libbpf_num_possible_cpus(), cpu, fd, err, attached = 0;

	if (!prog)
		return -ENOENT;
	if (ncpus < 0) {
		pr_err("cannot count the CPUs: %s", strerror(-ncpus));
		return ncpus;
	}
	for (cpu = 0; cpu < ncpus; cpu++) {
		struct perf_event_attr attr = {
			.type = PERF_TYPE_SOFTWARE,
			.config = PERF_COUNT_SW_CPU_CLOCK,
			.size = sizeof(attr),
			.freq = 1,
			.sample_freq = freq,
		};
		struct bpf_link *link;

		fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
		if (fd < 0) {
			if (errno == ENODEV)
				continue; /* an offline CPU */
			err = -errno;
			pr_err("cannot open a cpu-clock perf event on CPU %d: %s", cpu,
			       strerror(-err));
			return err;
		}
		link = bpf_program__attach_perf_event(prog, fd);
		if (!link) {
			err = -errno;
			close(fd);
			pr_err("cannot attach to the perf event of CPU %d: %s", cpu,
			       strerror(-err));
			return err;
		}
		err = bct_prog__add_link(p, link);
		if (err)
			return err;
		attached++;
	}
	if (!attached) {
		pr_err("cannot sample any CPU: no online CPU took a perf event");
		return -ENODEV;
	}
	return 0;
}
