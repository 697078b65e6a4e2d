/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compile's large inputs (vmlinux.h, the PCH) outside LLVM's InMemoryFileSystem, which
 * hashes every file's whole contents to name it (lib/cc_bigfiles.cc). C++: bcctool-cc.so only.
 */
#ifndef BCT_CC_BIGFILES_H
#define BCT_CC_BIGFILES_H

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/VirtualFileSystem.h>

/* small (asked first) over a file system of the big buffers, by absolute path */
llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>
bct_cc_overlay(llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> small,
	       std::vector<std::pair<std::string, std::unique_ptr<llvm::MemoryBuffer>>> big);

#endif
