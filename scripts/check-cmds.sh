#!/bin/sh
# The registry (cmd/cmdlist.h) is the one list of commands. Checks that it is sorted without
# duplicates, that every cmd/*.c command is registered, that each visible command has a man
# page and a test file, and that each cmd object exports exactly its cmd_<name> symbol.
# Usage: check-cmds.sh BUILD_DIR
set -eu
build=${1:?usage: check-cmds.sh BUILD_DIR}
rc=0
err() { echo "check-cmds: $*" >&2; rc=1; }

entries=$(sed -n 's/^BCT_CMD("\([^"]*\)", *\([a-z0-9_]*\),.*/\1 \2/p' cmd/cmdlist.h)
names=$(echo "$entries" | awk '{print $1}')
[ "$names" = "$(echo "$names" | LC_ALL=C sort -u)" ] || err "cmd/cmdlist.h is not sorted or has duplicates"
lines=$(grep -c '^BCT_CMD(' cmd/cmdlist.h)
[ "$lines" -eq "$(echo "$entries" | grep -c .)" ] || err "cmd/cmdlist.h has BCT_CMD lines this script cannot parse"

while read -r name fn; do
	[ -f "cmd/$fn.c" ] || err "'$name' is registered but cmd/$fn.c does not exist"
	if grep -q "^BCT_CMD(\"$name\",.*BCT_HIDDEN" cmd/cmdlist.h; then continue; fi
	[ -f "man/man8/bcctool-$name.8" ] || err "'$name' has no man page man/man8/bcctool-$name.8"
	[ -f "test/tools/$name.bats" ] || err "'$name' has no test file test/tools/$name.bats"
done <<EOF
$entries
EOF

for f in cmd/*.c; do
	fn=$(basename "$f" .c)
	case "$fn" in main) continue ;; esac
	echo "$entries" | awk '{print $2}' | grep -qx "$fn" || err "$f is not registered in cmd/cmdlist.h"
	obj="$build/cmd/$fn.o"
	[ -f "$obj" ] || { err "$obj is not built"; continue; }
	syms=$(nm --defined-only --extern-only "$obj" | awk '{print $3}' | grep -vx "needs_$fn" || true)
	[ "$syms" = "cmd_$fn" ] || err "$obj must export only cmd_$fn (and needs_$fn), exports: $(echo $syms)"
	line=$(grep "^BCT_CMD(\"[^\"]*\", *$fn," cmd/cmdlist.h)
	case "$line" in *BCT_HIDDEN*) ;; *BCT_NEEDS_BPF*)
		echo "$syms" | grep -q . && nm --defined-only --extern-only "$obj" | grep -q " needs_$fn\$" ||
			err "$f loads BPF but defines no needs_$fn for bcctool check (cmd/cmd.h)" ;;
	esac
done
exit $rc
