# bcctool: one non-recursive Makefile. `make V=1` shows full commands, `make O=dir` builds elsewhere.
O ?= build
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= gcc
CXX ?= g++
LLVM_CONFIG ?= $(or $(shell command -v llvm-config-19 2>/dev/null),llvm-config)
PKG_CONFIG ?= pkg-config
BATS ?= bats
VERSION := 0.1.0

MAKEFLAGS += --no-builtin-rules
.SUFFIXES:
.DELETE_ON_ERROR:

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

WARN := -Wall -Wextra -Wno-unused-parameter -Wmissing-prototypes -Wstrict-prototypes \
	-Wformat=2 -Wshadow -Wno-format-nonliteral
ifeq ($(WERROR),1)
WARN += -Werror
endif
# SAN=address,undefined instruments bcctool and the unit tests. The compiler plugin is built
# without: LLVM's headers instrumented against its uninstrumented static archives report false
# errors (ASan's container annotations in StringMap), and LLVM is not our code to check. It
# still runs under the sanitizers' allocator, in the compile child of an instrumented bcctool.
ifneq ($(SAN),)
SANFLAGS := -fsanitize=$(SAN) -fno-omit-frame-pointer
endif

LLVM_VERSION := $(shell $(LLVM_CONFIG) --version 2>/dev/null)
, := ,
LIBBPF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbpf libelf zlib libxxhash 2>/dev/null)
LIBBPF_LIBS := $(or $(shell $(PKG_CONFIG) --libs libbpf libelf zlib libxxhash 2>/dev/null),-lbpf -lelf -lz -lxxhash)
BPF_INCLUDE ?= /usr/include/bpf

CFLAGS ?= -O2 -g
# -I$(O)/gen as an absolute path: `O=build` and `O=$$PWD/build` (the tests' make install) must
# give the same flags, or the flag tracking below rebuilds everything.
CPPFLAGS += -Ilib -Icmd -Ibpf-src -I$(abspath $(O))/gen $(LIBBPF_CFLAGS) -D_GNU_SOURCE \
	-DBCT_VERSION='"$(VERSION)"' -DBCT_LLVM_VERSION='"$(LLVM_VERSION)"' \
	-DBCT_LIBDIR='"$(PREFIX)/lib/bcctool"'
ALL_CFLAGS := -std=gnu11 $(WARN) $(SANFLAGS) $(CFLAGS) $(CPPFLAGS)
# bcctool serve: HTTP and TLS (libmicrohttpd, GnuTLS), its web config (libyaml), privileges
SERVE_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmicrohttpd yaml-0.1 libcap 2>/dev/null)
SERVE_LIBS := $(or $(shell $(PKG_CONFIG) --libs libmicrohttpd yaml-0.1 libcap libcrypt 2>/dev/null),\
	-lmicrohttpd -lyaml -lcap -lcrypt)
# (ncurses, for cachetop's screen, and libdw are dlopen()ed: lib/cursesload.h, lib/dwload.h)
LDLIBS := $(LIBBPF_LIBS) -ldl
# bcctool itself is not position-independent: no relocations to apply at every start (~200 KiB
# of .rela.dyn read, ~100 KiB of pointers written); the sanitizers want PIE. BIN_LDFLAGS= for PIE.
BIN_LDFLAGS ?= $(if $(SAN),,-no-pie)
# Commands whose libraries no other tool needs are shared objects bcctool-NAME.so, dlopen()ed
# when they run (lib/plugin.h): every other run maps fewer libraries (RSS). cmd/NAME.o is
# built position-independent and linked alone with PLUGIN_LIBS_NAME; bcctool gets a stub
# cmd_NAME and exports to the objects the symbols of its own they use.
PLUGIN_CMDS := serve
PLUGIN_LIBS_serve = $(SERVE_LIBS)
PLUGINS := $(PLUGIN_CMDS:%=$(O)/bcctool-%.so)

# The compiler plugin: the only C++ and the only thing linking LLVM/Clang. bcctool dlopens it
# in a short-lived child, so runs that hit the compile cache never map LLVM.
CXXFLAGS_LLVM = $(filter-out -fno-exceptions -std=% -O% -g,$(shell $(LLVM_CONFIG) --cxxflags))
CC_PLUGIN := $(O)/bcctool-cc.so
CC_PLUGIN_SRCS := $(wildcard lib/*.cc)
LLVM_LIBDIR = $(shell $(LLVM_CONFIG) --libdir)
# With clang's and LLVM's archives installed, the plugin links them in: it then loads in ~4 ms
# instead of ~20 (the ~550k relocations of libLLVM and libclang-cpp, on every compile), and
# needs no LLVM at run time. CC_PLUGIN_STATIC=0 links the shared libraries.
CC_PLUGIN_STATIC ?= $(if $(wildcard $(LLVM_LIBDIR)/libclangCodeGen.a),1,0)
ifeq ($(CC_PLUGIN_STATIC),1)
CLANG_ARCHIVES := clangCodeGen clangFrontend clangDriver clangSerialization clangParse clangSema \
	clangAPINotes clangAnalysis clangASTMatchers clangEdit clangAST clangSupport clangLex \
	clangBasic
LLVM_COMPONENTS := bpf passes option frontenddriver coverage lto frontendopenmp frontendhlsl \
	mcdisassembler debuginfodwarf
CC_PLUGIN_LIBS = -L$(LLVM_LIBDIR) -Wl,--start-group $(addprefix -l,$(CLANG_ARCHIVES)) \
	$(filter-out -lPolly -lPollyISL,$(shell $(LLVM_CONFIG) --link-static --libs \
	$(LLVM_COMPONENTS))) -Wl,--end-group -lz \
	$(if $(wildcard /usr/lib/libzstd.so /usr/lib/*/libzstd.so /usr/lib64/libzstd.so),-lzstd,-l:libzstd.so.1) \
	-ldl -lm -Wl,--gc-sections -Wl,-Bsymbolic -Wl,--exclude-libs,ALL -Wl,-z,defs -Wl,-z,pack-relative-relocs
else
CC_PLUGIN_LIBS = -L$(LLVM_LIBDIR) -lclang-cpp -lLLVM -Wl,-rpath,$(LLVM_LIBDIR)
endif

LIB_SRCS := $(sort $(wildcard lib/*.c))
CMD_SRCS := $(sort $(wildcard cmd/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
CMD_OBJS := $(filter-out $(PLUGIN_CMDS:%=$(O)/cmd/%.o),$(CMD_SRCS:%.c=$(O)/%.o))
PLUGIN_OBJS := $(PLUGIN_CMDS:%=$(O)/cmd/%.o)
GEN_OBJS := $(O)/gen/bpf_src.o
# Embedded: every BPF program and header of ours, and libbpf's BPF-side headers.
EMBED := $(sort $(wildcard bpf-src/*.c bpf-src/*.h)) \
	$(addprefix $(BPF_INCLUDE)/,bpf_helpers.h bpf_helper_defs.h bpf_tracing.h \
		bpf_core_read.h bpf_endian.h)
UNIT_SRCS := $(sort $(wildcard test/unit/*.c))
UNIT_OBJS := $(UNIT_SRCS:%.c=$(O)/%.o)
BIN := $(O)/bcctool
# Test and benchmark workloads: one program per test/workloads/NAME.c, built as $(O)/workloads/NAME.
WORKLOADS := $(patsubst test/workloads/%.c,$(O)/workloads/%,$(sort $(wildcard test/workloads/*.c)))
# usdtdemo twice: its probes plain, and guarded by semaphores
WORKLOADS += $(O)/workloads/usdtdemo_sema
UNIT_BIN := $(O)/test-unit
OBJS := $(LIB_OBJS) $(CMD_OBJS) $(GEN_OBJS) $(UNIT_OBJS)

.PHONY: all
all: $(BIN) $(if $(CC_PLUGIN_SRCS),$(CC_PLUGIN)) $(O)/links $(WORKLOADS)

$(BIN): $(CMD_OBJS) $(LIB_OBJS) $(GEN_OBJS) $(O)/gen/plugin_cmds.o $(O)/gen/plugin.dyn | $(PLUGINS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SANFLAGS) $(LDFLAGS) $(BIN_LDFLAGS) -Wl,--dynamic-list=$(O)/gen/plugin.dyn \
		-o $@ $(filter %.o,$^) $(LDLIBS)

$(O)/gen/plugin_cmds.c: Makefile
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q){ echo '#include "plugin.h"'; for c in $(PLUGIN_CMDS); do \
		echo "int cmd_$$c(int argc, char **argv);"; \
		echo "int cmd_$$c(int argc, char **argv) { return bct_plugin_run(\"$$c\", argc, argv); }"; \
		done; } >$@

$(O)/gen/plugin_cmds.o: $(O)/gen/plugin_cmds.c $(O)/.flags
	$(call msg,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# bcctool's symbols that the plugins use, and only those, are exported to them
$(O)/gen/plugin.dyn: $(PLUGIN_OBJS)
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q){ echo '{'; nm -u --format=just-symbols $^ | sort -u | sed 's/.*/\t&;/'; echo '};'; } >$@

$(PLUGIN_OBJS): ALL_CFLAGS += -fPIC
$(PLUGIN_OBJS): Makefile

$(O)/bcctool-%.so: $(O)/cmd/%.o
	$(call msg,LINK,$@)
	$(Q)$(CC) -shared $(SANFLAGS) $(LDFLAGS) -o $@ $< $(PLUGIN_LIBS_$*)

$(O)/.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(ALL_CFLAGS) $(CXX) $(CXXFLAGS) $(LLVM_CONFIG) $(CC_PLUGIN_STATIC)' > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@

$(O)/%.o: %.c $(O)/.flags
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/workloads/%: test/workloads/%.c test/workloads/wait_go.h $(O)/.flags
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< -lpthread

$(O)/workloads/usdtdemo_sema: test/workloads/usdtdemo.c $(O)/.flags
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -DWITH_SEMA $(LDFLAGS) -o $@ $<

# mysqlx57 is mysqlx56.c built for MySQL 5.7
$(O)/workloads/mysqlx57: test/workloads/mysqlx56.c

# the stack tools' workloads: their user stacks are walked by frame pointers
FP_WORKLOADS := spinner wakeer stacker leaker hotspin lockorder funcdemo
$(FP_WORKLOADS:%=$(O)/workloads/%): ALL_CFLAGS += -O0 -fno-omit-frame-pointer

$(O)/gen/bpf_src.c: $(EMBED) scripts/embed-src.sh
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)scripts/embed-src.sh $@ $(EMBED)

$(O)/gen/bpf_src.o: $(O)/gen/bpf_src.c $(O)/.flags
	$(call msg,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# System call names of the target architecture, from its <asm/unistd.h> (lib/syscalls.h).
$(O)/gen/syscall_names.h: scripts/gen-syscalls.sh $(O)/.flags
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)scripts/gen-syscalls.sh $@ $(CC) $(ALL_CFLAGS)

$(O)/lib/syscalls.o: $(O)/gen/syscall_names.h

$(O)/lib/%.pic.o: lib/%.cc $(O)/.flags
	$(call msg,CXX,$<)
	@mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS_LLVM) -std=c++17 -fPIC -O2 -g -Wall -Wextra -Wno-unused-parameter \
		$(filter -Werror,$(WARN)) -Ilib -MMD -MP -c -o $@ $<

$(CC_PLUGIN): $(CC_PLUGIN_SRCS:%.cc=$(O)/%.pic.o)
	$(call msg,LINK,$@)
	$(Q)$(CXX) -shared $(LDFLAGS) -o $@ $^ $(CC_PLUGIN_LIBS)

# The C API (lib/bcctool.h, bcctool(3)): libbcctool.a, libbcctool.so.0 and bcctool.pc. The
# lib/ objects again, position-independent and with hidden symbols: only lib/bcctool.h's
# functions are exported (BCCTOOL_API; lib/bcctool.map for the shared library). The library
# finds bcctool-cc.so beside itself or in bcctool/ beside it (lib/compile.c). In $(O),
# bcctool-uninstalled.pc (pkg-config prefers it) points at the build tree: the tests' example.
API_O := $(O)/pic
API_OBJS := $(LIB_SRCS:%.c=$(API_O)/%.o) $(API_O)/gen/bpf_src.o
API_SONAME := libbcctool.so.0
API_LIBS := $(LIBBPF_LIBS) $(shell $(PKG_CONFIG) --libs libdw 2>/dev/null || echo -ldw) -ldl -lpthread
API_OUT := $(O)/libbcctool.a $(O)/$(API_SONAME) $(O)/libbcctool.so $(O)/bcctool.pc \
	$(O)/bcctool-uninstalled.pc
API_CFLAGS = $(ALL_CFLAGS) -fPIC -fvisibility=hidden
all: $(API_OUT)

$(API_O)/lib/%.o: lib/%.c $(O)/.flags
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(API_CFLAGS) -MMD -MP -c -o $@ $<

$(API_O)/lib/syscalls.o: $(O)/gen/syscall_names.h

$(API_O)/gen/bpf_src.o: $(O)/gen/bpf_src.c $(O)/.flags
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(API_CFLAGS) -c -o $@ $<

$(O)/libbcctool.a: $(API_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(O)/$(API_SONAME): $(API_OBJS) lib/bcctool.map
	$(call msg,LINK,$@)
	$(Q)$(CC) -shared $(SANFLAGS) $(LDFLAGS) -Wl,-soname,$(API_SONAME) \
		-Wl,--version-script=lib/bcctool.map -Wl,-z,defs -o $@ $(API_OBJS) $(API_LIBS)

$(O)/libbcctool.so: $(O)/$(API_SONAME)
	$(Q)ln -sf $(API_SONAME) $@

API_PC = sed -e 's|@VERSION@|$(VERSION)|' -e 's|@PREFIX@|$(1)|' -e 's|@INCLUDEDIR@|$(2)|' \
	-e 's|@LIBDIR@|$(3)|' -e 's|@RPATH@|$(4)|' $< >$@

$(O)/bcctool.pc: lib/bcctool.pc.in $(O)/.flags
	$(call msg,GEN,$@)
	$(Q)$(call API_PC,$(PREFIX),$${prefix}/include,$${prefix}/lib,)

$(O)/bcctool-uninstalled.pc: lib/bcctool.pc.in $(O)/.flags
	$(call msg,GEN,$@)
	$(Q)$(call API_PC,$(CURDIR),$(CURDIR)/lib,$(abspath $(O)),-Wl$(,)-rpath$(,)$${libdir} )

# One symlink per visible tool, for argv[0] dispatch (tests and `make install-links`).
$(O)/links: $(BIN) cmd/cmdlist.h
	@rm -rf $@ && mkdir -p $@
	$(Q)for t in $$($(BIN) --list | awk '{print $$1}'); do ln -s ../bcctool $@/$$t; done

$(UNIT_BIN): $(UNIT_OBJS) $(LIB_OBJS) $(GEN_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/test/unit/%.o: ALL_CFLAGS += -Itest/unit
$(O)/cmd/serve.o: ALL_CFLAGS += $(SERVE_CFLAGS)

# --- dependencies: Debian packages needed to build and test -------------------------------
DEPS := make gcc g++ pkg-config libbpf-dev libelf-dev libdw-dev zlib1g-dev libxxhash-dev llvm-19-dev \
	libclang-cpp19-dev libclang-19-dev clang-19 libfuzzer-19-dev libclang-rt-19-dev clang-format \
	bats bats-assert bats-support bpftool jq util-linux kmod man-db bpftrace parallel iproute2 \
	procps strace python3 openssl gnutls-bin e2fsprogs xfsprogs btrfs-progs systemtap-sdt-dev \
	nftables libncurses-dev chromium libmicrohttpd-dev libyaml-dev libcap-dev libcrypt-dev \
	prometheus
.PHONY: deps
deps:
	@missing=$$(for p in $(DEPS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' \
		|| echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing:" $$missing; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing \
			>/dev/null || { echo "make deps: apt-get install failed" >&2; exit 1; }; \
	else echo "make deps: all build and test dependencies are installed"; fi

# --- checks -------------------------------------------------------------------------------
FORMAT_SRCS = $(wildcard cmd/*.c cmd/*.h lib/*.c lib/*.h lib/*.cc bpf-src/*.c bpf-src/*.h test/unit/*.c test/unit/*.h)
.PHONY: check check-san check-quick check-deps check-cmds check-format check-bpf check-unit check-bats test \
	format fuzz check-fuzz
check: deps
	$(Q)$(MAKE) --no-print-directory WERROR=1 all $(UNIT_BIN)
	$(Q)$(MAKE) --no-print-directory WERROR=1 check-cmds check-format check-bpf check-unit check-bats
	$(Q)$(MAKE) --no-print-directory check-san
	$(Q)$(MAKE) --no-print-directory WERROR=1 check-fuzz

check-cmds: $(BIN)
	$(call msg,CHECK,commands)
	$(Q)scripts/check-cmds.sh $(O)

check-format:
	$(call msg,CHECK,format)
	$(Q)clang-format --dry-run -Werror $(FORMAT_SRCS)

check-bpf:
	$(call msg,CHECK,bpf-src)
	$(Q)BCCTOOL=$(abspath $(BIN)) scripts/check-bpf.sh

check-unit: $(UNIT_BIN)
	$(call msg,UNIT,$(UNIT_BIN))
	$(Q)$(UNIT_BIN)

# Bats: tier 0 (no root, no BPF) first and fail-fast, then the tools' files. Files run
# BATS_JOBS at a time (GNU parallel; tests within a file stay in order), except files tagged
# `# bats file_tags=serial`, which run alone afterwards: they change system-wide tracing state or
# assert exact counts another file's tracer or workload could disturb. BATS_JOBS=1: one at a time.
BATS_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
BATS_PAR = $(if $(filter-out 0 1,$(BATS_JOBS)),$(if $(shell command -v parallel),--jobs \
	$(BATS_JOBS) --no-parallelize-within-files))
BATS_FLAGS ?=
BATS_ENV = BCCTOOL=$(abspath $(BIN)) BCCTOOL_BUILD=$(abspath $(O)) \
	BCCTOOL_MAKE="$(MAKE) -C $(CURDIR) O=$(abspath $(O)) WERROR=$(WERROR)"
BATS_RUN = $(BATS_ENV) $(BATS) $(BATS_FLAGS)
check-bats: all
	$(Q)$(BATS_RUN) $(BATS_PAR) --filter-tags '!needs:bpf' test
	$(Q)$(BATS_RUN) $(BATS_PAR) --filter-tags '!serial' test/tools
	$(Q)$(BATS_RUN) --filter-tags 'needs:bpf,!serial' test
	$(Q)$(BATS_RUN) --filter-tags serial test/tools

# For unprivileged work: what needs neither root nor BPF (tests that need them skip).
# The sanitizer tier: bcctool and the unit tests built with ASan and UBSan in $(O)/san, run
# through the unit tests and the command-line and compile tests. The compile child loads the
# normal build's plugin (built without sanitizers either way: see SAN above).
SAN_O := $(O)/san
SAN_ENV = BCCTOOL=$(abspath $(SAN_O))/bcctool BCCTOOL_BUILD=$(abspath $(O)) \
	BCCTOOL_CC_PLUGIN=$(abspath $(CC_PLUGIN)) UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(abspath test/lsan.supp):print_suppressions=0
check-san: all
	$(Q)$(MAKE) --no-print-directory O=$(SAN_O) SAN=address,undefined WERROR=1 \
		$(SAN_O)/bcctool $(SAN_O)/test-unit
	$(call msg,UNIT,$(SAN_O)/test-unit)
	$(Q)$(SAN_ENV) $(SAN_O)/test-unit
	$(Q)$(SAN_ENV) $(BATS) $(BATS_FLAGS) test/000-basics.bats test/010-cli.bats \
		test/020-compile.bats

check-quick: all $(UNIT_BIN)
	$(Q)$(MAKE) --no-print-directory check-cmds check-format check-unit
	$(Q)$(BATS_RUN) $(BATS_PAR) --filter-tags '!needs:bpf,!needs:root' test test/tools

test: check-bats

format:
	clang-format -i $(FORMAT_SRCS)

# --- fuzzing (libFuzzer) ------------------------------------------------------------------
# One target per parser of untrusted input: test/fuzz/fuzz_NAME.c, seeds in
# test/fuzz/corpus/NAME/. The lib/ objects are rebuilt with clang in $(O)/fuzz, instrumented
# for coverage, ASan and UBSan (any UB aborts). `make fuzz` runs each target for FUZZ_TIME
# seconds on a copy of its corpus (kept in $(O)/fuzz/corpus: later runs go on from it), crash
# inputs land in $(O)/fuzz/crash-NAME-*; `make check-fuzz` runs each a few seconds with a
# fixed seed, so that a fresh clone's run is the same run wherever it happens (a slower
# machine only stops earlier); `make fuzz` draws a new seed each time.
FUZZ_CC ?= clang-19
FUZZ_TIME ?= 60
FUZZ_O := $(O)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=gnu11 -g -O1 $(FUZZ_SAN) $(filter-out -Werror,$(WARN)) \
	-Wno-missing-field-initializers -Wno-string-concatenation $(CPPFLAGS) -Itest/fuzz
FUZZ_NAMES := $(patsubst test/fuzz/fuzz_%.c,%,$(sort $(wildcard test/fuzz/fuzz_*.c)))
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_O)/fuzz_%)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_O)/%.o) $(FUZZ_O)/gen/bpf_src.o

$(FUZZ_O)/.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(FUZZ_CC) $(FUZZ_CFLAGS)' > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@

$(FUZZ_O)/lib/%.o: lib/%.c $(FUZZ_O)/.flags
	$(call msg,FUZZCC,$<)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_O)/lib/syscalls.o: $(O)/gen/syscall_names.h

$(FUZZ_O)/gen/bpf_src.o: $(O)/gen/bpf_src.c $(FUZZ_O)/.flags
	$(call msg,FUZZCC,$<)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_O)/fuzz_%: test/fuzz/fuzz_%.c test/fuzz/fuzz.h $(FUZZ_LIB_OBJS)
	$(call msg,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJS) $(LDLIBS)

.SECONDARY: $(FUZZ_LIB_OBJS)
.PHONY: fuzz-build
fuzz-build: $(FUZZ_BINS)

FUZZ_RUN = set -e; for t in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_O)/corpus/$$t; cp -n test/fuzz/corpus/$$t/* $(FUZZ_O)/corpus/$$t/; \
		printf '  %-8s %s\n' FUZZ $$t; \
		$(FUZZ_O)/fuzz_$$t -artifact_prefix=$(FUZZ_O)/crash-$$t- $(1) \
			$(FUZZ_O)/corpus/$$t 2>$(FUZZ_O)/$$t.log \
			|| { tail -n 40 $(FUZZ_O)/$$t.log >&2; exit 1; }; \
		grep -E '^(Done|\#[0-9]+ +DONE)' $(FUZZ_O)/$$t.log | tail -n 1; \
	done

fuzz: $(FUZZ_BINS)
	$(Q)$(call FUZZ_RUN,-max_total_time=$(FUZZ_TIME) -print_final_stats=1)

check-fuzz: $(FUZZ_BINS)
	$(Q)$(call FUZZ_RUN,-seed=1 -runs=20000 -max_total_time=5 -print_final_stats=1)

# --- install ------------------------------------------------------------------------------
.PHONY: install install-links uninstall clean
install: all
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/bcctool
	$(if $(CC_PLUGIN_SRCS),install -D -m 0755 $(CC_PLUGIN) $(DESTDIR)$(PREFIX)/lib/bcctool/bcctool-cc.so)
	install -d $(DESTDIR)$(PREFIX)/lib/bcctool
	install -m 0755 $(PLUGINS) $(DESTDIR)$(PREFIX)/lib/bcctool/
	install -d $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0644 man/man8/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -D -m 0644 lib/bcctool.h $(DESTDIR)$(PREFIX)/include/bcctool.h
	install -D -m 0644 $(O)/libbcctool.a $(DESTDIR)$(PREFIX)/lib/libbcctool.a
	install -D -m 0755 $(O)/$(API_SONAME) $(DESTDIR)$(PREFIX)/lib/$(API_SONAME)
	ln -sf $(API_SONAME) $(DESTDIR)$(PREFIX)/lib/libbcctool.so
	install -D -m 0644 $(O)/bcctool.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/bcctool.pc
	install -D -m 0644 man/man3/bcctool.3 $(DESTDIR)$(PREFIX)/share/man/man3/bcctool.3
	$(MAKE) --no-print-directory install-links

install-links: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/libexec/bcctool
	for t in $$($(BIN) --list | awk '{print $$1}'); do \
		ln -sf ../../bin/bcctool $(DESTDIR)$(PREFIX)/libexec/bcctool/$$t; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/bcctool $(DESTDIR)$(PREFIX)/include/bcctool.h \
		$(DESTDIR)$(PREFIX)/lib/libbcctool.a $(DESTDIR)$(PREFIX)/lib/$(API_SONAME) \
		$(DESTDIR)$(PREFIX)/lib/libbcctool.so $(DESTDIR)$(PREFIX)/lib/pkgconfig/bcctool.pc \
		$(DESTDIR)$(PREFIX)/share/man/man3/bcctool.3
	rm -rf $(DESTDIR)$(PREFIX)/lib/bcctool $(DESTDIR)$(PREFIX)/libexec/bcctool
	for m in man/man8/*.8; do rm -f $(DESTDIR)$(PREFIX)/share/man/man8/$$(basename $$m); done

clean:
	rm -rf $(O)

.PHONY: bench
bench: all
	$(Q)BCCTOOL=$(abspath $(BIN)) scripts/bench/run.sh

.PHONY: FORCE
FORCE:

-include $(OBJS:.o=.d) $(wildcard $(API_O)/lib/*.d) $(wildcard $(O)/lib/*.pic.d) $(wildcard $(FUZZ_O)/lib/*.d)
